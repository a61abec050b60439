"""Plain text in any of the encodings reports arrive in: UTF-8 (with or without BOM), GBK/GB2312
(decoded as its superset GB18030), UTF-16 with or without BOM, Big5, detected by charset-normalizer
when the file is not strict UTF-8."""
from __future__ import annotations

import codecs
import functools
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import UnreadableDocument
from ..records import RawDocument
from ..resources import load_toml

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Decoders that are supersets of what detectors report (a GBK file often has GB18030-only bytes).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030",
              "big5": "big5hkscs", "cp950": "big5hkscs", "ascii": "utf-8"}


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is mostly zero (ASCII-heavy UTF-16) or the
    decode yields mostly CJK; else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4000]
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
        if text and cjk / len(text) > 0.6 and "\x00" not in text:
            return enc
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of text: (text, encoding name), stray NUL characters dropped. Raises
    UnreadableDocument when no encoding fits."""
    text, enc = _decode(data)
    return text.replace("\x00", ""), enc


def _decode(data: bytes) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc.replace("-sig", "")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    enc16 = _utf16_without_bom(data)
    if enc16:
        return data.decode(enc16, errors="replace"), enc16
    # Chinese legacy encodings first: GB18030 decodes almost any GBK file strictly.
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and _mostly_common_cjk(text):
            return text, enc
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise UnreadableDocument("cannot tell the text encoding (not UTF-8, GBK, UTF-16 or Big5)")
    enc = _SUPERSETS.get(best.encoding, best.encoding)
    return data.decode(enc, errors="replace"), enc


def _mostly_common_cjk(text: str) -> bool:
    """True when a GB18030 decode looks like Chinese prose rather than mis-decoded Big5."""
    cjk = [ch for ch in text[:20000] if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return True
    common_chars, min_share = _common()
    common = sum(ch in common_chars for ch in cjk)
    return common / len(cjk) > min_share


@functools.cache
def _common() -> tuple[frozenset[str], float]:
    """The common characters of report prose and the share a GB18030 decode needs ([gb18030] of
    corpora/txt.toml)."""
    g = load_toml("txt.toml")["gb18030"]
    return frozenset(g["common_chars"].replace("\n", "")), g["min_common_share"]


def looks_like_text(data: bytes) -> bool:
    """True for bytes that decode as text (few control characters) in some encoding we read."""
    if not data:
        return True
    sample = data[:8192]
    if _utf16_without_bom(data) or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    nul = sample.count(0)  # a stray NUL or two (a copy gone wrong) does not make a report binary
    if nul > 4 and nul > len(sample) // 1000:
        return False
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in sample)
    if controls / len(sample) > 0.01:
        return False
    for enc in ("utf-8", "gb18030", "big5hkscs"):
        try:
            sample.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(sample) - 4:  # cut inside a multibyte character
                return True
    return from_bytes(sample).best() is not None


def read(path: Path, data: bytes) -> RawDocument:
    """A text file as one page (form feeds, if any, start new pages)."""
    text, enc = decode(data)
    return RawDocument(pages=tuple(text.split("\f")), format="txt", encoding=enc)
