"""Near spellings: "Hikvisoin" is one swap away from "Hikvision".

Inventories are typed by hand; a misspelt brand must not slip through as "not found".  The
vendor registry already lists common misspellings as aliases; this catches the others, and the
audit reports such a match as `possibly covered`, naming the spelling it was close to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits plus adjacent swaps), or limit + 1 once over it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@dataclass(frozen=True)
class Near:
    """The closest known spelling and how far it is."""

    key: str
    distance: int


class SpellingIndex:
    """Known names (as lookup keys) bucketed by length, so a query compares only plausible ones."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        for key in sorted(set(keys)):
            self._by_length.setdefault(len(key), []).append(key)

    def nearest(self, key: str, limit: int) -> Near | None:
        """The closest key within `limit` edits (ties: alphabetical), excluding an exact match."""
        if limit <= 0:
            return None
        best: Near | None = None
        for length in range(len(key) - limit, len(key) + limit + 1):
            for known in self._by_length.get(length, ()):
                d = distance(key, known, limit)
                if 0 < d <= limit and (best is None or d < best.distance):
                    best = Near(known, d)
        return best
