"""Find figures in normalised text: candidates from the compiled rules, then the filters that
drop what GUIDELINES says is not a figure (ordinals, slogans, vague numerals, durations,
articles), then qualifiers. Pure functions over a string; no I/O."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from .. import segment
from ..resources import alternation, fill, record
from .numbers import CN_CHARS, NUMERAL, BIG_UNITS, DIGITS, FINANCIAL, NEGATIVE, NEGATIVE_CHARS, POINT, ZEROS, NotANumber, is_chinese_numeral, parse_number
from .prefilter import prefilter, shared_gap
from .rules import rules, start_chars

_QUOTES = "“”\"「」『』‘’"
_CLAUSE_ENDS = "，。；,;"


@dataclass(frozen=True)
class Span:
    """A figure found in text, before its kind and context are decided."""

    start: int
    end: int
    quantity: str
    value: float
    value_max: float | None
    unit: str
    approx: str
    rule: str
    chinese: bool  # written with Chinese numerals only
    classifier: str = ""  # the classifier as written (counts)


def _num(s: str) -> float:
    if "(" in s:  # 60(含): every inclusion mark is written in brackets
        for mark in _inclusion_marks():
            s = s.replace(mark, "")
    neg = s.startswith(NEGATIVE)
    v = parse_number(s.lstrip(NEGATIVE_CHARS))
    return -v if neg else v


@functools.cache
def _inclusion_marks() -> tuple[str, ...]:
    """What a range end may carry to say whether it is included: (含), (不含)."""
    return tuple(f"({m})" for m in rules().data["ranges"]["inclusion_marks"])


def _trailing_multiplier(s: str) -> float:
    """The 万/亿 a range's second numeral ends with (一百二十到一百五十万 -> 10000)."""
    return float(BIG_UNITS.get(s[-1:], 1.0))


def _range(m: re.Match, num_group: str, num2_group: str) -> tuple[float, float | None]:
    a = _num(m.group(num_group))
    b_text = m.group(num2_group)
    if not b_text:
        return a, None
    b = _num(b_text)
    mult = _trailing_multiplier(b_text)
    if mult > 1 and _trailing_multiplier(m.group(num_group)) == 1 and a * mult <= b:
        a *= mult
    if b <= a:  # "2-3" style ok; "2019-2020" and phone numbers are not ranges
        raise NotANumber("not a range")
    return a, b


def candidates(text: str) -> list[Span]:
    """Every rule match in text as a Span; where matches overlap, the earliest then longest wins
    (so 1200多万元 is money, not a count, and 3541.07万元2.3亿元 gives two amounts)."""
    r = rules()
    found: list[Span] = []
    # Every rule but count.people starts at a numeral (or 人民币/¥/负/-): try the rules only there,
    # as finditer would, instead of at every character of the text. A financial numeral that ends a
    # word with the character before it (队伍2000余名, 大陆) starts no number.
    starts: list[int] = []
    for m in _start_runs().finditer(text):
        starts.extend(range(m.start(), m.end()))
    if not FINANCIAL.isdisjoint(text):
        starts = [p for p in starts if not (text[p] in FINANCIAL and p and segment.pos(text[p - 1:p + 1]))]
    starts = _outside_long_runs(text, starts)
    runs: dict = {}  # the runs of the rules' gap characters, found once
    for family, pattern in r.patterns.items():
        if family == "count.people":
            matches = pattern.finditer(text)
        else:  # only where the rule's unit (or other anchor) can follow: the same matches
            where = _prefilters()[family]
            matches = _matches_at(pattern, text, where.viable(text, starts, runs) if where else starts)
        for m in matches:
            try:
                span = _to_span(family, m, r)
            except NotANumber:  # the rule matched characters that hold no number
                continue
            if span is not None:
                found.append(span)
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


@functools.cache
def _start_runs() -> re.Pattern:
    """Runs of the characters a rule may start at (rules.start_chars): their positions are the starts."""
    return re.compile(f"(?:{start_chars().pattern})+")


@functools.cache
def _prefilters() -> dict:
    """Each rule family's prefilter (extract/figures/prefilter.py), None for a family without one."""
    return shared_gap({family: prefilter(p.pattern) for family, p in rules().patterns.items()})


