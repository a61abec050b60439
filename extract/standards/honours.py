"""Honours a report claims (荣获“全省和谐社区建设示范城区”称号, 被评为省级文明社区), found by the
rules of `corpora/standards/honours.toml`."""
from __future__ import annotations

import functools
import re

from ..records import Document, Honour
from ..resources import load_toml


@functools.cache
def _honour_rules():
    data = load_toml("standards/honours.toml")
    verbs = "|".join(sorted(data["verbs"], key=len, reverse=True))
    pattern = re.compile(rf"(?P<verb>{verbs})(?:了)?(?P<title>“[^”]{{2,40}}”|[^，。；,;“”]{{2,30}}?(?:称号|荣誉|表彰|奖|先进单位|先进集体|示范[^，。；,;]{{0,8}}|社区))")
    levels = [(re.compile(p), lvl) for lvl, ps in data["levels"].items() for p in ps]
    return pattern, levels


_YEAR = re.compile(r"((?:19|20)\d{2})年")
_HOLDER = re.compile(r"([\u4e00-\u9fffA-Za-z0-9、]{2,24}?(?:社区|街道|区|县|市|镇|乡|村|单位|局))(?:[^，。；]{0,6})$")


def honours_of(document: Document) -> list[Honour]:
    """Honours the report claims (荣获“全省和谐社区建设示范城区”称号, 被评为省级文明社区)."""
    pattern, levels = _honour_rules()
    out = []
    for s in document.sentences:
        for m in pattern.finditer(s.text):
            title = m.group("title").strip("“”")
            title = re.sub(r"(?:称号|荣誉称号)$", "", title).strip("“”")
            if len(title) < 3:
                continue
            head = s.text[:m.start()]
            clause = re.split(r"[，,；;。]", head)[-1]
            hm = _HOLDER.search(clause) or _HOLDER.search(head)
            holder = hm.group(1).lstrip("、") if hm else ""
            level = next((lvl for rx, lvl in levels if rx.search(title)), "")
            years = _YEAR.findall(head)
            out.append(Honour(source=document.source, doc_id=document.doc_id, holder=holder, title=title,
                              level=level, year=years[-1] if years else "", sentence=s.text,
                              start=s.start + m.start(), end=s.start + m.end()))
    return out
