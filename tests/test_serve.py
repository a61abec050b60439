"""`shequ serve`: the review app through its test client, its store (read-only but for
`reviews`), reviews across reruns, the export of confirmed findings, and the command's checks."""
from __future__ import annotations

import base64
import csv
import io
import re
import shutil
import socket
import sqlite3

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")

from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from extract.cli import main  # noqa: E402
from extract.serve import build, is_loopback  # noqa: E402
from extract.serve.app import create_app  # noqa: E402
from extract.serve.db import Filters, ReviewStore  # noqa: E402
from extract.serve.excel import excel_safe  # noqa: E402
from extract.serve.keys import flag_key  # noqa: E402
from extract.serve.labels import labels  # noqa: E402

from helpers import ROOT  # noqa: E402

INJECTED = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"
A = ("青石街道2021年社区建设工作总结\n青石街道下辖10个社区，其中城市社区6个、农村社区5个。\n"
     f"有居民在留言中写道：{INJECTED}，社区及时作了答复。\n全年投入经费120万元。\n")
B = ("桂园街道2022年养老服务工作汇报\n桂园街道建成助餐点由40个增加到60个，增长了60%。\n"
     "全街道社区工作者100名，其中持证社工30名，持证率30%。\n")


def extract_into(folder, out, *extra):
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--no-report", "--jobs", "1", *extra])
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run of two reports with flags (one holding a <script>) and a damaged PDF."""
    base = tmp_path_factory.mktemp("serve")
    folder = base / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(A, encoding="utf-8")
    (folder / "b.txt").write_text(B, encoding="utf-8")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4\nbroken")
    extract_into(folder, base / "out")
    return base


@pytest.fixture
def out(run_dir, tmp_path):
    """A private copy of the run (tests that write reviews do not see each other)."""
    shutil.copytree(run_dir / "out", tmp_path / "out")
    return tmp_path / "out"


def client(out, **kw) -> TestClient:
    return TestClient(create_app(out, **kw), base_url="http://127.0.0.1")


def doc_ids(out) -> dict[str, str]:
    with sqlite3.connect(out / "shequ.sqlite") as db:
        return {t: d for t, d in db.execute("SELECT title, doc_id FROM documents WHERE status='ok'")}


def form_of(html: str, check_label: str) -> dict:
    """The csrf token and flag key of the review form of the flag with this check label."""
    block = next(b for b in html.split("<div class=\"flag\"")[1:] if check_label in b)
    return {"csrf": re.search(r'name="csrf" value="(\w+)"', block).group(1),
            "key": re.search(r'name="key" value="(\w+)"', block).group(1)}


def flag_block(html: str, key: str) -> str:
    return html.split(f'id="k-{key}"', 1)[1].split("<div class=\"flag\"", 1)[0]


def review(c, doc_id, check_label, action, note="", reviewer="李审核", **override):
    page = c.get(f"/doc/{doc_id}").text
    data = dict(form_of(page, check_label), action=action, note=note, reviewer=reviewer, **override)
    return c.post(f"/doc/{doc_id}/review", data=data, follow_redirects=False), data["key"]


SUM = labels()["checks"]["sum_mismatch"]
GROWTH = labels()["checks"]["growth_mismatch"]
THRESHOLD = labels()["checks"]["below_threshold"]


# --- keys, cells, labels --------------------------------------------------------------------------

def test_flag_key_is_made_of_content_hash_check_and_offsets():
    key = flag_key("017a481f26179512", "sum_mismatch", 103, 199, "133-138;145-147")
    assert re.fullmatch(r"[0-9a-f]{16}", key)
    assert key == flag_key("017a481f26179512", "sum_mismatch", 103, 199, "145-147;133-138")  # order of figures
    others = {flag_key("017a481f26179513", "sum_mismatch", 103, 199, "133-138;145-147"),
              flag_key("017a481f26179512", "percent_mismatch", 103, 199, "133-138;145-147"),
              flag_key("017a481f26179512", "sum_mismatch", 104, 199, "133-138;145-147"),
              flag_key("017a481f26179512", "sum_mismatch", 103, 198, "133-138;145-147"),
              flag_key("017a481f26179512", "sum_mismatch", 103, 199, "133-138")}
    assert key not in others and len(others) == 5


def test_excel_safe_neutralises_formulas_and_keeps_numbers():
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert excel_safe(text) == "'" + text
    for value in ("青石街道", "1200万元", "", 5, -3.5, 0, None):
        assert excel_safe(value) == value


def test_every_check_severity_and_status_has_a_chinese_label():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    audit = readme.split("## Audit", 1)[1].split("\n## ", 1)[0]
    checks = set(re.findall(r"^\| `(\w+)` \|", audit, re.M))
    assert len(checks) >= 7
    assert checks <= set(labels()["checks"])
    assert {"error", "warning", "info"} <= set(labels()["severities"])
    assert {"ok", "error", "unsupported", "no_text_layer", "empty"} <= set(labels()["statuses"])
    assert {"open", "confirmed", "dismissed"} <= set(labels()["decisions"])


# --- the store: read-only but for reviews -----------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "INSERT INTO flags (doc_id, check_name) VALUES ('x', 'y')",
    "UPDATE flags SET message = 'changed'",
    "DELETE FROM documents",
    "DROP TABLE figures",
    "CREATE TABLE extra (a)",
    "ALTER TABLE flags ADD COLUMN extra TEXT",
    "CREATE TRIGGER t AFTER INSERT ON reviews BEGIN DELETE FROM flags; END",
    "PRAGMA journal_mode = DELETE",
    "ATTACH DATABASE ':memory:' AS other",
    "DELETE FROM files",
])
def test_the_apps_connection_cannot_change_what_a_run_wrote(out, statement):
    store = ReviewStore(out)
    before = sqlite3.connect(out / "shequ.sqlite").execute("SELECT count(*) FROM flags").fetchone()[0]
    db = store.connect()
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        db.execute(statement)
    db.close()
    after = sqlite3.connect(out / "shequ.sqlite").execute("SELECT count(*) FROM flags").fetchone()[0]
    assert before == after == 3


def test_the_apps_connection_writes_reviews(out):
    store = ReviewStore(out)
    store.add_review("k1", "d1", "sum_mismatch", "confirmed", "", "王")
    store.add_review("k1", "d1", "sum_mismatch", "dismissed", "理由", "李")
    assert [(r.decision, r.reviewer) for r in store.history("k1")] == [("confirmed", "王"), ("dismissed", "李")]
    with pytest.raises(ValueError):
        store.add_review("k1", "d1", "sum_mismatch", "maybe", "", "王")


def test_serving_a_folder_without_a_run_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path)])
    assert result.exit_code == 1
    assert "shequ.sqlite not found" in result.output and "shequ extract" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    (tmp_path / "shequ.sqlite").write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(main, ["serve", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- pages ---------------------------------------------------------------------------------------

def test_documents_table_lists_filters_sorts_and_searches(out):
    c = client(out)
    ids = doc_ids(out)
    page = c.get("/").text
    assert "3 份符合条件" in page and "bad.pdf" in page
    assert f"/doc/{ids['青石街道2021年社区建设工作总结']}" in page
    assert page.count('<a href="/doc/') == 2  # the damaged PDF has no page

    def titles(query):
        return re.findall(r'<a href="/doc/\w+">([^<]+)</a>', c.get("/" + query).text)

    assert titles("?place=桂园街道") == ["桂园街道2022年养老服务工作汇报"]
    assert titles("?year=2021") == ["青石街道2021年社区建设工作总结"]
    assert titles("?check=growth_mismatch") == ["桂园街道2022年养老服务工作汇报"]
    assert titles("?severity=info") == ["桂园街道2022年养老服务工作汇报"]
    assert titles("?severity=error") == ["青石街道2021年社区建设工作总结", "桂园街道2022年养老服务工作汇报"]  # by file
    assert "1 份符合条件" in c.get("/?status=error").text
    assert titles("?q=助餐点") == ["桂园街道2022年养老服务工作汇报"]  # found in a flag's evidence
    assert titles("?q=青石") == ["青石街道2021年社区建设工作总结"]
    assert titles("?q=%25") == ["桂园街道2022年养老服务工作汇报"]  # LIKE wildcards are searched for as text (60%)
    assert titles("?q=_") == [] and "0 份符合条件" in c.get("/?q=_").text
    assert titles("?sort=flags&dir=desc") == ["桂园街道2022年养老服务工作汇报", "青石街道2021年社区建设工作总结"]
    assert titles("?sort=flags&dir=asc") == ["青石街道2021年社区建设工作总结", "桂园街道2022年养老服务工作汇报"]
    assert titles("?sort=title&dir=desc") == sorted(titles("?sort=title&dir=desc"), reverse=True)
    # the review state filter follows the decisions
    assert titles("?review=open") == titles("")
    review(c, ids["青石街道2021年社区建设工作总结"], SUM, "confirm")
    assert titles("?review=confirmed") == titles("?review=done") == ["青石街道2021年社区建设工作总结"]
    assert titles("?review=open") == ["桂园街道2022年养老服务工作汇报"]
    assert titles("?review=none") == []


def test_documents_table_pages(out):
    docs, total = ReviewStore(out).documents(Filters(), page=2, page_size=2)
    assert total == 3 and [d["source"].rsplit("/", 1)[-1] for d in docs] == ["bad.pdf"]
    c = client(out, page_size=2)
    first = c.get("/").text
    assert "第 1 / 2 页" in first and "page=2" in first and "bad.pdf" not in first
    second = c.get("/?page=2").text
    assert "第 2 / 2 页" in second and "bad.pdf" in second


def test_document_page_shows_text_as_text_and_every_flag(out):
    c = client(out)
    r = c.get(f"/doc/{doc_ids(out)['青石街道2021年社区建设工作总结']}")
    assert r.status_code == 200
    body = r.text.split("<body>", 1)[1]
    assert "<script" not in body and "&lt;script&gt;document.documentElement" in body
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none': no script runs
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert SUM in body and "class='flagged'" in body  # the flag and its highlighted figures
    assert "其中各项之和6+5=11，与总数10不符。" in body
    assert c.get("/doc/0000000000000000").status_code == 404
    assert c.get("/nowhere").status_code == 404


def test_query_text_is_escaped(out):
    page = client(out).get("/", params={"q": "\"><script>alert(1)</script>"}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_flags_sharing_a_key_are_one_finding(out):
    doc_id = doc_ids(out)["桂园街道2022年养老服务工作汇报"]
    with sqlite3.connect(out / "shequ.sqlite") as db:  # two partners of one passage, as near_duplicate writes them
        source = db.execute("SELECT source FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        for partner in ("《甲》", "《乙》"):
            db.execute("INSERT INTO flags (source, doc_id, check_name, severity, message, figures, evidence, start_char,"
                       " end_char, cross_doc) VALUES (?, ?, 'near_duplicate', 'warning', ?, '', '段落', 0, 17, 1)",
                       (source, doc_id, f"与{partner}相似度90%"))
    items = ReviewStore(out).flags(doc_id)
    dup = [it for it in items if it.first.check == "near_duplicate"]
    assert len(items) == 3 and len(dup) == 1 and sorted(f.message for f in dup[0].flags) == ["与《乙》相似度90%", "与《甲》相似度90%"]


# --- reviews -------------------------------------------------------------------------------------

def test_confirm_dismiss_note_and_reopen(out):
    c = client(out)
    doc_id = doc_ids(out)["桂园街道2022年养老服务工作汇报"]
    r, key = review(c, doc_id, GROWTH, "dismiss", note="")
    assert r.status_code == 400 and labels()["messages"]["need_reason"] in r.text
    r, key = review(c, doc_id, GROWTH, "dismiss", note="口径不同：60%为计划数", reviewer="")
    assert r.status_code == 400 and labels()["messages"]["need_reviewer"] in r.text
    assert "口径不同：60%为计划数" in r.text  # what was typed is kept
    assert ReviewStore(out).history(key) == []
    r, key = review(c, doc_id, GROWTH, "dismiss", note="口径不同：60%为计划数")
    assert r.status_code == 303 and r.headers["location"].endswith(f"#k-{key}")
    block = flag_block(c.get(f"/doc/{doc_id}").text, key)
    assert 'data-decision="dismissed"' in block and "口径不同：60%为计划数" in block and "李审核" in block
    review(c, doc_id, GROWTH, "note", note="已电话核实")
    review(c, doc_id, THRESHOLD, "confirm", reviewer="王审核")
    page = c.get(f"/doc/{doc_id}").text
    assert 'data-decision="dismissed"' in flag_block(page, key)  # a note keeps the decision
    assert 'value="王审核"' in page  # the last reviewer's name fills the forms
    review(c, doc_id, GROWTH, "reopen")
    history = ReviewStore(out).history(key)
    assert [r.decision for r in history] == ["dismissed", "dismissed", "open"]
    assert [r.note for r in history] == ["口径不同：60%为计划数", "已电话核实", ""]
    assert 'data-decision="open"' in flag_block(c.get(f"/doc/{doc_id}").text, key)


def test_every_post_needs_the_csrf_token_of_its_browser(out):
    c = client(out)
    doc_id = doc_ids(out)["桂园街道2022年养老服务工作汇报"]
    page = c.get(f"/doc/{doc_id}").text
    good = dict(form_of(page, GROWTH), action="confirm", note="", reviewer="李")
    url = f"/doc/{doc_id}/review"
    assert c.post(url, data={k: v for k, v in good.items() if k != "csrf"}).status_code == 403
    assert c.post(url, data=dict(good, csrf="0" * 64)).status_code == 403
    other = client(out)  # another browser: its own cookie, so this page's token is worthless there
    other.get("/")
    assert other.post(url, data=good).status_code == 403
    assert c.post(url, data=good, headers={"origin": "http://evil.example"}).status_code == 403
    assert ReviewStore(out).history(good["key"]) == []
    assert c.post(url, data=dict(good, key="f" * 16)).status_code == 400  # no such flag
    assert c.post(url, data=dict(good, action="delete")).status_code == 400
    assert c.post(url, data=good, headers={"origin": "http://127.0.0.1"}, follow_redirects=False).status_code == 303
    assert len(ReviewStore(out).history(good["key"])) == 1


def test_host_header_must_name_this_machine(out):
    c = client(out)
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    assert c.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_reviews_survive_reruns_and_come_back_with_their_flag(run_dir, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(run_dir / "in", folder)
    out = tmp_path / "out"
    extract_into(folder, out)
    c = client(out)
    a_id = doc_ids(out)["青石街道2021年社区建设工作总结"]
    _, key = review(c, a_id, SUM, "confirm", note="总数应为11")

    def state():
        return re.search(r'data-decision="(\w+)"', flag_block(client(out).get(f"/doc/{a_id}").text, key)).group(1)

    extract_into(folder, out)  # an incremental rerun
    assert state() == "confirmed"
    extract_into(folder, out, "--full")  # every file processed again, every flag rewritten
    assert state() == "confirmed"
    assert ReviewStore(out).history(key)[0].note == "总数应为11"
    # the report changes: its hash and offsets, so the flag is a new one and the review waits
    (folder / "a.txt").write_text("前言。\n" + A, encoding="utf-8")
    extract_into(folder, out)
    assert a_id not in doc_ids(out).values()
    assert ReviewStore(out).totals()["orphaned"] == 1 and ReviewStore(out).totals()["confirmed"] == 0
    assert "1 条审核记录对应的提示已不在本次结果中" in client(out).get("/").text
    # … and the same flag reappears when the report is restored: the review is attached again
    (folder / "a.txt").write_text(A, encoding="utf-8")
    extract_into(folder, out, "--full")
    assert state() == "confirmed" and ReviewStore(out).totals()["orphaned"] == 0


# --- export --------------------------------------------------------------------------------------

def test_export_of_confirmed_findings_is_chinese_and_excel_safe(out):
    openpyxl = pytest.importorskip("openpyxl")
    c = client(out)
    ids = doc_ids(out)
    review(c, ids["桂园街道2022年养老服务工作汇报"], GROWTH, "confirm", note="=HYPERLINK(\"http://x\",\"点\")")
    review(c, ids["桂园街道2022年养老服务工作汇报"], THRESHOLD, "dismiss", note="地方标准不适用")
    review(c, ids["青石街道2021年社区建设工作总结"], SUM, "confirm", note="-核实无误")
    r = c.get("/export/confirmed.csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:3] == ["地点", "年份", "报告标题"] and "审核意见" in head and "问题说明" in head
    body = [dict(zip(head, row)) for row in rows[1:]]
    assert [b["检查项"] for b in body] == [GROWTH, SUM]  # dismissed findings are not exported; by place
    assert body[0]["级别"] == "错误" and body[0]["审核人"] == "李审核" and body[0]["年份"] == "2022"
    assert body[0]["审核意见"] == "'=HYPERLINK(\"http://x\",\"点\")" and body[1]["审核意见"] == "'-核实无误"

    r = c.get("/export/confirmed.xlsx", params={"place": "青石街道"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.title == labels()["export"]["sheet"]
    cells = [[cell for cell in row] for row in ws.iter_rows()]
    assert len(cells) == 2  # the filter of the documents table applies
    values = dict(zip([h.value for h in cells[0]], cells[1]))
    assert values["年份"].value == 2021 and values["年份"].data_type == "n"
    assert values["起始位置（字）"].data_type == "n" and values["检查项"].value == SUM
    assert values["审核意见"].value == "'-核实无误" and values["审核意见"].data_type == "s"
    assert c.get("/export/confirmed.pdf").status_code == 404


# --- the command ---------------------------------------------------------------------------------

def test_loopback_addresses():
    assert all(map(is_loopback, ["127.0.0.1", "127.3.4.5", "localhost", "::1", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.10", "::", "example.org"]))


def test_another_address_needs_a_password(out, monkeypatch):
    monkeypatch.delenv("SHEQU_PASSWORD", raising=False)
    result = CliRunner().invoke(main, ["serve", str(out), "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "--password" in result.output

    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.update(app=app, **kw))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["serve", str(out), "--host", "0.0.0.0", "--port", str(port)],
                                env={"SHEQU_PASSWORD": "s3cret"})
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0" and started["port"] == port
    assert "other machines" in result.output and "password" in result.output
    c = TestClient(started["app"], base_url="http://192.0.2.7")  # any Host name: the password guards
    assert c.get("/").status_code == 401
    assert c.get("/", auth=("王审核", "wrong")).status_code == 401
    r = c.get("/", auth=("王审核", "s3cret"))
    assert r.status_code == 200 and "社区建设报告审核" in r.text


def test_basic_auth_guards_every_page_and_names_the_reviewer(out):
    c = client(out, password="s3cret")
    doc_id = doc_ids(out)["桂园街道2022年养老服务工作汇报"]
    for path in ("/", f"/doc/{doc_id}", "/export/confirmed.csv"):
        r = c.get(path)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    bad = base64.b64encode(b"x:s3cre").decode()
    assert c.get("/", headers={"authorization": f"Basic {bad}"}).status_code == 401
    assert c.get("/", headers={"authorization": "Basic %%%"}).status_code == 401
    page = c.get(f"/doc/{doc_id}", auth=("赵审核", "s3cret")).text
    assert 'value="赵审核"' in page


def test_a_port_in_use_is_one_line(out):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        result = CliRunner().invoke(main, ["serve", str(out), "--port", str(s.getsockname()[1])])
    assert result.exit_code == 1 and "--port" in result.output and "Traceback" not in result.output


def test_any_loopback_address_serves_its_own_host_name(out):
    c = TestClient(build(out, host="127.0.0.2"), base_url="http://127.0.0.2:8000")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400


def test_build_refuses_without_password_before_touching_the_folder(tmp_path):
    from extract.serve import ServeError

    with pytest.raises(ServeError, match="password"):
        build(tmp_path / "nowhere", host="192.168.1.10")


def test_the_sample_run_is_served(tmp_path):
    from helpers import SAMPLES

    out = tmp_path / "outputs"
    extract_into(SAMPLES, out)
    c = client(out)
    index = c.get("/").text
    links = re.findall(r'<a href="(/doc/\w+)">', index)
    assert len(links) == len(list(SAMPLES.iterdir())) and "份符合条件" in index
    for link in links:
        page = c.get(link)
        assert page.status_code == 200 and "<div class=\"text\" id=\"text\">" in page.text
    assert c.get("/export/confirmed.xlsx").status_code == 200
