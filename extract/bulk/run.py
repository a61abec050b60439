"""A bulk run: many files into one output folder, in parallel, incrementally, with bounded memory.

`run()` takes the folder's lock (one run at a time), lists the inputs by resolved path, skips
files the folder's database already holds unchanged, streams the rest through an engine
(`engines.py`) and stores each file's rows as they arrive; then, only when something changed, runs
the cross-document checks from the stored digests, writes the report pages of the documents that
changed, and re-exports the tables that changed. Every file gets a row; none can stall the batch:
each runs under a time limit (and the readers' size and decompression limits). A problem of the
output side (a folder that cannot be written, a corrupt database, a full disk) is one
`OutputError` line."""
from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..audit.corpus import CHECKS_VERSION, CorpusIndex, digest
from ..pipeline import DEFAULT_TIME_LIMIT_S
from ..names import display_name, os_name
from ..records import Document
from ..resources import settings_info
from . import engines
from .outcome import INHERITED_FDS
from .exports import export_all
from .outcome import warm_up, write_text
from .pages import REPORT_VERSION, start_pages, write_index
from .store import SCHEMA_VERSION, OutputError, Store

LOCK_NAME = ".shequ.lock"


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
    incremental: bool = True  # False (--full): reprocess every file, drop documents not among the inputs
    prune: bool = False  # drop the documents of files that are not among the inputs


@dataclass
class RunSummary:
    files: int = 0
    processed: int = 0
    skipped: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (source, status, error)
    warned: list[tuple[str, str]] = field(default_factory=list)  # (source, warning) of documents read with one
    figures: int = 0
    claims: int = 0
    flags: int = 0
    gone: list[str] = field(default_factory=list)  # documents dropped: their file no longer exists
    pruned: list[str] = field(default_factory=list)  # documents dropped: not among the inputs (--prune, --full)
    kept: int = 0  # documents of earlier runs kept although not among the inputs
    exports: list[str] = field(default_factory=list)  # files (re)written this run
    pages: int = 0  # report pages written this run


def _prepare(out_dir: Path) -> None:
    try:
        (out_dir / "text").mkdir(parents=True, exist_ok=True)
        (out_dir / "report").mkdir(exist_ok=True)
    except FileExistsError as e:
        raise OutputError(f"cannot use {out_dir} as output folder: {e.filename} exists and is not a folder") from None
    except OSError as e:
        raise OutputError(f"cannot use {out_dir} as output folder: {e.strerror or e}"
                          f"{f' ({e.filename})' if e.filename else ''}") from None
    if not os.access(out_dir, os.W_OK):
        raise OutputError(f"cannot use {out_dir} as output folder: it is not writable")


