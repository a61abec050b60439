"""Bulk runs: many files, in parallel, incrementally, with bounded memory.

`run()` reads the inputs, skips files the output folder's database already holds unchanged,
processes the rest in worker processes (`--jobs`) or on a Dask cluster (`--engine dask`),
stores each file's records as it arrives, then runs the cross-document checks, exports the
tables and writes the report. Every file gets a row; none can stall the batch: each runs under
a time limit (and the readers' size and decompression limits)."""
from __future__ import annotations

import itertools
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from .records import Document, Result

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT_S = 120


class FileTimeout(BaseException):
    """Raised by the per-file alarm. A BaseException, so that no `except Exception` on the way
    (a reader's fallback, a stage's error row) can swallow it and carry on without a limit."""


def _on_alarm(signum, frame):
    raise FileTimeout


def process_file(path: str, time_limit: int | None = DEFAULT_TIME_LIMIT_S) -> Result:
    """Process one file in a worker: never raises; a file over the time limit gets an error row."""
    from .pipeline import process

    use_alarm = bool(time_limit) and threading.current_thread() is threading.main_thread() \
        and hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(int(time_limit))
    try:
        try:
            return process(path)
        finally:
            if use_alarm:
                signal.alarm(0)  # disarmed before any handler below runs
    except FileTimeout:
        return Result(Document(source=path, doc_id="", format="", status="error",
                               error=f"time limit exceeded ({time_limit} s per file); see --time-limit"))
    except Exception as e:  # a bug must cost one row, not the batch; --debug logs the traceback
        log.debug("failed on %s", path, exc_info=True)
        return Result(Document(source=path, doc_id="", format="", status="error",
                               error=f"internal error ({type(e).__name__}: {' '.join(str(e).split())[:100]})"))
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, old)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one file, cheap to pickle: the document row (its text and
    sentences dropped), the rows of every table (`store.rows_of`), the digest the cross-document
    checks need, and the text only when the worker did not write it to `text/` itself."""

    document: Document
    rows: dict
    digest: object = None  # check.AuditDigest
    text: str | None = None


def write_text(text_dir: str | Path, doc_id: str, text: str) -> None:
    """`text_dir/<doc_id>.txt`, written atomically. Always rewritten: a new version of shequ may
    normalise the same file differently, and the database's offsets point into this text."""
    path = Path(text_dir) / f"{doc_id}.txt"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def outcome_of(result: Result, text_dir: str | None = None) -> Outcome:
    """A file's Outcome; with `text_dir` its text is written there instead of sent back."""
    from .check import audit_digest
    from .store import rows_of

    doc = result.document
    text = None
    if doc.status == "ok" and doc.doc_id:
        if text_dir:
            write_text(text_dir, doc.doc_id, doc.text)
        else:
            text = doc.text
    try:
        digest = audit_digest(result)
    except Exception:  # the file keeps its rows; it only drops out of the cross-document checks
        log.warning("cross-document digest failed on %s", doc.source, exc_info=True)
        digest = None
    return Outcome(replace(doc, text="", sentences=()), rows_of(result), digest, text)


def process_to_outcome(path: str, time_limit: int | None = DEFAULT_TIME_LIMIT_S,
                       text_dir: str | None = None) -> Outcome:
    """The per-document function every engine runs: process one file, return its Outcome."""
    return outcome_of(process_file(path, time_limit), text_dir)


def _warm_up() -> None:
    """Load the tokenizer and the model once per worker, not once per file."""
    from . import segment
    from .classify import tagger

    segment.load()
    tagger()


@dataclass
class RunOptions:
    jobs: int = 0  # 0: all cores
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # dask scheduler address
    time_limit: int = DEFAULT_TIME_LIMIT_S
    excel: bool = False
    xlsx: bool = False
    jsonl: bool = False
    report: bool = True
    incremental: bool = True


@dataclass
class RunSummary:
    files: int = 0
    processed: int = 0
    skipped: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (source, status, error)
    figures: int = 0
    claims: int = 0
    flags: int = 0