@functools.cache
def _long_run() -> re.Pattern:
    """A run of numeral characters longer than [scan] max_numeral_run of figures.toml."""
    n = rules().data["scan"]["max_numeral_run"]
    return re.compile(rf"[0-9{CN_CHARS}{''.join(sorted(POINT))},.]{{{n + 1},}}")


def _outside_long_runs(text: str, starts: list[int]) -> list[int]:
    """The start positions (sorted) that are not inside a long run of numeral characters (which
    holds no figure): trying a rule at each position of such a run would scan the rest of it each time."""
    out, kept = [], 0
    for m in _long_run().finditer(text):
        out.extend(starts[kept:bisect.bisect_left(starts, m.start())])
        kept = bisect.bisect_left(starts, m.end())
    if not kept:
        return starts
    out.extend(starts[kept:])
    return out


def _matches_at(pattern: re.Pattern, text: str, starts: list[int]):
    """What pattern.finditer(text) yields, trying only the given start positions."""
    end = -1
    for pos in starts:
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m and m.end() > m.start():
            end = m.end()
            yield m




def _to_span(family: str, m: re.Match, r) -> Span | None:
    g = m.group
    ids = r.ids[family]
    names = m.re.groupindex
    infix = r.data["qualifiers"]["infix"].get((g("infix") if "infix" in names else None) or "", "")
    infix_mult = r.infix_multipliers.get((g("mult") if "mult" in names else None) or "", 1.0)
    if family == "percent.fraction":
        den, nom = g("den"), g("nom")
        end = m.end()
        while True:
            try:
                n = parse_number(nom)  # 百分之百: 百 alone is 100
                break
            except NotANumber:
                if len(nom) <= 1:
                    raise
                nom, end = nom[:-1], end - 1
        d = parse_number(den)
        if not d:
            raise NotANumber(f"a fraction over zero ({den})")
        return Span(m.start(), end, "percent", round(n / d * 100, 6), None, "%", "",
                    ids.single, is_chinese_numeral(den + nom))
    if family == "percent.sign":
        v, vmax = _range(m, "num", "num2")
        infix = ""
        if g("num2p"):
            vmax = _num(g("num2p"))
            if vmax <= v:
                return None
        scale = 0.1 if "‰" in g(0) else 1.0
        return Span(m.start(), m.end(), "percent", v * scale, vmax * scale if vmax else None, "%", infix,
                    ids.single, False)
    if family == "percent.point":
        v, vmax = _range(m, "num", "num2")
        return Span(m.start(), m.end(), "percent", v, vmax, "%", "", ids.single, is_chinese_numeral(g("num")))
    if family == "percent.cheng":
        s = g("num")
        v = 5.0 if s == r.data["percent"]["half"] else parse_number(s) * 10
        end = m.end()
        if g("half"):
            v += 5.0
        if v > 100:
            return None
        return Span(m.start(), end, "percent", v, None, "%", "", ids.single, is_chinese_numeral(s))
    if family == "percent.half":
        return Span(m.start(), m.end(), "percent", float(r.data["percent"]["one_half"]), None, "%", "", ids.single, True)
    if family == "percent.slash":
        nom, den = float(g("nom")), float(g("den"))
        if not 0 < nom < den:
            return None
        return Span(m.start(), m.end(), "percent", round(nom / den * 100, 10), None, "%", "", ids.single, False)
    if family == "money.symbol":
        return Span(m.start(), m.end(), "money", _num(g("num")), None, "CNY", "", ids.single, False)
    if family == "count.bare":
        c = r.data["count"]
        if not m.string.endswith(tuple(c["bare_nouns"]), 0, m.start()):
            return None
        return Span(m.start(), m.end(), "count", float(g("num")), None, c["bare_unit"], "", ids.single, False, "")
    if family == "count.people":
        return Span(m.start("num"), m.end(), "count", parse_number(g("num")), None, r.data["kind"]["people_before_wan_unit"],
                    infix, ids.single,
                    is_chinese_numeral(g("num")), "")
    unit = g("unit")
    v, vmax = _range(m, "num", "num2")
    v, vmax = v * infix_mult, (vmax * infix_mult if vmax is not None else None)
    chinese = is_chinese_numeral(g("num"))
    if family == "money":
        spoken = r.data["money"]["spoken_unit"]
        if unit == spoken["unit"] and not (g("jiao") or g(0).endswith(spoken["needs"])):
            return None  # a classifier (宣传橱窗42块), not money
        mult = r.money_units[unit]
        v *= mult
        vmax = vmax * mult if vmax is not None else None
        if g("jiao"):
            v += parse_number(g("jiao")) * r.data["money"]["subunits"][g("jiao_u")]
        if g("fen"):
            v += parse_number(g("fen")) * 0.01
        return Span(m.start(), m.end(), "money", round(v, 4), vmax, "CNY", infix,
                    ids.range if vmax else ids.single, chinese)
    if family == "area":
        mult = r.area_units[unit]
        return Span(m.start(), m.end(), "area", round(v * mult, 3), round(vmax * mult, 3) if vmax else None, "m2",
                    infix, ids.range if vmax else ids.single, chinese, unit)
    if family == "count":
        if v != int(v) and v < 1000 and not _lex().rate.search(m.string[max(0, m.start() - _lex().windows.rate):m.start()]):
            return None  # 2.5个 is not a count of things, unless a rate (每千名老人41.9张, 人均1.3册)
        return Span(m.start(), m.end(), "count", v, vmax, r.classifiers[unit], infix,
                    ids.range if vmax else ids.single, chinese, unit)
    return None


