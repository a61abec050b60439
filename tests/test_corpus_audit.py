"""The cross-document audit as an auditor reads it: identical copies under other names, clusters of
template-made reports (templates.csv), measures of places by year (history.csv), changes that
disagree with the place's earlier report, and a store of the previous schema migrated."""
from __future__ import annotations

import csv
import sqlite3

import numpy as np

import extract
from extract.audit.corpus import CorpusIndex
from extract.bulk import RunOptions, iter_inputs, run
from extract.bulk.store import SCHEMA_VERSION

BODY = ("{place}坚持把服务阵地建设作为打基础、利长远的工作来抓，逐年加大投入，服务功能不断完善。\n"
        "我们组织社区工作者分批参加业务轮训，推行一窗受理、全科服务，居民办事更加方便快捷。\n"
        "依托新时代文明实践站开展邻里节、百家宴等活动，居民之间走动多了，矛盾纠纷明显减少。\n"
        "下一步，我们将继续聚焦群众急难愁盼问题，补齐服务短板，推动社区治理再上新台阶。\n")
OTHER = ("{place}把网格作为基层治理的基本单元，全域划分综合网格并明确网格长，责任落实到每一个人。\n"
         "建立信息采集、问题上报、分流处置和结果反馈的闭环流程，群众反映的问题得到及时回应。\n"
         "整合综治、城管和市场监管等部门力量下沉网格，执法服务资源向一线集中，效率明显提高。\n"
         "开发网格员移动工作平台，走访记录、隐患上报和政策宣传一键完成，基层减负成效明显。\n")


def _write(folder, name, text, encoding="utf-8"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))
    return folder / name


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _run(folder, out, **kw):
    run(iter_inputs((folder,)), out, RunOptions(jobs=1, report=kw.pop("report", False), **kw))
    return _rows(out / "flags.csv")


# --- identical copies --------------------------------------------------------------------------

