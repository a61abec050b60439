"""What a figure means, read from its sentence: the counted noun, the kind (GUIDELINES
vocabulary), the subject, the entity, the year and the role (before/after/target)."""
from __future__ import annotations

import functools
import itertools
import re

from .. import segment
from ..resources import alternation, fill, load_toml, record
from .prefilter import end_reach
from .scan import Span

_CLAUSE_END = "，。；！？,;!?：:\n"
_PHRASE_BREAK = frozenset(_CLAUSE_END + "、“”\"（）()《》")  # a word holding one of these ends a noun phrase


@functools.cache
def _kind_lex():
    d = load_toml("figures.toml")
    k = d["kind"]
    return record("KindLexicon", {
        "community": tuple(sorted(k["community_heads"], key=len, reverse=True)),
        "people": tuple(sorted(k["people_heads"], key=len, reverse=True)),
        "land": tuple(k["land_cues"]),
        "land_units": set(k["land_units"]),
        "land_cue_not_before": tuple(k["land_cue_not_before"]),
        "land_near_facilities": tuple(k["land_units_near_facilities"]),
        "facility": tuple(k["facility_cues"]),
        "community_mass": tuple(sorted(k["community_mass_nouns"], key=len, reverse=True)),
        "community_mass_classifiers": tuple(k["community_mass_classifiers"]),
        "not_community": tuple(k["not_community_endings"]),
        "people_classifiers": tuple(k["people_classifiers"]),
        "people_units": tuple(d["count"]["people_units"]),
        "household_units": tuple(d["count"]["household_units"]),
        "business": tuple(sorted(k["business_nouns"], key=len, reverse=True)),
        "community_roles": tuple(k["community_role_suffixes"]),
        "facility_endings": tuple(k["facility_endings"]),
        "partitive": re.compile(rf"(?:{alternation(sorted(k['community_heads'], key=len, reverse=True))})"
                                rf"(?:{alternation(k['partitive_words'])})(?:{alternation(k['partitive_fillers'])})?$"),
        "name_list": re.compile(rf"(?:[\u4e00-\u9fff]{{1,8}}(?:{alternation(d['qualifiers']['list_joiners'])}))+"
                                r"[\u4e00-\u9fff]{1,8}$"),
        "list_joiner": re.compile(alternation(d["qualifiers"]["list_joiners"])),
        "list_distributive": frozenset(k["list_distributive"]),
        "groups_after": frozenset(k["groups_after_communities"]),
        "groups_between": frozenset(["", *k["groups_after_communities_marks"]]),
        "facility_word_tags": frozenset(k["facility_word_tags"]),
    })


@functools.cache
def _lex():
    """The context lexicons and windows of figures.toml [context], and the shared cues they use."""
    c = load_toml("figures.toml")["context"]
    cues = load_toml("cues.toml")
    admin = cues["admin"]
    year = cues["year"]
    entity_suffixes = admin["entity_suffixes_first"] + admin["suffixes"]
    return record("ContextLexicon", {
        "skip_lead": tuple(c["skip_lead"]),
        "de": c["attributive"],
        "copulas": tuple(c["copulas"]),
        "trailing_noise": frozenset(c["trailing_noise"]),
        "stop_words": frozenset(c["stop_words"]),
        "lead_before_count": frozenset(c["lead_before_count"]),
        "change_particles": tuple(c["change_particles"]),
        "inside_after_noun": tuple(c["inside_after_noun"]),
        "went_to": tuple(c["went_to"]),
        "not_names": frozenset(c["not_names"] + c["not_names_generic"]),
        "name_tags": frozenset(c["name_tags"]),
        "merged_name_tags": frozenset(c["merged_name_tags"]),
        "name_char_not_tags": frozenset(c["name_char_not_tags"]),
        "name_run_min": c["name_run_chars"][0],
        "name_run_max": c["name_run_chars"][1],
        "placeholder_chars": c["placeholder_chars"],
        "list_marks": tuple(c["name_list_marks"]),
        "list_joins": tuple(c["name_list_joins"]),
        "admin": tuple(entity_suffixes),
        # 区长, 市委, 区党委: a word of admin_word_after right after the suffix, or one character after
        # it unless that character is itself a suffix (石泉县村级组织 names 石泉县)
        "admin_tail": re.compile(f"(?:{alternation(entity_suffixes)})"
                                 f"(?!(?:(?![{re.escape(''.join(sorted(set(''.join(entity_suffixes)))))}])[\u4e00-\u9fff])?"
                                 f"(?:{alternation(c['admin_word_after'])}))"),
        "admin_word_start": tuple(c["admin_word_start"]),
        "admin_word_start_chars": max(map(len, c["admin_word_start"]), default=0),
        "year": re.compile(fill(year["figure"], year)),
        "relative_year": re.compile(f"({alternation(year['relative'])})"),
        "role_before": re.compile(f"(?:{alternation(c['before_words'])})[^，。；,;]{{0,{c['windows']['role_before']}}}$"),
        "role_after": re.compile(f"(?:{alternation(c['after_verbs'])})(?:{alternation(c['change_particles'])})"
                                 f"[^，。；,;]{{0,{c['windows']['role_after']}}}$|(?:{alternation(c['after_words'])})$"),
        "change": re.compile(f"(?:{alternation(c['change_words'])})"),
        "windows": record("ContextWindows", c["windows"]),
    })


