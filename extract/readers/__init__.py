"""Readers: one module per format, each `read(path, data) -> RawDocument`, chosen by content.

`sniff(data, suffix)` names the format from the file's first bytes (the extension only breaks
ties), so a `.doc` that is really HTML, RTF or DOCX is read as what it is.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from pathlib import Path

from ..errors import ExtractError, LimitExceeded, UnsupportedFormat
from ..records import RawDocument
from ..resources import load_toml
from . import doc, docx, html, ocr, ofd, pdf, rtf, txt, wps

_LIMITS = load_toml("limits.toml")
MAX_FILE_BYTES = _LIMITS["file_mb"] * 1024 * 1024
MAX_TEXT_CHARS = int(_LIMITS["text_million_chars"] * 1_000_000)

READERS = {
    "pdf": pdf.read,
    "docx": docx.read,
    "doc": doc.read,
    "html": html.read,
    "rtf": rtf.read,
    "txt": txt.read,
    "ofd": ofd.read,
    "wps": wps.read,
    "png": lambda path, data: ocr.read_image(path, data, "png"),
    "jpeg": lambda path, data: ocr.read_image(path, data, "jpeg"),
    "tiff": lambda path, data: ocr.read_image(path, data, "tiff"),
}

_BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif image",
    b"\x1f\x8b": "gzip archive", b"Rar!": "rar archive", b"7z\xbc\xaf": "7z archive",
    b"\x7fELF": "executable", b"MZ": "executable", b"II*\x00": "tiff", b"MM\x00*": "tiff",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of a file from its content: pdf, docx, doc, wps, ofd, html, rtf, txt, png, jpeg,
    tiff, or a description of an unsupported type (`xlsx workbook`, `gif image`, `binary data`).
    A `.wps` file is what its content is (DOCX and RTF inside are read as such); a Word 97 or
    WPS binary one is `wps`."""
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "docx" if suffix == ".docx" else "zip archive"
        if "OFD.xml" in names:
            return "ofd"
        if "word/document.xml" in names or ("_rels/.rels" in names and any(
                n.startswith("word/") and n.endswith(".xml") for n in names)):
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx workbook"
        if "ppt/presentation.xml" in names:
            return "pptx presentation"
        return "zip archive"
    if head.startswith(_OLE):
        if suffix == ".wps":
            return "wps"
        return "doc" if suffix not in {".xls", ".ppt"} else f"legacy {suffix[1:]} file"
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    low = stripped[:2048].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower() \
            or low.startswith((b"<!doctype html", b"<html", b"<head", b"<meta")):
        return "html"
    for sig, name in _BINARY_SIGNATURES.items():
        if head.startswith(sig):
            return name
    if txt.looks_like_text(data):
        if suffix in {".html", ".htm"} and b"<" in head:
            return "html"
        return "txt"
    if suffix == ".wps":
        return "wps"  # an older WPS format: LibreOffice, if installed, may read it
    return "binary data"


_NOT_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _not_a_file(path: Path, st: os.stat_result) -> ExtractError | None:
    """The error of a path that is not a regular file (None for a regular file)."""
    for test, what in _NOT_FILES:
        if test(st.st_mode):
            return UnsupportedFormat(f"not a file: {what}, not read")
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
        except OSError as e:
            return ExtractError(f"a folder that cannot be read ({e.strerror or e}): its files are not listed")
        target, parent = os.path.realpath(path), os.path.realpath(os.path.dirname(os.path.abspath(path)))
        if os.path.islink(path) and (parent == target or parent.startswith(target.rstrip(os.sep) + os.sep)):
            return ExtractError("a link to a folder above it (a loop): not followed")
        return UnsupportedFormat("a folder, not a file")
    return None if stat.S_ISREG(st.st_mode) else UnsupportedFormat("not a regular file, not read")


def _stat_error(path: Path, e: OSError) -> ExtractError:
    if e.errno == errno.ELOOP:
        return ExtractError("a symbolic link loop (the link leads back to itself): not followed")
    if e.errno == errno.ENOENT and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        from ..names import display_name

        return ExtractError(f"a dangling symbolic link (its target {display_name(target)} does not exist)")
    return ExtractError(f"cannot open file: {e.strerror or e}")


def read_file(path: Path) -> bytes:
    """The bytes of a regular file, refused past MAX_FILE_BYTES (counted while reading, not taken
    from the size the file system reports). A FIFO, a device, a socket, a folder, a link loop or a
    dangling link is never opened: an ExtractError says what it is."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise _stat_error(path, e) from None
    err = _not_a_file(path, st)
    if err is not None:
        raise err
    if st.st_size > MAX_FILE_BYTES:
        raise LimitExceeded(f"file is {st.st_size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit")
    try:  # O_NONBLOCK: a FIFO swapped in since the stat cannot block the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _stat_error(path, e) from None
    with os.fdopen(fd, "rb") as f:
        err = _not_a_file(path, os.fstat(fd))
        if err is not None:
            raise err
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise LimitExceeded(f"file is over the {MAX_FILE_BYTES // 2**20} MB limit")
    return data


def read(path: Path, data: bytes | None = None, fmt: str | None = None) -> RawDocument:
    """Read one file into page texts, choosing the reader by content. `data` and `fmt`, when the
    caller already has them, save reading and sniffing the file again."""
    path = Path(path)
    if data is None:
        data = read_file(path)
    fmt = fmt or sniff(data, path.suffix.lower())
    reader = READERS.get(fmt)
    if reader is None:
        raise UnsupportedFormat(f"unsupported format ({fmt}); shequ reads PDF, OFD, DOCX, DOC, WPS, RTF, HTML, TXT "
                                "and, with the OCR extra, PNG, JPEG and TIFF images")
    return reader(path, data)
