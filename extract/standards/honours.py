"""Honours a report claims (荣获“全省和谐社区建设示范城区”称号, 被评为省级文明社区), found by the
rules of `corpora/standards/honours.toml`."""
from __future__ import annotations

import functools
import re

from ..records import Document, Honour
from ..resources import load_toml


def _alt(words, longest_first: bool = False) -> str:
    words = sorted(words, key=len, reverse=True) if longest_first else words
    return "|".join(re.escape(w) for w in words)


@functools.cache
def _honour_rules():
    """(honour pattern, holder pattern, title-suffix pattern, levels, year pattern) from
    corpora/standards/honours.toml."""
    d = load_toml("standards/honours.toml")
    (t0, t1), (q0, q1), (h0, h1) = d["title_chars"], d["quoted_title_chars"], d["holder_chars"]
    title_end = "|".join(re.escape(w[:-1]) + rf"[^，。；,;]{{0,{d['open_end_chars']}}}" if w.endswith("…") else re.escape(w)
                         for w in d["title_ends"])
    pattern = re.compile(rf"(?P<verb>{_alt(d['verbs'], longest_first=True)})(?:{re.escape(d['verb_particle'])})?"
                         rf"(?P<title>“[^”]{{{q0},{q1}}}”|[^，。；,;“”]{{{t0},{t1}}}?(?:{title_end}))")
    holder = re.compile(rf"([\u4e00-\u9fffA-Za-z0-9、]{{{h0},{h1}}}?(?:{_alt(d['holder_ends'])}))"
                        rf"(?:[^，。；]{{0,{d['holder_gap_chars']}}})$")
    suffix = re.compile(rf"(?:{_alt(d['title_suffixes'])})$")
    levels = [(re.compile(p), lvl) for lvl, ps in d["levels"].items() for p in ps]
    return pattern, holder, suffix, levels, re.compile(d["year"])


def honours_of(document: Document) -> list[Honour]:
    """Honours the report claims (荣获“全省和谐社区建设示范城区”称号, 被评为省级文明社区)."""
    pattern, holder_pattern, suffix, levels, year = _honour_rules()
    out = []
    for s in document.sentences:
        for m in pattern.finditer(s.text):
            title = m.group("title").strip("“”")
            title = suffix.sub("", title).strip("“”")
            if len(title) < 3:
                continue
            head = s.text[:m.start()]
            clause = re.split(r"[，,；;。]", head)[-1]
            hm = holder_pattern.search(clause) or holder_pattern.search(head)
            holder = hm.group(1).lstrip("、") if hm else ""
            level = next((lvl for rx, lvl in levels if rx.search(title)), "")
            years = year.findall(head)
            out.append(Honour(source=document.source, doc_id=document.doc_id, holder=holder, title=title,
                              level=level, year=years[-1] if years else "", sentence=s.text,
                              start=s.start + m.start(), end=s.start + m.end()))
    return out
