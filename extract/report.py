"""The HTML report: `report/index.html` (the documents table, sortable and searchable, and charts)
and one page per document (its normalised text with every figure highlighted by kind, its flags
linked to their evidence, its standards claims). Static and self-contained: inline CSS and SVG,
no network; the only script is the index's sorter (`corpora/report/index.js`), allowed by its
hash in the Content-Security-Policy, and the table is complete without it. Codes are shown by
their Chinese label (`corpora/vocab.toml`, the standards' names), the code in a tooltip; the
wording of the pages is in `corpora/report.toml`. Every piece of document text goes through
html.escape."""
from __future__ import annotations

import base64
import functools
import hashlib
import html
from collections import defaultdict

from . import vocab
from .records import Claim, Document, Figure, Flag
from .resources import corpus_path, load_toml
from .vocab import KIND_COLOURS, SEVERITY_COLOURS

FONTS = ('"Noto Sans CJK SC","Source Han Sans SC","Source Han Sans CN","PingFang SC","Hiragino Sans GB",'
         '"Microsoft YaHei","WenQuanYi Micro Hei","WenQuanYi Zen Hei","Noto Sans SC","Droid Sans Fallback",'
         '"SimHei","SimSun","Noto Serif CJK SC",sans-serif')

CSS = """
body{font-family:%s;margin:2em;color:#222;max-width:1200px}
svg text{font-family:%s}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%%;font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}
th button{font:inherit;background:none;border:0;padding:0;cursor:pointer;font-weight:bold}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.n{text-align:right}th,td.n,td.s{white-space:nowrap}.tools{margin:.6em 0}.tools input{width:22em;padding:3px}
.text{white-space:pre-wrap;line-height:1.9;border:1px solid #ddd;padding:1em;background:#fcfcfc}
mark{padding:0 1px;border-radius:2px}mark.flagged{outline:2px solid #c62828}
.sev{color:#fff;border-radius:3px;padding:0 5px;font-size:.85em}
.legend span{display:inline-block;margin-right:10px;padding:0 4px;border-radius:2px}
.ev:target{background:#ffe9a8}
""" % (FONTS, FONTS)


@functools.cache
def _words() -> dict:
    return load_toml("report.toml")


def _t(key: str, **kw) -> str:
    text = _words()["text"][key]
    return text.format(**kw) if kw else text


@functools.cache
def _standard_names() -> dict[str, str]:
    return {d["id"]: d["name"] for d in load_toml("standards/taxonomy.toml")["dimension"]}


def label(vocabulary: str, code) -> str:
    """A code as a person reads it: its Chinese label, the code in a tooltip (both escaped)."""
    if code is None or code == "":
        return ""
    name = _standard_names().get(code, code) if vocabulary == "standard" else vocab.label(vocabulary, code)
    return _e(code) if name == code else f"<span title='{_e(code)}'>{_e(name)}</span>"


@functools.cache
def _script() -> tuple[str, str]:
    """The index's script and its CSP source ('sha256-…')."""
    js = corpus_path("report/index.js").read_text(encoding="utf-8")
    return js, "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode() + "'"


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _page(title: str, body: str, script: bool = False) -> str:
    js, source = _script() if script else ("", "")
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:" + (f"; script-src {source}" if script else "")
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\"><title>{_e(title)}</title>"
            f"<style>{CSS}</style></head><body>{body}{f'<script>{js}</script>' if script else ''}</body></html>")


