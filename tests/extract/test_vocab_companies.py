"""The company-shape vocabulary (data/lang/en/companies.yaml) decides what a company is."""

from __future__ import annotations

from custodes.extract.companies import (
    _APPOSITION_AFTER,
    _CONTEXT_BEFORE,
    _INSTITUTION_HEADS,
    _PERSON_TITLES,
    CORPORATE_WORDS,
    GENERIC_NAME_WORDS,
)


def test_company_words_come_from_the_file() -> None:
    assert {"technologies", "holdings", "ltd"} <= CORPORATE_WORDS  # corporate words and legal forms
    assert "&" in GENERIC_NAME_WORDS and "authority" in _INSTITUTION_HEADS


def test_supplier_positions_and_people() -> None:
    assert _CONTEXT_BEFORE.search("the cameras were supplied by the ")
    assert _CONTEXT_BEFORE.search("vendors such as ")
    assert not _CONTEXT_BEFORE.search("the cameras were seen by the ")
    assert _APPOSITION_AFTER.match(", a Chinese camera maker,")
    assert _PERSON_TITLES.search("said co-founder ") and _PERSON_TITLES.search("Minister ")
    assert not _PERSON_TITLES.search("the contract ")
