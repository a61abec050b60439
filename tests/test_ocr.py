"""OCR end to end, on pages rendered from our own text (scripts/render_pages.py): images, scanned
and mixed PDFs, multi-page TIFF, the limits, and the columns an auditor reads. Skipped without
the extra (`pip install 'shequ[ocr]'`) or without a CJK font to set the pages in."""
from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("rapidocr_onnxruntime")

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


@pytest.mark.skipif(ocr.engine("tesseract") is None, reason="tesseract-ocr-chi-sim is not installed")
def test_tesseract_engine_reads_the_page(page):
    text, lines = ocr.recognise_page(page.image, ocr.engine("tesseract"))
    joined = "".join(text.paragraphs).replace(" ", "")
    assert "下辖8个社区" in joined and "860万元" in joined
    assert lines and all(0 <= l.confidence <= 1 for l in lines)
