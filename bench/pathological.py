#!/usr/bin/env python3
"""Pathological inputs: build the hostile texts of issue 16 and time every stage on each.

    python bench/pathological.py                 # every case, full size
    python bench/pathological.py --case digits_8kb --case one_line_60mb
    python bench/pathological.py --scale 0.1     # every case at a tenth of its size

Cases: a 60 MB text of one line (the blind sets' report texts one after another; `unique_line_60mb`:
sentences recombined from their clauses with numbers varied, so that almost none repeats;
`dense_line_60mb`: with the samples, four times as dense in figures); 2 million mixed numerals (1万2千3百 …); a run of 8 KB of digits;
12 KB of 1万2千3百 repeated; one sentence of 1 MB; an HTML table of 100k cells; a PDF of 10k
pages. Each case runs `process_file` in a fresh process, which prints the CPU seconds, MB/s (of
the normalised text, and of the file for the whole function) and the peak RSS after each stage
(RSS is a high-water mark: a stage's figure is the peak reached by the end of it)."""
from __future__ import annotations

import argparse
import functools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

MB = 1_000_000


@functools.cache
def _prose(dense: bool = False) -> str:
    """Our own report texts, one paragraph after another, without site furniture: the blind sets,
    written in the shapes of real reports (a figure every ~117 characters, the real reports' ~140);
    `dense`: the samples too (a figure every ~26 characters)."""
    from extract.normalise import furniture_rules, is_furniture
    from reallike import own_texts

    rules = furniture_rules()
    paths = [p for p in own_texts() if dense or "samples_src" not in p.parts]
    return "".join(rules.inline.sub("", line.strip()) for p in paths
                   for line in p.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not is_furniture(line) and not rules.cut_tail.fullmatch(line.strip()))


def _fill(unit: str, size: int) -> str:
    """`unit` repeated to `size` UTF-8 bytes."""
    per_char = len(unit.encode("utf-8")) / len(unit)
    chars = int(size / per_char)
    return (unit * (chars // len(unit) + 1))[:chars]


def _recombined(size: int, rng: random.Random) -> str:
    """`size` UTF-8 bytes of one line whose sentences are (almost) all distinct: each sentence is
    1-4 clauses of our prose drawn at random, its numbers varied, so no cache of sentences or
    segmentations is helped by repetition (the prose repeated is ~72k characters)."""
    import re

    clauses = [c for c in re.split("[，。；！？]", _prose()) if len(c) >= 4]
    per_char = len(_prose().encode("utf-8")) / len(_prose())
    out, chars, target = [], 0, int(size / per_char)
    while chars < target:
        sentence = "，".join(rng.choice(clauses) for _ in range(rng.randint(1, 4))) + "。"
        sentence = re.sub(r"[0-9]+", lambda m: str(rng.randint(1, 9999)), sentence)
        out.append(sentence)
        chars += len(sentence)
    return "".join(out)[:target]


def _mixed_numerals(n: int, rng: random.Random) -> str:
    """n numerals such as 1万2千3百, 三千五百, 45.6万, in lines of 40 with a few units between."""
    units = ["", "", "", "元", "人", "个", "平方米", "户"]
    out, line = [], []
    for i in range(n):
        a, b, c = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 9)
        num = rng.choice([f"{a}万{b}千{c}百", f"{a}{b}.{c}万", f"{a}千{b}百{c}十", f"{a}{b}{c}"])
        line.append(num + rng.choice(units))
        if len(line) == 40:
            out.append(" ".join(line))
            line = []
    out.append(" ".join(line))
    return "\n".join(out) + "\n"


def _html_table(cells: int, rng: random.Random) -> str:
    cols = 10
    rows = []
    for r in range(cells // cols):
        tds = "".join(f"<td>{rng.randint(1, 9999)}</td>" if k else f"<td>服务站{r}</td>" for k in range(cols))
        rows.append(f"<tr>{tds}</tr>")
    return ("<html><head><meta charset=\"utf-8\"><title>统计表</title></head><body><table>"
            + "\n".join(rows) + "</table></body></html>")


def build(case: str, folder: Path, scale: float) -> Path:
    """The file of one case, scaled."""
    rng = random.Random(16)
    s = lambda n: max(1, int(n * scale))  # noqa: E731
    if case in ("one_line_60mb", "dense_line_60mb"):
        path = folder / "one_line.txt"
        path.write_text(_fill(_prose(case.startswith("dense")), s(60 * MB)), encoding="utf-8")
    elif case == "unique_line_60mb":
        path = folder / "unique_line.txt"
        path.write_text(_recombined(s(60 * MB), rng), encoding="utf-8")
    elif case == "mixed_numerals_2m":
        path = folder / "numerals.txt"
        path.write_text(_mixed_numerals(s(2_000_000), rng), encoding="utf-8")
    elif case == "digits_8kb":
        path = folder / "digits.txt"
        path.write_text("".join(str(rng.randint(0, 9)) for _ in range(s(8192))) + "\n", encoding="utf-8")
    elif case == "wan_qian_bai_12kb":
        path = folder / "wqb.txt"
        path.write_text(_fill("1万2千3百", s(12 * 1024)) + "\n", encoding="utf-8")
    elif case == "sentence_1mb":
        path = folder / "sentence.txt"
        body = _prose().replace("。", "，").replace("！", "，").replace("？", "，").replace("；", "，")
        path.write_text(_fill(body, s(MB)) + "。\n", encoding="utf-8")
    elif case == "table_100k_cells":
        path = folder / "table.html"
        path.write_text(_html_table(s(100_000), rng), encoding="utf-8")
    elif case == "pdf_10k_pages":
        import make_samples

        path = folder / "pages.pdf"
        import re

        prose = _prose()
        pages = []
        for k in range(s(10_000)):  # each page another piece of the prose, its numbers varied
            at = (k * 211) % (len(prose) - 200)
            pages.append(re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), prose[at:at + 200]))
        make_samples.write_pdf(path, pages, chars_per_line=34, lines_per_page=6)
    else:
        raise SystemExit(f"unknown case {case}")
    return path