def test_renamed_copies_get_one_flag_per_file_naming_all_the_others(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    text = "柳湾街道2023年社区建设工作总结\n柳湾街道下辖9个社区，常住人口5.6万人。\n" + BODY.format(place="柳湾街道")
    names = ["a_report.txt", "b_copy.txt", "c_renamed.txt"]
    for n in names:
        _write(folder, n, text)
    _write(folder, "d_gbk.txt", text, "gbk")  # other bytes (another doc_id), the same text
    _write(folder, "e_other.txt", "白沙镇2023年社区建设工作总结\n" + OTHER.format(place="白沙镇"))
    flags = _run(folder, out, report=True)
    copies = [f for f in flags if f["check"] == "identical_copy"]
    files = [str(folder / n) for n in names + ["d_gbk.txt"]]
    assert sorted(f["source"] for f in copies) == files  # one per file, none for the other report
    for f in copies:
        others = [s for s in files if s != f["source"]]
        assert all(s in f["message"] for s in others) and f["source"] not in f["message"]
        assert f["other_source"] == others[0] and f["other_doc_id"]
        assert f["evidence"] == "柳湾街道2023年社区建设工作总结"  # the title line, the same in every copy
        text = (out / "text" / f"{f['doc_id']}.txt").read_text(encoding="utf-8")
        assert text[int(f["start"]):int(f["end"])] == f["evidence"]
    docs = {r["source"]: r["doc_id"] for r in _rows(out / "documents.csv")}
    assert len({docs[s] for s in files}) == 2  # the GBK file has its own content hash
    clusters = [r for r in _rows(out / "templates.csv")]
    assert sorted(r["source"] for r in clusters) == files and {r["cluster"] for r in clusters} == {"1"}
    assert {r["copies"] for r in clusters} == {"3"} and {r["shared"] for r in clusters} == {"1"}
    # the shared page of the byte-identical copies, and the index, count each copy's own flag once
    page = (out / "report" / f"doc-{docs[files[0]]}.html").read_text(encoding="utf-8")
    assert page.count("b_copy.txt、") + page.count("b_copy.txt。") == 1
    db = sqlite3.connect(out / "shequ.sqlite")
    counts = dict(db.execute("SELECT check_name, count(*) FROM flags WHERE cross_doc=1 GROUP BY check_name"))
    assert counts == {"identical_copy": 4}


def test_identical_copies_in_any_order_give_the_same_flags(tmp_path):
    from extract.audit.corpus import digest

    text = "石桥区社区工作总结\n石桥区共有21个社区。\n" + BODY.format(place="石桥区")
    results = [extract.process_file(_write(tmp_path, n, text)) for n in ("z.txt", "a.txt", "m.txt")]
    runs = []
    for order in (results, results[::-1]):
        index = CorpusIndex()
        for r in order:
            index.add_digest(digest(r), r.document.text)
        runs.append(sorted((f.source, f.check, f.message, f.other_source) for f in index.finish()))
    assert runs[0] == runs[1] and [r[1] for r in runs[0]] == ["identical_copy"] * 3


# --- templates ---------------------------------------------------------------------------------

def test_a_template_corpus_gives_one_flag_per_report_and_lists_its_clusters(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    places = ["青石街道", "柳湾街道", "桂园街道", "松岗镇", "石门街道"]
    for i, place in enumerate(places):
        _write(folder, f"a{i}.txt", f"{place}社区建设工作总结\n{place}下辖{8 + i}个社区。\n" + BODY.format(place=place))
        _write(folder, f"b{i}.txt", f"{place}网格化治理经验材料\n全域划分网格{30 + i}个。\n" + OTHER.format(place=place))
    _write(folder, "u.txt", "白沙镇农业生产总结\n" + "全镇粮食播种面积稳定，水利设施持续改善，农民收入稳步增长，春耕备耕有序推进。\n" * 3)
    flags = [f for f in _run(folder, out) if f["check"] == "near_duplicate" and f["other_source"]]  # not u's own
    by_source = {}
    for f in flags:
        by_source.setdefault(f["source"], []).append(f)
    assert len(by_source) == 10 and all(len(fs) == 1 for fs in by_source.values())
    clusters = {}
    for r in _rows(out / "templates.csv"):
        clusters.setdefault(r["cluster"], set()).add(r["source"].rsplit("/", 1)[1][0])
        assert r["closest_source"] and r["closest_source"] != r["source"] and r["size"] == "5"
        assert 0.5 < float(r["shared"]) < 1 and 0 < float(r["similarity"]) <= 1
    assert sorted(clusters.values(), key=sorted) == [{"a"}, {"b"}]  # two templates; the unique report in none
    for source, [f] in by_source.items():
        partner = next(r for r in _rows(out / "templates.csv") if r["source"] == source)["closest_source"]
        assert f["other_source"] == partner and partner in f["message"]


def test_lsh_buckets_keep_a_bounded_number_of_representatives():
    from extract.audit.minhash import BANDS, LSH

    lsh = LSH(per_bucket=3)
    sig = np.arange(64, dtype=np.uint32)
    for i in range(50):
        lsh.add(f"copy{i}", sig)
    assert lsh.candidates(sig) == {"copy0", "copy1", "copy2"}
    assert all(len(b) <= 3 for b in lsh.buckets.values()) and len(lsh.buckets) == BANDS


# --- years ------------------------------------------------------------------------------------

def test_the_same_measure_in_reports_of_different_years_is_a_history(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    for year, n, people in ((2021, 18, 4.8), (2022, 21, 5.1), (2023, 24, 5.3)):
        _write(folder, f"qs{year}.txt", f"青石区{year}年社区建设工作总结\n青石区共有{n}个社区，常住人口{people}万人。\n")
    _write(folder, "qs2023b.txt", "青石区2023年民政工作汇报\n青石区共有25个社区。\n")  # same year, other value
    # last year's value, as one of that year's reports gave it: no conflict
    _write(folder, "qs2024.txt", "青石区2024年社区建设工作总结\n去年底，青石区共有24个社区。\n")
    flags = _run(folder, out)
    conflicts = [f for f in flags if f["check"] == "cross_doc_conflict"]
    assert [(f["source"].rsplit("/", 1)[1], f["other_source"].rsplit("/", 1)[1]) for f in conflicts] == \
        [("qs2023b.txt", "qs2023.txt")]
    assert "2023年" in conflicts[0]["message"] and "25" in conflicts[0]["message"]
    history = [(r["entity"], r["measure"], r["year"], r["value"]) for r in _rows(out / "history.csv")]
    counts = [h for h in history if h[1] == "社区数"]
    assert counts == [("青石区", "社区数", "2021", "18"), ("青石区", "社区数", "2022", "21"),
                      ("青石区", "社区数", "2023", "24"), ("青石区", "社区数", "2023", "25"),
                      ("青石区", "社区数", "2023", "24")]
    assert [r["year_from"] for r in _rows(out / "history.csv") if r["source"].endswith("qs2024.txt")] == ["relative"]
    assert ("青石区", "常住人口", "2022", "51000") in history
    db = sqlite3.connect(out / "shequ.sqlite")
    assert db.execute("SELECT count(*) FROM history WHERE measure=?", ("社区数",)).fetchone()[0] == 5


def test_a_claimed_change_that_disagrees_with_the_earlier_report_is_flagged(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    _write(folder, "y2021.txt", "柳湾街道2021年社区工作总结\n柳湾街道共有7个社区，常住人口3.2万人。\n")
    _write(folder, "y2022.txt", "柳湾街道2022年社区工作总结\n柳湾街道共有8个社区，常住人口3.5万人。\n")
    # last year's report said 8 communities; this one starts its change from 10
    _write(folder, "y2023.txt", "柳湾街道2023年社区工作总结\n一年来，柳湾街道社区由10个增加到11个，治理单元更加精细。\n"
                                "柳湾街道常住人口由2021年的3.2万人增加到3.8万人。\n")
    # a change that agrees with last year's report is no finding
    _write(folder, "z2023.txt", "石门街道2023年社区工作总结\n石门街道社区由5个增加到6个。\n")
    _write(folder, "z2022.txt", "石门街道2022年社区工作总结\n石门街道共有5个社区。\n")
    flags = [f for f in _run(folder, out) if f["check"] == "change_conflict"]
    assert len(flags) == 1, flags
    rows = {(r["entity"], r["measure"], r["year"], r["value"]) for r in _rows(out / "history.csv")}
    assert {("石门街道", "社区数", "2022", "5"), ("石门街道", "社区数", "2023", "6")} <= rows  # compared, and agreed
    [f] = flags
    assert f["source"].endswith("y2023.txt") and f["other_source"].endswith("y2022.txt")
    assert f["severity"] == "info" and "2022年" in f["message"] and "10" in f["message"] and "8" in f["message"]
    assert f["evidence"].startswith("一年来")
    history = {(r["measure"], r["year"], r["value"], r["year_from"]) for r in _rows(out / "history.csv")
               if r["entity"] == "柳湾街道"}
    assert ("社区数", "2023", "11", "change") in history and ("常住人口", "2021", "32000", "change") in history


def test_a_change_from_a_stated_year_is_compared_with_that_years_report(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    _write(folder, "a2020.txt", "桂园街道2020年社区工作总结\n桂园街道共有12个社区。\n")
    _write(folder, "a2023.txt", "桂园街道2023年社区工作总结\n桂园街道社区由2020年的14个增加到16个。\n")
    [f] = [f for f in _run(folder, out) if f["check"] == "change_conflict"]
    assert f["severity"] == "warning" and "2020年" in f["message"] and f["other_source"].endswith("a2020.txt")


# --- the store of the previous schema ---------------------------------------------------------------

def test_a_store_of_the_previous_schema_is_migrated_in_place(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    text = "柳湾街道2022年社区工作总结\n柳湾街道共有8个社区。\n" + BODY.format(place="柳湾街道")
    _write(folder, "a.txt", text)
    _write(folder, "b.txt", text)
    _run(folder, out)
    db = sqlite3.connect(out / "shequ.sqlite")  # make it what schema 2 wrote
    for table, column in (("flags", "other_source"), ("flags", "other_doc_id"), ("digests", "year"),
                          ("digests", "text_hash"), ("digests", "changes")):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for index in db.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN ('templates', 'history')"
                            ).fetchall():
        db.execute(f"DROP INDEX {index[0]}")
    db.execute("DROP TABLE templates")
    db.execute("DROP TABLE history")
    db.execute("DELETE FROM flags WHERE cross_doc=1")
    db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, note TEXT)")
    db.execute("INSERT INTO reviews (note) VALUES ('kept')")
    db.commit()
    db.close()
    (out / "templates.csv").unlink()
    flags = _run(folder, out)  # nothing changed in the files: nothing is read again
    db = sqlite3.connect(out / "shequ.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert db.execute("SELECT count(*) FROM digests WHERE text_hash IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT note FROM reviews").fetchall() == [("kept",)]
    assert sorted(f["check"] for f in flags) == ["identical_copy", "identical_copy"]
    assert {r["source"].rsplit("/", 1)[1] for r in _rows(out / "templates.csv")} == {"a.txt", "b.txt"}
    assert [r["value"] for r in _rows(out / "history.csv")] == ["8"]


# --- the data of the checks across years ----------------------------------------------------------

def test_the_examples_of_years_and_changes_in_audit_toml():
    from extract.audit import history
    from extract.records import Document
    from extract.resources import load_toml

    data = load_toml("audit.toml")
    for title, year in data["years"]["examples"]["titles"]:
        assert history.document_year(Document("x", "x", "txt", "ok", title=title)) == year, title
    for text, year in data["years"]["examples"]["dates"]:
        assert history.document_year(Document("x", "x", "txt", "ok", title="汇报", text=text)) == year, text
    for words, entity, kind, unit, measure in data["changes"]["examples"]["measures"]:
        quantity = "count" if kind.endswith("_count") else "money"
        assert history.measure_named(words, entity, quantity, kind, unit) == measure, words


# --- the review app shows the other side --------------------------------------------------------

def test_the_review_app_links_a_finding_to_the_other_report_and_reads_a_schema_2_store(tmp_path):
    import pytest

    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from extract.serve.app import create_app

    folder, out = tmp_path / "in", tmp_path / "out"
    for i, place in enumerate(["青石街道", "柳湾街道"]):
        _write(folder, f"a{i}.txt", f"{place}社区建设工作总结\n{place}下辖{8 + i}个社区。\n" + BODY.format(place=place))
    _run(folder, out, report=True)
    docs = {r["source"].rsplit("/", 1)[1]: r["doc_id"] for r in _rows(out / "documents.csv")}
    static = (out / "report" / f"doc-{docs['a0.txt']}.html").read_text(encoding="utf-8")
    assert f"href='doc-{docs['a1.txt']}.html'" in static  # the report page links the closest partner
    page = TestClient(create_app(out), base_url="http://127.0.0.1").get(f"/doc/{docs['a0.txt']}")
    assert page.status_code == 200 and f'href="/doc/{docs["a1.txt"]}"' in page.text
    db = sqlite3.connect(out / "shequ.sqlite")  # the flags of a folder schema 2 wrote, not yet rerun
    db.execute("ALTER TABLE flags DROP COLUMN other_source")
    db.execute("ALTER TABLE flags DROP COLUMN other_doc_id")
    db.commit()
    db.close()
    page = TestClient(create_app(out), base_url="http://127.0.0.1").get(f"/doc/{docs['a0.txt']}")
    assert page.status_code == 200 and "a1.txt" in page.text and f'href="/doc/{docs["a1.txt"]}"' not in page.text


def test_a_digest_keeps_its_year_text_hash_and_changes_through_the_store(tmp_path):
    from extract.audit.corpus import digest
    from extract.bulk.store import digest_of, digest_row

    r = extract.process_file(_write(tmp_path, "a.txt", "石门街道2023年社区工作总结\n石门街道社区由2021年的5个增加到7个。\n"
                                                       + BODY.format(place="石门街道")))
    made = digest(r)
    back = digest_of(digest_row(made))
    assert made.year == back.year == "2023" and made.text_hash and back.text_hash == made.text_hash
    [(entity, measure, before, after)] = back.changes
    assert (entity, measure, before.value, before.year, after.value, after.year) == ("石门街道", "社区数", 5, "2021", 7, "")
    assert back.changes == made.changes
