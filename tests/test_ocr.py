"""OCR end to end, on pages rendered from our own text (scripts/render_pages.py): images, scanned
and mixed PDFs, multi-page TIFF, the limits, and the columns an auditor reads. Skipped without
the extra (`pip install 'shequ[ocr]'`) or without a CJK font to set the pages in."""
from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("rapidocr")

import extract  # noqa: E402
from extract.readers import ocr  # noqa: E402

from helpers import REPORT_LINES, ROOT  # noqa: E402

import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import render_pages  # noqa: E402

FONT = render_pages.find_cjk_font()
pytestmark = pytest.mark.skipif(FONT is None, reason="no CJK font (apt-get install fonts-wqy-microhei)")

TEXT = "\n".join(REPORT_LINES)
EXPECTED = {"12.5平方公里", "8个社区", "3个行政村", "4.2万人", "15230户", "860万元", "8个", "26支", "95%以上"}


@pytest.fixture(scope="module")
def page():
    (p,) = render_pages.render_text(TEXT, font=FONT)
    return p


@pytest.fixture(scope="module")
def sealed(page):
    return render_pages.degrade(page.image, "all", seed=3, font=FONT)


def _figure_texts(result):
    return {f.text for f in result.figures}


def test_png_page_is_read_with_its_figures_marked(tmp_path, page):
    p = tmp_path / "page.png"
    page.image.save(p)
    result = extract.process_file(p)
    doc = result.document
    assert doc.status == "ok" and doc.format == "png" and doc.pages == 1
    assert doc.ocr_pages == "1" and doc.ocr_engine.startswith("rapidocr ")
    assert "下辖8个社区、3个行政村" in doc.text
    assert EXPECTED <= _figure_texts(result)
    assert all(f.ocr == 1 and 0.5 < f.ocr_confidence <= 1 for f in result.figures)


def test_scanned_pdf_with_seal_skew_blur_and_jpeg_noise(tmp_path, sealed):
    p = tmp_path / "scan.pdf"
    sealed.save(p, "PDF", resolution=200)
    result = extract.process_file(p)
    doc = result.document
    assert doc.status == "ok" and doc.format == "pdf" and doc.ocr_pages == "1"
    found = _figure_texts(result)
    assert len(EXPECTED & found) >= len(EXPECTED) - 1, found  # a degraded scan may cost one figure
    assert {f.page for f in result.figures} == {1}


def test_mixed_pdf_only_the_scanned_page_is_ocr_d(tmp_path, page):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(p))
    c.setFont("STSong-Light", 14)
    c.drawString(60, 700, "全区共有52个社区，投入经费1200万元。")
    c.showPage()
    buf = io.BytesIO()
    page.image.save(buf, "PNG")
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, 595, 842)
    c.drawString(280, 20, "- 2 -")  # a page number stamped on the scan: still a scan
    c.showPage()
    c.save()
    result = extract.process_file(p)
    doc = result.document
    assert doc.status == "ok" and doc.pages == 2 and doc.ocr_pages == "2"
    marks = {f.text: (f.page, f.ocr) for f in result.figures}
    assert marks["52个社区"] == (1, 0) and marks["1200万元"] == (1, 0)
    assert marks["15230户"] == (2, 1) and marks["26支"] == (2, 1)
    assert all(f.ocr_confidence is None for f in result.figures if f.page == 1)


def _tiff(path, images):
    images = [i.copy() for i in images]  # an image saved before keeps that format's encoder settings
    images[0].save(path, "TIFF", save_all=True, append_images=images[1:])


def test_multipage_tiff(tmp_path, page, sealed):
    p = tmp_path / "scan.tif"
    _tiff(p, [page.image, sealed])
    doc = extract.read(p)
    assert doc.status == "ok" and doc.format == "tiff" and doc.pages == 2 and doc.ocr_pages == "1-2"
    assert {s.page for s in doc.sentences} == {1, 2}


def test_page_limit_keeps_the_pages_read(tmp_path, page, monkeypatch):
    limits = dict(ocr.settings()["limits"], max_pages=1)
    monkeypatch.setitem(ocr.settings(), "limits", limits)
    p = tmp_path / "long.tif"
    _tiff(p, [page.image, page.image])
    doc = extract.read(p)
    assert doc.status == "ok" and doc.pages == 2 and doc.ocr_pages == "1"
    assert "page limit" in doc.ocr_note and "1 of 2" in doc.ocr_note


def test_time_limit_keeps_the_pages_read(tmp_path, page, monkeypatch):
    limits = dict(ocr.settings()["limits"], max_seconds=0)
    monkeypatch.setitem(ocr.settings(), "limits", limits)
    p = tmp_path / "slow.tif"
    _tiff(p, [page.image, page.image])
    doc = extract.read(p)
    assert doc.status == "ok" and doc.ocr_pages == "1" and "time limit" in doc.ocr_note


def test_pixel_limit_refuses_a_huge_image_without_decoding(tmp_path, monkeypatch):
    from PIL import Image

    limits = dict(ocr.settings()["limits"], max_pixels=1_000_000)
    monkeypatch.setitem(ocr.settings(), "limits", limits)
    p = tmp_path / "huge.png"
    Image.new("L", (2000, 1000), 255).save(p)
    doc = extract.read(p)
    assert doc.status == "error" and "Mpx limit" in doc.error


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize("name, head", [("broken.png", b"\x89PNG\r\n\x1a\n"), ("broken.jpg", b"\xff\xd8\xff\xe0"),
                                        ("broken.tif", b"II*\x00")])
def test_damaged_image_is_one_error_line(tmp_path, name, head):
    import os

    p = tmp_path / name
    p.write_bytes(head + os.urandom(300))
    doc = extract.read(p)
    assert doc.status == "error" and "damaged" in doc.error and "\n" not in doc.error


