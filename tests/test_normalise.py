"""Each normalisation rule on its own, then the whole step on the bundled samples."""
from __future__ import annotations

import pytest

import extract
from extract import normalise as N
from extract.records import RawDocument
from extract.resources import load_toml

from helpers import SAMPLES


def test_fold_width_digits_letters_percent_but_not_chinese_punctuation():
    assert N.fold_width("全区５２个社区，占６１．９％（ＡＢ）") == "全区52个社区，占61.9%（AB）"


def test_strip_pinyin_glosses():
    assert N.strip_pinyin_glosses("社區(qū)溫馨(xīn)家園") == "社區溫馨家園"
    assert N.strip_pinyin_glosses("創(chuàng)建（jiàn）") == "創建"
    # plain Latin in brackets is not a gloss
    assert N.strip_pinyin_glosses("平台(app)上线") == "平台(app)上线"


def test_traditional_to_simplified_only_when_traditional():
    assert N.to_simplified("社區建設工作意見，全縣共有48個社區") == "社区建设工作意见，全县共有48个社区"
    simplified = "在全区范围内大力开展品牌社区创建活动，著力打造一批示范社区。"
    assert N.to_simplified(simplified) == simplified


@pytest.mark.parametrize("raw,clean", [
    ("全区 52 个社区", "全区52个社区"),
    ("于 3 月 28 日", "于3月28日"),
    ("以“ 建设一支好班子", "以“建设一支好班子"),
    ("标准, 围绕", "标准,围绕"),
    ("Party building and 12 34", "Party building and 12 34"),
    ("绿化面积8万多 m2,覆盖", "绿化面积8万多m2,覆盖"),  # a PDF's space between a Chinese and a Latin run
    ("xx 区委", "xx区委"),
    ("He said “hello” to them", "He said “hello” to them"),  # quotation marks are no Chinese characters
])
def test_remove_cjk_spaces(raw, clean):
    assert N.remove_cjk_spaces(raw) == clean


def test_furniture_examples_from_the_rules_file():
    ex = load_toml("furniture.toml")["examples"]
    for line in ex["furniture"]:
        assert N.is_furniture(line), line
    for line in ex["report_text"]:
        assert not N.is_furniture(line), line
    header = N.furniture_rules().header_line
    for line in ex["header"]:
        assert header.fullmatch(line) and not N.is_furniture(line), line  # furniture only at the top
    for line, kept in ex["inline"]:
        assert N.furniture_rules().inline.sub("", line) == kept


def test_title_examples_from_the_cues_file():
    for lines, title in load_toml("cues.toml")["title"]["examples"]["cases"]:
        assert N.find_title(lines) == title


def test_a_body_on_one_long_line_under_a_breadcrumb_is_kept():
    """A site's welcome line and breadcrumb above a body written as one long line: the breadcrumb
    is header furniture, never the start of a trailing block, and the body's figures survive."""
    body = "青石街道辖区面积12.5平方公里，下辖8个社区，常住人口4.2万人。" * 20
    lines = ["您好，欢迎访问某某区人民政府门户网站！", "当前位置：首页 > 工作动态 > 街道动态",
             "青石街道2023年工作总结", body, "上一篇：某某街道召开会议", "下一篇：某某社区开展活动"]
    out = [l for l in N.remove_furniture(lines) if l]
    assert out == ["青石街道2023年工作总结", body]


def test_a_page_counter_glued_before_a_heading_and_alone_on_a_line_is_furniture():
    lines = ["某社区创建工作汇报材料", "1/6", "社区服务用房达到600平方米。2/6二、强化服务功能", "持证社工不足1/4，须加强。"]
    out = [l for l in N.remove_furniture(lines) if l]
    assert out == ["某社区创建工作汇报材料", "社区服务用房达到600平方米。二、强化服务功能", "持证社工不足1/4，须加强。"]


def test_a_short_line_repeated_in_the_body_is_kept():
    """Only repeats of the title are dropped at the top: a per-community list keeps every line."""
    lines = ["某街道社区服务用房统计", "东园社区", "建成用房300平方米。", "西园社区", "建成用房300平方米。", "东园社区"]
    assert [l for l in N.remove_furniture(lines) if l] == lines