@contextmanager
def folder_lock(out_dir: Path):
    """One run at a time per output folder: an flock on DIR/.shequ.lock, which the kernel releases
    when the process ends however it ends (SIGKILL included); forked workers close their copy."""
    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise OutputError(f"cannot use {out_dir} as output folder: {e.strerror or e}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK):
                raise OutputError(f"cannot lock {path}: {e.strerror or e}") from None
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            raise OutputError(f"{out_dir} is in use by another shequ run{f' (pid {holder})' if holder else ''}: "
                              "wait for it to finish, or write to another folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        INHERITED_FDS.add(fd)
        yield
    finally:
        INHERITED_FDS.discard(fd)
        os.close(fd)


def run(files: list[Path], out_dir: Path, options: RunOptions | None = None,
        progress: Callable[[Document], None] | None = None,
        phase: Callable[..., None] | None = None) -> RunSummary:
    """Process `files` into `out_dir` (shequ.sqlite, CSVs, text/, report/). `progress` is called
    with each document as it is stored, `phase` with the name of each stage ("reading" with the
    number of files to read, then the stages after the reading)."""
    options = options or RunOptions()
    out_dir = Path(out_dir)
    _prepare(out_dir)
    with folder_lock(out_dir):
        store = Store(out_dir / "shequ.sqlite", rebuild=not options.incremental)
        jobs = options.jobs or os.cpu_count() or 1
        workers = engines.WorkerPool(jobs if options.engine == "local" else 1)
        try:
            return _run(files, out_dir, options, store, workers, progress, phase or (lambda name, total=None: None))
        except OutputError:
            raise
        except (OSError, sqlite3.Error) as e:
            raise store.error(e, f"cannot write to {out_dir}") from None
        finally:
            workers.close()
            store.close()


def _inputs(files: list[Path]) -> dict[str, tuple[str, os.stat_result | None]]:
    """resolved path -> (the path as given, its stat), each file once however it was named. Keys
    are display names (`names.display_name`: what the store holds); the path as given stays the
    OS's name, to open the file."""
    given: dict[str, tuple[str, os.stat_result | None]] = {}
    for f in files:
        try:
            st, resolved = f.stat(), str(f.resolve())
        except (OSError, RuntimeError):  # a dangling link, a link loop (RuntimeError before Python 3.13)
            st, resolved = None, os.path.abspath(f)
        given.setdefault(display_name(resolved), (str(f), st))
    return given


def _remove_gone(out_dir: Path, ids_before: dict[str, str], store) -> None:
    """Remove the text and page of every doc_id the store held before and holds no more (a
    document dropped, or a file whose text changed and so has a new doc_id)."""
    gone = {d for d in ids_before.values() if d} - set(store.doc_ids().values())
    for doc_id in sorted(gone):
        for p in (out_dir / "text" / f"{doc_id}.txt", out_dir / "report" / f"doc-{doc_id}.html"):
            p.unlink(missing_ok=True)


def _run(files, out_dir, options, store, workers, progress, phase) -> RunSummary:
    summary = RunSummary(files=len(files))
    info = settings_info()
    settings_key = info["sha256"] or ""
    given = _inputs(files)
    known = store.known_files()  # path -> (source, size, mtime_ns, tool_version, settings)
    path_of = {v[0]: p for p, v in known.items()}
    changed = False
    # documents not among the inputs: dropped when their file is gone, else kept unless --prune/--full
    names = {display_name(source) for source, _ in given.values()}
    drop = []
    ids_before = store.doc_ids()  # source -> doc_id as the run finds them
    for source in ids_before:
        path = path_of.get(source)
        if path in given or (path is None and source in names):
            continue
        if not os.path.lexists(os_name(path or source)):
            summary.gone.append(source)
        elif options.prune or not options.incremental:
            summary.pruned.append(source)
        else:
            summary.kept += 1
            continue
        drop.append(source)
    # the same file named another way than last time: its rows follow the new name (a name that
    # now stands for another file first gives way)
    renames = [(known[path][0], display_name(source)) for path, (source, _) in given.items()
               if path in known and known[path][0] != display_name(source)]
    drop += [new for _, new in renames if new in path_of and new not in drop]
    if not options.incremental and ids_before:  # --full: every file is read again, the store rebuilt
        store.clear()  # the outputs of what does not come back go once the files are read
        changed, renames = True, []
    elif drop:
        store.delete_sources(drop)
        _remove_gone(out_dir, ids_before, store)
        changed = True
    for old, new in renames:
        if old not in drop:
            store.rename_source(old, new)
            changed = True
    todo = []
    for path, (source, st) in given.items():
        k = known.get(path)
        current = k is not None and st is not None and k[1:] == (st.st_size, st.st_mtime_ns, __version__,
                                                                 settings_key or None)
        if not (options.incremental and current):
            todo.append((path, source, st))
    summary.skipped = len(given) - len(todo)
    summary.processed = _process(todo, out_dir, options, store, workers, progress, phase, info)
    if ids_before and (todo or drop):
        _remove_gone(out_dir, ids_before, store)
    changed = changed or summary.processed > 0
    stale = store.stale_digests()  # stored by an earlier schema: completed from the stored documents
    if stale:
        phase("digests")
        store.update_digests([d for r in store.results(out_dir / "text", only=stale) if (d := digest(r))])
        changed = True
    if summary.processed:
        phase("full-text index")
    store.index_sentences()  # also what a killed run stored and did not index
    store.set_meta("shequ_version", __version__)
    store.set_meta("settings", json.dumps({k: info[k] for k in ("file", "sha256", "overrides")}))
    # cross-document checks, from the digests of every document of the folder (also those an
    # earlier run processed): only when something changed
    changed_ids: set[str] = set()
    checks_key = f"{settings_key}:{CHECKS_VERSION}"
    if changed or store.get_meta("cross_doc_settings") != checks_key:
        phase("cross-document checks")
        corpus = CorpusIndex(text_of=lambda d: out_dir / "text" / f"{d.doc_id}.txt")
        for d in store.digests():  # in source order: the same findings whatever the order of arrival
            corpus.add_digest(d)
        changed_ids = store.replace_cross_doc_flags(corpus.finish())
        store.replace_run_table("templates", corpus.templates)
        store.replace_run_table("history", corpus.history)
        store.set_meta("cross_doc_settings", checks_key)
        del corpus
    pages = None
    if options.report:
        redo = store.get_meta("report_version") != REPORT_VERSION
        processed_ids = {d for s, d in store.doc_ids().items() if s in store.changed_sources}
        phase("report pages")
        pages = start_pages(workers, store, out_dir, None if redo else processed_ids | changed_ids)
    phase("exports")
    summary.exports = export_all(store, out_dir, excel=options.excel, xlsx=options.xlsx, jsonl=options.jsonl)
    if pages is not None:
        summary.pages = pages()
        index = out_dir / "report" / "index.html"
        if redo or changed or summary.pages or not index.exists():
            phase("report index")
            write_index(store, out_dir)
        store.set_meta("report_version", REPORT_VERSION)
    _write_run_info(out_dir, store, info, summary)
    summary.figures, summary.claims = store.count("figures"), store.count("standards")
    summary.flags = store.count("flags")
    summary.failed = store.failed()
    summary.warned = store.warned()
    return summary


def _process(todo, out_dir, options, store, workers, progress, phase, info) -> int:
    """Stream the files of `todo` through the engine and store each file's rows as they arrive."""
    if not todo:
        return 0
    if options.engine == "local":
        warm_up()  # a missing or mismatched model stops the run here, with one line, not once per file
    phase("reading", len(todo))
    text_dir = out_dir / "text"
    where = {display_name(source): (path, st) for path, source, st in todo}
    sources = [source for _, source, _ in todo]
    stream = engines.dask(sources, options.scheduler, options.time_limit, info) if options.engine == "dask" \
        else engines.local(workers, sources, options.time_limit, str(text_dir))
    n = 0
    for outcome in stream:  # results stream in as workers finish: nothing is kept
        doc = outcome.document
        if outcome.text is not None:  # not written by the worker (a cluster's workers may not see this folder)
            write_text(text_dir, doc.doc_id, outcome.text)
        path, st = where.get(doc.source, (None, None))
        store.add_rows(doc.source, outcome.rows, (path, st, info["sha256"]) if st is not None else None)
        n += 1
        if progress:
            progress(doc)
    return n


def _write_run_info(out_dir: Path, store: Store, info: dict, summary: RunSummary) -> None:
    """DIR/run.json: the version, the database schema and the settings the folder's tables were made with."""
    data = {"shequ_version": __version__, "schema_version": SCHEMA_VERSION,
            "settings": {k: info[k] for k in ("file", "sha256", "overrides")},
            "documents": store.count("documents"), "processed": summary.processed, "unchanged": summary.skipped,
            "gone": len(summary.gone), "pruned": len(summary.pruned), "kept": summary.kept}
    path = out_dir / "run.json"
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_name(".run.json.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