def _noun_phrase_after(text: str) -> str:
    """The noun phrase at the start of text (社区养老服务中心按照… -> 社区养老服务中心)."""
    return _noun_phrase_starting(text[:_lex().windows.noun_after])


@functools.lru_cache(maxsize=4096)
def _noun_phrase_starting(window: str) -> str:
    """`_noun_phrase_after` of its window (remembered: a count's window is read more than once)."""
    lex = _lex()
    cap = lex.windows.noun_phrase
    phrase: list[str] = []
    for w in segment.iter_cut(window):
        if not phrase and w in lex.skip_lead:
            continue
        if w in lex.stop_words or w in lex.trailing_noise or not _PHRASE_BREAK.isdisjoint(w):
            break
        unknown = not segment.pos(w) and len(w) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in w)
        if phrase and not segment.continues_noun(w):
            break
        if segment.is_nounish(w) or (not phrase and (segment.pos(w) in {"a", "b"} or unknown)):
            phrase.append(w)
        else:
            break
        if len("".join(phrase)) >= cap:
            break
    return "".join(phrase)


def _noun_phrase_before(text: str) -> str:
    """The noun phrase at the end of text (宣传橱窗 in …设置宣传橱窗42块)."""
    return _noun_phrase_ending(text[-_lex().windows.noun_before:])


@functools.lru_cache(maxsize=4096)
def _noun_phrase_ending(window: str) -> str:
    """`_noun_phrase_before` of its window (remembered: the counted noun before a count and the
    subject of a count that has none read the same window)."""
    lex = _lex()
    words = segment.iter_cut_reversed(window)  # from the last word back
    last = list(itertools.islice(words, 2))
    if len(last) == 2 and last[0] in lex.change_particles and segment.pos(last[1]).startswith("v"):
        last = []  # 网格扩充到120个: the verb of change stands between the noun and the count
    phrase: list[str] = []
    for w in itertools.chain(last, words):
        if not phrase and w in lex.lead_before_count:
            continue
        if not phrase and w in lex.trailing_noise:
            continue  # 平安社区数达到13个 -> 平安社区
        if w in lex.stop_words or not _PHRASE_BREAK.isdisjoint(w) or not segment.is_nounish(w):
            break
        phrase.insert(0, w)
        if len("".join(phrase)) >= lex.windows.noun_phrase:
            break
    return "".join(phrase)


_CLAUSE_END_RE = re.compile(f"[{re.escape(_CLAUSE_END)}]")


def _clause_after(text: str, end: int) -> str:
    """The text after `end` up to the clause's end, at most a clause window long."""
    seg = text[end:end + _lex().windows.clause]
    m = _CLAUSE_END_RE.search(seg)
    return seg[:m.start()] if m else seg


def _clause_before(text: str, start: int) -> str:
    """The text before `start` back to the clause's start, at most a clause window long."""
    seg = text[max(0, start - _lex().windows.clause):start]
    return seg[max(map(seg.rfind, _CLAUSE_END)) + 1:]


