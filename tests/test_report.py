"""The HTML report: written for every run, escaped, and checked in a real headless Chromium."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from extract.cli import main

INJECTED = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture
def run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "某街道社区建设工作总结\n某街道下辖10个社区，其中城市社区6个、农村社区5个。\n"
        f"有居民在留言中写道：{INJECTED}，社区及时作了答复。\n全年投入经费120万元。\n", encoding="utf-8")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)  # damaged
    out = tmp_path / "out"
    CliRunner().invoke(main, ["extract", str(folder), "-o", str(out)])
    return out


def test_report_pages_are_written_and_escaped(run):
    index = (run / "report" / "index.html").read_text(encoding="utf-8")
    assert "某街道社区建设工作总结" in index and "bad.pdf" in index
    pages = list((run / "report").glob("doc-*.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "class='flagged'" in page and "sum_mismatch" in page
    assert "http://" not in page and "https://" not in page  # self-contained


def _dump_dom(browser: str, url: str, tmp_path) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(_chromium() is None, reason="no Chromium (apt-get install chromium) to run the browser test")
def test_report_in_a_real_browser(run, tmp_path):
    page = next((run / "report").glob("doc-*.html"))
    dom = _dump_dom(_chromium(), page.as_uri(), tmp_path)
    assert "<mark class=\"flagged\"" in dom  # the figures of the sum_mismatch flag are highlighted
    assert "data-pwned" in dom  # the injected text is shown as text …
    assert "data-pwned=\"1\"" not in dom.split("<body")[0]  # … and never ran
    assert "&lt;script&gt;" in dom
    index = _dump_dom(_chromium(), (run / "report" / "index.html").as_uri(), tmp_path)
    assert "<svg" in index and "sum_mismatch" in index


def test_codes_are_shown_by_their_chinese_label_with_the_code_as_tooltip(run):
    from extract import vocab

    page = next((run / "report").glob("doc-*.html")).read_text(encoding="utf-8")
    check = vocab.label("check", "sum_mismatch")
    assert f"<span title='sum_mismatch'>{check}</span>" in page
    assert f"<span title='warning'>{vocab.label('severity', 'warning')}</span>" in page \
        or f"<span title='error'>{vocab.label('severity', 'error')}</span>" in page
    index = (run / "report" / "index.html").read_text(encoding="utf-8")
    assert f"<span title='ok'>{vocab.label('document_status', 'ok')}</span>" in index
    assert "Noto Sans CJK SC" in index and "WenQuanYi" in index  # a CJK font stack


def _figure(value, text, sentence, role="", subject=""):
    from extract.records import Figure

    return Figure("a.txt", "d", 1, sentence.find(text), sentence.find(text) + len(text), text, "money", "funding",
                  value, None, "CNY", "", None, subject=subject, role=role, sentence=sentence)


def test_the_funding_chart_sums_stated_totals_not_every_money_figure():
    from extract.report import funding_total
    from extract.resources import load_toml

    cue = load_toml("report.toml")["funding"]["total_cues"][1]
    part = load_toml("report.toml")["funding"]["part_markers"][0]
    s1 = f"全年{cue}1.2亿元，{part}市级6000万元、区级6000万元。"
    s2 = "经费由50万元增加到80万元。"
    s3 = f"再次重申，全年{cue}1.2亿元。"
    s4 = "计划投入3000万元。"
    figs = [_figure(1.2e8, "1.2亿元", s1), _figure(6e7, "6000万元", s1), _figure(6e7, "6000万元", s1),
            _figure(5e5, "50万元", s2, role="before"), _figure(8e5, "80万元", s2, role="after"),
            _figure(1.2e8, "1.2亿元", s3), _figure(3e7, "3000万元", s4, role="target")]
    assert funding_total(figs) == 1.2e8  # the stated total, once; not 2.4亿 nor every figure
    # without a stated total: the distinct values, parts, before-values and targets left out
    assert funding_total(figs[3:5] + figs[6:]) == 8e5


def _index_dom(browser, index, fragment, tmp_path):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
           index.as_uri() + fragment]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(_chromium() is None, reason="no Chromium (apt-get install chromium) to run the browser test")
def test_the_index_sorts_and_searches_in_a_real_browser(tmp_path):
    import re

    from extract.report import index_page

    rows = [{"source": f"in/r{i:02d}.txt", "doc_id": f"{i:016x}", "status": "error" if i % 5 == 0 else "ok",
             "title": f"报告{i:02d}", "error": "damaged" if i % 5 == 0 else "", "chars": 10, "page": "",
             "figures": i, "claims": 0, "flags": (i * 7) % 11} for i in range(40)]
    index = tmp_path / "index.html"
    index.write_text(index_page(rows, {"sum_mismatch": 3}, []), encoding="utf-8")
    dom = _index_dom(_chromium(), index, "#sort=flags-desc", tmp_path)
    assert 'data-ready="1"' in dom  # the script ran: the CSP hash matches it
    flags = [int(m) for m in re.findall(r"<td class=\"n\">\d+</td><td class=\"n\">\d+</td><td class=\"n\">(\d+)</td>", dom)]
    assert len(flags) == 40 and flags == sorted(flags, reverse=True)
    dom = _index_dom(_chromium(), index, "#q=r07", tmp_path)
    assert dom.count("<tr data-status") == 40 and dom.count("hidden=\"\"") == 39
    dom = _index_dom(_chromium(), index, "#status=error", tmp_path)
    assert dom.count("hidden=\"\"") == 32 and "<span id=\"shown\">8</span>" in dom
