#!/usr/bin/env python3
"""Render our own sample texts as scanned-looking page images, to test and measure OCR.

    python scripts/render_pages.py OUT_DIR [--condition clean|skew|blur|jpeg|seal|all] [--dpi 200]

Each text of corpora/samples_src/ is set on A4 pages (a CJK font found by fontconfig, 14 pt,
paragraphs indented by two characters, a page number at the foot) at 200 dpi, then degraded
the way scans are: `skew` (rotated 1.5 degrees), `blur` (Gaussian, radius 1.2 px), `jpeg`
(grain, then JPEG quality 30), `seal` (a red round seal stamped over the text), `all` (the four
together). Each page is written as OUT_DIR/<stem>-p<N>.<condition>.png with its ground truth
in OUT_DIR/<stem>-p<N>.gt.txt (the lines as set on the page). The functions are also used by
the tests (a page image is made on the fly; no image is committed).
"""
from __future__ import annotations

import argparse
import io
import math
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "corpora" / "samples_src"
CONDITIONS = ("clean", "skew", "blur", "jpeg", "seal", "all")
A4_MM = (210, 297)


def find_cjk_font(family: str = "Noto Serif CJK SC") -> tuple[str, int] | None:
    """(file, face index) of a font that covers Simplified Chinese, from fontconfig; None if none."""
    if not shutil.which("fc-match"):
        return None
    for query in (family, ":lang=zh-cn"):
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{lang}", query],
                             capture_output=True, text=True).stdout
        parts = out.split("\t")
        if len(parts) == 3 and "zh-cn" in parts[2]:
            return parts[0], int(parts[1] or 0)
    return None


@dataclass
class Page:
    image: object  # PIL.Image, RGB
    lines: list[str]  # ground truth: the lines as set, top to bottom (the page number excluded)


def layout(text: str, line_width: float, lines_per_page: int, advance, em: float) -> list[list[tuple[str, bool]]]:
    """Pages of (line, indented) pairs: each paragraph indented by two characters and wrapped at
    `line_width` (`advance(ch)` is a character's width, `em` a full-width cell's)."""
    pages: list[list[tuple[str, bool]]] = [[]]
    for para in (p.strip() for p in text.splitlines()):
        if not para:
            continue
        first, rest = True, para
        while rest:
            room, n = line_width - (2 * em if first else 0), 0
            while n < len(rest) and room >= advance(rest[n]):
                room -= advance(rest[n])
                n += 1
            line, rest = rest[:max(n, 1)], rest[max(n, 1):]
            if len(pages[-1]) >= lines_per_page:
                pages.append([])
            pages[-1].append((line, first))
            first = False
    return [p for p in pages if p]


def render_text(text: str, dpi: int = 200, font: tuple[str, int] | None = None, size_pt: float = 14,
                page_numbers: bool = True) -> list[Page]:
    """Clean page images of a text, with their ground-truth lines."""
    from PIL import Image, ImageDraw, ImageFont

    font = font or find_cjk_font()
    if font is None:
        raise RuntimeError("no CJK font found (apt-get install fonts-noto-cjk or fonts-wqy-microhei)")
    px = lambda mm: round(mm / 25.4 * dpi)  # noqa: E731
    width, height = px(A4_MM[0]), px(A4_MM[1])
    size = round(size_pt / 72 * dpi)
    face = ImageFont.truetype(font[0], size, index=font[1])
    margin_x, margin_top, margin_bottom = px(25), px(30), px(30)
    leading = round(size * 1.6)
    per_page = (height - margin_top - margin_bottom) // leading
    advance = lambda ch: size if ord(ch) > 0x2E7F else face.getlength(ch)  # noqa: E731
    pages = []
    for n, lines in enumerate(layout(text, width - 2 * margin_x, per_page, advance, size), 1):
        img = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(img)
        y = margin_top
        for k, (line, indented) in enumerate(lines):
            x = margin_x + (2 * size if indented else 0)
            advances = [advance(ch) for ch in line]
            # justified as word processors set Chinese: the slack spread over the gaps, except on
            # a paragraph's last line
            last = k + 1 == len(lines) or lines[k + 1][1]
            slack = (width - margin_x - x - sum(advances)) if not last and len(line) > 1 else 0
            gap = max(0.0, slack / (len(line) - 1)) if slack else 0.0
            for ch, adv in zip(line, advances):  # one character per cell
                draw.text((x, y), ch, font=face, fill=(20, 20, 20))
                x += adv + gap
            y += leading
        if page_numbers:
            label = f"- {n} -"
            draw.text(((width - face.getlength(label)) / 2, height - margin_bottom + size), label,
                      font=face, fill=(20, 20, 20))
        pages.append(Page(img, [line for line, _ in lines]))
    return pages


