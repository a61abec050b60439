"""What a figure means, read from its sentence: the counted noun, the kind (GUIDELINES
vocabulary), the subject, the entity, the year and the role (before/after/target)."""
from __future__ import annotations

import functools
import re

from .. import segment
from ..resources import load_toml
from .scan import Span

_CLAUSE_END = "，。；！？,;!?：:\n"
_PHRASE_BREAK = frozenset(_CLAUSE_END + "、“”\"（）()《》")  # a word holding one of these ends a noun phrase
_SKIP_LEAD = ("各类", "各种", "各", "共", "多", "余", "以上", "左右", "的", "多个", "个", "类")
# words that follow a counted noun as a predicate and are not part of it
_TRAILING_NOISE = {"规范", "高标准", "标准化", "全部", "均", "都", "正在", "正", "已经", "基本", "全面", "率先", "数", "总数", "数量",
                   "当中", "中", "内", "里", "之中", "以内", "范围内"}
_STOP_WORDS = {"和", "与", "及", "或", "等", "共", "是", "为", "在", "了", "的", "中", "其中", "都", "均", "已",
               "被", "将", "把", "由", "从", "对", "向", "按", "按照", "通过", "并", "且", "也", "还", "又", "就"}


@functools.cache
def _kind_lex():
    k = load_toml("figures.toml")["kind"]
    return {
        "community": tuple(sorted(k["community_heads"], key=len, reverse=True)),
        "people": tuple(sorted(k["people_heads"], key=len, reverse=True)),
        "land": tuple(k["land_cues"]),
        "land_units": set(k["land_units"]),
        "facility": tuple(k["facility_cues"]),
        "community_mass": tuple(sorted(k["community_mass_nouns"], key=len, reverse=True)),
    }


def _noun_phrase_after(text: str) -> str:
    """The noun phrase at the start of text (社区养老服务中心按照… -> 社区养老服务中心)."""
    phrase: list[str] = []
    for w in segment.cut(text[:16]):
        if not phrase and w in _SKIP_LEAD:
            continue
        if w in _STOP_WORDS or w in _TRAILING_NOISE or not _PHRASE_BREAK.isdisjoint(w):
            break
        unknown = not segment.pos(w) and len(w) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in w)
        if phrase and not segment.continues_noun(w):
            break
        if segment.is_nounish(w) or (not phrase and (segment.pos(w) in {"a", "b"} or unknown)):
            phrase.append(w)
        else:
            break
        if len("".join(phrase)) >= 10:
            break
    return "".join(phrase)


def _noun_phrase_before(text: str) -> str:
    """The noun phrase at the end of text (宣传橱窗 in …设置宣传橱窗42块)."""
    words = segment.cut(text[-12:])
    if len(words) >= 2 and words[-1] in ("到", "至") and segment.pos(words[-2]).startswith("v"):
        words = words[:-2]  # 网格扩充到120个: the verb of change stands between the noun and the count
    phrase: list[str] = []
    for w in reversed(words):
        if not phrase and w in {"有", "共", "共有", "达", "达到", "约", "计", "合计", "为", "是", "总数", "新增", "累计",
                                 "大约", "近", "超过", "逾", "至少", "不少于", "了", "建成", "建有", "设置", "组建",
                                 "增至", "增加到", "达", "提高到", "扩大到"}:
            continue
        if not phrase and w in _TRAILING_NOISE:
            continue  # 平安社区数达到13个 -> 平安社区
        if w in _STOP_WORDS or not _PHRASE_BREAK.isdisjoint(w) or not segment.is_nounish(w):
            break
        phrase.insert(0, w)
        if len("".join(phrase)) >= 10:
            break
    return "".join(phrase)


def _clause_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i] not in _CLAUSE_END and i - end < 40:
        i += 1
    return text[end:i]


def _clause_before(text: str, start: int) -> str:
    i = start
    while i > 0 and text[i - 1] not in _CLAUSE_END and start - i < 40:
        i -= 1
    return text[i:start]


