"""The run's database and the output side: schema (keys, foreign keys, names, NULL), full-text
search, Datasette, a database of an older schema, a column a new field needs, one run per folder,
folders that cannot be written, subsets and reruns, Excel-safe exports."""
from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.bulk import RunOptions, iter_inputs, run
from extract.bulk.exports import XLSX_CELL_LIMIT, _xlsx_cell, excel_safe
from extract.bulk.run import folder_lock
from extract.bulk.store import OWNED, SCHEMA_VERSION
from extract.cli import main
from extract.records import Figure, Flag, columns

TEXT = "青石街道辖区面积12.5平方公里，下辖{n}个社区，投入资金{m}万元。\n"
PAYLOAD = '=HYPERLINK("http://example.invalid/x","点击查看")'
# the DDL of schema 1 (the first release's store), to make a folder an older shequ wrote
SCHEMA_1 = [
    'CREATE TABLE documents ("source" TEXT, "doc_id" TEXT, "format" TEXT, "status" TEXT, "encoding" TEXT, '
    '"pages" INTEGER, "chars" INTEGER, "title" TEXT, "error" TEXT, sentences TEXT)',
    'CREATE TABLE figures ("source" TEXT, "doc_id" TEXT, "page" INTEGER, "start" INTEGER, "end" INTEGER, '
    '"text" TEXT, "quantity" TEXT, "kind" TEXT, "value" REAL, "value_max" REAL, "unit" TEXT, "approx" TEXT, '
    '"counted" TEXT, "subject" TEXT, "entity" TEXT, "year" TEXT, "role" TEXT, "sentence" TEXT, "rule" TEXT)',
    'CREATE TABLE flags ("source" TEXT, "doc_id" TEXT, "check" TEXT, "severity" TEXT, "message" TEXT, '
    '"figures" TEXT, "evidence" TEXT, "start" INTEGER, "end" INTEGER, cross_doc INTEGER DEFAULT 0)',
    "CREATE TABLE files (source TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, doc_id TEXT, tool_version TEXT)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    "INSERT INTO meta VALUES ('schema_version', '1')",
]


def _folder(tmp_path, n=3, name="in"):
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"r{i}.txt").write_text(TEXT.format(n=8 + i, m=100 + i), encoding="utf-8")
    return folder


