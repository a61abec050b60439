"""Hostile inputs (issue 16): every bad input gets a row and a one-line error, and nothing a file
does is lost silently: an output folder inside the input folder, file names that are not UTF-8,
FIFOs, devices, link loops, dangling links, unreadable folders, lying zips, deep HTML, a failing
stage; NUL bytes, RTF in GBK, short repeated lines, DOCX entities."""
from __future__ import annotations

import csv
import os
import sqlite3
import stat
import zipfile

import pytest
from click.testing import CliRunner

from extract.bulk import RunOptions, iter_inputs, run
from extract.cli import main
from extract.pipeline import process_file

from helpers import REPORT_LINES, hostile_files

TEXT = "\n".join(REPORT_LINES) + "\n"


def _documents(out):
    with open(out / "documents.csv", encoding="utf-8", newline="") as f:
        return {row["source"]: row for row in csv.DictReader(f)}


def _figures(out):
    with open(out / "figures.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- discovery -----------------------------------------------------------------------------------

def test_output_folder_inside_the_input_folder_is_not_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    out = folder / "out"
    for _ in range(2):  # the second run sees out/ with its CSVs, text/ and database
        result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--jobs", "1", "--no-report"])
        assert result.exit_code == 0, result.output
    assert list(_documents(out)) == [str(folder / "a.txt")]
    # an output folder elsewhere, written earlier, is recognised by its database wherever it is
    other = folder / "old_run"
    assert CliRunner().invoke(main, ["extract", str(folder / "a.txt"), "-o", str(other), "--jobs", "1", "--no-report"]).exit_code == 0
    assert (other / "shequ.sqlite").exists()
    listed = iter_inputs((folder,))
    assert listed == [folder / "a.txt"]
    # the input folder as its own output folder: read without what the runs wrote there
    for _ in range(2):
        result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(folder), "--jobs", "1", "--no-report"])
        assert result.exit_code == 0, result.output
    assert list(_documents(folder)) == [str(folder / "a.txt")]


def test_file_name_not_utf8_is_read_and_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    gbk = os.fsencode(folder) + b"/" + "\u62a5\u544a".encode("gbk") + b".txt"  # GBK bytes, as unzip leaves them
    with open(gbk, "wb") as f:
        f.write(TEXT.encode("utf-8"))
    (folder / "b.txt").write_text(TEXT.replace("8", "9"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--jobs", "1", "--no-report"])
    assert result.exit_code == 0, result.output
    docs = _documents(out)
    assert len(docs) == 2 and all(d["status"] == "ok" for d in docs.values())
    shown = str(folder) + "/\\xb1\\xa8\\xb8\\xe6.txt"
    assert shown in docs
    assert any(f["source"] == shown for f in _figures(out))
    db = sqlite3.connect(out / "shequ.sqlite")
    assert db.execute("SELECT status FROM documents WHERE source=?", (shown,)).fetchone() == ("ok",)
    # a rerun knows the file: nothing to do, nothing dropped as gone
    again = run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=False))
    assert (again.processed, again.skipped, again.gone) == (0, 2, [])


def test_fifo_device_links_and_unreadable_folder_each_get_a_row(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "locked").mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.symlink("loop2", folder / "loop1")
    os.symlink("loop1", folder / "loop2")
    os.symlink("..", folder / "sub" / "up")  # a link back to a folder above it
    os.symlink(folder / "sub", folder / "same")  # a link to a folder listed anyway: read once
    locked = folder / "sub" / "locked"
    real_listdir = os.listdir

    def listdir(p="."):  # root reads any folder: refuse this one as a user without the right would
        if os.fspath(p) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real_listdir(p)

    monkeypatch.setattr(os, "listdir", listdir)
    os.chmod(locked, 0)
    try:
        out = tmp_path / "out"
        summary = run(iter_inputs((folder, "/dev/zero")), out, RunOptions(jobs=1, report=False))
    finally:
        os.chmod(locked, stat.S_IRWXU)
    docs = _documents(out)
    status = {os.path.relpath(s, folder) if s.startswith(str(folder)) else s: (d["status"], d["error"])
              for s, d in docs.items()}
    assert status["a.txt"] == ("ok", "")
    assert status["pipe.txt"][0] == "unsupported" and "FIFO" in status["pipe.txt"][1]
    assert status["/dev/zero"][0] == "unsupported" and "device" in status["/dev/zero"][1]
    assert status["dangling.txt"][0] == "error" and "dangling" in status["dangling.txt"][1]
    assert status["loop1"][0] == status["loop2"][0] == "error" and "loop" in status["loop1"][1]
    assert status["sub/up"][0] == "error" and "loop" in status["sub/up"][1]
    assert status["sub/locked"][0] == "error" and "cannot be read" in status["sub/locked"][1]
    assert not any(s.startswith("same") for s in status)
    assert all("\n" not in e for _, e in status.values())
    assert summary.files == len(docs) == 8


