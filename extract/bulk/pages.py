"""The report of a run: one page per document, written from the run's database (in the worker
processes when there are enough of them), only for the documents that changed; then the index,
from the database alone."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..records import Flag
from ..report import document_page, funding_total, index_page
from .engines import WorkerPool
from .store import Store, belongs, record_row

# bumped when the pages' markup changes, so a rerun rewrites every page
REPORT_VERSION = "3"


def page_name(doc_id: str) -> str:
    return f"doc-{doc_id}.html"


def report_pages(db_path: str, out_dir: str, sources: list[str]) -> int:
    """Write the report pages of `sources` from the run's database (their own flags and the
    cross-document findings of their doc_id); returns how many were written."""
    store = Store(db_path, readonly=True)
    try:
        cross: dict[str, list[Flag]] = {}
        for r in store.cross_doc_flags():
            f = Flag(*record_row(Flag, r))
            cross.setdefault(f.doc_id, []).append(f)
        folder = Path(out_dir) / "report"
        n = 0
        for r in store.results(Path(out_dir) / "text", only=sources):
            doc = r.document
            if doc.status != "ok" or not doc.text:
                continue
            across = [f for f in cross.get(doc.doc_id, []) if belongs(f, doc.source)]
            page = document_page(doc, list(r.figures), list(r.claims), list(r.flags) + across)
            (folder / page_name(doc.doc_id)).write_text(page, encoding="utf-8")
            n += 1
        return n
    finally:
        store.close()


def start_pages(workers: WorkerPool, store: Store, out_dir: Path, doc_ids: set[str] | None) -> Callable[[], int]:
    """Start writing the pages of `doc_ids` (None: every document), and of any document whose
    page is missing, in the workers when there are enough (the exports run meanwhile); identical
    files share one page, written from the first of them. Returns the function that waits for
    them and says how many were written."""
    folder = Path(out_dir) / "report"
    owner: dict[str, str] = {}
    for row in store.index_rows():  # in source order
        if row["status"] == "ok" and row["chars"] and row["doc_id"]:
            owner.setdefault(row["doc_id"], row["source"])
    todo = [src for d, src in owner.items()
            if doc_ids is None or d in doc_ids or not (folder / page_name(d)).exists()]
    todo.sort()
    if not todo:
        return lambda: 0
    pool = workers.start(warm=False) if len(todo) >= 4 * workers.jobs else None
    if pool is None:
        return lambda: report_pages(str(store.path), str(out_dir), todo)
    size = -(-len(todo) // (workers.jobs * 4))
    futures = [pool.submit(report_pages, str(store.path), str(out_dir), todo[i:i + size])
               for i in range(0, len(todo), size)]
    return lambda: sum(f.result() for f in futures)


def write_index(store: Store, out_dir: Path) -> Path:
    """`report/index.html` from the database: every document's row, the flags by check, and each
    document's stated funding (`report.funding_total`)."""
    rows = store.index_rows()
    titles = {}
    for row in rows:
        row["page"] = page_name(row["doc_id"]) if row["status"] == "ok" and row["chars"] and row["doc_id"] else ""
        titles[row["source"]] = row["title"] or Path(row["source"]).name
    by_source: dict[str, list] = {}
    for source, f in store.funding_figures():
        by_source.setdefault(source, []).append(f)
    funding = []
    for source, figs in by_source.items():
        total = funding_total(figs)
        if total:
            funding.append((titles.get(source, source), total))
    funding.sort(key=lambda x: -x[1])
    path = Path(out_dir) / "report" / "index.html"
    tmp = path.with_name(".index.html.tmp")
    tmp.write_text(index_page(rows, store.checks_count(), funding), encoding="utf-8")
    tmp.replace(path)
    return path
