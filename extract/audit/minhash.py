"""MinHash signatures and LSH banding for near-duplicate documents, in numpy.

A signature is the minimum, over a document's shingles (its runs of SHINGLE characters), of
NUM_PERM multiply-shift hashes of each shingle's 32-bit fingerprint; documents whose signatures
agree on all rows of at least one band are candidates, so a run of thousands of documents never
compares all pairs, and a bound per bucket keeps the candidates of one document bounded too. With
16 bands of 4 rows the candidate threshold is about (1/16)^(1/4) = 0.5 Jaccard similarity."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

NUM_PERM = 64
BANDS = 16
_RNG = np.random.default_rng(20240601)
_A = _RNG.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64)


_BASE = np.uint64(0x100000001B3)  # the FNV prime, as the base of a polynomial hash of code points
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: 64-bit polynomial -> 32-bit fingerprint


def shingle_fingerprints(text: str, size: int) -> np.ndarray:
    """The distinct 32-bit fingerprints of every run of `size` characters of `text`."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(codes) - size + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = codes[:m].copy()
    with np.errstate(over="ignore"):
        for j in range(1, size):
            h = h * _BASE + codes[j:j + m]
        return np.unique((h * _MIX) >> np.uint64(32))


def signature(fingerprints: np.ndarray) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a set of 32-bit shingle fingerprints."""
    x = np.asarray(fingerprints, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return h.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(similarities(a, [b])[0])


def similarities(sig: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """Estimated Jaccard similarity of a signature with each of several others, at once."""
    return (np.stack(others) == sig).mean(axis=1)


class LSH:
    """Banded index of signatures: `add` a signature, `candidates` of another. With `per_bucket`,
    a bucket keeps only its first that many keys (the representatives of what falls into it), so
    the candidates of a signature are at most bands x per_bucket however many copies of one
    template the corpus holds: the work per document stays flat as the corpus grows."""

    def __init__(self, bands: int = BANDS, per_bucket: int | None = None):
        self.bands = bands
        self.rows = NUM_PERM // bands
        self.per_bucket = per_bucket
        self.buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    def _keys(self, sig: np.ndarray):
        for b in range(self.bands):
            yield b, sig[b * self.rows:(b + 1) * self.rows].tobytes()

    def add(self, key: str, sig: np.ndarray) -> None:
        for k in self._keys(sig):
            bucket = self.buckets[k]
            if self.per_bucket is None or len(bucket) < self.per_bucket:
                bucket.append(key)

    def candidates(self, sig: np.ndarray) -> set[str]:
        out: set[str] = set()
        for k in self._keys(sig):
            out.update(self.buckets.get(k, ()))
        return out
