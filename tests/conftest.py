"""Fixture factories: real PDFs, DOCX and other files made on the fly (no binary fixtures)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REPORT_LINES, make_samples


@pytest.fixture
def make_pdf(tmp_path):
    def make(lines=REPORT_LINES, name="report.pdf", **kw) -> Path:
        path = tmp_path / name
        make_samples.write_pdf(path, list(lines), **kw)
        return path
    return make


@pytest.fixture
def make_docx(tmp_path):
    def make(lines=REPORT_LINES, name="report.docx") -> Path:
        path = tmp_path / name
        make_samples.write_docx(path, list(lines))
        return path
    return make


@pytest.fixture
def report_text() -> str:
    return "\n".join(REPORT_LINES) + "\n"
