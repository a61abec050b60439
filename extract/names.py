"""File names as text: a name whose bytes are not UTF-8 (a GBK name an unzip of a Windows archive
leaves) is kept by Python as surrogate escapes, which no CSV, SQLite or JSON writer takes;
`display_name` writes those bytes as \\xNN, `os_name` turns them back into the name the OS knows."""
from __future__ import annotations

import os
import re

_ESCAPED = re.compile(r"\\x([89a-f][0-9a-f])")


def display_name(path: str | os.PathLike) -> str:
    """A path as text that can be stored anywhere: the bytes of a name that are not UTF-8 written
    as \\xNN (the OS's surrogate escapes made visible); a valid name is unchanged."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        pass
    try:
        raw = s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no OS name gives
        raw = s.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def os_name(name: str) -> str:
    """The inverse of `display_name`: the path as the OS gives it (surrogate escapes)."""
    if "\\x" not in name:
        return name
    return _ESCAPED.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), name)
