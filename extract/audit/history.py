"""Measures of places across the reports of a run, by year: the same measure of the same place in
reports of different years is a history (`history.csv`), not a conflict.

- A report's year is the first year its title names, else the year of the last full date near
  its end (the date under the signature); a figure's year is the one its sentence states before
  it (2022年底…), a relative one (去年, 今年) counted from the report's year, else the report's.
- `cross_doc_conflict`: the same measure of the same place with different values in two reports,
  for the same year (or where either year is unknown).
- `change_conflict`: a claimed change (由A增加到B) whose A disagrees with what the place's report
  of that year said: the year written with A (由2021年的21个…), else the year before B's.

The words and patterns are in corpora/audit.toml ([years], [changes]); messages in [messages]."""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, replace

from ..records import Document, Figure, Flag, History, Result
from ..resources import load_toml
from .document import figure_refs, format_number, message


@dataclass(frozen=True)
class _Years:
    title: re.Pattern
    date: re.Pattern
    tail: int
    relative: dict[str, int]


@functools.cache
def _years() -> _Years:
    y = load_toml("audit.toml")["years"]
    return _Years(re.compile(y["title"]), re.compile(y["date"]), y["date_tail_chars"], dict(y["relative"]))


@functools.cache
def _changes() -> dict:
    return load_toml("audit.toml")["changes"]


def document_year(doc: Document) -> str:
    """The year a report is about: the first year of its title, else the year of the last full
    date near its end, else ''."""
    y = _years()
    m = y.title.search(doc.title or "")
    if m:
        return m.group(1)
    dates = list(y.date.finditer(doc.text[-y.tail:])) if doc.text else []
    return dates[-1].group(1) if dates else ""


def year_of(f: Figure, doc_year: str) -> tuple[str, str]:
    """(year, where it comes from) of a figure in a report of `doc_year`: `figure` (stated before
    it), `relative` (去年 … counted from the report's year), `document` (the report's), or
    ('', '') when none is known (a placeholder such as 20XX年, or no year anywhere)."""
    if f.year:
        if f.year.isdigit() and len(f.year) == 4:
            return f.year, "figure"
        offset = _years().relative.get(f.year)
        if offset is not None and doc_year:
            return str(int(doc_year) + offset), "relative"
        return "", ""
    return (doc_year, "document") if doc_year else ("", "")


# --- claimed changes (由A增加到B) -------------------------------------------------------------------

def _change_measure(before: Figure, doc_entity: str) -> tuple[str, str] | None:
    """(entity, measure) of the value before a change, named from the words before 由: a standing
    measure where they name one (社区由21个… -> 社区数, as `measure_of` names it), else those words."""
    c = _changes()
    entity = before.entity or doc_entity
    if not entity:
        return None
    head = before.sentence[:max(0, before.start - before.sentence_start)]
    at = max(head.rfind(w) for w in c["from_words"])
    if at < 0:
        return None
    name = measure_named(head[:at], entity, before.quantity, before.kind, before.unit)
    return (entity, name) if name else None


def measure_named(words: str, entity: str, quantity: str, kind: str, unit: str) -> str:
    """The measure the words before a change's 由 name (青石区共有社区 -> 社区数; 全区社区工作经费 ->
    社区工作经费), '' when they are too few or too many to name one ([changes] of audit.toml)."""
    c = _changes()
    clause = words[max(words.rfind(b) for b in c["clause_breaks"]) + 1:]
    if entity:
        clause = clause.replace(entity, "")
    clause = re.sub(c["year_pattern"], "", clause)
    for w in c["filler_words"]:
        clause = clause.replace(w, "")
    if not c["min_chars"] <= len(clause) <= c["max_chars"]:
        return ""
    ms = load_toml("audit.toml")["measures"]
    if quantity == "count":
        for noun in c["community_nouns"]:
            if clause.endswith(noun) and unit in c["count_units"]:
                return f"{noun}{ms['count_measure_suffix']}"
        if kind == "people_count":
            noun = next((p for p in ms["population_nouns"] if p in clause), None)
            if noun:
                return noun
        if kind == "household_count" and unit == ms["household_unit"] \
                and any(w in clause for w in ms["household_words"]):  # 户次 counts visits, no measure
            return ms["household_measure"]
    return clause


def _pair_years(before: Figure, after: Figure) -> tuple[str, str]:
    """The years of the two ends of a change: A's is one written between 由 and A (由2021年的21个),
    else none; B's one written between A and B, else the pair's (2022年，…由21个增加到24个), else none."""
    c = _changes()
    year = re.compile(c["year_pattern"])
    s, base = before.sentence, before.sentence_start
    head = s[:max(0, before.start - base)]
    at = max(head.rfind(w) for w in c["from_words"])
    own = list(year.finditer(head[at:])) if at >= 0 else []
    between = list(year.finditer(s[before.end - base:after.start - base]))
    pair = list(year.finditer(head[:max(at, 0)]))
    return (own[-1].group(1) if own else "",
            between[-1].group(1) if between else pair[-1].group(1) if pair else "")


