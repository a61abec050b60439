"""PDF text layer, page by page. pypdfium2 is the fast path (0.07 s for a 53-page Chinese PDF,
against 3.2 s for pdfplumber, with identical characters); pdfplumber reads files pdfium rejects.

A page whose text is `(cid:NN)` runs, private-use glyphs or nothing at all has no usable text
layer, nor has a page that holds an image and almost no text (a scan with a stamped page number).
With the OCR extra those pages are rendered and OCR'd (`ocr.py`, bounded by `corpora/ocr.toml`);
without it a document with no usable page gets the status `no_text_layer` rather than garbage,
and one with some gets an `ocr_note` naming the pages left unread."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from ..errors import NoTextLayer, UnreadableDocument
from ..records import TABLE_CELL_MARK, OcrPage, RawDocument, page_ranges
from . import ocr

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
# pdfium emits quotation marks set in another font out of reading order: " “" at the end of the
# line, with a space left where the mark belongs ("按照 理顺关系、多元参 “").
_STRAY_QUOTE = re.compile(r" ([“”‘’])(?= |$)")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff，。、；：,]) (?=[\u3400-\u9fff])")


def restore_quotes(line: str) -> str:
    """Put stray quotation marks back into the gaps they left, when marks and gaps pair up."""
    quotes = _STRAY_QUOTE.findall(line)
    if not quotes:
        return line
    rest = _STRAY_QUOTE.sub("", line)
    gaps = [m.start() for m in _CJK_GAP.finditer(rest)]
    if len(gaps) != len(quotes):
        return line
    out, last = [], 0
    for pos, q in zip(gaps, quotes):
        out.append(rest[last:pos])
        out.append(q)
        last = pos + 1
    out.append(rest[last:])
    return "".join(out)


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of pdfium's page text, whose lines end in \\r\\n (or \\n)."""
    spans, a = [], 0
    for m in re.finditer(r"\r?\n", text):
        spans.append((a, m.start()))
        a = m.end()
    spans.append((a, len(text)))
    return spans


def _lines_in_place(textpage, text: str) -> list[str]:
    """The page's lines as they stand on it: marks read out of place put back (`_in_drawn_order`),
    table rows with their cells marked (`_table_row`), and the end of a row's last cell that
    wrapped onto a line of its own joined to its row."""
    settings = ocr.settings()["pdf"]
    lines: list[str] = []
    last_cell = None  # (left, height) of the last cell of the line before, when it was a table row
    for a, b in _line_spans(text):
        if _STRAY_QUOTE.search(text, a, b):
            lines.append(_in_drawn_order(textpage, text, a, b, settings))
            last_cell = None
            continue
        line, cell = _table_row(textpage, text, a, b, settings)
        if last_cell and cell is None and 0 < len(line.strip()) <= settings["wrapped_cell_chars"]:
            first = a + len(line) - len(line.lstrip())
            if textpage.get_charbox(first)[0] >= last_cell[0] - last_cell[1] / 2:
                lines[-1] += line.strip()  # 三会一课、议事协 / 商: the row's last cell goes on
                continue
        lines.append(line)
        last_cell = cell
    return lines


def _table_row(textpage, text: str, a: int, b: int, settings: dict) -> tuple[str, tuple[float, float] | None]:
    """Line text[a:b] with " | " between its cells when it is a table row: at least
    `table_min_gaps` of its spaces stand for gaps wider than `table_gap_heights` character
    heights (`settings`: [pdf] of corpora/ocr.toml), and not every cell is one character (a title set with
    wide letter spacing). Returns the line, and for a row the left edge and height of its last
    cell; other lines come back as they are, with None."""
    line = text[a:b]
    if line.count(" ") < 2:
        return line, None
    wide, last = [], None
    for j in range(1, len(line) - 1):
        if line[j] == " " and not line[j - 1].isspace() and not line[j + 1].isspace():
            left, right = textpage.get_charbox(a + j - 1), textpage.get_charbox(a + j + 1)
            height = max(left[3] - left[1], right[3] - right[1])
            if height > 0 and right[0] - left[2] > settings["table_gap_heights"] * height:
                wide.append(j)
                last = (right[0], height)
    if len(wide) < settings["table_min_gaps"]:
        return line, None
    cells, start = [], 0
    for j in wide:
        cells.append(line[start:j])
        start = j + 1
    cells.append(line[start:])
    if all(len(c.strip()) <= 1 for c in cells):
        return line, None
    return TABLE_CELL_MARK.join(cells), last


