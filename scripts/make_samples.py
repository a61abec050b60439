#!/usr/bin/env python3
"""Render the sample reports in corpora/samples_src/ into every input format shequ reads.

    python scripts/make_samples.py            # writes corpora/samples/

Each source text becomes one file in corpora/samples/ in the format listed in FORMATS, so the
bundled samples cover PDF (text layer, CID font), DOCX with a table, legacy DOC, GBK TXT, UTF-8
TXT, RTF, HTML with site furniture and Traditional Chinese with pinyin glosses. The .doc needs
LibreOffice (`apt-get install libreoffice-writer-nogui`); without it that file is skipped.
The functions here are also used by the tests to build fixtures.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "corpora" / "samples_src"
OUT = ROOT / "corpora" / "samples"

FORMATS = {
    "01_jingyan_jiaoliu": "txt",      # UTF-8, site furniture and preview fragments
    "02_gongzuo_zongjie": "pdf",      # reportlab STSong-Light CID font, several pages
    "03_huibao_cailiao": "docx",      # with a real table
    "04_chuangjian_fangan": "gbk.txt",
    "05_ziacha_baogao": "doc",        # Word 97 through LibreOffice
    "06_fanti_yijian": "txt",         # Traditional Chinese with pinyin glosses
    "07_shequ_jianjie": "rtf",
    "08_pingan_shequ": "html",        # gb2312-declared page with navigation and footer
    "09_laonian_fuwu": "utf16.txt",
}


def write_pdf(path: Path, lines: list[str], chars_per_line: int = 34, lines_per_page: int = 38) -> None:
    """A PDF with a real Chinese text layer (reportlab's built-in STSong-Light CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(lines[0] if lines else "")
    wrapped: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        while len(line) > chars_per_line:
            wrapped.append(line[:chars_per_line])
            line = line[chars_per_line:]
        wrapped.append(line)
    width, height = A4
    for start in range(0, len(wrapped), lines_per_page):
        c.setFont("STSong-Light", 14)
        y = height - 60
        for line in wrapped[start:start + lines_per_page]:
            c.drawString(60, y, line)
            y -= 19
        c.showPage()
    c.save()


def write_docx(path: Path, lines: list[str]) -> None:
    """A DOCX; runs of lines starting with '|' become a real Word table."""
    import docx

    document = docx.Document()
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, cells in enumerate(rows):
                for k, cell in enumerate(cells):
                    table.cell(r, k).text = cell
            continue
        if lines[i].strip():
            document.add_paragraph(lines[i].strip())
        i += 1
    document.save(str(path))


def write_rtf(path: Path, lines: list[str]) -> None:
    """An RTF file with every non-ASCII character as a \\uN escape."""
    def esc(s: str) -> str:
        out = []
        for ch in s:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                n = ord(ch)
                out.append(f"\\u{n if n < 32768 else n - 65536}?")
        return "".join(out)

    body = "\n".join(f"\\pard {esc(l)}\\par" for l in lines if l.strip())
    path.write_text("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\n" + body + "\n}\n", encoding="ascii")


def write_html(path: Path, lines: list[str]) -> None:
    """A page as saved from a document site: gb2312 declared, navigation, script and footer."""
    import html

    paras = "\n".join(f"<p>{html.escape(l)}</p>" for l in lines if l.strip())
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            f"<title>{html.escape(lines[0])}</title><script>var _hmt=[];</script>"
            "<style>p{margin:0}</style></head><body>"
            "<div class='nav'>首页 | 工作总结 | 汇报材料 | 范文大全</div>"
            f"<div class='content'>{paras}</div>"
            "<div class='footer'>版权所有 © 范文网 保留所有权利</div></body></html>")
    path.write_bytes(page.encode("gb18030"))


def write_doc(path: Path, lines: list[str]) -> bool:
    """A Word 97 .doc via LibreOffice (DOCX first, then converted); False when LibreOffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (path.stem + ".docx")
        write_docx(src, lines)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "doc:MS Word 97", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        shutil.copyfile(Path(tmp) / (path.stem + ".doc"), path)
    return True


def render(stem: str, fmt: str, text: str, out_dir: Path) -> Path | None:
    """Write one source text in one format; returns the path (None when the tool is missing)."""
    lines = text.splitlines()
    ext = fmt.rsplit(".", 1)[-1]
    path = out_dir / f"{stem}.{ext}"
    if fmt == "txt":
        path.write_text(text, encoding="utf-8")
    elif fmt == "gbk.txt":
        path.write_bytes(text.encode("gb18030"))
    elif fmt == "utf16.txt":
        path.write_bytes(text.encode("utf-16"))
    elif fmt == "pdf":
        write_pdf(path, lines)
    elif fmt == "docx":
        write_docx(path, lines)
    elif fmt == "rtf":
        write_rtf(path, lines)
    elif fmt == "html":
        write_html(path, lines)
    elif fmt == "doc":
        if not write_doc(path, lines):
            return None
    else:
        raise ValueError(fmt)
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, fmt in FORMATS.items():
        text = (SRC / f"{stem}.txt").read_text(encoding="utf-8")
        path = render(stem, fmt, text, OUT)
        print(f"{stem}: {path.relative_to(ROOT) if path else 'skipped (install LibreOffice for .doc)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
