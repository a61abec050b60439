"""Where a rule can match at all: a necessary condition read off each rule's own regex, so that
`scan.candidates` tries a rule only at the starts where it may match (and gets the same matches).

A rule such as `{num_range}{infix}(?P<unit>{money_units})` reads a numeral and its trimmings, then
one of a finite set of strings (its *anchor*: the unit). Whatever it matches from a start p, the
anchor begins at some a >= p, and every character in between is one the items before the anchor
can consume (its *gap* characters). So the rule can match at p only when an anchor begins within
the run of gap characters that starts at p (or right where that run ends). Both the anchor
strings and the gap characters come from the parsed pattern (`re._parser`): nothing is listed by
hand, and a rule whose shape the reader does not know (a negated class, `.` before the anchor, no
finite anchor) gets no prefilter and is tried at every start."""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import re._constants as sc
import re._parser as sp
from dataclasses import dataclass

def _starts_of(strings) -> re.Pattern:
    """A pattern whose matches start where one of the strings begins, at every such position (overlaps
    included): it reads a string's first character and looks ahead for the rest, so that the
    regex engine skips to the first characters instead of trying a look-ahead at every position."""
    strings = sorted(strings, key=len, reverse=True)
    if not all(strings):  # the empty string begins everywhere
        return re.compile("(?=(?:" + "|".join(re.escape(w) for w in strings) + "))")
    return re.compile("(?:" + "|".join(re.escape(w[0]) + (f"(?={re.escape(w[1:])})" if len(w) > 1 else "")
                                       for w in strings) + ")")


_MAX_STRINGS = 20000  # an anchor with more strings than this is no anchor (the prefilter is skipped)


@dataclass(frozen=True)
class Prefilter:
    """The anchor strings of a rule, its gap characters (a character class body) and its lead:
    the strings a finite optional head of the rule may read before the gap (人民币 of money)."""

    anchors: tuple[str, ...]
    gap: str
    lead: tuple[str, ...]

    @functools.cached_property
    def _anchor_re(self) -> re.Pattern:
        return _starts_of(self.anchors)

    @functools.cached_property
    def _gap_re(self) -> re.Pattern | None:
        return re.compile(f"[{self.gap}]+") if self.gap else None

    @functools.cached_property
    def _lead_re(self) -> re.Pattern | None:
        words = [w for w in self.lead if w]
        if not words:
            return None
        return _starts_of(words)

    def viable(self, text: str, starts: list[int], runs: dict | None = None) -> list[int]:
        """The starts (a sorted list) at which the rule may match in text; the others cannot.
        `runs` keeps the runs of gap characters of text for the rules that share a gap."""
        spans = self.spans(text, runs)
        out: list[int] = []
        for lo, hi in spans:
            out.extend(starts[bisect.bisect_left(starts, lo):bisect.bisect_right(starts, hi)])
        if self._lead_re is None or not spans:
            return out
        los = [lo for lo, _ in spans]

        def reaches(x: int) -> bool:  # x is in one of the spans
            i = bisect.bisect_right(los, x) - 1
            return i >= 0 and x <= spans[i][1]

        words = [w for w in self.lead if w]
        extra = [q for q in (m.start() for m in self._lead_re.finditer(text))
                 if any(text.startswith(w, q) and reaches(q + len(w)) for w in words)]
        if extra:
            at = set(starts)
            out = sorted(set(out).union(q for q in extra if q in at))
        return out

    def spans(self, text: str, runs: dict | None = None) -> list[tuple[int, int]]:
        """Disjoint sorted [lo, hi] ranges of the positions from which the gap characters reach
        an anchor: a start outside them (and outside the lead's reach) matches nothing."""
        anchors = [m.start() for m in self._anchor_re.finditer(text)]
        if not anchors:
            return []
        if self._gap_re is None:
            ranges = [(a, a) for a in anchors]
        else:
            found = None if runs is None else runs.get(self.gap)
            if found is None:
                spans = [m.span() for m in self._gap_re.finditer(text)]
                found = ([a for a, _ in spans], [b for _, b in spans])
                if runs is not None:
                    runs[self.gap] = found
            run_starts, run_ends = found
            ranges = []
            for a in anchors:
                i = bisect.bisect_right(run_starts, a - 1) - 1
                lo = run_starts[i] if i >= 0 and run_ends[i] >= a else a  # the run holding a - 1 reaches a
                ranges.append((lo, a))
        merged: list[tuple[int, int]] = []
        for lo, hi in ranges:
            if merged and lo <= merged[-1][1] + 1:
                if hi > merged[-1][1]:
                    merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        return merged


class _Unknown(Exception):
    """A part of a pattern this reader does not know: no prefilter."""


def _width(items, state) -> tuple[int, int]:
    return sp.SubPattern(state, list(items)).getwidth()


def _strings(items) -> set[str]:
    """The finite set of strings a sequence of parsed items matches (raises _Unknown otherwise)."""
    out = {""}
    for op, av in items:
        if op in (sc.ASSERT, sc.ASSERT_NOT, sc.AT):
            raise _Unknown  # what a look-around admits is not a set of strings read here
        if op is sc.LITERAL:
            step = {chr(av)}
        elif op is sc.IN:
            step = set()
            for o, a in av:
                if o is sc.LITERAL:
                    step.add(chr(a))
                elif o is sc.RANGE and a[1] - a[0] < 256:
                    step.update(chr(c) for c in range(a[0], a[1] + 1))
                else:
                    raise _Unknown
        elif op is sc.SUBPATTERN:
            if av[1] or av[2]:
                raise _Unknown  # flags inside the group
            step = _strings(av[3])
        elif op is sc.BRANCH:
            step = set().union(*(_strings(b) for b in av[1]))
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT) and av[1] <= 1:
            step = _strings(av[2]) | ({""} if av[0] == 0 else set())
        elif op is sc.ATOMIC_GROUP:
            step = _strings(av)
        else:
            raise _Unknown
        out = {a + b for a, b in itertools.product(out, step)}
        if len(out) > _MAX_STRINGS:
            raise _Unknown
    return out


