"""The number engine: tables of forms, and property tests that numbers written out parse back."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.figures.numbers import NotANumber, parse_number

CASES = [
    ("52", 52), ("1,100", 1100), ("3541.07", 3541.07), ("1.2万", 12000), ("4万", 40000), ("3万4000", 34000),
    ("25万6千", 256000), ("2千零30万", 20300000), ("一千二百万", 12000000), ("两", 2), ("十", 10), ("十五", 15),
    ("二十", 20), ("一百零五", 105), ("三千零五", 3005), ("十万零六百五十一", 100651), ("八点五", 8.5),
    ("一百一十一点一一二", 111.112), ("三万五", 35000), ("两百五", 250), ("壹佰万", 1000000), ("肆佰叁拾萬", 4300000),
    ("1亿2000万", 120000000), ("万", 10000), ("百", 100), ("一千零拾肆", 1014), ("贰拾", 20), ("〇", 0),
]


@pytest.mark.parametrize("text,value", CASES)
def test_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "七十百", "abc", "社区"])
def test_not_numbers(text):
    with pytest.raises(NotANumber):
        parse_number(text)


DIG = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Render an integer in standard Chinese numerals (一万零五百, 十五, 三亿二千万零七)."""
    if n == 0:
        return "零"

    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            out += ("" if (d == 1 and unit == "十" and not out and leading) else DIG[d]) + unit
        return out

    parts, first = [], True
    for value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk = n // value % 10**4 if value < 10**8 else n // value
        if chunk:
            if parts and chunk < 1000:
                parts.append("零")
            parts.append(below_10000(chunk, first) + unit)
            first = False
        elif parts and value == 1 and n % 10**4:
            parts.append("零")
    return "".join(parts).replace("零零", "零")


def to_mixed(n: int) -> str:
    """Arabic digits with 万/亿 multipliers, as reports write them: 3万4000, 1亿2000万."""
    yi, rest = divmod(n, 10**8)
    wan, ones = divmod(rest, 10**4)
    out = ""
    if yi:
        out += f"{yi}亿"
    if wan:
        out += f"{wan}万"
    if ones or not out:
        out += str(ones)
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_chinese_numerals_parse_back(n):
    assert parse_number(to_chinese(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_mixed_arabic_wan_yi_parse_back(n):
    assert parse_number(to_mixed(n)) == n


def test_renderers_themselves():
    assert to_chinese(10015) == "一万零一十五"
    assert to_chinese(1200_0000) == "一千二百万"
    assert to_mixed(34000) == "3万4000"
