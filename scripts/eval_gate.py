#!/usr/bin/env python3
"""The evaluation gate: score every set of scripts/eval_floors.toml with `shequ evaluate` and fail
(exit 1) when a score falls below its floor.

    python scripts/eval_gate.py --shared ../shared
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURES = ("value_f1", "typed_f1", "exact_f1", "standards_f1")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, required=True, help="the shared folder (holds eval/ and seeds/)")
    ap.add_argument("--floors", type=Path, default=HERE / "eval_floors.toml")
    ap.add_argument("--shequ", default=str(Path(sys.executable).with_name("shequ")), help="the shequ command")
    a = ap.parse_args()
    sets = tomllib.loads(a.floors.read_text(encoding="utf-8"))["sets"]
    failed = []
    print(f"{'set':16s} " + " ".join(f"{m:>14s}" for m in MEASURES))
    for name, spec in sets.items():
        docs, gold = a.shared / spec["docs"], a.shared / spec["gold"]
        if not docs.exists() or not gold.exists():
            print(f"{name:16s} (not in {a.shared}: skipped)")
            continue
        proc = subprocess.run([a.shequ, "evaluate", "--json", "--gold", str(gold), str(docs)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name:16s} shequ evaluate failed: {proc.stderr.strip()[-300:]}")
            failed.append(f"{name}: shequ evaluate failed")
            continue
        scores = json.loads(proc.stdout)
        cells = []
        for m in MEASURES:
            low = scores[m] < spec[m]
            cells.append(f"{scores[m]:.3f} {'<' if low else '>='} {spec[m]:.3f}"[:14].rjust(14))
            if low:
                failed.append(f"{name}: {m} {scores[m]:.4f} is below its floor {spec[m]}")
        print(f"{name:16s} " + " ".join(cells))
    for line in failed:
        print(f"eval gate: {line}", file=sys.stderr)
    print("eval gate: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
