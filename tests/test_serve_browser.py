"""`shequ serve` in a real browser: Debian's Chromium, driven by Playwright, against the command
itself running on a loopback port. It opens a document, dismisses a flag with a reason, reloads
and sees the decision; a `<script>` in the report shows as text and never runs."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from extract.cli import main

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INJECTED = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"
REPORT = ("青石街道2021年社区建设工作总结\n青石街道下辖10个社区，其中城市社区6个、农村社区5个。\n"
          f"有居民在留言中写道：{INJECTED}，社区及时作了答复。\n全年投入经费120万元。\n")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(_chromium() is None, reason="no Chromium (apt-get install chromium) to run the browser test"),
    pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed (pip install -e '.[test]')"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`shequ serve` on a run of one report, in its own process; its base URL."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--no-report", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "extract", "serve", str(out), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=10) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"shequ serve did not start: {proc.stdout.read().decode(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_dismiss_a_flag_in_a_real_browser(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(server + "/")
            page.get_by_role("link", name="青石街道2021年社区建设工作总结").click()
            page.wait_for_url("**/doc/*")
            flag = page.locator(".flag", has_text="分项之和与总数不符")
            assert flag.locator(".dec").inner_text() == "待审核"
            flag.locator("textarea[name=note]").fill("城市社区应为5个，原文笔误，不作为问题")
            flag.locator("input[name=reviewer]").fill("浏览器审核")
            flag.locator("button[value=dismiss]").click()
            page.wait_for_url("**saved=*")
            page.reload()
            flag = page.locator(".flag", has_text="分项之和与总数不符")
            assert flag.locator(".dec").inner_text() == "已驳回"
            assert "城市社区应为5个，原文笔误，不作为问题" in flag.locator(".history").inner_text()
            assert "浏览器审核" in flag.locator(".history").inner_text()
            # the report's <script> is shown as text and did not run
            assert INJECTED in page.locator("#text").inner_text()
            assert page.evaluate("document.documentElement.getAttribute('data-pwned')") is None
            assert page.evaluate("document.scripts.length") == 0
            # another browser (its own cookies) sees the decision: it is on the server, in reviews
            other = browser.new_context().new_page()
            other.goto(page.url.split("?")[0])
            assert other.locator(".flag .dec").first.inner_text() == "已驳回"
            other.goto(server + "/?review=dismissed")
            assert other.get_by_role("link", name="青石街道2021年社区建设工作总结").count() == 1
        finally:
            browser.close()
