"""Near-duplicate detection, so that syndicated copies of one story count as one source.

MinHash over word shingles estimates Jaccard similarity; LSH finds candidates without
comparing every pair. A document joins the group of the most similar stored document whose
estimated Jaccard is at least the threshold.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's default hash scheme; stored signatures are tied to it
SIGNATURE_DTYPE = np.uint32  # the dtype of affine32 hash values, as stored
SHINGLE_WORDS = 3
THRESHOLD = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """Lower-cased word n-grams; a text shorter than n words is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


def shingle_hash(shingle: bytes) -> int:
    """CRC-32: stable across processes and fast; MinHash's permutations supply the mixing."""
    return zlib.crc32(shingle)


@cache
def _permutations(num_perm: int) -> object:
    """Drawing permutations is a third of the cost of a signature; they depend only on the seed."""
    return MinHash(num_perm=num_perm, scheme=SCHEME).permutations


def signature(text: str, num_perm: int = NUM_PERM) -> LeanMinHash:
    minhash = MinHash(num_perm=num_perm, scheme=SCHEME, hashfunc=shingle_hash,
                      permutations=_permutations(num_perm))
    minhash.update_batch(shingles(text))
    return LeanMinHash(minhash)


def signature_to_bytes(sig: LeanMinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype=SIGNATURE_DTYPE).tobytes()


def signature_from_bytes(data: bytes, seed: int = 1) -> LeanMinHash:
    return LeanMinHash(seed=seed, hashvalues=np.frombuffer(data, dtype=SIGNATURE_DTYPE), scheme=SCHEME)


@dataclass
class GroupMatch:
    group_id: str
    document_id: str
    similarity: float


class NearDuplicateIndex:
    """In-memory LSH over stored signatures; rebuilt from the database at start."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._entries: dict[str, tuple[str, LeanMinHash]] = {}

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, document_id: str, group_id: str, sig: LeanMinHash) -> None:
        if document_id in self._entries:
            return
        self._entries[document_id] = (group_id, sig)
        self._lsh.insert(document_id, sig)

    def remove(self, document_id: str) -> None:
        """Forget a document whose transaction did not commit."""
        if self._entries.pop(document_id, None) is not None:
            self._lsh.remove(document_id)

    def load(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Rows of (document id, group id, signature bytes) from the store."""
        for document_id, group_id, data in rows:
            self.add(document_id, group_id, signature_from_bytes(data))

    def best_match(self, sig: LeanMinHash) -> GroupMatch | None:
        """The most similar stored document at or above the threshold, if any."""
        best: GroupMatch | None = None
        for candidate in self._lsh.query(sig):
            group_id, other = self._entries[candidate]
            similarity = float(sig.jaccard(other))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = GroupMatch(group_id, candidate, similarity)
        return best
