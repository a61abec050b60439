"""Figures: the rule tables of corpora/figures.toml, the traps of GUIDELINES, our gold fixtures."""
from __future__ import annotations

import json

import pytest

import extract
from extract.figures import find_figures
from extract.resources import load_toml

from helpers import DATA

RULES = load_toml("figures.toml")["examples"]


@pytest.mark.parametrize("text,quantity,value,value_max,unit,approx", RULES["cases"])
def test_rule_examples(text, quantity, value, value_max, unit, approx):
    figs = find_figures(text)
    assert figs, text
    f = figs[0]
    assert (f.quantity, f.unit, f.approx) == (quantity, unit, approx)
    assert f.value == pytest.approx(value, rel=1e-4)
    assert f.value_max == (pytest.approx(value_max) if value_max != "" else None)


@pytest.mark.parametrize("text", RULES["not_figures"])
def test_not_figures(text):
    assert find_figures(text) == [], text


@pytest.mark.parametrize("text,kind", [
    ("全区52个社区", "community_count"), ("24个社区居委会", "community_count"), ("635个网格", "community_count"),
    ("党员2376人", "people_count"), ("1628名党员", "people_count"), ("43046户", "household_count"),
    ("宣传橱窗42块", "other_count"), ("73支服务队", "other_count"), ("21个社区养老服务中心", "other_count"),
    ("辖区总面积13.06平方公里", "land_area"), ("办公用房340平方米", "facility_area"), ("1408元/月", "funding"),
    ("今年改建了4个500平方米以上的日间照料中心", "other_count"), ("每个街道确定一个条件成熟的社区", "community_count"),
    ("示范社区数量增至9个", "community_count"), ("首批8个村已完成改造,其余5个正在施工", "community_count"),
    ("全年提升改造14个社区活动用房", "community_count"),  # 个 before the noun: the communities that have one
    ("全年提升改造社区活动用房14个", "other_count"),  # the noun before the count: the rooms
    ("东关、西关两个社区党群服务中心", "community_count"),  # the named communities
    ("城东区、城西区明年各新建两个社区养老服务站", "other_count"),  # two stations in each district
    ("对六种特困家庭给予临时救助", "other_count"),  # 种 before an adjective and a noun
    ("开设书法、围棋等课程7门", "other_count"), ("全年走访困难群众430户次", "household_count"),
    ("走访14个村126个小组", "community_count"), ("下辖14个村、126个组", "community_count"),
    ("组建党小组5个", "other_count"),
])
def test_kinds(text, kind):
    quantity = {"funding": "money", "land_area": "area", "facility_area": "area"}.get(kind, "count")
    figs = [f for f in find_figures(text) if f.quantity == quantity]
    assert figs[-1].kind == kind, figs


def test_one_place_after_a_quoted_name_or_before_its_size():
    assert [(f.value, f.unit) for f in find_figures("每个网格均有一处不少于80平方米的议事场所")] == [(1, "处"), (80, "m2")]
    assert [(f.value, f.counted) for f in find_figures("街道新建“邻里驿站”一处，日均接待居民60人。")][0] == (1, "邻里驿站")
    assert find_figures("推行“一核两翼”三项机制") == []  # a count of quoted names is a slogan


def test_a_count_after_a_bracketed_gloss_counts_the_noun_before_it():
    figs = find_figures("9个社区全部成立党委，在小区、楼栋建立党支部（党小组）214个。")
    assert [(f.value, f.counted, f.kind) for f in figs] == [(9, "社区", "community_count"),
                                                            (214, "党支部", "other_count")]


def test_a_caption_between_two_tables_ends_the_first():
    text = ("社区 | 面积（平方米） | 投资（万元）\n桐林社区 | 420 | 85\n表2\n"
            "社区 | 户数 | 常住人口\n桐林社区 | 3600 | 9800\n")
    cells = [(f.value, f.unit) for f in find_figures(text) if f.rule.startswith("table")]
    assert cells == [(420, "m2"), (850000, "CNY")]  # the second table's numbers take no unit of the first


def test_visits_keep_their_own_unit():
    figs = find_figures("检查经营场所1960家次，走访住户820户次，开设课程9门。")
    assert [(f.value, f.unit) for f in figs] == [(1960, "家次"), (820, "户次"), (9, "门")]


def test_adjacent_amounts_split_cleanly():
    values = [f.value for f in find_figures("计划投资3541.07万元2.3亿元用于建设")]
    assert values == [35410700, 230000000]


def test_qualifier_shared_by_a_coordinated_list():
    figs = find_figures("每名网格员联系约300户、900人")
    assert [(f.value, f.approx) for f in figs] == [(300, "approx"), (900, "approx")]


def test_before_after_roles_and_year():
    doc_text = "2021年,社区活动用房由原来的90平方米扩建到260平方米以上。"
    figs = find_figures(doc_text)
    assert [f.role for f in figs] == ["before", "after"]
    assert all(f.year == "2021" for f in figs)


def _gold_pairs():
    for folder in ("figures", "figures_blind"):
        for gold in sorted(DATA.glob(f"{folder}/*.figures.jsonl")):
            yield folder, gold.name.split(".")[0]


@pytest.mark.parametrize("folder,stem", list(_gold_pairs()))
def test_gold_fixture(folder, stem):
    """Our own trap-filled reports (figures/) and reports annotated blind, without reading the code
    (figures_blind/): every gold figure is found with its value and unit, nothing extra, and at
    most two kind disagreements per report."""
    gold = [json.loads(l) for l in (DATA / folder / f"{stem}.figures.jsonl").read_text("utf-8").splitlines()]
    doc = extract.process_file(DATA / folder / f"{stem}.txt")
    got = [(f.quantity, f.unit, round(f.value, 2), f.value_max and round(f.value_max, 2)) for f in doc.figures]
    want = [(g["quantity"], g["unit"], round(g["value"], 2), g["value_max"] and round(g["value_max"], 2)) for g in gold]
    assert sorted(got, key=str) == sorted(want, key=str)
    kinds_got = sorted((f.quantity, f.kind) for f in doc.figures)
    kinds_want = sorted((g["quantity"], g["kind"]) for g in gold)
    assert sum(a != b for a, b in zip(kinds_got, kinds_want)) <= 2


def test_figure_offsets_point_into_the_text(make_docx):
    result = extract.process_file(make_docx())
    text = result.document.text
    assert len(result.figures) >= 10
    for f in result.figures:
        assert text[f.start:f.end] == f.text
        assert f.sentence and f.text in f.sentence and f.rule.endswith(".v1")


def test_table_cells_take_their_unit_from_the_header():
    text = "项目 | 数量（个） | 面积（平方米）\n党员活动室 | 1 | 120\n合计 | 3 | 400\n资金来源 | 金额（万元） | 占比（%）\n区财政 | 180 | 60\n"
    figs = find_figures(text)
    got = [(f.quantity, f.value, f.unit, f.counted) for f in figs]
    assert got == [("count", 1, "个", "党员活动室"), ("area", 120, "m2", None), ("count", 3, "个", "合计"),
                   ("area", 400, "m2", None), ("money", 1800000, "CNY", None), ("percent", 60, "%", None)]
