#!/usr/bin/env python3
"""Where a worker's time goes: every stage of the per-file function, timed in one process over
the benchmark corpus.

    python bench/stages.py --docs 200
    python bench/stages.py --docs 200 --corpus real-like

Prints the CPU seconds of each stage (reading, normalising, figures, standards, checks, the
cross-document digest, the rows) and of the whole per-file function, per run and per report."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import make_corpus  # noqa: E402

import extract.audit.document as audit  # noqa: E402
import extract.bulk.outcome as outcome  # noqa: E402
import extract.figures as figures  # noqa: E402
import extract.pipeline as pipeline  # noqa: E402
import extract.readers as readers  # noqa: E402
import extract.standards as standards  # noqa: E402

STAGES = [(readers, "read", "read the file"), (pipeline, "normalise", "normalise"),
          (figures, "extract_figures", "figures"), (standards, "classify_document", "standards"),
          (audit, "check_document", "per-document checks"), (outcome, "digest", "cross-document digest"),
          (outcome, "rows_of", "rows for the database"), (outcome, "write_text", "write text/")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--corpus", choices=["generated", "real-like"], default="generated")
    a = ap.parse_args()
    spent: Counter = Counter()
    for module, name, label in STAGES:
        def timed(*args, _f=getattr(module, name), _label=label, **kw):
            t = time.process_time()
            try:
                return _f(*args, **kw)
            finally:
                spent[_label] += time.process_time() - t
        setattr(module, name, timed)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, text_dir = Path(tmp) / "corpus", Path(tmp) / "text"
        corpus.mkdir()
        text_dir.mkdir()
        if a.corpus == "real-like":
            from reallike import make_reallike

            make_reallike(corpus, a.docs)
        else:
            make_corpus(corpus, a.docs)
        t = time.process_time()
        outcome.warm_up()
        warm = time.process_time() - t
        t = time.process_time()
        for path in sorted(corpus.iterdir()):
            outcome.outcome_for(str(path), None, str(text_dir))
        total = time.process_time() - t
    print(f"warm-up (dictionary index, tokenizer, model): {warm:.2f} s")
    for label, s in sorted(spent.items(), key=lambda x: -x[1]):
        print(f"{label:24s} {s:6.2f} s  {s / a.docs * 1000:6.1f} ms per report")
    print(f"{'the per-file function':24s} {total:6.2f} s  {total / a.docs * 1000:6.1f} ms per report")


if __name__ == "__main__":
    main()