def test_fifo_named_directly_does_not_block(tmp_path):
    fifo = tmp_path / "p.txt"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    result = process_file(fifo, time_limit=None)
    assert result.document.status == "unsupported" and "FIFO" in result.document.error


# --- limits that do not trust the file -------------------------------------------------------------

_DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}'
        '</w:body></w:document>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _para(text):
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _docx(path, body, media=b"", doctype=""):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", _RELS)
        xml = _DOC.format(body)
        if doctype:
            xml = xml.replace("?><w:document", f"?>{doctype}<w:document", 1)
        z.writestr("word/document.xml", xml)
        if media:
            z.writestr("word/media/image1.png", media, compress_type=zipfile.ZIP_STORED)
    return path


def test_lying_zip_is_stopped_while_inflating(tmp_path, monkeypatch):
    from extract.readers import docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 8 << 20)  # small, to keep the test fast
    p = _docx(tmp_path / "lying.docx", _para("x") * 400_000)  # ~13 MB of XML in a few KB
    hostile_files.declare_sizes(p, "word/document.xml", 2000)  # the headers say 2 KB
    assert p.stat().st_size < 200_000
    zf = zipfile.ZipFile(p)
    assert zf.getinfo("word/document.xml").file_size == 2000
    doc = process_file(p, time_limit=None).document
    assert doc.status == "error" and "zip bomb" in doc.error and "decompresses" in doc.error


def test_compression_ratio_is_measured_not_declared(tmp_path):
    p = _docx(tmp_path / "dense.docx", _para("x") * 400_000, media=os.urandom(300_000))
    doc = process_file(p, time_limit=None).document  # 13 MB from ~40 KB: more than 50 times
    assert doc.status == "error" and "zip bomb" in doc.error and "times" in doc.error


def test_media_do_not_count_against_the_limit(tmp_path, monkeypatch):
    from extract.readers import docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 1 << 20)  # 1 MB, and 2 MB of photos
    body = "".join(_para(line) for line in REPORT_LINES)
    p = _docx(tmp_path / "photos.docx", body, media=os.urandom(2 << 20))
    zf = docx_reader.check_zip(p.read_bytes(), limit=1 << 20)
    assert zf.read("word/document.xml").startswith(b"<?xml")
    result = process_file(p, time_limit=None)
    assert result.document.status == "ok" and result.figures


def test_a_text_too_long_for_memory_is_refused_with_its_row(tmp_path, monkeypatch):
    from extract import readers

    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 500)
    p = tmp_path / "long.txt"
    p.write_text("\n".join(REPORT_LINES * 20), encoding="utf-8")
    doc = process_file(p, time_limit=None).document
    assert doc.status == "error" and "million characters" in doc.error and doc.doc_id
    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 10_000_000)
    assert process_file(p, time_limit=None).document.status == "ok"


# --- silent loss -----------------------------------------------------------------------------------

def test_deep_html_keeps_its_text(tmp_path):
    for depth in (300, 2500):
        p = tmp_path / f"deep{depth}.html"
        p.write_text("<html><body><p>" + REPORT_LINES[0] + "</p>" + "<div>" * depth + "<p>" + REPORT_LINES[2]
                     + "</p>" + "</div>" * depth + "<p>" + REPORT_LINES[3] + "</p></body></html>", encoding="utf-8")
        result = process_file(p, time_limit=None)
        assert result.document.status == "ok"
        assert REPORT_LINES[2][:20] in result.document.text and REPORT_LINES[3][:20] in result.document.text
        assert any(f.value == 15230 for f in result.figures)


def test_one_nul_byte_does_not_make_a_report_binary(tmp_path):
    p = tmp_path / "nul.txt"
    p.write_bytes(TEXT.encode("utf-8").replace(b"\n", b"\n\x00", 1))
    doc = process_file(p, time_limit=None).document
    assert doc.status == "ok" and doc.format == "txt" and "\x00" not in doc.text
    assert REPORT_LINES[2] in doc.text


