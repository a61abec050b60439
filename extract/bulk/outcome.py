"""What a worker sends back for one file (`Outcome`), and the per-file function every engine runs
(`outcome_for`): `pipeline.process_file`, then the rows of every table, the digest the
cross-document checks need, and the text written to `text/`."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from ..audit.corpus import Digest, digest
from ..names import display_name
from ..pipeline import DEFAULT_TIME_LIMIT_S, process_file
from ..records import Document, Result
from ..resources import apply_settings
from .store import rows_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One file's results, cheap to pickle: the document row (its text and sentences dropped), the
    rows of every table (`store.rows_of`, the digest the cross-document checks need among them),
    and the text only when the worker did not write it to `text/` itself. `digest` is None from
    the engines (the row carries it)."""

    document: Document
    rows: dict
    digest: Digest | None = None
    text: str | None = None


def write_text(text_dir: str | Path, doc_id: str, text: str) -> None:
    """`text_dir/<doc_id>.txt`, written atomically. Always rewritten: a new version of shequ may
    normalise the same file differently, and the database's offsets point into this text."""
    path = Path(text_dir) / f"{doc_id}.txt"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def outcome_of(result: Result, text_dir: str | None = None) -> Outcome:
    """A file's Outcome; with `text_dir` its text is written there instead of sent back."""
    doc = result.document
    text = None
    if doc.text and doc.doc_id:  # also the text of a file a later stage failed on: its figures point into it
        if text_dir:
            write_text(text_dir, doc.doc_id, doc.text)
        else:
            text = doc.text
    try:
        summary = digest(result)
    except Exception:  # the file keeps its rows; it only drops out of the cross-document checks
        log.warning("cross-document digest failed on %s", doc.source, exc_info=True)
        summary = None
    # the digest travels as its row of `digests` only (the run reads it back from the store)
    return Outcome(replace(doc, text="", sentences=()), rows_of(result, summary), None, text)


def outcome_for(path: str, time_limit: int | None = DEFAULT_TIME_LIMIT_S, text_dir: str | None = None) -> Outcome:
    """The per-file function every engine runs: process one file, return its Outcome."""
    return outcome_of(process_file(path, time_limit), text_dir)


def outcomes_for(paths: list[str], time_limit: int | None = DEFAULT_TIME_LIMIT_S,
                 settings: dict | None = None) -> list[Outcome]:
    """`outcome_for` for several files: one cluster task, so the scheduler's and the client's cost
    per task is shared by the files. `settings`: the run's (`resources.settings_info()`), for a
    worker in another process that did not inherit them."""
    if settings is not None:
        apply_settings(settings)
    return [outcome_for(p, time_limit) for p in paths]


def failed_outcome(path: str, why: str) -> Outcome:
    """The error row of a file that no engine could process (its worker died, its task failed)."""
    doc = Document(source=display_name(path), doc_id="", format="", status="error", error=why)
    return Outcome(doc, rows_of(Result(doc)))


def warm_up() -> None:
    """Load the tokenizer and the model once per worker, not once per file."""
    from .. import segment
    from ..standards.tagger import tagger

    segment.load()
    tagger()


def die_with_parent() -> None:
    """In a worker process: end when the process that started it ends, even by SIGKILL (Linux's
    parent-death signal, and a watch on the parent's pid where that is not available)."""
    parent = os.getppid()
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# descriptors a forked worker must not keep (the output folder's lock)
INHERITED_FDS: set[int] = set()


def worker_init(warm: bool) -> None:
    """Initializer of the local worker processes."""
    die_with_parent()
    for fd in list(INHERITED_FDS):
        try:
            os.close(fd)
        except OSError:
            pass
    INHERITED_FDS.clear()
    if warm:
        warm_up()
