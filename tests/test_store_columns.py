"""An output folder written before a column was added still takes new runs."""
from __future__ import annotations

import csv
import sqlite3

from click.testing import CliRunner

from extract.cli import main


def test_rerun_into_a_folder_whose_tables_lack_the_new_columns(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("全区共有52个社区。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--jobs", "1"]).exit_code == 0
    db = sqlite3.connect(out / "shequ.sqlite")
    for table, column in [("documents", "ocr_pages"), ("documents", "ocr_engine"), ("documents", "ocr_note"),
                          ("figures", "ocr"), ("figures", "ocr_confidence")]:
        db.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')  # as an earlier version wrote them
    db.commit()
    db.close()
    (src / "b.txt").write_text("投入经费1200万元。\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    figs = list(csv.DictReader((out / "figures.csv").open(encoding="utf-8")))
    assert {f["text"] for f in figs} == {"52个社区", "1200万元"}
    assert [f["ocr"] for f in figs if f["text"] == "1200万元"] == ["0"]
