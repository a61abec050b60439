"""Schemes named by their numbers (125工程, “136”工程, “1+3+N”模式) and the names of their parts.

A report that names such a scheme usually spells it out right after the name (125工程即：抓好一个
格局，建立两个机制，开展好五项活动): the counts there whose numbers are the name's, in the name's
order, name the scheme's parts (两个机制, 五项活动), not quantities; GUIDELINES counts them with the
slogans, wherever they stand in the report (a heading 二、建立两个机制 too). The rule's words and
window are [slogans] of corpora/figures.toml."""
from __future__ import annotations

import bisect
import functools
import re

from ..records import Figure
from ..resources import load_toml


@functools.cache
def _rules() -> tuple[re.Pattern, int, int]:
    s = load_toml("figures.toml")["slogans"]
    name = re.compile(s["name_pattern"].replace("{kinds}", "|".join(map(re.escape, s["scheme_words"]))))
    return name, int(s["expansion_chars"]), int(s["min_members"])


def _numbers(digits: str) -> list[int]:
    """The numbers a scheme's name is made of: 125 -> [1, 2, 5]; 1+3+N -> [1, 3]."""
    parts = digits.split("+") if "+" in digits else list(digits)
    return [int(p) for p in parts if p.isdigit()]


def part_names(text: str, figures: list[Figure]) -> set[str]:
    """The texts of the counts that name parts of a numbered scheme of `text` (see the module)."""
    name, window, min_members = _rules()
    counts = sorted((f for f in figures if f.quantity == "count"), key=lambda f: f.start)
    starts = [f.start for f in counts]
    out: set[str] = set()
    for m in name.finditer(text):
        numbers = _numbers(m.group("digits"))
        members, k = [], 0
        # only the counts within the window after the name (bisect: linear in the figures overall)
        for f in counts[bisect.bisect_left(starts, m.end()):bisect.bisect_right(starts, m.end() + window)]:
            while k < len(numbers) and numbers[k] != f.value:
                k += 1
            if k == len(numbers):
                break
            members.append(f.text)
            k += 1
        if len(members) >= min_members:
            out.update(members)
    return out


def without_part_names(text: str, figures: list[Figure]) -> list[Figure]:
    """`figures` without the counts that name the parts of a numbered scheme."""
    names = part_names(text, figures)
    return [f for f in figures if not (f.quantity == "count" and f.text in names)] if names else figures
