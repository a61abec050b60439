"""Which figures were read by OCR, and how sure the recogniser was of their characters.

Normalisation changes the text (width folding, Traditional -> Simplified, furniture removed,
lines joined), so the recogniser's lines do not map 1:1 onto normalised offsets. Instead each
figure is looked up in the recognised lines of its page (and of the next one, for a sentence
that runs across the break), compared after the same folding: the figure's text with the
normalised text around it, the widest context that is found once on the page deciding which
occurrence it is. The figure takes the lowest confidence of the recognised lines that hold its
characters (a figure cut across two lines is as sure as its weaker line); a figure whose text
is not found in the lines (the recogniser split it oddly) takes the page's mean confidence.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..normalise import fold_width, to_simplified
from ..records import Document, Figure, OcrPage

_SPACE = re.compile(r"\s+")
_CONTEXTS = (8, 4, 2, 0)


def _fold(text: str) -> str:
    return _SPACE.sub("", to_simplified(fold_width(text)))


class _PageIndex:
    """The folded text of a page's recognised lines, and the line each character came from."""

    def __init__(self, page: OcrPage):
        self.page = page
        parts, owner = [], []
        for k, line in enumerate(page.lines):
            folded = _fold(line.text)
            parts.append(folded)
            owner.extend([k] * len(folded))
        self.text = "".join(parts)
        self.owner = owner

    def find(self, key: str, before: str, after: str) -> list[tuple[int, int]]:
        """Spans of `key` in the page, told apart by the widest context that is found exactly once
        (all spans of the bare key when no context is)."""
        for width in _CONTEXTS:
            b, a = before[len(before) - width:] if width else "", after[:width]
            needle = b + key + a
            hits = [m.start() + len(b) for m in re.finditer(re.escape(needle), self.text)]
            if len(hits) == 1 or (width == 0 and hits):
                return [(h, h + len(key)) for h in hits]
        return []

    def confidence(self, spans: list[tuple[int, int]]) -> float:
        lines = {self.owner[i] for a, b in spans for i in range(a, b)}
        return min(self.page.lines[k].confidence for k in lines)


def mark(document: Document, figures) -> tuple[Figure, ...]:
    """The figures, those read from an OCR'd page marked (`ocr`=1) with their confidence."""
    figures = tuple(figures)
    if not document.ocr or not figures:
        return figures
    index = {p.page: _PageIndex(p) for p in document.ocr}
    out = []
    for f in figures:
        key = _fold(f.text)
        before = _fold(document.text[max(0, f.start - 12):f.start])
        after = _fold(document.text[f.end:f.end + 12])
        confidence, found_on = None, None
        for page in (f.page, f.page + 1):
            if page in index and key:
                spans = index[page].find(key, before, after)
                if spans:
                    confidence, found_on = index[page].confidence(spans), page
                    break
        if found_on is None and f.page in index:
            confidence, found_on = index[f.page].page.mean_confidence, f.page
        if found_on is None:
            out.append(f)
        else:
            out.append(replace(f, ocr=1, ocr_confidence=None if confidence is None else round(confidence, 3)))
    return tuple(out)
