"""The parts of OCR that need no recogniser: page layout from positioned pieces, the clean-up of
recognised text, which figures were OCR'd and how sure the recogniser was, and what a file that
needs OCR gets when the extra is not installed."""
from __future__ import annotations

import io

import pytest

import extract
from extract.readers import layout, ocr, ocr_marks
from extract.readers.layout import Piece
from extract.records import Document, OcrLine, OcrPage, page_ranges

H = 40  # a character's height and width in these synthetic pages


def row(text: str, r: int, indent: int = 0, skew: float = 0.0, conf: float = 0.99) -> Piece:
    """A recognised line on row r of a page whose text block is 30 characters wide."""
    x0 = 200 + indent * H + r * skew
    return Piece(text, x0, 100 + r * 64, x0 + len(text) * H, 100 + r * 64 + H, conf)


def test_rows_are_joined_into_paragraphs_by_indent_and_margin():
    pieces = [row("一、基本情况", 0, indent=2),
              row("全区共有社区" + "甲" * 22 + "下辖", 1, indent=2),   # full to the margin
              row("8个社区、3个行政村。" + "乙" * 20, 2),                # full, continues
              row("常住人口4.2万人。", 3),                              # short: the paragraph ends
              row("二、主要成效" + "丙" * 24, 4, indent=2)]
    page = layout.page_text(pieces)
    assert page.paragraphs == ["一、基本情况", "全区共有社区" + "甲" * 22 + "下辖8个社区、3个行政村。" + "乙" * 20
                               + "常住人口4.2万人。", "二、主要成效" + "丙" * 24]


def test_skewed_page_keeps_its_indents():
    # 1.5 degrees of skew move the margin by about a character over 20 rows
    pieces = []
    for r in range(0, 20, 2):
        pieces.append(row("段" * 28, r, indent=2, skew=2.6))
        pieces.append(row("续" * 12 + "。", r + 1, skew=2.6))
    page = layout.page_text(pieces)
    assert len(page.paragraphs) == 10 and all(p == "段" * 28 + "续" * 12 + "。" for p in page.paragraphs)


@pytest.mark.parametrize("label", ["- 3 -", "-3", "第3页"])
def test_pieces_of_one_row_in_any_order_and_the_page_number_dropped(label):
    left = Piece("社区服务用房", 200, 100, 440, 140)
    right = Piece("420平方米。", 440, 102, 640, 141)
    number = Piece(label, 560, 2000, 700, 2040)
    page = layout.page_text([number, right, left])
    assert page.paragraphs == ["社区服务用房420平方米。"]


def test_a_gap_inside_a_row_is_a_space_not_a_join():
    a, b = Piece("面积", 200, 100, 280, 140), Piece("12", 280, 100, 320, 140)
    c = Piece("34", 420, 100, 460, 140)  # a column further right: not the same number
    assert layout.rows([c, b, a])[0].text == "面积12 34"


def test_a_paragraph_cut_by_a_page_break_goes_back_to_its_page():
    p1 = layout.page_text([row("投" * 10, 0, indent=2), row("全年投入社区建设资金" + "丁" * 20, 1)])
    p2 = layout.page_text([row("860万元。", 0), row("二、主要成效", 1, indent=2)])
    assert p1.continues and not p2.opens_indented
    assert layout.join_pages([p1, p2]) == ["投" * 10 + "\n全年投入社区建设资金" + "丁" * 20 + "860万元。", "二、主要成效"]


@pytest.mark.parametrize("raw, fixed", [
    ("202l年投入", "2021年投入"), ("网格员l名", "网格员1名"), ("1O0个社区", "100个社区"),
    ("l2个", "12个"), ("HTML5页面", "HTML5页面"), ("Iphone", "Iphone")])
def test_letters_read_for_digits(raw, fixed):
    assert ocr.fix_digits(raw) == fixed


def test_ascii_punctuation_beside_chinese_becomes_chinese():
    assert ocr.chinese_punctuation("各位专家:下辖8个社区,3个村") == "各位专家：下辖8个社区，3个村"
    assert ocr.chinese_punctuation("8:30开放,1,200元") == "8:30开放，1,200元"
    assert ocr.chinese_punctuation("王板桥丶黄家塘丶绿化村") == "王板桥、黄家塘、绿化村"


