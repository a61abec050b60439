"""RTF through striprtf (Chinese RTF escapes \\'xx bytes in the document's ANSI code page).

Raw 8-bit bytes (a writer that puts GBK in the file unescaped) are read as the \\'xx escapes they
stand for; when the declared code page leaves replacement characters (a GBK file declaring
\\ansicpg1252, or none), the code page of the fonts (\\fcharset134 GB2312, 136 Big5) and then
GB18030, Big5 and UTF-8 are tried, as GB18030 and Big5 are when a Western code page turned the
text into Latin-1 letters (ÉçÇø for 社区); a text still mostly undecodable is refused, not passed
on as U+FFFD."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import RawDocument
from ..resources import load_toml
from .txt import _mostly_common_cjk

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_ANSICPG_TEXT = re.compile(r"\\ansicpg\d+")  # its delimiter stays: it ends \\ansi
_FCHARSET = re.compile(rb"\\fcharset(\d+)")
_RAW_8BIT = re.compile(rb"[\x80-\xff]")
_CODEPAGES = {936: "gb18030", 950: "big5hkscs", 65001: "utf-8"}
_CHARSETS = {134: "gb18030", 136: "big5hkscs"}  # \fcharset: GB2312, Big5


def _text(source: str, encoding: str, declared: bool = True) -> str:
    """The text in `encoding`; `declared=False` to override the file's \\ansicpg (striprtf obeys it)."""
    from striprtf.striprtf import rtf_to_text

    if not declared:
        source = _ANSICPG_TEXT.sub("", source)
    try:
        return rtf_to_text(source, encoding=encoding, errors="replace")
    except Exception as e:
        raise UnreadableDocument(f"damaged RTF ({type(e).__name__})") from None


def _looks_misdecoded(text: str) -> bool:
    """True when most of the text's non-ASCII characters are Latin-1 letters and signs: GBK bytes
    read in a Western code page (ÉçÇø for 社区)."""
    high = [ch for ch in text if ord(ch) > 127]
    return len(high) >= 4 and sum(ord(ch) < 0x100 for ch in high) > 0.8 * len(high)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


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
            other = _text(source, enc, declared=False)
            if other.count("\ufffd") < text.count("\ufffd"):
                text, encoding = other, enc
    elif encoding not in _CHARSETS.values() and _looks_misdecoded(text):
        for enc in ("gb18030", "big5hkscs"):
            other = _text(source, enc, declared=False)
            if "\ufffd" not in other and _has_cjk(other) and _mostly_common_cjk(other):
                text, encoding = other, enc
                break
    bad = text.count("\ufffd")
    if bad >= 3 and bad > load_toml("limits.toml")["rtf_max_replaced"] * len(text.strip()):
        raise UnreadableDocument(f"RTF text in an unknown encoding ({bad} characters cannot be decoded)")
    return RawDocument(pages=(text,), format="rtf", encoding=encoding)
