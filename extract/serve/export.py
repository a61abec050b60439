"""The export of confirmed findings, ready for a meeting: an XLSX workbook and a CSV (UTF-8
with BOM, so Excel shows the Chinese), both with Chinese headings and labels, every text cell made
Excel-safe and every number left a number."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from .excel import excel_safe
from .labels import label, labels


def display_time(value: str) -> str:
    """A review's ISO time as people read it: 2025-03-04 15:20."""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return value or ""


def table(findings: list[dict]) -> tuple[list[str], list[list]]:
    """Headings and rows of the export, from `ReviewStore.confirmed`."""
    cols = labels()["export"]["columns"]
    rows = []
    for f in findings:
        values = dict(f, check=label("checks", f["check"]), severity=label("severities", f["severity"]),
                      time=display_time(f.get("time") or ""),
                      year=int(f["year"]) if str(f.get("year") or "").isdigit() else (f.get("year") or ""))
        rows.append([excel_safe("" if values.get(name) is None else values.get(name)) for name, _ in cols])
    return [heading for _, heading in cols], rows


def to_csv(findings: list[dict]) -> bytes:
    head, rows = table(findings)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(findings: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    head, rows = table(findings)
    wb = Workbook()
    ws = wb.active
    ws.title = labels()["export"]["sheet"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    names = [name for name, _ in labels()["export"]["columns"]]
    widths = {"message": 50, "evidence": 60, "note": 30, "title": 30, "source": 28, "check": 18, "time": 20}
    for i, name in enumerate(names, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(name, 12)
        if name in ("message", "evidence", "note", "title"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
