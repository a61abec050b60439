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

from ..records import Document, Figure, Flag, Result
from ..resources import load_toml

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
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in figures:
        groups[(f.sentence, f.page)].append(f)
    return groups


# --- arithmetic inside a sentence -------------------------------------------------------------

_SHARE = re.compile(r"占([^，。；,;]{0,12}?)(?:总数|总量|总户数|总人数)?的?(?:比例)?(?:为|达)?$")


def percent_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """A percentage stated with its part and base (13个，占社区总数的61.9%, with 21 communities)
    that disagrees beyond rounding. The part is the count just before 占; the base is an earlier
    larger count of the same unit in the sentence, else the one count of that noun the report
    gives for its whole jurisdiction (全区共有21个社区); an ambiguous base is no finding."""
    out = []
    doc_entity = title_entity(doc)
    jurisdiction: dict[tuple[str, str], set[float]] = defaultdict(set)
    for f in figures:
        key = measure_of(f, doc_entity)
        if key and f.quantity == "count":
            jurisdiction[(f.counted or "", f.unit)].add(f.value)
    for group in _by_sentence(figures).values():
        for i, p in enumerate(group):
            if p.quantity != "percent" or p.value_max is not None:
                continue
            base0 = _sentence_start(doc, p)
            head = p.sentence[:max(0, p.start - base0)]
            m = _SHARE.search(head)
            if not m:
                continue
            base_noun = m.group(1).strip()
            parts = [f for f in group[:i] if f.quantity == "count" and f.value_max is None]
            if not parts:
                continue
            part = parts[-1]
            between = \
                head[part.end - base0:m.start()]
            if not re.fullmatch(r"[^，。；,;()（）]{0,8}[，,]?", between):
                continue  # the count before 占 belongs to another clause
            base, source = None, ""
            for f in reversed(parts[:-1]):
                if f.unit == part.unit and f.value > part.value and f.counted and \
                        (not base_noun or f.counted in base_noun or base_noun.endswith(f.counted)):
                    base, source = f.value, "sentence"
                    break
            if base is None and base_noun:
                values = set()
                for (noun, unit), vals in jurisdiction.items():
                    if unit == part.unit and noun and (noun == base_noun or base_noun.endswith(noun)):
                        values |= {v for v in vals if v > part.value}
                if len(values) == 1:
                    base, source = values.pop(), "document"
            if not base:
                continue
            expected = part.value / base * 100
            tolerance = 0.5 * 10 ** -_decimals(p.text) + ROUNDING_SLACK
            if abs(expected - p.value) > tolerance:
                where = "同句" if source == "sentence" else "文中"
                out.append(_flag(doc, "percent_mismatch", "error" if source == "sentence" else "warning",
                                 f"{format_number(part.value)}÷{format_number(base)}（{where}基数）={expected:.1f}%，"
                                 f"与所述{format_number(p.value)}%不符。", (part, p)))
    return out


def _sentence_start(doc: Document, f: Figure) -> int:
    s = doc.sentence_at(f.start)
    return s.start if s else 0


def sum_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """Parts listed after 其中 that should add to the total before it (下辖15个社区，其中城市社区9个、
    农村社区8个)."""
    out = []
    for group in _by_sentence(figures).values():
        for i, total in enumerate(group):
            if total.quantity != "count" or total.value_max is not None:
                continue
            rest = group[i + 1:]
            if not rest:
                continue
            between = total.sentence[total.end - _sentence_start(doc, total):rest[0].start - _sentence_start(doc, total)]
            if not re.match(r"^[^。；;]{0,4}其中", between):
                continue
            parts, running = [], 0.0
            for f in rest:
                if f.unit != total.unit or f.kind != total.kind or f.value_max is not None:
                    break
                parts.append(f)
                running += f.value
                if running >= total.value:
                    break  # the parts add up (or overshoot): later counts are another breakdown
            if len(parts) < 2:
                continue
            s = sum(f.value for f in parts)
            if s != total.value and not any(f.approx for f in (total, *parts)):
                severity = "error" if s > total.value else "warning"
                listed = "+".join(format_number(f.value) for f in parts)
                out.append(_flag(doc, "sum_mismatch", severity,
                                 f"其中各项之和{listed}={format_number(s)}，与总数{format_number(total.value)}不符。", (total, *parts)))
    return out


_GROWTH = re.compile(r"(?:增长|提高|增加|上升|提升|增幅|扩大)(?:了|为|达)?$")


