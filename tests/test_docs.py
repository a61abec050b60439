"""The README stays true: its two first commands, the CI script and the commands it documents."""
from __future__ import annotations

import re

from extract.cli import main

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return [l for l in block.splitlines() if l.strip()]


def test_readme_starts_with_the_two_fresh_machine_commands():
    run, tests = _first_commands()[:2]
    assert "shequ extract corpora/samples -o outputs/" in run
    assert "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _first_commands()[1] in ci.splitlines()


def test_every_command_is_documented():
    for name in main.commands:
        assert f"shequ {name}" in README, name


def test_every_output_file_is_documented():
    from extract.bulk.store import TABLES

    for name in [f"{table}.csv" for table in TABLES] + ["text/<doc_id>.txt", "report/index.html", "shequ.sqlite"]:
        assert f"`{name}`" in README, name
