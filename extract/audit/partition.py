"""What a sum or a share is of: whether the counts after 其中 partition the total before it, and
which earlier count a percentage's part is a share of. Pure functions over the document's text and
its Figure records; the cue words come from corpora/audit.toml [partition] (passed in as `cfg`).
Precision first: whenever the parts might be a breakdown of something else (two totals, a nested
breakdown, a subset with a property, 各1人), there is no partition and no finding."""
from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict

from ..records import Figure
from ..resources import load_toml

_END = re.compile(r"[。！？!?\n]")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _depth(text: str) -> int:
    """How many brackets are open at the end of text."""
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def passages(text: str, figures) -> list[list[Figure]]:
    """Figures grouped by stretch of text between sentence ends (。！？ and line ends), so a list
    joined by ；stays with the total before it."""
    ends = [m.end() for m in _END.finditer(text)]
    groups: dict[int, list[Figure]] = defaultdict(list)
    for f in figures:
        groups[bisect.bisect_right(ends, f.start)].append(f)
    return list(groups.values())


@functools.cache
def _heads() -> tuple[str, ...]:
    """The community head nouns (村, 社区, 街道 …), longest first: two nouns ending in one are kinds of it."""
    return tuple(sorted(load_toml("figures.toml")["kind"]["community_heads"], key=len, reverse=True))


def same_kind(a: str, b: str) -> bool:
    """Two counted nouns name one thing or a kind of it (社区/城市社区, 党员/男党员, 行政村/中心村)."""
    if not a or not b:
        return False
    if a == b or a.endswith(b) or b.endswith(a):
        return True
    head = next((h for h in _heads() if a.endswith(h)), "")
    if head and b.endswith(head):
        return True
    # a class noun and its members (养老服务设施 / 社区养老服务站, 农村幸福院): [partition] classes
    for cls, members in _classes():
        if a.endswith(cls) and b.endswith(members) or b.endswith(cls) and a.endswith(members):
            return True
    return False


@functools.cache
def _classes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The class nouns whose members are named by their own head nouns ([partition] classes)."""
    classes = load_toml("audit.toml")["partition"].get("classes", {})
    return tuple((cls, tuple(members)) for cls, members in classes.items())


def label(text: str, f: Figure, since: int, cfg: dict) -> str:
    """The noun a count is named by: the words right before it back to the last delimiter or to
    `since` (其中城市社区9个 -> 城市社区; 、女党员50名 -> 女党员), else its counted noun when the count
    comes first (9个城市社区). Lead words (包括, 有, 共有) are dropped."""
    head = text[since:f.start]
    cut = max([head.rfind(c) for c in cfg["delimiters"]] + [head.rfind(w) + len(w) - 1 for w in cfg["markers"]
                                                              if w in head])
    head = head[cut + 1:].strip()
    for w in cfg["lead_words"]:
        if head.startswith(w):
            head = head[len(w):]
            break
    for w in cfg["trail_words"]:
        if head.endswith(w):
            head = head[:-len(w)]
            break
    return head if re.fullmatch(r"[\u4e00-\u9fff]{1,16}", head) else (f.counted or "")


def partition(text: str, total: Figure, after: list[Figure], earlier: list[Figure], cfg: dict) -> list[Figure]:
    """The counts after `total` that partition it (下辖15个社区，其中城市社区9个、农村社区6个), or []
    when they are no partition of it: fewer than two, not all kinds of the total's noun, a part
    named like the total (其中3个社区获评…: a subset) or by an event (今年新增…), two parts of one
    name, a part 各 (each), or parts named like another total of the sentence before it (改造项目86个，
    完工项目64个，其中，城区改造项目40个，完工项目31个). A part in brackets is skipped, and the list
    ends at a nesting word (含, 包括: a breakdown of the part before)."""
    noun = total.counted or ""
    for w in cfg["total_prefixes"]:  # 辖区总人口4268人，其中常住人口…: the parts are kinds of 人口
        k = noun.rfind(w)
        if k >= 0 and len(noun) - k - len(w) >= 2:
            noun = noun[k + len(w):]
            break
    total_label = label(text, total, max(0, total.start - 16), cfg)
    parts: list[Figure] = []
    names: list[str] = []
    running, prev_end = 0.0, total.end
    for f in after:
        if f.unit != total.unit or f.kind != total.kind or f.value_max is not None:
            break
        if _depth(text[total.end:f.start]) > 0:
            continue  # in brackets: a breakdown of the part before (城市社区9个（含新建社区2个）)
        gap = _BRACKETED.sub("", text[prev_end:f.start])
        if parts and any(w in gap for w in cfg["nested_words"]) or _END.search(gap):
            break
        if text.endswith(tuple(cfg["each_words"]), 0, f.start) or f.approx:
            return []
        name = label(text, f, prev_end, cfg)
        if any(w in name for w in cfg["event_words"]):
            return []  # 今年新增物业小区20个, 完成改造的小区: what happened to some, not a kind
        if not same_kind(name, noun) or name in (noun, total_label) or name in names:
            return []  # a count of another kind among the parts: the list is no partition
        parts.append(f)
        names.append(name)
        running += f.value
        prev_end = f.end
        if running >= total.value:
            break  # the parts add up (or overshoot): later counts are another breakdown
    if len(parts) < 2:
        return []
    for e in earlier:
        if e.unit == total.unit and e.kind == total.kind and e.counted and \
                any(n == e.counted or n.endswith(e.counted) and len(e.counted) > len(noun) for n in names):
            return []  # the parts mirror another total: which one they break down is unclear
    return parts


def share_bases(part: Figure, earlier: list[Figure], base_noun: str) -> list[float]:
    """The values an earlier count of the sentence can give as the base of a share of `part`: a
    larger count of the same unit whose noun is the base noun named (占社区总数的), else a kind of
    the part's noun (全镇有行政村16个，其中9个村…占比56%)."""
    out = []
    for f in reversed(earlier):
        if f.unit != part.unit or f.value <= part.value or not f.counted or f.value_max is not None or f.approx:
            continue
        if base_noun:
            if f.counted in base_noun or base_noun.endswith(f.counted) or f.counted.endswith(base_noun):
                out.append(f.value)
        elif same_kind(f.counted, part.counted or ""):
            out.append(f.value)
    return out
