"""The extraction quality gate: pinned corpora, F1 floors that only move up (quality/floors.yaml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from custodes.evaluate import evaluate
from custodes.extract.scoring import Scores
from custodes.quality import corpus_digests, lowered_without_leave

ROOT = Path(__file__).resolve().parent.parent
FLOORS_FILE = ROOT / "quality" / "floors.yaml"
FLOORS = yaml.safe_load(FLOORS_FILE.read_text())["corpora"]


def _paths(spec: dict[str, Any]) -> list[Path]:
    return [(ROOT / p).resolve() for p in spec["paths"]]


def _present(name: str) -> list[Path]:
    spec = FLOORS[name]
    paths = _paths(spec)
    missing = [p for p in paths if not p.exists()]
    if missing:
        if spec["required"]:
            pytest.fail(f"{missing[0]} is required by quality/floors.yaml but missing")
        pytest.skip(f"{missing[0]} not present")
    return paths


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corpus_is_the_one_measured(name: str) -> None:
    paths = _present(name)
    assert corpus_digests(paths) == FLOORS[name]["sha256"], (
        f"{name}: corpus changed since its floors were measured: re-measure and re-pin quality/floors.yaml")


def _measure(name: str, paths: list[Path]) -> Scores:
    if FLOORS[name]["mode"] == "cv":
        from custodes.extract.train import cross_validate

        return cross_validate(paths)
    [path] = paths
    return evaluate(path).scores


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_meets_floors(name: str) -> None:
    spec: dict[str, Any] = FLOORS[name]
    scores = _measure(name, _present(name))
    assert scores.pair.f1 >= spec["pair_f1"], f"{name}: pair F1 {scores.pair.f1:.3f} < floor"
    assert scores.triple.f1 >= spec["triple_f1"], f"{name}: triple F1 {scores.triple.f1:.3f} < floor"


def test_floors_are_sane() -> None:
    for name, spec in FLOORS.items():
        assert spec["mode"] in ("cv", "pipeline"), name
        assert len(spec["paths"]) == len(spec["sha256"]), name
        for key in ("pair_f1", "triple_f1"):
            assert 0.0 <= spec[key] <= 1.0, (name, key)


def _floors(pair: float, allow: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"corpora": {"blind": {"pair_f1": pair, "triple_f1": 0.5}}, "allow_lower": allow or []}


def test_raising_a_floor_needs_nothing() -> None:
    assert lowered_without_leave(_floors(0.8), _floors(0.9)) == []


def test_lowering_a_floor_needs_an_entry_with_a_reason() -> None:
    assert lowered_without_leave(_floors(0.8), _floors(0.7)) == [
        "blind.pair_f1 lowered from 0.8 to 0.7 without an allow_lower entry with a reason"]
    entry = {"corpus": "blind", "metric": "pair_f1", "value": 0.7, "reason": "new corpus version"}
    assert lowered_without_leave(_floors(0.8), _floors(0.7, [entry])) == []
    assert lowered_without_leave(_floors(0.8), _floors(0.7, [{**entry, "reason": " "}]))
    assert lowered_without_leave(_floors(0.8), _floors(0.6, [entry]))  # the entry names another value


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_no_commit_lowered_a_floor_without_leave() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    rel = str(FLOORS_FILE.relative_to(ROOT))
    commits = _git("log", "--format=%H", "--", rel).split()
    versions = [yaml.safe_load(_git("show", f"{c}:{rel}")) for c in reversed(commits)]
    versions.append(yaml.safe_load(FLOORS_FILE.read_text()))  # the working tree, uncommitted
    problems = [p for old, new in zip(versions, versions[1:], strict=False) for p in lowered_without_leave(old, new)]
    assert not problems, problems