def test_a_page_is_read_from_its_red_channel_with_paper_made_white():
    from PIL import Image

    img = Image.new("RGB", (4, 1))
    for x, colour in enumerate([(255, 255, 255), (219, 36, 41), (20, 20, 20), (30, 40, 160)]):
        img.putpixel((x, 0), colour)  # paper, a red seal over paper, black ink, blue ink
    paper, seal, black, blue = (ocr.prepare(img).getpixel((x, 0)) for x in range(4))
    assert paper == seal == 255 and black < 40 and blue < 40


def test_traditional_share():
    from extract.normalise import traditional_share

    assert traditional_share("各社區黨組織召開議事會") > 0.4
    assert traditional_share("各社区党组织召开议事会") == 0 == traditional_share("2021-03-02")


def _tesseract(readings: dict):
    """A Tesseract whose readings (per language) are given, with the languages it was asked for."""
    eng, calls = object.__new__(ocr.Tesseract), []
    eng.lang, eng.lang_traditional = "chi_sim", "chi_tra"
    eng._read = lambda png, lang: calls.append(lang) or readings[lang]
    return eng, calls


def test_tesseract_reads_a_confident_simplified_page_once():
    from PIL import Image

    eng, calls = _tesseract({"chi_sim": [row("各社区党组织召开议事会", 0, conf=0.8)], "chi_tra": []})
    assert [p.text for p in eng.recognise(Image.new("L", (40, 40), 255))] == ["各社区党组织召开议事会"]
    assert calls == ["chi_sim"]


@pytest.mark.parametrize("sim, tra, kept", [
    (("各社区党组织召开议事会", 0.2), ("各社區黨組織召開議事會", 0.8), "tra"),  # unsure: read again
    (("各社區党组织召开议事会", 0.8), ("各社區黨組織召開議事會", 0.9), "tra"),  # Traditional forms
    (("各社區党组织召开议事会", 0.8), ("各社區黨組織召開議事會", 0.5), "sim"),  # the surer reading stays
])
def test_tesseract_reads_a_page_that_looks_traditional_again(sim, tra, kept):
    from PIL import Image

    readings = {"chi_sim": [row(sim[0], 0, conf=sim[1])], "chi_tra": [row(tra[0], 0, conf=tra[1])]}
    eng, calls = _tesseract(readings)
    got = eng.recognise(Image.new("L", (40, 40), 255))
    assert calls == ["chi_sim", "chi_tra"] and got == readings["chi_" + kept]


def test_page_ranges():
    assert page_ranges([5, 1, 2, 3, 8, 9]) == "1-3,5,8-9"
    assert page_ranges([]) == ""


# --- figures marked with the recogniser's confidence ------------------------------------------

def _document(text: str, pages: list[OcrPage]) -> Document:
    from extract.normalise import split_sentences

    return Document(source="scan.png", doc_id="x", format="png", status="ok", text=text,
                    sentences=split_sentences(text, [(0, 1)]), ocr=tuple(pages))


def _figures(document):
    from extract.figures import extract_figures

    return ocr_marks.mark(document, extract_figures(document))


def test_each_figure_takes_the_confidence_of_the_lines_holding_it():
    lines = (OcrLine("全街道共有12个社区，投入经费8", 0.97), OcrLine("60万元，建成服务站12个。", 0.71),
             OcrLine("志愿者１２００人。", 0.88))
    text = "全街道共有12个社区，投入经费860万元，建成服务站12个。\n志愿者1200人。\n"
    figs = {f.text: f for f in _figures(_document(text, [OcrPage(1, lines)]))}
    assert figs["12个社区"].ocr == 1 and figs["12个社区"].ocr_confidence == 0.97
    assert figs["860万元"].ocr_confidence == 0.71  # cut across two lines: the weaker one
    assert figs["1200人"].ocr_confidence == 0.88  # compared after width folding
    # the second 12个 is told from the first by its context
    second = [f for f in _figures(_document(text, [OcrPage(1, lines)])) if f.text.startswith("12个")
              and f.start > 20]
    assert second and second[0].ocr_confidence == 0.71


def test_a_figure_not_found_in_the_lines_takes_the_page_mean():
    lines = (OcrLine("全区共有", 0.9), OcrLine("五十二个", 0.5))  # the recogniser read it otherwise
    text = "全区共有52个社区。\n"
    (fig,) = _figures(_document(text, [OcrPage(1, lines)]))
    assert fig.ocr == 1 and fig.ocr_confidence == pytest.approx((0.9 * 4 + 0.5 * 4) / 8, abs=1e-3)