@pytest.mark.parametrize("escaped", [True, False])
@pytest.mark.parametrize("codepage", [b"", b"\\ansicpg936", b"\\ansicpg1252", b"\\ansicpg65001"])
def test_rtf_with_gbk_bytes(tmp_path, escaped, codepage):
    body = "\\par ".join(REPORT_LINES).encode("gbk")
    if escaped:
        body = b"".join(b"\\'%02x" % b if b > 127 else bytes([b]) for b in body)
    p = tmp_path / "gbk.rtf"
    p.write_bytes(b"{\\rtf1\\ansi" + codepage + b"{\\fonttbl{\\f0 SimSun;}}\\f0 " + body + b"\\par }")
    doc = process_file(p, time_limit=None).document
    assert doc.status == "ok" and "\ufffd" not in doc.text and REPORT_LINES[2] in doc.text


def test_rtf_in_a_western_code_page_stays_western(tmp_path):
    p = tmp_path / "fr.rtf"
    p.write_bytes(b"{\\rtf1\\ansi\\ansicpg1252 Caf\\'e9 cr\\'e8me br\\'fbl\\'e9e na\\'efve\\par }")
    doc = process_file(p, time_limit=None).document
    assert "Caf\u00e9 cr\u00e8me" in doc.text


def test_rtf_that_cannot_be_decoded_is_not_ok(tmp_path):
    p = tmp_path / "bad.rtf"
    p.write_bytes(b"{\\rtf1\\ansi\\ansicpg65001 " + b"\\'ff\\'fe\\'80" * 200 + b"\\par }")
    doc = process_file(p, time_limit=None).document
    assert doc.status == "error" and "encoding" in doc.error


def test_repeated_short_line_of_a_list_is_kept(tmp_path):
    line = "\u5efa\u6210\u5e78\u798f\u8bfe\u5802\u0031\u4e2a"  # the same short line for each community
    communities = ["\u4e1c\u5761", "\u897f\u6e56", "\u5357\u5c71", "\u5317\u5858", "\u9752\u77f3", "\u67f3\u5858"]
    lines = []
    for c in communities:
        lines += [line, c + "\u793e\u533a"]
    p = tmp_path / "list.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = process_file(p, time_limit=None).document
    assert doc.text.count(line) == 6
    # a title the site repeats once above its banner is still dropped once
    p.write_text("\n".join([REPORT_LINES[0], REPORT_LINES[0], *REPORT_LINES[1:]]) + "\n", encoding="utf-8")
    assert process_file(p, time_limit=None).document.text.count(REPORT_LINES[0]) == 1


def test_docx_text_after_an_entity_reference_is_kept(tmp_path):
    before, after = REPORT_LINES[2][:10], REPORT_LINES[2][10:]
    p = _docx(tmp_path / "entity.docx", _para(f"{before}&org;{after}") + _para(REPORT_LINES[3]),
              doctype='<!DOCTYPE w:document [<!ENTITY org "x">]>')
    doc = process_file(p, time_limit=None).document
    assert doc.status == "ok" and before in doc.text and after in doc.text


# --- every stage guarded alike ----------------------------------------------------------------------

def test_failing_classification_keeps_the_row_and_the_figures(tmp_path, monkeypatch):
    import extract.standards

    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    good = process_file(p, time_limit=None)
    assert good.figures and good.document.status == "ok"

    def boom(document):
        raise RuntimeError("tagger broke")

    monkeypatch.setattr(extract.standards, "classify_document", boom)
    bad = process_file(p, time_limit=None)
    assert bad.document.status == "error" and "standards classification" in bad.document.error
    assert bad.document.doc_id == good.document.doc_id and bad.document.title == good.document.title
    assert bad.figures == good.figures and bad.claims == ()
    out = tmp_path / "out"
    run(iter_inputs((p,)), out, RunOptions(jobs=1, report=False))
    row = _documents(out)[str(p)]
    assert row["status"] == "error" and row["doc_id"] == good.document.doc_id
    assert len([f for f in _figures(out) if f["source"] == str(p)]) == len(good.figures)
    assert (out / "text" / f"{good.document.doc_id}.txt").read_text(encoding="utf-8") == good.document.text


def test_failing_figure_stage_keeps_the_row(tmp_path, monkeypatch):
    import extract.figures

    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")

    def boom(document):
        raise ValueError("figures broke")

    monkeypatch.setattr(extract.figures, "extract_figures", boom)
    result = process_file(p, time_limit=None)
    doc = result.document
    assert doc.status == "error" and "figure extraction" in doc.error and "\n" not in doc.error
    assert doc.doc_id and doc.chars > 0 and result.figures == ()