_CATEGORIES = {sc.CATEGORY_DIGIT: r"\d", sc.CATEGORY_SPACE: r"\s"}


def _chars(items) -> str:
    """A character class body holding every character the items can consume (look-arounds consume
    none); raises _Unknown for what cannot be bounded so (., a negated class, a back-reference)."""
    out: list[str] = []
    for op, av in items:
        if op in (sc.ASSERT, sc.ASSERT_NOT, sc.AT):
            continue
        if op is sc.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is sc.IN:
            for o, a in av:
                if o is sc.LITERAL:
                    out.append(re.escape(chr(a)))
                elif o is sc.RANGE:
                    out.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                elif o is sc.CATEGORY and a in _CATEGORIES:
                    out.append(_CATEGORIES[a])
                else:
                    raise _Unknown
        elif op is sc.SUBPATTERN:
            if av[1] or av[2]:
                raise _Unknown
            out.append(_chars(av[3]))
        elif op is sc.BRANCH:
            out.extend(_chars(b) for b in av[1])
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT):
            out.append(_chars(av[2]))
        elif op is sc.ATOMIC_GROUP:
            out.append(_chars(av))
        else:
            raise _Unknown
    return "".join(out)


def _finite(item) -> set[str] | None:
    try:
        return _strings([item])
    except _Unknown:
        return None


def prefilter(pattern: str) -> Prefilter | None:
    """The prefilter of a rule's pattern (see the module), or None when it has none."""
    parsed = sp.parse(pattern)
    if parsed.state.flags & ~sc.SRE_FLAG_UNICODE:
        return None  # flags (IGNORECASE …) change what a literal matches
    items = list(parsed.data)
    k = next((i for i, item in enumerate(items)
              if item[0] not in (sc.ASSERT, sc.ASSERT_NOT, sc.AT) and _width([item], parsed.state)[0] > 0
              and _finite(item) is not None), None)
    if k is None:
        return None
    anchors = {""}
    for item in items[k:]:  # the anchor: the required finite items from k on, read together
        strings = _finite(item) if item[0] not in (sc.ASSERT, sc.ASSERT_NOT, sc.AT) else None
        if not strings or "" in strings or len(anchors) * len(strings) > _MAX_STRINGS:
            break
        anchors = {a + b for a in anchors for b in strings}
    j = 0  # the lead: finite items (and look-arounds, which read nothing) before the gap
    lead = {""}
    while j < k:
        op = items[j][0]
        if op in (sc.ASSERT, sc.ASSERT_NOT, sc.AT):
            j += 1
            continue
        strings = _finite(items[j])
        if strings is None or len(lead) * len(strings) > _MAX_STRINGS:
            break
        lead = {a + b for a in lead for b in strings}
        j += 1
    try:
        gap = _chars(items[j:k])
    except _Unknown:
        return None
    return Prefilter(anchors=tuple(sorted(anchors)), gap=gap, lead=tuple(sorted(lead)))


def end_reach(pattern: str) -> int | None:
    """How many characters at the end of a string decide whether `pattern`, anchored at the end
    ($ in every branch), finds a match in it: its longest match and a final newline; None for a
    pattern not anchored so, unbounded, or looking behind (then the whole string decides)."""
    parsed = sp.parse(pattern)
    if parsed.state.flags & ~sc.SRE_FLAG_UNICODE:
        return None
    longest = parsed.getwidth()[1]
    if longest >= sc.MAXREPEAT or not _anchored_at_end(list(parsed.data)) or _looks_behind(parsed.data):
        return None
    return longest + 1


def _anchored_at_end(items) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is sc.AT:
        return av is sc.AT_END
    if op is sc.BRANCH:
        return all(_anchored_at_end(list(b)) for b in av[1])
    if op is sc.SUBPATTERN:
        return _anchored_at_end(list(av[3]))
    return False


def _looks_behind(items) -> bool:
    """True when a part of the pattern reads before where the match starts or depends on where
    the string starts (a look-behind, ^, \\b, a back-reference)."""
    for op, av in items:
        if op in (sc.ASSERT, sc.ASSERT_NOT):
            if av[0] < 0 or _looks_behind(av[1]):
                return True
        elif op is sc.AT:
            if av is not sc.AT_END:
                return True
        elif op in (sc.GROUPREF, sc.GROUPREF_EXISTS):
            return True
        elif op is sc.SUBPATTERN:
            if _looks_behind(av[3]):
                return True
        elif op is sc.BRANCH:
            if any(_looks_behind(b) for b in av[1]):
                return True
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT):
            if _looks_behind(av[2]):
                return True
        elif op is sc.ATOMIC_GROUP:
            if _looks_behind(av):
                return True
    return False


def shared_gap(prefilters: dict) -> dict:
    """The prefilters with one gap for all that have one: the union of their gaps. A wider gap
    only lets more starts through (the condition stays necessary), and the runs of gap characters
    of a text are then found once for all the rules."""
    pieces = sorted({p.gap for p in prefilters.values() if p is not None and p.gap})
    gap = "".join(pieces)
    return {family: (Prefilter(p.anchors, gap, p.lead) if p is not None and p.gap else p)
            for family, p in prefilters.items()}