def counted_noun(text: str, s: Span, numeral_end: int) -> str:
    """What a count counts: the noun after the classifier (52个社区); the noun after a nearby 的
    when what comes between only describes it (一个基础好的社区, 3个300平方米以上的社区养老服务中心);
    the noun after 为 (10个为试点村); a quoted name after 的 (13个…满意的“品牌社区”); else the noun
    before the numeral (宣传橱窗42块, 平安社区数达到13个)."""
    lex = _lex()
    win = lex.windows
    clause = _clause_after(text, s.end)
    item = clause.split("、", 1)[0]
    de = item.find(lex.de)
    if 0 < de <= win.de:
        between = item[:de]
        words = segment.cut(between)
        verb = any(segment.pos(w).startswith("v") and segment.pos(w) != "vn" for w in words)
        pure_noun = all(segment.pos(w).startswith("n") or segment.continues_noun(w) for w in words)
        relative = bool(words) and not segment.is_nounish(words[0])  # 3个尚未建成…的社区: a clause on the noun
        if (not verb or len(between) <= win.de_short or relative) and not pure_noun:
            described = item[de + len(lex.de):].lstrip("“\"")
            noun = _noun_phrase_after(described)
            if noun:
                return _community_of(noun) if _counts_communities_before(text, s.start) \
                    else _facility_of_community(described, noun)
    if not any(ch.isdigit() for ch in clause):
        q = clause.find(lex.de + "“")
        if q > 0 and "、" in clause[:q]:
            noun = _noun_phrase_after(clause[q + len(lex.de) + 1:])
            if noun:
                return noun
    noun = _noun_phrase_after(item)
    if noun:
        return _community_of(noun) if _counts_communities_before(text, s.start) else _facility_of_community(item, noun)
    if item.startswith(lex.copulas):
        copula = next(c for c in lex.copulas if item.startswith(c))
        noun = _noun_phrase_after(item[len(copula):])
        if noun:
            return noun
    head = segment.iter_cut(item[:win.community_verb])  # read as far as the test needs
    verb = next(head, "")
    if verb and segment.pos(verb).startswith("v"):
        community = next(head, None)
        if community is not None and community in _kind_lex().community:
            after = next(head, None)
            if after is None or not _PHRASE_BREAK.isdisjoint(after[:1]):
                return verb + community  # 28个创建社区，: a community named by what it does
    if text.endswith(lex.inside_after_noun, 0, s.start) and re.match(r"[\u4e00-\u9fff]", item):
        return ""  # 各社区内11个无主楼院: the noun before is where the things are, not what is counted
    return _counted_before(text, s.start)


def _facility_of_community(item: str, noun: str) -> str:
    """The counted noun, extended to the facility it names when it is a community word that a
    facility noun follows (两个社区公共服务中心, 4个社区养老服务站: facilities, not communities).
    Only the words of one noun phrase extend it (28个城中村成立了社区工作站 stays 城中村)."""
    k = _kind_lex()
    if not noun.endswith(k.community):
        return noun
    i = item.find(noun)
    if i < 0:
        return noun
    rest = item[i + len(noun):i + len(noun) + _lex().windows.facility_after_community]
    grown = ""
    for w in segment.iter_cut(rest):
        if not (segment.is_nounish(w) or segment.continues_noun(w) or segment.pos(w) in k.facility_word_tags):
            break
        grown += w
        if grown.endswith(k.facility_endings):
            return noun + grown
    return noun


def _community_of(noun: str) -> str:
    """The noun up to the community word it starts with (社区党群服务中心 -> 社区), when it holds one."""
    k = _kind_lex()
    ends = [noun.find(h) + len(h) for h in k.community if h in noun]
    return noun[:min(ends)] if ends else noun


def _counts_communities_before(text: str, start: int) -> bool:
    """True when what stands before a count says it counts communities, whatever noun follows:
    a partitive (全区42个城市社区中已有26个社区综合服务设施…) or a list of named communities
    (柳塘、青石两个社区党群服务中心; GUIDELINES settled case)."""
    k = _kind_lex()
    before = _clause_before(text, start)
    if k.partitive.search(before):
        return True
    m = k.name_list.search(before)
    if not m:
        return False
    names = k.list_joiner.split(m.group(0))
    # the last name runs up to the count: a verb or a distributive word in it (城西区各建两个…)
    # ends the list before the count
    return not any(segment.pos(n).startswith("v") for n in names) \
        and not any(segment.pos(w) == "v" or w in k.list_distributive for w in segment.cut(names[-1]))


_QUOTED_BEFORE = re.compile(r"“([^“”]{1,12})”$")
_GLOSS_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff])[（(][\u4e00-\u9fff、]{1,8}[)）]$")


def _counted_before(text: str, start: int) -> str:
    """The noun right before a count (宣传橱窗42块, a quoted name: “五星级社区”10个), unless it is
    where something went (送戏进社区260余场: the count is of performances, not of communities)."""
    lex = _lex()
    window = text[max(0, start - lex.windows.counted_before):start]
    quoted = _QUOTED_BEFORE.search(window)
    if quoted:
        return quoted.group(1)
    gloss = _GLOSS_BEFORE.search(window) if text[start:start + 1].isdigit() else None
    if gloss:  # 党支部（党小组）716个: the noun stands before its gloss
        window = window[:gloss.start()]
    noun = _noun_phrase_before(window)
    went_to = lex.went_to
    if noun and (noun.startswith(went_to) or window[:window.rfind(noun)].endswith(went_to)):
        return ""
    return noun