def counted_noun(text: str, s: Span, numeral_end: int) -> str:
    """What a count counts: the noun after the classifier (52个社区); the noun after a nearby 的
    when what comes between only describes it (一个基础好的社区, 3个300平方米以上的社区养老服务中心);
    the noun after 为 (10个为试点村); a quoted name after 的 (13个…满意的“品牌社区”); else the noun
    before the numeral (宣传橱窗42块, 平安社区数达到13个)."""
    clause = _clause_after(text, s.end)
    item = clause.split("、", 1)[0]
    de = item.find("的")
    if 0 < de <= 12:
        between = item[:de]
        words = segment.cut(between)
        verb = any(segment.pos(w).startswith("v") and segment.pos(w) != "vn" for w in words)
        pure_noun = all(segment.pos(w).startswith("n") or segment.continues_noun(w) for w in words)
        relative = bool(words) and not segment.is_nounish(words[0])  # 3个尚未建成…的社区: a clause on the noun
        if (not verb or len(between) <= 6 or relative) and not pure_noun:
            noun = _noun_phrase_after(item[de + 1:].lstrip("“\""))
            if noun:
                return noun
    if not any(ch.isdigit() for ch in clause):
        q = clause.find("的“")
        if q > 0 and "、" in clause[:q]:
            noun = _noun_phrase_after(clause[q + 2:])
            if noun:
                return noun
    noun = _noun_phrase_after(item)
    if noun:
        return noun
    if item.startswith(("为", "是")):
        noun = _noun_phrase_after(item[1:])
        if noun:
            return noun
    head = segment.cut(item[:10])
    if len(head) >= 2 and segment.pos(head[0]).startswith("v") and head[1] in _kind_lex()["community"] \
            and (len(head) == 2 or not _PHRASE_BREAK.isdisjoint(head[2][:1])):
        return head[0] + head[1]  # 28个创建社区，: a community named by what it does
    if text[:s.start].endswith(("内", "里")) and re.match(r"[\u4e00-\u9fff]", item):
        return ""  # 各社区内11个无主楼院: the noun before is where the things are, not what is counted
    return _counted_before(text, s.start)


_LOCATIVE = ("进", "到", "在", "向", "入", "走进", "深入", "下", "赴", "去")


def _counted_before(text: str, start: int) -> str:
    """The noun right before a count (宣传橱窗42块), unless it is where something went
    (送戏进社区260余场: the count is of performances, not of communities)."""
    window = text[max(0, start - 14):start]
    noun = _noun_phrase_before(window)
    if noun and (noun.startswith(_LOCATIVE) or window[:window.rfind(noun)].endswith(_LOCATIVE)):
        return ""
    return noun


def count_kind(unit: str, counted: str, classifier: str) -> str:
    """people_count / household_count / community_count / other_count from unit and counted noun."""
    lex = _kind_lex()
    if unit in ("人", "人次"):
        return "people_count"
    if unit == "户":
        return "household_count"
    if counted:
        mass = next((m for m in lex["community_mass"] if counted.endswith(m)), "")
        head = counted[:len(counted) - len(mass)] if mass and classifier == "个" else counted
        if head.endswith(lex["community"]) and not head.endswith(("小区", "园区", "景区", "校区", "社区医院")):
            return "community_count"
        if classifier in ("个", "名", "位") and counted.endswith(lex["people"]):
            return "people_count"
    return "other_count"


def area_kind(text: str, s: Span) -> str:
    """land_area for a jurisdiction's area (辖区面积, 平方公里), else facility_area."""
    lex = _kind_lex()
    clause = _clause_before(text, s.start)
    if s.classifier in lex["land_units"]:
        return "land_area"
    near = clause[-12:]
    before = text[max(0, s.start - 40):s.start]
    if any(c in near for c in lex["land"]) and not any(c in near[-6:] for c in lex["facility"]):
        if s.classifier in ("亩", "公顷") or not any(c in before for c in lex["facility"]):
            return "land_area"
    return "facility_area"


_YEAR = re.compile(r"((?:19|20)\d{2}|20[xX]{2}|[xX]{2})年(?!代)")
_REL_YEAR = re.compile(r"(去年|今年|上年|本年|前年|明年|上一年|当年|年内|年初|年底|年末)")


