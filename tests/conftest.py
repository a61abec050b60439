"""Fixture factories: real PDFs, DOCX and other files made on the fly (no binary fixtures)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_samples  # noqa: E402

DATA = Path(__file__).parent / "data"
SAMPLES = ROOT / "corpora" / "samples"

REPORT_LINES = [
    "青石街道2022年社区建设工作总结",
    "一、基本情况",
    "青石街道辖区面积12.5平方公里，下辖8个社区、3个行政村，常住人口4.2万人、15230户。",
    "全年投入社区建设资金860万元，社区服务用房由平均180平方米扩大到420平方米以上。",
    "二、主要成效",
    "建成居家养老服务站8个，组建志愿服务队26支，开展文化活动150余场，居民满意度达到95%以上。",
]


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
