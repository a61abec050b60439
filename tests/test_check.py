"""Each audit check on small reports of our own: ones that trip it and consistent ones that must not."""
from __future__ import annotations

import extract
from extract.audit import document as check
from extract.audit.corpus import CorpusIndex
from extract.audit.document import check_document


def _flags(tmp_path, text, name="r.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract.process_file(p)


def _checks(result):
    return [f.check for f in result.flags]


def test_percent_mismatch(tmp_path):
    ok = _flags(tmp_path, "石桥区平安建设总结\n全区共有20个社区，已有12个社区建成平安社区，占社区总数的60%。\n")
    assert "percent_mismatch" not in _checks(ok)
    bad = _flags(tmp_path, "石桥区平安建设总结\n全区共有20个社区，已有12个社区建成平安社区，占社区总数的70%。\n")
    flags = [f for f in bad.flags if f.check == "percent_mismatch"]
    assert len(flags) == 1 and flags[0].severity == "error" and "60.0%" in flags[0].message


def test_percent_base_from_the_report(tmp_path):
    text = "青石区社区建设汇报\n青石区辖区面积30平方公里，下辖24个社区。\n今年新评选示范社区6个，占社区总数的30%。\n"
    flags = [f for f in _flags(tmp_path, text).flags if f.check == "percent_mismatch"]
    assert len(flags) == 1 and flags[0].severity == "warning" and "25.0%" in flags[0].message


def test_sum_mismatch(tmp_path):
    bad = _flags(tmp_path, "某街道下辖10个社区，其中城市社区6个、农村社区5个。\n")
    assert [f.severity for f in bad.flags if f.check == "sum_mismatch"] == ["error"]
    ok = _flags(tmp_path, "某街道下辖10个社区，其中城市社区6个、农村社区4个。\n")
    assert "sum_mismatch" not in _checks(ok)
    partial = _flags(tmp_path, "某街道下辖10个社区，其中城市社区6个。\n")
    assert "sum_mismatch" not in _checks(partial)


def test_a_share_and_its_base_in_either_word_order(tmp_path):
    bad = _flags(tmp_path, "河湾镇有行政村20个，其中8个村建成示范村，占比50%。\n")
    assert [f.severity for f in bad.flags if f.check == "percent_mismatch"] == ["error"]
    ok = _flags(tmp_path, "河湾镇有行政村20个，其中8个村建成示范村，占比40%。\n")
    assert "percent_mismatch" not in _checks(ok)
    side_by_side = _flags(tmp_path, "报名的居民中青年人为300人，占60%，录用人员中青年人为45人，占75%。\n")
    assert "percent_mismatch" not in _checks(side_by_side)  # the earlier count is its own share's part


def test_sums_only_over_a_partition(tmp_path):
    bad = _flags(tmp_path, "全区共有12个社区，其中：7个城市社区；6个农村社区。\n")
    assert [f.severity for f in bad.flags if f.check == "sum_mismatch"] == ["error"]
    not_partitions = [
        "全区共有12个社区，其中4个社区获评省级示范社区，5个社区获评市级示范社区。\n",  # subsets with a property
        "全市改造项目60个，完工项目45个，其中，城区改造项目30个，完工项目22个。\n",  # two totals
        "全区共有社区12个，其中城市社区7个（含新建社区3个）、农村社区5个。\n",  # a bracketed breakdown
        "有党员90人、积极分子6人，其中大专学历40人、高中学历50人。\n",  # parts of another total
    ]
    for text in not_partitions:
        assert "sum_mismatch" not in _checks(_flags(tmp_path, text)), text


def test_a_place_opening_its_sentence_is_the_entity_of_its_counts(tmp_path):
    text = "河湾镇社区工作总结\n目前，鹿溪镇辖社区6个。\n经过调整，鹿溪镇下辖7个社区。\n"
    flags = [f for f in _flags(tmp_path, text).flags if f.check == "internal_conflict"]
    assert len(flags) == 1 and flags[0].message.startswith("鹿溪镇")
    listed = "河湾镇社区工作总结\n青松社区、白杨社区等2个社区共有居民900户。\n白杨社区现有居民400户。\n"
    assert "internal_conflict" not in _checks(_flags(tmp_path, listed))
    other_measures = "河湾镇社区工作总结\n河湾镇常住人口5000人，流动人口800人，有志愿者200人。\n"
    assert "internal_conflict" not in _checks(_flags(tmp_path, other_measures))


def test_growth_mismatch(tmp_path):
    bad = _flags(tmp_path, "每个社区的工作经费由5万元增加到10万元，增长了50%。\n")
    assert "growth_mismatch" in _checks(bad)
    ok = _flags(tmp_path, "每个社区的工作经费由5万元增加到10万元，增长了100%。\n")
    assert "growth_mismatch" not in _checks(ok)
    points = _flags(tmp_path, "垃圾分类参与率由40%提高到70%，提高了30个百分点。\n")
    assert "growth_mismatch" not in _checks(points)
    as_points = _flags(tmp_path, "垃圾分类参与率由40%提高到70%，提高了30%。\n")  # 30 points written as %
    assert "growth_mismatch" not in _checks(as_points)
    wrong_points = _flags(tmp_path, "垃圾分类参与率由40%提高到70%，提高了20个百分点。\n")
    assert [f.severity for f in wrong_points.flags if f.check == "growth_mismatch"] == ["error"]


def test_below_threshold_per_100_households(tmp_path):
    bad = _flags(tmp_path, "柳岸社区服务用房240平方米，辖区居民1000户。\n")
    flags = [f for f in bad.flags if f.check == "below_threshold"]
    assert flags and "每百户24.0平方米" in flags[0].message and "国办发" in flags[0].message
    ok = _flags(tmp_path, "柳岸社区服务用房400平方米，辖区居民1000户。\n")
    assert "below_threshold" not in _checks(ok)
    ratio = _flags(tmp_path, "按社区现有2400户计算，每百户拥有服务用房约36.5平方米。\n")
    assert "below_threshold" not in _checks(ratio)  # per 100 households already, not an area
    visits = _flags(tmp_path, "柳岸社区服务用房400平方米，全年走访辖区居民3600户次。\n")
    assert "below_threshold" not in _checks(visits)  # 户次 counts visits, not the households


def test_internal_conflict(tmp_path):
    text = "枫林区社区工作总结\n枫林区共有21个社区。\n经过调整，枫林区共有23个社区。\n"
    assert "internal_conflict" in _checks(_flags(tmp_path, text))
    same = "枫林区社区工作总结\n枫林区共有21个社区。\n经过调整，枫林区共有21个社区。\n"
    assert "internal_conflict" not in _checks(_flags(tmp_path, same))


def test_cross_doc_conflict_and_near_duplicate(tmp_path):
    body = ("近年来，我们坚持以党建引领社区治理，把服务居民作为社区工作的出发点和落脚点，推动社区建设不断取得新成效。"
            "一是健全组织体系，推动社区党组织全覆盖，形成了上下联动、齐抓共管的工作格局。"
            "二是完善服务阵地，整合各类资源建设综合服务中心，为居民提供一站式便民服务。"
            "三是壮大工作队伍，通过公开招聘充实社区工作者，组织开展业务培训，提升服务能力。")
    a = _flags(tmp_path, f"青石区社区建设经验材料\n青石区共有21个社区。\n{body}\n", "a.txt")
    b = _flags(tmp_path, f"青石区社区工作汇报\n青石区共有24个社区。\n{body.replace('近年来', '去年以来')}\n", "b.txt")
    c = _flags(tmp_path, "白沙镇农业生产总结\n全镇粮食播种面积稳定，水利设施持续改善，农民收入稳步增长。" * 3 + "\n", "c.txt")
    auditor = CorpusIndex()
    for r in (a, b, c):
        auditor.add(r)
    flags = auditor.finish()
    conflicts = [f for f in flags if f.check == "cross_doc_conflict"]
    assert len(conflicts) == 1 and "24" in conflicts[0].message and "21" in conflicts[0].message
    dups = [f for f in flags if f.check == "near_duplicate"]
    assert {f.doc_id for f in dups} == {a.document.doc_id, b.document.doc_id}


def test_a_placeholder_names_one_place_in_a_report_and_none_across_reports(tmp_path):
    a = _flags(tmp_path, "xx区社区工作总结\nxx区共有21个社区。\n经过调整，xx区共有23个社区。\n", "a.txt")
    assert "internal_conflict" in _checks(a)
    b = _flags(tmp_path, "xx区城乡社区建设汇报\nxx区下辖30个社区。\n", "b.txt")
    auditor = CorpusIndex()
    for r in (a, b):
        auditor.add(r)
    assert not [f for f in auditor.finish() if f.check == "cross_doc_conflict"]  # two templates, two places


def test_a_template_shared_by_many_reports_gives_each_one_flag(tmp_path):
    body = ("近年来，我们坚持以党建引领社区治理，把服务居民作为社区工作的出发点和落脚点，推动社区建设不断取得新成效。"
            "一是健全组织体系，推动社区党组织全覆盖，形成了上下联动、齐抓共管的工作格局。"
            "二是完善服务阵地，整合各类资源建设综合服务中心，为居民提供一站式便民服务。")
    auditor = CorpusIndex()
    for i in range(8):
        auditor.add(_flags(tmp_path, f"第{i}街道社区建设总结\n{body}\n投入经费{100 + i}万元。\n", f"r{i}.txt"))
    dups = [f for f in auditor.finish() if f.check == "near_duplicate"]
    by_doc: dict[str, list] = {}
    for f in dups:
        by_doc.setdefault(f.source, []).append(f)
    assert len(by_doc) == 8 and all(len(fs) == 1 for fs in by_doc.values())
    sources = set(by_doc)
    for source, [f] in by_doc.items():
        assert "第1组" in f.message and "共8份" in f.message
        assert f.other_source in sources - {source} and f.other_source in f.message and f.other_doc_id
        assert f.evidence and f.evidence in body


def test_repeated_passage_inside_one_report(tmp_path):
    para = "我们把社区服务阵地建设作为基础工程来抓，逐年加大投入，服务功能不断完善，居民满意度持续提高。"
    r = _flags(tmp_path, f"某社区总结\n{para}\n其他工作也有进展。\n{para}\n")
    assert "near_duplicate" in _checks(r)


def test_a_failing_check_never_costs_the_others(tmp_path, monkeypatch):
    r = _flags(tmp_path, "某街道下辖10个社区，其中城市社区6个、农村社区5个。\n")

    def broken(doc, figures):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "DOCUMENT_CHECKS", (broken, check.sum_mismatch))
    assert [f.check for f in check_document(r)] == ["sum_mismatch"]


