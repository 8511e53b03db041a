"""financing.py reads its words from data/lang/en/financing.yaml; these fail if a list or code is lost."""

from custodes.extract.financing import find_amount, find_financing


def test_scale_words_by_power_of_ten() -> None:
    assert find_amount("Rs. 40 crore") == (40e7, "INR")
    assert find_amount("Rs 5 lakh") == (5e5, "INR")
    assert find_amount("HK$ 3bn") == (3e9, "HKD")
    assert find_amount("C$ 2k") == (2e3, "CAD")
    assert find_amount("£ 3 mn") == (3e6, "GBP")
    assert find_amount("a 1.5 trillion tenge budget") == (1.5e12, "KZT")


def test_currency_names_and_shared_names() -> None:
    assert find_amount("worth 4 million US dollars") == (4e6, "USD")
    assert find_amount("worth 7 bn soms") == (7e9, "KGS")
    assert find_amount("worth 2 million Sri Lankan rupees") == (2e6, "LKR")
    assert find_amount("worth 5 million New Zealand dollars") == (5e6, "NZD")
    assert find_amount("worth 5 million dollars") == (5e6, "USD")  # bare dollars default to USD
    assert find_amount("worth 5 million shillings") == (5e6, None)


def test_loan_stems_make_a_loan() -> None:
    text = "The cameras were paid with a credit line of $5 million."
    f = find_financing(text, 0, len(text))
    assert f is not None and f.loan
    grant = "The cameras were financed by a grant of $5 million."
    g = find_financing(grant, 0, len(grant))
    assert g is not None and not g.loan


def test_a_qualifier_the_table_does_not_pair_names_no_currency() -> None:
    from custodes.extract.financing import find_amount

    found = find_amount("a deal worth 5 million Indian dollars")
    assert found is not None and found[1] is None
