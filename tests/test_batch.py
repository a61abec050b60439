"""Bulk runs: incremental reruns, resuming after SIGKILL, parallel workers, time limits, exports,
the Dask engine, and a folder of bad files next to good ones."""
from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest
from click.testing import CliRunner

import extract.readers
from extract.bulk import RunOptions, engines, iter_inputs, outcome, run
from extract.cli import main
from extract.pipeline import process_file

from helpers import REPORT_LINES, make_samples

TEXT = "青石街道辖区面积12.5平方公里，下辖{n}个社区，投入资金{m}万元。\n"


def _folder(tmp_path, n=3):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"r{i}.txt").write_text(TEXT.format(n=8 + i, m=100 + i), encoding="utf-8")
    return folder


def _run(folder, out, **kw):
    return run(iter_inputs((folder,)), out, RunOptions(report=False, **kw))


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_rerun_processes_only_new_or_changed_files(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    assert _run(folder, out, jobs=1).processed == 3
    again = _run(folder, out, jobs=1)
    assert (again.processed, again.skipped) == (0, 3)
    (folder / "r1.txt").write_text(TEXT.format(n=20, m=5), encoding="utf-8")
    (folder / "new.txt").write_text(TEXT.format(n=30, m=7), encoding="utf-8")
    (folder / "r2.txt").unlink()
    third = _run(folder, out, jobs=1)
    assert (third.processed, third.skipped) == (2, 1)
    docs = _rows(out / "documents.csv")
    assert sorted(os.path.basename(d["source"]) for d in docs) == ["new.txt", "r0.txt", "r1.txt"]
    values = {float(f["value"]) for f in _rows(out / "figures.csv") if f["kind"] == "community_count"}
    assert values == {8, 20, 30}


def test_parallel_run_gives_the_same_tables(tmp_path):
    folder = _folder(tmp_path, 6)
    _run(folder, tmp_path / "one", jobs=1)
    _run(folder, tmp_path / "two", jobs=2)
    for table in ("documents", "figures", "standards", "flags"):
        assert (tmp_path / "one" / f"{table}.csv").read_text() == (tmp_path / "two" / f"{table}.csv").read_text()


def test_report_pages_written_by_workers_equal_those_written_in_process(tmp_path):
    folder = _folder(tmp_path, 10)  # enough documents for the pages to be spread over the workers
    (folder / "r0_copy.txt").write_text((folder / "r0.txt").read_text(encoding="utf-8") * 3, encoding="utf-8")
    (folder / "a_same_as_r5.txt").write_bytes((folder / "r5.txt").read_bytes())  # identical files share a page
    for jobs in (1, 2):
        run(iter_inputs((folder,)), tmp_path / f"j{jobs}", RunOptions(jobs=jobs))
    one, two = (sorted((tmp_path / f"j{j}" / "report").iterdir()) for j in (1, 2))
    assert [p.name for p in one] == [p.name for p in two] and len(one) == 11 + 1
    for a, b in zip(one, two):
        assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    index = (tmp_path / "j2" / "report" / "index.html").read_text(encoding="utf-8")
    assert index.count("<a href='doc-") == 12  # both identical files link to their one page


def test_killed_run_resumes(tmp_path):
    n = 400  # enough that the run is still storing documents when it is killed
    folder = _folder(tmp_path, n)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "extract", "extract", str(folder), "-o", str(out), "-j", "1", "--no-report"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "shequ.sqlite"
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            try:
                done = sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                done = 0
            if done >= 3:
                break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 3 <= kept < n
    resumed = _run(folder, out, jobs=1)
    assert resumed.processed == n - kept and resumed.skipped == kept
    assert len(_rows(out / "documents.csv")) == n


def test_time_limit_gives_an_error_row(tmp_path, monkeypatch):
    def slow(path, data, fmt):
        time.sleep(5)

    monkeypatch.setattr(extract.readers, "read", slow)
    p = tmp_path / "a.txt"
    p.write_text("x", encoding="utf-8")
    start = time.time()
    result = process_file(str(p), time_limit=1)
    assert time.time() - start < 4
    assert result.document.status == "error" and "time limit" in result.document.error


def test_time_limit_is_not_swallowed_by_a_fallback(tmp_path, monkeypatch):
    """A PDF whose pdfium read runs out of time must not go on to the pdfplumber fallback."""
    from extract.readers import pdf

    calls = []

    def slow(name):
        def read(*args):
            calls.append(name)
            time.sleep(3)
            raise RuntimeError("unreachable in time")
        return read

    monkeypatch.setattr(pdf, "_read_pdfium", slow("pdfium"))
    monkeypatch.setattr(pdf, "_read_pdfplumber", slow("pdfplumber"))
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.4\n%%EOF\n")
    start = time.time()
    result = process_file(str(p), time_limit=1)
    assert time.time() - start < 2.5 and calls == ["pdfium"]
    assert result.document.status == "error" and "time limit" in result.document.error


def test_xlsx_jsonl_and_excel_csv(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    _run(folder, out, jobs=1, xlsx=True, jsonl=True, excel=True)
    assert (out / "figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = [json.loads(l) for l in (out / "figures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 9 and rows[0]["source"].endswith("r0.txt")
    from openpyxl import load_workbook

    wb = load_workbook(out / "shequ.xlsx", read_only=True)
    assert set(wb.sheetnames) >= {"documents", "figures", "standards", "honours", "flags"}
    assert sum(1 for _ in wb["figures"].iter_rows()) == 10


def test_dask_engine_on_a_local_cluster(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    folder = _folder(tmp_path, 9)
    # 5 tasks of at most 2 files, at most 4 in flight: the client tops up the queue as tasks finish
    monkeypatch.setattr(engines, "DASK_FILES_PER_TASK", 2)
    monkeypatch.setattr(engines, "DASK_MIN_IN_FLIGHT", 1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        summary = _run(folder, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)
    assert summary.processed == 9 and not summary.failed
    _run(folder, tmp_path / "local", jobs=1)
    assert (tmp_path / "dask" / "figures.csv").read_text() == (tmp_path / "local" / "figures.csv").read_text()


def test_folder_of_bad_files_next_to_good_ones(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("\n".join(REPORT_LINES), encoding="utf-8")
    make_samples.write_pdf(folder / "good.pdf", REPORT_LINES)
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "random.docx").write_bytes(os.urandom(3000))
    (folder / "truncated.pdf").write_bytes((folder / "good.pdf").read_bytes()[:400])
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(110):
                f.write(b"\0" * (1 << 20))
    (folder / "image.doc").write_bytes(b"GIF89a" + os.urandom(100))  # PNG, JPEG and TIFF go to OCR
    locked = folder / "locked.txt"
    locked.write_text("全区52个社区。", encoding="utf-8")
    locked.chmod(0)
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(tmp_path / "out"), "-j", "2"])
    locked.chmod(0o644)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    docs = {os.path.basename(d["source"]): d for d in _rows(tmp_path / "out" / "documents.csv")}
    assert len(docs) == 8  # one row per file
    assert docs["good.txt"]["status"] == docs["good.pdf"]["status"] == "ok"
    assert docs["zero.pdf"]["status"] == "empty"
    assert docs["bomb.docx"]["status"] == "error" and "zip bomb" in docs["bomb.docx"]["error"]
    assert docs["image.doc"]["status"] == "unsupported"
    if os.geteuid() != 0:  # root reads files whatever their permissions
        assert docs["locked.txt"]["status"] == "error" and "cannot open" in docs["locked.txt"]["error"]
    figs = [f for f in _rows(tmp_path / "out" / "figures.csv") if f["source"].endswith("good.pdf")]
    assert len(figs) >= 10  # the good files are fully mined


def test_a_fresh_process_runs_with_two_jobs(tmp_path):
    """What a user runs: a new process that opens the dictionary and the model, forks its workers
    and writes every output (in-process tests share an already opened dictionary)."""
    folder, out = _folder(tmp_path, 6), tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "extract", "extract", str(folder), "-o", str(out), "-j", "2"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(_rows(out / "documents.csv")) == 6 and (out / "report" / "index.html").exists()
    assert {float(f["value"]) for f in _rows(out / "figures.csv") if f["kind"] == "community_count"} == \
        {8, 9, 10, 11, 12, 13}


def test_a_file_that_kills_its_worker_costs_one_row(tmp_path, monkeypatch):
    """A crash inside a library (a segfault, the OOM killer) kills the worker process and the pool
    with it: the files in flight are retried one by one, the one that kills again gets an error
    row, and every other file is mined."""
    folder = _folder(tmp_path, 8)
    (folder / "r3_crash.txt").write_text(TEXT.format(n=99, m=1), encoding="utf-8")
    real = extract.readers.read

    def read(path, data=None, fmt=None):
        if "crash" in str(path):  # stands for a segfault in a reader library
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, data, fmt)

    monkeypatch.setattr(extract.readers, "read", read)  # the forked workers inherit it
    summary = _run(folder, tmp_path / "out", jobs=2)
    assert summary.processed == 9
    assert [(os.path.basename(s), st) for s, st, _ in summary.failed] == [("r3_crash.txt", "error")]
    assert "worker process died" in summary.failed[0][2]
    assert len([d for d in _rows(tmp_path / "out" / "documents.csv") if d["status"] == "ok"]) == 8


def test_text_is_rewritten_when_a_file_is_processed_again(tmp_path):
    """A new version of shequ may normalise a file differently; the offsets stored in the database
    must point into the text on disk, so text/ never keeps an old version."""
    folder, out = _folder(tmp_path, 2), tmp_path / "out"
    _run(folder, out, jobs=1)
    [stale, *_] = sorted((out / "text").glob("*.txt"))
    fresh = stale.read_text(encoding="utf-8")
    stale.write_text("an older normalisation of the same file\n", encoding="utf-8")
    _run(folder, out, jobs=1, incremental=False)
    assert stale.read_text(encoding="utf-8") == fresh


def test_dask_task_that_fails_is_retried_file_by_file(tmp_path, monkeypatch):
    """A cluster task that fails (a worker killed under it) is retried one file at a time; the file
    that fails again gets an error row and the others are mined."""
    distributed = pytest.importorskip("distributed")
    folder = _folder(tmp_path, 5)
    (folder / "r1_crash.txt").write_text(TEXT.format(n=99, m=1), encoding="utf-8")
    real = outcome.outcomes_for

    def outcomes_for(paths, time_limit=None, settings=None):
        if any("crash" in p for p in paths):
            raise RuntimeError("worker killed")  # what KilledWorker looks like to the client
        return real(paths, time_limit, settings)

    monkeypatch.setattr(engines, "outcomes_for", outcomes_for)
    monkeypatch.setattr(engines, "DASK_FILES_PER_TASK", 3)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        summary = _run(folder, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)
    assert summary.processed == 6
    assert [(os.path.basename(s), st) for s, st, _ in summary.failed] == [("r1_crash.txt", "error")]
    assert "RuntimeError: worker killed" in summary.failed[0][2]  # the task's own exception, not a guess
    assert len([d for d in _rows(tmp_path / "dask" / "documents.csv") if d["status"] == "ok"]) == 5


def test_a_failing_stage_keeps_the_row_and_what_came_before(tmp_path, monkeypatch):
    """A bug in classification costs the file its claims, not its document row or its figures."""
    import extract.standards

    def broken(document):
        raise KeyError("boom")

    monkeypatch.setattr(extract.standards, "classify_document", broken)
    p = tmp_path / "a.txt"
    p.write_text(TEXT.format(n=8, m=100), encoding="utf-8")
    result = process_file(p)
    assert result.document.status == "error" and result.document.doc_id
    assert result.document.error.startswith("standards classification failed (KeyError")
    assert [f.value for f in result.figures if f.kind == "community_count"] == [8]
    assert not result.claims
