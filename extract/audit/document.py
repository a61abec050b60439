"""Audit checks of one document: numbers that don't add up, fall below a standard, contradict
each other, or a passage that repeats. Each check is its own function that returns findings (Flag
records) and never raises; `check_document` runs them all on one document's Result. The checks
that compare documents are in `corpus.py`.

Checks: percent_mismatch, sum_mismatch, growth_mismatch, below_threshold, internal_conflict,
near_duplicate (a long passage repeated inside one report)."""
from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from .. import gcpause
from ..figures.context import placeholder_name
from ..records import Document, Figure, Flag, Result
from ..resources import load_toml
from . import partition

log = logging.getLogger(__name__)

ROUNDING_SLACK = 0.05  # percentage points allowed beyond the stated figure's own rounding


def figure_refs(*figs: Figure) -> str:
    return ";".join(f"{f.start}-{f.end}" for f in figs)


def _flag(doc: Document, check: str, severity: str, message: str, figs: tuple[Figure, ...], evidence: str = "",
          start: int | None = None, end: int | None = None) -> Flag:
    first = figs[0] if figs else None
    sentence = doc.sentence_at(first.start) if first else None
    return Flag(source=doc.source, doc_id=doc.doc_id, check=check, severity=severity, message=message,
                figures=figure_refs(*figs), evidence=evidence or (sentence.text if sentence else ""),
                start=start if start is not None else (sentence.start if sentence else 0),
                end=end if end is not None else (sentence.end if sentence else 0))