def test_preview_fragments_are_joined_mid_sentence():
    lines = ["某镇农村社区建设工作汇报", "资源描述:", "", "1、某镇农村社区建设工作汇报", "去年全镇38个村共推选出一",
             "", "2、批星级村,建成800㎡左右的村", "", "3、级服务站6个。"]
    out = [l for l in N.remove_furniture(lines) if l]
    assert out[0] == "某镇农村社区建设工作汇报"
    assert "去年全镇38个村共推选出一批星级村,建成800㎡左右的村级服务站6个。" in out
    # an ordinary numbered list item that ends a sentence is kept as it is
    kept = N.remove_furniture(["一、工作措施", "1、加强领导。", "2、完善制度。"])
    assert kept == ["一、工作措施", "1、加强领导。", "2、完善制度。"]


def test_site_tail_is_cut_only_in_the_second_half():
    body = [f"第{i}段正文内容，社区工作稳步推进。" for i in range(10)]
    lines = ["相关文章"] + body + ["相关文章", "其他网站的一篇文章标题"]
    out = N.remove_furniture(lines)
    assert out[0] == "相关文章" and out[-1] == body[-1]


def test_join_wrapped_lines_but_not_headings():
    lines = ["全区投入社区建设资金一千二百", "万元，新建服务用房二十个。", "一、主要做法", "加强组织领导，落实工作责任。"]
    out = N.join_wrapped_lines(lines)
    assert out[0] == "全区投入社区建设资金一千二百万元，新建服务用房二十个。"
    assert "一、主要做法" in out


def test_sentences_carry_offsets_into_the_text():
    norm = N.normalise(RawDocument(pages=("标题\n第一句。第二句！", "第三句；"), format="txt"))
    assert [s.text for s in norm.sentences] == ["标题", "第一句。", "第二句！", "第三句；"]
    for s in norm.sentences:
        assert norm.text[s.start:s.end] == s.text
    assert [s.page for s in norm.sentences] == [1, 1, 1, 2]


def test_traditional_sample_becomes_simplified_without_glosses():
    doc = extract.read(SAMPLES / "06_fanti_yijian.txt")
    assert "社区" in doc.text and "社區" not in doc.text
    assert "(qū)" not in doc.text and "(chuàng)" not in doc.text
    assert "导语" not in doc.text and "时间:" not in doc.text


@pytest.mark.parametrize("name", ["01_jingyan_jiaoliu.txt", "05_ziacha_baogao.doc", "08_pingan_shequ.html"])
def test_samples_lose_their_site_furniture(name):
    path = SAMPLES / name
    if path.suffix == ".doc":
        import shutil
        if not any(shutil.which(t) for t in ("antiword", "catdoc", "soffice")):
            pytest.skip("no .doc converter")
    text = extract.read(path).text
    for marker in ("资源描述", "由会员上传分享", "当前文档最多预览", "第1页 / 共3页", "上传人", "版权所有", "下一篇", "大小:"):
        assert marker not in text, marker


def test_surrogate_pairs_from_rtf_become_characters(tmp_path):
    import extract
    from extract.normalise import fix_surrogates

    assert fix_surrogates("\ud83d\ude00社区\ud840\udc00") == "😀社区\U00020000"
    assert fix_surrogates("孤\ud800立") == "孤\ufffd立"
    p = tmp_path / "emoji.rtf"  # Word writes characters beyond the BMP as two \u escapes
    p.write_text(r"{\rtf1\ansi\uc1 \u-10179?\u-8704? \u31038?\u21306?\u24314?\u35774?\u25237?\u20837?"
                 r"\u36164?\u37329?120\u19975?\u20803?\u12290?\par}", encoding="ascii")
    result = extract.process_file(p)
    assert result.document.status == "ok" and "😀" in result.document.text
    assert [f.value for f in result.figures] == [1200000]


def test_what_normalisation_removes_is_counted_and_a_large_loss_warned():
    from extract.records import RawDocument

    body = "青石街道下辖8个社区，常住人口4.2万人。"
    kept = N.normalise(RawDocument(pages=(f"某街道工作总结\n{body}\n下载收藏\n",), format="txt"))
    assert 0 < kept.removed_share < 0.5 and not kept.warning
    furniture = "\n".join(["相关文章", *[f"某某范文网 2019-01-0{i} 某社区工作总结{i}" for i in range(1, 9)]])
    lost = N.normalise(RawDocument(pages=(f"{body}\n" + "\n".join(["下载收藏"] * 40) + f"\n{furniture}\n",), format="txt"))
    assert lost.removed_share > 0.5 and "normalisation removed" in lost.warning
