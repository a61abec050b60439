"""A wheel holds every package of the source tree (setuptools is given the list by hand)."""
from __future__ import annotations

import tomllib

from helpers import ROOT


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "extract").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
