"""Exports of a run's database: CSV (optionally UTF-8 with BOM for Excel), XLSX and JSONL.
Every file is written to a temporary name and renamed into place, so a reader never sees half a file."""
from __future__ import annotations

import csv
import json
import os
from dataclasses import fields
from pathlib import Path

from ..errors import MissingDependency
from ..records import columns
from .store import TABLES, Store


def _number(value: float) -> str:
    """A float as people write it: 1200, not 1200.0; 61.9, not 61.900000000000006."""
    return format(value, ".12g") if value != int(value) or abs(value) >= 1e15 else str(int(value))


def _csv_rows(rows, rec):
    """Rows as csv.writer should write them: the csv module writes None as an empty cell and
    ints and strings as they are; only the float columns need `_number`."""
    types = {f.name: str(f.type) for f in fields(rec)}
    floats = [i for i, c in enumerate(columns(rec)) if "float" in types[c]]
    for row in rows:
        if floats:
            row = list(row)
            for i in floats:
                if isinstance(row[i], float):
                    row[i] = _number(row[i])
        yield row


def _atomic(path: Path):
    tmp = path.with_name(f".{path.name}.tmp")
    return tmp, lambda: os.replace(tmp, path)


def export_csv(store: Store, out_dir: Path, excel: bool = False) -> list[Path]:
    """documents.csv, figures.csv, standards.csv, honours.csv, flags.csv."""
    written = []
    for table, rec in TABLES.items():
        path = Path(out_dir) / f"{table}.csv"
        tmp, commit = _atomic(path)
        with tmp.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns(rec))
            w.writerows(_csv_rows(store.rows(table), rec))
        commit()
        written.append(path)
    return written


def export_jsonl(store: Store, out_dir: Path) -> list[Path]:
    """One <table>.jsonl per table, one JSON object per row."""
    written = []
    for table, rec in TABLES.items():
        path = Path(out_dir) / f"{table}.jsonl"
        tmp, commit = _atomic(path)
        cols = columns(rec)
        with tmp.open("w", encoding="utf-8") as f:
            for row in store.rows(table):
                f.write(json.dumps(dict(zip(cols, row)), ensure_ascii=False) + "\n")
        commit()
        written.append(path)
    return written


def export_xlsx(store: Store, out_dir: Path) -> Path:
    """shequ.xlsx with one sheet per table (needs openpyxl: pip install 'shequ[xlsx]')."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise MissingDependency("XLSX output needs openpyxl: pip install 'shequ[xlsx]'") from None
    wb = Workbook(write_only=True)
    for table, rec in TABLES.items():
        ws = wb.create_sheet(table)
        ws.append(columns(rec))
        for row in store.rows(table):
            ws.append(["" if v is None else v for v in row])
    path = Path(out_dir) / "shequ.xlsx"
    tmp, commit = _atomic(path)
    wb.save(tmp)
    commit()
    return path