def growth_mismatch(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """A before/after pair with a stated growth that disagrees (由4万元增加到12万元，增长50%)."""
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
            base = _sentence_start(doc, pct)
            if not _GROWTH.search(pct.sentence[after.end - base:pct.start - base][-6:]):
                continue
            expected = (after.value - b.value) / b.value * 100
            if abs(expected - pct.value) > 0.5 * 10 ** -_decimals(pct.text) + 0.5:
                out.append(_flag(doc, "growth_mismatch", "error",
                                 f"由{format_number(b.value)}到{format_number(after.value)}实际增长{expected:.1f}%，与所述"
                                 f"{format_number(pct.value)}%不符。", (b, after, pct)))
    return out


# --- standards ----------------------------------------------------------------------------------

@functools.cache
def thresholds() -> dict[str, dict]:
    """The thresholds of corpora/thresholds.toml by id."""
    return {t["id"]: t for t in load_toml("thresholds.toml")["threshold"]}


def _mentions(f: Figure, cues) -> bool:
    near = f.sentence
    return any(c in (f.subject or "") or c in near for c in cues)


def below_threshold(doc: Document, figures: tuple[Figure, ...]) -> list[Flag]:
    """Claimed facility figures below a standard of corpora/thresholds.toml (e.g. community
    service space >= 30 m² per 100 households, computed when the report gives area and households)."""
    out = []
    th = thresholds()
    per100 = th["service_space_per_100_households"]
    households = [f for f in figures if f.kind == "household_count" and f.value_max is None and not f.approx]
    for a in figures:
        if a.kind != "facility_area" or a.role in ("before", "target") or not _mentions(a, per100["area_cues"]):
            continue
        if "每百户" in a.sentence[max(0, a.start - _sentence_start(doc, a) - 4):a.start - _sentence_start(doc, a)]:
            if a.value < per100["value"] and a.value_max is None or (a.value_max and a.value_max < per100["value"]):
                out.append(_flag(doc, "below_threshold", "info",
                                 f"所用标准每百户{format_number(a.value)}平方米低于{per100['description']}"
                                 f"（{per100['issued_by'].split(';')[0]}）。", (a,)))
            continue
        if a.value_max is not None or a.approx in ("gt", "ge"):
            continue
        same = [h for h in households if h.sentence == a.sentence] or \
               [h for h in households if a.entity and h.entity == a.entity]
        doc_entity = title_entity(doc)
        if not same and doc_entity.endswith("社区"):
            # a report about one community: its households as the report states them for the whole area
            area_households = [h for h in households if measure_of(h, doc_entity)]
            if len({h.value for h in area_households}) == 1:
                same = area_households
        if not same:
            continue
        h = same[0]
        ratio = a.value / h.value * 100
        if ratio < per100["value"]:
            out.append(_flag(doc, "below_threshold", "warning",
                             f"{format_number(a.value)}平方米、{format_number(h.value)}户，折合每百户{ratio:.1f}平方米，低于"
                             f"{per100['description']}（{per100['issued_by'].split(';')[0]}，国家标准）。", (a, h)))
    for tid in ("embedded_service_facility_area", "complete_community_activity_space"):
        t = th[tid]
        for a in figures:
            if a.kind == "facility_area" and a.value_max is None and a.role != "target" \
                    and _mentions(a, t["area_cues"]) and a.value < t["value"] and a.approx not in ("gt", "ge"):
                out.append(_flag(doc, "below_threshold", "warning",
                                 f"{format_number(a.value)}平方米低于{t['description']}（{t['issued_by']}）。", (a,)))
    t = th["social_worker_certificate_rate"]
    for p in figures:
        head = p.sentence[max(0, p.start - _sentence_start(doc, p) - 8):p.start - _sentence_start(doc, p)]
        if p.kind == "percentage" and p.value_max is None and p.role != "target" \
                and any(c in head for c in t["percent_cues"]) and p.value < t["value"]:
            out.append(_flag(doc, "below_threshold", "info",
                             f"持证比例{format_number(p.value)}%低于{t['description']}（{t['issued_by']}，地方标准）。", (p,)))
    return out


# --- conflicts ------------------------------------------------------------------------------------

_JURISDICTION = re.compile(r"(?:辖|下辖|下设|共有|现有|共辖|设有|全区|全县|全市|全镇|全街道)[^，。；,;]{0,4}$")
_POPULATION = ("常住人口", "户籍人口", "总人口", "人口")


def measure_of(f: Figure, doc_entity: str = "") -> tuple[str, str, str] | None:
    """(entity, measure, year) for figures that state a standing fact about a place: how many
    communities it has, its population, its households. None for anything else."""
    entity = f.entity or doc_entity
    if not entity:
        return None
    rel = f.sentence.find(f.text)
    head = f.sentence[:rel] if rel >= 0 else ""
    if f.kind == "community_count" and f.counted and _JURISDICTION.search(head) and not f.approx:
        return entity, f"{f.counted}数", f.year
    if f.kind == "people_count" and any(p in (f.subject or "") or head.endswith(p) for p in _POPULATION):
        return entity, next(p for p in _POPULATION if p in (f.subject or "") + head[-6:]), f.year
    if f.kind == "household_count" and re.search(r"(?:辖区|常住|户籍|居民|共有|现有)[^，。；]{0,4}$", head):
        return entity, "户数", f.year
    return None


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
        key = measure_of(f, doc_entity)
        if key is None:
            continue
        entity, measure, year = key
        k = (entity, measure)
        if k in seen:
            g = seen[k]
            if g.value != f.value and not (g.year and f.year and g.year != f.year) and not (g.approx or f.approx):
                out.append(_flag(doc, "internal_conflict", "warning",
                                 f"{entity}的{measure}在同一报告中前后不一：{format_number(g.value)}与{format_number(f.value)}。", (g, f)))
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
                             f"本报告中第{first.index + 1}句与第{s.index + 1}句重复（{len(s.text)}字）。", (),
                             evidence=s.text, start=s.start, end=s.end))
        else:
            seen[k] = s.index
    return out


DOCUMENT_CHECKS = (percent_mismatch, sum_mismatch, growth_mismatch, below_threshold, internal_conflict,
                   repeated_passages)


def check_document(result: Result) -> list[Flag]:
    """Every per-document check; a check that fails is logged and skipped, never raised."""
    out: list[Flag] = []
    for check in DOCUMENT_CHECKS:
        try:
            out.extend(check(result.document, result.figures))
        except Exception:  # a check must never cost the run its other findings
            log.warning("check %s failed on %s", check.__name__, result.document.source, exc_info=True)
    return out
