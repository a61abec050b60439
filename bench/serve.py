"""How long the review app (`shequ serve`) takes to answer on a large run.

Builds a synthetic run's database (N documents, each with figures and flags as a run stores
them), confirms a share of the flags through the app's store, then times the pages an auditor
opens, in process through Starlette's test client (no network): the documents table (plain,
searched, filtered by review state, sorted by flags), a document page, and the CSV and XLSX
exports of the confirmed findings. Median of --repeat runs after one warm-up.

    python bench/serve.py --docs 10000
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from extract.records import Document, Figure, Flag, Result
from extract.serve.app import create_app
from extract.serve.db import ReviewStore
from extract.serve.keys import flag_key
from extract.bulk.store import Store, rows_of

PLACES = ["青石街道", "桂园街道", "柳湾街道", "松涛社区", "杏林社区", "东岭街道", "青川区", "朝阳街道"]
CHECKS = [("sum_mismatch", "error"), ("below_threshold", "warning"), ("growth_mismatch", "error"),
          ("internal_conflict", "warning"), ("below_threshold", "info")]


def make_run(out: Path, docs: int, figures: int, flags: int) -> list[tuple[str, str, str, int, int, str]]:
    """The run's database and text files; the (doc_id, check, …) of every flag."""
    (out / "text").mkdir(parents=True)
    store = Store(out / "shequ.sqlite")
    made = []
    for i in range(docs):
        place = PLACES[i % len(PLACES)]
        doc_id = f"{i:016x}"
        title = f"{place}{2019 + i % 6}年社区建设工作总结（第{i}号）"
        line = f"{place}下辖{10 + i % 7}个社区，其中城市社区6个、农村社区5个，投入经费{100 + i}万元。\n"
        text = title + "\n" + line * figures
        (out / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        source = f"reports/{i:06d}.txt"
        doc = Document(source=source, doc_id=doc_id, format="txt", status="ok", chars=len(text), title=title)
        figs = tuple(Figure(source, doc_id, 1, len(title) + 1 + k * len(line) + 4, len(title) + 1 + k * len(line) + 8,
                            "10个社区", "count", "community_count", 10, None, "个", "", "社区")
                     for k in range(figures))
        fls = []
        for k in range(flags):
            check, severity = CHECKS[(i + k) % len(CHECKS)]
            start = len(title) + 1 + k * len(line)
            ref = f"{start + 4}-{start + 8}"
            fls.append(Flag(source, doc_id, check, severity, f"其中各项之和6+5=11，与总数{10 + i % 7}不符。", ref,
                            line.strip(), start, start + len(line) - 1))
            made.append((doc_id, check, start, start + len(line) - 1, ref))
        store.add_rows(source, rows_of(Result(doc, figs, (), (), tuple(fls))), None)
    store.close()
    return made


def timed(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--figures", type=int, default=40, help="figures per document")
    ap.add_argument("--flags", type=int, default=3, help="flags per document")
    ap.add_argument("--confirmed", type=float, default=0.1, help="share of the flags confirmed")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        t = time.perf_counter()
        made = make_run(out, args.docs, args.figures, args.flags)
        print(f"run of {args.docs} documents, {len(made)} flags built in {time.perf_counter() - t:.1f} s")
        store = ReviewStore(out)
        step = max(1, round(1 / args.confirmed)) if args.confirmed else 0
        for doc_id, check, start, end, ref in made[::step] if step else []:
            store.add_review(flag_key(doc_id, check, start, end, ref), doc_id, check, "confirmed", "核实", "bench")
        c = TestClient(create_app(out), base_url="http://127.0.0.1")
        doc = made[len(made) // 2][0]
        pages = {
            "documents table": "/",
            "documents, searched (q=第4242号)": "/?q=第4242号",
            "documents, review=open": "/?review=open",
            "documents, sorted by flags": "/?sort=flags&dir=desc",
            "documents, place + year": "/?place=青石街道&year=2020",
            "a document page": f"/doc/{doc}",
            "export CSV (confirmed)": "/export/confirmed.csv",
            "export XLSX (confirmed)": "/export/confirmed.xlsx",
        }
        for name, url in pages.items():
            status = c.get(url).status_code
            assert status == 200, (url, status)
            print(f"{name:36s} {timed(lambda: c.get(url), args.repeat) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
