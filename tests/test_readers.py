"""Every reader on files we generate, and the bad inputs a batch must survive."""
from __future__ import annotations

import os
import shutil
import zipfile

import pytest

import extract
from extract import readers
from extract.errors import LimitExceeded
from extract.readers import docx as docx_reader

from helpers import REPORT_LINES, SAMPLES, make_samples


def test_pdf_text_layer_read_by_both_readers(make_pdf):
    path = make_pdf()
    doc = extract.read(path)
    assert doc.status == "ok" and doc.format == "pdf" and doc.pages == 1
    assert "下辖8个社区、3个行政村" in doc.text
    from extract.readers.pdf import _read_pdfplumber

    plumber = "".join(_read_pdfplumber(path)).replace("\n", "").replace(" ", "")
    assert "下辖8个社区、3个行政村" in plumber


def test_pdf_lines_wrapped_inside_a_number_are_joined(make_pdf):
    # 12 characters a line wraps "860万元" and "4.2万人" across lines and pages
    path = make_pdf(chars_per_line=12, lines_per_page=5)
    doc = extract.read(path)
    assert doc.pages > 2
    assert "全年投入社区建设资金860万元" in doc.text
    assert "常住人口4.2万人" in doc.text
    assert {s.page for s in doc.sentences} >= {1, 2, 3}


def test_pdf_page_numbers_follow_sentences(make_pdf):
    doc = extract.read(make_pdf(lines_per_page=3))
    def page_of(fragment):
        return next(s.page for s in doc.sentences if fragment in s.text)

    assert page_of("青石街道2022年") == 1
    assert page_of("全年投入社区建设资金") == 2
    assert page_of("组建志愿服务队") == 3  # its sentence starts on page 3 (建成居家养老…)


def test_docx_keeps_tables_in_document_order(make_docx):
    lines = ["前言段落", "| 功能用房 | 面积（平方米） |", "| 党员活动室 | 60 |", "结尾段落有2个社区"]
    doc = extract.read(make_docx(lines))
    assert doc.status == "ok"
    order = [doc.text.find(s) for s in ("前言段落", "党员活动室 | 60", "结尾段落")]
    assert -1 not in order and order == sorted(order)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "big5"])
def test_txt_encodings(tmp_path, encoding):
    text = "社區建設：全區共有52個社區，投入經費1200萬元。" if encoding == "big5" else "\n".join(REPORT_LINES)
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    doc = extract.read(path)
    assert doc.status == "ok"
    assert ("全区共有52个社区" in doc.text) if encoding == "big5" else ("下辖8个社区" in doc.text)


def test_html_declared_gb2312_drops_navigation_and_scripts(tmp_path):
    path = tmp_path / "page.html"
    make_samples.write_html(path, REPORT_LINES)
    doc = extract.read(path)
    assert doc.status == "ok" and doc.encoding == "gb18030"
    assert "下辖8个社区" in doc.text
    assert "_hmt" not in doc.text and "范文大全" not in doc.text and "版权所有" not in doc.text


def test_html_data_tables_keep_their_cells_and_layout_tables_their_text(tmp_path):
    path = tmp_path / "page.html"
    article = "桐林街道下辖9个社区，全年投入社区建设资金860万元。" * 3  # a page laid out in a table
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>导航</td>"
        f"<td><p>{article}</p><table><tr><th>社区</th><th>面积（平方米）</th></tr>"
        "<tr><td><p>桐林社区</p></td><td>420</td></tr><tr><td>枫桥社区</td><td>260</td></tr>"
        "<tr><td>东关<b>社区</b></td><td>120<br>80</td></tr></table>"
        "</td></tr></table></body></html>", encoding="utf-8")
    doc = extract.read(path)
    assert "桐林社区 | 420" in doc.text and "枫桥社区 | 260" in doc.text
    assert article in doc.text.replace("\n", "")
    from extract.figures import find_figures

    assert "东关社区 | 120 80" in doc.text  # two numbers in a cell stay two, never 12080
    assert [(f.value, f.unit) for f in find_figures(doc.text) if f.rule.startswith("table")] == [(420, "m2"), (260, "m2")]


