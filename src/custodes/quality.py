"""The quality gate's rules: corpus hashes and floors that only move up (quality/floors.yaml).

Kept in the package, not the test, so that the rule itself is tested on synthetic files and
the history check (tests/test_quality.py) runs the same code over the real file's git history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

METRICS = ("pair_f1", "triple_f1")


def corpus_digests(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def lowered_without_leave(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Floors of `new` lower than in `old` that no `allow_lower` entry of `new` allows; an
    entry needs the corpus, the metric, the new value and a non-empty reason."""
    allowed = {
        (e.get("corpus"), e.get("metric"), float(e.get("value", -1)))
        for e in (new.get("allow_lower") or [])
        if str(e.get("reason") or "").strip()
    }
    out: list[str] = []
    old_corpora = old.get("corpora") or {}
    for name, spec in (new.get("corpora") or {}).items():
        before = old_corpora.get(name)
        if not before:
            continue
        for metric in METRICS:
            if metric not in before or metric not in spec:
                continue
            if float(spec[metric]) < float(before[metric]) and (name, metric, float(spec[metric])) not in allowed:
                out.append(f"{name}.{metric} lowered from {before[metric]} to {spec[metric]} "
                               "without an allow_lower entry with a reason")
    return out
