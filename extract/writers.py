"""Outputs of a run: documents.csv, figures.csv, standards.csv, honours.csv and text/<doc_id>.txt.

Rows are streamed as results arrive; each CSV is written to a temporary file and renamed into
place when the run closes, so a reader never sees half a file."""
from __future__ import annotations

import csv
import os
from dataclasses import astuple
from pathlib import Path

from .records import Claim, Document, Figure, Flag, Honour, Result, columns

TABLES = {"documents": Document, "figures": Figure, "standards": Claim, "honours": Honour, "flags": Flag}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".12g") if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return str(value)


class RunWriter:
    """Writes every table of a run into one folder. Use as a context manager."""

    def __init__(self, out_dir: str | Path, excel: bool = False):
        self.out_dir = Path(out_dir)
        self.encoding = "utf-8-sig" if excel else "utf-8"
        self._files: dict[str, tuple] = {}

    def __enter__(self) -> "RunWriter":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "text").mkdir(exist_ok=True)
        for name, record_type in TABLES.items():
            tmp = self.out_dir / f".{name}.csv.tmp"
            f = tmp.open("w", encoding=self.encoding, newline="")
            w = csv.writer(f)
            w.writerow(columns(record_type))
            self._files[name] = (f, w, tmp, columns(record_type))
        return self

    def write(self, result: Result) -> None:
        """Append every record of one file's result."""
        doc = result.document
        self._row("documents", doc)
        if doc.status == "ok" and doc.doc_id:
            text_path = self.out_dir / "text" / f"{doc.doc_id}.txt"
            if not text_path.exists():
                text_path.write_text(doc.text, encoding="utf-8")
        for fig in result.figures:
            self._row("figures", fig)
        for claim in result.claims:
            self._row("standards", claim)
        for honour in result.honours:
            self._row("honours", honour)
        self.write_flags(result.flags)

    def write_flags(self, flags) -> None:
        """Append audit findings (also the cross-document ones found at the end of a run)."""
        for flag in flags:
            self._row("flags", flag)

    def _row(self, table: str, record) -> None:
        f, w, _, cols = self._files[table]
        values = {c: getattr(record, c) for c in cols}
        w.writerow([_cell(values[c]) for c in cols])

    def __exit__(self, *exc) -> None:
        for name, (f, _, tmp, _) in self._files.items():
            f.close()
            os.replace(tmp, self.out_dir / f"{name}.csv")
