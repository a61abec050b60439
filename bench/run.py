#!/usr/bin/env python3
"""End-to-end benchmark: generate N reports, then time, in one run and side by side,
(a) the floor: bare text extraction with the fastest readers, one process;
(b) `shequ extract` end to end, 1 job and all jobs;
(c) the naive stack a newcomer would write: pdfplumber extract_text + python-docx +
    jieba.posseg over the full text + regexes.

    python bench/run.py --docs 60
    python bench/run.py --docs 200 --corpus real-like     # reports shaped like real ones
    python bench/run.py --docs 200 --corpus real-like --keep DIR   # ... and keep the corpus in DIR
    python bench/run.py --stage floor DIR                 # only the floor (or naive) over DIR's files,
                                                          # to time it as a whole process

The generated corpus is made from corpora/samples_src with every number varied: 10-page PDFs, DOCX
with tables, GBK and UTF-8 TXT, and HTML. The real-like corpus (bench/reallike.py) recombines the
samples and the blind sets into long prose, excerpts, tables and pages with site furniture, PDFs
with an embedded CJK font. Prints docs/s, MB/s (input bytes), peak RSS and the
ratios, and ends with one machine-readable line."""
from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import make_samples  # noqa: E402

FORMATS = ["pdf", "docx", "gbk.txt", "txt", "html"]


def vary_numbers(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(max(1, int(int(m.group(0)) * rng.uniform(0.5, 1.5)))), text)


def make_corpus(folder: Path, n: int, seed: int = 0) -> None:
    """N reports in mixed formats, numbers varied, from our own sample texts."""
    rng = random.Random(seed)
    sources = sorted((ROOT / "corpora" / "samples_src").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for i in range(n):
        fmt = FORMATS[i % len(FORMATS)]
        text = vary_numbers(texts[i % len(texts)], rng)
        stem = f"r{i:05d}"
        if fmt == "pdf":  # ten pages: the report, continued by a second one
            more = vary_numbers(texts[(i + 1) % len(texts)], rng)
            lines = (text + "\n" + more).splitlines() * 2
            make_samples.write_pdf(folder / f"{stem}.pdf", lines, chars_per_line=34,
                                   lines_per_page=max(4, sum(len(l) // 34 + 1 for l in lines) // 10 + 1))
        elif fmt == "docx":
            lines = text.splitlines() + ["| 项目 | 数量 | 面积（平方米） |", f"| 服务用房 | {i % 9 + 1} | {120 + i} |",
                                         f"| 活动室 | {i % 5 + 1} | {60 + i} |"]
            make_samples.write_docx(folder / f"{stem}.docx", lines)
        else:
            make_samples.render(stem, fmt, text, folder)


def floor(files: list[Path]) -> None:
    """Bare text with the fastest readers: pypdfium2, the DOCX XML, decoding, lxml."""
    import zipfile

    import lxml.html
    import pypdfium2 as pdfium

    for p in files:
        data = p.read_bytes()
        if p.suffix == ".pdf":
            pdf = pdfium.PdfDocument(data)
            for i in range(len(pdf)):
                pdf[i].get_textpage().get_text_range()
            pdf.close()
        elif p.suffix == ".docx":
            xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
            re.sub(r"<[^>]+>", "", xml)
        elif p.suffix in (".html", ".htm"):
            try:
                page = data.decode("utf-8")
            except UnicodeDecodeError:
                page = data.decode("gb18030")
            lxml.html.document_fromstring(page).text_content()
        else:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data.decode("gb18030")


def naive(files: list[Path]) -> int:
    """What a newcomer writes: pdfplumber, python-docx, jieba.posseg over everything, regexes."""
    import docx
    import jieba.posseg
    import pdfplumber

    money = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?元")
    area = re.compile(r"(\d+(?:\.\d+)?)(平方米|平方公里|㎡)")
    count = re.compile(r"(\d+)(个|户|人|名)")
    found = 0
    for p in files:
        if p.suffix == ".pdf":
            with pdfplumber.open(p) as pdf:
                text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        elif p.suffix == ".docx":
            text = "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
        else:
            data = p.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
        list(jieba.posseg.cut(text))
        found += sum(len(r.findall(text)) for r in (money, area, count))
    return found


def shequ(corpus: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Wall time of the CLI end to end, and the peak RSS (MB) of its largest process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extract", "extract", str(corpus), "-o", str(out), "--full",
                    "-j", str(jobs)], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus", choices=["generated", "real-like"], default="generated")
    ap.add_argument("--keep", help="write the corpus to this folder and keep it")
    ap.add_argument("--stage", nargs=2, metavar=("floor|naive", "DIR"),
                    help="only run the floor or the naive stack over the files of DIR, and exit")
    a = ap.parse_args()
    if a.stage:
        files = sorted(p for p in Path(a.stage[1]).iterdir() if p.is_file())
        {"floor": floor, "naive": naive}[a.stage[0]](files)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(a.keep) if a.keep else Path(tmp) / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if a.corpus == "real-like":
            from reallike import make_reallike

            print(make_reallike(corpus, a.docs))
        else:
            make_corpus(corpus, a.docs)
        files = sorted(corpus.iterdir())
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"corpus: {len(files)} documents, {mb:.2f} MB, made in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        floor(files)
        floor_s = time.perf_counter() - t
        one_s, rss1 = shequ(corpus, Path(tmp) / "out1", 1)
        all_s, rss = shequ(corpus, Path(tmp) / "outN", a.jobs)
        t = time.perf_counter()
        naive(files)
        naive_s = time.perf_counter() - t
    n = len(files)
    for name, s in (("floor (bare text)", floor_s), ("shequ 1 job", one_s), (f"shequ {a.jobs} jobs", all_s),
                    ("naive stack", naive_s)):
        print(f"{name:20s} {s:7.2f} s  {n / s:7.2f} docs/s  {mb / s:6.2f} MB/s")
    print(f"peak RSS of one shequ process: {max(rss1, rss):.0f} MB")
    print(f"shequ ({a.jobs} jobs) is {naive_s / all_s:.1f}x faster than the naive stack and "
          f"{all_s / floor_s:.1f}x the floor")
    print(f"docs={n} floor_s={floor_s:.2f} shequ_s={all_s:.2f} shequ_1job_s={one_s:.2f} naive_s={naive_s:.2f} "
          f"speedup_vs_naive={naive_s / all_s:.2f} ratio_to_floor={all_s / floor_s:.2f} "
          f"peak_rss_mb={max(rss1, rss):.0f}")


if __name__ == "__main__":
    main()