def test_csv_columns_say_what_was_ocr_d(tmp_path, page):
    from click.testing import CliRunner

    from extract.cli import main

    src = tmp_path / "in"
    src.mkdir()
    page.image.save(src / "scan.png")
    (src / "typed.txt").write_text("全区共有52个社区。\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    docs = {row["source"].rsplit("/", 1)[-1]: row for row in csv.DictReader((out / "documents.csv").open())}
    assert docs["scan.png"]["ocr_pages"] == "1" and docs["scan.png"]["ocr_engine"].startswith("rapidocr")
    assert docs["typed.txt"]["ocr_pages"] == "" and docs["typed.txt"]["ocr_engine"] == ""
    figs = list(csv.DictReader((out / "figures.csv").open()))
    scan = [f for f in figs if f["source"].endswith("scan.png")]
    typed = [f for f in figs if f["source"].endswith("typed.txt")]
    assert scan and all(f["ocr"] == "1" and 0.5 < float(f["ocr_confidence"]) <= 1 for f in scan)
    assert typed and all(f["ocr"] == "0" and f["ocr_confidence"] == "" for f in typed)


# our own sentences, in Traditional characters: many of them (黨 縣 議 須 項 擴 眾 綜 …) are not in
# PP-OCRv4's dictionary, which dropped them or read Simplified ones
TRADITIONAL = [
    "松河縣2021年社區建設工作總結",
    "一、基本情況",
    "全縣轄6個鎮、3個鄉，共有城鄉社區48個，縣財政安排社區工作經費240萬元。",
    "各社區黨組織每季度召開居民議事會，重大事項須經居民代表會議討論決定。",
    "新建綜合服務設施18處，擴建日間照料中心8個，群眾滿意率達到95%以上。",
]


def _squash(text: str) -> str:
    from extract.normalise import fold_width

    return "".join(fold_width(text).translate(str.maketrans("，：；！？（）", ",:;!?()")).split())


_edits = render_pages.edit_distance


@pytest.fixture(scope="module")
def traditional():
    (p,) = render_pages.render_text("\n".join(TRADITIONAL), font=FONT)
    return p


def test_traditional_page_is_read_in_its_own_characters(traditional):
    text, _ = ocr.recognise_page(traditional.image, ocr.engine())
    ref, hyp = _squash("".join(traditional.lines)), _squash("".join(text.paragraphs))
    assert _edits(ref, hyp) <= len(ref) // 100, hyp  # CER <= 1%, against the Traditional characters
    assert "縣財政" in hyp and "黨組織" in hyp and "議事會" in hyp and "須經" in hyp and "群眾" in hyp


def test_traditional_scan_gives_simplified_text_and_its_figures(tmp_path, traditional):
    p = tmp_path / "fanti.png"
    traditional.image.save(p)
    result = extract.process_file(p)
    assert result.document.status == "ok"
    assert "各社区党组织每季度召开居民议事会，重大事项须经居民代表会议讨论决定" in result.document.text
    assert {"6个镇", "48个", "240万元", "18处", "95%以上"} <= _figure_texts(result)


def test_lines_beside_a_red_seal_are_kept():
    # the Traditional sample's first page with a seal stamped beside two short lines: PP-OCRv6's
    # detector, seeing the seal's faint ring text, lost the lines until the paper level was raised
    ((_, page),) = [(n, p) for n, p in render_pages.sample_pages(stems=["06_fanti_yijian"], font=FONT)
                    if n.endswith("-p1")]
    scan = render_pages.degrade(page.image, "seal", seed=13, font=FONT)
    text, _ = ocr.recognise_page(scan, ocr.engine())
    hyp = _squash("".join(text.paragraphs))
    ref = _squash("".join(page.lines))
    assert "一、基本情況和工作目標" in hyp and "松河縣轄6個鎮" in hyp
    assert _edits(ref, hyp) <= len(ref) // 50, hyp  # CER <= 2%


def test_a_model_the_wheel_does_not_ship_is_no_engine(monkeypatch):
    monkeypatch.setitem(ocr.settings(), "engine", dict(ocr.settings()["engine"], rapidocr_rec_model="absent.onnx"))
    with pytest.raises(ImportError, match="absent.onnx"):
        ocr.RapidOcr()


@pytest.mark.skipif(ocr.engine("tesseract") is None, reason="tesseract-ocr-chi-sim is not installed")
def test_tesseract_engine_reads_the_page(page):
    text, lines = ocr.recognise_page(page.image, ocr.engine("tesseract"))
    joined = "".join(text.paragraphs).replace(" ", "")
    assert "下辖8个社区" in joined and "860万元" in joined
    assert lines and all(0 <= l.confidence <= 1 for l in lines)


@pytest.mark.skipif(not getattr(ocr.engine("tesseract"), "lang_traditional", ""),
                    reason="tesseract-ocr-chi-tra is not installed")
def test_tesseract_reads_a_traditional_page_again_with_its_traditional_data(traditional, monkeypatch):
    eng = ocr.engine("tesseract")
    text, _ = ocr.recognise_page(traditional.image, eng)
    ref, hyp = _squash("".join(traditional.lines)), _squash("".join(text.paragraphs))
    assert "黨組織" in hyp and "議事會" in hyp and _edits(ref, hyp) <= len(ref) // 20, hyp  # CER <= 5%
    monkeypatch.setattr(eng, "lang_traditional", "")  # chi_sim alone: Simplified forms, and errors
    once, _ = ocr.recognise_page(traditional.image, eng)
    assert _edits(ref, _squash("".join(once.paragraphs))) > _edits(ref, hyp)
