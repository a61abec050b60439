"""The only module that touches package data: lexicons, rules and models in `corpora/` and `models/`."""
from __future__ import annotations

import dataclasses
import functools
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
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


def alternation(words: Iterable[str], longest_first: bool = False) -> str:
    """A word list of a data file as a regex alternation (each word escaped), in the order the
    file gives, or longest first where a shorter word must not win over a longer one."""
    words = list(words)
    if longest_first:
        words = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template: str, parts: Mapping[str, str]) -> str:
    """A pattern of a data file with its `{name}` placeholders replaced by `parts[name]`; regex
    repetitions such as `{2}` or `{0,8}` are left as they are. An unknown name raises KeyError."""
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def record(name: str, table: Mapping[str, object]) -> object:
    """A table of lexicons or settings as a frozen object with one attribute per key
    (`lex.stop_words`, `windows.clause`): attribute access in the hot loops of the figure stage
    costs less than dictionary lookups. Values are kept as they are (a nested table stays a dict)."""
    cls = dataclasses.make_dataclass(name, list(table), frozen=True, slots=True)
    return cls(**table)
