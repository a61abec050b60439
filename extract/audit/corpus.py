"""Cross-document checks: copies and templates (`identical_copy`, `near_duplicate`, the clusters
of `templates.csv`: `copies.py`), and the measures of places across reports, by year
(`cross_doc_conflict`, `change_conflict`, the rows of `history.csv`: `history.py`).

Each document is summarised where it was processed (`digest`, in the worker) into the little the
checks need; `CorpusIndex` collects the digests while a batch streams and runs the checks at the
end, each linear in the number of documents (MinHash LSH with a bound per bucket for the
near-duplicates, dictionaries of measures for the rest)."""
from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass, field

from ..records import Figure, Flag, History, Result, Template
from .document import measure_of, near_duplicate_settings, passage_hash, passage_key, title_entity

log = logging.getLogger(__name__)

# bumped when the cross-document checks change, so a rerun with nothing else changed runs them again
CHECKS_VERSION = "2"


@dataclass(frozen=True)
class Digest:
    """What the cross-document checks need of one document, computed where the document was
    processed (in the worker): its comparable measures, the hashes of its long sentences with
    numbers masked, its MinHash signature (None when the text is too short to call a copy), its
    year, the hash of its text (spaces aside; "" when too short to call a copy) and its claimed
    changes (entity, measure, before, after)."""

    source: str
    doc_id: str
    title: str
    measures: tuple[tuple[tuple, Figure], ...]
    passages: dict[int, tuple[int, int]]  # hash of a masked long sentence -> (start, end)
    signature: object = None  # numpy uint32 array
    year: str = ""
    text_hash: str = ""
    changes: tuple[tuple[str, str, Figure, Figure], ...] = ()


def text_hash(bare: str) -> str:
    """The hash of a normalised text whose spaces are removed ("" when too short to call a copy)."""
    from .copies import copy_settings

    if len(bare) < copy_settings()["min_chars"]:
        return ""
    return hashlib.blake2b(bare.encode("utf-8"), digest_size=8).hexdigest()


def digest(result: Result) -> Digest | None:
    """The document's digest for the cross-document checks (None for a document not read)."""
    doc = result.document
    if doc.status != "ok":
        return None
    from .history import change_pairs, document_year
    from .minhash import shingle_fingerprints, signature

    doc_entity = title_entity(doc)
    measures = tuple((k, f) for f in result.figures if (k := measure_of(f, doc_entity)))
    passages = {passage_hash(s.text): (s.start, s.end) for s in doc.sentences if len(s.text) >= 20}
    bare = re.sub(r"\s+", "", doc.text)
    masked = passage_key(bare)
    sig = None
    if len(masked) >= 100:  # shorter is too short to call a copy
        sig = signature(shingle_fingerprints(masked, near_duplicate_settings()["shingle_chars"]))
    return Digest(doc.source, doc.doc_id, doc.title, measures, passages, sig, document_year(doc),
                  text_hash(bare), change_pairs(result, doc_entity))


@dataclass
class CorpusIndex:
    """Collects, document by document, the little that cross-document checks need (a Digest),
    then runs them all (`finish`): the flags it returns, and the rows of `templates` and
    `history` it leaves for their tables."""

    docs: dict[str, Digest] = field(default_factory=dict)  # doc_id -> the digest of its first source
    text_of: object = None  # digest -> where its text can be read back (a path), so texts are not kept
    templates: list[Template] = field(default_factory=list)
    history: list[History] = field(default_factory=list)
    _sources: dict = field(default_factory=dict)  # doc_id -> every source holding it
    _texts: dict = field(default_factory=dict)

    def add(self, result: Result) -> None:
        """Add a document's result (its digest is computed here)."""
        self.add_digest(digest(result), None if self.text_of else result.document.text)

    def add_digest(self, digest: Digest | None, text: str | None = None) -> None:
        """Add a digest computed elsewhere; `text` is needed only when there is no `text_of`.
        Byte-identical files share a doc_id: the one of the first source (by path) stands for them
        in every check but `identical_copy`, whatever order the workers deliver them in."""
        if digest is None:
            return
        self._sources.setdefault(digest.doc_id, set()).add(digest.source)
        held = self.docs.get(digest.doc_id)
        if held is not None and held.source <= digest.source:
            return
        self.docs[digest.doc_id] = digest
        self._texts[digest.doc_id] = text if text is not None else self.text_of(digest) if self.text_of else ""

    def _digests(self) -> list[Digest]:
        return sorted(self.docs.values(), key=lambda d: d.source)  # the same findings in any order of arrival

    def _text(self, doc_id: str) -> str:
        held = self._texts.get(doc_id, "")
        if isinstance(held, str):
            return held
        try:
            return held.read_text(encoding="utf-8")
        except OSError:
            return ""

    def finish(self) -> list[Flag]:
        """All cross-document findings of the run (and the rows of `templates` and `history`)."""
        from . import copies, history

        out: list[Flag] = []
        digests = self._digests()
        sources = {d: sorted(s) for d, s in self._sources.items()}
        try:
            texts = copies.texts_of(self.docs, sources)
            text_of = functools.lru_cache(maxsize=64)(self._text)  # a text is read once however many flags it has
            out.extend(copies.identical_copy(texts, text_of))
            flags, self.templates = copies.near_duplicate(texts, text_of)
            out.extend(flags)
        except Exception:
            log.warning("the copies and templates checks failed", exc_info=True)
        # one text once: the copies of a text say nothing new about its places
        unique: dict[tuple[str, str], Digest] = {}
        for d in digests:
            unique.setdefault(("text", d.text_hash) if d.text_hash else ("doc", d.doc_id), d)
        digests = list(unique.values())
        try:
            points = history.points(digests)
            self.history = history.history_rows(points)
            out.extend(history.cross_doc_conflict(points))
            out.extend(history.change_conflict(digests, points))
        except Exception:
            log.warning("the checks across years failed", exc_info=True)
        return out
