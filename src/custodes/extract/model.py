"""Output records of the extractor.

Kept free of extraction logic so that storage, scoring and the web layer can import them cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A verbatim span of the source text: source[start:end] == text."""

    text: str
    start: int
    end: int


@dataclass
class Financing:
    """How a deployment was paid for, when the text says so."""

    lender: str | None
    amount: float | None
    currency: str | None
    loan: bool
    evidence: Evidence | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lender": self.lender,
            "amount": self.amount,
            "currency": self.currency,
            "loan": self.loan,
            "evidence": self.evidence.text if self.evidence else None,
        }


@dataclass(frozen=True)
class Facets:
    """What the attribute scorer reads of a record: the features of every technology category
    the record's sentences, lead, neighbours, document or vendor suggest, and of its status."""

    tech: dict[str, dict[str, float]]
    status: dict[str, float]


@dataclass
class Deployment:
    """One (recipient country, supplier) pair stated as fact by a document."""

    country: str
    supplier: str | None
    supplier_country: str | None
    tech: list[str]
    year: int | None
    program: str | None
    status: str
    evidence: list[Evidence]
    confidence: float
    financing: Financing | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # calibrated probabilities, given that the (country, supplier) pair is right, that each
    # category of `tech` and that `status` are what the document states (None: no model)
    tech_confidence: dict[str, float] = field(default_factory=dict)
    status_confidence: float | None = None
    facets: Facets | None = field(default=None, repr=False, compare=False)

    def to_gold_dict(self) -> dict[str, Any]:
        """The record in the gold-file format of the annotation guidelines."""
        return {
            "country": self.country,
            "supplier": self.supplier,
            "supplier_country": self.supplier_country,
            "tech": list(self.tech),
            "year": self.year,
            "program": self.program,
            "status": self.status,
            "evidence": " ".join(e.text for e in self.evidence),
        }


def supplier_key(supplier: str | None, vendor_id: str | None, supplier_country: str | None) -> tuple[str, str]:
    """The one key that says two statements name the same supplier side: a registry vendor by
    its id (whatever alias the text used), another company by its folded name, an unnamed one
    by its nationality ("" when even that is unknown)."""
    if vendor_id:
        return ("v", vendor_id)
    if supplier:
        return ("s", " ".join(supplier.split()).casefold())
    return ("c", supplier_country or "")
