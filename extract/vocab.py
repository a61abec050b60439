"""The vocabularies of the output tables, defined once (corpora/vocab.toml): the codes each column
may hold, their Chinese labels and the report's colours.

    >>> from extract import vocab
    >>> vocab.KINDS[:2]
    ('funding', 'facility_area')
    >>> vocab.label("kind", "funding")
    '经费'
"""
from __future__ import annotations

from .resources import load_toml

_DATA = load_toml("vocab.toml")

QUANTITIES: tuple[str, ...] = tuple(_DATA["quantity"])
KINDS: tuple[str, ...] = tuple(_DATA["kind"])
QUANTITY_OF_KIND: dict[str, str] = {k: v["quantity"] for k, v in _DATA["kind"].items()}
APPROX: tuple[str, ...] = tuple(_DATA["approx"])
ROLES: tuple[str, ...] = tuple(_DATA["role"])
CLAIM_STATUSES: tuple[str, ...] = tuple(_DATA["claim_status"])
DOCUMENT_STATUSES: tuple[str, ...] = tuple(_DATA["document_status"])
SEVERITIES: tuple[str, ...] = tuple(_DATA["severity"])
CHECKS: tuple[str, ...] = tuple(_DATA["check"])
KIND_COLOURS: dict[str, str] = {k: v["colour"] for k, v in _DATA["kind"].items()}
SEVERITY_COLOURS: dict[str, str] = {k: v["colour"] for k, v in _DATA["severity"].items()}
UNIT_ALIASES: dict[str, str] = dict(_DATA["unit_aliases"])


def label(vocabulary: str, code: str) -> str:
    """The Chinese label of a code (`label("check", "sum_mismatch")`), the code itself if it has none."""
    entry = _DATA[vocabulary].get(code, code)
    return entry["label"] if isinstance(entry, dict) else entry
