"""What tests share: the repository's folders, the sample-report lines, the sample renderer
(`scripts/make_samples.py`), hostile files (`scripts/hostile_files.py`) and the planted audit set's scorer (`scripts/audit_planted.py`).
Imported by the tests as `helpers`; `conftest.py` holds the fixtures."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import audit_planted  # noqa: E402
import hostile_files  # noqa: E402
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

__all__ = ["ROOT", "DATA", "SAMPLES", "REPORT_LINES", "make_samples", "audit_planted", "hostile_files"]
