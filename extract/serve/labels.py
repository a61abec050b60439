"""The app's Chinese labels and messages, from `corpora/labels.toml`."""
from __future__ import annotations

from ..resources import load_toml


def labels() -> dict:
    """The whole labels file (parsed once)."""
    return load_toml("labels.toml")


def label(kind: str, name: str) -> str:
    """The Chinese label of a check, severity, status, decision, review state or action; the name
    itself when the file has none (a check added later still shows)."""
    return labels().get(kind, {}).get(name, name)


def message(name: str) -> str:
    return labels()["messages"][name]