def test_antiword_table_rows_become_rows_of_cells():
    from extract.readers.doc import _ROW, _row

    text = "用房情况如下：\n|社区        |面积（平方米）  |\n|桐林社区    |420             |\n合计2个。\n"
    assert _ROW.sub(_row, text) == "用房情况如下：\n社区 | 面积（平方米）\n桐林社区 | 420\n合计2个。\n"


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("antiword")), reason="needs LibreOffice and antiword")
def test_legacy_doc_table_keeps_its_cells(tmp_path):
    path = tmp_path / "t.doc"
    table = ["各社区用房如下：", "|社区|面积（平方米）|", "|桐林社区|420|", "|枫桥社区|260|"]
    make_samples.write_doc(path, list(REPORT_LINES) + table)  # antiword needs more than a few lines
    doc = extract.read(path)
    assert "桐林社区 | 420" in doc.text and "枫桥社区 | 260" in doc.text


def test_rtf(tmp_path):
    path = tmp_path / "r.rtf"
    make_samples.write_rtf(path, REPORT_LINES)
    doc = extract.read(path)
    assert doc.status == "ok" and doc.format == "rtf" and "下辖8个社区" in doc.text


@pytest.mark.skipif(not any(shutil.which(t) for t in ("antiword", "catdoc", "soffice")),
                    reason="no .doc converter installed (apt-get install antiword catdoc)")
def test_legacy_doc_sample():
    doc = extract.read(SAMPLES / "05_ziacha_baogao.doc")
    assert doc.status == "ok" and doc.format == "doc"
    assert "杏林社区" in doc.text


def test_doc_extension_that_is_really_html_or_docx(tmp_path, make_docx):
    html = tmp_path / "really_html.doc"
    make_samples.write_html(html, REPORT_LINES)
    assert extract.read(html).format == "html"
    d = make_docx()
    fake = tmp_path / "really_docx.doc"
    fake.write_bytes(d.read_bytes())
    doc = extract.read(fake)
    assert doc.format == "docx" and doc.status == "ok"


def test_every_bundled_sample_reads_ok():
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".doc", ".wps") and not any(shutil.which(t) for t in ("antiword", "catdoc", "soffice")):
            continue
        doc = extract.read(path)
        assert doc.status == "ok", (path, doc.error)
        assert doc.title and doc.chars > 500


# --- bad inputs -------------------------------------------------------------------------------

