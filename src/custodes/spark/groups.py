"""Near-duplicate groups over a whole corpus, equal to the ones `custodes ingest` makes.

Ingest reads documents in order and puts each in the group of its most similar earlier document
at or above the threshold, among the candidates MinHash LSH returns. Here the same LSH bands
(datasketch's own parameters for the threshold) find the candidate pairs in parallel; only
pairs at or above the threshold reach the driver, which replays the sequential rule over them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from datasketch import MinHashLSH

from custodes.resolve.near_duplicates import NUM_PERM, THRESHOLD, signature_from_bytes


@dataclass(frozen=True)
class Match:
    """A later document (`order`) and an earlier one it is similar to."""

    order: int
    document_id: str
    earlier_order: int
    earlier_id: str
    similarity: float


def band_ranges(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> list[tuple[int, int]]:
    """The hash-value ranges of datasketch's LSH bands: a pair is a candidate when one band is equal."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return [(i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b)]


def band_keys(signature: bytes, ranges: list[tuple[int, int]]) -> Iterator[tuple[int, bytes]]:
    """(band, the band's bytes): equal bytes are equal hash values, as datasketch compares them."""
    width = len(signature) // NUM_PERM
    for band, (start, end) in enumerate(ranges):
        yield band, signature[start * width:end * width]


def bucket_matches(members: Iterable[tuple[int, str, bytes]], threshold: float = THRESHOLD) -> Iterator[Match]:
    """Every pair in one LSH bucket whose estimated Jaccard is at least the threshold; the same
    estimate as `NearDuplicateIndex.best_match` (LeanMinHash.jaccard)."""
    ordered = sorted(members)
    sigs = [signature_from_bytes(data) for _o, _d, data in ordered]
    for (i, early), (j, late) in combinations(enumerate(ordered), 2):
        similarity = float(sigs[j].jaccard(sigs[i]))
        if similarity >= threshold:
            yield Match(late[0], late[1], early[0], early[1], similarity)


def resolve_groups(matches: Iterable[Match]) -> dict[str, str]:
    """Group id of every document that joins an earlier one's group (others head their own).

    In input order, a document takes the group of its best earlier match: the highest
    similarity; of equal ones, the earliest document (ingest takes whichever LSH lists first).
    """
    best: dict[int, Match] = {}
    for match in matches:
        held = best.get(match.order)
        if held is None or (match.similarity, -match.earlier_order) > (held.similarity, -held.earlier_order):
            best[match.order] = match
    groups: dict[str, str] = {}
    for order in sorted(best):
        match = best[order]
        groups[match.document_id] = groups.get(match.earlier_id, match.earlier_id)
    return groups
