"""Exports of a run's database: CSV (optionally UTF-8 with BOM for Excel), XLSX and JSONL, plus the
Datasette metadata file. Every file is written to a temporary name and renamed into place, so a
reader never sees half a file; a table is re-exported only when its rows changed since the file
was written (the store's generation counters), or the file is missing or was written with other
options. An XLSX or JSONL export the folder holds from an earlier run is kept up to date.

Every text cell a person opens in a spreadsheet (CSV and XLSX) goes through `excel_safe`: a cell
that starts with = + - @ (or a tab or carriage return) is a formula to Excel, so it is
neutralised as OWASP recommends, with a leading apostrophe; numbers stay numbers. JSONL and the
database keep the values as they are."""
from __future__ import annotations

import csv
import json
import os
import unicodedata
from dataclasses import fields
from pathlib import Path

from ..errors import MissingDependency
from ..records import columns
from ..resources import load_toml
from .store import TABLES, Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32767  # characters Excel holds in one cell


def excel_safe(value):
    """A cell value a spreadsheet shows as text, never runs: a string starting with = + - @, a tab
    or a carriage return gets a leading apostrophe (OWASP's advice for CSV injection); None,
    numbers and other strings are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _number(value: float) -> str:
    """A float as people write it: 1200, not 1200.0; 61.9, not 61.900000000000006."""
    return format(value, ".12g") if value != int(value) or abs(value) >= 1e15 else str(int(value))


def _csv_rows(rows, rec):
    """Rows as csv.writer should write them: None as an empty cell, floats by `_number`, strings
    through `excel_safe`."""
    types = {f.name: str(f.type) for f in fields(rec)}
    floats = {i for i, c in enumerate(columns(rec)) if "float" in types[c]}
    for row in rows:
        yield [_number(v) if i in floats and isinstance(v, float) else excel_safe(v) for i, v in enumerate(row)]


def _atomic(path: Path):
    tmp = path.with_name(f".{path.name}.tmp")
    return tmp, lambda: os.replace(tmp, path)


def export_csv(store: Store, out_dir: Path, excel: bool = False, tables=None) -> list[Path]:
    """documents.csv, figures.csv, standards.csv, honours.csv, flags.csv (or just `tables`)."""
    written = []
    for table in tables or TABLES:
        rec = TABLES[table].record
        path = Path(out_dir) / f"{table}.csv"
        tmp, commit = _atomic(path)
        with tmp.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns(rec))
            w.writerows(_csv_rows(store.rows(table), rec))
        commit()
        written.append(path)
    return written


def export_jsonl(store: Store, out_dir: Path, tables=None) -> list[Path]:
    """One <table>.jsonl per table, one JSON object per row (null for none)."""
    written = []
    for table in tables or TABLES:
        path = Path(out_dir) / f"{table}.jsonl"
        tmp, commit = _atomic(path)
        cols = columns(TABLES[table].record)
        with tmp.open("w", encoding="utf-8") as f:
            for row in store.rows(table):
                f.write(json.dumps(dict(zip(cols, row)), ensure_ascii=False) + "\n")
        commit()
        written.append(path)
    return written


def _width(value) -> int:
    s = str(value)[:200]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _xlsx_cell(value, note: str):
    """A value as an XLSX cell: text neutralised (`excel_safe`) and cut to what a cell holds,
    with a note saying so."""
    value = excel_safe(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
        tail = note.format(chars=len(value))
        return value[:XLSX_CELL_LIMIT - len(tail)] + tail
    return value


def export_xlsx(store: Store, out_dir: Path) -> Path:
    """shequ.xlsx with one sheet per table (needs openpyxl: pip install 'shequ[xlsx]'): a frozen
    header row, an autofilter over the table, column widths from the header and the first rows."""
    try:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise MissingDependency("XLSX output needs openpyxl: pip install 'shequ[xlsx]'") from None
    note = load_toml("exports.toml")["xlsx"]["cut_note"]
    wb = Workbook(write_only=True)
    for table, t in TABLES.items():
        cols = columns(t.record)
        ws = wb.create_sheet(table)
        sample = []
        for i, row in enumerate(store.rows(table)):
            if i >= 200:
                break
            sample.append(row)
        for j, c in enumerate(cols):
            width = max([_width(c)] + [_width(r[j]) for r in sample if r[j] is not None])
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, 6), 60)
        ws.freeze_panes = "A2"
        n = store.count(table)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
        ws.append(cols)
        for row in store.rows(table):
            ws.append([None if v is None else _xlsx_cell(v, note) for v in row])
    path = Path(out_dir) / "shequ.xlsx"
    tmp, commit = _atomic(path)
    wb.save(tmp)
    commit()
    return path


def datasette_metadata(store: Store) -> dict:
    """Datasette's metadata for the run's database: the title, a description of every table and
    column (units included), suggested facets and sort orders, the full-text search of sentences
    (`corpora/datasette.toml`)."""
    data = load_toml("datasette.toml")
    db = store.path.stem
    tables = {}
    for name, spec in data["tables"].items():
        entry = {k: v for k, v in spec.items() if k != "columns"}
        if "columns" in spec:
            entry["columns"] = dict(spec["columns"])
        tables[name] = entry
    return {"title": data["title"], "description": data["description"],
            "databases": {db: {"description": data["database_description"], "tables": tables}}}


def write_metadata(store: Store, out_dir: Path) -> Path:
    """DIR/metadata.json for `datasette DIR/shequ.sqlite -m DIR/metadata.json`."""
    path = Path(out_dir) / "metadata.json"
    text = json.dumps(datasette_metadata(store), ensure_ascii=False, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp, commit = _atomic(path)
        tmp.write_text(text, encoding="utf-8")
        commit()
    return path


def export_all(store: Store, out_dir: Path, excel: bool = False, xlsx: bool = False, jsonl: bool = False) -> list[str]:
    """Every export the folder needs, each only when its tables changed since it was written, it
    is missing, or its options differ; returns the names of the files written. XLSX and JSONL
    are written when asked for, and kept up to date when the folder holds them from an earlier
    run (delete the file to stop that)."""
    out_dir = Path(out_dir)
    written: list[str] = []

    def stale(name: str, stamp: str) -> bool:
        return not (out_dir / name).exists() or store.get_meta(f"export:{name}") != stamp

    def done(name: str, stamp: str) -> None:
        store.set_meta(f"export:{name}", stamp)
        written.append(name)

    for table in TABLES:
        stamp = f"{store.generation(table)}:{'bom' if excel else 'utf-8'}"
        if stale(f"{table}.csv", stamp):
            export_csv(store, out_dir, excel=excel, tables=[table])
            done(f"{table}.csv", stamp)
    for table in TABLES:
        name, stamp = f"{table}.jsonl", str(store.generation(table))
        if (jsonl or (out_dir / name).exists() and store.get_meta(f"export:{name}")) and stale(name, stamp):
            export_jsonl(store, out_dir, tables=[table])
            done(name, stamp)
    stamp = ",".join(str(store.generation(t)) for t in TABLES)
    if (xlsx or (out_dir / "shequ.xlsx").exists() and store.get_meta("export:shequ.xlsx")) and stale("shequ.xlsx", stamp):
        export_xlsx(store, out_dir)
        done("shequ.xlsx", stamp)
    write_metadata(store, out_dir)
    return written
