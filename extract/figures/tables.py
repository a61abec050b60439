"""Figures in tables: bare numbers in cells whose unit stands in the column header
(`面积（平方米）`, `金额（万元）`, `占比（%）`, `数量（个）`), the row label being what is counted.

Tables reach the text as lines of cells joined by ` | ` (the DOCX reader writes them so, and
reports pasted from web pages often look the same)."""
from __future__ import annotations

import re

from ..records import TABLE_CELL_MARK
from .numbers import ARABIC
from .rules import rules
from .scan import Span

_CELL_SPLIT = re.compile(r"\s*\|\s*")
_HEADER_UNIT = re.compile(r"[（(]\s*([^（）()]{1,6}?)\s*[）)]\s*$")
_NUMBER = re.compile(rf"(?:{ARABIC})")


def _column_unit(header: str):
    """(quantity, factor or canonical unit, classifier) from a header cell, or None."""
    m = _HEADER_UNIT.search(header)
    if not m:
        return None
    unit = m.group(1).replace("％", "%")
    r = rules()
    if unit in r.area_units:
        return "area", r.area_units[unit], unit
    if unit in r.money_units:
        return "money", r.money_units[unit], unit
    if unit in r.data["tables"]["percent_units"]:
        return "percent", 1.0, "%"
    if unit in r.classifiers:
        return "count", r.classifiers[unit], unit
    return None


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    """Cells of a table line with their start offsets in the text."""
    out, pos = [], 0
    for part in _CELL_SPLIT.split(line):
        i = line.find(part, pos) if part else pos
        out.append((part.strip(), offset + i + (len(part) - len(part.lstrip()))))
        pos = i + len(part)
    return out


def table_spans(text: str) -> list[tuple[Span, str]]:
    """(Span, counted) for every numeric cell under a header with a unit."""
    out: list[tuple[Span, str]] = []
    header: list | None = None
    offset = 0
    for line in text.split("\n"):
        if TABLE_CELL_MARK in line or "|" in line.strip("|"):
            cells = _cells(line, offset)
            if len(cells) >= 2:
                units = [_column_unit(c) for c, _ in cells]
                if header is None or len(cells) != len(header) or any(units[1:]):
                    header = units  # a header line: it names its columns' units
                else:
                    label = cells[0][0]
                    for (cell, start), unit in zip(cells[1:], header[1:]):
                        if unit and _NUMBER.fullmatch(cell):
                            out.append((_span(cell, start, unit), label))
                offset += len(line) + 1
                continue
        header = None
        offset += len(line) + 1
    return out


def _span(cell: str, start: int, unit) -> Span:
    quantity, factor, written = unit
    rule = rules().ids["table.cell"].single
    value = float(cell.replace(",", ""))
    if quantity == "count":
        return Span(start, start + len(cell), "count", value, None, factor, "", rule, False, written)
    canonical = {"area": "m2", "money": "CNY", "percent": "%"}[quantity]
    return Span(start, start + len(cell), quantity, round(value * factor, 4), None, canonical, "", rule,
                False, written)
