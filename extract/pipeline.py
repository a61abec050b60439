"""One file in, all its records out: read -> normalise -> extract figures -> classify -> check.

`process(path)` never raises for a problem with the file itself: it returns a Result whose
document row has the status and a one-line error."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path

from . import readers
from .errors import ExtractError
from .normalise import normalise
from .readers import ocr_marks
from .records import Document, Result

log = logging.getLogger(__name__)


def doc_id_of(data: bytes) -> str:
    """Content hash that names a document (first 16 hex digits of SHA-256)."""
    return hashlib.sha256(data).hexdigest()[:16]


def read(path: str | Path) -> Document:
    """Read and normalise one file into a Document (status `ok`, or why not)."""
    path = Path(path)
    source = str(path)
    try:
        readers.check_size(path)
        data = path.read_bytes()
    except ExtractError as e:
        return Document(source=source, doc_id="", format="", status=e.status, error=str(e))
    except OSError as e:
        return Document(source=source, doc_id="", format="", status="error",
                        error=f"cannot open file: {e.strerror or e}")
    doc_id = doc_id_of(data)
    if not data:
        return Document(source=source, doc_id=doc_id, format=path.suffix.lstrip(".").lower(), status="empty",
                        error="the file is empty (0 bytes)")
    fmt = readers.sniff(data, path.suffix.lower())
    try:
        raw = readers.read(path, data, fmt)
    except ExtractError as e:
        return Document(source=source, doc_id=doc_id, format=fmt, status=e.status, error=str(e))
    except Exception as e:  # a reader bug or a library failing on a strange file: one row, not a crash
        log.debug("reader failed on %s", source, exc_info=True)
        return Document(source=source, doc_id=doc_id, format=fmt, status="error",
                        error=f"could not read the {fmt} file ({type(e).__name__}: {_one_line(e)})")
    norm = normalise(raw)
    status = "ok" if norm.text.strip() else "empty"
    return Document(source=source, doc_id=doc_id, format=raw.format, status=status, encoding=raw.encoding,
                    pages=raw.page_count or len(raw.pages), chars=len(norm.text), title=norm.title,
                    error="" if status == "ok" else "no text found in the file", text=norm.text,
                    sentences=norm.sentences, **raw.ocr_fields())


def process(path: str | Path) -> Result:
    """Every record mined from one file: the document, its figures, standards claims and honours."""
    document = read(path)
    if document.status != "ok":
        return Result(document=document)
    from .figures import extract_figures

    try:
        figures = ocr_marks.mark(document, extract_figures(document))
    except Exception as e:  # keep the document row; report the stage that failed
        log.debug("figure extraction failed on %s", document.source, exc_info=True)
        return Result(document=_failed(document, f"figure extraction failed ({type(e).__name__}: {_one_line(e)})"))
    from .check import check_document
    from .classify import classify_document

    claims, honours = classify_document(document)
    result = Result(document=document, figures=figures, claims=claims, honours=honours)
    return replace(result, flags=tuple(check_document(result)))


def _failed(document: Document, message: str) -> Document:
    return replace(document, status="error", error=message)


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())[:120]
