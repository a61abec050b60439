"""DOCX: paragraphs and tables in document order (python-docx's `doc.paragraphs` skips tables),
text boxes, content controls, tracked changes as accepted, field results, footnotes and endnotes.

Only the main document part is parsed (with python-docx's own XML parser, which resolves no
entities): opening the whole package with `docx.Document` parses styles, numbering, settings and
every other part, and cost 11 ms a file against 1 ms. The zip is bounded (`BoundedZip`): the
bytes actually inflated from the parts parsed are counted as they are read, and reading stops
past `MAX_UNCOMPRESSED` or past `MAX_RATIO` times the file's size (a zip bomb, whatever sizes its
headers declare); media are never read, so a DOCX full of photos is not refused for them."""
from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from pathlib import Path

from ..errors import ExtractError, LimitExceeded, UnreadableDocument
from ..records import TABLE_CELL_MARK, RawDocument
from ..resources import load_toml

_LIMITS = load_toml("limits.toml")
MAX_UNCOMPRESSED = _LIMITS["zip_parsed_mb"] * 1024 * 1024  # bytes inflated from the parts parsed (not media)
MAX_RATIO = _LIMITS["zip_max_ratio"]  # bytes inflated per compressed byte, past _RATIO_FROM inflated
_RATIO_FROM = _LIMITS["zip_ratio_from_mb"] * 1024 * 1024
_CHUNK = 1 << 20
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSED = (".xml", ".rels")  # the parts a reader parses: what the limits count


class BoundedZip(zipfile.ZipFile):
    """A zip whose `read` inflates a part itself from its local header, counting the bytes it
    actually inflates and the compressed bytes it consumes (whatever the headers declare), and
    stops past the limit, or past MAX_RATIO bytes inflated per compressed byte."""

    def __init__(self, data: bytes, limit: int, kind: str):
        super().__init__(io.BytesIO(data))
        self.data, self.limit, self.kind, self.inflated, self.consumed = data, limit, kind, 0, 0

    def check(self, total: int, declared: bool = False, packed: int | None = None) -> None:
        """Refuse `total` bytes (inflated so far, or declared) past the limit or the ratio."""
        says = "declares" if declared else "decompresses to"
        if total > self.limit:
            raise LimitExceeded(f"{self.kind} {says} {total / 2**20:.0f} MB (limit {self.limit // 2**20} MB): "
                                "refused as a possible zip bomb")
        if packed is not None and total > _RATIO_FROM and total > MAX_RATIO * max(packed, 1):
            raise LimitExceeded(f"{self.kind} decompresses {packed / 2**10:.0f} KB into over {total / 2**20:.0f} MB "
                                f"(more than {MAX_RATIO} times): refused as a possible zip bomb")

    def read(self, name, pwd=None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.flag_bits & 0x1:
            raise UnreadableDocument(f"encrypted {self.kind} (part {info.filename}): cannot be read")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return self._read_other(info, pwd)
        data, off = self.data, info.header_offset
        if data[off:off + 4] != b"PK\x03\x04":
            raise UnreadableDocument(f"damaged {self.kind} (part {info.filename} has no local header)")
        n, m = struct.unpack("<HH", data[off + 26:off + 30])
        start = off + 30 + n + m
        if info.compress_type == zipfile.ZIP_STORED:
            part = data[start:start + info.compress_size]
            self.inflated += len(part)
            self.consumed += len(part)
            self.check(self.inflated)
            return part
        d = zlib.decompressobj(-15)
        chunks: list[bytes] = []
        pos, pending, total = start, b"", 0
        while not d.eof:
            if not pending:
                if pos >= len(data):
                    break  # truncated: what was inflated is kept
                pending, pos = data[pos:pos + _CHUNK], pos + _CHUNK
            try:
                piece = d.decompress(pending, _CHUNK)
            except zlib.error as e:
                raise UnreadableDocument(f"damaged {self.kind} (part {info.filename}: {e})") from None
            pending = d.unconsumed_tail
            packed = min(pos, len(data)) - start - len(pending)
            total += len(piece)
            self.inflated += len(piece)
            self.check(total, packed=packed)  # this part
            self.check(self.inflated, packed=self.consumed + packed)  # and every part read so far
            chunks.append(piece)
        self.consumed += min(pos, len(data)) - start - len(pending) - len(d.unused_data)
        return b"".join(chunks)

    def _read_other(self, info: zipfile.ZipInfo, pwd) -> bytes:
        """A part compressed otherwise (bzip2, lzma): zipfile's reader, its output counted."""
        chunks: list[bytes] = []
        with self.open(info, pwd=pwd) as f:
            while chunk := f.read(_CHUNK):
                self.inflated += len(chunk)
                self.check(self.inflated)
                chunks.append(chunk)
        return b"".join(chunks)


def check_zip(data: bytes, limit: int | None = None, kind: str = "DOCX") -> BoundedZip:
    """Open a zip whose reads are bounded (`BoundedZip`), refusing it at once when the parts it
    would parse (XML, not the media) declare more than the limit (`kind` names the format in the
    error: DOCX, OFD). Declared sizes only refuse early: the limit holds on what is inflated."""
    try:
        zf = BoundedZip(data, MAX_UNCOMPRESSED if limit is None else limit, kind)
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise UnreadableDocument(f"damaged {kind} (not a readable zip: {e})") from None
    zf.check(sum(i.file_size for i in infos if i.filename.lower().endswith(_PARSED)), declared=True)
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
    except ExtractError:
        raise
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
            if tag == _W + "t":  # an entity reference left unresolved keeps the text after it (its tail)
                out.append((child.text or "") + "".join(c.tail or "" for c in child))
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
                lines.append(TABLE_CELL_MARK.join(cells))
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
    except ExtractError:
        raise
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
        except ExtractError:
            raise
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
    except ExtractError:
        raise
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
