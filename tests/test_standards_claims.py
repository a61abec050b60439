"""Standards claims from whole documents: status follows each sentence's own cues, text that is
not the body claims nothing, honours that name a dimension are evidence, and every claim carries
its evidence sentence and a calibrated score (extract/standards/claims.py, GUIDELINES §2)."""
from __future__ import annotations

import numpy as np
import pytest

from extract.normalise import split_sentences
from extract.records import Document
from extract.standards import claims as C


def _doc(text: str, title: str = "") -> Document:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, 1))
        offset += len(line) + 1
    return Document(source="x.txt", doc_id="x", format="txt", status="ok", text=text, title=title,
                    sentences=split_sentences(text, lines))


def _claims(text: str, title: str = "") -> set[tuple[str, str]]:
    return {(c.standard, c.status) for c in C.claims_of(_doc(text, title))}


@pytest.mark.parametrize("sentence,cues", [
    ("截至去年底，全市社区服务设施覆盖率已达95%。", (1, 0)),
    ("到2025年，社区综合服务设施覆盖率要达到100%。", (0, 1)),
    ("要充分利用已经建成的服务设施开展活动。", (0, 1)),  # 要 comes first: 已经建成 only qualifies the facilities
    ("今年计划改造老旧小区40个，截至6月底已开工21个。", (1, 1)),
    ("社区将社区工作经费纳入预算管理。", (0, 0)),  # 将 marking the object is no future
    ("社区居民对环境的满意率达到90%。", (0, 0)),
])
def test_status_cues_are_read_clause_by_clause(sentence, cues):
    assert C.status_cues(sentence) == cues


def test_a_plan_reports_what_is_done_as_achieved_and_its_targets_as_planned():
    text = ("关于加快推进社区养老服务体系建设的实施方案\n"
            "一、发展基础\n"
            "截至去年底，全市已建成社区日间照料中心126个，社区养老服务设施覆盖率已达95%。\n"
            "二、发展目标\n"
            "到2027年，社区日间照料中心实现全覆盖，每个街道至少建成1个综合养老服务中心。\n")
    got = _claims(text, title="关于加快推进社区养老服务体系建设的实施方案")
    assert ("elderly_care", "achieved") in got and ("elderly_care", "planned") in got


def test_a_lead_clause_carries_its_target_year_over_the_clauses_it_governs():
    text = ("到2026年末，社区综合服务设施覆盖率达到100%；\n"
            "城市社区工作者每万人不少于18人；\n"
            "每个社区配备持证社工2名以上。\n")
    ev = C.evidence(_doc(text))
    assert (ev.scope[1:, 1] == 1).all() and not ev.scope[0].any()


def test_an_assessment_checklist_claims_nothing():
    text = ("据了解，全市社区建设年度考评主要包括：社区居民自治程度；\n"
            "社区居委会办公用房是否达标；\n"
            "社区志愿服务队伍建设情况；\n"
            "社区养老服务开展情况。\n")
    ev = C.evidence(_doc(text))
    assert not ev.body.any()
    assert _claims(text) == set()


def test_furniture_and_headings_are_no_evidence():
    text = ("首页 > 政务公开 > 社区建设\n"
            "三、加强养老服务\n"
            "版权所有：某某市民政局 技术支持：某某科技有限公司\n"
            "社区建成日间照料中心2个，今年为高龄老人提供助餐服务1.2万人次。\n")
    ev = C.evidence(_doc(text))
    assert [s.text[:4] for s, b in zip(ev.sentences, ev.body) if b] == ["社区建成"]


@pytest.mark.parametrize("text", ["“我们将继续办好社区老年食堂，让更多老人吃上热饭。”\n",
                                  "街道负责人介绍：“下一步将在每个社区建一个老年食堂。”\n"])
def test_quoted_speech_is_no_evidence(text):
    assert not C.evidence(_doc(text)).body.any()
    assert _claims(text) == set()


def test_an_honour_whose_title_names_a_dimension_is_evidence():
    text = "社区先后荣获“省级爱国卫生先进单位”“市级敬老模范社区”等荣誉称号。\n"
    ev = C.evidence(_doc(text))
    named = {C.tagger().labels[i] for i in np.flatnonzero(ev.honour[0])}
    assert {"environment", "elderly_care"} <= named
    got = _claims(text)
    assert ("environment", "achieved") in got and ("elderly_care", "achieved") in got


def test_every_claim_has_its_evidence_sentence_and_a_calibrated_score():
    text = ("今年以来，社区组建志愿服务队6支，开展志愿服务活动80余场。\n"
            "社区建成日间照料中心1个，为120名老人提供助餐服务。\n"
            "下一步，社区将新建一处儿童之家，开设四点半课堂。\n")
    doc = _doc(text)
    claims = C.claims_of(doc)
    assert {("volunteering", "achieved"), ("elderly_care", "achieved"), ("children_youth", "planned")} <= {
        (c.standard, c.status) for c in claims}
    for c in claims:
        assert doc.text[c.evidence_start:c.evidence_end] == c.evidence
        assert 0.0 <= c.score <= 1.0 and c.n_sentences >= 1


def test_the_calibration_is_monotone_and_bounded():
    xs = np.linspace(0, 1, 21)
    ys = [C.calibrate(x) for x in xs]
    assert all(0.0 <= y <= 1.0 for y in ys)
    assert all(b >= a for a, b in zip(ys, ys[1:]))