def format_number(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


def _decimals(text: str) -> int:
    m = re.search(r"\d+\.(\d+)\s*[%％]", text)
    return len(m.group(1)) if m else 0


def _by_sentence(figures: tuple[Figure, ...]) -> dict[str, list[Figure]]:
    """The figures of each sentence occurrence (a sentence repeated in the text is two groups)."""
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in figures:
        groups[(f.sentence_start, f.sentence, f.page)].append(f)
    return groups


# --- arithmetic inside a sentence -------------------------------------------------------------

def _alt(words) -> str:
    """A regex alternation of literal words, in their given order."""
    return "|".join(re.escape(w) for w in words)


@dataclass(frozen=True)
class _Cues:
    """The cue patterns of corpora/audit.toml, compiled once."""

    share: re.Pattern  # 占…总数的 right before a percentage; group 1 is the base noun
    part_gap: re.Pattern  # what may stand between the part and 占
    parts_marker: re.Pattern  # 其中 right after a total
    growth: re.Pattern  # 增长了 right before a percentage
    jurisdiction: re.Pattern  # 下辖 / 全区共有 before a count of communities
    households: re.Pattern  # 辖区 / 常住 before a count of households
    list_items: re.Pattern  # 12个乡镇、 right before a count: earlier items of its list
    data: dict
    share_chars: int = 0  # the longest text `share` can match (with the break before it)


@functools.cache
def cues() -> _Cues:
    """The audit's cue words (corpora/audit.toml), compiled."""
    d = load_toml("audit.toml")
    breaks = re.escape(d["clause_breaks"])
    pm, sm, gm, ms = d["percent_mismatch"], d["sum_mismatch"], d["growth_mismatch"], d["measures"]
    return _Cues(
        share=re.compile(rf"(?:{_alt(pm['share_leads'])})?{re.escape(pm['share_word'])}([^{breaks}]{{0,{pm['base_noun_chars']}}}?)"
                         rf"(?:{_alt(pm['total_words'])})?的?(?:{_alt(pm['share_words'])})?(?:{_alt(pm['copulas'])})?$"
                         rf"|(?<=[{breaks}])(?:{_alt(pm['ratio_words'])})$"),
        part_gap=re.compile(rf"[^{breaks}()（）]{{0,{pm['part_gap_chars']}}}[，,]?"),
        parts_marker=re.compile(rf"^[^{re.escape(sm['sentence_breaks'])}]{{0,{sm['marker_gap_chars']}}}"
                                rf"{re.escape(sm['parts_marker'])}"),
        growth=re.compile(rf"(?:{_alt(gm['growth_words'])})(?:{_alt(gm['particles'])})?$"),
        jurisdiction=re.compile(rf"(?:{_alt(ms['jurisdiction_words'])})[^{breaks}]{{0,{ms['jurisdiction_gap_chars']}}}$"),
        list_items=re.compile(rf"(?:{ms['list_item']})+$"),
        households=re.compile(rf"(?:{_alt(ms['household_words'])})[^{breaks}]{{0,{ms['household_gap_chars']}}}$"),
        data=d,
        share_chars=1 + max(max(map(len, pm["share_leads"]), default=0) + len(pm["share_word"]) + pm["base_noun_chars"]
                            + max(map(len, pm["total_words"]), default=0) + 1
                            + max(map(len, pm["share_words"]), default=0) + max(map(len, pm["copulas"]), default=0),
                            max(map(len, pm["ratio_words"]), default=0)),
    )


def message(name: str, **fields) -> str:
    """A flag's message: the template `name` of corpora/audit.toml [messages], filled in."""
    return cues().data["messages"][name].format(**fields)


def percent_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """A percentage stated with its part and base (13个，占社区总数的61.9%, with 21 communities;
    全镇有行政村16个，其中9个村…，占比80%) that disagrees beyond rounding. The part is the count just
    before the share words (占…的比例为, 占比); the base is an earlier larger count of the passage
    named by the base noun or, with none named, a kind of the part's noun; else the one count of the
    base noun the report gives for its jurisdiction (全区共有21个社区). A finding only when the
    stated share fits none of the possible bases."""
    out = []
    doc_entity = title_entity(doc)
    jurisdiction: dict[tuple[str, str], set[float]] = defaultdict(set)
    for f in figures:
        key = _measure_in_report(f, doc_entity)
        if key and f.quantity == "count":
            jurisdiction[(f.counted or "", f.unit)].add(f.value)
    text = doc.text
    for group in _by_sentence(figures).values():
        for i, p in enumerate(group):
            if p.quantity != "percent" or p.value_max is not None:
                continue
            lo = max(group[0].sentence_start, p.start - cues().share_chars)  # the cue ends at the percentage
            head = text[lo:p.start]
            m = cues().share.search(head)
            if not m:
                continue
            base_noun = (m.group(1) or "").strip()
            parts = [f for f in group[:i] if f.quantity == "count" and f.value_max is None]
            if not parts:
                continue
            part = parts[-1]
            if not cues().part_gap.fullmatch(text[part.end:lo + m.start()]):
                continue  # the count before 占 belongs to another clause
            own_share = {a.start for a, b in zip(group, group[1:]) if b.quantity == "percent" and b is not p
                         and _is_share_of(text, a, b)}  # 女性642人，占58.2%: a part of its own share, no base
            bases = partition.share_bases(part, [f for f in parts[:-1] if f.start not in own_share], base_noun)
            source = "sentence"
            if not bases and base_noun:
                values = set()
                for (noun, unit), vals in jurisdiction.items():
                    if unit == part.unit and noun and (noun == base_noun or base_noun.endswith(noun)):
                        values |= {v for v in vals if v > part.value}
                bases, source = (list(values), "document") if len(values) == 1 else ([], "")
            if not bases:
                continue
            tolerance = 0.5 * 10 ** -_decimals(p.text) + ROUNDING_SLACK
            if all(abs(part.value / b * 100 - p.value) > tolerance for b in bases):
                base = bases[0]
                where = message("percent_base_in_sentence" if source == "sentence" else "percent_base_in_document")
                severity = "error" if source == "sentence" and len(set(bases)) == 1 else "warning"
                out.append(_flag(doc, "percent_mismatch", severity,
                                 message("percent_mismatch", part=format_number(part.value), base=format_number(base),
                                         where=where, expected=part.value / base * 100,
                                         stated=format_number(p.value)), (part, p)))
    return out


def _is_share_of(text: str, part: Figure, pct: Figure) -> bool:
    """True when `pct` is stated as the share of `part` (13个，占…61.9%)."""
    m = cues().share.search(text[part.end:pct.start])
    return bool(m) and bool(cues().part_gap.fullmatch(text[part.end:part.end + m.start()]))


def sum_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """Parts listed after 其中 that partition the total before it and do not add up to it (下辖15个
    社区，其中城市社区9个、农村社区8个); what is a partition is `partition.partition`'s to say."""
    out = []
    text, cfg = doc.text, cues().data["partition"]
    for group in partition.passages(text, figures):
        for i, total in enumerate(group):
            if total.quantity != "count" or total.value_max is not None or total.approx or i + 1 >= len(group):
                continue
            if not cues().parts_marker.match(text[total.end:group[i + 1].start]):
                continue
            parts = partition.partition(text, total, group[i + 1:], group[:i], cfg)
            s = sum(f.value for f in parts)
            if s < total.value * cfg["shortfall_min_share"]:
                continue  # 志愿者2.3万人，其中党员志愿者6800人、青年志愿者5200人: notable groups, not all
            if parts and s != total.value:
                severity = "error" if s > total.value else "warning"
                listed = "+".join(format_number(f.value) for f in parts)
                out.append(_flag(doc, "sum_mismatch", severity,
                                 message("sum_mismatch", listed=listed, total_of_parts=format_number(s),
                                         total=format_number(total.value)), (total, *parts)))
    return out


def growth_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """A before/after pair with a stated growth that disagrees (由4万元增加到12万元，增长50%). Between
    two percentages the growth may be stated in points (由45%提高到76%，提高了31个百分点), or as a
    percentage that is the points (提高了31%): either reading that fits is no finding."""
    out = []
    for group in _by_sentence(figures).values():
        befores = [f for f in group if f.role == "before"]
        for b in befores:
            after = next((f for f in group if f.role == "after" and f.start > b.start and f.unit == b.unit), None)
            if after is None or b.value <= 0:
                continue
            pct = next((f for f in group if f.quantity == "percent" and f.start > after.start), None)
            if pct is None:
                continue
            base = pct.sentence_start
            window = cues().data["growth_mismatch"]["window_chars"]
            if not cues().growth.search(pct.sentence[after.end - base:pct.start - base][-window:]):
                continue
            tolerance = 0.5 * 10 ** -_decimals(pct.text) + 0.5
            expected = (after.value - b.value) / b.value * 100
            points = after.value - b.value if b.unit == after.unit == "%" else None  # 由45%提高到76%
            if any(w in pct.text for w in cues().data["growth_mismatch"]["point_words"]):
                if points is not None and abs(points - pct.value) > tolerance:  # 提高了31个百分点
                    out.append(_flag(doc, "growth_mismatch", "error",
                                     message("growth_points_mismatch", before=format_number(b.value),
                                             after=format_number(after.value), expected=points,
                                             stated=format_number(pct.value)), (b, after, pct)))
                continue
            if abs(expected - pct.value) > tolerance and (points is None or abs(points - pct.value) > tolerance):
                out.append(_flag(doc, "growth_mismatch", "error",
                                 message("growth_mismatch", before=format_number(b.value), after=format_number(after.value),
                                         expected=expected, stated=format_number(pct.value)), (b, after, pct)))
    return out


# --- standards ----------------------------------------------------------------------------------

@functools.cache
def thresholds() -> dict[str, dict]:
    """The thresholds of corpora/thresholds.toml by id."""
    return {t["id"]: t for t in load_toml("thresholds.toml")["threshold"]}


def _mentions(f: Figure, cues) -> bool:
    near = f.sentence
    return any(c in (f.subject or "") or c in near for c in cues)


def _scope(threshold: dict) -> dict:
    """The label and severity of a threshold's scope (corpora/audit.toml [scopes])."""
    return cues().data["scopes"][threshold["scope"]]


def _issuer(threshold: dict) -> str:
    """The threshold's first issuing document (`issued_by` may list restatements after a ';')."""
    return threshold["issued_by"].split(";")[0]


def _area_per_100_households(doc: Document, figures: tuple[Figure, ...], t: dict) -> list[Flag]:
    """Service space per 100 households: a facility area of a place over its households, x 100,
    when the report states both; and a lower 每百户 standard the report adopts itself."""
    out = []
    bt = cues().data["below_threshold"]
    marker, window = bt["per_100_households_marker"], bt["per_100_households_window_chars"]
    unit = cues().data["measures"]["household_unit"]
    households = [f for f in figures if f.kind == "household_count" and f.unit == unit and f.value_max is None
                  and not f.approx]
    by_sentence: dict[str, list[Figure]] = defaultdict(list)  # looked up per area: linear in the figures
    by_entity: dict[str, list[Figure]] = defaultdict(list)
    for h in households:
        by_sentence[h.sentence].append(h)
        if h.entity:
            by_entity[h.entity].append(h)
    doc_entity = title_entity(doc)
    area_households = None  # computed once, when a report about one community needs it
    for a in figures:
        if a.kind != "facility_area" or a.role in ("before", "target") or not _mentions(a, t["area_cues"]):
            continue
        before = a.sentence[max(0, a.start - a.sentence_start - window):a.start - a.sentence_start]
        if marker in re.split(f"[{re.escape(cues().data['clause_breaks'])}]", before)[-1]:  # 每百户拥有服务用房约38.8平方米
            if a.value < t["value"] and a.value_max is None or (a.value_max and a.value_max < t["value"]):
                out.append(_flag(doc, "below_threshold", cues().data["scopes"]["adopted"]["severity"],
                                 message("adopted_per_100_households", value=format_number(a.value),
                                         description=t["description"], issued_by=_issuer(t)), (a,)))
            continue
        if a.value_max is not None or a.approx in ("gt", "ge"):
            continue
        same = by_sentence.get(a.sentence) or (by_entity.get(a.entity) if a.entity else None) or []
        if not same and doc_entity.endswith(cues().data["measures"]["community_suffix"]):
            # a report about one community: its households as the report states them for the whole area
            if area_households is None:
                area_households = [h for h in households if _measure_in_report(h, doc_entity)]
            if len({h.value for h in area_households}) == 1:
                same = area_households
        if not same:
            continue
        h = same[0]
        ratio = a.value / h.value * 100
        if ratio < t["value"]:
            out.append(_flag(doc, "below_threshold", _scope(t)["severity"],
                             message("area_per_100_households", area=format_number(a.value),
                                     households=format_number(h.value), ratio=ratio, description=t["description"],
                                     issued_by=_issuer(t), scope=_scope(t)["label"]), (a, h)))
    return out


def _area_minimum(doc: Document, figures: tuple[Figure, ...], t: dict) -> list[Flag]:
    """A facility area whose sentence names the threshold's facility, below its minimum."""
    return [_flag(doc, "below_threshold", _scope(t)["severity"],
                  message("area_minimum", value=format_number(a.value), description=t["description"],
                          issued_by=_issuer(t), scope=_scope(t)["label"]), (a,))
            for a in figures
            if a.kind == "facility_area" and a.value_max is None and a.role != "target"
            and _mentions(a, t["area_cues"]) and a.value < t["value"] and a.approx not in ("gt", "ge")]


def _percent_minimum(doc: Document, figures: tuple[Figure, ...], t: dict) -> list[Flag]:
    """A percentage right after one of the threshold's cues, below its minimum."""
    out = []
    window = t["cue_window_chars"]
    for p in figures:
        head = p.sentence[max(0, p.start - p.sentence_start - window):p.start - p.sentence_start]
        if p.kind == "percentage" and p.value_max is None and p.role != "target" \
                and any(c in head for c in t["percent_cues"]) and p.value < t["value"]:
            out.append(_flag(doc, "below_threshold", _scope(t)["severity"],
                             message("percent_minimum", label=t["label"], value=format_number(p.value),
                                     description=t["description"], issued_by=_issuer(t), scope=_scope(t)["label"]),
                             (p,)))
    return out


MEASURES = {"area_per_100_households": _area_per_100_households, "area_minimum": _area_minimum,
            "percent_minimum": _percent_minimum}


def below_threshold(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """Claimed facility figures below a standard of corpora/thresholds.toml (e.g. community
    service space >= 30 m² per 100 households, computed when the report gives area and
    households), each threshold measured the way its `measure` says."""
    out = []
    for t in thresholds().values():
        out.extend(MEASURES[t["measure"]](doc, figures, t))
    return out


# --- conflicts ------------------------------------------------------------------------------------

def measure_of(f: Figure, doc_entity: str = "") -> tuple[str, str, str] | None:
    """(entity, measure, year) for figures that state a standing fact about a named place, to compare
    across the reports of a run: how many communities it has, its population, its households. None
    for anything else, and for a template's placeholder (xx区, 某某街道: in two reports, two places)."""
    key = _measure_in_report(f, doc_entity)
    return None if key is None or placeholder_name(key[0]) else key


def _measure_in_report(f: Figure, doc_entity: str = "") -> tuple[str, str, str] | None:
    """`measure_of` inside one report, where a placeholder names one place."""
    entity = f.entity or doc_entity
    if not entity:
        return None
    ms = cues().data["measures"]
    head = f.sentence[:max(0, f.start - f.sentence_start)]
    if f.kind == "community_count":
        head = cues().list_items.sub("", head)  # 辖12个乡镇、156个行政村: the later items of the list
    if f.kind == "community_count" and f.counted and cues().jurisdiction.search(head) and not f.approx \
            and _ends_clause(f):
        return entity, f"{_bare_noun(f.counted)}{ms['count_measure_suffix']}", f.year
    if f.kind == "people_count" and not f.approx:
        noun = _population_noun(head, f.entity)
        if noun:
            return entity, noun, f.year
    m = cues().households.search(head) if f.kind == "household_count" and f.unit == ms["household_unit"] \
        and not f.approx else None
    if m and _opens_clause(head[:m.start()], f.entity, ms["household_before_words"]):
        return entity, ms["household_measure"], f.year
    return None


@functools.cache
def _jurisdiction_words() -> tuple[str, ...]:
    """[measures] jurisdiction_words, longest first."""
    return tuple(sorted(cues().data["measures"]["jurisdiction_words"], key=len, reverse=True))


def _bare_noun(counted: str) -> str:
    """The counted noun without the jurisdiction words it may have taken in (全区现有城市社区 -> 城市社区)."""
    words = _jurisdiction_words()
    while counted.startswith(words):
        w = next(w for w in words if counted.startswith(w))
        if len(w) >= len(counted):
            break
        counted = counted[len(w):]
    return counted


def _ends_clause(f: Figure) -> bool:
    """True when the count (with its noun) ends its clause or a list item (下辖12个社区，/、), so it
    states what the place has, not what some of them did (全街道已有8个社区通过验收)."""
    ms = cues().data["measures"]
    tail = f.sentence[f.end - f.sentence_start:]
    if f.counted and tail.startswith(f.counted):
        tail = tail[len(f.counted):]
    return not tail or tail[0] in ms["count_followers"] or tail.startswith(tuple(ms["count_follower_words"]))


def _opens_clause(before: str, entity: str, words) -> bool:
    """True when nothing stands in the clause before a measure's word but a place or one of `words`
    (辖区居民1200户, 社区共有居民900户; 覆盖居民8200户 counts whom a service reached)."""
    clause = re.split(r"[，。；,;：:、]", before)[-1].strip()
    return not clause or bool(entity) and clause.endswith(entity) or clause.endswith(tuple(words))


def _population_noun(head: str, entity: str) -> str:
    """The population noun written right before a people count (常住人口5300人, 辖区人口达1.2万人), when
    nothing but a place or jurisdiction word stands before it (流动人口620人 is no population)."""
    ms = cues().data["measures"]
    for w in ms["population_lead_words"]:
        if head.endswith(w):
            head = head[:-len(w)]
            break
    noun = next((p for p in ms["population_nouns"] if head.endswith(p)), "")
    if not noun:
        return ""
    return noun if _opens_clause(head[:-len(noun)], entity, ms["population_before_words"]) else ""


def title_entity(doc: Document) -> str:
    return _entity_of_title(doc.title)


@functools.lru_cache(maxsize=1024)
def _entity_of_title(title: str) -> str:
    from ..figures.context import entity_of

    return entity_of(title, len(title))


def internal_conflict(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """The same measure of the same entity given two values inside one report."""
    out = []
    seen: dict[tuple, Figure] = {}
    doc_entity = title_entity(doc)
    for f in figures:
        key = _measure_in_report(f, doc_entity)
        if key is None:
            continue
        entity, measure, year = key
        k = (entity, measure)
        if k in seen:
            g = seen[k]
            if g.value != f.value and not (g.year and f.year and g.year != f.year) and not (g.approx or f.approx):
                out.append(_flag(doc, "internal_conflict", "warning",
                                 message("internal_conflict", entity=entity, measure=measure,
                                         first=format_number(g.value), second=format_number(f.value)), (g, f)))
        else:
            seen[k] = f
    return out


# --- copied passages ------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
@functools.cache
def near_duplicate_settings() -> dict:
    """The [near_duplicate] settings of corpora/thresholds.toml."""
    return load_toml("thresholds.toml")["near_duplicate"]


def passage_key(sentence: str) -> str:
    """A sentence with its numbers masked, so copies with swapped numbers still match."""
    return _DIGITS.sub("0", sentence)


def passage_hash(sentence: str) -> int:
    return int.from_bytes(hashlib.blake2b(passage_key(sentence).encode("utf-8"), digest_size=8).digest(), "big")


def repeated_passages(doc: Document, figures: tuple[Figure, ...] = ()) -> list[Flag]:
    """Long passages that stand twice in one report (a sign of pasted template text)."""
    seen: dict[str, int] = {}
    out = []
    for s in doc.sentences:
        if len(s.text) < 30:
            continue
        k = passage_key(s.text)
        if k in seen:
            first = doc.sentences[seen[k]]
            out.append(_flag(doc, "near_duplicate", "info",
                             message("repeated_passage", first=first.index + 1, second=s.index + 1, chars=len(s.text)),
                             (), evidence=s.text, start=s.start, end=s.end))
        else:
            seen[k] = s.index
    return out


DOCUMENT_CHECKS = (percent_mismatch, sum_mismatch, growth_mismatch, below_threshold, internal_conflict,
                   repeated_passages)


def check_document(result: Result) -> list[Flag]:
    """Every per-document check; a check that fails is logged and skipped, never raised."""
    out: list[Flag] = []
    with gcpause.paused():  # many records, no cycles: see extract/gcpause.py
        for check in DOCUMENT_CHECKS:
            try:
                out.extend(check(result.document, result.figures))
            except Exception:  # a check must never cost the run its other findings
                log.warning("check %s failed on %s", check.__name__, result.document.source, exc_info=True)
    return out