# --- filters -----------------------------------------------------------------------------------

@functools.cache
def _lex():
    """The filter lexicons and windows of figures.toml ([count], [vague], [scan]), compiled once."""
    d = rules().data
    c, f, w = d["count"], d["scan"], d["scan"]["windows"]
    return record("ScanLexicon", {
        "duration": tuple(sorted(c["duration_nouns"], key=len, reverse=True)),
        "slogan_heads": tuple(c["slogan_heads"]),
        "slogan_head_exceptions": tuple(c["slogan_head_exceptions"]),
        "weak": set(c["weak_after_chinese"]),
        "never": set(c["never_after_chinese"]),
        "vague_before": tuple(sorted(d["vague"]["before"], key=len, reverse=True)),
        "not_after": {k: tuple(v) for k, v in d["count"].get("not_followed_by", {}).items()},
        "not_after_yuan": d["money"]["not_after_yuan"],
        "frequency": re.compile(fill(f["frequency_pattern"],
                                     {"periods": alternation(c["frequency_periods"], longest_first=True),
                                      "numeral": NUMERAL})),
        "rate_range_end": re.compile(fill(f["rate_range_end_pattern"], {
            "rate": alternation(f["rate_denominator_before"]), "numeral": NUMERAL,
            "sep": alternation(d["ranges"]["separators"])})),
        "frequency_max": c["frequency_max"],
        "once_per_period": re.compile(f["once_per_period_pattern"]),
        "frequency_classifier": f["frequency_classifier"],
        "consecutive": tuple(f["consecutive_before"]),
        "story_once": tuple(f["story_once_before"]),
        "ordinal": tuple(f["ordinal_before"]),
        "rate_denominator": tuple(f["rate_denominator_before"]),
        "bare_unit_labels": f["bare_unit_labels"],
        "yuan": f["yuan"],
        "duration_classifiers": set(f["duration_classifiers"]),
        "rate": re.compile(rf"(?:{alternation(f['rate_words'])})[^，。；,;]*$"),
        "article_numerals": tuple(f["article_numerals"]),
        "vague_after_one": frozenset(f["vague_after_one"]),
        "one_named": re.compile(rf"[^{re.escape(f['one_named_breaks'])}]{{1,{w['one_named']}}}(?=[{re.escape(f['one_named_breaks'])}]|$)"),
        "one_quantity_nouns": tuple(f["one_quantity_nouns"]),
        "discourse_classifiers": tuple(f["discourse_classifiers"]),
        "one_cues": re.compile(rf"(?:{'|'.join([alternation(f['one_cues'])] + f['one_cue_patterns'])})[^，。；,;]{{0,2}}$"),
        "numeral_start": f["numeral_start"],
        "windows": record("ScanWindows", w),
    })


def _token_starts(text: str, lo: int, hi: int) -> set[int]:
    """Offsets (in text) where jieba starts a word inside text[lo:hi]."""
    starts, pos = set(), lo
    for w in segment.cut(text[lo:hi]):
        starts.add(pos)
        pos += len(w)
    starts.add(pos)
    return starts


