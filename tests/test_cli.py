"""The shequ command through click's CliRunner: outputs, exit codes, errors without tracebacks."""
from __future__ import annotations

import csv
import os

from click.testing import CliRunner

from extract.cli import main
from extract.records import Document, Figure, columns

from helpers import SAMPLES


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_extract_samples_writes_every_table(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(SAMPLES), "-o", str(out)])
    docs = _rows(out / "documents.csv")
    assert len(docs) == len(list(SAMPLES.iterdir()))
    assert list(docs[0]) == columns(Document)
    ok = [d for d in docs if d["status"] == "ok"]
    assert len(ok) >= len(docs) - 2  # the .doc and the .wps need antiword/catdoc
    for d in ok:
        text = (out / "text" / f"{d['doc_id']}.txt").read_text(encoding="utf-8")
        assert len(text) == int(d["chars"])
    figs = _rows(out / "figures.csv")
    assert list(figs[0]) == columns(Figure) and len(figs) > 150
    failed = [d for d in docs if d["status"] != "ok"]
    assert result.exit_code == (1 if failed else 0)
    for d in failed:  # one line per file that was not read, on stderr
        assert f"{d['source']}: {d['status']}: {d['error']}" in result.stderr
    assert "Traceback" not in result.output


def test_bad_files_are_rows_not_crashes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("全区共有52个社区，投入经费1200多万元。", encoding="utf-8")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "noise.pdf").write_bytes(os.urandom(2000))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    docs = {os.path.basename(d["source"]): d for d in _rows(out / "documents.csv")}
    assert docs["good.txt"]["status"] == "ok"
    assert docs["empty.docx"]["status"] == "empty"
    assert docs["noise.pdf"]["status"] in ("error", "unsupported")
    assert f"{folder / 'noise.pdf'}: {docs['noise.pdf']['status']}: " in result.stderr  # one line per failing file
    assert len(_rows(out / "figures.csv")) == 2


def test_all_ok_exits_zero(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("下辖15个社区。", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output


def test_usage_error_exits_two(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "missing.pdf")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_text_command_prints_normalised_text():
    result = CliRunner().invoke(main, ["text", str(SAMPLES / "06_fanti_yijian.txt")])
    assert result.exit_code == 0
    assert "社区" in result.output and "社區" not in result.output


def test_text_command_on_a_bad_file(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(main, ["text", str(p)])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {p}: error: damaged or truncated PDF")
    assert "Traceback" not in result.output


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name


def test_a_missing_model_is_one_line_naming_shequ_train(tmp_path, monkeypatch):
    from extract.standards import tagger

    monkeypatch.setattr(tagger, "model_path", lambda name: tmp_path / "nowhere" / name)
    tagger.tagger.cache_clear()
    try:
        f = tmp_path / "a.txt"
        f.write_text("下辖15个社区。", encoding="utf-8")
        result = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o"), "-j", "1"])
    finally:
        tagger.tagger.cache_clear()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no standards model at") and "shequ train" in result.stderr
    assert "Traceback" not in result.output


def test_an_internal_error_is_one_line_and_debug_after_the_subcommand_shows_it(tmp_path, monkeypatch):
    import extract.bulk

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(extract.bulk, "run", broken)
    f = tmp_path / "a.txt"
    f.write_text("下辖15个社区。", encoding="utf-8")
    plain = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o")])
    assert plain.exit_code == 1 and "internal error (ZeroDivisionError: a bug)" in plain.stderr
    assert "please report" in plain.stderr and "Traceback" not in plain.stderr
    debug = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o"), "--debug"])
    assert isinstance(debug.exception, ZeroDivisionError)  # the real traceback, not a one-liner


CONFIG = """
[[thresholds.threshold]]
id = "complete_community_activity_space"
value = 300
"""


def _extract_process(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "extract", "extract", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_a_config_file_overrides_a_threshold_and_the_run_records_it(tmp_path):
    import hashlib
    import json
    import sqlite3

    f = tmp_path / "in" / "a.txt"
    f.parent.mkdir()
    f.write_text("某社区工作总结\n某社区建成公共活动场地200平方米。\n", encoding="utf-8")
    config = tmp_path / "province.toml"
    config.write_text(CONFIG, encoding="utf-8")
    plain = _extract_process(f.parent, "-o", tmp_path / "plain", "-j", "1", "--no-report")
    assert plain.returncode == 0, plain.stderr
    assert not [r for r in _rows(tmp_path / "plain" / "flags.csv") if r["check"] == "below_threshold"]
    local = _extract_process(f.parent, "-o", tmp_path / "local", "-j", "1", "--no-report", "--config", config)
    assert local.returncode == 0, local.stderr
    assert [r["check"] for r in _rows(tmp_path / "local" / "flags.csv")] == ["below_threshold"]
    info = json.loads((tmp_path / "local" / "run.json").read_text(encoding="utf-8"))["settings"]
    assert info == {"file": str(config.resolve()), "sha256": hashlib.sha256(config.read_bytes()).hexdigest(),
                    "overrides": ["thresholds.toml"]}
    meta = dict(sqlite3.connect(tmp_path / "local" / "shequ.sqlite").execute("SELECT key, value FROM meta"))
    assert json.loads(meta["settings"]) == info
    # a rerun with other settings reprocesses the files; with the same, none
    again = _extract_process(f.parent, "-o", tmp_path / "local", "-j", "1", "--no-report")
    assert "(1 processed" in again.stderr and not _rows(tmp_path / "local" / "flags.csv")


def test_a_config_file_that_cannot_be_used_is_one_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("下辖15个社区。", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[nonsense]\nx = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o"), "--config", str(bad)])
    assert result.exit_code == 2 and "unknown section [nonsense]" in result.stderr and "Traceback" not in result.output


def test_progress_counts_the_pages_read_by_ocr():
    from extract.cli import Progress
    from extract.records import Document, page_count

    assert page_count("1-3,5") == 4 and page_count("") == 0
    progress = Progress(4, every_files=1)
    progress.tty = False
    for pages in ("", "1-3,5", "", "2"):
        progress.file_done(Document(source="x", doc_id="x", format="pdf", status="ok", ocr_pages=pages))
    assert progress.ocr_pages == 5
