"""The learned candidate scorer: a logistic model stored as a small versioned JSON file.

The model is trained by `custodes train` (train.py) with scikit-learn and saved as plain
weights, so that extraction needs no model framework: a probability is one dot product over a
candidate's named features. Its SHA-256 is part of the reference-data version, so a new model
makes `custodes extract` re-extract every document.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

MODEL_FORMAT = 2  # 2: weights per kind of candidate
MODEL_RESOURCE = ("data", "model", "deployment_scorer.json")


class Scorer(Protocol):
    def decide(self, kind: str, features: dict[str, float]) -> tuple[bool, float]:
        """Whether a candidate of this kind is recorded, and its calibrated probability."""
        ...


@dataclass
class LogisticScorer:
    """Weights per kind of candidate (named supplier, nationality, unnamed), already divided by
    the training scale, the intercept already shifted by the training mean:
    margin = b + sum(w[kind][f] * x_f). A candidate is accepted when sigmoid(margin)
    reaches `threshold` (the decision cross-validation measured); the reported confidence is
    the calibrated sigmoid(a * margin + c)."""

    weights: dict[str, dict[str, float]]
    intercept: float
    threshold: float = 0.5
    calibration: tuple[float, float] = (1.0, 0.0)
    # kinds of candidate with too few labelled examples to learn from: the rules decide, and the
    # confidence is the precision the rules' records of that kind had in the training data
    rule_kinds: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    # the attribute scorers, by attribute ("category", "status"): each the probability that
    # what the rules chose for a kept record is what the document states
    attributes: dict[str, LogisticScorer] = field(default_factory=dict)

    def margin(self, kind: str, features: dict[str, float]) -> float:
        weight = self.weights.get(kind, {}).get
        total = 0.0
        for k, v in features.items():
            total += weight(k, 0.0) * v
        return self.intercept + total

    def decide(self, kind: str, features: dict[str, float]) -> tuple[bool, float]:
        if kind in self.rule_kinds:
            verdict = rule_verdict(features)
            return verdict, (self.rule_kinds[kind] if verdict else 0.0)
        margin = self.margin(kind, features)
        return margin >= self._cut_margin, _sigmoid(self.calibration[0] * margin + self.calibration[1])

    @cached_property
    def _cut_margin(self) -> float:
        return math.log(self.threshold / (1.0 - self.threshold))

    def probability(self, kind: str, features: dict[str, float]) -> float:
        return self.decide(kind, features)[1]

    def accepts(self, kind: str, features: dict[str, float]) -> bool:
        return self.decide(kind, features)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "kind": "logistic",
            "threshold": self.threshold,
            "calibration": list(self.calibration),
            "rule_kinds": dict(sorted(self.rule_kinds.items())),
            "intercept": self.intercept,
            "weights": {k: dict(sorted(w.items())) for k, w in sorted(self.weights.items())},
            "meta": self.meta,
            **({"attributes": {k: m.to_dict() for k, m in sorted(self.attributes.items())}}
               if self.attributes else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "model") -> LogisticScorer:
        if data.get("format") != MODEL_FORMAT or data.get("kind") != "logistic":
            raise ValueError(f"{origin}: not a custodes logistic model of format {MODEL_FORMAT}")
        a, c = data.get("calibration", [1.0, 0.0])
        return cls(
            weights={str(kind): {str(k): float(v) for k, v in w.items()} for kind, w in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            calibration=(float(a), float(c)),
            rule_kinds={str(k): float(v) for k, v in data.get("rule_kinds", {}).items()},
            meta=dict(data.get("meta", {})),
            attributes={str(k): cls.from_dict(v, f"{origin}: attributes.{k}")
                        for k, v in data.get("attributes", {}).items()},
        )


@dataclass
class RulesOnlyScorer:
    """The rules' verdict as a score: what custodes recorded before it learned; used to
    bootstrap training and to compare against."""

    def decide(self, kind: str, features: dict[str, float]) -> tuple[bool, float]:
        verdict = rule_verdict(features)
        return verdict, 0.9 if verdict else 0.1


def rule_verdict(features: dict[str, float]) -> bool:
    """Whether the rules alone recorded this candidate."""
    return bool(features.get("rule_record"))


def _sigmoid(z: float) -> float:
    return 0.0 if z < -35 else 1.0 / (1.0 + math.exp(-z))


def model_path() -> Path:
    return Path(str(resources.files("custodes").joinpath(*MODEL_RESOURCE)))


def model_digest(path: Path | None = None) -> str:
    """SHA-256 of the bundled model file ("none" when there is none yet)."""
    p = path or model_path()
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "none"


def load_scorer(path: Path) -> LogisticScorer:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the scorer model: {exc}") from exc
    return LogisticScorer.from_dict(data, str(path))


@cache
def default_scorer() -> Scorer:
    """The bundled model, or the rules' own verdict before any model has been trained."""
    p = model_path()
    return load_scorer(p) if p.exists() else RulesOnlyScorer()
