"""OFD (GB/T 33190, the national fixed-layout format): the text layer, page by page.

An OFD file is a zip: `OFD.xml` names each document's `Document.xml` (DocBody/DocRoot), which
lists its pages (Pages/Page@BaseLoc) and page templates (CommonData/TemplatePage); each page's
`Content.xml` holds layers of `TextObject`s (Boundary `x y w h` in mm, font Size, an optional
CTM) whose `TextCode`s carry the characters at X/Y inside the boundary, spaced by DeltaX (which
may be compressed as `g N d`: N gaps of d). Writers often put each character in its own object,
in no particular order, so the text is rebuilt from positions: rows by vertical overlap, left to
right, paragraphs by geometry (`layout.py`). Text of the page's templates (a red header, a page
number) is read with the page. The zip gets the same decompression and size limits as DOCX;
the XML is parsed without entities or network access.
"""
from __future__ import annotations

import posixpath
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import RawDocument
from . import layout
from .docx import check_zip

_NS = "{http://www.ofdspec.org/2016}"


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _find(el, *path: str):
    for name in path:
        found = _children(el, name) if el is not None else []
        el = found[0] if found else None
    return el


def _numbers(text: str | None) -> list[float]:
    out = []
    for tok in (text or "").split():
        try:
            out.append(float(tok))
        except ValueError:
            return out
    return out


def delta_x(text: str | None) -> list[float]:
    """DeltaX/DeltaY values, the `g N d` compression expanded (N gaps of d)."""
    toks = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(toks):
        if toks[i] == "g" and i + 2 < len(toks):
            try:
                out.extend([float(toks[i + 2])] * int(toks[i + 1]))
            except ValueError:
                pass
            i += 3
            continue
        try:
            out.append(float(toks[i]))
        except ValueError:
            pass
        i += 1
    return out


class _Package:
    def __init__(self, data: bytes):
        self.zf = check_zip(data, kind="OFD")
        self.names = set(self.zf.namelist())

    def xml(self, name: str):
        from lxml import etree

        if name not in self.names:
            raise UnreadableDocument(f"damaged OFD (the package has no {name})")
        try:
            return etree.fromstring(self.zf.read(name), _parser())
        except etree.XMLSyntaxError as e:
            raise UnreadableDocument(f"damaged OFD ({name}: {str(e)[:60]})") from None


def _resolve(base_dir: str, loc: str) -> str:
    loc = (loc or "").strip().replace("\\", "/")
    path = posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))
    if path.startswith(".."):
        raise UnreadableDocument(f"damaged OFD (a part outside the package: {loc})")
    return path


def _text_pieces(root) -> list[layout.Piece]:
    """Every TextCode of a page or template content as a positioned piece (mm, y downwards)."""
    pieces = []
    for obj in root.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _numbers(obj.get("Boundary"))
        if len(box) < 4:
            continue
        bx, by = box[0], box[1]
        size = (_numbers(obj.get("Size")) or [3.5])[0]
        ctm = _numbers(obj.get("CTM"))
        sx, sy = (ctm[0], ctm[3]) if len(ctm) == 6 else (1.0, 1.0)
        tx, ty = (ctm[4], ctm[5]) if len(ctm) == 6 else (0.0, 0.0)
        x, y = 0.0, 0.0
        for code in obj:
            if _local(code.tag) != "TextCode":
                continue
            text = (code.text or "") + "".join(c.tail or "" for c in code)  # the text after an entity kept
            if not text.strip():
                continue
            x = _numbers(code.get("X"))[0] if code.get("X") else x
            y = _numbers(code.get("Y"))[0] if code.get("Y") else y
            deltas = delta_x(code.get("DeltaX"))
            width = sum(deltas[:len(text) - 1]) + size if deltas else size * len(text)
            x0, base = bx + (x * sx + tx), by + (y * sy + ty)
            pieces.append(layout.Piece(text, x0, base - size * abs(sy), x0 + width * abs(sx), base))
    return pieces


def read(path: Path, data: bytes) -> RawDocument:
    """Text of every page of the first document of an OFD package."""
    pkg = _Package(data)
    ofd = pkg.xml("OFD.xml")
    root_loc = _find(ofd, "DocBody", "DocRoot")
    if root_loc is None or not (root_loc.text or "").strip():
        raise UnreadableDocument("damaged OFD (OFD.xml names no document: DocBody/DocRoot)")
    doc_name = _resolve("", root_loc.text)
    document = pkg.xml(doc_name)
    base = posixpath.dirname(doc_name)
    templates = {}
    for tpl in _children(_find(document, "CommonData") if _find(document, "CommonData") is not None else document,
                         "TemplatePage"):
        loc = tpl.get("BaseLoc")
        if loc:
            templates[tpl.get("ID")] = _resolve(base, loc)
    pages_el = _find(document, "Pages")
    page_refs = _children(pages_el, "Page") if pages_el is not None else []
    if not page_refs:
        raise UnreadableDocument("damaged OFD (its document lists no pages)")
    texts = []
    for ref in page_refs:
        name = _resolve(base, ref.get("BaseLoc") or "")
        content = pkg.xml(name)
        pieces = _text_pieces(content)
        for tpl in _children(content, "Template"):
            tpl_name = templates.get(tpl.get("TemplateID"))
            if tpl_name and tpl_name in pkg.names:
                pieces.extend(_text_pieces(pkg.xml(tpl_name)))
        texts.append(layout.page_text(pieces))
    return RawDocument(pages=tuple(layout.join_pages(texts)), format="ofd", encoding="", page_count=len(texts))
