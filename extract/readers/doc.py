"""Legacy Word 97-2003 `.doc` through external converters: antiword, then catdoc, then
LibreOffice headless. Install one with `apt-get install antiword catdoc` (Debian/Ubuntu)."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingTool, UnreadableDocument
from ..records import TABLE_CELL_MARK, RawDocument

TIMEOUT_S = 60


def _run(cmd: list[str]) -> str | None:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def _antiword(path: Path) -> str | None:
    exe = shutil.which("antiword")
    text = _run([exe, "-w", "0", "-m", "UTF-8.txt", str(path)]) if exe else None
    return _ROW.sub(_row, text) if text else text


_ROW = re.compile(r"^\|(.*)\|[ \t]*$", re.M)  # antiword's table row: |社区   |420   |


def _row(m: re.Match) -> str:
    """An antiword table row with its cells joined by the table cell mark, their padding dropped
    (padding of two or more spaces would split the row into lines when the text is normalised)."""
    return TABLE_CELL_MARK.join(c.strip() for c in m.group(1).split("|"))


def _catdoc(path: Path) -> str | None:
    exe = shutil.which("catdoc")
    return _run([exe, "-w", "-d", "utf-8", str(path)]) if exe else None


def _libreoffice(path: Path) -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None
    with tempfile.TemporaryDirectory() as out:
        if _run([exe, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to",
                 "txt:Text (encoded):UTF8", "--outdir", out, str(path)]) is None:
            pass
        produced = Path(out) / (path.stem + ".txt")
        return produced.read_text(encoding="utf-8-sig", errors="replace") if produced.exists() else None


def available_tools() -> list[str]:
    """Names of the installed converters, in the order they are tried."""
    return [n for n in ("antiword", "catdoc", "soffice") if shutil.which(n)]


def read(path: Path, data: bytes) -> RawDocument:
    """Text of a Word 97 document from the first converter that succeeds."""
    tools = available_tools()
    if not tools:
        raise MissingTool("legacy .doc needs antiword, catdoc or LibreOffice: apt-get install antiword catdoc")
    for name, convert in (("antiword", _antiword), ("catdoc", _catdoc), ("libreoffice", _libreoffice)):
        text = convert(path)
        if text and text.strip():
            return RawDocument(pages=tuple(text.split("\f")), format="doc", encoding=name)
    raise UnreadableDocument(f"damaged .doc: {', '.join(tools)} could not read it")
