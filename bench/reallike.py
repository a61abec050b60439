"""A benchmark corpus shaped like real reports, made from the project's own texts
(corpora/samples_src and the blind sets in tests/data/blind*, written in the shapes of real pages).

Each report takes one text and recombines it: its paragraphs (and sentences) shuffled within the
body, paragraphs of another text mixed in for long reports, a few sentences only for excerpts,
site furniture kept for pages saved from a site, a table of figures for DOCX, every number varied.
Shapes and formats in fixed shares: long prose as PDF with an EMBEDDED CJK font (WenQuanYi Micro
Hei when installed: `apt-get install fonts-wqy-microhei`; else reportlab's non-embedded
STSong-Light, and `make_reallike` says so), DOCX with a table, GBK and UTF-8 TXT, HTML saved from
a site with its furniture, and short excerpts."""
from __future__ import annotations

import html
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_samples  # noqa: E402

CJK_FONTS = [Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")]
# shape, format: in this order, one report each, round and round
SHAPES = [("long", "pdf"), ("table", "docx"), ("web", "html"), ("long", "gbk.txt"), ("excerpt", "txt"),
          ("long", "docx"), ("web", "txt"), ("excerpt", "html"), ("long", "pdf"), ("table", "docx")]


def own_texts() -> list[Path]:
    """The project's own report texts: the samples and the blind sets."""
    paths = sorted((ROOT / "corpora" / "samples_src").glob("*.txt"))
    for folder in sorted((ROOT / "tests" / "data").glob("blind*")):
        paths += sorted(p for p in folder.glob("*.txt") if not p.name.endswith(".excluded.txt"))
    return paths


def vary_digits(text: str, rng: random.Random) -> str:
    """Every number scaled by a random factor (0.5-1.5), years and small ordinals kept."""
    def one(m: re.Match) -> str:
        s = m.group(0)
        if len(s) == 4 and s.startswith(("19", "20")):
            return s  # a year
        return str(max(1, int(int(s) * rng.uniform(0.5, 1.5))))
    return re.sub(r"\d+", one, text)


def _split(text: str):
    """(furniture lines before, body paragraphs, furniture lines after) of a text: body lines are
    those that read as prose (long, or ending a sentence)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    body = [i for i, l in enumerate(lines) if len(l) >= 40 or l.endswith(("。", "：", "；"))]
    if not body:
        return [], lines, []
    a, b = body[0], body[-1] + 1
    return lines[:a], lines[a:b], lines[b:]


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.findall(r"[^。！？；]*[。！？；]?", paragraph) if s]


def _table(rng: random.Random, title: str) -> list[str]:
    items = ["社区党群服务中心", "居家养老服务站", "日间照料中心", "文化活动室", "儿童之家", "警务室", "调解室", "图书室"]
    rows = [f"| {title[:12] or '项目'} | 数量（个） | 面积（平方米） | 投入资金（万元） |"]
    for name in rng.sample(items, rng.randint(3, len(items))):
        rows.append(f"| {name} | {rng.randint(1, 30)} | {rng.randint(40, 2000)} | {round(rng.uniform(2, 300), 1)} |")
    return rows


def report(rng: random.Random, texts: list[str], shape: str) -> list[str]:
    """The lines of one report of a shape."""
    head, body, tail = _split(texts[rng.randrange(len(texts))])
    title = head[-1] if head else (body[0][:30] if body else "")
    if shape == "excerpt":
        from extract.normalise import is_furniture

        sentences = [s for p in body for s in _sentences(p) if not is_furniture(s)]
        k = rng.randint(3, 8)
        at = rng.randrange(max(1, len(sentences) - k))
        return [title, "".join(sentences[at:at + k])]
    paras = list(body)
    if shape == "long":  # another report's paragraphs mixed in, the order shuffled within the body
        _, more, _ = _split(texts[rng.randrange(len(texts))])
        paras += rng.sample(more, min(len(more), rng.randint(1, 6)))
        first, rest = paras[:1], paras[1:]
        rng.shuffle(rest)
        paras = first + rest
        if rng.random() < 0.5:  # long one-line paragraphs broken up, as a word processor keeps them
            paras = [s for p in paras for s in (_sentences(p) if len(p) > 300 else [p])]
    out = [title] + paras
    if shape == "table":
        out = [title] + paras[:rng.randint(2, 6)] + _table(rng, title) + paras[6:8]
    if shape == "web":
        out = head + paras + tail
    return [l for l in out if l]


def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.exists()), None)


def _write_html(path: Path, lines: list[str]) -> None:
    paras = "\n".join(f"<p>{html.escape(l)}</p>" for l in lines)
    page = ("<html><head><meta charset='utf-8'>"
            f"<title>{html.escape(lines[0])}</title><script>var _hmt=[];</script></head><body>"
            f"<div class='content'>{paras}</div></body></html>")
    path.write_bytes(page.encode("utf-8"))


def make_reallike(folder: Path, n: int, seed: int = 0) -> str:
    """N reports in `folder`; returns a note on the PDF font used."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in own_texts()]
    font = cjk_font()
    for i in range(n):
        shape, fmt = SHAPES[i % len(SHAPES)]
        lines = [vary_digits(l, rng) for l in report(rng, texts, shape)]
        stem = f"r{i:05d}"
        if fmt == "pdf":
            if font:
                make_samples.write_pdf(folder / f"{stem}.pdf", lines, font=font)
            else:
                make_samples.write_pdf(folder / f"{stem}.pdf", lines)
        elif fmt == "docx":
            make_samples.write_docx(folder / f"{stem}.docx", lines)
        elif fmt == "html":
            _write_html(folder / f"{stem}.html", lines)
        else:
            make_samples.render(stem, fmt, "\n".join(lines) + "\n", folder)
    return f"PDF font embedded: {font}" if font else "PDF font NOT embedded (no CJK font found): STSong-Light"