class _Workers:
    """The run's local worker processes, forked once (after the tokenizer and the model are loaded,
    so workers share them) and kept for both stages that spread: the documents, then the report
    pages. With one job everything runs in this process."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._warm = False

    def start(self, warm: bool) -> ProcessPoolExecutor | None:
        if self.pool is None and self.jobs > 1:
            if warm:
                _warm_up()
            self._warm = warm
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_warm_up if warm else None)
        return self.pool

    def restart(self) -> ProcessPoolExecutor:
        """A new pool after a worker died (a crash inside a library, the OOM killer)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        return self.start(self._warm)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _crashed(path: str) -> Outcome:
    from .store import rows_of

    doc = Document(source=path, doc_id="", format="", status="error",
                   error="the worker process died on this file (a crash inside a library, or out of memory)")
    return Outcome(doc, rows_of(Result(doc)))


def _local(workers: _Workers, paths: list[str], time_limit: int, text_dir: str) -> Iterable[Outcome]:
    if not paths:
        return
    if workers.jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield process_to_outcome(p, time_limit, text_dir)
        return
    pool = workers.start(warm=True)
    todo, pending = deque(paths), {}
    while todo or pending:
        suspects = []
        while todo and len(pending) < workers.jobs * 3:  # a bounded number of files in flight
            p = todo.popleft()
            try:
                pending[pool.submit(process_to_outcome, p, time_limit, text_dir)] = p
            except BrokenProcessPool:
                suspects.append(p)
                break
        if not suspects:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                p = pending.pop(f)
                try:
                    outcome = f.result()
                except BrokenProcessPool:
                    suspects.append(p)
                    continue
                yield outcome
        if not suspects:
            continue
        # a worker died: every file in flight is lost with the pool. Retry each alone in a fresh
        # pool, so the one that kills its worker again is known, gets an error row, and the run goes on
        suspects += pending.values()
        pending.clear()
        log.warning("a worker process died; retrying the %d files it may have taken along, one at a time",
                    len(suspects))
        pool = workers.restart()
        for p in suspects:
            try:
                outcome = pool.submit(process_to_outcome, p, time_limit, text_dir).result()
            except BrokenProcessPool:
                outcome = _crashed(p)
                pool = workers.restart()
            yield outcome


def report_pages(db_path: str, out_dir: str, sources: list[str], extra_flags: list,
                 shared: frozenset = frozenset()) -> list[dict]:
    """Write the report pages of `sources` from the run's database; their index entries, in order.
    Sources in `shared` are byte-identical copies of an earlier source: they link to its page."""
    from .report import ReportWriter
    from .store import Store

    store = Store(db_path, readonly=True)
    try:
        writer = ReportWriter(Path(out_dir), extra_flags)
        return [writer.page(r.document, r.figures, r.claims, r.flags, write=r.document.source not in shared)
                for r in store.results(Path(out_dir) / "text", only=sources)]
    finally:
        store.close()


