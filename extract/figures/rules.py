"""The compiled figure rules: `corpora/figures.toml` turned into regexes once (functools.cache).

Each match is a candidate figure with a rule id (`money.v1`, `area.range.v1` …); `scan.py`
filters candidates and computes values."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..resources import alternation, fill, load_toml
from .numbers import ARABIC, CN_CHARS, NUMERAL


def _alt(words) -> str:
    return alternation(words, longest_first=True)


@dataclass(frozen=True)
class RuleId:
    """The ids a rule family gives its figures (`[rule_ids]` of figures.toml)."""

    single: str  # a single figure (money.v1)
    range: str | None  # a range (money.range.v1); None for families that find no ranges


@dataclass(frozen=True)
class Rules:
    """The figure rules of corpora/figures.toml with what scan.py needs of them, compiled."""

    data: dict
    patterns: dict  # rule family -> compiled regex (each has its own named groups)
    ids: dict  # rule family -> RuleId
    range_of: dict  # id of a single figure -> id of the range two such figures make
    prefix: re.Pattern
    money_units: dict
    area_units: dict
    classifiers: dict
    infix_multipliers: dict  # 万/亿/千 between a numeral and its unit -> factor
    range_join: re.Pattern  # what may stand between two figures that make one range (1万元-5万元)


@functools.cache
def rules() -> Rules:
    """All figure rules, compiled once."""
    d = load_toml("figures.toml")
    money = d["money"]["units"]
    area = d["area"]["units"]
    cls = d["count"]["classifiers"]
    ranges = d["ranges"]
    multipliers = d["numbers"]["infix_multipliers"]
    parts = {
        "numeral": NUMERAL, "arabic": ARABIC, "cn_chars": CN_CHARS,
        "range_sep": f"(?:{alternation(ranges['separators'])})",
        "inclusion_marks": alternation(ranges["inclusion_marks"]),
        "infix_qualifiers": _alt(d["qualifiers"]["infix"]), "infix_multipliers": "".join(multipliers),
        "money_units": _alt(money), "money_subunits": _alt(d["money"]["subunits"]), "area_units": _alt(area),
        "classifiers": _alt(cls), "people_before_wan": _alt(d["kind"]["people_before_wan"]),
        "people_bridge": alternation(d["kind"]["people_bridge"]),
    }
    for name in ("num", "num_range", "infix"):  # in this order: each may use the one before
        parts[name] = fill(d["pattern_parts"][name], parts)
    patterns = {family: fill(p, parts) for family, p in d["patterns"].items()}
    q = d["qualifiers"]
    prefix = re.compile(rf"(?:(?:{_alt(q['prefix'])})(?:{_alt(q['bridge'])})?|(?:{_alt(q['verb_bridge'])})"
                        rf"[\u4e00-\u9fff]{{1,2}})$")
    ids = {family: RuleId(e["id"], e.get("range")) for family, e in d["rule_ids"].items()}
    joins = [re.escape(sep) + ("{1,2}" if sep in ranges["doubled_between_figures"] else "")
             for sep in ranges["separators"] if sep not in ranges["not_between_figures"]]
    return Rules(data=d, patterns={k: re.compile(v) for k, v in patterns.items()}, prefix=prefix,
                 ids=ids, range_of={i.single: i.range for i in ids.values() if i.range},
                 money_units=money, area_units=area, classifiers=cls, infix_multipliers=multipliers,
                 range_join=re.compile(rf"\s*(?:{'|'.join(joins)})\s*"))


@functools.cache
def start_chars() -> re.Pattern:
    """Where a rule may start: a numeral character, or one of `[rule_starts] chars`."""
    return re.compile(rf"[0-9{CN_CHARS}{load_toml('figures.toml')['rule_starts']['chars']}]")
