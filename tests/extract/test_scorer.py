"""The scorer model file: weights, calibration, rule-decided kinds, and what a bad file says."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from custodes.extract.scorer import LogisticScorer, RulesOnlyScorer, default_scorer, load_scorer, model_path


def _scorer() -> LogisticScorer:
    return LogisticScorer(weights={"named": {"a": 2.0, "b": -1.0}}, intercept=-0.5, threshold=0.5,
                          calibration=(0.5, 0.1), rule_kinds={"unnamed": 0.7})


def test_margin_is_a_dot_product() -> None:
    assert _scorer().margin("named", {"a": 1.0, "b": 2.0, "unknown": 9.0}) == pytest.approx(-0.5)
    assert _scorer().margin("nationality", {"a": 1.0}) == pytest.approx(-0.5)  # weights are per kind


def test_probability_is_calibrated_and_acceptance_uses_the_raw_margin() -> None:
    s = _scorer()
    feats = {"a": 1.0}  # margin 1.5
    assert s.probability("named", feats) == pytest.approx(1 / (1 + math.exp(-(0.5 * 1.5 + 0.1))))
    assert s.accepts("named", feats)
    assert not s.accepts("named", {"b": 1.0})


def test_rule_kinds_follow_the_rules_verdict() -> None:
    s = _scorer()
    assert s.accepts("unnamed", {"rule_record": 1.0, "x": 3.0})
    assert s.probability("unnamed", {"rule_record": 1.0}) == 0.7
    assert not s.accepts("unnamed", {"rule_record": 0.0})
    assert RulesOnlyScorer().decide("named", {"rule_record": 1.0}) == (True, 0.9)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_scorer().to_dict()))
    back = load_scorer(path)
    assert back.weights == _scorer().weights and back.rule_kinds == {"unnamed": 0.7}
    assert back.calibration == (0.5, 0.1)


def test_a_bad_model_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"format": 99}')
    with pytest.raises(ValueError, match=str(path)):
        load_scorer(path)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read"):
        load_scorer(path)


def test_the_bundled_model_is_a_trained_logistic_model() -> None:
    assert model_path().exists()
    scorer = default_scorer()
    assert isinstance(scorer, LogisticScorer)
    assert scorer.meta["trained_on"] and all(len(t["sha256"]) == 64 for t in scorer.meta["trained_on"])
    assert scorer.weights