def _report_entries(workers: _Workers, store, out_dir: Path, cross: list) -> Callable[[], list[dict]]:
    """Start writing the report pages, in the workers when there are enough documents; returns
    the function that waits for their index entries (the exports run meanwhile)."""
    doc_ids = store.doc_ids()
    sources = list(doc_ids)  # in source order
    owner: dict[str, str] = {}
    for src in sources:  # identical files share one page, written by the first of them
        owner.setdefault(doc_ids.get(src) or src, src)
    shared = frozenset(src for src in sources if owner[doc_ids.get(src) or src] != src)
    pool = workers.start(warm=False) if len(sources) >= 4 * workers.jobs else None
    if pool is None:
        return lambda: report_pages(str(store.path), str(out_dir), sources, cross, shared)
    size = -(-len(sources) // (workers.jobs * 4))
    futures = []
    for i in range(0, len(sources), size):
        chunk = sources[i:i + size]
        mine = {doc_ids.get(src) for src in chunk}  # pages take their flags by doc_id (identical files share one)
        futures.append(pool.submit(report_pages, str(store.path), str(out_dir), chunk,
                                   [f for f in cross if f.doc_id in mine], shared & set(chunk)))
    return lambda: [e for f in futures for e in f.result()]


def process_files(paths: list[str], time_limit: int | None = DEFAULT_TIME_LIMIT_S) -> list[Outcome]:
    """`process_to_outcome` for several files: one cluster task, so the scheduler's and the
    client's cost per task is shared by the files."""
    return [process_to_outcome(p, time_limit) for p in paths]


DASK_FILES_PER_TASK = 8  # files per cluster task
DASK_MIN_IN_FLIGHT = 32  # tasks kept in flight: at least this many, and 4 per worker


def _dask(paths: list[str], scheduler: str | None, time_limit: int) -> Iterable[Outcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("--engine dask needs dask.distributed: pip install 'shequ[dask]'") from None
    client = Client(scheduler) if scheduler else Client(processes=False)
    if time_limit:
        log.warning("--engine dask: the per-file time limit is not enforced (Dask runs tasks in threads, which "
                    "cannot take the alarm signal); the size and decompression limits still apply")
    try:
        size = DASK_FILES_PER_TASK
        tasks = iter([paths[j:j + size] for j in range(0, len(paths), size)])
        # a bounded number of tasks in flight, topped up as they finish: the scheduler's queue and
        # the client's memory stay small however many files there are, and no worker waits for a slice
        in_flight = max(DASK_MIN_IN_FLIGHT, 4 * len(client.scheduler_info().get("workers", {})))
        files_of = {}
        for task in itertools.islice(tasks, in_flight):
            files_of[client.submit(process_files, task, time_limit, pure=False)] = task
        pending = as_completed(list(files_of))
        for fut in pending:
            task = files_of.pop(fut)
            try:
                outcomes = fut.result()
            except Exception:  # a worker died on one of them (KilledWorker): each file alone, once more
                log.warning("a Dask task failed; retrying its %d files one at a time", len(task))
                outcomes = []
                for p in task:
                    try:
                        outcomes.extend(client.submit(process_files, [p], time_limit, pure=False).result())
                    except Exception:
                        outcomes.append(_crashed(p))
            yield from outcomes
            fut.release()
            task = next(tasks, None)
            if task is not None:
                nxt = client.submit(process_files, task, time_limit, pure=False)
                files_of[nxt] = task
                pending.add(nxt)
    finally:
        client.close()


def run(files: list[Path], out_dir: Path, options: RunOptions | None = None,
        progress: Callable[[Document], None] | None = None) -> RunSummary:
    """Process `files` into `out_dir` (shequ.sqlite, CSVs, text/, report/)."""
    from .store import Store

    options = options or RunOptions()
    out_dir = Path(out_dir)
    (out_dir / "text").mkdir(parents=True, exist_ok=True)
    store = Store(out_dir / "shequ.sqlite")
    summary = RunSummary(files=len(files))
    stats = {}
    for f in files:
        try:
            stats[str(f)] = f.stat()
        except OSError:
            stats[str(f)] = None
    store.forget_missing(set(stats))
    todo = [s for s, st in stats.items() if not (options.incremental and st and store.is_current(s, st))]
    summary.skipped = len(files) - len(todo)
    jobs = options.jobs or os.cpu_count() or 1
    workers = _Workers(jobs if options.engine == "local" else 1)
    try:
        _run(todo, out_dir, options, store, stats, workers, summary, progress)
    finally:
        workers.close()
        store.close()
    return summary


def _run(todo, out_dir, options, store, stats, workers, summary, progress) -> None:
    from .check import Auditor
    from .report import ReportWriter
    from .writers import export_csv, export_jsonl, export_xlsx

    text_dir = out_dir / "text"
    stream = _dask(todo, options.scheduler, options.time_limit) if options.engine == "dask" \
        else _local(workers, todo, options.time_limit, str(text_dir))
    auditor = Auditor(text_of=lambda digest: text_dir / f"{digest.doc_id}.txt")
    processed: set[str] = set()
    for outcome in stream:  # results stream in as workers finish: nothing is kept but the digests
        doc = outcome.document
        if outcome.text is not None:  # not written by the worker (a cluster's workers may not see this folder)
            write_text(text_dir, doc.doc_id, outcome.text)
        store.add_rows(doc.source, outcome.rows, stats.get(doc.source))
        auditor.add_digest(outcome.digest)
        processed.add(doc.source)
        summary.processed += 1
        if progress:
            progress(doc)
    # cross-document checks, exports and the report cover every document of the folder, also
    # those an earlier run processed (read back from the database)
    for result in store.results(text_dir, exclude=processed):
        auditor.add(result)
    cross = auditor.finish()
    store.replace_cross_doc_flags(cross)
    entries = _report_entries(workers, store, out_dir, cross) if options.report else None
    summary.figures, summary.claims = store.count("figures"), store.count("standards")
    summary.flags = store.count("flags")
    summary.failed = store.failed()
    export_csv(store, out_dir, excel=options.excel)
    if options.jsonl:
        export_jsonl(store, out_dir)
    if options.xlsx:
        export_xlsx(store, out_dir)
    if entries is not None:
        report = ReportWriter(out_dir)
        for entry in entries():
            report.add_entry(entry)
        report.close()