def _in_short_quote(text: str, start: int, end: int, limit: int) -> bool:
    """True when text[start:end] sits inside a short quotation (“三个落实”)."""
    left = max(text.rfind(q, max(0, start - limit), start) for q in "“\"「『")
    if left < 0:
        return False
    closing = [text.find(q, end, end + limit) for q in "”\"」』"]
    closing = [c for c in closing if c >= 0]
    return bool(closing) and min(closing) - left <= limit + (end - start)


def keep(text: str, s: Span) -> bool:
    """False for a candidate that GUIDELINES says is not a figure."""
    lex = _lex()
    win = lex.windows
    before = text[max(0, s.start - win.before):s.start]
    after = text[s.end:s.end + win.after]
    if before.endswith(lex.ordinal):
        return False  # ordinal
    if before.endswith(lex.rate_denominator):
        return False  # 每百户, 每3个月: a rate's denominator
    if lex.rate_range_end.search(text, max(0, s.start - win.rate_range), s.start):
        return False  # 每300户至400户: the upper end of a rate's denominator
    if text[s.start] in lex.bare_unit_labels and not s.approx and not _has_prefix_qualifier(text, s.start) \
            and (s.end - s.start <= 1 + len(s.classifier) or s.quantity == "money" and text[s.start + 1] in lex.yuan):
        return False  # 金额（万元）, 千人: a bare multiplier is a unit label, not a number
    if s.quantity == "percent" and re.match(r"[0-9A-Fa-f]", after[:1] or " ") and text[s.end - 1] == "%":
        return False  # a URL escape (%2D), not a percentage
    if before and (before[-1].isascii() and before[-1].isalnum() or before[-1] in "./_%=&?#+") \
            and not re.search(r"(?:^|[^A-Za-z])[Xx*]{2,}$", before):
        return False  # part of a code, phone number, version or date (X592, 0371-6523…)
    if s.chinese and before.endswith(lex.vague_before):
        return False  # 几十支, 数千株
    if s.quantity == "money" and after[:1] and after[0] in lex.not_after_yuan and text[s.end - 1] == lex.yuan:
        return False  # 元旦, 一元化
    if s.quantity == "count":
        if s.unit in lex.duration_classifiers and after.startswith(lex.duration):
            noun = next(d for d in lex.duration if after.startswith(d))
            if len(noun) > 1 or _first_word(after) == noun:
                return False  # 两个月, 6个工作日 (but 1个日间照料中心: 日 begins another word)
        if after.startswith(lex.not_after.get(s.classifier, ())):
            return False  # 个人, 部门, 名单 …: the classifier is part of a word
        frequency = s.unit == lex.frequency_classifier
        if frequency and lex.once_per_period.search(before):
            return False  # 每月一次: a frequency
        if frequency and s.chinese and s.value <= lex.frequency_max and (
                lex.frequency.search(text[max(0, s.start - win.frequency):s.start])
                or before.endswith(lex.consecutive)):
            return False  # 每季度公开一次, 每月至少上门探视一次, 连续两次: a frequency
        if frequency and s.chinese and s.value == 1 and before.endswith(lex.story_once) and after[:1] in "，,":
            return False  # 记得有一次，…: "once", telling a story
    if s.chinese:
        numeral_end = s.end - len(s.classifier) if s.quantity == "count" else s.end
        if not _chinese_ok(text, s, numeral_end, lex, before, after):
            return False
    return True


_POINT_SPLIT = re.compile("|".join(map(re.escape, sorted(POINT))))


