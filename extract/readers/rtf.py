"""RTF through striprtf (Chinese RTF escapes \\'xx bytes in the document's ANSI code page).

Raw 8-bit bytes (a writer that puts GBK in the file unescaped) are read as the \\'xx escapes they
stand for; when the declared code page leaves replacement characters (a GBK file declaring
\\ansicpg1252, or none), the code page of the fonts (\\fcharset134 GB2312, 136 Big5) and then
GB18030, Big5 and UTF-8 are tried; a text still mostly undecodable is refused, not passed on as
U+FFFD."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import RawDocument

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_FCHARSET = re.compile(rb"\\fcharset(\d+)")
_RAW_8BIT = re.compile(rb"[\x80-\xff]")
_CODEPAGES = {936: "gb18030", 950: "big5hkscs", 65001: "utf-8"}
_CHARSETS = {134: "gb18030", 136: "big5hkscs"}  # \fcharset: GB2312, Big5
_MAX_REPLACED = 0.01  # share of characters left as U+FFFD past which the text is refused


def _text(source: str, encoding: str) -> str:
    from striprtf.striprtf import rtf_to_text

    try:
        return rtf_to_text(source, encoding=encoding, errors="replace")
    except Exception as e:
        raise UnreadableDocument(f"damaged RTF ({type(e).__name__})") from None


def read(path: Path, data: bytes) -> RawDocument:
    """Plain text of an RTF file."""
    m = _ANSICPG.search(data[:2000])
    codepage = int(m.group(1)) if m else 936
    declared = _CODEPAGES.get(codepage, f"cp{codepage}")
    source = _RAW_8BIT.sub(lambda b: b"\\'%02x" % b[0][0], data).decode("ascii", errors="replace")
    text, encoding = _text(source, declared), declared
    if "\ufffd" in text:
        fonts = [_CHARSETS[int(c)] for c in _FCHARSET.findall(data[:20000]) if int(c) in _CHARSETS]
        for enc in dict.fromkeys([*fonts, "gb18030", "big5hkscs", "utf-8"]):
            if enc == declared:
                continue
            other = _text(source, enc)
            if other.count("\ufffd") < text.count("\ufffd"):
                text, encoding = other, enc
    bad = text.count("\ufffd")
    if bad >= 3 and bad > _MAX_REPLACED * len(text.strip()):
        raise UnreadableDocument(f"RTF text in an unknown encoding ({bad} characters cannot be decoded)")
    return RawDocument(pages=(text,), format="rtf", encoding=encoding)