def _rows(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _db(out):
    return sqlite3.connect(out / "shequ.sqlite")


def _extract(*args):
    return CliRunner().invoke(main, ["extract", *map(str, args)])


# --- the schema --------------------------------------------------------------------------------

def test_tables_have_keys_foreign_keys_plain_names_and_null_for_none(tmp_path):
    out = tmp_path / "out"
    run(iter_inputs((_folder(tmp_path),)), out, RunOptions(jobs=1, report=False))
    db = _db(out)
    assert [r[1] for r in db.execute("PRAGMA table_info(documents)") if r[5]] == ["source"]  # primary key
    for table in ("figures", "standards", "honours", "flags", "sentences", "digests", "files"):
        fks = db.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        assert [(r[2], r[3], r[4], r[6]) for r in fks] == [("documents", "source", "source", "CASCADE")], table
    cols = {r[1] for r in db.execute("PRAGMA table_info(figures)")} | {r[1] for r in db.execute("PRAGMA table_info(flags)")}
    assert {"start_char", "end_char", "check_name"} <= cols and not {"start", "end", "check"} & cols
    assert db.execute("SELECT count(*) FROM figures WHERE approx=''").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM figures WHERE approx IS NULL").fetchone()[0] > 0
    indexed = {r[2] for r in db.execute("SELECT * FROM sqlite_master WHERE type='index'")}
    assert {"figures", "flags", "standards", "documents"} <= indexed
    # the CSV headers stay the field names
    assert list(_rows(out / "figures.csv")[0]) == columns(Figure)
    assert open(out / "flags.csv", encoding="utf-8").readline().strip() == ",".join(columns(Flag))


def test_full_text_search_returns_the_sentence(tmp_path):
    out = tmp_path / "out"
    run(iter_inputs((_folder(tmp_path),)), out, RunOptions(jobs=1, report=False))
    hits = _db(out).execute(
        "SELECT s.source, s.text, s.start_char, s.end_char FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
        "WHERE sentences_fts MATCH ? ORDER BY s.source", ('"下辖9个社区"',)).fetchall()
    assert len(hits) == 1 and hits[0][0].endswith("r1.txt")
    assert "下辖9个社区" in hits[0][1]
    doc_id = _rows(out / "documents.csv")[1]["doc_id"]
    text = (out / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert text[hits[0][2]:hits[0][3]] == hits[0][1]  # the offsets point into text/


def test_a_full_rerun_writes_what_a_fresh_run_writes(tmp_path):
    folder = _folder(tmp_path)
    again, fresh = tmp_path / "again", tmp_path / "fresh"
    run(iter_inputs((folder,)), again, RunOptions(jobs=1, report=False))
    (folder / "r1.txt").write_text(TEXT.format(n=19, m=300), encoding="utf-8")  # 下辖9个 -> 下辖19个
    run(iter_inputs((folder,)), again, RunOptions(jobs=1, report=False, incremental=False))
    run(iter_inputs((folder,)), fresh, RunOptions(jobs=1, report=False))
    for table in ("documents", "figures", "standards", "flags"):
        assert _rows(again / f"{table}.csv") == _rows(fresh / f"{table}.csv"), table
    search = "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?"
    assert _db(again).execute(search, ('"下辖19个社区"',)).fetchone() == (1,)
    assert _db(again).execute(search, ('"下辖9个社区"',)).fetchone() == (0,)  # the old text left the index
    (folder / "r2.txt").unlink()
    summary = run(iter_inputs((folder / "r0.txt",)), again, RunOptions(jobs=1, report=False, incremental=False))
    assert len(summary.pruned) == 1 and summary.pruned[0].endswith("r1.txt")  # r2 is gone, r1 pruned
    assert [r["source"] for r in _rows(again / "documents.csv")] == [str(folder / "r0.txt")]
    assert len(list((again / "text").iterdir())) == 1


def test_deleting_a_document_removes_its_rows_and_its_search_entries(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=False))
    (folder / "r1.txt").unlink()
    run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=False))
    db = _db(out)
    assert db.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH '\"下辖9个社区\"'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM figures WHERE source LIKE '%r1.txt'").fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_datasette_accepts_the_metadata_and_searches_sentences(tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    out = tmp_path / "out"
    run(iter_inputs((_folder(tmp_path),)), out, RunOptions(jobs=1, report=False))
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))

    async def browse():
        ds = datasette_app.Datasette([str(out / "shequ.sqlite")], metadata=metadata)
        await ds.invoke_startup()
        figures = (await ds.client.get("/shequ/figures.json?_shape=objects&_facet=kind")).json()
        search = (await ds.client.get("/shequ/sentences.json?_shape=objects&_search=下辖9个社区")).json()
        table = await ds.client.get("/shequ/figures")
        return figures, search, table

    figures, search, table = asyncio.run(browse())
    assert {f["value"] for f in figures["facet_results"]["kind"]["results"]} >= {"community_count", "funding"}
    assert [r["text"] for r in search["rows"]] == [s for s in [r["text"] for r in search["rows"]] if "下辖9个社区" in s]
    assert len(search["rows"]) == 1
    assert table.status_code == 200 and metadata["databases"]["shequ"]["tables"]["figures"]["description"] in table.text


# --- schema versions and migration ---------------------------------------------------------------

def test_a_store_of_the_previous_schema_is_refused_then_rebuilt_with_full(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    out.mkdir()
    db = _db(out)
    for ddl in SCHEMA_1:
        db.execute(ddl)
    db.execute("INSERT INTO figures (\"source\", \"rule\") VALUES ('old.txt', 'money.v1')")
    db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, note TEXT)")  # another tool's table
    db.execute("INSERT INTO reviews (note) VALUES ('checked')")
    db.commit()
    db.close()
    refused = _extract(folder, "-o", out, "-j", "1")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    [line] = refused.stderr.strip().splitlines()
    assert "older shequ" in line and "--full" in line and "new folder" in line
    rebuilt = _extract(folder, "-o", out, "-j", "1", "--full")
    assert rebuilt.exit_code == 0, rebuilt.output
    db = _db(out)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert db.execute("SELECT note FROM reviews").fetchall() == [("checked",)]  # never touched
    assert {r["rule"] for r in _rows(out / "figures.csv")} >= {"count.v1"}
    assert not any(r["source"] == "old.txt" for r in _rows(out / "figures.csv"))


