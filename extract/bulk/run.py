"""A bulk run: many files into one output folder, in parallel, incrementally, with bounded memory.

`run()` lists the inputs, skips files the folder's database already holds unchanged, streams the
rest through an engine (`engines.py`) and stores each file's rows as they arrive, then runs the
cross-document checks, exports the tables and writes the report. Every file gets a row; none can
stall the batch: each runs under a time limit (and the readers' size and decompression limits)."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..audit.corpus import CorpusIndex
from ..pipeline import DEFAULT_TIME_LIMIT_S
from ..records import Document
from . import engines
from .exports import export_csv, export_jsonl, export_xlsx
from .outcome import warm_up, write_text
from .pages import start_pages, write_index
from .store import Store


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


def run(files: list[Path], out_dir: Path, options: RunOptions | None = None,
        progress: Callable[[Document], None] | None = None) -> RunSummary:
    """Process `files` into `out_dir` (shequ.sqlite, CSVs, text/, report/)."""
    options = options or RunOptions()
    if options.engine == "local":
        warm_up()  # a missing or mismatched model stops the run here, with one line, not once per file
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
    workers = engines.WorkerPool(jobs if options.engine == "local" else 1)
    try:
        _run(todo, out_dir, options, store, stats, workers, summary, progress)
    finally:
        workers.close()
        store.close()
    return summary


def _run(todo, out_dir, options, store, stats, workers, summary, progress) -> None:
    text_dir = out_dir / "text"
    stream = engines.dask(todo, options.scheduler, options.time_limit) if options.engine == "dask" \
        else engines.local(workers, todo, options.time_limit, str(text_dir))
    corpus = CorpusIndex(text_of=lambda digest: text_dir / f"{digest.doc_id}.txt")
    processed: set[str] = set()
    for outcome in stream:  # results stream in as workers finish: nothing is kept but the digests
        doc = outcome.document
        if outcome.text is not None:  # not written by the worker (a cluster's workers may not see this folder)
            write_text(text_dir, doc.doc_id, outcome.text)
        store.add_rows(doc.source, outcome.rows, stats.get(doc.source))
        corpus.add_digest(outcome.digest)
        processed.add(doc.source)
        summary.processed += 1
        if progress:
            progress(doc)
    # cross-document checks, exports and the report cover every document of the folder, also
    # those an earlier run processed (read back from the database)
    for result in store.results(text_dir, exclude=processed):
        corpus.add(result)
    cross = corpus.finish()
    store.replace_cross_doc_flags(cross)
    entries = start_pages(workers, store, out_dir, cross) if options.report else None
    summary.figures, summary.claims = store.count("figures"), store.count("standards")
    summary.flags = store.count("flags")
    summary.failed = store.failed()
    export_csv(store, out_dir, excel=options.excel)
    if options.jsonl:
        export_jsonl(store, out_dir)
    if options.xlsx:
        export_xlsx(store, out_dir)
    if entries is not None:
        write_index(out_dir, entries())
