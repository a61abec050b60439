"""OFD (GB/T 33190) packages written by scripts/make_samples.py, and WPS Office `.wps` files
sniffed by content."""
from __future__ import annotations

import os
import shutil
import zipfile

import pytest

import extract
from extract import readers
from extract.figures import find_figures
from extract.readers import docx as docx_reader
from extract.readers import ofd

from helpers import REPORT_LINES, ROOT, SAMPLES, make_samples

OFD_NS = make_samples.OFD_NS
LONG = REPORT_LINES * 3  # three pages at 8 rows a page


def _figures(text):
    return sorted(f.text for f in find_figures(text))


@pytest.mark.parametrize("per_char", [True, False])
def test_ofd_text_in_reading_order_with_pages(tmp_path, per_char):
    p = tmp_path / "report.ofd"
    make_samples.write_ofd(p, LONG, per_char=per_char, lines_per_page=8)
    doc = extract.read(p)
    assert doc.status == "ok" and doc.format == "ofd" and doc.pages >= 3
    assert "下辖8个社区、3个行政村" in doc.text and "全年投入社区建设资金860万元" in doc.text
    # the shuffled objects come back in reading order: the lines as written, one per paragraph
    assert doc.text.splitlines()[:3] == [line.strip() for line in REPORT_LINES[:3]]
    assert {s.page for s in doc.sentences} >= {1, 2, 3}
    assert sorted(f.text for f in extract.process_file(p).figures) == _figures("\n".join(LONG))


def test_ofd_page_template_text_is_read_with_each_page(tmp_path):
    p = tmp_path / "tpl.ofd"
    make_samples.write_ofd(p, LONG, lines_per_page=8, header="青石街道办事处文件")
    doc = extract.read(p)
    assert doc.status == "ok" and doc.text.startswith("青石街道办事处文件\n")


def test_ofd_delta_x_compression():
    assert ofd.delta_x("g 3 3.5 1 2") == [3.5, 3.5, 3.5, 1.0, 2.0]
    assert ofd.delta_x("4.2 g 2 1") == [4.2, 1.0, 1.0]
    assert ofd.delta_x("") == []


def _ofd_with(tmp_path, files: dict[str, str | bytes], name="bad.ofd"):
    p = tmp_path / name
    with zipfile.ZipFile(p, "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
    return p


def test_ofd_is_sniffed_by_content():
    path = SAMPLES / "10_wangge_zhili.ofd"
    assert readers.sniff(path.read_bytes(), ".zip") == "ofd"


def test_ofd_without_a_document_root_is_one_error_line(tmp_path):
    p = _ofd_with(tmp_path, {"OFD.xml": f'<ofd:OFD xmlns:ofd="{OFD_NS}"><ofd:DocBody/></ofd:OFD>'})
    doc = extract.read(p)
    assert doc.status == "error" and "damaged OFD" in doc.error and "DocRoot" in doc.error


def test_ofd_part_outside_the_package_is_refused(tmp_path):
    p = _ofd_with(tmp_path, {"OFD.xml": f'<ofd:OFD xmlns:ofd="{OFD_NS}"><ofd:DocBody><ofd:DocRoot>'
                                        "../../etc/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"})
    doc = extract.read(p)
    assert doc.status == "error" and "outside the package" in doc.error


def test_ofd_entities_are_not_expanded(tmp_path):
    src = tmp_path / "ok.ofd"
    make_samples.write_ofd(src, REPORT_LINES[:2])
    zin = zipfile.ZipFile(src)
    files = {n: zin.read(n) for n in zin.namelist()}
    content = "Doc_0/Pages/Page_0/Content.xml"
    files[content] = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      + files[content].split(b"?>", 1)[1].replace(b"</ofd:TextCode>", b"&x;</ofd:TextCode>", 1))
    doc = extract.read(_ofd_with(tmp_path, files, "entity.ofd"))
    assert "root:" not in doc.text


def test_ofd_zip_bomb_is_refused(tmp_path):
    p = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", "<OFD/>")
        with z.open("Doc_0/Pages/Page_0/Content.xml", "w", force_zip64=True) as f:
            for _ in range(docx_reader.MAX_UNCOMPRESSED // (1 << 20) + 8):
                f.write(b"\0" * (1 << 20))
    doc = extract.read(p)
    assert doc.status == "error" and "OFD" in doc.error and "zip bomb" in doc.error


def test_ofd_sample_gives_the_figures_of_its_source():
    doc = extract.process_file(SAMPLES / "10_wangge_zhili.ofd")
    src = (ROOT / "corpora" / "samples_src" / "10_wangge_zhili.txt").read_text(encoding="utf-8")
    assert doc.document.status == "ok" and doc.document.pages == 2
    assert sorted(f.text for f in doc.figures) == _figures(src)


# --- WPS --------------------------------------------------------------------------------------

def test_wps_with_docx_inside(tmp_path, make_docx):
    p = tmp_path / "report.wps"
    p.write_bytes(make_docx().read_bytes())
    doc = extract.read(p)
    assert doc.status == "ok" and doc.format == "docx" and "下辖8个社区" in doc.text


def test_wps_with_rtf_inside(tmp_path):
    p = tmp_path / "report.wps"
    make_samples.write_rtf(p, REPORT_LINES)
    doc = extract.read(p)
    assert doc.status == "ok" and doc.format == "rtf" and "下辖8个社区" in doc.text


_CONVERTER = any(shutil.which(t) for t in ("antiword", "catdoc", "soffice"))


@pytest.mark.skipif(not _CONVERTER, reason="no .doc converter installed (apt-get install antiword catdoc)")
def test_wps_with_word97_inside(tmp_path):
    p = tmp_path / "report.wps"
    p.write_bytes((SAMPLES / "05_ziacha_baogao.doc").read_bytes())
    doc = extract.read(p)
    assert doc.status == "ok" and doc.format == "wps" and doc.encoding in {"antiword", "catdoc", "libreoffice"}
    assert "杏林社区" in doc.text


@pytest.mark.skipif(not _CONVERTER, reason="no .doc converter installed (apt-get install antiword catdoc)")
def test_wps_sample_gives_the_figures_of_its_source():
    result = extract.process_file(SAMPLES / "11_zhiyuan_fuwu.wps")
    src = (ROOT / "corpora" / "samples_src" / "11_zhiyuan_fuwu.txt").read_text(encoding="utf-8")
    assert result.document.status == "ok" and result.document.format == "wps"
    assert sorted(f.text for f in result.figures) == _figures(src)


def test_wps_in_another_format_without_libreoffice_names_it(tmp_path, monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda n: None if n in ("soffice", "libreoffice") else real(n))
    for name, data in [("works.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000)),
                       ("old.wps", b"\x00\x01WPS" + os.urandom(2000))]:
        p = tmp_path / name
        p.write_bytes(data)
        doc = extract.read(p)
        assert doc.format == "wps" and doc.status == "error"
        assert "LibreOffice" in doc.error and "\n" not in doc.error


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_wps_that_libreoffice_cannot_read_is_one_error_line(tmp_path):
    p = tmp_path / "junk.wps"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000))
    doc = extract.read(p)
    assert doc.status == "error" and "\n" not in doc.error and doc.error
