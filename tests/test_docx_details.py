"""DOCX details that real files have: text boxes, footnotes, tracked changes, fields, line breaks,
content controls. Each file is python-docx's own package with its body written here."""
from __future__ import annotations

import io
import re
import zipfile

import docx

import extract

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def p(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def make(tmp_path, body: str, parts: dict[str, str] | None = None, rels: str = "") -> str:
    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = tmp_path / "details.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}>'
                        f"<w:body>{body}<w:sectPr/></w:body></w:document>").encode()
            if info.filename == "word/_rels/document.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            z.writestr(info.filename, data)
        for name, xml in (parts or {}).items():
            z.writestr(name, xml)
    return extract.read(out)


def test_text_box_read_once_after_its_paragraph(tmp_path):
    box = p(r("专栏：全街道建成日间照料中心6个。"))
    drawing = (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
               f"<wps:wsp><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx></wps:wsp>"
               f"</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
               f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{box}</w:txbxContent></v:textbox>"
               f"</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    doc = make(tmp_path, p(r("全区共有52个社区。"), drawing) + p(r("结尾。")))
    assert doc.text.count("日间照料中心6个") == 1  # the VML fallback repeats it
    lines = doc.text.splitlines()
    assert lines == ["全区共有52个社区。", "专栏：全街道建成日间照料中心6个。", "结尾。"]


def test_tracked_changes_accepted(tmp_path):
    body = p(r("全年投入经费"),
             '<w:del w:id="1" w:author="a"><w:r><w:delText>500万元</w:delText></w:r></w:del>',
             '<w:ins w:id="2" w:author="a">' + r("860万元") + "</w:ins>",
             r("，建成服务站"),
             '<w:moveFrom w:id="3" w:author="a">' + r("12个") + "</w:moveFrom>",
             '<w:moveTo w:id="4" w:author="a">' + r("15个") + "</w:moveTo>", r("。"))
    doc = make(tmp_path, body)
    assert doc.text.strip() == "全年投入经费860万元，建成服务站15个。"
    figures = {f.text for f in extract.process_file(tmp_path / "details.docx").figures}
    assert "860万元" in figures and "500万元" not in figures and "12个" not in figures


def test_fields_keep_their_result_not_their_instruction(tmp_path):
    simple = '<w:fldSimple w:instr=" DOCPROPERTY Budget ">' + r("1200万元") + "</w:fldSimple>"
    complex_ = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> = 20*3 </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("60") +
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    doc = make(tmp_path, p(r("安排资金"), simple, r("，配备社工"), complex_, r("名。")))
    assert doc.text.strip() == "安排资金1200万元，配备社工60名。"
    assert "DOCPROPERTY" not in doc.text and "20*3" not in doc.text


def test_footnotes_and_endnotes_at_the_end_separators_skipped(tmp_path):
    notes = (f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {NS}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:t>续</w:t></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>' + r("数据来源：民政局统计，共420户。") +
             "</w:p></w:footnote></w:footnotes>")
    ends = (f'<?xml version="1.0" encoding="UTF-8"?><w:endnotes {NS}><w:endnote w:id="1">'
            + p(r("注：面积为建筑面积360平方米。")) + "</w:endnote></w:endnotes>")
    rels = ('<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'footnotes" Target="footnotes.xml"/><Relationship Id="rIdEn" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/>')
    body = p(r("社区服务用房"), '<w:r><w:footnoteReference w:id="1"/></w:r>', r("建成。"))
    doc = make(tmp_path, body, {"word/footnotes.xml": notes, "word/endnotes.xml": ends}, rels)
    assert doc.text.splitlines() == ["社区服务用房建成。", "数据来源：民政局统计，共420户。", "注：面积为建筑面积360平方米。"]


def test_line_breaks_and_tabs_keep_numbers_apart(tmp_path):
    doc = make(tmp_path, p(r("面积120"), "<w:r><w:br/></w:r>", r("2023年新建"), "<w:r><w:tab/></w:r>", r("8个")))
    assert doc.text.splitlines() == ["面积120", "2023年新建8个"]  # not 面积1202023年…


def test_content_controls_and_nested_tables(tmp_path):
    inner = "<w:tbl><w:tr><w:tc>" + p(r("内表9人")) + "</w:tc></w:tr></w:tbl>"
    table = ("<w:tbl><w:tr><w:tc>" + p(r("项目")) + "</w:tc><w:tc>" + p(r("面积")) + "</w:tc></w:tr>"
             "<w:tr><w:tc>" + p(r("活动室")) + "</w:tc><w:tc>" + p(r("60")) + inner + "</w:tc></w:tr></w:tbl>")
    body = "<w:sdt><w:sdtPr/><w:sdtContent>" + p(r("封面：青石街道工作报告")) + "</w:sdtContent></w:sdt>" + table
    doc = make(tmp_path, body)
    lines = doc.text.splitlines()
    assert lines[0] == "封面：青石街道工作报告"
    assert lines[1:] == ["项目 | 面积", "活动室 | 60内表9人"]
    assert doc.text.count("内表9人") == 1


def test_docx_sample_still_reads_its_table():
    from helpers import SAMPLES

    doc = extract.read(SAMPLES / "03_huibao_cailiao.docx")
    assert doc.status == "ok" and re.search(r"一站式服务大厅 \| 1 \| 80", doc.text)
