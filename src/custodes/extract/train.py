"""Training and cross-validation of the candidate scorer from labelled gold files.

`custodes train` runs the pipeline up to the candidates on every labelled document, labels each
candidate by the scoring rules of the annotation guidelines (its (country, supplier) or
(country, supplier country) key is a gold record of that document), and fits an L2-regularised
logistic regression. Everything is deterministic: documents are assigned to folds by a hash of
their id, the solver is deterministic, and the model file lists the SHA-256 of every file it
was trained on.

Cross-validation is by document, out of fold end to end: each held-out document is extracted by
the full pipeline with the model of the other folds, and scored as `custodes eval` scores.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from custodes.extract.candidates import PairCandidate
from custodes.extract.doc import Doc
from custodes.extract.model import Deployment
from custodes.extract.scorer import LogisticScorer, rule_verdict
from custodes.extract.scoring import GoldDoc, Scores, load_gold, pair_key, score
from custodes.extract.train_attributes import attribute_rows, cross_validate_attributes, fit_attributes

DEFAULT_C = 0.03
DEFAULT_THRESHOLD = 0.4
FOLDS = 5
# A kind of candidate (named, nationality, unnamed) needs this many positive examples before its
# weights are learned; below it the rules decide for that kind.
MIN_POSITIVES = 30


@dataclass
class Row:
    doc_id: str
    candidate: PairCandidate
    label: bool


@dataclass
class Report:
    """What a training run measured, written into the model file."""

    documents: int
    candidates: int
    positives: int
    gold_records: int
    candidate_recall: float
    cv: dict[str, Any] = field(default_factory=dict)
    brier: float | None = None
    reliability: list[dict[str, float]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)  # category and status confidence, out of fold


@cache
def cv_groups() -> dict[str, str]:
    """Document id -> story, for documents that tell one story (data/model/cv_groups.yaml)."""
    from custodes.resolve._matcher import check_keys, load_yaml_mapping

    where = "data/model/cv_groups.yaml"
    text = resources.files("custodes").joinpath("data", "model", "cv_groups.yaml").read_text(encoding="utf-8")
    data = load_yaml_mapping(where, text)
    check_keys(where, data, frozenset({"version", "groups"}), frozenset({"version", "groups"}))
    out: dict[str, str] = {}
    for story, ids in data["groups"].items():
        for doc_id in ids:
            if doc_id in out:
                raise ValueError(f"data/model/cv_groups.yaml: {doc_id} is in {out[doc_id]} and {story}")
            out[str(doc_id)] = str(story)
    return out


def fold_of(doc_id: str, folds: int = FOLDS) -> int:
    """The fold a document belongs to, by a hash of its id, or of its story when it is one of
    several documents telling one story (stable across runs and files)."""
    unit = cv_groups().get(doc_id, doc_id)
    return int(hashlib.sha256(unit.encode("utf-8")).hexdigest(), 16) % folds


def candidate_key(c: PairCandidate) -> tuple[str, str, str]:
    return pair_key({"country": c.country, "supplier": c.supplier, "supplier_country": c.supplier_country})


def load_documents(paths: Sequence[Path]) -> list[GoldDoc]:
    """Gold documents of all files; ids are prefixed by the file name so they stay unique."""
    out: list[GoldDoc] = []
    for p in paths:
        for d in load_gold(p):
            d.id = f"{p.stem}:{d.id}"
            out.append(d)
    return out


def candidate_rows(docs: Sequence[GoldDoc]) -> tuple[list[Row], int, int]:
    """Labelled candidates, the number of gold records, and how many of them have a candidate."""
    from custodes.extract.extractor import build_pipeline

    pipeline = build_pipeline(until="candidates")
    rows: list[Row] = []
    gold_total = covered = 0
    for d in docs:
        gold = {pair_key(r) for r in d.deployments}
        doc = pipeline(Doc(d.text))
        keys: set[tuple[str, str, str]] = set()
        for c in doc.layers.get("candidates", []):
            k = candidate_key(c)
            keys.add(k)
            rows.append(Row(d.id, c, k in gold))
        gold_total += len(gold)
        covered += len(gold & keys)
    return rows, gold_total, covered


def fit(rows: Sequence[Row], c: float = DEFAULT_C, threshold: float = DEFAULT_THRESHOLD,
        min_positives: int = MIN_POSITIVES) -> LogisticScorer:
    """The deployment scorer: learned weights for the kinds with enough examples, the rules'
    verdict for the others."""
    rule_kinds = _rule_kinds(rows, min_positives)
    rows = [r for r in rows if r.candidate.kind not in rule_kinds]
    scorer = fit_features([_prefixed(r.candidate) for r in rows], [r.label for r in rows], c, threshold)
    scorer.rule_kinds = rule_kinds
    return scorer


def _prefixed(c: PairCandidate) -> dict[str, float]:
    """One model over all kinds, each feature its kind's own: kind-specific weights."""
    return {f"{c.kind}:{k}": v for k, v in c.features.items()}


