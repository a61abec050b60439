"""The only module that touches package data: lexicons, rules and models in `corpora/` and `models/`.

Settings follow the packaged-defaults-plus-user-file pattern: `use_settings(FILE)` (the CLI's
`--config FILE`) reads a TOML file whose top-level tables are named after the data files of
`corpora/` (`[thresholds]` for thresholds.toml, `[furniture]`, `[figures]`, `[audit]`,
`[standards.taxonomy]` …) and merges each over its packaged file: tables key by key, arrays of
tables with an `id` entry by entry (a new id is appended), anything else replaced. Every module
reads its data through `load_toml`, so the override reaches all of them, provided it is set before
the first of them compiles its rules (the CLI sets it before anything runs)."""
from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
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


_OVERRIDES: dict[str, dict] = {}  # data file name -> the user's table merged over it
_SETTINGS: dict = {"file": None, "sha256": None, "overrides": []}


class SettingsError(Exception):
    """A settings file that cannot be used (unreadable, not TOML, an unknown section); one line."""


@functools.cache
def load_toml(name: str) -> dict:
    """A TOML data file from `corpora/`, parsed once, with the user's settings merged over it."""
    with corpus_path(name).open("rb") as f:
        data = tomllib.load(f)
    if name in _OVERRIDES:
        data = merge(data, _OVERRIDES[name])
    return data


def merge(base, override):
    """`override` over `base`: tables key by key, arrays of tables with `id` entry by entry, else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(override, list) and override and \
            all(isinstance(x, dict) and "id" in x for x in base + override):
        out = list(base)
        at = {x["id"]: i for i, x in enumerate(out)}
        for x in override:
            if x["id"] in at:
                out[at[x["id"]]] = merge(out[at[x["id"]]], x)
            else:
                out.append(copy.deepcopy(x))
        return out
    return copy.deepcopy(override)


def _data_files() -> dict[tuple[str, ...], str]:
    """Section path -> data file: ("thresholds",) -> "thresholds.toml", ("standards", "taxonomy") -> …"""
    root = corpus_path("")
    return {tuple(p.relative_to(root).with_suffix("").parts): p.relative_to(root).as_posix()
            for p in sorted(root.rglob("*.toml"))}


def use_settings(path: str | Path | None) -> dict:
    """Use a settings file (see the module's doc); None goes back to the packaged defaults. Returns
    what `settings_info` then returns. Raises SettingsError with one line for a file it cannot use."""
    _OVERRIDES.clear()
    _SETTINGS.update(file=None, sha256=None, overrides=[])
    load_toml.cache_clear()
    if path is None:
        return settings_info()
    try:
        raw = Path(path).read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as e:
        raise SettingsError(f"cannot read settings file {path}: {e.strerror or e}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SettingsError(f"settings file {path} is not valid TOML: {e}") from None
    files = _data_files()
    found: dict[str, dict] = {}

    def walk(prefix: tuple[str, ...], table: dict) -> None:
        for key, value in table.items():
            at = prefix + (key,)
            if at in files and isinstance(value, dict):
                found[files[at]] = value
            elif isinstance(value, dict) and any(f[:len(at)] == at for f in files):
                walk(at, value)
            else:
                known = ", ".join(f"[{'.'.join(f)}]" for f in files)
                raise SettingsError(f"settings file {path}: unknown section [{'.'.join(at)}] (known: {known})")

    walk((), data)
    _OVERRIDES.update(found)
    _SETTINGS.update(file=str(Path(path).resolve()), sha256=hashlib.sha256(raw).hexdigest(),
                     overrides=sorted(found))
    return settings_info()


def settings_info() -> dict:
    """Which settings are in use: `file` (None: the packaged defaults), its `sha256`, the data
    files it overrides, and the raw overrides (to hand the same settings to another process)."""
    return {**_SETTINGS, "data": copy.deepcopy(_OVERRIDES)}


def apply_settings(info: dict | None) -> None:
    """Use the settings `settings_info()` described in another process (a cluster's worker)."""
    info = info or {}
    if info.get("sha256") == _SETTINGS["sha256"]:
        return
    _OVERRIDES.clear()
    _OVERRIDES.update(info.get("data") or {})
    _SETTINGS.update(file=info.get("file"), sha256=info.get("sha256"), overrides=info.get("overrides", []))
    load_toml.cache_clear()


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