def test_a_column_a_new_field_needs_is_added_and_holds_values_not_its_name(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=False))
    db = _db(out)
    db.execute("DROP INDEX IF EXISTS figures_kind")
    db.execute("ALTER TABLE figures DROP COLUMN rule")  # the store as a version without the field wrote it
    db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    db.commit()
    db.close()
    for full in (False, True):
        run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=False, incremental=not full))
        rules = {r["rule"] for r in _rows(out / "figures.csv")}
        assert "rule" not in rules
    assert rules >= {"count.v1", "money.v1"}
    assert "reviews" in {n for (n,) in _db(out).execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_the_store_owns_only_its_tables():
    assert "reviews" not in OWNED and {"documents", "figures", "sentences_fts", "meta"} <= set(OWNED)


# --- one run at a time, and the output side --------------------------------------------------------

def test_a_second_run_into_a_folder_in_use_exits_two(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    out.mkdir()
    with folder_lock(out):
        result = _extract(folder, "-o", out, "-j", "1")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "in use by another shequ run" in line and f"pid {os.getpid()}" in line
    assert _extract(folder, "-o", out, "-j", "1").exit_code == 0  # released


def test_the_lock_is_released_when_its_run_is_killed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from extract.bulk.run import folder_lock\nwith folder_lock(Path(sys.argv[1])):\n"
                               "    print('locked', flush=True); time.sleep(60)", str(out)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    assert _extract(_folder(tmp_path), "-o", out, "-j", "1").exit_code == 2
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert _extract(_folder(tmp_path), "-o", out, "-j", "1").exit_code == 0


def test_output_folder_under_a_file_and_a_corrupt_database_are_one_line(tmp_path):
    folder = _folder(tmp_path)
    (tmp_path / "afile").write_text("x")
    under = _extract(folder, "-o", tmp_path / "afile" / "out")
    assert under.exit_code == 2 and "Traceback" not in under.output
    assert len(under.stderr.strip().splitlines()) == 1 and "cannot use" in under.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "shequ.sqlite").write_bytes(b"this is no database" * 200)
    corrupt = _extract(folder, "-o", bad)
    assert corrupt.exit_code == 2 and "Traceback" not in corrupt.output
    [line] = corrupt.stderr.strip().splitlines()
    assert "not a readable SQLite database" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = _extract(_folder(tmp_path), "-o", out)
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_one_line_naming_it(tmp_path, small_disk):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"r{i}.txt").write_text(TEXT.format(n=i, m=i) * 200 + os.urandom(8).hex(), encoding="utf-8")
    result = _extract(folder, "-o", small_disk / "out", "-j", "1", "--no-report")
    assert result.exit_code == 1 and "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:") and "disk is full" in last and "rollback" not in last


def test_workers_die_with_the_main_process(tmp_path):
    psutil = pytest.importorskip("psutil")
    folder = _folder(tmp_path, 300)
    proc = subprocess.Popen([sys.executable, "-m", "extract", "extract", str(folder), "-o", str(tmp_path / "out"),
                             "-j", "2", "--no-report"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    children = []
    while time.time() < deadline and len(children) < 2 and proc.poll() is None:
        children = psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.05)
    if proc.poll() is not None or len(children) < 2:
        pytest.skip("the run ended before its workers could be seen")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive


# --- subsets, names and reruns -----------------------------------------------------------------------

def test_a_run_on_a_subset_keeps_the_other_documents_unless_pruned(tmp_path):
    folder, out = _folder(tmp_path, 4), tmp_path / "out"
    assert _extract(folder, "-o", out, "-j", "1").exit_code == 0
    pages = sorted(p.name for p in (out / "report").glob("doc-*.html"))
    one = _extract(folder / "r0.txt", "-o", out, "-j", "1")
    assert one.exit_code == 0 and "3 earlier documents kept" in one.stderr
    assert len(_rows(out / "documents.csv")) == 4
    assert sorted(p.name for p in (out / "report").glob("doc-*.html")) == pages
    pruned = _extract(folder / "r0.txt", "-o", out, "-j", "1", "--prune")
    assert pruned.exit_code == 0 and "dropped 3 documents not among the inputs" in pruned.stderr
    docs = _rows(out / "documents.csv")
    assert [os.path.basename(d["source"]) for d in docs] == ["r0.txt"]
    assert [p.stem for p in (out / "text").glob("*.txt")] == [docs[0]["doc_id"]]
    assert len(list((out / "report").glob("doc-*.html"))) == 1
    assert (out / "report" / "index.html").read_text(encoding="utf-8").count("<tr data-status") == 1


def test_a_file_named_another_way_is_the_same_file(tmp_path, monkeypatch):
    folder, out = _folder(tmp_path), tmp_path / "out"
    first = run(iter_inputs((folder.resolve(),)), out, RunOptions(jobs=1, report=False))
    monkeypatch.chdir(tmp_path)
    again = run(iter_inputs((Path("in"),)), out, RunOptions(jobs=1, report=False))
    assert (first.processed, again.processed, again.skipped) == (3, 0, 3)
    assert sorted(d["source"] for d in _rows(out / "documents.csv")) == [f"in/r{i}.txt" for i in range(3)]
    assert {f["source"] for f in _rows(out / "figures.csv")} == {f"in/r{i}.txt" for i in range(3)}


def test_a_rerun_with_nothing_changed_rewrites_nothing(tmp_path):
    folder, out = _folder(tmp_path, 6), tmp_path / "out"
    run(iter_inputs((folder,)), out, RunOptions(jobs=1, xlsx=True))
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "shequ.sqlite"
               and not p.name.startswith("shequ.sqlite-") and p.name not in (".shequ.lock", "run.json")}
    again = run(iter_inputs((folder,)), out, RunOptions(jobs=1))
    assert (again.processed, again.exports, again.pages) == (0, [], 0)
    assert {p: p.stat().st_mtime_ns for p in written} == written
    (folder / "r2.txt").write_text(TEXT.format(n=50, m=1), encoding="utf-8")
    third = run(iter_inputs((folder,)), out, RunOptions(jobs=1))
    assert third.processed == 1 and third.pages == 1
    assert "shequ.xlsx" in third.exports  # the folder's XLSX is kept up to date, not left stale
    from openpyxl import load_workbook

    values = [r[5].value for r in load_workbook(out / "shequ.xlsx")["figures"].iter_rows(min_row=2)]
    assert values.count("50个社区") == 1


