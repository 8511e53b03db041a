"""The extraction quality gate: pinned F1 floors that only move up (quality/floors.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from custodes.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
FLOORS = yaml.safe_load((ROOT / "quality" / "floors.yaml").read_text())["corpora"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_meets_floors(name: str) -> None:
    spec: dict[str, Any] = FLOORS[name]
    path = (ROOT / spec["path"]).resolve()
    if not path.exists():
        if spec["required"]:
            pytest.fail(f"{path} is required by quality/floors.yaml but missing")
        pytest.skip(f"{path} not present")
    scores = evaluate(path).scores
    assert scores.pair.f1 >= spec["pair_f1"], f"{name}: pair F1 {scores.pair.f1:.3f} < floor"
    assert scores.triple.f1 >= spec["triple_f1"], f"{name}: triple F1 {scores.triple.f1:.3f} < floor"


def test_floors_are_sane() -> None:
    for name, spec in FLOORS.items():
        for key in ("pair_f1", "triple_f1"):
            assert 0.0 <= spec[key] <= 1.0, (name, key)