def bar_chart(values: list[tuple[str, float]], unit: str = "", width: int = 560, codes: list[str] | None = None) -> str:
    """A horizontal SVG bar chart (labels escaped; `codes`, when given, shown as each bar's tooltip)."""
    if not values:
        return f"<p>{_e(_t('no_data'))}</p>"
    top = max(v for _, v in values) or 1
    row = 22
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{row * len(values) + 4}' role='img'>"]
    for i, (name, v) in enumerate(values):
        w = int((width - 260) * v / top)
        y = i * row
        short = name if len(name) <= 12 else name[:11] + "…"
        tip = f"<title>{_e(codes[i] if codes else name)}</title>"
        parts.append(f"<g>{tip}<text x='0' y='{y + 15}' font-size='12'>{_e(short)}</text>"
                     f"<rect x='170' y='{y + 4}' width='{max(w, 1)}' height='14' fill='#5b8def'/>"
                     f"<text x='{175 + w}' y='{y + 15}' font-size='12'>{_e(_num(v))}{_e(unit)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def _num(v: float) -> str:
    if v >= 1e8:
        return f"{v / 1e8:.2f}{_t('yi')}"
    if v >= 1e4:
        return f"{v / 1e4:.1f}{_t('wan')}"
    return f"{v:,.0f}"


def funding_total(figures) -> float:
    """What a document states it spent (`corpora/report.toml` [funding]): its stated totals, each
    value once, when it states any; else its distinct funding values; never the values before a
    change, planned budgets, or the parts listed under a total."""
    rules = _words()["funding"]
    window = rules["cue_window_chars"]
    figs = [f for f in figures if f.kind == "funding" and f.role not in rules["excluded_roles"]]
    by_sentence: dict[str, list] = defaultdict(list)
    for f in figs:
        by_sentence[f.sentence].append(f)
    kept, totals = [], []
    for sentence, group in by_sentence.items():
        at = {id(f): max(sentence.find(f.text), 0) for f in group}
        marks = [i for m in rules["part_markers"] if (i := sentence.find(m)) >= 0]
        mark = min(marks) if marks else None
        has_total_before = mark is not None and any(at[id(f)] < mark for f in group)
        for f in group:
            if has_total_before and at[id(f)] > mark:
                continue  # a part of the total stated before the marker
            kept.append(f)
            before = sentence[max(0, at[id(f)] - window):at[id(f)]]
            if any(c in (f.subject or "") or c in before for c in rules["total_cues"]):
                totals.append(f)
    return float(sum({f.value for f in (totals or kept)}))


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
                               f"{KIND_COLOURS.get(f.kind, '#ddd')}' title='{_e(vocab.label('kind', f.kind))} "
                               f"({_e(f.kind)}) = {_e(f.value)} {_e(f.unit)}'>")
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


def _other_link(doc: Document, fl: Flag) -> str:
    """A link to the other report's page, for a finding across documents about another content."""
    other = fl.other_doc_id
    if not other or other == doc.doc_id:
        return ""
    return f" <a class='other' href='doc-{_e(other)}.html' title='{_e(fl.other_source)}'>{_e(_t('other_report'))}</a>"


def document_page(doc: Document, figures: list[Figure], claims: list[Claim], flags: list[Flag]) -> str:
    t = _t
    legend = "".join(f"<span style='background:{c}' title='{_e(k)}'>{_e(vocab.label('kind', k))}</span>"
                     for k, c in KIND_COLOURS.items())
    flag_rows = "".join(
        f"<tr><td><span class='sev' style='background:{SEVERITY_COLOURS.get(fl.severity, '#555')}'>"
        f"{label('severity', fl.severity)}</span></td><td>{label('check', fl.check)}</td>"
        f"<td><a href='#flag-{i}'>{_e(fl.message)}</a>{_other_link(doc, fl)}</td></tr>" for i, fl in enumerate(flags))
    claim_rows = "".join(
        f"<tr><td>{label('standard', c.standard)}</td><td>{label('claim_status', c.status)}</td><td>{c.score:.2f}</td>"
        f"<td>{_e(c.evidence)}</td></tr>" for c in claims)
    fig_rows = "".join(
        f"<tr><td>{f.page}</td><td><a href='#fig-{f.start}'>{_e(f.text)}</a></td><td>{label('kind', f.kind)}</td>"
        f"<td>{_e(f.value)}</td><td>{_e(f.unit)}</td><td>{label('approx', f.approx)}</td><td>{_e(f.counted)}</td></tr>"
        for f in figures)
    body = (f"<p><a href='index.html'>{_e(t('all_documents'))}</a></p><h1>{_e(doc.title or doc.source)}</h1>"
            f"<p>{_e(doc.source)} · {_e(doc.format)} · {doc.chars} {_e(t('chars'))} · {len(figures)} "
            f"{_e(t('figures_n'))} · {len(flags)} {_e(t('flags_n'))}</p>"
            f"<h2>{_e(t('section_flags'))} ({len(flags)})</h2><table><tr><th>{_e(t('col_severity'))}</th>"
            f"<th>{_e(t('col_check'))}</th><th>{_e(t('col_message'))}</th></tr>{flag_rows}</table>"
            f"<h2>{_e(t('section_claims'))} ({len(claims)})</h2><table><tr><th>{_e(t('col_standard'))}</th>"
            f"<th>{_e(t('col_status'))}</th><th>{_e(t('col_score'))}</th><th>{_e(t('col_evidence'))}</th></tr>"
            f"{claim_rows}</table>"
            f"<h2>{_e(t('section_text'))}</h2><p class='legend'>{legend}</p>"
            f"<div class='text'>{highlighted_text(doc, figures, flags)}</div>"
            f"<h2>{_e(t('section_figures'))} ({len(figures)})</h2><table><tr><th>{_e(t('col_page'))}</th>"
            f"<th>{_e(t('col_text'))}</th><th>{_e(t('col_kind'))}</th><th>{_e(t('col_value'))}</th>"
            f"<th>{_e(t('col_unit'))}</th><th>{_e(t('col_approx'))}</th><th>{_e(t('col_counted'))}</th></tr>"
            f"{fig_rows}</table>")
    return _page(doc.title or doc.source, body)


