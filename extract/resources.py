"""The only module that touches package data: lexicons, rules and models in `corpora/` and `models/`."""
from __future__ import annotations

import functools
import json
import tomllib
from importlib.resources import files
from pathlib import Path


def corpus_path(name: str) -> Path:
    """Path of a file shipped in `corpora/` (works in editable and wheel installs)."""
    return Path(str(files("extract.corpora").joinpath(name)))


def model_path(name: str) -> Path:
    """Path of a file shipped in `models/`."""
    return Path(str(files("extract.models").joinpath(name)))


@functools.cache
def load_toml(name: str) -> dict:
    """A TOML data file from `corpora/`, parsed once."""
    with corpus_path(name).open("rb") as f:
        return tomllib.load(f)


@functools.cache
def load_lines(name: str) -> tuple[str, ...]:
    """A one-entry-per-line list from `corpora/` (blank lines and `#` comments skipped)."""
    out = []
    for line in corpus_path(name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


def load_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file."""
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
