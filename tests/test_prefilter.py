"""The rules' prefilters (extract/figures/prefilter.py): read off each rule's regex, they keep
every start at which the rule matches, so the scan finds the same matches trying fewer starts."""
from __future__ import annotations

import random
import re

from extract.figures.prefilter import prefilter
from extract.figures.rules import rules, start_chars
from extract.figures.scan import _matches_at


def _texts(seed: int, count: int) -> list[str]:
    """Texts of our own made of numerals, units, signs and words around them."""
    rng = random.Random(seed)
    pieces = ["1", "2", "45", "3.5", "1,200", "一", "三", "十", "百", "千", "万", "亿", "两", "零", "半", "负", "-",
              "元", "万元", "人民币", "¥", "块", "钱", "平方米", "亩", "个", "人", "名", "户", "%", "‰", "成", "分之",
              "个百分点", "一半", "/", "多", "余", "至", "到", "~", "(含)", " ", "，", "社区", "投入", "面积", "占"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def test_prefiltered_starts_give_the_same_matches():
    from extract.figures.scan import _prefilters

    texts = _texts(7, 3000)
    checked = 0
    for family, pattern in rules().patterns.items():
        for where in (prefilter(pattern.pattern), _prefilters()[family]):  # its own gap, the shared one
            if where is None:
                continue
            checked += 1
            for text in texts:
                starts = [m.start() for m in start_chars().finditer(text)]
                viable = where.viable(text, starts)
                assert set(viable) <= set(starts)
                want = [(m.start(), m.end()) for m in _matches_at(pattern, text, starts)]
                got = [(m.start(), m.end()) for m in _matches_at(pattern, text, viable)]
                assert got == want, (family, text)
    assert checked >= 16  # money, area, count and the percent rules have one, with both gaps


def test_prefilter_of_simple_patterns():
    p = prefilter(r"(?:约)?\d+(?:多)?(?P<unit>万元|元)")
    assert p is not None and set(p.anchors) == {"万元", "元"} and "" in p.lead and "约" in p.lead
    assert re.fullmatch(f"[{p.gap}]+", "12多") and not re.fullmatch(f"[{p.gap}]+", "约")
    assert p.viable("约12元和34", [1, 2, 6, 7]) == [1, 2]  # 34 has no unit after it
    assert p.viable("约12元", [0, 1, 2]) == [0, 1, 2]  # 约 starts a match too (the lead)
    assert prefilter(r"\d+.元") is None  # any character before the unit: no bound on the gap
    assert prefilter(r"\d+[^，]元") is None  # a negated class: idem
    assert prefilter(r"\d+") is None  # no anchor at all


def test_end_reach_decides_on_the_last_characters():
    from extract.figures.prefilter import end_reach

    assert end_reach(r"(?:由|从)[^，]{0,6}$") == 8
    assert end_reach(r"ab$|c$") == 3
    assert end_reach(r"a+$") is None  # unbounded
    assert end_reach(r"(?<=x)ab$") is None  # looks behind its match
    assert end_reach(r"ab") is None  # not anchored at the end
    pattern = re.compile(r"(?:增加|提高)(?:到|至)[^，。]{0,4}$")
    reach = end_reach(pattern.pattern)
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice(["增加", "提高", "到", "至", "，", "社区", "1", "\n"]) for _ in range(rng.randint(0, 12)))
        assert bool(pattern.search(text)) == bool(pattern.search(text[-reach:])), text


def test_starts_inside_long_numeral_runs_are_dropped():
    from extract.figures.scan import _long_run, _outside_long_runs

    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(["1" * rng.randint(1, 60), "万", "元", "，", "社区"]) for _ in range(rng.randint(1, 8)))
        starts = [m.start() for m in start_chars().finditer(text)]
        runs = [m.span() for m in _long_run().finditer(text)]
        assert _outside_long_runs(text, starts) == [p for p in starts if not any(a <= p < b for a, b in runs)]
