"""Figures: every claimed number with its meaning, canonical value and provenance.

    >>> from extract.figures import find_figures
    >>> [f.text for f in find_figures("全区52个社区，投入经费1200多万元。")]
    ['52个社区', '1200多万元']

`extract_figures(document)` gives Figure records for a Document; `find_figures(text)` works on a
plain string (for notebooks and tests)."""
from __future__ import annotations

import bisect
import functools
import re

from .. import gcpause
from ..records import Document, Figure
from ..resources import alternation, load_toml
from .context import (area_kind, count_kind, counted_noun, entity_of, groups_of_communities, role_of,
                      subject_of, year_of)
from .rules import rules
from .scan import Span, find_spans
from .slogans import without_part_names
from .tables import table_spans

@functools.cache
def _planned() -> re.Pattern:
    """A sentence that states targets ([planned] of corpora/cues.toml): its figures get the role `target`."""
    p = load_toml("cues.toml")["planned"]
    return re.compile("|".join([alternation(p["words"] + p["figure_words"])] + p["figure_patterns"]))


@functools.cache
def _sentence_window() -> int:
    """How far around a figure the text stands in for its sentence when none is given."""
    return load_toml("figures.toml")["context"]["windows"]["sentence"]


def _kind(text: str, s: Span, counted: str) -> str:
    if s.quantity == "money":
        return "funding"
    if s.quantity == "percent":
        return "percentage"
    if s.quantity == "area":
        return area_kind(text, s)
    return count_kind(s.unit, counted, s.classifier, noun_first=bool(counted) and text.endswith(counted, 0, s.start))


def _surface(text: str, s: Span, counted: str) -> str:
    """The figure as written, with the counted noun when it directly follows (52个社区)."""
    surface = text[s.start:s.end]
    if s.rule == rules().ids["table.cell"].single:
        return surface
    if counted and text.startswith(counted, s.end):
        surface += counted
    return surface


def describe(text: str, s: Span, sentence_text: str = "", sentence_start: int = 0, elided: str = "",
             counted: str | None = None, planned: bool | None = None) -> dict:
    """All columns of one figure span except provenance. `elided` is the counted noun of the
    previous count in the sentence, for counts that leave it out (12个村…剩余6个); `counted`
    is given for table cells (the row label); `planned`, whether the sentence states targets
    (found in it when not given)."""
    if counted is None or s.quantity != "count":
        counted = (counted_noun(text, s, s.end) or elided) if s.quantity == "count" else ""
    if not sentence_text:  # no sentence given: a window around the figure stands in for it
        window = _sentence_window()
        sentence_start = max(0, s.start - window)
        sentence_text = text[sentence_start:s.end + window]
    rel = s.start - sentence_start
    return {
        "text": _surface(text, s, counted),
        "quantity": s.quantity, "kind": _kind(text, s, counted), "value": s.value, "value_max": s.value_max,
        "unit": s.unit, "approx": s.approx, "counted": counted or None,
        "subject": subject_of(text, s, counted), "entity": entity_of(sentence_text, rel),
        "year": year_of(sentence_text, rel),
        "role": role_of(sentence_text, rel, bool(_planned().search(sentence_text)) if planned is None else planned),
        "rule": s.rule,
    }


def all_spans(text: str) -> list[tuple[Span, str | None]]:
    """Figures in prose and in table cells, in text order, with the row label of table cells."""
    prose = [(s, None) for s in find_spans(text)]
    cells = table_spans(text)
    if not cells:
        return prose
    taken = [(s.start, s.end) for s, _ in prose]
    cells = [(s, label) for s, label in cells if not any(a < s.end and s.start < b for a, b in taken)]
    return sorted(prose + cells, key=lambda x: x[0].start)


def _described(text: str, sentence_at):
    """(span, columns, sentence) for every figure of text; `sentence_at(offset)` gives the
    sentence holding an offset. A count that leaves its noun out borrows the previous count's in
    the same sentence (12个村…剩余6个)."""
    last_counted: dict[str, str] = {}
    last_sentence = planned = None
    communities_end = -1  # where the last count of communities ended
    for s, label in all_spans(text):
        sentence = sentence_at(s.start)
        if sentence is not last_sentence:
            last_counted, last_sentence = {}, sentence
            planned = bool(_planned().search(sentence.text)) if sentence and sentence.text else None  # once a sentence
        d = describe(text, s, sentence.text if sentence else "", sentence.start if sentence else 0,
                     elided=last_counted.get(s.unit, ""), counted=label, planned=planned)
        if d["kind"] == "other_count" and communities_end >= 0 \
                and groups_of_communities(d["counted"] or "", text[communities_end:s.start]):
            d["kind"] = "community_count"  # 9个村102个小组: the villages' groups (村民小组)
        communities_end = s.start + len(d["text"]) if d["kind"] == "community_count" else -1
        if d["counted"]:
            last_counted[s.unit] = d["counted"]
        yield s, d, sentence


def find_figures(text: str) -> list[Figure]:
    """Figures of a plain string (no file: `source` and `doc_id` are empty, every page is 1)."""
    from ..normalise import split_sentences

    sentences = split_sentences(text, [(0, 1)])
    starts = [x.start for x in sentences]

    def sentence_at(offset: int):
        return sentences[max(0, bisect.bisect_right(starts, offset) - 1)] if sentences else None

    return _figures(text, sentence_at, source="", doc_id="")


def extract_figures(document: Document) -> list[Figure]:
    """Figure records for a normalised document, each pointing at its sentence and page."""
    with gcpause.paused():  # many records, no cycles: see extract/gcpause.py
        return _figures(document.text, document.sentence_at, document.source, document.doc_id)


def _figures(text: str, sentence_at, source: str, doc_id: str) -> list[Figure]:
    figures = [Figure(source=source, doc_id=doc_id, page=sentence.page if sentence else 1, start=s.start,
                      end=s.start + len(d["text"]), sentence=sentence.text if sentence else "",
                      sentence_start=sentence.start if sentence else 0, **d)
               for s, d, sentence in _described(text, sentence_at)]
    return without_part_names(text, figures)
