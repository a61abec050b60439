"""RTF through striprtf (Chinese RTF escapes \\'xx bytes in the document's ANSI code page)."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from ..records import RawDocument

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")


def read(path: Path, data: bytes) -> RawDocument:
    """Plain text of an RTF file."""
    from striprtf.striprtf import rtf_to_text

    m = _ANSICPG.search(data[:2000])
    codepage = int(m.group(1)) if m else 936
    encoding = {936: "gb18030", 950: "big5hkscs", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
    try:
        source = data.decode("ascii", errors="replace")
        text = rtf_to_text(source, encoding=encoding, errors="replace")
    except Exception as e:
        raise UnreadableDocument(f"damaged RTF ({type(e).__name__})") from None
    return RawDocument(pages=(text,), format="rtf", encoding=encoding)
