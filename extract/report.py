"""The HTML report: `report/index.html` (the documents table and charts) and one page per
document (its normalised text with every figure highlighted by kind, its flags linked to their
evidence, its standards claims). Static and self-contained: inline CSS and SVG, no script, no
network. Every piece of document text goes through html.escape."""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path

from .records import Claim, Document, Figure, Flag
from .vocab import KIND_COLOURS, SEVERITY_COLOURS

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;
color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.text{white-space:pre-wrap;line-height:1.9;border:1px solid #ddd;padding:1em;background:#fcfcfc}
mark{padding:0 1px;border-radius:2px}mark.flagged{outline:2px solid #c62828}
.sev{color:#fff;border-radius:3px;padding:0 5px;font-size:.85em}
.legend span{display:inline-block;margin-right:10px;padding:0 4px;border-radius:2px}
.ev:target{background:#ffe9a8}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
            f"img-src data:\"><title>{_e(title)}</title><style>{CSS}</style></head><body>{body}</body></html>")


def bar_chart(values: list[tuple[str, float]], unit: str = "", width: int = 560) -> str:
    """A horizontal SVG bar chart (labels escaped)."""
    if not values:
        return "<p>（无数据）</p>"
    top = max(v for _, v in values) or 1
    row = 22
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{row * len(values) + 4}' role='img'>"]
    for i, (label, v) in enumerate(values):
        w = int((width - 260) * v / top)
        y = i * row
        label = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f"<text x='0' y='{y + 15}' font-size='12'>{_e(label)}</text>"
                     f"<rect x='170' y='{y + 4}' width='{max(w, 1)}' height='14' fill='#5b8def'/>"
                     f"<text x='{175 + w}' y='{y + 15}' font-size='12'>{_e(_num(v))}{_e(unit)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _num(v: float) -> str:
    if v >= 1e8:
        return f"{v / 1e8:.2f}亿"
    if v >= 1e4:
        return f"{v / 1e4:.1f}万"
    return f"{v:,.0f}"


def highlighted_text(doc: Document, figures: list[Figure], flags: list[Flag]) -> str:
    """The normalised text, escaped, with figures wrapped in <mark> and flag evidence anchored."""
    flagged = set()
    for fl in flags:
        for ref in filter(None, fl.figures.split(";")):
            a, _, b = ref.partition("-")
            flagged.add((int(a), int(b)))
    events: dict[int, list[str]] = defaultdict(list)
    ends: dict[int, list[str]] = defaultdict(list)
    for i, fl in enumerate(flags):
        if fl.end > fl.start:
            events[fl.start].append(f"<span class='ev' id='flag-{i}'>")
            ends[fl.end].append("</span>")
    last_end = -1
    for f in sorted(figures, key=lambda f: f.start):
        if f.start < last_end:
            continue
        cls = "flagged" if (f.start, f.end) in flagged else ""
        events[f.start].append(f"<mark class='{cls}' id='fig-{f.start}' style='background:"
                               f"{KIND_COLOURS.get(f.kind, '#ddd')}' title='{_e(f.kind)} = {_e(f.value)} {_e(f.unit)}'>")
        ends[f.end].insert(0, "</mark>")
        last_end = f.end
    out = []
    text = doc.text
    cuts = sorted(set(events) | set(ends) | {0, len(text)})
    for a, b in zip(cuts, cuts[1:]):
        out.extend(ends.get(a, []) if a else [])
        out.extend(events.get(a, []))
        out.append(_e(text[a:b]))
    out.extend(ends.get(len(text), []))
    # closing tags of spans that straddle marks are tolerated by HTML parsers; keep them balanced
    return "".join(out)


def document_page(doc: Document, figures: list[Figure], claims: list[Claim], flags: list[Flag]) -> str:
    legend = "".join(f"<span style='background:{c}'>{_e(k)}</span>" for k, c in KIND_COLOURS.items())
    flag_rows = "".join(
        f"<tr><td><span class='sev' style='background:{SEVERITY_COLOURS.get(fl.severity, '#555')}'>"
        f"{_e(fl.severity)}</span></td><td>{_e(fl.check)}</td><td><a href='#flag-{i}'>{_e(fl.message)}</a></td></tr>"
        for i, fl in enumerate(flags))
    claim_rows = "".join(
        f"<tr><td>{_e(c.standard)}</td><td>{_e(c.status)}</td><td>{c.score:.2f}</td>"
        f"<td>{_e(c.evidence)}</td></tr>" for c in claims)
    fig_rows = "".join(
        f"<tr><td>{f.page}</td><td><a href='#fig-{f.start}'>{_e(f.text)}</a></td><td>{_e(f.kind)}</td>"
        f"<td>{_e(f.value)}</td><td>{_e(f.unit)}</td><td>{_e(f.approx)}</td><td>{_e(f.counted)}</td></tr>"
        for f in figures)
    body = (f"<p><a href='index.html'>← 全部文档</a></p><h1>{_e(doc.title or doc.source)}</h1>"
            f"<p>{_e(doc.source)} · {_e(doc.format)} · {doc.chars} 字 · {len(figures)} 个数字 · "
            f"{len(flags)} 条提示</p>"
            f"<h2>审核提示 ({len(flags)})</h2><table><tr><th>级别</th><th>检查</th><th>说明</th></tr>{flag_rows}</table>"
            f"<h2>创建标准 ({len(claims)})</h2><table><tr><th>标准</th><th>状态</th><th>得分</th><th>依据</th></tr>"
            f"{claim_rows}</table>"
            f"<h2>正文</h2><p class='legend'>{legend}</p><div class='text'>{highlighted_text(doc, figures, flags)}</div>"
            f"<h2>数字 ({len(figures)})</h2><table><tr><th>页</th><th>原文</th><th>类别</th><th>数值</th><th>单位</th>"
            f"<th>约数</th><th>计数对象</th></tr>{fig_rows}</table>")
    return _page(doc.title or doc.source, body)


def index_page(rows: list[dict], flags_by_check: Counter, funding: list[tuple[str, float]]) -> str:
    trs = "".join(
        f"<tr><td><a href='{_e(r['page'])}'>{_e(r['title'] or r['source'])}</a></td><td>{_e(r['source'])}</td>"
        f"<td>{_e(r['status'])}</td><td>{r['figures']}</td><td>{r['claims']}</td><td>{r['flags']}</td>"
        f"<td>{_e(r['error'])}</td></tr>" if r["page"] else
        f"<tr><td>{_e(r['title'] or r['source'])}</td><td>{_e(r['source'])}</td><td>{_e(r['status'])}</td>"
        f"<td>0</td><td>0</td><td>0</td><td>{_e(r['error'])}</td></tr>" for r in rows)
    body = (f"<h1>shequ 报告</h1><p>{len(rows)} 个文件，{sum(r['flags'] for r in rows)} 条审核提示</p>"
            f"<h2>各类审核提示</h2>{bar_chart(sorted(flags_by_check.items(), key=lambda x: -x[1]), '条')}"
            f"<h2>各文档经费合计</h2>{bar_chart(funding[:30], '元')}"
            f"<h2>文档</h2><table><tr><th>标题</th><th>文件</th><th>状态</th><th>数字</th><th>标准</th>"
            f"<th>提示</th><th>错误</th></tr>{trs}</table>")
    return _page("shequ 报告", body)


class ReportWriter:
    """Writes one page per document as results are handed to it (no document is kept in memory,
    only its row of the index), then the index. `extra_flags` are the run's cross-document
    findings, shown on the pages of the documents they concern."""

    def __init__(self, out_dir: Path, extra_flags: list[Flag] = ()):
        self.dir = Path(out_dir) / "report"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.extra: dict[str, list[Flag]] = defaultdict(list)
        for fl in extra_flags:
            self.extra[fl.doc_id].append(fl)
        self.rows: list[dict] = []
        self.counts: Counter = Counter()
        self.funding: list[tuple[str, float]] = []

    def page(self, doc: Document, figures, claims, flags, write: bool = True) -> dict:
        """Write the document's page (unless `write` is False: a byte-identical copy of a document
        whose page is written already); return its entry for the index (`add_entry`). Pages are
        independent of each other, so worker processes can write them side by side."""
        flags = list(flags) + (self.extra.get(doc.doc_id, []) if doc.status == "ok" else [])
        page, funding = "", None
        if doc.status == "ok" and doc.text:
            page = f"doc-{doc.doc_id}.html"
            if write:
                (self.dir / page).write_text(document_page(doc, list(figures), list(claims), flags),
                                             encoding="utf-8")
            funding = (doc.title or Path(doc.source).name,
                       sum(f.value for f in figures if f.kind == "funding" and f.role != "target"))
        return {"row": {"source": doc.source, "title": doc.title, "status": doc.status, "error": doc.error,
                        "figures": len(figures), "claims": len(claims), "flags": len(flags), "page": page},
                "checks": [fl.check for fl in flags], "funding": funding}

    def add_entry(self, entry: dict) -> None:
        """Take a page's entry into the index."""
        self.rows.append(entry["row"])
        self.counts.update(entry["checks"])
        if entry["funding"] is not None:
            self.funding.append(entry["funding"])

    def add(self, doc: Document, figures, claims, flags) -> None:
        """Write the document's page and take it into the index."""
        self.add_entry(self.page(doc, figures, claims, flags))

    def close(self) -> Path:
        """Write the index; returns its path."""
        self.funding.sort(key=lambda x: -x[1])
        index = self.dir / "index.html"
        index.write_text(index_page(self.rows, self.counts, self.funding), encoding="utf-8")
        return index
