"""The compiled figure rules: `corpora/figures.toml` turned into regexes once (functools.cache).

Each match is a candidate figure with a rule id (`money.v1`, `area.range.v1` …); `scan.py`
filters candidates and computes values."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..resources import load_toml
from .numbers import ARABIC, CN_CHARS, NUMERAL


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class RuleId:
    """The ids a rule family gives its figures (`[rule_ids]` of figures.toml)."""

    single: str  # a single figure (money.v1)
    range: str | None  # a range (money.range.v1); None for families that find no ranges


@dataclass(frozen=True)
class Rules:
    data: dict
    patterns: dict  # rule family -> compiled regex (each has its own named groups)
    ids: dict  # rule family -> RuleId
    range_of: dict  # id of a single figure -> id of the range two such figures make
    prefix: re.Pattern
    money_units: dict
    area_units: dict
    classifiers: dict


RANGE_SEP = r"(?:-|~|～|—|–|－|至|到)"


@functools.cache
def rules() -> Rules:
    """All figure rules, compiled once."""
    d = load_toml("figures.toml")
    money = d["money"]["units"]
    area = d["area"]["units"]
    cls = d["count"]["classifiers"]
    # 1200多万元, 180余万条: a qualifier, then possibly the multiplier it stood before
    infix = f"(?P<infix>{_alt(d['qualifiers']['infix'])})?(?P<mult>[万亿千](?=[^万亿千]))?"
    num = rf"(?:负|(?<![0-9\u4e00-\u9fff%])-)?{NUMERAL}"
    num_range = rf"(?P<num>{num})(?:\((?:含|不含)\))?(?:\s?(?P<sep>{RANGE_SEP})\s?(?P<num2>{NUMERAL}))?"
    sub = _alt(d["money"]["subunits"])
    patterns = {
        "percent.fraction": rf"(?P<den>{NUMERAL})分之(?P<nom>{NUMERAL}|百)",
        "percent.sign": rf"{num_range}(?:%|‰)(?:{RANGE_SEP}(?P<num2p>{NUMERAL})(?:%|‰))?",
        "percent.point": rf"{num_range}个百分点",
        "percent.cheng": rf"(?P<num>{NUMERAL}|半)成(?P<half>半)?",
        "money": rf"(?:人民币|¥|￥)?{num_range}{infix}(?P<unit>{_alt(money)})"
                 rf"(?:(?P<jiao>{NUMERAL})(?P<jiao_u>{sub}))?(?:(?P<fen>{NUMERAL})分)?(?:钱|人民币|整)?",
        # 1/3 in prose is a fraction (not 3/28, a date: the numerator must be smaller)
        "percent.slash": r"(?<![\d/.:-])(?P<nom>\d{1,2})/(?P<den>\d{1,2})(?![\d/.:-]|[月日号])",
        "money.symbol": rf"(?:¥|￥)(?P<num>{ARABIC})(?P<unit>)",
        "area": rf"{num_range}{infix}(?P<unit>{_alt(area)})",
        "count": rf"{num_range}{infix}(?P<unit>{_alt(cls)})",
        # 人口24.2万: a bare 万 after a people noun counts people
        "count.people": rf"(?:{_alt(d['kind']['people_before_wan'])})(?:约|达|近|为|有|共|计)?"
                        rf"(?P<num>{NUMERAL}[万亿]){infix}(?![\d{CN_CHARS}人名口户元])",
    }
    q = d["qualifiers"]
    prefix = re.compile(rf"(?:(?:{_alt(q['prefix'])})(?:{_alt(q['bridge'])})?|(?:{_alt(q['verb_bridge'])})"
                        rf"[\u4e00-\u9fff]{{1,2}})$")
    ids = {family: RuleId(e["id"], e.get("range")) for family, e in d["rule_ids"].items()}
    return Rules(data=d, patterns={k: re.compile(v) for k, v in patterns.items()}, prefix=prefix,
                 ids=ids, range_of={i.single: i.range for i in ids.values() if i.range},
                 money_units=money, area_units=area, classifiers=cls)
