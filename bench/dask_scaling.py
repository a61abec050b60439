#!/usr/bin/env python3
"""Scaling of the Dask engine from 1 to 2 worker processes on the benchmark corpus.

    python bench/dask_scaling.py --docs 120

Starts a Dask scheduler and single-threaded workers as separate processes (`dask scheduler`,
`dask worker`), as on a real cluster, then times `extract.bulk.run(..., engine="dask")` on the
same generated corpus with 1, then 2 workers. It also prints the client's CPU time per document
(database writes, cross-document checks, exports, and its side of Dask's traffic): with a worker's
CPU time per document, that says how many workers one client can feed."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import make_corpus  # noqa: E402

from extract.bulk import RunOptions, iter_inputs, run  # noqa: E402

DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=120)
    a = ap.parse_args()
    from distributed import Client

    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, a.docs)
        files = iter_inputs((corpus,))
        times = {}
        for workers in (1, 2):
            address = f"tcp://127.0.0.1:{_free_port()}"
            scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                          address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)
            worker = subprocess.Popen([DASK, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                       "--no-dashboard"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                      **quiet)
            try:
                with Client(address, timeout=60) as client:
                    client.wait_for_workers(workers, timeout=60)
                    client.run(lambda: __import__("extract.bulk.outcome").bulk.outcome.warm_up())  # load models before timing
                start, cpu = time.perf_counter(), time.process_time()
                run(files, Path(tmp) / f"out{workers}", RunOptions(engine="dask", scheduler=address,
                                                                   report=False, incremental=False))
                times[workers] = time.perf_counter() - start
                client_cpu = time.process_time() - cpu
            finally:
                worker.terminate()
                scheduler.terminate()
                worker.wait()
                scheduler.wait()
            print(f"{workers} worker(s): {times[workers]:.2f} s  {a.docs / times[workers]:.1f} docs/s  "
                  f"client CPU {client_cpu / a.docs * 1000:.1f} ms per document")
        print(f"docs={a.docs} dask_1_worker_s={times[1]:.2f} dask_2_workers_s={times[2]:.2f} "
              f"speedup={times[1] / times[2]:.2f}")


if __name__ == "__main__":
    main()
