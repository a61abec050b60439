"""No lexicon in code: every string constant under extract/ that holds two or more CJK characters
(written out, not as \\u escapes) outside docstrings is a failure, f-string parts included. Words,
cue lists and patterns with words belong in corpora/ (loaded through extract/resources.py)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

EXTRACT = Path(__file__).resolve().parent.parent / "extract"

# file (relative to extract/) -> why it may still hold such literals
ALLOWED: dict[str, str] = {}

# Han characters (with 〇, the Han zero), as the readers leave them after normalisation
_CJK = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def cjk_literals(source: str) -> list[tuple[int, str]]:
    """(line, value) of every string constant outside docstrings holding 2+ CJK characters that
    are written out in the source. Parts of an f-string are judged against the f-string's source."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    segment_of: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            seg = ast.get_source_segment(source, node) or ""
            for part in ast.walk(node):
                if isinstance(part, ast.Constant):
                    segment_of[id(part)] = seg
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            seg = segment_of.get(id(node)) or ast.get_source_segment(source, node) or ""
            if sum(1 for ch in node.value if _CJK.match(ch) and ch in seg) >= 2:
                out.append((node.lineno, node.value))
    return out


def _sources() -> list[Path]:
    return sorted(EXTRACT.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(EXTRACT)))
def test_no_cjk_words_in_code(path):
    name = str(path.relative_to(EXTRACT))
    if name in ALLOWED:
        pytest.skip(ALLOWED[name])
    found = cjk_literals(path.read_text(encoding="utf-8"))
    assert not found, f"{name}: words in code, move them to corpora/: " + "; ".join(
        f"line {line}: {value[:40]!r}" for line, value in found)


def test_allowed_files_still_need_it():
    """An entry goes once its file is clean (or gone), so the list only shrinks."""
    for name in ALLOWED:
        path = EXTRACT / name
        assert path.exists() and cjk_literals(path.read_text(encoding="utf-8")), f"{name}: drop it from ALLOWED"


@pytest.mark.parametrize("source,flagged", [
    ('x = "社区"', True),
    ('x = f"{n}个社区"', True),
    ('x = "社"', False),
    ('x = "\\u793e-\\u533a"', False),  # escapes, a character range of a pattern
    ('def f():\n    """全区52个社区."""\n', False),
    ('x = ("a", "全区")', True),
])
def test_the_check_itself(source, flagged):
    assert bool(cjk_literals(source)) is flagged
