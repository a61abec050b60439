"""The `digests` table of the run's database: what the cross-document checks need of each
document (`extract.audit.corpus.Digest`), stored by the worker that processed it, so a rerun never
rebuilds a document from its text. Measures and changes are JSON (figures as their columns),
passages and the signature arrays' bytes."""
from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np

from ..audit.corpus import Digest
from ..records import Figure, columns

# the link to the document row, shared with the store's other per-document tables
FK = "source TEXT NOT NULL REFERENCES documents(source) ON DELETE CASCADE ON UPDATE CASCADE"
DDL = (f"CREATE TABLE digests ({FK} PRIMARY KEY, doc_id TEXT NOT NULL, title TEXT, measures TEXT,"
       " passages BLOB, signature BLOB, year TEXT, text_hash TEXT, changes TEXT)")
COLUMNS = ("source", "doc_id", "title", "measures", "passages", "signature", "year", "text_hash", "changes")
# the columns schema 3 added, with their types (a store of schema 2 gets them on open; its rows are
# then completed from the stored documents: `Store.stale_digests`)
ADDED = {"year": "TEXT", "text_hash": "TEXT", "changes": "TEXT"}
INSERT = f"INSERT OR REPLACE INTO digests ({', '.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})"
SELECT = f"SELECT {', '.join(COLUMNS)} FROM digests"


_FIGURE_COLUMNS = columns(Figure)
_SOURCE_AT = _FIGURE_COLUMNS.index("source")


def _figure_values(f: Figure) -> list:
    return [getattr(f, c) for c in _FIGURE_COLUMNS]


def _figure(values: list, source: str) -> Figure:
    at = _SOURCE_AT  # the document's name now (a file renamed since keeps its rows)
    return Figure(*values[:at], source, *values[at + 1:])


def digest_row(d: Digest) -> tuple:
    """A Digest as a row of `digests`: measures and changes as JSON, passages and signature as
    arrays' bytes; a text too short to call a copy has text_hash '' (NULL: not computed yet)."""
    measures = json.dumps([[list(key), _figure_values(f)] for key, f in d.measures], ensure_ascii=False)
    changes = json.dumps([[e, m, _figure_values(b), _figure_values(a)] for e, m, b, a in d.changes],
                         ensure_ascii=False)
    passages = np.array([(h, a, b) for h, (a, b) in d.passages.items()], dtype=np.uint64).tobytes()
    sig = None if d.signature is None else np.asarray(d.signature, dtype=np.uint32).tobytes()
    return (d.source, d.doc_id, d.title or None, measures, passages, sig, d.year or None, d.text_hash, changes)


def digest_of(row) -> Digest:
    """The Digest of a row of `digests`."""
    source, doc_id, title, measures, passages, sig, year, text_hash, changes = row
    ms = tuple((tuple(key), _figure(values, source)) for key, values in json.loads(measures or "[]"))
    cs = tuple((e, m, _figure(b, source), _figure(a, source)) for e, m, b, a in json.loads(changes or "[]"))
    arr = np.frombuffer(passages or b"", dtype=np.uint64).reshape(-1, 3)
    ps = PackedPassages(zip(arr[:, 0].tolist(), ((arr[:, 1] << np.uint64(32)) | arr[:, 2]).tolist()))
    return Digest(source, doc_id, title or "", ms, ps, None if sig is None else np.frombuffer(sig, dtype=np.uint32),
                  year or "", text_hash or "", cs)


class PackedPassages(Mapping):
    """A digest's passages (hash -> (start, end)) as the main process holds them for the
    cross-document checks: each span packed into one int, the tuple made when it is asked for
    (about half the memory of a dict of tuples)."""

    __slots__ = ("_d",)

    def __init__(self, items):
        self._d = dict(items)

    def __getitem__(self, key):
        v = self._d[key]
        return v >> 32, v & 0xFFFFFFFF

    def __contains__(self, key):
        return key in self._d

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)
