#!/usr/bin/env python3
"""Figures of real reports read by OCR: the dev seeds turned into scans, extracted, scored.

    python bench/ocr_seeds.py --seeds ../shared/seeds --pdf ../shared/seeds-formats \
        --gold ../shared/eval/dev/gold --scorer ../shared/eval/score.py [--keep DIR]

Three sets, made in a temporary folder (nothing is written into the repo):
  pdf-render  each PDF of --pdf rendered by pdfium at 200 dpi and packed into an image-only PDF
  set-clean   each seed text of --seeds set on A4 pages (scripts/render_pages.py), grey LZW multi-page TIFF
  set-noisy   the same pages with a red seal, 1.5 degree skew, blur and JPEG noise, image-only PDF
Each set is mined by `shequ extract` in this process (OCR limits lifted, so long seeds are read
to the end) and scored by the shared scorer against the dev gold; the text-layer path's scores
are in the README. Seconds per OCR'd page are printed for each set.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import render_pages  # noqa: E402


def pdf_pages(path: Path, dpi: int = 200):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    finally:
        pdf.close()


def image_pdf(path: Path, images) -> None:
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])


def build(args, tmp: Path) -> dict[str, Path]:
    sets = {name: tmp / name for name in ("pdf-render", "set-clean", "set-noisy")}
    for d in sets.values():
        d.mkdir()
    for pdf in sorted(Path(args.pdf).glob("*.pdf")):
        image_pdf(sets["pdf-render"] / pdf.name, pdf_pages(pdf))
    for k, txt in enumerate(sorted(Path(args.seeds).glob("*.txt"))):
        pages = render_pages.render_text(txt.read_text(encoding="utf-8"))
        images = [p.image for p in pages]
        grey = [im.convert("L") for im in images]  # as scanners write TIFF: grey, LZW-compressed
        grey[0].save(sets["set-clean"] / f"{txt.stem}.tif", "TIFF", save_all=True, append_images=grey[1:],
                     compression="tiff_lzw")
        noisy = [render_pages.degrade(im, "all", seed=k * 100 + n) for n, im in enumerate(images)]
        image_pdf(sets["set-noisy"] / f"{txt.stem}.pdf", noisy)
    return sets


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--pdf", required=True)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--scorer", required=True)
    ap.add_argument("--keep", type=Path, help="keep the images and outputs in this folder")
    args = ap.parse_args()

    from click.testing import CliRunner

    from extract.cli import main as cli
    from extract.readers import ocr

    ocr.settings()["limits"].update(max_pages=10**6, max_seconds=10**9)  # this process only
    with tempfile.TemporaryDirectory() as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        for name, folder in build(args, tmp).items():
            out = tmp / f"out-{name}"
            t0 = time.perf_counter()
            r = CliRunner().invoke(cli, ["extract", str(folder), "-o", str(out), "--jobs", "1",
                                         "--time-limit", "100000"])
            elapsed = time.perf_counter() - t0
            docs = list(csv.DictReader((out / "documents.csv").open(encoding="utf-8")))
            pages = sum(int(d["pages"] or 0) for d in docs)
            print(f"## {name}: {len(docs)} files, {pages} pages, {elapsed:.0f} s ({elapsed / max(1, pages):.1f} s/page),"
                  f" exit {r.exit_code}")
            for d in docs:
                if d["status"] != "ok" or d["ocr_note"]:
                    print(f"  {d['source']}: {d['status']} {d['error']} {d['ocr_note']}")
            # scored against the gold of the reports in this set only
            gold = tmp / f"gold-{name}"
            gold.mkdir(exist_ok=True)
            for f in folder.iterdir():
                for g in Path(args.gold).glob(f"{f.stem}.*"):
                    shutil.copy(g, gold / g.name)
            score = subprocess.run([sys.executable, args.scorer, "--gold", str(gold), "--run", str(out), "--per-doc"],
                                   capture_output=True, text=True)
            print(score.stdout.strip(), score.stderr.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
