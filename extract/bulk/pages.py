"""The report of a run: one page per document, written from the run's database (in the worker
processes when there are enough documents), then the index."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..report import ReportWriter
from .engines import WorkerPool
from .store import Store


def report_pages(db_path: str, out_dir: str, sources: list[str], extra_flags: list,
                 shared: frozenset = frozenset()) -> list[dict]:
    """Write the report pages of `sources` from the run's database; their index entries, in order.
    Sources in `shared` are byte-identical copies of an earlier source: they link to its page."""
    store = Store(db_path, readonly=True)
    try:
        writer = ReportWriter(Path(out_dir), extra_flags)
        return [writer.page(r.document, r.figures, r.claims, r.flags, write=r.document.source not in shared)
                for r in store.results(Path(out_dir) / "text", only=sources)]
    finally:
        store.close()


def start_pages(workers: WorkerPool, store: Store, out_dir: Path, cross: list) -> Callable[[], list[dict]]:
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


def write_index(out_dir: Path, entries: list[dict]) -> Path:
    """`report/index.html` from the pages' index entries."""
    report = ReportWriter(out_dir)
    for entry in entries:
        report.add_entry(entry)
    return report.close()