def fit_features(features: Sequence[dict[str, float]], labels: Sequence[bool], c: float = DEFAULT_C,
                 threshold: float = DEFAULT_THRESHOLD) -> LogisticScorer:
    """Logistic regression on standardised features, saved with the scaling folded into the
    weights so that scoring needs no framework; a model that accepts nothing when the labels
    are all alike."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    if len(set(labels)) < 2:
        return LogisticScorer(weights={}, intercept=-30.0, threshold=threshold)
    vec = DictVectorizer(sparse=False, sort=True)
    x = vec.fit_transform(list(features))
    y = [int(v) for v in labels]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=10_000, solver="lbfgs")
    model.fit(scaler.transform(x), y)
    weights: dict[str, dict[str, float]] = {}
    intercept = float(model.intercept_[0])
    for name, w, mean, scale in zip(vec.feature_names_, model.coef_[0], scaler.mean_, scaler.scale_, strict=True):
        s = float(scale) if scale else 1.0
        wf = float(w) / s
        if abs(wf) < 1e-9:
            continue
        kind, _, feature = str(name).partition(":")
        weights.setdefault(kind, {})[feature] = round(wf, 6)
        intercept -= wf * float(mean)
    return LogisticScorer(weights=weights, intercept=round(intercept, 6), threshold=threshold)


def _rule_kinds(rows: Sequence[Row], min_positives: int = MIN_POSITIVES) -> dict[str, float]:
    """Kinds with fewer than MIN_POSITIVES positives, each with the precision of the rules'
    records of that kind (the confidence such a record gets)."""
    out: dict[str, float] = {}
    for kind in sorted({r.candidate.kind for r in rows}):
        mine = [r for r in rows if r.candidate.kind == kind]
        if sum(r.label for r in mine) >= min_positives:
            continue
        recorded = [r for r in mine if rule_verdict(r.candidate.features)]
        out[kind] = round(sum(r.label for r in recorded) / len(recorded), 3) if recorded else 0.0
    return out


def _platt(margins: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """Calibration of out-of-fold margins to probabilities (Platt scaling); the identity when
    there is nothing to calibrate."""
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        return 1.0, 0.0
    m = LogisticRegression(C=1e6, max_iter=10_000).fit([[v] for v in margins], [int(v) for v in labels])
    return float(m.coef_[0][0]), float(m.intercept_[0])


def reliability_table(probs: Sequence[float], labels: Sequence[bool], bins: int = 5) -> list[dict[str, float]]:
    """Observed frequency of deployments per band of predicted probability."""
    out: list[dict[str, float]] = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not idx:
            continue
        out.append({
            "low": lo, "high": hi, "candidates": len(idx),
            "mean_predicted": round(sum(probs[i] for i in idx) / len(idx), 3),
            "observed": round(sum(labels[i] for i in idx) / len(idx), 3),
        })
    return out


def _extract_docs(docs: Sequence[GoldDoc], scorer: LogisticScorer) -> dict[str, list[Deployment]]:
    from custodes.extract.extractor import build_pipeline

    pipeline = build_pipeline(scorer=scorer)
    return {d.id: list(pipeline(Doc(d.text)).layers.get("deployments", [])) for d in docs}


@dataclass
class CrossValidation:
    scores: Scores
    predictions: dict[str, list[dict[str, Any]]]
    probabilities: list[float]
    labels: list[bool]
    margins: list[float]
    records: dict[str, list[Deployment]] = field(default_factory=dict)  # out of fold


def cross_validate_docs(
    docs: Sequence[GoldDoc], rows: Sequence[Row], folds: int = FOLDS, c: float = DEFAULT_C,
    threshold: float = DEFAULT_THRESHOLD, min_positives: int = MIN_POSITIVES,
) -> CrossValidation:
    """Out-of-fold predictions of the whole pipeline, and out-of-fold candidate probabilities."""
    records: dict[str, list[Deployment]] = {}
    probs = [0.0] * len(rows)
    margins = [0.0] * len(rows)
    for k in range(folds):
        train_rows = [r for r in rows if fold_of(r.doc_id, folds) != k]
        scorer = fit(train_rows, c, threshold, min_positives)
        held = [d for d in docs if fold_of(d.id, folds) == k]
        records.update(_extract_docs(held, scorer))
        for i, r in enumerate(rows):
            if fold_of(r.doc_id, folds) == k:
                probs[i] = scorer.probability(r.candidate.kind, r.candidate.features)
                margins[i] = scorer.margin(r.candidate.kind, r.candidate.features)
    predictions = {k: [r.to_gold_dict() for r in v] for k, v in records.items()}
    return CrossValidation(score(docs, predictions), predictions, probs, [r.label for r in rows], margins, records)


def cross_validate(paths: Sequence[Path], folds: int = FOLDS) -> Scores:
    """Pair and triple scores of 5-fold cross-validation by document over the given files."""
    docs = load_documents(paths)
    rows, _, _ = candidate_rows(docs)
    return cross_validate_docs(docs, rows, folds).scores


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def brier(probs: Sequence[float], labels: Sequence[bool]) -> float:
    return sum((p - float(y)) ** 2 for p, y in zip(probs, labels, strict=True)) / max(1, len(probs))


def train(paths: Sequence[Path], out: Path, c: float = DEFAULT_C, threshold: float = DEFAULT_THRESHOLD,
          folds: int = FOLDS, min_positives: int = MIN_POSITIVES) -> tuple[LogisticScorer, Report]:
    """Cross-validate, calibrate on the out-of-fold margins, fit on everything, and write the
    model file."""
    import sklearn

    docs = load_documents(paths)
    rows, gold_total, covered = candidate_rows(docs)
    cv = cross_validate_docs(docs, rows, folds, c, threshold, min_positives)
    rule_kinds = _rule_kinds(rows, min_positives)
    learned = [i for i, r in enumerate(rows) if r.candidate.kind not in rule_kinds]
    a, b = _platt([cv.margins[i] for i in learned], [cv.labels[i] for i in learned])
    calibrated = list(cv.probabilities)
    for i in learned:
        calibrated[i] = 1.0 / (1.0 + math.exp(-(a * cv.margins[i] + b)))
    report = Report(
        documents=len(docs), candidates=len(rows), positives=sum(r.label for r in rows),
        gold_records=gold_total, candidate_recall=round(covered / max(1, gold_total), 4),
        cv={"folds": folds, **cv.scores.to_dict()},
        brier=round(brier(calibrated, cv.labels), 4),
        reliability=reliability_table(calibrated, cv.labels),
    )
    attribute_examples = attribute_rows(docs, cv.records)
    report.attributes = cross_validate_attributes(attribute_examples, folds)
    scorer = fit(rows, c, threshold, min_positives)
    scorer.calibration = (round(a, 6), round(b, 6))
    scorer.attributes = fit_attributes(attribute_examples)
    scorer.meta = {
        "trained_on": [{"file": p.name, "sha256": file_digest(p)} for p in paths],
        "regularisation_C": c,
        "min_positives": min_positives,
        "scikit_learn": sklearn.__version__,
        "report": {
            "documents": report.documents, "candidates": report.candidates, "positives": report.positives,
            "gold_records": report.gold_records, "candidate_recall": report.candidate_recall,
            "cross_validation": report.cv, "brier": report.brier, "reliability": report.reliability,
            "attributes": report.attributes,
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(scorer.to_dict(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return scorer, report
