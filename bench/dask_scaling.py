#!/usr/bin/env python3
"""Scaling of the Dask engine from 1 to 2 local worker processes on the benchmark corpus.

    python bench/dask_scaling.py --docs 120

Starts a dask.distributed LocalCluster with 1, then 2 single-threaded worker processes, and
times `extract.batch.run(..., engine="dask")` on the same generated corpus."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import make_corpus  # noqa: E402

from extract.batch import RunOptions, run  # noqa: E402
from extract.cli import iter_inputs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=120)
    a = ap.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, a.docs)
        files = iter_inputs((corpus,))
        times = {}
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                client.run(lambda: __import__("extract.batch").batch._warm_up())  # load models before timing
                start = time.perf_counter()
                run(files, Path(tmp) / f"out{workers}", RunOptions(engine="dask", scheduler=cluster.scheduler_address,
                                                                   report=False, incremental=False))
                times[workers] = time.perf_counter() - start
            print(f"{workers} worker(s): {times[workers]:.2f} s  {a.docs / times[workers]:.1f} docs/s")
        print(f"docs={a.docs} dask_1_worker_s={times[1]:.2f} dask_2_workers_s={times[2]:.2f} "
              f"speedup={times[1] / times[2]:.2f}")


if __name__ == "__main__":
    main()
