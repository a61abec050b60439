"""HTML pages saved from document sites: decoded with the declared charset (gb2312/gbk read as
GB18030), scripts, styles and navigation dropped, block elements turned into lines."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import RawDocument
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
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def read(path: Path, data: bytes) -> RawDocument:
    """Visible text of the page, one line per block element."""
    import lxml.html
    from lxml import etree

    text, enc = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise UnreadableDocument(f"cannot parse HTML ({e})") from None
    rules = load_toml("html.toml")
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
    parts: list[str] = []

    def walk(el):
        if el.tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if el.tag in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    body = re.sub(r"[ \t\r]*\n[ \t\r\n]*", "\n", "".join(parts)).strip()
    return RawDocument(pages=(body,), format="html", encoding=enc)
