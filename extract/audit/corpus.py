"""Cross-document checks: the same measure of the same place with different values in two
reports of a run (`cross_doc_conflict`), and reports copied from one template (`near_duplicate`).

Each document is summarised where it was processed (`digest`, in the worker) into the little the
checks need; `CorpusIndex` collects the digests while a batch streams and runs the checks at the
end, with MinHash LSH (`minhash.py`) so thousands of reports are never compared pair by pair."""
from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..records import Figure, Flag, Result
from .document import (figure_refs, format_number, measure_of, message, near_duplicate_settings, passage_hash,
                       passage_key, title_entity)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    """What the cross-document checks need of one document, computed where the document was
    processed (in the worker): its comparable measures, the hashes of its long sentences with
    numbers masked, and its MinHash signature (None when the text is too short to call a copy)."""

    source: str
    doc_id: str
    title: str
    measures: tuple[tuple[tuple, Figure], ...]
    passages: dict[int, tuple[int, int]]  # hash of a masked long sentence -> (start, end)
    signature: object = None  # numpy uint32 array


def digest(result: Result) -> Digest | None:
    """The document's digest for the cross-document checks (None for a document not read)."""
    doc = result.document
    if doc.status != "ok":
        return None
    from .minhash import shingle_fingerprints, signature

    doc_entity = title_entity(doc)
    measures = tuple((k, f) for f in result.figures if (k := measure_of(f, doc_entity)))
    passages = {passage_hash(s.text): (s.start, s.end) for s in doc.sentences if len(s.text) >= 20}
    masked = passage_key(re.sub(r"\s+", "", doc.text))
    sig = None
    if len(masked) >= 100:  # shorter is too short to call a copy
        sig = signature(shingle_fingerprints(masked, near_duplicate_settings()["shingle_chars"]))
    return Digest(doc.source, doc.doc_id, doc.title, measures, passages, sig)


@dataclass
class CorpusIndex:
    """Collects, document by document, the little that cross-document checks need (an
    Digest), then finds conflicts and near-duplicates with MinHash LSH (`minhash.py`),
    so a run of thousands of documents never compares all pairs of texts."""

    docs: dict[str, Digest] = field(default_factory=dict)
    text_of: object = None  # digest -> where its text can be read back (a path), so texts are not kept
    _lsh: object = None
    _hashes: dict = field(default_factory=dict)
    _texts: dict = field(default_factory=dict)

    def add(self, result: Result) -> None:
        """Add a document's result (its digest is computed here)."""
        if result.document.doc_id not in self.docs:
            self.add_digest(digest(result), None if self.text_of else result.document.text)

    def add_digest(self, digest: Digest | None, text: str | None = None) -> None:
        """Add a digest computed elsewhere; `text` is needed only when there is no `text_of`.
        Byte-identical files share a doc_id: the one of the first source (by path) stands for them,
        whatever order the workers deliver them in."""
        if digest is None:
            return
        held = self.docs.get(digest.doc_id)
        if held is not None and held.source <= digest.source:
            return
        from .minhash import LSH

        if self._lsh is None:
            self._lsh = LSH()
        self.docs[digest.doc_id] = digest
        self._texts[digest.doc_id] = text if text is not None else self.text_of(digest) if self.text_of else ""
        if held is not None:
            return  # the same content: its signature is indexed already
        if digest.signature is not None:
            self._hashes[digest.doc_id] = digest.signature
            self._lsh.add(digest.doc_id, digest.signature)

    def cross_doc_conflict(self) -> list[Flag]:
        """The same entity given different values for the same measure in two documents."""
        by_key: dict[tuple, list[tuple[str, Figure]]] = defaultdict(list)
        for info in sorted(self.docs.values(), key=lambda d: d.source):  # the same findings in any order of arrival
            for (entity, measure, year), f in info.measures:
                by_key[(entity, measure)].append((info.doc_id, f))
        out = []
        for (entity, measure), items in by_key.items():
            docs = {d for d, _ in items}
            if len(docs) < 2:
                continue
            first_doc, first = items[0]
            for doc_id, f in items[1:]:
                if doc_id == first_doc or f.value == first.value or (f.year and first.year and f.year != first.year):
                    continue
                other = self.docs[first_doc]
                out.append(Flag(source=f.source, doc_id=doc_id, check="cross_doc_conflict", severity="warning",
                                message=message("cross_doc_conflict", entity=entity, measure=measure,
                                                value=format_number(f.value), other_title=other.title[:30],
                                                other_value=format_number(first.value)),
                                figures=figure_refs(f), evidence=f.sentence, start=f.start, end=f.end))
        return out

    def near_duplicate(self) -> list[Flag]:
        """Documents sharing long passages (template reuse), found by MinHash LSH over shingles with
        numbers masked. Each document is flagged with its most similar partners only (with the
        similarity and the longest shared passage); the first flag says how many documents of the
        run share its passages, so a template used a thousand times gives a few flags per report,
        not a thousand."""
        from .minhash import similarities

        settings = near_duplicate_settings()
        keep, checked = settings["flags_per_document"], settings["candidates_checked"]
        text_of = functools.lru_cache(maxsize=64)(self._text)  # a document is in many pairs: read it once
        out = []
        for doc_id, sig in sorted(self._hashes.items()):
            me = self.docs[doc_id]
            partners = []
            candidates = sorted(self._lsh.candidates(sig) - {doc_id})
            if not candidates:
                continue
            # the most similar candidates first (by signature), then only those are checked for passages
            sims = similarities(sig, [self._hashes[o] for o in candidates])
            ranked = sorted(zip(-sims, candidates))[:checked]
            for neg_sim, other_id in ranked:
                other = self.docs[other_id]
                shared = [k for k in me.passages if k in other.passages]
                if shared:
                    partners.append((float(neg_sim), other.source, other, shared))
            partners.sort(key=lambda p: p[:2])
            for rank, (neg_sim, _, other, shared) in enumerate(partners[:keep]):
                start, end = max((me.passages[k] for k in shared), key=lambda se: se[1] - se[0])
                at_least = message("near_duplicate_at_least") if len(candidates) > checked else ""
                more = message("near_duplicate_more", at_least=at_least, partners=len(partners), keep=keep) \
                    if rank == 0 and len(partners) > keep else ""
                out.append(Flag(source=me.source, doc_id=me.doc_id, check="near_duplicate", severity="warning",
                                message=message("near_duplicate", other_title=other.title[:30], similarity=-neg_sim,
                                                shared=len(shared), more=more),
                                figures="", evidence=text_of(me.doc_id)[start:end], start=start, end=end))
        return out

    def _text(self, doc_id: str) -> str:
        held = self._texts.get(doc_id, "")
        if isinstance(held, str):
            return held
        try:
            return held.read_text(encoding="utf-8")
        except OSError:
            return ""

    def finish(self) -> list[Flag]:
        """All cross-document findings of the run."""
        out: list[Flag] = []
        for check in (self.cross_doc_conflict, self.near_duplicate):
            try:
                out.extend(check())
            except Exception:
                log.warning("check %s failed", check.__name__, exc_info=True)
        return out
