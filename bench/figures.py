#!/usr/bin/env python3
"""Throughput of the figure stage on normalised text, in MB/s (UTF-8 bytes), one core.

    python bench/figures.py [FOLDER ...]      # default: corpora/samples

Reads and normalises every file first (not timed), then times extract_figures() over all
documents, repeated until at least 2 s have passed, and compares with one plain jieba
segmentation pass and one regex pass over the same text."""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import extract  # noqa: E402
from extract import segment  # noqa: E402
from extract.bulk import iter_inputs  # noqa: E402
from extract.figures import extract_figures  # noqa: E402


def timed(fn, min_seconds: float = 2.0) -> float:
    """Seconds per call of fn, averaged over enough calls to last min_seconds."""
    fn()  # warm-up (jieba dictionary, regex compilation)
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / n


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:]] or [ROOT / "corpora" / "samples"]
    docs = [d for d in (extract.read(p) for p in iter_inputs(tuple(folders))) if d.status == "ok"]
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    figures = sum(len(extract_figures(d)) for d in docs)
    def figure_stage():
        segment.cut_block.cache_clear()  # no credit for sentences seen in an earlier repetition
        return [extract_figures(d) for d in docs]

    t_fig = timed(figure_stage)
    t_jieba = timed(lambda: [segment.cut(d.text) for d in docs])
    num = re.compile(r"\d+(?:\.\d+)?")
    t_regex = timed(lambda: [num.findall(d.text) for d in docs])
    print(f"{len(docs)} documents, {mb:.3f} MB normalised text, {figures} figures")
    print(f"figure stage      {t_fig:8.4f} s  {mb / t_fig:7.2f} MB/s")
    print(f"jieba segmentation{t_jieba:8.4f} s  {mb / t_jieba:7.2f} MB/s  (whole text once)")
    print(f"plain regex pass  {t_regex:8.4f} s  {mb / t_regex:7.2f} MB/s")
    print(f"figures_mb_per_s={mb / t_fig:.2f} jieba_mb_per_s={mb / t_jieba:.2f} ratio_to_jieba={t_fig / t_jieba:.2f}")


if __name__ == "__main__":
    main()
