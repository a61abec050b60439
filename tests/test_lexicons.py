"""The lexicons and rule tables of corpora/: their consistency, and the `examples` each group carries,
run through the function that reads the group."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract import segment
from extract.figures import find_figures
from extract.figures.context import entity_of, year_of
from extract.figures.numbers import NotANumber, parse_number
from extract.figures.rules import rules
from extract.normalise import join_wrapped_lines
from extract.readers.txt import _mostly_common_cjk, decode
from extract.resources import fill, load_toml


def test_every_rule_family_has_its_ids():
    r = rules()
    assert set(r.patterns) <= set(r.ids)
    ids = [i.single for i in r.ids.values()] + [i.range for i in r.ids.values() if i.range]
    assert len(ids) == len(set(ids))
    assert all(i.range for family, i in r.ids.items() if family in r.patterns)  # _merge_ranges needs one


def test_figures_carry_the_ids_of_the_table():
    ids = rules().ids
    got = {f.text: f.rule for f in find_figures("每户补助1万元-5万元，建成20-30平方米的用房，占三成，共52个社区。")}
    assert got == {"1万元-5万元": ids["money"].range, "20-30平方米": ids["area"].range,
                   "三成": ids["percent.cheng"].single, "52个社区": ids["count"].single}
    cells = find_figures("项目 | 数量（个）\n活动室 | 3\n")
    assert [f.rule for f in cells] == [ids["table.cell"].single]


NUMERALS = load_toml("numerals.toml")["examples"]


@pytest.mark.parametrize("numeral,value", NUMERALS["values"])
def test_numeral_examples(numeral, value):
    assert parse_number(numeral) == pytest.approx(value)


@pytest.mark.parametrize("text", NUMERALS["not_numerals"])
def test_not_numeral_examples(text):
    with pytest.raises(NotANumber):
        parse_number(text)


# --- corpora/cues.toml ---------------------------------------------------------------------------

CUES = load_toml("cues.toml")


@pytest.mark.parametrize("text", CUES["planned"]["examples"]["figure_target"])
def test_planned_sentences_give_targets(text):
    assert [f.role for f in find_figures(text)] == ["target"]


@pytest.mark.parametrize("text", CUES["planned"]["examples"]["figure_not_target"])
def test_other_sentences_give_no_targets(text):
    assert [f.role for f in find_figures(text)] == [""]


@pytest.mark.parametrize("head,year", CUES["year"]["examples"]["figure"])
def test_year_examples(head, year):
    assert year_of(head + "5个社区", len(head)) == year


def test_honour_year_is_the_pattern_classify_uses():
    y = CUES["year"]
    assert fill(y["honour"], y) == r"((?:19|20)\d{2})年"


@pytest.mark.parametrize("head,entity", CUES["admin"]["examples"]["entity"])
def test_entity_examples(head, entity):
    assert entity_of(head + "5个社区", len(head)) == entity


def test_holder_suffixes_are_those_classify_uses():
    a = CUES["admin"]
    assert a["suffixes"] + a["holder_suffixes_last"] == ["社区", "街道", "区", "县", "市", "镇", "乡", "村", "单位", "局"]


HEADINGS = CUES["headings"]


@pytest.mark.parametrize("line", HEADINGS["examples"]["line"])
def test_heading_lines_are_not_joined_to_the_line_before(line):
    wrapped = ["全区投入社区建设资金一千二百万元用于改造", line, "最后一行正文内容，写到这里结束。"]
    assert line in join_wrapped_lines(wrapped)


@pytest.mark.parametrize("line", HEADINGS["examples"]["not_line"])
def test_other_lines_are_joined(line):
    wrapped = ["全区投入社区建设资金一千二百万元用于改造", line, "最后一行正文内容，写到这里结束。"]
    assert line not in join_wrapped_lines(wrapped)


@pytest.mark.parametrize("line,heading", [(l, True) for l in HEADINGS["examples"]["section"]]
                         + [(l, False) for l in HEADINGS["examples"]["not_section"]])
def test_section_heading_examples(line, heading):
    assert bool(re.match(fill(HEADINGS["section"], HEADINGS), line)) is heading


@pytest.mark.parametrize("line,heading", [(l, True) for l in HEADINGS["examples"]["numbered_line"]]
                         + [(l, False) for l in HEADINGS["examples"]["not_numbered_line"]])
def test_numbered_line_examples(line, heading):
    assert bool(re.match(fill(HEADINGS["numbered_line"], HEADINGS), line)) is heading


# --- corpora/segment.toml, corpora/txt.toml -----------------------------------------------------

NOUNS = load_toml("segment.toml")["nouns"]["examples"]


@pytest.mark.parametrize("word,nounish", [(w, True) for w in NOUNS["nounish"]] + [(w, False) for w in NOUNS["not_nounish"]])
def test_nounish_examples(word, nounish):
    assert segment.is_nounish(word) is nounish


@pytest.mark.parametrize("word,continues", [(w, True) for w in NOUNS["continues"]]
                         + [(w, False) for w in NOUNS["not_continues"]])
def test_continues_noun_examples(word, continues):
    assert segment.continues_noun(word) is continues


TXT = load_toml("txt.toml")["gb18030"]["examples"]


@pytest.mark.parametrize("text", TXT["gb18030"])
def test_gb18030_prose_is_mostly_common_characters(text):
    assert _mostly_common_cjk(text.encode("gb18030").decode("gb18030"))
    assert decode(text.encode("gb18030"))[1] == "gb18030"


@pytest.mark.parametrize("text", TXT["big5"])
def test_big5_bytes_read_as_gb18030_are_not(text):
    assert not _mostly_common_cjk(text.encode("big5").decode("gb18030"))
    assert decode(text.encode("big5"))[1] == "big5hkscs"


# --- the examples of every group of figures.toml ------------------------------------------------

FIGURES_FILE = load_toml("figures.toml")


def _figure_examples():
    for group, table in FIGURES_FILE["examples"].items():
        if isinstance(table, dict):
            for case in table["cases"]:
                yield pytest.param(*case[:3], case[3] if len(case) > 3 else 0, id=f"{group}:{case[0]}:{case[1]}")


@pytest.mark.parametrize("text,column,expected,index", list(_figure_examples()))
def test_figure_group_examples(text, column, expected, index):
    figs = find_figures(text)
    if column == "figures":
        assert [f.text for f in figs] == expected
        return
    assert len(figs) > index, figs
    got = getattr(figs[index], column)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert got == pytest.approx(expected, rel=1e-4)
    else:
        assert (got or "") == expected


def _headers(name: str) -> list[str]:
    text = (Path(__file__).resolve().parent.parent / "corpora" / name).read_text(encoding="utf-8")
    return re.findall(r"^\[([^\]]+)\]", text, re.M)


def test_every_group_of_figures_toml_has_examples():
    groups = [h for h in _headers("figures.toml") if not h.startswith("examples")]
    assert [g for g in groups if g not in FIGURES_FILE["examples"]] == []


@pytest.mark.parametrize("name", ["cues.toml", "segment.toml", "txt.toml"])
def test_every_group_of_the_other_files_has_examples(name):
    data = load_toml(name)
    assert [group for group, table in data.items() if "examples" not in table] == []


def test_numerals_have_examples():
    assert NUMERALS["values"] and NUMERALS["not_numerals"]


def test_clauses_stop_at_punctuation_and_at_the_clause_window():
    from extract.figures.context import _clause_after, _clause_before

    window = FIGURES_FILE["context"]["windows"]["clause"]
    assert _clause_before("全区，投入资金", 7) == "投入资金" and _clause_after("投入资金，全区", 0) == "投入资金"
    assert _clause_before("甲" * (window + 5), window + 5) == "甲" * window
    assert _clause_after("甲" * (window + 5), 0) == "甲" * window
    assert _clause_before("全区\n投入", 5) == "投入" and _clause_after("", 0) == ""