def _chinese_ok(text: str, s: Span, numeral_end: int, lex, before: str, after: str) -> bool:
    """Checks that only Chinese-numeral figures need: word boundaries, slogans, articles."""
    numeral = _POINT_SPLIT.split(text[s.start:numeral_end])[0]
    if len(numeral) >= 2 and any(numeral[i] in DIGITS and numeral[i + 1] in DIGITS and numeral[i] not in ZEROS
                                 and numeral[i + 1] not in ZEROS for i in range(len(numeral) - 1)):
        return False  # 二三十, 七八成: a vague span, not a number
    win = lex.windows
    starts = _token_starts(text, max(0, s.start - win.token_before), min(len(text), s.end + win.token_after))
    _, qualified_start = prefix_qualifier(text, s.start)
    if s.start not in starts and qualified_start not in starts:
        return False  # 统一, 唯一, 之一: the numeral is inside a word
    if s.rule == rules().ids["percent.cheng"].single and s.end not in starts:
        return False  # 一成不变
    if before.endswith(tuple(_QUOTES)) and not before.endswith(("“", "「", "『", "‘")) \
            and not (s.quantity == "count" and after[:1] in _CLAUSE_ENDS):
        return False  # “一老一小”两项服务: a count of quoted names is a slogan (“绿色生活馆”一处，counts the place)
    if _in_short_quote(text, s.start, s.end, win.quote):
        return False  # “三个落实”
    if s.quantity == "count":
        if after.startswith(lex.slogan_heads) and not after.startswith(lex.slogan_head_exceptions):
            return False  # 三个落实, 八个不出社区, 三个“三分之一”, 一支好班子
        if s.classifier in lex.never:
            return False  # 十八届三中全会, 二期工程: ordinals
        if s.classifier in lex.weak and not _noun_follows(after):
            return False
        if numeral in lex.article_numerals and s.classifier in lex.vague_after_one:
            return False  # 一批 (a batch of …) names no number
        if numeral in lex.article_numerals and (s.classifier in lex.discourse_classifiers
                                                   or not _one_is_quantity(text, s.start, s.end)):
            return False  # 一支重要力量, 一批: an article; 一方面…另一方面: a discourse marker
    return True


def _first_word(text: str) -> str:
    return next(segment.iter_cut(text), "")


def _noun_follows(text: str) -> bool:
    """Whether text starts with a noun, or is not Chinese at all: its first word is a noun (or a
    verbal noun), or an adjective or a word the dictionary gives no tag to before a noun (四种重残家庭)."""
    words = segment.iter_cut(text)
    first = next(words, "")
    if not re.match(r"[\u4e00-\u9fff]", first) or segment.is_nounish(first) or segment.pos(first) == "vn":
        return True
    return segment.pos(first) in ("", "a") and len(first) > 1 and segment.is_nounish(next(words, ""))


def _one_is_quantity(text: str, start: int, end: int | None = None) -> bool:
    """一 + classifier states a quantity after a counting cue (至少有一名, 每人一台, 在建一处, 由一人
    兼任), when it closes its clause after the noun it counts (室外活动场地一处。), before a size
    (一个20平方米的调解室) or before the name of a concrete unit or room (组建一支业余文艺表演队、…);
    before other nouns it is an article (一支重要力量, 一支高素质的队伍)."""
    lex = _lex()
    if lex.one_cues.search(text[max(0, start - lex.windows.one_cue):start]):
        return True
    if end is None:
        return False
    if end >= len(text) or text[end] in "，。；、,;:：）)\n":
        return True
    r = rules()
    if r.patterns["area"].match(text, end) or r.patterns["money"].match(text, end):
        return True  # 一个20平方米的调解室: a size follows, so it counts one thing
    named = lex.one_named.match(text, end)
    return bool(named) and named.group(0).endswith(lex.one_quantity_nouns)  # 组建一支业余文艺表演队


def _has_prefix_qualifier(text: str, start: int) -> bool:
    return prefix_qualifier(text, start)[0] != ""


@functools.cache
def _longest_first(kind: str) -> tuple[str, ...]:
    """The prefix or suffix qualifiers, longest first."""
    return tuple(sorted(rules().data["qualifiers"][kind], key=len, reverse=True))


def prefix_qualifier(text: str, start: int) -> tuple[str, int]:
    """(approx code, new start) for a qualifier written before the figure (约, 不少于, 至少有 …)."""
    r = rules()
    window = text[max(0, start - _lex().windows.prefix_qualifier):start]
    m = r.prefix.search(window)
    if not m:
        return "", start
    word = m.group(0)
    q = r.data["qualifiers"]
    for w in _longest_first("prefix"):
        if word.startswith(w):
            code = q["prefix"][w]
            if w in q["only_before"] and not (text[start:start + 1] and text[start] in q["only_before"][w]):
                return "", start  # 上 only qualifies 上百, 上千, 上万
            if len(word) == 1 and start - 2 >= 0 and text[start - 2] in q["word_after"].get(w, ""):
                return "", start  # 最近, 附近: part of a word
            return code, start - len(word)
    return "", start


