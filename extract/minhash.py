"""MinHash signatures and LSH banding for near-duplicate documents, in numpy.

A signature is the minimum, over a document's shingles, of NUM_PERM multiply-shift hashes of
each shingle's CRC32; documents whose signatures agree on all rows of at least one band are
candidates, so a run of thousands of documents never compares all pairs. With 16 bands of 4
rows the candidate threshold is about (1/16)^(1/4) = 0.5 Jaccard similarity."""
from __future__ import annotations

import zlib
from collections import defaultdict

import numpy as np

NUM_PERM = 64
BANDS = 16
_RNG = np.random.default_rng(20240601)
_A = _RNG.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64)


def signature(shingles: set[bytes]) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a set of shingles."""
    x = np.fromiter((zlib.crc32(s) for s in shingles), dtype=np.uint64, count=len(shingles))
    with np.errstate(over="ignore"):
        h = (x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return h.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float((a == b).mean())


class LSH:
    """Banded index of signatures: `add` a signature, `candidates` of another."""

    def __init__(self, bands: int = BANDS):
        self.bands = bands
        self.rows = NUM_PERM // bands
        self.buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    def _keys(self, sig: np.ndarray):
        for b in range(self.bands):
            yield b, sig[b * self.rows:(b + 1) * self.rows].tobytes()

    def add(self, key: str, sig: np.ndarray) -> None:
        for k in self._keys(sig):
            self.buckets[k].append(key)

    def candidates(self, sig: np.ndarray) -> set[str]:
        out: set[str] = set()
        for k in self._keys(sig):
            out.update(self.buckets.get(k, ()))
        return out
