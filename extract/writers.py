"""Exports of a run's database: CSV (optionally UTF-8 with BOM for Excel), XLSX and JSONL.
Every file is written to a temporary name and renamed into place, so a reader never sees half a file."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from .records import columns
from .store import TABLES, Store


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".12g") if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return str(value)


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
            for row in store.rows(table):
                w.writerow([_cell(v) for v in row])
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
        raise RuntimeError("XLSX output needs openpyxl: pip install openpyxl") from None
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
