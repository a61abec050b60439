"""The inputs of a run: the files named on the command line and every file under named folders."""
from __future__ import annotations

from pathlib import Path


def iter_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """Files named on the command line plus every file under named folders (recursive, sorted),
    skipping hidden files and folders."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                    files.append(f)
        else:
            files.append(p)
    return files