_INDEX_COLUMNS = (("title", "col_title", False), ("source", "col_file", False), ("status", "col_status", False),
                  ("figures", "col_figures", True), ("claims", "col_claims", True), ("flags", "col_flags", True),
                  ("error", "col_error", False))


def index_page(rows: list[dict], flags_by_check: dict[str, int], funding: list[tuple[str, float]]) -> str:
    """The index: every document in one table a person can sort (click a header) and search (the
    box; the status list), state kept in the address (`#sort=flags-desc&q=…&status=error`)."""
    t = _t
    heads = "".join(f"<th data-key='{k}'{' data-num' if num else ''} aria-sort='none'>"
                    f"<button type='button'>{_e(t(word))}</button></th>" for k, word, num in _INDEX_COLUMNS)
    trs = []
    for r in rows:
        title = _e(r["title"] or r["source"])
        title = f"<a href='{_e(r['page'])}'>{title}</a>" if r["page"] else title
        trs.append(f"<tr data-status='{_e(r['status'])}'><td>{title}</td><td>{_e(r['source'])}</td>"
                   f"<td class='s' data-v='{_e(r['status'])}'>{label('document_status', r['status'])}</td>"
                   f"<td class='n'>{r['figures']}</td><td class='n'>{r['claims']}</td><td class='n'>{r['flags']}</td>"
                   f"<td>{_e(r['error'])}</td></tr>")
    present = sorted({r["status"] for r in rows}, key=lambda s: (s != "ok", s))
    options = "".join(f"<option value='{_e(s)}'>{_e(vocab.label('document_status', s))}</option>" for s in present)
    checks = sorted(flags_by_check.items(), key=lambda x: (-x[1], x[0]))
    body = (f"<h1>{_e(t('report_title'))}</h1><p>{_e(t('files_flags', files=len(rows), flags=sum(r['flags'] for r in rows)))}</p>"
            f"<h2>{_e(t('flags_by_check'))}</h2>"
            f"{bar_chart([(vocab.label('check', c), n) for c, n in checks], t('unit_flags'), codes=[c for c, _ in checks])}"
            f"<h2>{_e(t('funding_chart'))}</h2>{bar_chart(funding[:30], t('unit_yuan'))}"
            f"<h2>{_e(t('documents'))}</h2><p class='tools'><input id='q' type='search' placeholder='{_e(t('search'))}' "
            f"aria-label='{_e(t('search'))}'> <select id='st' aria-label='{_e(t('col_status'))}'><option value=''>"
            f"{_e(t('all_statuses'))}</option>{options}</select> {_e(t('shown'))} <span id='shown'>{len(rows)}</span>"
            f" / {len(rows)}</p>"
            f"<table id='docs'><thead><tr>{heads}</tr></thead><tbody>{''.join(trs)}</tbody></table>")
    return _page(t("report_title"), body, script=True)