def test_figures_on_pages_with_a_text_layer_are_not_marked():
    from extract.normalise import normalise
    from extract.records import RawDocument

    raw = RawDocument(pages=("第一页有8个社区。", "第二页有9个社区。"), format="pdf",
                      ocr=(OcrPage(2, (OcrLine("第二页有9个社区。", 0.93),)),), ocr_engine="x 1")
    norm = normalise(raw)
    doc = Document(source="m.pdf", doc_id="m", format="pdf", status="ok", text=norm.text,
                   sentences=norm.sentences, **raw.ocr_fields())
    assert doc.ocr_pages == "2" and doc.ocr_engine == "x 1"
    marks = {f.text: (f.page, f.ocr, f.ocr_confidence) for f in _figures(doc)}
    assert marks == {"8个社区": (1, 0, None), "9个社区": (2, 1, 0.93)}


# --- without the extra ------------------------------------------------------------------------

@pytest.fixture
def no_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "engine", lambda name=None: None)


def _png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "PNG")
    return buf.getvalue()


def test_without_the_extra_a_scanned_pdf_names_the_extra(tmp_path, no_ocr):
    from PIL import Image

    p = tmp_path / "scan.pdf"
    Image.new("RGB", (400, 560), "white").save(p, "PDF", resolution=50)
    doc = extract.read(p)
    assert doc.status == "no_text_layer" and "shequ[ocr]" in doc.error and "\n" not in doc.error


@pytest.mark.parametrize("name", ["page.png", "page.jpg", "page.tif"])
def test_without_the_extra_an_image_names_the_extra(tmp_path, no_ocr, name):
    from PIL import Image

    p = tmp_path / name
    Image.new("RGB", (200, 100), "white").save(p)
    doc = extract.read(p)
    assert doc.format in {"png", "jpeg", "tiff"} and doc.status == "no_text_layer"
    assert "shequ[ocr]" in doc.error


def test_without_the_extra_a_pdf_with_one_scanned_page_keeps_its_text(tmp_path, no_ocr):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(p))
    c.setFont("STSong-Light", 14)
    c.drawString(60, 700, "全区共有52个社区，投入经费1200万元，建成服务站36个。")
    c.showPage()
    c.drawImage(ImageReader(Image.new("RGB", (300, 400), "white")), 0, 0, 595, 842)
    c.showPage()
    c.save()
    doc = extract.read(p)
    assert doc.status == "ok" and "52个社区" in doc.text
    assert doc.ocr_pages == "" and "page 2 has no text layer" in doc.ocr_note and "shequ[ocr]" in doc.ocr_note


def test_a_blank_pdf_page_is_not_sent_to_ocr(tmp_path, monkeypatch):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    def refuse(name=None):
        raise AssertionError("OCR asked for a blank page")

    monkeypatch.setattr(ocr, "engine", refuse)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "blank2.pdf"
    c = canvas.Canvas(str(p))
    c.setFont("STSong-Light", 14)
    c.drawString(60, 700, "全区共有52个社区，投入经费1200万元，建成服务站36个。")
    c.showPage()
    c.showPage()  # an empty page
    c.save()
    doc = extract.read(p)
    assert doc.status == "ok" and doc.pages == 2 and doc.ocr_pages == "" and doc.ocr_note == ""


def test_sniffing_images():
    from extract import readers

    assert readers.sniff(_png_bytes()) == "png"
    assert readers.sniff(b"\xff\xd8\xff\xe0" + b"\0" * 50) == "jpeg"
    assert readers.sniff(b"II*\x00" + b"\0" * 50) == "tiff"
    assert readers.sniff(b"GIF89a" + b"\0" * 50) == "gif image"


def test_without_the_extra_tesseract_alone_does_not_read_scans(tmp_path, monkeypatch):
    """Tesseract is used only when corpora/ocr.toml names it: a scan says to install the extra."""
    from PIL import Image

    def missing():
        raise ImportError("No module named 'rapidocr'")

    monkeypatch.setitem(ocr.ENGINES, "rapidocr", missing)
    monkeypatch.setitem(ocr.ENGINES, "tesseract", lambda: object())  # as if installed
    ocr.engine.cache_clear()
    try:
        p = tmp_path / "page.png"
        Image.new("RGB", (200, 100), "white").save(p)
        doc = extract.read(p)
        assert doc.status == "no_text_layer" and "shequ[ocr]" in doc.error
    finally:
        ocr.engine.cache_clear()