CASES = ["one_line_60mb", "unique_line_60mb", "dense_line_60mb", "mixed_numerals_2m", "digits_8kb", "wan_qian_bai_12kb", "sentence_1mb",
         "table_100k_cells", "pdf_10k_pages"]


def measure(path: str) -> dict:
    """In this process: process_file on path, each stage timed (CPU s) with the RSS after it."""
    import extract.audit.document as audit
    import extract.figures as figures
    import extract.pipeline as pipeline
    import extract.readers as readers
    import extract.standards as standards
    from extract import segment

    stages = [(readers, "read", "read"), (pipeline, "normalise", "normalise"),
              (figures, "extract_figures", "figures"), (standards, "classify_document", "standards"),
              (audit, "check_document", "checks")]
    spent: dict[str, list[float]] = {}
    for module, name, label in stages:
        def timed(*args, _f=getattr(module, name), _label=label, **kw):
            t = time.process_time()
            try:
                return _f(*args, **kw)
            finally:
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                spent[_label] = [spent.get(_label, [0.0])[0] + time.process_time() - t, rss]
        setattr(module, name, timed)
    segment.load()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.process_time()
    w = time.perf_counter()
    result = pipeline.process_file(path, time_limit=None)
    total, wall = time.process_time() - t, time.perf_counter() - w
    return {"stages": spent, "total": total, "wall": wall, "base_rss": base,
            "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "chars": len(result.document.text or ""), "figures": len(result.figures),
            "status": result.document.status, "error": result.document.error}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", action="append", choices=CASES, help="a case to run (default: all)")
    ap.add_argument("--scale", type=float, default=1.0, help="size factor of every case")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for case in a.case or CASES:
            t = time.perf_counter()
            path = build(case, Path(tmp), a.scale)
            made = time.perf_counter() - t
            size = path.stat().st_size / MB
            out = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True)
            if out.returncode:
                print(f"{case}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            text_mb = r["chars"] * 3 / MB  # the normalised text, in UTF-8 bytes of CJK (3 each)
            print(f"\n{case}: {size:.2f} MB file (made in {made:.1f} s), {r['chars']:,} chars, "
                  f"{r['figures']:,} figures, status {r['status']} {r['error']}")
            for label, (s, rss) in r["stages"].items():
                mbs = (size if label == "read" else text_mb) / s if s > 0 else float("inf")
                print(f"  {label:10s} {s:8.2f} s  {mbs:8.2f} MB/s  peak RSS {rss:7.0f} MB")
            print(f"  {'process_file':10s} {r['total']:8.2f} s  {size / max(r['total'], 1e-9):8.2f} MB/s  "
                  f"peak RSS {r['peak_rss']:7.0f} MB (before the file: {r['base_rss']:.0f} MB), wall {r['wall']:.2f} s")
            print(f"case={case} file_mb={size:.2f} cpu_s={r['total']:.2f} wall_s={r['wall']:.2f} "
                  f"peak_rss_mb={r['peak_rss']:.0f}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