def year_of(sentence: str, offset_in_sentence: int) -> str:
    """The year a figure refers to: the nearest year stated before it in its sentence."""
    head = sentence[:offset_in_sentence]
    years = list(_YEAR.finditer(head))
    if years:
        return years[-1].group(1)
    rel = list(_REL_YEAR.finditer(head))
    if rel:
        return rel[-1].group(1)
    return ""


_ADMIN = ("街道办事处", "居委会", "社区", "街道", "区", "县", "市", "镇", "乡", "村")
_NOT_NAMES = {"全", "各", "本", "该", "每", "我", "城市", "农村", "城区", "园区", "小区", "示范", "试点", "重点", "精品",
              "品牌", "和谐", "文明", "平安", "绿色", "智慧", "完整", "其他", "其余", "所有", "新型", "中心", "老旧",
              "共有", "辖", "有", "个", "城乡", "街", "县城", "全市", "全区", "全县", "市区", "社区", "驻", "乡镇",
              "服务", "开发", "工业", "商业", "居住", "生活", "功能", "老城", "新城", "景区", "城中", "行政", "农村社区",
              "城市社区", "辖区", "本区", "该区", "各区", "片区", "管理", "网格", "住宅", "安置", "城镇", "农业"}


_ADMIN_TAIL = re.compile("(?:" + "|".join(_ADMIN) + ")(?![\u4e00-\u9fff]{0,1}(?:长|委|域|划|级|内|外))")


def _names(text: str):
    """Place or body names in text, in order: a name word followed by an administrative word
    (朝阳街道, xx区). Only short windows around administrative words are segmented."""
    for m in _ADMIN_TAIL.finditer(text):
        lo = max(0, m.start() - 8)
        words = segment.cut(text[lo:m.end()])
        if len(words) < 2 or words[-1] not in _ADMIN:
            continue
        prev = words[-2]
        placeholder = prev.strip("xX*") == "" and len(prev) >= 2
        cjk_name = all("\u4e00" <= ch <= "\u9fff" for ch in prev) and prev not in _NOT_NAMES \
            and segment.pos(prev) in {"ns", "nr", "nz", "nt", "n", ""} and len(prev) >= 2
        if placeholder or cjk_name:
            yield prev + words[-1]


def entity_of(sentence: str, offset_in_sentence: int) -> str:
    """The place or body a figure is about: the last name in the figure's own clause (…，朝阳街道
    获…称号), else the first name of its sentence, its grammatical subject (松涛社区隶属…，辖区1200户)."""
    head = sentence[:offset_in_sentence]
    cut = max(head.rfind(c) for c in "，,；;：:")
    in_clause = list(_names(head[cut + 1:]))
    if in_clause:
        return in_clause[-1]
    return next(_names(head), "")


_BEFORE = re.compile(r"(?:由|从)[^，。；,;]{0,6}$")
_AFTER = re.compile(r"(?:增加|提高|扩大|扩增|增长|提升|上升|扩展|增至|达|扩建|调整|升)(?:到|至)[^，。；,;]{0,4}$|(?:增至|升至)$")
_TARGET = re.compile(r"(?:力争|确保|争取|计划|预计|目标|要|将|拟|达到|不低于|不少于)")


def role_of(sentence: str, offset_in_sentence: int, planned_sentence: bool) -> str:
    """before / after for 由A增加到B pairs, target for planned figures, else ''."""
    head = sentence[:offset_in_sentence]
    if _AFTER.search(head):
        return "after"
    if _BEFORE.search(head) and re.search(r"(?:增加|提高|扩大|扩增|增长|提升|上升|增至|降至|减少|下降|到|至)", sentence[offset_in_sentence:]):
        return "before"
    if planned_sentence:
        return "target"
    return ""


def subject_of(text: str, s: Span, counted: str | None) -> str:
    """A short phrase saying what the figure measures."""
    before = _noun_phrase_before(_clause_before(text, s.start))
    if s.quantity == "count" and counted:
        return counted
    return before
