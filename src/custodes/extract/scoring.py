"""Scoring of predicted deployments against gold, as the annotation guidelines define it.

Per document, records match on (country, supplier), or on (country, supplier_country) when the
supplier is null. Pair and triple (pair key plus one technology category) precision, recall and
F1 are micro-averaged over documents; status and year accuracy are measured on matched pairs.

Run as ``python -m custodes.extract.scoring GOLD.jsonl [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PairKey = tuple[str, str, str]
TripleKey = tuple[str, str, str, str]


@dataclass
class GoldDoc:
    """One gold document: its text and its gold deployment dicts."""

    id: str
    text: str
    deployments: list[dict[str, Any]]
    title: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GoldDoc:
        return cls(
            id=str(d["id"]),
            text=str(d.get("text", "")),
            deployments=list(d.get("deployments", [])),
            title=str(d.get("title", "")),
        )


@dataclass
class Prf:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Scores:
    pair: Prf = field(default_factory=Prf)
    triple: Prf = field(default_factory=Prf)
    # per component, per document sets: recipient countries, named suppliers, (country, category)
    country: Prf = field(default_factory=Prf)
    supplier: Prf = field(default_factory=Prf)
    category: Prf = field(default_factory=Prf)
    status_correct: int = 0
    year_correct: int = 0
    matched: int = 0
    documents: int = 0

    @property
    def status_accuracy(self) -> float:
        return self.status_correct / self.matched if self.matched else 0.0

    @property
    def year_accuracy(self) -> float:
        return self.year_correct / self.matched if self.matched else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pair": self.pair.to_dict(),
            "triple": self.triple.to_dict(),
            "country": self.country.to_dict(),
            "supplier": self.supplier.to_dict(),
            "category": self.category.to_dict(),
            "matched_pairs": self.matched,
            "status_accuracy": round(self.status_accuracy, 4),
            "year_accuracy": round(self.year_accuracy, 4),
        }


def _norm(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def pair_key(rec: Mapping[str, Any]) -> PairKey:
    """(country, kind, value): kind 's' keys a named supplier, 'c' a supplier country."""
    country = str(rec.get("country") or "").upper()
    supplier = rec.get("supplier")
    if supplier:
        return (country, "s", _norm(str(supplier)))
    return (country, "c", str(rec.get("supplier_country") or "").upper())


def _by_pair(records: Iterable[Mapping[str, Any]]) -> dict[PairKey, Mapping[str, Any]]:
    out: dict[PairKey, Mapping[str, Any]] = {}
    for r in records:
        out.setdefault(pair_key(r), r)
    return out


def _triples(by_pair: Mapping[PairKey, Mapping[str, Any]]) -> set[TripleKey]:
    out: set[TripleKey] = set()
    for key, rec in by_pair.items():
        for t in rec.get("tech") or []:
            out.add((*key, str(t)))
    return out


def _count(prf: Prf, gold: set[Any], pred: set[Any]) -> None:
    prf.tp += len(gold & pred)
    prf.fp += len(pred - gold)
    prf.fn += len(gold - pred)


def score_document(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]], into: Scores) -> None:
    """Add one document's counts to `into`."""
    g, p = _by_pair(gold), _by_pair(pred)
    _count(into.country, {k[0] for k in g}, {k[0] for k in p})
    _count(into.supplier, {k[2] for k in g if k[1] == "s"}, {k[2] for k in p if k[1] == "s"})
    _count(into.category, {(k[0], t[3]) for k in g for t in _triples({k: g[k]})},
           {(k[0], t[3]) for k in p for t in _triples({k: p[k]})})
    into.documents += 1
    matched = g.keys() & p.keys()
    into.pair.tp += len(matched)
    into.pair.fp += len(p.keys() - g.keys())
    into.pair.fn += len(g.keys() - p.keys())
    gt, pt = _triples(g), _triples(p)
    into.triple.tp += len(gt & pt)
    into.triple.fp += len(pt - gt)
    into.triple.fn += len(gt - pt)
    for k in matched:
        into.matched += 1
        into.status_correct += g[k].get("status") == p[k].get("status")
        into.year_correct += g[k].get("year") == p[k].get("year")


