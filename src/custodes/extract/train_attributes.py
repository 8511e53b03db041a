"""Training and cross-validation of the attribute scorers (category and status confidence).

Their examples are the records that cross-validation kept and whose (country, supplier) pair is
a gold record of the document: each category the record could be about, labelled by whether the
gold record has it, and the status the rules chose, labelled by whether it is the gold status.
Records come out of fold, so the scorers learn from records as the extractor makes them on text
it has not seen. Their own figures come from a second cross-validation over the same document
folds; a category's figures count only the categories the rules chose, the ones that get a
confidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from custodes.extract.attributes import ATTRIBUTES, CATEGORY, STATUS
from custodes.extract.model import Deployment
from custodes.extract.scorer import LogisticScorer
from custodes.extract.scoring import GoldDoc, pair_key

# Stronger regularisation than the pair scorer's inputs need: a few hundred examples.
ATTRIBUTE_C = 0.1


@dataclass
class AttributeRow:
    doc_id: str
    attribute: str
    features: dict[str, float]
    label: bool
    chosen: bool  # the rules chose this category / status: the value that gets a confidence


def attribute_rows(docs: Sequence[GoldDoc], records: Mapping[str, Sequence[Deployment]]) -> list[AttributeRow]:
    """Labelled examples of both attributes from the records kept for each document."""
    rows: list[AttributeRow] = []
    for d in docs:
        gold = {pair_key(r): r for r in d.deployments}
        for rec in records.get(d.id, ()):
            g = gold.get(pair_key(rec.to_gold_dict()))
            if g is None or rec.facets is None:
                continue
            wanted = set(g.get("tech") or [])
            for t, features in rec.facets.tech.items():
                rows.append(AttributeRow(d.id, CATEGORY, features, t in wanted, t in rec.tech))
            rows.append(AttributeRow(d.id, STATUS, rec.facets.status, rec.status == g.get("status"), True))
    return rows


def fit_attributes(rows: Sequence[AttributeRow], c: float = ATTRIBUTE_C) -> dict[str, LogisticScorer]:
    """One logistic scorer per attribute that has both right and wrong examples."""
    from custodes.extract.train import fit_features

    out: dict[str, LogisticScorer] = {}
    for attribute in ATTRIBUTES:
        mine = [r for r in rows if r.attribute == attribute]
        if len({r.label for r in mine}) < 2:
            continue
        out[attribute] = fit_features([{f"{attribute}:{k}": v for k, v in r.features.items()} for r in mine],
                                      [r.label for r in mine], c, threshold=0.5)
    return out


def cross_validate_attributes(rows: Sequence[AttributeRow], folds: int, c: float = ATTRIBUTE_C) -> dict[str, Any]:
    """Per attribute: how many chosen values, how often the rules' choice was right, and the
    Brier score and reliability table of the out-of-fold confidences of the chosen values."""
    from custodes.extract.train import brier, fold_of, reliability_table

    probs: list[float | None] = [None] * len(rows)
    for k in range(folds):
        models = fit_attributes([r for r in rows if fold_of(r.doc_id, folds) != k], c)
        for i, r in enumerate(rows):
            if fold_of(r.doc_id, folds) == k and r.attribute in models:
                probs[i] = models[r.attribute].probability(r.attribute, r.features)
    report: dict[str, Any] = {}
    for attribute in ATTRIBUTES:
        idx = [i for i, r in enumerate(rows) if r.attribute == attribute and r.chosen and probs[i] is not None]
        p = [float(probs[i] or 0.0) for i in idx]
        y = [rows[i].label for i in idx]
        if not idx:
            continue
        report[attribute] = {
            "chosen": len(idx),
            "rules_right": round(sum(y) / len(y), 4),
            "brier": round(brier(p, y), 4),
            "brier_of_constant": round(brier([sum(y) / len(y)] * len(y), y), 4),
            "reliability": reliability_table(p, y),
        }
    return report