def seal(diameter: int, font: tuple[str, int], text: str = "青川区东岭街道松涛社区居民委员会"):
    """A red round seal (ring, star, the issuer's name around the top) as an RGBA image."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (215, 25, 32, 230)
    ring = max(4, diameter // 40)
    draw.ellipse((ring, ring, diameter - ring, diameter - ring), outline=red, width=ring)
    c, r = diameter / 2, diameter * 0.17
    star = [(c + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
             c - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=red)
    size = diameter // 9
    face = ImageFont.truetype(font[0], size, index=font[1])
    radius = diameter / 2 - ring * 2 - size * 0.7
    span = math.radians(250)
    for k, ch in enumerate(text):
        angle = -span / 2 + span * k / max(1, len(text) - 1)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=face, fill=red)
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.BICUBIC)
        gx = c + radius * math.sin(angle) - size
        gy = c - radius * math.cos(angle) - size
        img.alpha_composite(glyph, (int(gx), int(gy)))
    return img


def degrade(page, condition: str, dpi: int = 200, seed: int = 0, font: tuple[str, int] | None = None):
    """A copy of a clean page image as a scan would give it under `condition`."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    img = page.copy()
    steps = ("seal", "skew", "blur", "jpeg") if condition == "all" else (condition,)
    for step in steps:
        if step == "clean":
            continue
        if step == "seal":
            d = round(42 / 25.4 * dpi)  # a 42 mm seal
            x = rng.randint(img.width // 4, img.width - d - img.width // 10)
            y = rng.randint(img.height // 5, img.height // 2)
            stamp = seal(d, font or find_cjk_font()).rotate(rng.uniform(-20, 20), resample=Image.BICUBIC)
            # ink multiplies with the paper: black text stays black under red ink
            base = np.asarray(img, dtype=np.float32) / 255
            s = np.asarray(stamp, dtype=np.float32) / 255
            alpha = s[..., 3:4]
            region = base[y:y + d, x:x + d]
            region[:] = region * (1 - alpha + alpha * s[..., :3])
            img = Image.fromarray((base * 255).astype(np.uint8))
        elif step == "skew":
            img = img.rotate(1.5, resample=Image.BICUBIC, fillcolor="white")
        elif step == "blur":
            img = img.filter(ImageFilter.GaussianBlur(1.2))
        elif step == "jpeg":
            arr = np.asarray(img, dtype=np.float32)
            noise = np.random.default_rng(seed).normal(0, 14, arr.shape[:2])[..., None]
            img = Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=30)
            img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
            img.info = {}  # JPEG's JFIF fields would be written into a TIFF made from the page
        else:
            raise ValueError(step)
    return img


def sample_pages(dpi: int = 200, stems: list[str] | None = None,
                 font: tuple[str, int] | None = None) -> list[tuple[str, Page]]:
    """(name, page) for every page of every sample text (of those named by `stems`), set in `font`
    (file, face index; None: the one fontconfig finds)."""
    out = []
    for path in sorted(SRC.glob("*.txt")):
        if stems and path.stem not in stems:
            continue
        for n, page in enumerate(render_text(path.read_text(encoding="utf-8"), dpi=dpi, font=font), 1):
            out.append((f"{path.stem}-p{n}", page))
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance of two texts (characters): the numerator of a character error rate."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--condition", choices=CONDITIONS, action="append")
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for k, (name, page) in enumerate(sample_pages(args.dpi)):
        (args.out / f"{name}.gt.txt").write_text("\n".join(page.lines) + "\n", encoding="utf-8")
        for cond in args.condition or CONDITIONS:
            degrade(page.image, cond, args.dpi, seed=k).save(args.out / f"{name}.{cond}.png")
    print(f"{args.out}: {k + 1} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())

