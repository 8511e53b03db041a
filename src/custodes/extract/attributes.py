"""How sure custodes is of a record's technologies and status, once it keeps the record.

The rules choose a record's categories and status; cross-validation measured them better than
a learned choice on the labelled data (see README, "Extraction"). What the rules cannot say is
how often such a choice is right. The attribute scorers, trained by `custodes train` on the
records cross-validation kept, turn each choice's features (`Deployment.facets`) into that
probability: `tech_confidence` per category, `status_confidence` for the status. Both are
conditional on the (country, supplier) pair being right, which `confidence` measures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from custodes.extract.model import Deployment

CATEGORY = "category"
STATUS = "status"
ATTRIBUTES = (CATEGORY, STATUS)


class AttributeModel(Protocol):
    def probability(self, kind: str, features: dict[str, float]) -> float: ...


def attach_confidences(records: Iterable[Deployment], models: Mapping[str, AttributeModel]) -> None:
    """Fill in `tech_confidence` and `status_confidence` of records the builder just made;
    a record keeps them empty when the model has no attribute scorer (an older model file)."""
    category, status = models.get(CATEGORY), models.get(STATUS)
    for d in records:
        if d.facets is None:
            continue
        if category is not None:
            d.tech_confidence = {t: round(category.probability(CATEGORY, d.facets.tech[t]), 3)
                                 for t in d.tech if t in d.facets.tech}
        if status is not None:
            d.status_confidence = round(status.probability(STATUS, d.facets.status), 3)