def groups_of_communities(counted: str, between: str) -> bool:
    """Whether a count of `counted` right after a count of communities, with `between` standing
    between the two, counts their groups (9个村102个小组, 9个村、12个组: 村民小组)."""
    k = _kind_lex()
    return counted in k.groups_after and between in k.groups_between


def count_kind(unit: str, counted: str, classifier: str, noun_first: bool = False) -> str:
    """people_count / household_count / community_count / other_count from unit and counted noun;
    `noun_first`: the noun stands before the numeral (社区办公服务用房21个 counts the rooms, where
    10个社区办公服务用房 counts the communities that have them)."""
    lex = _kind_lex()
    if unit in lex.people_units:
        return "people_count"
    if unit in lex.household_units:
        # 户 of businesses (12户商户, 走访企业2.3万户) counts businesses, not households
        return "other_count" if counted and counted.endswith(lex.business) else "household_count"
    if counted:
        role = next((r for r in lex.community_roles if counted.endswith(r)), "")
        if role and counted[:-len(role)].endswith(lex.community):
            return "community_count"  # 37个完整社区试点: communities chosen as pilots
        mass = next((m for m in lex.community_mass if counted.endswith(m)), "")
        of_communities = mass and classifier in lex.community_mass_classifiers and not noun_first
        head = counted[:len(counted) - len(mass)] if of_communities else counted
        if head.endswith(lex.community) and not head.endswith(lex.not_community):
            return "community_count"
        if classifier in lex.people_classifiers and counted.endswith(lex.people):
            return "people_count"
    return "other_count"


def _names_land(near: str, lex) -> bool:
    """True when a land cue stands in `near`, not as a place things are in (辖区内…面积不足1000平方米
    is a facility's area inside the jurisdiction, not the jurisdiction's)."""
    for c in lex.land:
        i = near.find(c)
        while i >= 0:
            if not near.startswith(lex.land_cue_not_before, i + len(c)):
                return True
            i = near.find(c, i + 1)
    return False


def area_kind(text: str, s: Span) -> str:
    """land_area for a jurisdiction's area (辖区面积, 平方公里), else facility_area."""
    lex = _kind_lex()
    win = _lex().windows
    clause = _clause_before(text, s.start)
    if s.classifier in lex.land_units:
        return "land_area"
    near = clause[-win.land_near:]
    before = text[max(0, s.start - win.facility_before):s.start]
    if _names_land(near, lex) and not any(c in near[-win.facility_near:] for c in lex.facility):
        if s.classifier in lex.land_near_facilities or not any(c in before for c in lex.facility):
            return "land_area"
    return "facility_area"


def year_of(sentence: str, offset_in_sentence: int) -> str:
    """The year a figure refers to: the nearest year stated before it in its sentence."""
    lex = _lex()
    head = sentence[:offset_in_sentence]
    years = list(lex.year.finditer(head))
    if years:
        return years[-1].group(1)
    rel = list(lex.relative_year.finditer(head))
    if rel:
        return rel[-1].group(1)
    return ""


def _names(text: str):
    """Place or body names in text, in order, as (name, start, end): a name word followed by an
    administrative word (朝阳街道, xx区, 某某街道), or one word that is a place name ending in one
    (城关镇). Only short windows around administrative words are segmented."""
    lex = _lex()
    before, reach = lex.windows.name_before, lex.admin_word_start_chars
    for m in lex.admin_tail.finditer(text):
        ms, me = m.span()
        lo = max(0, ms - before)
        found = _name_at(text[lo:max(me, ms + reach)], ms - lo, me - lo)
        if found:
            yield found[0], lo + found[1], me


