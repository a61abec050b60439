"""Cells that are safe to open in Excel, LibreOffice or WPS."""
from __future__ import annotations

# A cell starting with one of these is read as a formula (or starts one after a separator), so a
# report's text could run a formula on the auditor's machine (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value):
    """A cell value that no spreadsheet reads as a formula: text starting with = + - @, a tab or
    a carriage return gets a leading `'`, as OWASP recommends. Numbers,
    None and booleans are returned as they are, so they stay numeric."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