def test_minhash_estimates_jaccard_similarity():
    import random

    from extract.audit.minhash import LSH, shingle_fingerprints, signature, similarity

    rng = random.Random(7)
    chars = [chr(0x4E00 + i) for i in range(3000)]
    base = "".join(rng.choice(chars) for _ in range(3000))
    fresh = "".join(rng.choice(chars) for _ in range(3000))
    half = base[:1500] + fresh[:1500]
    a, b, c, d = (shingle_fingerprints(t, 5) for t in (base, half, fresh, base))
    true = len(set(a.tolist()) & set(b.tolist())) / len(set(a.tolist()) | set(b.tolist()))
    assert len(a) == 2996 and 0.3 < true < 0.36
    assert abs(similarity(signature(a), signature(b)) - true) < 0.15
    assert similarity(signature(a), signature(d)) == 1.0
    assert similarity(signature(a), signature(c)) < 0.1
    lsh = LSH()
    lsh.add("base", signature(a))
    assert lsh.candidates(signature(d)) == {"base"} and lsh.candidates(signature(c)) == set()


def test_near_duplicate_partners_are_the_most_similar_ones(tmp_path, monkeypatch):
    sentences = [f"第{c}项工作围绕居民需求持续推进，社区组织各方力量开展{c}服务，群众满意度不断提高，得到上级部门充分肯定。"
                 for c in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"]
    other = [s.replace("居民需求", "企业发展").replace("群众满意度", "营商环境") for s in sentences]
    base = "".join(sentences)
    near = "".join(sentences[:19] + other[19:])  # one sentence of twenty changed
    half = "".join(sentences[:13] + other[13:])
    real = check.load_toml

    def one_candidate(name):
        data = real(name)
        return {**data, "near_duplicate": {**data["near_duplicate"], "candidates_checked": 1}} \
            if name == "thresholds.toml" else data

    monkeypatch.setattr(check, "load_toml", one_candidate)
    auditor = CorpusIndex()
    halves = [half.replace("第", w) for w in ("其", "该", "此", "本", "另")]  # five less similar partners
    for name, body in [("b_base.txt", base), ("c_near.txt", near)] + [(f"h{i}.txt", h) for i, h in enumerate(halves)]:
        auditor.add(_flags(tmp_path, f"社区工作总结\n{body}\n", name))
    dups = [f for f in auditor.finish() if f.check == "near_duplicate" and f.source.endswith("b_base.txt")]
    assert len(dups) == 1
    sims = [int(m) for m in __import__("re").findall(r"相似度(\d+)%", dups[0].message)]
    assert sims and sims[0] >= 80


def test_identical_files_give_the_same_cross_document_flags_in_any_order(tmp_path):
    """Byte-identical files share a doc_id; which of them stands for it must not depend on the order
    the workers deliver them in (with 2 jobs it varies from run to run)."""
    from extract.audit.corpus import digest

    a = _flags(tmp_path, "石桥区社区工作总结\n石桥区共有21个社区。\n", "a.txt")
    copy = _flags(tmp_path, "石桥区社区工作总结\n石桥区共有21个社区。\n", "d_copy.txt")
    other = _flags(tmp_path, "石桥区民政工作汇报\n石桥区共有23个社区。\n", "c.txt")
    runs = []
    for order in ([a, copy, other], [copy, a, other], [other, copy, a]):
        index = CorpusIndex()
        for r in order:
            index.add_digest(digest(r), r.document.text)
        runs.append(sorted((f.source, f.message) for f in index.finish()))
    assert runs[0] and runs[0] == runs[1] == runs[2]