def _in_drawn_order(textpage, text: str, a: int, b: int, settings: dict) -> str:
    """Line text[a:b] with its characters in the order they stand on the page, left to right, when
    pdfium gave some out of that order (marks set in another font come at the line's end, a space
    left where each belongs). A space stays between two characters that follow each other both in
    pdfium's order and on the page, with a space between them in the one and a gap of over
    `space_gap_heights` of the line's height in the other; the spaces left where a mark belongs go.
    A line whose characters do not share one band of height is returned as it is."""
    line = text[a:b]
    drawn = []  # (left, bottom, top, index, right) of the characters that are drawn, in pdfium's order
    for i in range(a, b):
        if not text[i].isspace():
            left, bottom, right, top = textpage.get_charbox(i)
            drawn.append((left, bottom, top, i, right))
    if not drawn:
        return line
    bottoms, tops = sorted(c[1] for c in drawn), sorted(c[2] for c in drawn)
    low, high = bottoms[len(drawn) // 2], tops[len(drawn) // 2]  # the band of a typical character
    if any(c[1] >= high or c[2] <= low for c in drawn):  # a character off the band: not one line
        return line
    after = {c[3]: d[3] for c, d in zip(drawn, drawn[1:])}  # the next drawn character in pdfium's order
    drawn.sort(key=lambda c: c[0])
    apart = (high - low) * settings["space_gap_heights"]
    out = [text[drawn[0][3]]]
    for prev, c in zip(drawn, drawn[1:]):
        i, j = prev[3], c[3]
        if after.get(i) == j and j > i + 1 and c[0] - prev[4] > apart:
            out.append(" ")
        out.append(text[j])
    return "".join(out)


_MEANINGLESS = re.compile("[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0e-\x1f]+")


def _garbage_ratio(text: str) -> float:
    """Share of characters that carry no meaning: (cid:NN) runs, private-use and control characters."""
    if not text.strip():
        return 1.0
    cid_chars = sum(len(m) for m in _CID.findall(text))
    bad = sum(len(m) for m in _MEANINGLESS.findall(text))
    return (cid_chars + bad) / len(text)


def _read_pdfium(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise UnreadableDocument("encrypted PDF: it needs a password to open; save an unencrypted copy") from None
        raise
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if len(text) == textpage.count_chars():  # characters and their boxes pair up
                lines = _lines_in_place(textpage, text)
            else:
                lines = text.replace("\r\n", "\n").split("\n")
            pages.append("\n".join(restore_quotes(l) for l in lines))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _read_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def read(path: Path, data: bytes) -> RawDocument:
    """Text of every page; raises NoTextLayer when no page has usable text."""
    import pypdfium2 as pdfium

    try:
        pages = _read_pdfium(data)
    except pdfium.PdfiumError as e:  # pdfium rejects the file: pdfplumber reads more broken files
        log.info("pdfium could not open %s (%s); trying pdfplumber", path, e)
        try:
            pages = _read_pdfplumber(path)
        except Exception as e:
            name = type(e).__name__
            if "password" in str(e).lower() or "PDFPassword" in name or "Encryption" in name:
                raise UnreadableDocument("encrypted PDF: it needs a password to open; save an unencrypted copy") from None
            raise UnreadableDocument(f"damaged or truncated PDF ({name}); pdfium and pdfplumber both failed") from None
    if not pages:
        raise UnreadableDocument("the PDF has no pages")
    usable = [_garbage_ratio(p) < 0.3 for p in pages]
    min_chars = int(ocr.settings()["pdf"]["min_text_chars"])
    if any(not ok or _meaningful(p) < min_chars for p, ok in zip(pages, usable)):
        drawn = _page_objects(data)  # (holds an image, holds anything) per page; None if unknown
        for i, p in enumerate(pages):
            image, anything = drawn[i] if i < len(drawn) else (False, True)
            if usable[i] and _meaningful(p) < min_chars and image:
                usable[i] = False  # a scan with a few characters stamped on it
            elif not usable[i] and not p.strip() and not anything:
                usable[i] = True  # a blank page: nothing to read, nothing to OCR
    if not any(p.strip() for p, ok in zip(pages, usable) if ok) and all(usable):
        raise NoTextLayer(f"no usable text layer on any of {len(pages)} pages (blank pages)")
    pages = [p if ok else "" for p, ok in zip(pages, usable)]
    if all(usable):
        return RawDocument(pages=tuple(pages), format="pdf", encoding="", page_count=len(pages))
    eng = ocr.engine()
    if eng is None:
        if not any(usable):
            raise NoTextLayer(f"no usable text layer on any of {len(pages)} pages (scanned, or fonts without a "
                              f"ToUnicode map); to read it by OCR, {ocr.EXTRA_HINT}")
        missing = [i + 1 for i, ok in enumerate(usable) if not ok]
        which = f"page {missing[0]} has" if len(missing) == 1 else f"pages {page_ranges(missing)} have"
        return RawDocument(pages=tuple(pages), format="pdf", encoding="", page_count=len(pages),
                           ocr_note=f"{which} no text layer (not read); {ocr.EXTRA_HINT}")
    return _ocr_pages(data, pages, usable, eng)


_WORD = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def _meaningful(text: str) -> int:
    """Characters of a page that can carry text (CJK, letters, digits)."""
    return len(_WORD.findall(text))


def _page_objects(data: bytes) -> list[tuple[bool, bool]]:
    """(holds an image, holds any object) for each page; [] when pdfium cannot open the file."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return []
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            kinds = {obj.type for obj in page.get_objects(max_depth=2)}
            out.append((pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds, bool(kinds)))
            page.close()
    finally:
        pdf.close()
    return out


def _ocr_pages(data: bytes, pages: list[str], usable: list[bool], eng) -> RawDocument:
    """The pages without a usable text layer rendered and OCR'd, within the file's OCR limits."""
    import pypdfium2 as pdfium

    dpi = float(ocr.settings()["limits"]["dpi"])
    run = ocr.OcrRun(eng)
    todo = [i for i, ok in enumerate(usable) if not ok]
    read: list[OcrPage] = []
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        raise NoTextLayer("no usable text layer, and pdfium cannot render the pages for OCR (damaged PDF)") from None
    try:
        for i in todo:
            if not run.allowed(len(todo)):
                break
            page = pdf[i]
            w, h = page.get_size()
            ocr.check_pixels(int(w * dpi / 72), int(h * dpi / 72))
            image = page.render(scale=dpi / 72).to_pil()
            page.close()
            text, lines = run.page(image)
            pages[i] = "\n".join(text.paragraphs)
            read.append(OcrPage(i + 1, lines))
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise NoTextLayer(f"no text found by OCR ({run.engine_label}) on {len(todo)} scanned pages"
                          + (f"; {run.note}" if run.note else ""))
    return RawDocument(pages=tuple(pages), format="pdf", encoding="", page_count=len(pages), ocr=tuple(read),
                       ocr_engine=run.engine_label, ocr_note=run.note)