@functools.cache
def _distant_percent():
    q = rules().data["qualifiers"]
    words = alternation(q["percent_distant"], longest_first=True)
    return re.compile(fill(q["percent_distant_pattern"], {"words": words}))


def distant_percent_qualifier(text: str, start: int) -> str:
    """The approx code of a qualifier before 占…的 that governs the percentage right after 的
    (约占常住人口的五分之一, 不低于当地平均工资的80%)."""
    m = _distant_percent().search(text, max(0, start - _lex().windows.percent_distant), start)
    return rules().data["qualifiers"]["prefix"].get(m.group("q"), "") if m else ""


def suffix_qualifier(text: str, end: int) -> tuple[str, int]:
    """(approx code, new end) for a qualifier written after the figure (以上, 左右 …)."""
    q = rules().data["qualifiers"]
    suffix = q["suffix"]
    for w in _longest_first("suffix"):
        if text.startswith(w, end):
            not_before = q["suffix_not_before"].get(w)
            if not_before and text[end + 1:end + 2] and text[end + 1] in not_before:
                continue  # 十多个: 多 belongs to what follows
            not_words = _suffix_not_words().get(w)
            if not_words and text.startswith(not_words, end):
                continue  # 上下班
            return suffix[w], end + len(w)
    return "", end


@functools.cache
def _suffix_not_words() -> dict[str, tuple[str, ...]]:
    return {w: tuple(v) for w, v in rules().data["qualifiers"]["suffix_not_words"].items()}


def find_spans(text: str) -> list[Span]:
    """All figures in text, filtered, with qualifiers applied and spans widened to include them."""
    out: list[Span] = []
    for s in candidates(text):
        if not keep(text, s):
            continue
        pre, start = prefix_qualifier(text, s.start)
        suf, end = suffix_qualifier(text, s.end)
        approx = s.approx or suf or pre or (distant_percent_qualifier(text, s.start) if s.quantity == "percent" else "")
        if (start, end, approx) == (s.start, s.end, s.approx):
            out.append(s)  # no qualifier: the span as it is (a frozen record)
            continue
        out.append(Span(start, end, s.quantity, s.value, s.value_max, s.unit, approx, s.rule, s.chinese,
                        s.classifier))
    return _share_list_qualifier(text, _merge_ranges(text, out))


def _merge_ranges(text: str, spans: list[Span]) -> list[Span]:
    """Two figures of one unit joined by a range sign are one range: 1万元——5万元, 1万元至5万元."""
    range_of, range_join = rules().range_of, rules().range_join
    out: list[Span] = []
    for s in spans:
        if out:
            prev = out[-1]
            gap = text[prev.end:s.start]
            if (prev.quantity, prev.unit) == (s.quantity, s.unit) and prev.value_max is None and s.value_max is None \
                    and range_join.fullmatch(gap) and s.value > prev.value:
                out[-1] = Span(prev.start, s.end, s.quantity, prev.value, s.value, s.unit, prev.approx or s.approx,
                               range_of[prev.rule], prev.chinese, prev.classifier)
                continue
        out.append(s)
    return out


def _share_list_qualifier(text: str, spans: list[Span]) -> list[Span]:
    """A qualifier in front of a coordinated list applies to each member: 大约400户、1500人."""
    out = list(spans)
    joiners = tuple(rules().data["qualifiers"]["list_joiners"])
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if cur.approx or not prev.approx or cur.start - prev.end > 1 or text[prev.end:cur.start] not in joiners:
            continue
        code, _ = prefix_qualifier(text, _numeral_start(text, prev))
        if code:
            out[i] = Span(cur.start, cur.end, cur.quantity, cur.value, cur.value_max, cur.unit, code, cur.rule,
                          cur.chinese, cur.classifier)
    return out


def _numeral_start(text: str, s: Span) -> int:
    """Start of the numeral inside a span whose start may include a prefix qualifier."""
    for i in range(s.start, s.end):
        if text[i].isdigit() or text[i] in DIGITS or text[i] in _lex().numeral_start:
            return i
    return s.start