def score(gold: Iterable[GoldDoc], predicted: Mapping[str, list[dict[str, Any]]]) -> Scores:
    """Micro-averaged scores of predicted records (by document id) against gold documents."""
    out = Scores()
    for doc in gold:
        score_document(doc.deployments, predicted.get(doc.id, []), out)
    return out


@dataclass
class ErrorItem:
    doc_id: str
    kind: str  # fp | fn | status | year | tech
    key: PairKey
    detail: str
    evidence: str


def errors(gold: Iterable[GoldDoc], predicted: Mapping[str, list[dict[str, Any]]]) -> list[ErrorItem]:
    """False positives, false negatives and attribute mismatches per document, with evidence."""
    out: list[ErrorItem] = []
    for doc in gold:
        g, p = _by_pair(doc.deployments), _by_pair(predicted.get(doc.id, []))
        for k in sorted(p.keys() - g.keys()):
            out.append(ErrorItem(doc.id, "fp", k, str(p[k].get("tech")), str(p[k].get("evidence"))))
        for k in sorted(g.keys() - p.keys()):
            out.append(ErrorItem(doc.id, "fn", k, str(g[k].get("tech")), str(g[k].get("evidence"))))
        for k in sorted(g.keys() & p.keys()):
            gt, pt = set(g[k].get("tech") or []), set(p[k].get("tech") or [])
            ev = str(p[k].get("evidence"))
            if gt != pt:
                out.append(ErrorItem(doc.id, "tech", k, f"gold {sorted(gt)} pred {sorted(pt)}", ev))
            for attr in ("status", "year"):
                if g[k].get(attr) != p[k].get(attr):
                    detail = f"gold {g[k].get(attr)} pred {p[k].get(attr)}"
                    out.append(ErrorItem(doc.id, attr, k, detail, ev))
    return out


def load_gold(path: str | Path) -> list[GoldDoc]:
    """Gold documents of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [GoldDoc.from_dict(json.loads(line)) for line in fh if line.strip()]


def predict(docs: Iterable[GoldDoc]) -> dict[str, list[dict[str, Any]]]:
    """Run the extractor over each document's text."""
    from custodes.extract import extract

    return {d.id: [r.to_gold_dict() for r in extract(d.text)] for d in docs}


def _print_errors(items: list[ErrorItem]) -> None:
    for e in items:
        key = "/".join(e.key)
        print(f"{e.doc_id}\t{e.kind}\t{key}\t{e.detail}\n\t{e.evidence[:300]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m custodes.extract.scoring")
    ap.add_argument("gold", help="gold JSONL file")
    ap.add_argument("--errors", action="store_true", help="list errors per document")
    ap.add_argument("--json", action="store_true", help="print scores as JSON")
    args = ap.parse_args(argv)
    docs = load_gold(args.gold)
    t0 = time.perf_counter()
    pred = predict(docs)
    elapsed = time.perf_counter() - t0
    scores = score(docs, pred)
    if args.errors:
        _print_errors(errors(docs, pred))
    result = scores.to_dict()
    result["seconds"] = round(elapsed, 3)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        pr, tr = scores.pair, scores.triple
        print(f"documents {scores.documents}  matched pairs {scores.matched}  {elapsed:.2f}s")
        print(f"pair    P {pr.precision:.3f}  R {pr.recall:.3f}  F1 {pr.f1:.3f}  (tp {pr.tp} fp {pr.fp} fn {pr.fn})")
        print(f"triple  P {tr.precision:.3f}  R {tr.recall:.3f}  F1 {tr.f1:.3f}  (tp {tr.tp} fp {tr.fp} fn {tr.fn})")
        print(f"status accuracy {scores.status_accuracy:.3f}  year accuracy {scores.year_accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
