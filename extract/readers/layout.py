"""Text of fixed-layout pages from positioned pieces (OCR boxes, OFD text objects).

Pieces are grouped into rows by vertical overlap and ordered left to right; rows are joined
into paragraphs by geometry: a row that reaches the right margin, does not end a sentence and
is followed by a row that is not indented continues on it (Chinese paragraphs open with a
two-character indent). The page number under the text is dropped. A paragraph cut by a page
break is carried back to the page it starts on, as the PDF path does, so one sentence is never
split between pages. The rules' thresholds are in `corpora/ocr.toml` ([layout]).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from statistics import median

from ..resources import fill, load_toml
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]")


@functools.cache
def _heading() -> re.Pattern:
    """A row that starts with a heading number ([headings] line of corpora/cues.toml, the pattern
    the normalisation's line joining uses): it starts a paragraph."""
    h = load_toml("cues.toml")["headings"]
    return re.compile(fill(h["line"], h))


@dataclass(frozen=True)
class Piece:
    """A run of text at a place on the page (any unit; y grows downwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float = 1.0


@dataclass(frozen=True)
class Row:
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        out = ""
        h = self.height
        for a, b in zip((None,) + self.pieces[:-1], self.pieces):
            # pieces of one row are joined as they stand: a space only where the row has a gap
            # (normalisation drops the spaces beside Chinese characters)
            if a is not None and b.x0 - a.x1 > 0.3 * h:
                out += " "
            out += b.text
        return out

    @property
    def x0(self) -> float:
        return min(p.x0 for p in self.pieces)

    @property
    def x1(self) -> float:
        return max(p.x1 for p in self.pieces)

    @property
    def y0(self) -> float:
        return min(p.y0 for p in self.pieces)

    @property
    def y1(self) -> float:
        return max(p.y1 for p in self.pieces)

    @property
    def height(self) -> float:
        return median(p.y1 - p.y0 for p in self.pieces)


@functools.cache
@functools.cache
def _settings() -> tuple[float, float, re.Pattern, int]:
    data = load_toml("ocr.toml")["layout"]
    pattern = re.compile("|".join(f"(?:{p})" for p in data["page_number_patterns"]))
    return float(data["right_margin_chars"]), float(data["indent_chars"]), pattern, int(data["margin_rows"])


def rows(pieces: list[Piece]) -> list[Row]:
    """Pieces grouped into rows (a piece joins a row when it overlaps it vertically by half its
    height), top to bottom, each row left to right."""
    out: list[list[Piece]] = []
    for p in sorted((p for p in pieces if p.text.strip()), key=lambda p: (p.y0 + p.y1) / 2):
        h = p.y1 - p.y0
        for row in reversed(out[-3:]):
            top, bottom = min(q.y0 for q in row), max(q.y1 for q in row)
            overlap = min(bottom, p.y1) - max(top, p.y0)
            if overlap > 0.5 * min(h, bottom - top):
                row.append(p)
                break
        else:
            out.append([p])
    return [Row(tuple(sorted(r, key=lambda p: p.x0))) for r in out]


@dataclass(frozen=True)
class PageText:
    paragraphs: list[str]
    continues: bool  # the last paragraph runs on to the next page
    opens_indented: bool  # the first row is indented (a new paragraph)


def page_text(pieces: list[Piece]) -> PageText:
    """Paragraphs of one page, with what the page break needs to know."""
    margin_chars, indent_chars, page_number, window = _settings()
    rs = rows(pieces)
    if not rs:
        return PageText([], False, True)
    h = median(r.height for r in rs)
    # the page number: the last row, short, under the text, matching a page-number pattern
    if len(rs) > 1 and page_number.fullmatch(rs[-1].text.replace(" ", "")) and len(rs[-1].text) <= 12:
        rs = rs[:-1]
    # margins taken from the rows around each row, so a skewed scan keeps its indents
    lefts = [min(q.x0 for q in rs[max(0, k - window):k + window + 1]) for k in range(len(rs))]
    rights = [max(q.x1 for q in rs[max(0, k - window):k + window + 1]) for k in range(len(rs))]
    paragraphs: list[str] = []
    pending = False

    def full(k: int) -> bool:
        return rs[k].x1 >= rights[k] - margin_chars * h

    def indented(k: int) -> bool:
        return rs[k].x0 > lefts[k] + indent_chars * h or _heading().match(rs[k].text) is not None

    for k, r in enumerate(rs):
        if pending and not indented(k):
            paragraphs[-1] += r.text
        else:
            paragraphs.append(r.text)
        pending = full(k)
    return PageText(paragraphs, pending, indented(0))


def join_pages(pages: list[PageText]) -> list[str]:
    """Page texts, a paragraph that a page break cut carried back to the page it starts on."""
    paras = [list(p.paragraphs) for p in pages]
    for i in range(len(pages) - 1):
        nxt = i + 1
        if pages[i].continues and paras[i] and paras[nxt] and not pages[nxt].opens_indented:
            paras[i][-1] += paras[nxt].pop(0)
    return ["\n".join(p) for p in paras]
