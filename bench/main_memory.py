#!/usr/bin/env python3
"""What the main process holds per document after the reading, measured on a run's folder.

    python bench/main_memory.py OUT          # OUT: the output folder of a finished run

The main process streams every file's rows into the database and keeps nothing per document
while reading; afterwards it builds what the cross-document checks need from the stored digests
(`CorpusIndex`), runs them, and lists the documents for the report's pages and index. This script
does the same from OUT/shequ.sqlite under tracemalloc and prints the bytes held per document at
the peak (the imports subtracted), and the process's RSS growth."""
from __future__ import annotations

import argparse
import resource
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    a = ap.parse_args()
    from extract.audit.corpus import CorpusIndex
    from extract.audit.minhash import LSH  # noqa: F401  (imported before measuring)
    from extract.bulk.store import Store

    store = Store(a.out / "shequ.sqlite", readonly=True)
    n = store.count("documents")
    rss0 = rss_mb()
    tracemalloc.start()
    corpus = CorpusIndex(text_of=lambda d: a.out / "text" / f"{d.doc_id}.txt")
    for d in store.digests():
        corpus.add_digest(d)
    held, _ = tracemalloc.get_traced_memory()
    rss_held = rss_mb()
    flags = corpus.finish()
    _, peak_checks = tracemalloc.get_traced_memory()
    del corpus, flags
    tracemalloc.reset_peak()
    rows = store.index_rows()
    _, peak_index = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{n} documents in {a.out}")
    print(f"digests held for the cross-document checks: {held / n / 1024:.1f} KB per document "
          f"(RSS +{rss_held - rss0:.0f} MB, {(rss_held - rss0) * 1024 / n:.1f} KB per document)")
    print(f"peak while the checks run: {peak_checks / n / 1024:.1f} KB per document")
    print(f"the documents' list for the report: {peak_index / n / 1024:.1f} KB per document ({len(rows)} rows)")
    print(f"docs={n} digest_kb={held / n / 1024:.1f} checks_peak_kb={peak_checks / n / 1024:.1f} "
          f"index_kb={peak_index / n / 1024:.1f} rss_digest_kb={(rss_held - rss0) * 1024 / n:.1f}")


if __name__ == "__main__":
    main()
