"""The audit's data files: every cue example of corpora/audit.toml behaves as it says, every
message template fills, and every threshold of thresholds.toml has a measure the checks know."""
from __future__ import annotations

import string

import pytest

from extract.audit import document, partition
from extract.resources import load_toml

DATA = load_toml("audit.toml")

CASES = [  # (section, example key, the compiled cue, should it match)
    ("percent_mismatch", "share", lambda c: c.share.search, True),
    ("percent_mismatch", "not_share", lambda c: c.share.search, False),
    ("sum_mismatch", "parts", lambda c: c.parts_marker.match, True),
    ("sum_mismatch", "not_parts", lambda c: c.parts_marker.match, False),
    ("growth_mismatch", "growth", lambda c: c.growth.search, True),
    ("growth_mismatch", "not_growth", lambda c: c.growth.search, False),
    ("measures", "jurisdiction", lambda c: c.jurisdiction.search, True),
    ("measures", "not_jurisdiction", lambda c: c.jurisdiction.search, False),
]


@pytest.mark.parametrize("section,key,cue,matches", CASES, ids=[f"{s}.{k}" for s, k, _, _ in CASES])
def test_cue_examples(section, key, cue, matches):
    examples = DATA[section]["examples"][key]
    assert examples
    for text in examples:
        assert bool(cue(document.cues())(text)) is matches, text


@pytest.mark.parametrize("key,expected", [("partition", True), ("not_partition", False)])
def test_partition_examples(key, expected):
    from extract.figures import find_figures

    cfg = DATA["partition"]
    for text in cfg["examples"][key]:
        figures = [f for f in find_figures(text) if f.quantity == "count"]
        parts = partition.partition(text, figures[0], figures[1:], [], cfg)
        assert bool(parts) is expected, text
        if expected:
            assert sum(f.value for f in parts) == figures[0].value, text  # the examples add up


def test_every_message_template_names_its_fields():
    for name, template in DATA["messages"].items():
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        filled = template.format(**{f: 1.0 for f in fields})
        assert "{" not in filled, name


def test_every_threshold_has_a_known_measure_and_scope():
    for t in load_toml("thresholds.toml")["threshold"]:
        assert t["measure"] in document.MEASURES, t["id"]
        assert t["scope"] in DATA["scopes"], t["id"]
