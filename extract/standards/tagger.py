"""The standards tagger at run time: TF-IDF features and two linear models rebuilt from the plain
arrays of `models/standard_tagger.npz`, without scikit-learn (importing it costs 1.3 s a process).

`tagger()` loads the shipped model once; a missing or mismatched model raises ModelUnavailable,
naming `shequ train`."""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

import numpy as np

from ..errors import ModelUnavailable
from ..resources import model_path
from .model import MODEL_NAME, STATUSES, VECTORIZERS, dimensions, mismatch, prepare


class TfidfFeatures:
    """TF-IDF features exactly as scikit-learn's TfidfVectorizer computes them for the trained
    settings (lowercase; word n-grams of space-separated tokens or character n-grams; sublinear
    tf; idf; l2 norm per block), from a fixed vocabulary. Written out so that using the model does
    not import scikit-learn (1.3 s per process here); tests/test_classify.py checks it against
    scikit-learn's own transform.

    Character n-grams are computed for a whole batch of texts at once in numpy: each n-gram of up
    to three characters is packed into one integer (21 bits per code point) and looked up in the
    sorted packed vocabulary."""

    _WHITE = re.compile(r"\s\s+")
    _BITS = 21  # every Unicode code point fits in 21 bits

    def __init__(self, analyzer: str, ngram_range: tuple[int, int], vocab: list[str], idf: np.ndarray,
                 offset: int):
        self.analyzer, self.ngram_range, self.offset = analyzer, tuple(ngram_range), offset
        self.idf = np.asarray(idf, dtype=np.float64)
        self._keys = self.index = None
        if analyzer == "char" and ngram_range[1] * self._BITS <= 64:  # packed n-grams, sorted
            packed = np.array([self._pack(w) for w in vocab], dtype=np.uint64)
            order = np.argsort(packed)
            self._keys, self._cols = packed[order], order.astype(np.int64) + offset
        else:  # word n-grams: a dict from n-gram to column
            self.index = {w: i + offset for i, w in enumerate(vocab)}

    @classmethod
    def _pack(cls, gram: str) -> int:
        key = 0
        for ch in gram:
            key = (key << cls._BITS) | (ord(ch) + 1)  # +1: "\x00a" must not pack like "a"
        return key

    def _grams(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        text = text.lower()
        if self.analyzer == "char":
            text = self._WHITE.sub(" ", text)
            return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]
        tokens = [t for t in text.split(" ") if t]
        return [" ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1)]

    def _counts(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of the vocabulary n-grams in each text, sorted by row then column."""
        if self._keys is None:
            rows, cols = [], []
            for r, text in enumerate(texts):
                js = [j for j in map(self.index.get, self._grams(text)) if j is not None]
                rows += [r] * len(js)
                cols += js
            rows_a, cols_a = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        else:
            points = [np.frombuffer(self._WHITE.sub(" ", t.lower()).encode("utf-32-le"), dtype=np.uint32)
                      for t in texts]
            codes = np.concatenate(points).astype(np.uint64) + np.uint64(1) if points else np.zeros(0, np.uint64)
            row_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(p) for p in points])
            keys, key_rows = [], []
            lo, hi = self.ngram_range
            for n in range(lo, hi + 1):
                m = len(codes) - n + 1
                if m <= 0:
                    continue
                k = codes[:m].copy()
                for j in range(1, n):
                    k = (k << np.uint64(self._BITS)) | codes[j:j + m]
                same = row_of[:m] == row_of[n - 1:n - 1 + m]  # n-grams never cross two texts
                keys.append(k[same])
                key_rows.append(row_of[:m][same])
            if not keys:
                return (np.zeros(0, np.int64),) * 3
            k, kr = np.concatenate(keys), np.concatenate(key_rows)
            pos = np.searchsorted(self._keys, k)
            pos[pos == len(self._keys)] = 0
            hit = self._keys[pos] == k
            rows_a, cols_a = kr[hit], self._cols[pos[hit]]
        width = self.offset + len(self.idf)
        pairs, counts = np.unique(rows_a * width + cols_a, return_counts=True)
        return pairs // width, pairs % width, counts

    def transform(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The block's TF-IDF matrix of `texts` as sparse (row, column, value), sorted by row."""
        rows, cols, counts = self._counts(texts)
        w = (1.0 + np.log(counts)) * self.idf[cols - self.offset]
        norm = np.sqrt(np.bincount(rows, weights=w * w, minlength=len(texts)))
        norm[norm == 0] = 1.0
        return rows, cols, w / norm[rows]

    def weights(self, text: str) -> dict[int, float]:
        """One text's features: {column: value}."""
        _, cols, vals = self.transform([text])
        return dict(zip(cols.tolist(), vals.tolist()))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Tagger:
    """The standards tagger rebuilt from plain arrays: TF-IDF blocks with fixed vocabularies and
    the linear models' coefficients (features x classes)."""

    blocks: tuple[TfidfFeatures, ...]
    topic_coef_t: np.ndarray
    topic_intercept: np.ndarray
    status_coef_t: np.ndarray
    status_intercept: np.ndarray
    status_classes: tuple[str, ...]
    labels: tuple[str, ...]
    statuses: tuple[str, ...]

    def _scores(self, texts: list[str], coef_t: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        out = np.tile(intercept, (len(texts), 1)).astype(np.float64)
        prepared = [prepare(t) for t in texts]
        for block in self.blocks:
            rows, cols, vals = block.transform(prepared)
            if len(rows):
                starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
                out[rows[starts]] += np.add.reduceat(coef_t[cols] * vals[:, None], starts, axis=0)
        return out

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(P(dimension) [n x 15], P(status) [n x 3] in `statuses` order) for raw sentences.
        Each distinct text is scored once (a sentence's scores depend on its text alone), so a
        sentence repeated in a document (a heading, a boilerplate line) costs nothing more."""
        coef_t = np.hstack([self.topic_coef_t, self.status_coef_t])
        intercept = np.hstack([self.topic_intercept, self.status_intercept])
        first: dict[str, int] = {}
        where = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
        distinct = list(first)
        zd = np.zeros((len(distinct), len(intercept)), dtype=np.float64)
        for a, b in _batches(distinct):  # each sentence scores alone: batches bound the memory
            zd[a:b] = self._scores(distinct[a:b], coef_t, intercept)
        z = zd[where]
        k = self.topic_coef_t.shape[1]
        topic, status = _sigmoid(z[:, :k]), _softmax(z[:, k:])
        order = [self.status_classes.index(s) for s in self.statuses]
        return topic, status[:, order]


_BATCH_CHARS = 100_000  # characters of sentences whose n-grams are held at once (about 25 MB)


def _batches(texts: list[str]):
    """(start, end) of consecutive slices of texts, each of at most _BATCH_CHARS characters (or one
    text)."""
    start, size = 0, 0
    for i, t in enumerate(texts):
        if size and size + len(t) > _BATCH_CHARS:
            yield start, i
            start, size = i, 0
        size += len(t)
    if start < len(texts) or not texts:
        yield start, len(texts)


def tagger_from_arrays(arrays) -> Tagger:
    """Rebuild the tagger from the arrays `train.to_arrays` wrote."""
    blocks, offset = [], 0
    for name, params in VECTORIZERS.items():
        vocab = [str(w) for w in arrays[f"{name}_vocab"]]
        blocks.append(TfidfFeatures(params.get("analyzer", "word"), params["ngram_range"], vocab,
                                    np.asarray(arrays[f"{name}_idf"]), offset))
        offset += len(vocab)
    return Tagger(tuple(blocks), np.ascontiguousarray(np.asarray(arrays["topic_coef"]).T),
                  np.asarray(arrays["topic_intercept"]), np.ascontiguousarray(np.asarray(arrays["status_coef"]).T),
                  np.asarray(arrays["status_intercept"]), tuple(str(c) for c in arrays["status_classes"]),
                  tuple(dimensions()), tuple(STATUSES))


@functools.cache
def tagger() -> Tagger:
    """The shipped model, loaded on first use (plain arrays, allow_pickle=False)."""
    return load_tagger(model_path(f"{MODEL_NAME}.npz"))


def load_tagger(path) -> Tagger:
    """The model saved at `path` (its `.json` metadata beside it is checked against the contract)."""
    if not path.exists():
        raise ModelUnavailable(f"no standards model at {path}: run `shequ train` to build it")
    meta_path = path.with_suffix(".json")
    if meta_path.exists():
        differs = mismatch(json.loads(meta_path.read_text(encoding="utf-8")))
        if differs:
            raise ModelUnavailable(f"the standards model at {path} does not fit this version of shequ ({differs}): "
                                   "run `shequ train` to rebuild it")
    with np.load(path, allow_pickle=False) as arrays:
        tagger = tagger_from_arrays({k: arrays[k] for k in arrays.files})
    if tagger.topic_coef_t.shape[1] != len(tagger.labels):
        raise ModelUnavailable(f"the standards model at {path} has {tagger.topic_coef_t.shape[1]} labels, the taxonomy "
                               f"{len(tagger.labels)}: run `shequ train` to rebuild it")
    return tagger
