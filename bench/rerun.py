#!/usr/bin/env python3
"""What a rerun with nothing changed costs against a full run, and the main process's memory.

    python bench/rerun.py --docs 1000
    python bench/rerun.py --docs 200 --docs 1000 --memory-only

Generates the benchmark corpus (`bench/run.py`'s make_corpus), then times `shequ extract` into a
fresh folder (the full run), the same command again (nothing changed), and prints the ratio. The
peak RSS of the main process alone (its workers not counted) is printed for each run; with two
or more --docs, the slope between them is the main process's memory per document."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import make_corpus  # noqa: E402

# the CLI, then the peak RSS of this process alone (RUSAGE_SELF: the workers are its children)
WRAPPER = ("import resource, sys\nfrom extract.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n"
           "    pass\nprint('main_rss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")


def shequ(corpus: Path, out: Path, jobs: int, *extra: str) -> tuple[float, float]:
    """Wall time of one `shequ extract`, and the main process's peak RSS in MB."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, "extract", str(corpus), "-o", str(out), "-j", str(jobs),
                           *extra], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = [int(l.split()[1]) for l in proc.stderr.splitlines() if l.startswith("main_rss_kb")]
    if not rss:
        sys.exit(f"shequ failed: {proc.stderr[-2000:]}")
    return elapsed, rss[0] / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, action="append")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--memory-only", action="store_true", help="only the full runs' main-process memory")
    a = ap.parse_args()
    sizes = a.docs or [1000]
    rss_of = {}
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
            corpus.mkdir()
            make_corpus(corpus, n)
            t = time.perf_counter()
            listed = sorted(p for p in corpus.rglob("*") if p.is_file())
            for p in listed:
                p.stat()
            list_s = time.perf_counter() - t
            full_s, full_rss = shequ(corpus, out, a.jobs)
            rss_of[n] = full_rss
            print(f"{n} reports: full run {full_s:.2f} s, main process peak RSS {full_rss:.0f} MB")
            if a.memory_only:
                continue
            again_s, again_rss = shequ(corpus, out, a.jobs)
            print(f"{n} reports: rerun, nothing changed {again_s:.2f} s ({100 * again_s / full_s:.1f} % of the full "
                  f"run; listing and stat'ing the files alone {list_s:.2f} s), main process peak RSS {again_rss:.0f} MB")
            print(f"docs={n} full_s={full_s:.2f} rerun_s={again_s:.2f} rerun_pct={100 * again_s / full_s:.1f} "
                  f"main_rss_full_mb={full_rss:.0f} main_rss_rerun_mb={again_rss:.0f}")
    if len(rss_of) >= 2:
        lo, hi = min(rss_of), max(rss_of)
        per_doc = (rss_of[hi] - rss_of[lo]) * 1024 / (hi - lo)
        print(f"main process: {per_doc:.1f} KB per document between {lo} and {hi} reports "
              f"(so about {per_doc * 1e6 / 1024 / 1024:.1f} GB for a million)")


if __name__ == "__main__":
    main()
