"""WPS Office `.wps` files, read by what their content is.

WPS Office writes `.wps` as a Word 97 binary file (an OLE compound file with a `WordDocument`
stream), so most are read like a legacy `.doc` (antiword, catdoc, LibreOffice); a `.wps` that is
really DOCX or RTF never gets here (`sniff` sends it to those readers). What is left, an OLE file
without a Word stream (Microsoft Works, older WPS versions) or another binary format, is given to
LibreOffice as the last resort, with a clear error when it is missing or fails."""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import MissingTool, UnreadableDocument
from ..records import RawDocument
from ..resources import load_toml
from . import doc

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def is_word97(data: bytes) -> bool:
    """True for an OLE compound file that holds a Word document stream (its directory entry name,
    stored as UTF-16, is in the file)."""
    return data.startswith(_OLE) and _WORD_STREAM in data


_PLAIN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u2027\x20-\x7e\s]")


def plausible(text: str) -> bool:
    """True when a converter's output reads like a report, not like bytes taken for UTF-16."""
    share = len(_PLAIN.findall(text)) / max(1, len(text))
    return share >= float(load_toml("formats.toml")["wps"]["min_plain_share"])


def read(path: Path, data: bytes) -> RawDocument:
    """Text of a `.wps` file; `encoding` names the converter that read it."""
    if is_word97(data):
        with tempfile.TemporaryDirectory() as tmp:
            # the converters and LibreOffice's filter detection take a Word file by its name
            copy = Path(tmp) / (Path(path).stem + ".doc")
            copy.write_bytes(data)
            try:
                raw = doc.read(copy, data)
            except MissingTool:
                raise MissingTool("a .wps file (Word 97 format inside) needs antiword, catdoc or LibreOffice: "
                                  "apt-get install antiword catdoc") from None
            except UnreadableDocument:
                raise UnreadableDocument("damaged .wps file (Word 97 format inside): "
                                         f"{', '.join(doc.available_tools())} could not read it") from None
        return replace(raw, format="wps")
    if not shutil.which("soffice") and not shutil.which("libreoffice"):
        raise MissingTool("this .wps file is not in Word 97 format (an older WPS or Works file): "
                          "install LibreOffice to read it (apt-get install libreoffice-writer-nogui)")
    text = doc._libreoffice(Path(path))
    if not text or not text.strip() or not plausible(text):
        raise UnreadableDocument("LibreOffice could not read this .wps file (not Word 97, DOCX or RTF inside)")
    return RawDocument(pages=tuple(text.split("\f")), format="wps", encoding="libreoffice")