def change_pairs(result: Result, doc_entity: str) -> tuple[tuple[str, str, Figure, Figure], ...]:
    """(entity, measure, before, after) of every exact 由A增加到B pair of one report; the two
    figures' `year` is the year of their own end of the change (`_pair_years`)."""
    figs = [f for f in result.figures if f.role in ("before", "after")]
    out = []
    for i, b in enumerate(figs):
        if b.role != "before" or b.approx or b.value_max is not None:
            continue
        after = next((f for f in figs[i + 1:] if f.role == "after" and f.sentence_start == b.sentence_start
                      and f.unit == b.unit), None)
        key = _change_measure(b, doc_entity) if after is not None else None
        if key:
            year_a, year_b = _pair_years(b, after)
            out.append((*key, replace(b, year=year_a), replace(after, year=year_b)))
    return tuple(out)


def _after_year(after: Figure, doc_year: str) -> str:
    return after.year or doc_year


# --- the run's history ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Point:
    """One value of a measure of a place in one report, for one year."""

    entity: str
    measure: str
    year: str
    year_from: str
    figure: Figure
    doc_id: str
    title: str
    source: str


def points(digests) -> list[_Point]:
    """Every exact value of a measure of a place the reports state (standing facts and the ends of
    claimed changes), with its year, in the order of `digests` (by source)."""
    out = []
    for d in digests:
        for (entity, measure, _), f in d.measures:
            if f.role or f.approx or f.value_max is not None:
                continue  # the ends of a change are taken below; targets are no facts
            year, year_from = year_of(f, d.year)
            out.append(_Point(entity, measure, year, year_from, f, d.doc_id, d.title, d.source))
        for entity, measure, before, after in d.changes:
            if not after.approx and after.value_max is None:
                out.append(_Point(entity, measure, _after_year(after, d.year), "change", after, d.doc_id, d.title,
                                  d.source))
            if before.year:
                out.append(_Point(entity, measure, before.year, "change", before, d.doc_id, d.title, d.source))
    return out


def history_rows(pts: list[_Point]) -> list[History]:
    """The history table: each measure of each place by year, one row per value a report states."""
    seen = set()
    out = []
    for p in pts:
        key = (p.entity, p.measure, p.year, p.figure.value, p.figure.unit, p.source)
        if key in seen:
            continue
        seen.add(key)
        f = p.figure
        out.append(History(entity=p.entity, measure=p.measure, year=p.year, value=f.value, unit=f.unit,
                           year_from=p.year_from, source=p.source, doc_id=p.doc_id, text=f.text, start=f.start,
                           end=f.end))
    out.sort(key=lambda h: (h.entity, h.measure, h.year, h.source, h.start))
    return out


def _year_label(year: str) -> str:
    return message("year_label", year=year) if year else ""


def cross_doc_conflict(pts: list[_Point]) -> list[Flag]:
    """The same measure of the same place with different values in two reports, for the same year
    or where either year is unknown: each value that none of the values stated before it (by
    source) in other reports of a compatible year agrees with, named against the first of them.
    Linear: per (place, measure), the first two reports of each year are kept."""
    firsts: dict[tuple, dict[str, list[_Point]]] = defaultdict(dict)
    out = []
    for p in pts:
        if p.year_from == "change":
            continue  # the ends of changes are compared by change_conflict
        by_year = firsts[(p.entity, p.measure, p.figure.unit)]
        years = list(by_year) if not p.year else [y for y in (p.year, "") if y in by_year]
        refs = [q for y in years for q in by_year[y] if q.doc_id != p.doc_id]
        ref = min(refs, key=lambda q: q.source, default=None)
        if ref is not None and all(q.figure.value != p.figure.value for q in refs):
            f = p.figure
            out.append(Flag(source=p.source, doc_id=p.doc_id, check="cross_doc_conflict", severity="warning",
                            message=message("cross_doc_conflict", entity=p.entity, measure=p.measure,
                                            value=format_number(f.value), year=_year_label(p.year or ref.year),
                                            other_title=ref.title[:30], other_source=ref.source,
                                            other_value=format_number(ref.figure.value)),
                            figures=figure_refs(f), evidence=f.sentence, start=f.start, end=f.end,
                            other_source=ref.source, other_doc_id=ref.doc_id))
        kept = by_year.setdefault(p.year, [])
        if len(kept) < 2 and all(q.doc_id != p.doc_id for q in kept):
            kept.append(p)
    return out


def change_conflict(digests, pts: list[_Point]) -> list[Flag]:
    """A claimed change (由A增加到B) whose A is not what the place's report of that year stated:
    the year written with A (warning), else the year before B's (info: the change may span more
    years than one)."""
    values: dict[tuple, list[_Point]] = defaultdict(list)
    for p in pts:
        if p.year:
            values[(p.entity, p.measure, p.year, p.figure.unit)].append(p)
    severity = _changes()["severity"]
    out = []
    for d in digests:
        for entity, measure, before, after in d.changes:
            own = before.year
            year = own or (str(int(y) - 1) if (y := _after_year(after, d.year)) else "")
            if not year:
                continue
            stated = [p for p in values.get((entity, measure, year, before.unit), ()) if p.doc_id != d.doc_id]
            if not stated or any(p.figure.value == before.value for p in stated):
                continue
            ref = stated[0]
            out.append(Flag(source=d.source, doc_id=d.doc_id, check="change_conflict",
                            severity=severity["stated_year" if own else "year_before"],
                            message=message("change_conflict", entity=entity, measure=measure,
                                            before=format_number(before.value), after=format_number(after.value),
                                            year=year, other_title=ref.title[:30], other_source=ref.source,
                                            other_value=format_number(ref.figure.value)),
                            figures=figure_refs(before, after), evidence=before.sentence, start=before.start,
                            end=after.end,
                            other_source=ref.source, other_doc_id=ref.doc_id))
    return out
