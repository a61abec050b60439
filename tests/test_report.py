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
