"""DOCX: paragraphs and tables in document order (python-docx's `doc.paragraphs` skips tables),
text boxes, content controls, tracked changes as accepted, field results, footnotes and endnotes.

Only the main document part is parsed (with python-docx's own XML parser, which resolves no
entities): opening the whole package with `docx.Document` parses styles, numbering, settings and
every other part, and cost 11 ms a file against 1 ms. The zip is checked first: a file whose
parts decompress past `MAX_UNCOMPRESSED` (a zip bomb) is refused without inflating it."""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from ..errors import LimitExceeded, UnreadableDocument
from ..records import RawDocument

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(data: bytes, limit: int = MAX_UNCOMPRESSED, kind: str = "DOCX") -> zipfile.ZipFile:
    """Open a zip and refuse it when its declared sizes exceed the limit or compress implausibly
    (`kind` names the format in the error: DOCX, OFD)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise UnreadableDocument(f"damaged {kind} (not a readable zip: {e})") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limit or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise LimitExceeded(f"{kind} decompresses to {total / 2**20:.0f} MB (limit {limit // 2**20} MB): "
                            "refused as a possible zip bomb")
    return zf


def _pages_from_app_xml(zf: zipfile.ZipFile) -> int | None:
    try:
        m = re.search(rb"<Pages>(\d+)</Pages>", zf.read("docProps/app.xml"))
    except KeyError:
        return None
    return int(m.group(1)) if m else None


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"  # the end of the relationship type of a package's main part


def main_part(zf: zipfile.ZipFile) -> str:
    """The zip member holding the document body, from the package relationships."""
    from docx.oxml import parse_xml

    try:
        rels = parse_xml(zf.read("_rels/.rels"))
    except KeyError:
        raise UnreadableDocument("damaged DOCX (the package has no _rels/.rels)") from None
    except Exception as e:
        raise UnreadableDocument(f"damaged DOCX (unreadable _rels/.rels: {type(e).__name__})") from None
    for rel in rels.iter(_REL):
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
            if target and not target.startswith(".."):
                return target
    raise UnreadableDocument("damaged DOCX (the package names no main document)")


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# subtrees whose text is not in the document as it reads: deleted and moved-away runs (tracked
# changes, accepted view), the fallback copy of a text box (mc:Fallback repeats mc:Choice), field
# instructions, properties
_SKIP = {_W + "del", _W + "moveFrom", _MC + "Fallback", _W + "instrText", _W + "delText", _W + "rPr",
         _W + "pPr", _W + "sectPr", _W + "tblPr", _W + "trPr", _W + "tcPr", _W + "footnoteReference",
         _W + "endnoteReference", _W + "commentReference"}
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"}


def _inline_text(node, boxes: list) -> str:
    """Text of a paragraph or cell as it reads (tracked changes accepted, field results kept); the
    text boxes it anchors are collected in `boxes`, to be read as paragraphs of their own."""
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "txbxContent":
                boxes.append(child)
            else:
                walk(child)

    walk(node)
    return "".join(out)


def _blocks(container, lines: list[str]) -> None:
    """Paragraphs and tables of a body, cell, text box, footnote or content control, in order."""
    for block in container.iterchildren():
        tag = block.tag
        if tag == _W + "p":
            boxes: list = []
            lines.append(_inline_text(block, boxes))
            for box in boxes:
                _blocks(box, lines)
        elif tag == _W + "tbl":
            for row in block.iterchildren(_W + "tr"):
                boxes = []
                cells = [" ".join(_inline_text(c, boxes).split("\n")).strip() for c in row.iterchildren(_W + "tc")]
                lines.append(" | ".join(cells))
                for box in boxes:
                    _blocks(box, lines)
        elif tag in _CONTAINERS:
            _blocks(block, lines)


_NOTES = {"/footnotes": "footnote", "/endnotes": "endnote"}


def _notes(zf: zipfile.ZipFile, main: str) -> list[str]:
    """Lines of the footnotes and endnotes (the separators Word stores as notes skipped)."""
    from docx.oxml import parse_xml

    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    try:
        rels = parse_xml(zf.read(rels_name))
    except Exception:
        return []
    lines: list[str] = []
    for rel in rels.iter(_REL):
        kind = next((k for suffix, k in _NOTES.items() if (rel.get("Type") or "").endswith(suffix)), None)
        if kind is None or rel.get("TargetMode") == "External":
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(main), rel.get("Target") or ""))
        try:
            root = parse_xml(zf.read(target))
        except Exception:
            continue
        for note in root.iterchildren(_W + kind):
            if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            _blocks(note, lines)
    return lines


def read(path: Path, data: bytes) -> RawDocument:
    """Text of a DOCX: one line per paragraph, one line per table row (cells joined by ` | `), text
    boxes after the paragraph that anchors them, tracked changes accepted (inserted text kept,
    deleted and moved-away text dropped), field results kept, footnotes and endnotes at the end."""
    from docx.oxml import parse_xml

    zf = check_zip(data)
    name = main_part(zf)
    try:
        root = parse_xml(zf.read(name))
    except KeyError:
        raise UnreadableDocument(f"damaged DOCX (its main document {name} is missing)") from None
    except Exception as e:
        raise UnreadableDocument(f"damaged DOCX ({type(e).__name__}: {str(e)[:80]})") from None
    body = root.find(_W + "body")
    if root.tag != _W + "document" or body is None:
        raise UnreadableDocument(f"not a Word document (its main part {name} holds no document body)")
    lines: list[str] = []
    _blocks(body, lines)
    lines.extend(_notes(zf, name))
    return RawDocument(pages=("\n".join(lines),), format="docx", encoding="",
                       page_count=_pages_from_app_xml(zf))
