#!/usr/bin/env python3
"""The report's index at scale: its size, and how long headless Chromium takes to open it, sort it
and search it.

    python bench/report_index.py --docs 2000              # an index of N generated rows
    python bench/report_index.py --index OUT/report/index.html

Each load is `chromium --headless --dump-dom` of the page (plain, `#sort=flags-desc`,
`#q=…`, `#status=error`), timed from the outside; the difference to the plain load is what the
script costs. Prints the size, the times, and one machine-readable line."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic(path: Path, n: int) -> None:
    from extract.report import index_page

    rows = [{"source": f"/data/reports/{i % 37:02d}/r{i:05d}.pdf", "doc_id": f"{i:016x}",
             "status": "error" if i % 50 == 0 else "ok", "title": f"Report {i:05d}", "error": "",
             "chars": 9000, "page": f"doc-{i:016x}.html", "figures": (i * 13) % 120, "claims": i % 15,
             "flags": (i * 7) % 23} for i in range(n)]
    path.write_text(index_page(rows, {"sum_mismatch": n // 3, "near_duplicate": n}, [("a", 1.0)]), encoding="utf-8")


def script_ms(dom: str) -> float:
    """What the index's script spent on the page (it records it in body's data-ms)."""
    import re

    m = re.search(r'data-ms="([\d.]+)"', dom)
    return float(m.group(1)) if m else float("nan")


def load(browser: str, url: str, profile: Path, runs: int = 3) -> tuple[float, str]:
    best, dom = float("inf"), ""
    for _ in range(runs):
        t = time.perf_counter()
        dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync",
                              f"--user-data-dir={profile}", "--dump-dom", url],
                             capture_output=True, text=True, timeout=300).stdout
        best = min(best, time.perf_counter() - t)
    return best, dom


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--index", type=Path, default=None)
    a = ap.parse_args()
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        sys.exit("no chromium")
    with tempfile.TemporaryDirectory() as tmp:
        index = a.index
        if index is None:
            index = Path(tmp) / "index.html"
            synthetic(index, a.docs)
        rows = index.read_text(encoding="utf-8").count("<tr data-status")
        size = index.stat().st_size
        url = index.resolve().as_uri()
        profile = Path(tmp) / "profile"
        plain, dom = load(browser, url, profile)
        assert 'data-ready="1"' in dom, "the script did not run"
        ms = {"open": script_ms(dom)}
        sort, dom = load(browser, url + "#sort=flags-desc", profile)
        ms["sort"] = script_ms(dom)
        search, dom = load(browser, url + "#q=r0001", profile)
        ms["search"] = script_ms(dom)
        status, dom = load(browser, url + "#status=error", profile)
        ms["status"] = script_ms(dom)
    print(f"index: {rows} documents, {size / 1024:.0f} KB")
    print(f"headless Chromium, best of 3, whole command: open {plain:.2f} s, open and sort by flags {sort:.2f} s, "
          f"open and search {search:.2f} s, open and filter by status {status:.2f} s")
    print(f"the script itself: {ms['open']:.0f} ms on opening, {ms['sort']:.0f} ms sorting by flags, "
          f"{ms['search']:.0f} ms searching, {ms['status']:.0f} ms filtering by status")
    print(f"rows={rows} kb={size / 1024:.0f} open_s={plain:.2f} sort_s={sort:.2f} search_s={search:.2f} "
          f"status_s={status:.2f} script_open_ms={ms['open']:.0f} script_sort_ms={ms['sort']:.0f} "
          f"script_search_ms={ms['search']:.0f} script_status_ms={ms['status']:.0f}")


if __name__ == "__main__":
    main()
