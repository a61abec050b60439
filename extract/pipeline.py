"""One file in, one Result out: read -> normalise -> figures -> standards -> audit.

`process_file(path)` is the library's boundary and the only per-file guard: it never raises for
anything a file can cause (only a ShequError, such as a missing model, which no file causes). Each stage runs under its own guard; a stage that fails ends the file
there, and the Result keeps the document row (its doc_id, format, and a status with a one-line
error naming the stage) together with everything the earlier stages produced. The whole file
runs under a time limit."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from . import readers
from .errors import ExtractError, FileTimeout, ShequError, one_line
from .names import display_name
from .normalise import normalise
from .readers import ocr_marks
from .records import Claim, Document, Figure, Honour, Result

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT_S = 120


def doc_id_of(data: bytes) -> str:
    """Content hash that names a document (first 16 hex digits of SHA-256)."""
    return hashlib.sha256(data).hexdigest()[:16]


class _StageFailed(Exception):
    """A stage could not go on: the file ends with this status and one-line error."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class _Progress:
    """What the stages of one file have produced so far (so a failure keeps it)."""

    source: str
    doc_id: str = ""
    format: str = ""
    document: Document | None = None
    figures: tuple[Figure, ...] = ()
    claims: tuple[Claim, ...] = ()
    honours: tuple[Honour, ...] = ()

    def failed(self, status: str, message: str) -> Result:
        """The file's Result when a stage stopped it: the document row with that status, and the
        records of the stages before."""
        if self.document is None:
            doc = Document(source=self.source, doc_id=self.doc_id, format=self.format, status=status, error=message)
        else:
            doc = replace(self.document, status=status, error=message)
        return Result(document=doc, figures=self.figures, claims=self.claims, honours=self.honours)


def _stage_error(stage: str, e: Exception, progress: _Progress) -> _StageFailed:
    """The one translation of an exception inside a stage into the file's status row. A ShequError
    (a missing model or dependency) is not the file's problem: it is raised for the caller."""
    if isinstance(e, ShequError):
        raise e
    if isinstance(e, ExtractError):
        return _StageFailed(e.status, str(e))
    log.debug("%s failed on %s", stage, progress.source, exc_info=True)
    if stage == "read":
        return _StageFailed("error", f"could not read the {progress.format} file ({type(e).__name__}: {one_line(e)})")
    return _StageFailed("error", f"{stage} failed ({type(e).__name__}: {one_line(e)})")


def _read(path: Path, progress: _Progress) -> Document:
    """Stages read and normalise: the file's bytes, its format, its normalised text."""
    try:
        data = readers.read_file(path)
    except ExtractError as e:
        raise _StageFailed(e.status, str(e)) from None
    except OSError as e:
        raise _StageFailed("error", f"cannot open file: {e.strerror or e}") from None
    progress.doc_id = doc_id_of(data)
    if not data:
        progress.format = path.suffix.lstrip(".").lower()
        raise _StageFailed("empty", "the file is empty (0 bytes)")
    progress.format = readers.sniff(data, path.suffix.lower())
    try:
        raw = readers.read(path, data, progress.format)
    except Exception as e:  # a reader bug or a library failing on a strange file: one row, not a crash
        raise _stage_error("read", e, progress) from None
    progress.format = raw.format
    chars = sum(map(len, raw.pages))
    if chars > readers.MAX_TEXT_CHARS:  # its records would not fit in a worker's memory
        raise _StageFailed("error", f"the text is {chars / 1e6:.1f} million characters (limit "
                                    f"{readers.MAX_TEXT_CHARS / 1e6:.0f} million, limits.toml text_million_chars): refused")
    try:
        norm = normalise(raw)
    except Exception as e:
        raise _stage_error("normalisation", e, progress) from None
    status = "ok" if norm.text.strip() else "empty"
    progress.document = Document(
        source=progress.source, doc_id=progress.doc_id, format=raw.format, status=status, encoding=raw.encoding,
        pages=raw.page_count or len(raw.pages), chars=len(norm.text), title=norm.title,
        error="" if status == "ok" else "no text found in the file", removed_share=norm.removed_share,
        warning=norm.warning, text=norm.text, sentences=norm.sentences,
        **raw.ocr_fields())
    return progress.document


def _mine(path: Path, progress: _Progress) -> Result:
    """Every stage of one file, in order."""
    document = _read(path, progress)
    if document.status != "ok":
        return Result(document=document)
    from .audit.document import check_document
    from .figures import extract_figures
    from .standards import classify_document

    try:
        progress.figures = tuple(ocr_marks.mark(document, extract_figures(document)))
    except Exception as e:
        raise _stage_error("figure extraction", e, progress) from None
    try:
        progress.claims, progress.honours = classify_document(document)
    except Exception as e:
        raise _stage_error("standards classification", e, progress) from None
    result = Result(document=document, figures=progress.figures, claims=progress.claims, honours=progress.honours)
    try:
        return replace(result, flags=tuple(check_document(result)))
    except Exception as e:
        raise _stage_error("audit", e, progress) from None


def _on_alarm(signum, frame):
    raise FileTimeout


@contextlib.contextmanager
def _time_limit(seconds: int | None):
    """SIGALRM after `seconds` (where the alarm signal can be taken: the main thread of a process)."""
    armed = bool(seconds) and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not armed:
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(int(seconds))
    try:
        yield
    finally:
        signal.alarm(0)  # disarmed before any error row is built
        signal.signal(signal.SIGALRM, old)


def process_file(path: str | Path, time_limit: int | None = DEFAULT_TIME_LIMIT_S) -> Result:
    """Every record mined from one file: the document, its figures, standards claims, honours and
    flags. Never raises for a problem of the file: the document row says what went wrong."""
    progress = _Progress(display_name(path))
    try:
        with _time_limit(time_limit):
            return _mine(Path(path), progress)
    except FileTimeout:
        return progress.failed("error", f"time limit exceeded ({time_limit} s per file); see --time-limit")
    except _StageFailed as e:
        return progress.failed(e.status, e.message)


def read(path: str | Path, time_limit: int | None = None) -> Document:
    """Read and normalise one file into a Document (status `ok`, or why not). Never raises for a
    problem of the file."""
    progress = _Progress(display_name(path))
    try:
        with _time_limit(time_limit):
            return _read(Path(path), progress)
    except FileTimeout:
        return progress.failed("error", f"time limit exceeded ({time_limit} s per file)").document
    except _StageFailed as e:
        return progress.failed(e.status, e.message).document


def process(path: str | Path) -> Result:
    """`process_file` without a time limit (the name of earlier releases; kept for one release)."""
    return process_file(path, time_limit=None)
