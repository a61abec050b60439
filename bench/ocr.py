#!/usr/bin/env python3
"""OCR engines side by side on pages rendered from our own sample texts (corpora/samples_src/).

    python bench/ocr.py [--engine rapidocr --engine tesseract] [--condition clean ...] [--pages N]
                        [--text 06_fanti_yijian ...] [--font FILE[:FACE]]

Every page of every sample text is set at 200 dpi (scripts/render_pages.py), degraded under
each condition (clean, skew, blur, jpeg, seal, all), read by each engine exactly as shequ reads
a scan (`extract.readers.ocr.recognise_page`: red channel, Chinese punctuation, layout), and
compared with the text set on the page. CER = edit distance / characters of the page text,
both width-folded (punctuation included) with whitespace removed, against the characters set on
the page (Traditional ones on a Traditional page). Columns: all pages, the Simplified pages, the
Traditional pages, and (labelled "folded") the Traditional pages after the folding the pipeline
applies to any text anyway (tone-marked pinyin glosses removed, Traditional -> Simplified), both
sides. Seconds per page: wall clock and CPU of this process and its children (tesseract runs as
a child), recognition only (rendering excluded).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import render_pages  # noqa: E402

from extract.normalise import fold_width, is_traditional, strip_pinyin_glosses, to_simplified  # noqa: E402
from extract.readers import ocr  # noqa: E402


_PUNCT = str.maketrans("，：；！？（）", ",:;!?()")


def squash(text: str) -> str:
    """Width-folded (punctuation too: a recogniser's `,` for `，` is no error here), no whitespace."""
    return re.sub(r"\s+", "", fold_width(text).translate(_PUNCT))


def folded(text: str) -> str:
    """The text as the pipeline keeps it: pinyin glosses removed, Traditional -> Simplified."""
    return squash(to_simplified(strip_pinyin_glosses(text)))


edit_distance = render_pages.edit_distance


def rate(errors: int, chars: int) -> str:
    """A character error rate as a percentage, '-' over no characters."""
    return f"{errors / chars:.2%}" if chars else "-"


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="append", choices=sorted(ocr.ENGINES))
    ap.add_argument("--condition", action="append", choices=render_pages.CONDITIONS)
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--text", action="append", help="only the pages of this sample text (file stem)")
    ap.add_argument("--font", help="set the pages in this font file (FILE or FILE:FACE_INDEX; default: "
                                   "the CJK font fontconfig finds)")
    ap.add_argument("--show", type=int, default=0, help="print the N worst pages' differences")
    ap.add_argument("--json", type=Path, help="write every page's result to this file")
    args = ap.parse_args()
    font = None
    if args.font:
        file, _, index = args.font.partition(":")
        font = (file, int(index or 0))
    pages = render_pages.sample_pages(stems=args.text, font=font)
    print(f"font: {(font or render_pages.find_cjk_font() or ('none',))[0]}", flush=True)
    if args.pages:
        pages = pages[:args.pages]
    print(f"{len(pages)} pages, {sum(len(squash(''.join(p.lines))) for _, p in pages)} characters", flush=True)
    traditional = {label for label, p in pages if is_traditional("".join(p.lines))}
    print(f"Traditional-script pages: {len(traditional)}")
    print("| engine | condition | CER | CER, Simplified pages | CER, Traditional pages | "
          "CER, Traditional pages, folded | pages | s/page (wall) | s/page (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    records = []
    for name in args.engine or ["rapidocr", "tesseract"]:
        eng = ocr.engine(name)
        if eng is None:
            print(f"| {name} | not installed | | | | | | | |")
            continue
        for cond in args.condition or render_pages.CONDITIONS:
            errors = chars = s_errors = s_chars = f_errors = f_chars = 0
            wall = cpu_s = 0.0
            worst = []
            for k, (label, page) in enumerate(pages):
                image = render_pages.degrade(page.image, cond, seed=k)
                t0, c0 = time.perf_counter(), cpu()
                text, _ = ocr.recognise_page(image, eng)
                wall += time.perf_counter() - t0
                cpu_s += cpu() - c0
                ref, hyp = squash("".join(page.lines)), squash("".join(text.paragraphs))
                e = edit_distance(ref, hyp)
                errors, chars = errors + e, chars + len(ref)
                if label not in traditional:
                    s_errors, s_chars = s_errors + e, s_chars + len(ref)
                else:
                    f_ref = folded("".join(page.lines))
                    f_errors += edit_distance(f_ref, folded("".join(text.paragraphs)))
                    f_chars += len(f_ref)
                worst.append((e / max(1, len(ref)), label, ref, hyp))
                records.append({"engine": eng.name, "condition": cond, "page": label, "errors": e,
                                "chars": len(ref), "hyp": hyp})
            t_errors, t_chars = errors - s_errors, chars - s_chars
            print(f"| {eng.name} {eng.version} | {cond} | {rate(errors, chars)} | {rate(s_errors, s_chars)} | "
                  f"{rate(t_errors, t_chars)} | {rate(f_errors, f_chars)} | {len(pages)} | "
                  f"{wall / len(pages):.2f} | {cpu_s / len(pages):.2f} |", flush=True)
            for page_cer, label, ref, hyp in sorted(worst, reverse=True)[:args.show]:
                print(f"  {label} {page_cer:.2%}\n    ref {ref[:300]}\n    hyp {hyp[:300]}")
    if args.json:
        args.json.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
