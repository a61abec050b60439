"""HTML pages saved from document sites: decoded with the declared charset (gb2312/gbk read as
GB18030), scripts, styles and navigation dropped, block elements turned into lines.

Parsed with lxml's `huge_tree` (libxml2 otherwise stops at 256 levels of nesting and drops the
rest); a page nested deeper than even that allows (2,048 levels) is read by stripping its tags,
so no text is lost."""
from __future__ import annotations

import html as _html
import re
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import TABLE_CELL_MARK, RawDocument
from ..resources import load_toml
from .txt import _SUPERSETS, decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
               "article", "blockquote", "pre", "ul", "ol", "dd", "dt", "title", "header", "footer"}


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode with the charset the page declares, else as text would be."""
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        enc = _SUPERSETS.get(declared, declared)
        try:
            return data.decode(enc).replace("\x00", ""), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def read(path: Path, data: bytes) -> RawDocument:
    """Visible text of the page, one line per block element."""
    import lxml.html
    from lxml import etree

    text, enc = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as e:
        raise UnreadableDocument(f"cannot parse HTML ({e})") from None
    rules = load_toml("html.toml")
    if _too_deep(root, load_toml("limits.toml")["html_max_depth"]):
        return RawDocument(pages=(_stripped(text, rules),), format="html", encoding=enc)
    drop_tags = set(rules["drop_tags"])
    drop_attr = re.compile(rules["drop_class_or_id"], re.I)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if el.tag in drop_tags or (attrs and drop_attr.search(attrs)):
            if el.getparent() is not None:
                el.drop_tree()
    _rows_as_lines(root, rules["table_cell_max_chars"])
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):  # no recursion: any depth
        if event == "start":
            if el.tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
            continue
        if el.tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.tail and el is not root:
            parts.append(el.tail)
    return RawDocument(pages=(_lines(parts),), format="html", encoding=enc)


_CELLS = ("td", "th")


def _rows_as_lines(root, max_chars: int) -> None:
    """Write each row of data as one line of cells joined by the table cell mark: a row of two or
    more cells, each at most `max_chars` long, with no table inside (a table used for layout
    keeps its cells as blocks of text)."""
    for tr in list(root.iter("tr")):
        cells = [c for c in tr if c.tag in _CELLS]
        if len(cells) < 2 or any(c.find(".//table") is not None for c in cells):
            continue
        # every piece of a cell's text apart (420<br>260 is two numbers, not 420260); the spaces
        # beside Chinese characters go when the text is normalised
        texts = [" ".join(" ".join(c.itertext()).split()) for c in cells]
        if any(len(t) > max_chars for t in texts):
            continue
        for child in list(tr):
            tr.remove(child)
        tr.text = TABLE_CELL_MARK.join(texts)


def _lines(parts: list[str]) -> str:
    return re.sub(r"[ \t\r]*\n[ \t\r\n]*", "\n", "".join(parts)).strip()


def _too_deep(root, max_depth: int) -> bool:
    """True when the tree reaches `max_depth`, near where libxml2 stops (what is deeper was dropped)."""
    from lxml import etree

    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= max_depth:
            return True
    return False


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<!--.*?-->|<![^>]*>|<\?[^>]*>", re.S)


def _stripped(text: str, rules: dict) -> str:
    """The text of a page too deep for a tree: tags stripped, the content of the dropped elements
    (scripts, styles, navigation …) skipped, block elements turned into lines."""
    drop = (set(rules["drop_tags"]) - {"head"}) | {"title"}  # a missing </head> must not drop the page
    parts: list[str] = []
    skipping: list[str] = []
    at = 0
    for m in _TAG.finditer(text):
        if not skipping:
            parts.append(_html.unescape(text[at:m.start()]))
        at = m.end()
        name = (m.group(2) or "").lower()
        if not name:
            continue
        closing = m.group(1) == "/"
        if name in drop:
            if closing and skipping and skipping[-1] == name:
                skipping.pop()
            elif not closing and not m.group(0).endswith("/>"):
                skipping.append(name)
        elif name in _BLOCK_TAGS and not skipping:
            parts.append("\n")
    if not skipping:
        parts.append(_html.unescape(text[at:]))
    return _lines(parts)
