"""The inputs of a run: the files named on the command line and every file under named folders.

A folder shequ wrote (the run's output folder, or any folder holding `shequ.sqlite` or
`.shequ.lock`) is never read as input, wherever it is; a folder named on the command line that
is one (`shequ extract in -o in`) is read without the files shequ wrote there. What cannot be listed or is not a regular
file (a FIFO, a device, a link loop, a dangling link, a folder that cannot be read) is listed too,
so that it gets a row saying what it is (`pipeline.process_file` never opens it). File names that
are not valid UTF-8 (GBK names unzip leaves) are kept as the OS gives them (surrogate escapes);
`extract.names.display_name` is their text form for the tables."""
from __future__ import annotations

import os
import stat
from pathlib import Path

OUTPUT_MARKERS = ("shequ.sqlite", ".shequ.lock")


def is_output_folder(folder: str | Path) -> bool:
    """True for a folder a shequ run wrote (it holds its database or its lock)."""
    return any(os.path.lexists(os.path.join(folder, m)) for m in OUTPUT_MARKERS)


def _key(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def iter_inputs(paths: tuple[Path, ...], exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Files named on the command line plus every entry under named folders (recursive, sorted),
    skipping hidden files and folders, the folders in `exclude` (the run's output folder) and any
    folder a shequ run wrote (a named folder that is one is read without the files shequ wrote). Links to folders are followed once; a link back to a folder above it
    (a loop), a dangling link, a FIFO, a device and a folder that cannot be read are listed as
    they are, to get their row."""
    skip: set[tuple[int, int]] = set()
    for e in exclude:
        try:
            skip.add(_key(os.stat(e)))
        except OSError:
            pass
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            files.append(Path(p))  # a dangling link or a loop named directly: its row says which
            continue
        if not stat.S_ISDIR(st.st_mode):
            files.append(Path(p))
        else:  # a named output folder (`-o .` on the input folder) is read without what shequ wrote
            own = _key(st) in skip or is_output_folder(p)
            _walk(Path(p), (_key(st),), skip, seen, files, written() if own else frozenset())
    return files


def written() -> frozenset[str]:
    """The names a run writes into its output folder."""
    from .store import TABLES

    tables = {f"{t}.{ext}" for t in TABLES for ext in ("csv", "jsonl")}
    return frozenset({*OUTPUT_MARKERS, *tables, "shequ.sqlite-wal", "shequ.sqlite-shm", "shequ.sqlite-journal",
                      "run.json", "metadata.json", "shequ.xlsx", "text", "report"})


def _walk(folder: Path, above: tuple[tuple[int, int], ...], skip: set, seen: set, out: list[Path],
          own: frozenset[str]) -> None:
    """The entries under `folder` (but those named in `own`), sorted; links to folders followed
    after the real folders, so a folder reached both ways is listed under its own name."""
    links: list[tuple[Path, tuple]] = []
    _list(folder, above, skip, seen, out, links, own)
    while links:
        f, chain = links.pop(0)
        _list(f, chain, skip, seen, out, links)


def _list(folder: Path, above: tuple, skip: set, seen: set, out: list[Path], links: list,
          own: frozenset[str] = frozenset()) -> None:
    if above[-1] in seen:
        return  # reached before through a link: its files are listed once
    seen.add(above[-1])
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        out.append(folder)  # cannot be read: its row says so
        return
    for name in names:
        if name.startswith(".") or name in own:
            continue
        f = folder / name
        try:
            st = os.stat(f)
        except OSError:
            out.append(f)  # a dangling link, a link loop, a file gone meanwhile
            continue
        if not stat.S_ISDIR(st.st_mode):
            out.append(f)
        elif _key(st) in above:
            out.append(f)  # a link to a folder above it: a loop, not followed
        elif _key(st) not in skip and not is_output_folder(f):
            if os.path.islink(f):
                links.append((f, (*above, _key(st))))
            else:
                _list(f, (*above, _key(st)), skip, seen, out, links)