@functools.lru_cache(maxsize=4096)
def _name_at(window: str, ms: int, me: int) -> tuple[str, int] | None:
    """(name, start in window) of the name that ends with the administrative word window[ms:me],
    or None. The window holds all that decides it: the name window before the word, and after
    its start as far as an [context] admin_word_start word reaches (a sentence repeats its
    windows for each of its figures: the answer is remembered)."""
    lex = _lex()
    suffix = window[ms:me]
    if window.startswith(lex.admin_word_start, ms):
        return None  # 乡镇, 村级, 村民: the suffix begins another word
    words = segment.cut(window[:me])
    if not words:
        return None
    last = words[-1]
    if last != suffix and last.endswith(suffix) and len(last) - len(suffix) >= 2:
        stem = last[:-len(suffix)]  # 城关镇, 柳林镇: the segmenter keeps the place whole
        if segment.pos(last) in lex.merged_name_tags and stem not in lex.not_names \
                and all("\u4e00" <= ch <= "\u9fff" for ch in stem):
            return last, me - len(last)
        return None
    if last != suffix and last.endswith(suffix) and len(last) - len(suffix) == 1:
        run = _single_char_name(words[:-1], 1)  # 枫|林区|社区: single characters before a word like 林区
        if run and last not in lex.not_names and "\u4e00" <= last[0] <= "\u9fff":
            return run + last, me - len(last) - len(run)
        return None
    if last != suffix:
        if len(last) >= len(suffix) or not window.startswith(last, me - len(last)):
            return None
        words = segment.cut(window[:ms]) + [suffix]  # 长安街|道: the suffix split off
    if len(words) < 2 or words[-1] not in lex.admin:
        return None
    prev = words[-2]
    placeholder = prev.strip(lex.placeholder_chars) == "" and len(prev) >= 2
    if len(prev) == 1 and not placeholder:
        prev = _single_char_name(words[:-1])
    cjk_name = all("\u4e00" <= ch <= "\u9fff" for ch in prev) and prev not in lex.not_names \
        and (segment.pos(prev) in lex.name_tags or len(words[-2]) == 1) and len(prev) >= 2
    if (placeholder or cjk_name) and not prev.endswith(lex.admin):  # 青山区社区工作: 社区 names no place
        return prev + suffix, ms - len(prev)
    return None


def _single_char_name(words: list[str], least: int = 0) -> str:
    """A name the segmenter cut into single characters (鹿|鸣|镇, 翠|屏|街道): the run of 2-3 single
    characters right before the suffix, none of them a function word or a suffix itself (七星|关|区|社区
    is no 关区社区); else ''. With `least`, a run of that many characters or more completes a word
    the segmenter made of the name's last character and the suffix (枫|林区)."""
    lex = _lex()
    run = []
    for w in reversed(words):
        if len(w) != 1 or not "\u4e00" <= w <= "\u9fff":
            break
        run.insert(0, w)
    if not (least or lex.name_run_min) <= len(run) <= lex.name_run_max - (1 if least else 0):
        return ""
    if any(segment.pos(w) in lex.name_char_not_tags or w in lex.stop_words or w in lex.admin for w in run):
        return ""
    return "".join(run)


def placeholder_name(name: str) -> bool:
    """True when a place name is a template's placeholder (xx区, 某某街道)."""
    lex = _lex()
    stem = next((name[:-len(a)] for a in lex.admin if name.endswith(a)), name)
    return len(stem) >= 2 and stem.strip(lex.placeholder_chars) == ""


def _listed(text: str, start: int, end: int) -> bool:
    """True when the name at text[start:end] is one of a list of names (柳塘社区、青石社区等4个社区):
    a list names what is counted or done, not the place the sentence is about."""
    lex = _lex()
    return text.endswith(lex.list_joins, 0, start) or text.startswith(lex.list_marks, end)


def entity_of(sentence: str, offset_in_sentence: int) -> str:
    """The place or body a figure is about: the last name in the figure's own clause (…，朝阳街道
    获…称号), else the first name of its sentence, its grammatical subject (松涛社区隶属…，辖区1200户).
    A name in a list of names (柳塘社区、青石社区…) is no entity."""
    head = sentence[:offset_in_sentence]
    cut = max(head.rfind(c) for c in "，,；;：:")
    names = [(n, a, b) for n, a, b in _names(head) if not _listed(head, a, b)]
    in_clause = [n for n, a, _ in names if a > cut]
    if in_clause:
        return in_clause[-1]
    return names[0][0] if names else ""


@functools.cache
def _role_reach() -> int | None:
    """How far before a figure the role cues can stand (prefilter.end_reach of each), None: anywhere."""
    lex = _lex()
    reaches = [end_reach(p.pattern) for p in (lex.role_after, lex.role_before)]
    return None if None in reaches else max(reaches)


def role_of(sentence: str, offset_in_sentence: int, planned_sentence: bool) -> str:
    """before / after for 由A增加到B pairs, target for planned figures, else ''."""
    lex = _lex()
    reach = _role_reach()  # both cues end where the figure starts: only so much before it decides
    head = sentence[max(0, offset_in_sentence - reach) if reach else 0:offset_in_sentence]
    if lex.role_after.search(head):
        return "after"
    if lex.role_before.search(head) and lex.change.search(sentence[offset_in_sentence:]):
        return "before"
    if planned_sentence:
        return "target"
    return ""


def subject_of(text: str, s: Span, counted: str | None) -> str:
    """A short phrase saying what the figure measures."""
    if s.quantity == "count" and counted:
        return counted
    return _noun_phrase_before(_clause_before(text, s.start))