def test_zero_byte_file(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    doc = extract.read(p)
    assert doc.status == "empty" and "0 bytes" in doc.error


@pytest.mark.parametrize("name", ["random.pdf", "random.docx", "random.bin"])
def test_random_bytes(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(os.urandom(4096))
    doc = extract.read(p)
    assert doc.status == "unsupported" and doc.error.startswith("unsupported format (binary data)")
    assert "\n" not in doc.error


def test_truncated_pdf(tmp_path, make_pdf):
    data = make_pdf().read_bytes()
    p = tmp_path / "truncated.pdf"
    p.write_bytes(data[: len(data) // 3])
    doc = extract.read(p)
    assert doc.status == "error" and doc.error.startswith("damaged or truncated PDF")


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    p = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(p), encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    c.drawString(100, 700, "locked")
    c.save()
    doc = extract.read(p)
    assert doc.status == "error" and "encrypted" in doc.error


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    c.rect(100, 100, 300, 300, fill=1)  # an image-like page: no text at all
    c.save()
    doc = extract.read(p)
    assert doc.status == "no_text_layer" and "OCR" in doc.error


def test_docx_zip_bomb_is_refused_without_inflating(tmp_path):
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(docx_reader.MAX_UNCOMPRESSED // len(chunk) + 8):
                f.write(chunk)
    assert p.stat().st_size < 2_000_000
    doc = extract.read(p)
    assert doc.status == "error" and "zip bomb" in doc.error
    with pytest.raises(LimitExceeded):
        docx_reader.check_zip(p.read_bytes())


def test_binary_file_is_unsupported(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"GIF89a" + os.urandom(200))  # PNG, JPEG and TIFF are read by OCR (test_ocr.py)
    doc = extract.read(p)
    assert doc.status == "unsupported" and "gif image" in doc.error


def test_wrong_extension_pdf_named_txt(tmp_path, make_pdf):
    p = tmp_path / "report.txt"
    p.write_bytes(make_pdf().read_bytes())
    doc = extract.read(p)
    assert doc.format == "pdf" and doc.status == "ok"


def test_xlsx_is_unsupported_with_its_type(tmp_path):
    p = tmp_path / "table.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    doc = extract.read(p)
    assert doc.status == "unsupported" and "xlsx" in doc.error


def test_sniff_by_content():
    assert readers.sniff(b"%PDF-1.7\n...") == "pdf"
    assert readers.sniff(b"{\\rtf1\\ansi ...}") == "rtf"
    assert readers.sniff(b"<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert readers.sniff("全区52个社区".encode("gb18030")) == "txt"
    assert readers.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".doc") == "doc"


def test_pdfium_stray_quotes_go_back_into_their_gaps():
    from extract.readers.pdf import restore_quotes

    assert restore_quotes("工作的需要,按照 理顺关系、多元参 “") == "工作的需要,按照“理顺关系、多元参"
    assert restore_quotes("文明和谐 的工作思路 ” ,在全区") == "文明和谐”的工作思路 ,在全区"
    assert restore_quotes("第 4 页") == "第 4 页"  # no stray mark: unchanged
    assert restore_quotes("甲 乙 丙 “") == "甲 乙 丙 “"  # marks and gaps do not pair up: unchanged


def test_pdf_marks_drawn_after_their_line_are_read_in_place(make_pdf):
    # LibreOffice sets “ ” in a Western font, in a text object of their own: pdfium reads them
    # away from their words, with spaces left where they belong
    lines = ["按照“三个到位”的要求，街道建成“红色驿站”9个、“邻里中心”3个。",
             "社区工作者“持证上岗”率达到82%，列全区第1位。"]
    path = make_pdf(lines=lines, marks_last="“”")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    drawn = pdf[0].get_textpage().get_text_range()
    pdf.close()
    assert lines[0] not in drawn.replace(" ", "")  # the file does read out of order
    doc = extract.read(path)
    assert lines[0] in doc.text and lines[1] in doc.text
    from extract.figures import find_figures

    assert [f.counted for f in find_figures(doc.text) if f.unit == "个"] == ["红色驿站", "邻里中心"]


def test_pdf_table_cells_apart_on_the_page_are_read_as_a_table(make_pdf):
    lines = ["各社区服务用房情况如下：", "社区 | 用房（间） | 面积（平方米） | 投资（万元）",
             "桐林社区 | 6 | 420 | 85", "枫桥社区 | 4 | 260 | 37.5", "社区用房总面积680平方米。",
             "站点 | 面积（平方米） | 用途", "桐林驿站 | 120 | 助餐、文体、托管服务", "枫桥驿站 | 95 | 托管", "工 | 作 | 总 | 结"]
    path = make_pdf(lines=lines, table_columns=True)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    drawn = pdf[0].get_textpage().get_text_range()
    pdf.close()
    assert "|" not in drawn  # nothing but the gaps says where a cell ends
    doc = extract.read(path)
    assert "桐林社区 | 6 | 420 | 85" in doc.text
    from extract.figures import find_figures

    cells = [(f.value, f.unit) for f in find_figures(doc.text) if f.rule.startswith("table")]
    assert cells == [(6, "间"), (420, "m2"), (850000, "CNY"), (4, "间"), (260, "m2"), (375000, "CNY"),
                     (120, "m2"), (95, "m2")]  # 助餐、文体、托管服务 wraps under its column: the table goes on
    assert "6420" not in doc.text.replace(" ", "")  # the cells of a row never run together
    assert "桐林驿站 | 120 | 助餐、文体、托管服务" in doc.text and "工作总结" in doc.text  # a spaced-out title is no row


@pytest.mark.parametrize("variant", ["single-quoted", "prefixed", "renamed main part"])
def test_docx_packages_written_by_other_tools(tmp_path, variant):
    """The main part is found through the package relationships however they are written."""
    import io
    import re
    import zipfile

    import docx

    d = docx.Document()
    d.add_paragraph("全区新建社区党群服务中心12个。")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = tmp_path / "other.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            name, data = info.filename, src.read(info.filename)
            if variant == "single-quoted" and name == "_rels/.rels":
                data = re.sub(rb'(Type|Target|Id)="([^"]*)"', rb"\1='\2'", data)
            if variant == "prefixed" and name == "_rels/.rels":
                data = data.replace(b"<Relationships xmlns=", b"<r:Relationships xmlns:r=").replace(
                    b"<Relationship ", b"<r:Relationship ").replace(b"</Relationships>", b"</r:Relationships>")
            if variant == "renamed main part":
                data = data.replace(b"word/document.xml", b"word/body.xml")
                name = "word/body.xml" if name == "word/document.xml" else name
            z.writestr(name, data)
    doc = extract.read(out)
    assert doc.status == "ok" and doc.format == "docx" and "服务中心12个" in doc.text
