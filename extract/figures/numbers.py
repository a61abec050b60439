"""The number engine: the value of a numeral as written in Chinese reports.

Arabic (1,100 · 3541.07), Chinese (一千二百 · 两 · 〇/零 · 十), financial (壹佰), and mixed
forms (1.2万 · 3万4000 · 25万6千 · 2千零30万 · 三万五), all to one Decimal-free float.

    >>> parse_number("2千零30万")
    20300000.0
"""
from __future__ import annotations

import functools
import re

from ..resources import load_toml

_NUMERALS = load_toml("numerals.toml")  # the digit and multiplier tables (corpora/numerals.toml)
DIGITS: dict[str, int] = dict(_NUMERALS["digits"])
SMALL_UNITS: dict[str, int] = dict(_NUMERALS["small_units"])
BIG_UNITS: dict[str, int] = dict(_NUMERALS["big_units"])
POINT = set(_NUMERALS["marks"]["point"])
ZEROS: str = _NUMERALS["marks"]["zeros"]  # digits that are a zero (a gap after a unit)
FINANCIAL = frozenset(_NUMERALS["marks"]["financial"])  # financial forms of digits and small units
NEGATIVE = tuple(_NUMERALS["marks"]["negative"])  # signs of a negative number (负3, -3)
NEGATIVE_CHARS = "".join(NEGATIVE)

CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A numeral: Arabic and Chinese digits mixed with multipliers, e.g. 3万4000, 2千零30万, 一千二百.
# Each Arabic token is maximal (no digit may follow it), so a run of digits splits one way only:
# without that, a long digit run before a failing unit backtracks exponentially.
_ARABIC_TOKEN = rf"(?:{ARABIC})(?!\d)"
_POINT_CLASS = "".join(sorted(POINT))
NUMERAL = rf"(?:{_ARABIC_TOKEN}|[{CN_CHARS}])(?:{_ARABIC_TOKEN}|[{CN_CHARS}]|[{_POINT_CLASS}](?=[{''.join(DIGITS)}\d]))*"
NUMERAL_RE = re.compile(NUMERAL)
_TOKEN = re.compile(rf"{ARABIC}|[{_POINT_CLASS}][{''.join(DIGITS)}]+|.", re.S)


class NotANumber(ValueError):
    """The string holds no complete numeral."""


@functools.lru_cache(maxsize=65536)
def parse_number(text: str) -> float:
    """Value of a numeral string; raises NotANumber when it is not one (e.g. '万' alone is 10000)."""
    text = text.strip()
    if not text:
        raise NotANumber(text)
    if re.fullmatch(ARABIC, text):
        return float(text.replace(",", ""))
    tokens = _TOKEN.findall(text)
    total = 0.0      # value above the current 万/亿 section
    section = 0.0    # value inside the current section
    number = None    # the last digit(s) not yet given a unit
    last_unit = None
    digit_run = []   # a plain run of Chinese digits, e.g. 二〇一九 or 一一二
    for tok in tokens:
        if tok[0] in POINT:
            decimals = "".join(str(DIGITS[c]) for c in tok[1:])
            number = float(f"{int(number or 0)}.{decimals}")
            digit_run = []
            continue
        if tok in DIGITS:
            d = DIGITS[tok]
            if d == 0 and last_unit is not None and number is None:
                continue  # 一千零十四: 零 after a unit only marks a gap
            digit_run.append(d)
            if number is not None and len(digit_run) > 1 and tok not in ZEROS:
                number = number * 10 + d
            elif tok in ZEROS and number is not None and len(digit_run) > 1:
                number = number * 10
            else:
                number = float(d)
            continue
        digit_run = []
        if tok in SMALL_UNITS:
            if last_unit is not None and last_unit < 10**4 and SMALL_UNITS[tok] >= last_unit and number is None:
                raise NotANumber(text)  # 七十百: units must fall within a section
            section += (1.0 if number is None else number) * SMALL_UNITS[tok]
            number, last_unit = None, SMALL_UNITS[tok]
        elif tok in BIG_UNITS:
            u = BIG_UNITS[tok]
            if number is None and section == 0:
                if total == 0:
                    total = 1.0
                total *= u
            elif u == 10**8:
                total = (total + section + (number or 0)) * u
                section = 0
            else:
                total += (section + (number or 0)) * u
                section = 0
            number, last_unit = None, u
        elif re.fullmatch(ARABIC, tok):
            number = float(tok.replace(",", ""))
        else:
            raise NotANumber(text)
    if number is not None:
        # 三万五 = 35000, 两百五 = 250: a lone trailing digit after a unit counts in the next unit down
        if last_unit and last_unit >= 100 and number < 10 and len(tokens) > 1 and tokens[-1] in DIGITS \
                and tokens[-2] in {**SMALL_UNITS, **BIG_UNITS}:
            number *= last_unit / 10
        section += number
    return total + section


def is_chinese_numeral(text: str) -> bool:
    """True when the numeral is written with Chinese characters only (no Arabic digits)."""
    return not any(ch.isdigit() for ch in text)