def test_an_empty_input_folder_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _extract(tmp_path / "empty", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "no files to read" in result.stderr


def test_progress_in_a_log_and_the_stages_after_reading(tmp_path):
    result = _extract(_folder(tmp_path, 5), "-o", tmp_path / "out", "-j", "1")
    lines = result.stderr.splitlines()
    assert "reading 5 files" in lines and any(l.startswith("reading: 5/5 files (100%)") for l in lines)
    for stage in ("full-text index …", "cross-document checks …", "report pages …", "exports …", "report index …"):
        assert stage in lines


# --- Excel-safe exports -------------------------------------------------------------------------------

def test_a_formula_in_a_report_arrives_as_inert_text_in_csv_and_xlsx(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{PAYLOAD}\n{PAYLOAD}全区下辖52个社区。\n-12个社区未达标。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _extract(folder, "-o", out, "-j", "1", "--xlsx", "--excel").exit_code == 0
    doc = _rows(out / "documents.csv")[0]
    assert doc["title"] == "'" + PAYLOAD
    sentences = [f["sentence"] for f in _rows(out / "figures.csv")]
    assert sentences and all(not s.startswith(("=", "-", "+", "@")) for s in sentences)
    assert any(s.startswith("'=HYPERLINK") for s in sentences)
    from openpyxl import load_workbook

    wb = load_workbook(out / "shequ.xlsx")
    cells = [c for row in wb["figures"].iter_rows(min_row=2) for c in row] + \
        [c for row in wb["documents"].iter_rows(min_row=2) for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]  # no formula anywhere
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") for c in cells)
    values = [c.value for c in wb["figures"]["I"][1:]]  # the value column stays numeric
    assert values and all(isinstance(v, (int, float)) for v in values)
    ws = wb["figures"]
    from openpyxl.utils import get_column_letter

    from extract.records import Figure, columns
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith(f"A1:{get_column_letter(len(columns(Figure)))}")
    assert ws.column_dimensions["R"].width > ws.column_dimensions["C"].width  # sentence wider than page


def test_excel_safe_and_long_cells():
    assert excel_safe("=1+1") == "'=1+1" and excel_safe("@SUM(A1)") == "'@SUM(A1)"
    assert excel_safe("\tx") == "'\tx" and excel_safe("\rx") == "'\rx" and excel_safe("+86") == "'+86"
    assert excel_safe("全区52个社区") == "全区52个社区" and excel_safe(-5) == -5 and excel_safe(None) is None
    long = "社" * (XLSX_CELL_LIMIT + 10)
    cut = _xlsx_cell(long, "…[{chars}]")
    assert len(cut) == XLSX_CELL_LIMIT and cut.endswith(f"…[{len(long)}]")


def test_a_digest_read_back_from_the_store_is_the_one_the_worker_made(tmp_path):
    from extract.audit.corpus import digest
    from extract.bulk.store import digest_of, digest_row
    from extract.pipeline import process_file

    p = tmp_path / "a.txt"
    p.write_text("青石街道社区建设工作总结\n" + "青石街道下辖8个社区，常住人口4.2万人，全年投入社区建设资金860万元，服务用房面积达到420平方米。\n" * 3,
                 encoding="utf-8")
    made = digest(process_file(p))
    back = digest_of(digest_row(made))
    assert (back.source, back.doc_id, back.title, back.measures) == (made.source, made.doc_id, made.title, made.measures)
    assert dict(back.passages) == made.passages and made.passages
    assert list(back.signature) == list(made.signature)


def test_a_read_only_file_system_is_one_line(tmp_path):
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=100k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        result = _extract(_folder(tmp_path), "-o", mnt / "out")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert "cannot use" in line and "Read-only file system" in line
