from custodes.extract.financing import find_amount, find_financing


def test_amounts() -> None:
    assert find_amount("a US$150m deal") == (150e6, "USD")
    assert find_amount("worth EUR 2.5 million") == (2.5e6, "EUR")
    assert find_amount("costing 40 million U.S. dollars") == (40e6, "USD")
    assert find_amount("no money here") is None


def test_financing_needs_loan_or_lender() -> None:
    text = "The $80 million system is financed by a loan from China Development Bank."
    f = find_financing(text, 0, len(text))
    assert f is not None and f.loan and f.lender == "China Development Bank"
    assert f.amount == 80e6 and f.currency == "USD"
    assert f.evidence is not None and text[f.evidence.start : f.evidence.end] == f.evidence.text
    plain = "The city bought cameras for $3 million."
    assert find_financing(plain, 0, len(plain)) is None


def test_currency_names_shared_by_several_countries() -> None:
    assert find_amount("a 5 billion Kenyan shillings project") == (5e9, "KES")
    assert find_amount("worth 300 million Mexican pesos") == (300e6, "MXN")
    assert find_amount("costing 2 billion pesos") == (2e9, None)  # whose pesos is not said
    assert find_amount("a 500 million ringgit system") == (500e6, "MYR")
