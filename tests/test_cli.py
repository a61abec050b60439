"""The shequ command through click's CliRunner: outputs, exit codes, errors without tracebacks."""
from __future__ import annotations

import csv
import os

from click.testing import CliRunner

from extract.cli import main
from extract.records import Document, Figure, columns

from conftest import SAMPLES


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
    assert result.exit_code in (0, 1)
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
    assert "noise.pdf" in result.output  # one line per failing file on stderr
    assert len(_rows(out / "figures.csv")) == 2


def test_all_ok_exits_zero(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("下辖15个社区。", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(f), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output


def test_usage_error_exits_two(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "missing.pdf")])
    assert result.exit_code == 2


def test_text_command_prints_normalised_text():
    result = CliRunner().invoke(main, ["text", str(SAMPLES / "06_fanti_yijian.txt")])
    assert result.exit_code == 0
    assert "社区" in result.output and "社區" not in result.output


def test_text_command_on_a_bad_file(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(main, ["text", str(p)])
    assert result.exit_code == 1 and result.output.startswith("Error:") or "Error:" in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name
