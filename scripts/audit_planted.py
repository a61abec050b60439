#!/usr/bin/env python3
"""Precision and recall of the audit checks on the planted set: run `shequ extract` on
tests/data/audit_planted/docs and score flags.csv against tests/data/audit_planted/manifest.toml.

    python scripts/audit_planted.py [--set DIR] [--out DIR]

A flag (severity error or warning; info is not scored) is a true positive when its file and check
are those of a planted inconsistency and one of its figures' spans starts with the planted figure's
text; any other error or warning flag, on a control or on a planted file, is a false positive.
Exit status 1 when a planted inconsistency is missed (but those the manifest marks `known_miss`) or
a control has an error or warning flag."""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "data" / "audit_planted"
SCORED = ("error", "warning")


@dataclass
class Score:
    """The outcome of one run on the planted set."""

    planted: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # check -> planted items
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # check -> planted items flagged
    true: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # check -> flags naming one
    false: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # check -> other flags
    missed: list[dict] = field(default_factory=list)
    false_flags: list[dict] = field(default_factory=list)  # rows of flags.csv, with `control`

    def rows(self):
        """(check, planted, found, true, false, precision, recall) per check, sorted by check."""
        for check in sorted(set(self.planted) | set(self.false)):
            t, f = self.true[check], self.false[check]
            precision = t / (t + f) if t + f else None
            recall = self.found[check] / self.planted[check] if self.planted[check] else None
            yield check, self.planted[check], self.found[check], t, f, precision, recall


def extract(set_dir: Path, out: Path, shequ: str) -> None:
    """Run `shequ extract` on the set's reports (`docs/`) into `out` (every file processed)."""
    proc = subprocess.run([shequ, "extract", str(set_dir / "docs"), "-o", str(out), "--full"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"shequ extract failed: {proc.stderr.strip()[-500:]}")


def _spans(text: str, refs: str) -> list[str]:
    out = []
    for ref in filter(None, refs.split(";")):
        a, b = (int(x) for x in ref.split("-"))
        out.append(text[a:b])
    return out


def score(set_dir: Path, out: Path) -> Score:
    """Score the flags of a run (`out`) on the planted set (`set_dir`) against its manifest."""
    manifest = tomllib.loads((set_dir / "manifest.toml").read_text(encoding="utf-8"))
    planted = manifest["planted"]
    controls = {c["file"] for c in manifest["control"]}
    docs = {r["source"]: r["doc_id"] for r in _csv(out / "documents.csv")}
    s = Score()
    for p in planted:
        s.planted[p["check"]] += 1
    hit: set[int] = set()
    for row in _csv(out / "flags.csv"):
        if row["severity"] not in SCORED:
            continue
        name = Path(row["source"]).name
        text_path = out / "text" / f"{docs.get(row['source'], '')}.txt"
        text = text_path.read_text(encoding="utf-8") if text_path.is_file() else ""
        spans = _spans(text, row["figures"])
        match = [i for i, p in enumerate(planted) if p["file"] == name and p["check"] == row["check"]
                 and any(sp.startswith(p["figure"]) for sp in spans)]
        if match:
            s.true[row["check"]] += 1
            hit.update(match)
        else:
            s.false[row["check"]] += 1
            s.false_flags.append({**row, "control": name in controls})
    for i, p in enumerate(planted):
        if i in hit:
            s.found[p["check"]] += 1
        else:
            s.missed.append(p)
    return s


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=SET, help="the planted set (holds manifest.toml and docs/)")
    ap.add_argument("--out", type=Path, help="where the run writes (default: a temporary folder)")
    ap.add_argument("--shequ", default=str(Path(sys.executable).with_name("shequ")), help="the shequ command")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp)
        extract(a.set, out, a.shequ)
        s = score(a.set, out)
    print(f"{'check':20s} {'planted':>7s} {'found':>5s} {'true':>4s} {'false':>5s} {'precision':>9s} {'recall':>6s}")
    for check, n, found, t, f, precision, recall in s.rows():
        print(f"{check:20s} {n:7d} {found:5d} {t:4d} {f:5d} {_pct(precision):>9s} {_pct(recall):>6s}")
    total_t, total_f = sum(s.true.values()), sum(s.false.values())
    total_n, total_found = sum(s.planted.values()), sum(s.found.values())
    print(f"{'all':20s} {total_n:7d} {total_found:5d} {total_t:4d} {total_f:5d} "
          f"{_pct(total_t / (total_t + total_f) if total_t + total_f else None):>9s} "
          f"{_pct(total_found / total_n if total_n else None):>6s}")
    for p in s.missed:
        why = f" (known: {p['known_miss']})" if "known_miss" in p else ""
        print(f"missed: {p['file']} {p['check']} {p['figure']}{why}")
    for row in s.false_flags:
        print(f"false alarm{' on a control' if row['control'] else ''}: {Path(row['source']).name} "
              f"{row['check']} {row['severity']} {row['message']}")
    unexpected = [p for p in s.missed if "known_miss" not in p]
    return 1 if unexpected or any(r["control"] for r in s.false_flags) else 0


if __name__ == "__main__":
    sys.exit(main())
