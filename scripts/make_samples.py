#!/usr/bin/env python3
"""Render the sample reports in corpora/samples_src/ into every input format shequ reads.

    python scripts/make_samples.py            # writes corpora/samples/

Each source text becomes one file in corpora/samples/ in the format listed in FORMATS, so the
bundled samples cover PDF (text layer, CID font), DOCX with a table, legacy DOC, GBK TXT, UTF-8
TXT, RTF, HTML with site furniture, Traditional Chinese with pinyin glosses, OFD and WPS. The .doc
and .wps need LibreOffice (`apt-get install libreoffice-writer-nogui`); without it they are skipped.
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
    "10_wangge_zhili": "ofd",         # OFD (GB/T 33190), one text object per character, a page template
    "11_zhiyuan_fuwu": "wps",         # WPS Office .wps (Word 97 inside) through LibreOffice
}


def write_pdf(path: Path, lines: list[str], chars_per_line: int = 34, lines_per_page: int = 38,
              font: Path | None = None, marks_last: str = "", table_columns: bool = False) -> None:
    """A PDF with a real Chinese text layer: reportlab's built-in STSong-Light CID font (not
    embedded), or the TrueType `font`, embedded (a subset of it) as office suites write them.
    `marks_last`: characters (“ ”) drawn after the rest of their line, each in its place, as a
    suite does that sets them in a Western font: pdfium then reads them at the line's end.
    `table_columns`: a line of cells ("a | b | c") is drawn as a table row, each cell at its
    column's left edge, with no mark between them (pdfium reads the gaps as single spaces), a cell
    longer than its column going on under itself."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    if font is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        font_name = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(font_name))
    else:
        from reportlab.pdfbase.ttfonts import TTFont

        font_name = "CJKEmbedded"
        if font_name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(font_name, str(font), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(lines[0] if lines else "")
    wrapped: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        while len(line) > chars_per_line and not (table_columns and " | " in line):
            wrapped.append(line[:chars_per_line])
            line = line[chars_per_line:]
        wrapped.append(line)
    width, height = A4
    for start in range(0, len(wrapped), lines_per_page):
        c.setFont(font_name, 14)
        y = height - 60
        for line in wrapped[start:start + lines_per_page]:
            if table_columns and " | " in line:
                wraps = 0  # a cell longer than its column goes on under itself, as in a table
                for k, cell in enumerate(line.split(" | ")):
                    pieces = [cell[i:i + _CELL_CHARS] for i in range(0, len(cell), _CELL_CHARS)] or [""]
                    for n, piece in enumerate(pieces):
                        c.drawString(60 + k * 130, y - 19 * n, piece)
                    wraps = max(wraps, len(pieces) - 1)
                y -= 19 * wraps
            elif marks_last and any(ch in marks_last for ch in line):
                _draw_marks_last(c, line, y, font_name, marks_last)
            else:
                c.drawString(60, y, line)
            y -= 19
        c.showPage()
    c.save()


_CELL_CHARS = 8  # the characters of 14-point text a table column 130 points wide holds


def _draw_marks_last(c, line: str, y: float, font_name: str, marks: str) -> None:
    """Draw `line` at (60, y) as LibreOffice writes a line whose quotation marks come from a
    Western font: the line's text with a space where each mark stands, then one text object
    holding the marks (with spaces between them), each moved to its place."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body, placed, x, run, run_x = c.beginText(), [], 60.0, "", 60.0
    body.setFont(font_name, 14)
    for ch in line:
        if ch in marks:
            placed.append((x, ch))
            body.setTextOrigin(run_x, y)
            body.textOut(run + " ")
            run, x = "", x + stringWidth(ch, font_name, 14)
            run_x = x
        else:
            run += ch
            x += stringWidth(ch, font_name, 14)
    body.setTextOrigin(run_x, y)
    body.textOut(run)
    c.drawText(body)
    # One show-text operator for all the marks, each moved to its place by the array's offsets (in
    # thousandths of the font size), a space after each, as LibreOffice writes them.
    quotes = c.beginText()
    quotes.setFont("Times-Roman", 14)
    quotes.setTextOrigin(placed[0][0], y)
    parts, at = [], placed[0][0]
    for mark_x, ch in placed:
        if mark_x > at:
            parts.append(f"{-(mark_x - at) / 14 * 1000:.1f}")
        parts.append(f"({ch.encode('cp1252').decode('latin-1')}) ( )".replace("\x93", "\\223").replace("\x94", "\\224"))
        at = mark_x + stringWidth(ch + " ", "Times-Roman", 14)
    quotes._code.append("[" + " ".join(parts) + "] TJ")
    c.drawText(quotes)


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


OFD_NS = "http://www.ofdspec.org/2016"


def write_ofd(path: Path, lines: list[str], per_char: bool = True, chars_per_line: int = 36,
              lines_per_page: int = 36, header: str = "", shuffle: bool = True) -> None:
    """A minimal valid OFD package (GB/T 33190): OFD.xml -> Doc_0/Document.xml -> one Content.xml
    per page, A4 in millimetres, paragraphs indented by two characters. `per_char` writes each
    character as its own TextObject (as many converters do), in shuffled order when `shuffle`;
    else one TextObject per line with a DeltaX list in `g N d` form. `header` goes on every page
    through a page template."""
    import random
    import zipfile
    from xml.sax.saxutils import escape

    size, left, top, leading = 4.2, 22.0, 30.0, 6.6
    rows: list[tuple[str, bool]] = []
    for line in (l.strip() for l in lines):
        first = True
        while line:
            n = chars_per_line - (2 if first else 0)
            rows.append((line[:n], first))
            line, first = line[n:], False
    pages = [rows[i:i + lines_per_page] for i in range(0, len(rows), lines_per_page)] or [[]]
    rng = random.Random(0)
    ids = iter(range(1, 10**9))

    def text_object(text: str, x: float, y: float) -> str:
        w = size * len(text)
        return (f'<ofd:TextObject ID="{next(ids)}" Boundary="{x:.2f} {y - size:.2f} {w:.2f} {size * 1.4:.2f}" '
                f'Font="2" Size="{size}"><ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="{size:.2f}"'
                + (f' DeltaX="g {len(text) - 1} {size}"' if len(text) > 1 else "")
                + f">{escape(text)}</ofd:TextCode></ofd:TextObject>")

    def content(objects: list[str]) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}">'
                + ('<ofd:Template TemplateID="100" ZOrder="Background"/>' if header else "")
                + f'<ofd:Content><ofd:Layer ID="{next(ids)}">' + "".join(objects)
                + "</ofd:Layer></ofd:Content></ofd:Page>")

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" '
                   'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>shequ-sample</ofd:DocID>'
                   f'<ofd:Title>{escape(lines[0] if lines else "")}</ofd:Title><ofd:Creator>shequ</ofd:Creator>'
                   '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        page_refs = "".join(f'<ofd:Page ID="{k + 1}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(pages)))
        z.writestr("Doc_0/Document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
                   '<ofd:MaxUnitID>1000000</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                   '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                   + ('<ofd:TemplatePage ID="100" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if header else "")
                   + f"</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
        z.writestr("Doc_0/PublicRes.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res">'
                   '<ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
        if header:
            tpl = [text_object(header, (210 - size * len(header)) / 2, 18.0)]
            z.writestr("Doc_0/Tpls/Tpl_0/Content.xml", content(tpl).replace(
                '<ofd:Template TemplateID="100" ZOrder="Background"/>', ""))
        for k, page in enumerate(pages):
            objects = []
            for r, (row, indented) in enumerate(page):
                y = top + r * leading + size
                x = left + (2 * size if indented else 0)
                if per_char:
                    objects += [text_object(ch, x + i * size, y) for i, ch in enumerate(row)]
                else:
                    objects.append(text_object(row, x, y))
            if shuffle:
                rng.shuffle(objects)
            z.writestr(f"Doc_0/Pages/Page_{k}/Content.xml", content(objects))


def write_wps(path: Path, lines: list[str]) -> bool:
    """A WPS Office .wps: Word 97 binary inside, as WPS Office writes it (via LibreOffice; False
    when LibreOffice is missing)."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / (path.stem + ".doc")
        if not write_doc(doc, lines):
            return False
        shutil.copyfile(doc, path)
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
    elif fmt == "ofd":
        write_ofd(path, lines, lines_per_page=22)
    elif fmt == "wps":
        if not write_wps(path, lines):
            return None
    else:
        raise ValueError(fmt)
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, fmt in FORMATS.items():
        text = (SRC / f"{stem}.txt").read_text(encoding="utf-8")
        path = render(stem, fmt, text, OUT)
        print(f"{stem}: {path.relative_to(ROOT) if path else 'skipped (install LibreOffice for .doc/.wps)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
