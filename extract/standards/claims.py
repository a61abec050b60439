"""Standards claims: which creation standards a report claims as achieved or only planned.

Each sentence gets P(dimension) from the topic model and P(achieved/planned/none) from the
status model (`tagger.py`); statuses are weighted by the document's genre and each sentence's
section, and a document claims (standard, status) from its best sentences by the thresholds of
`corpora/standards/taxonomy.toml` [decision]. The evidence is that sentence."""
from __future__ import annotations

import functools
import re

import numpy as np

from ..records import Claim, Document, Sentence
from ..resources import load_toml
from .tagger import tagger


@functools.cache
def _decision() -> dict:
    return load_toml("standards/taxonomy.toml")["decision"]


def sentence_scores(sentences: list[Sentence]) -> tuple[list[Sentence], np.ndarray, np.ndarray]:
    """The sentences worth classifying, with their topic and status probabilities."""
    keep = [s for s in sentences if len(s.text) >= _decision()["min_sentence_chars"]]
    if not keep:
        return [], np.zeros((0, 15)), np.zeros((0, 3))
    topic, status = tagger().predict([s.text for s in keep])
    return keep, topic, status


def genre_of(document: Document, status: np.ndarray | None = None) -> str:
    """'plan' for 意见/方案/规划 (requirements), 'report' for 总结/汇报/经验交流; from the title, else
    from whether the sentences lean planned."""
    g = load_toml("standards/taxonomy.toml")["genre"]
    title = re.split(r"[，。；,;!！?？]", document.title, maxsplit=1)[0][:40]  # a title run on into the text
    if re.search(g["plan_title"], title):
        return "plan"
    if re.search(g["report_title"], title):
        return "report"
    if status is not None and len(status) and status[:, 1].mean() > 1.5 * status[:, 0].mean():
        return "plan"
    return "report"


def section_of(document: Document) -> dict[int, str]:
    """Sentence index -> what its section holds ('problems', 'plans', 'achievements' or ''),
    from the nearest section heading before it."""
    sec = load_toml("standards/taxonomy.toml")["sections"]
    heading = re.compile(sec["heading"])
    current, out = "", {}
    for s in document.sentences:
        if heading.match(s.text) and len(s.text) <= 40:
            current = next((k for k in ("problems", "plans", "achievements") if re.search(sec[k], s.text)), "")
        out[s.index] = current
    return out


def apply_priors(document: Document, sents: list[Sentence], status: np.ndarray) -> np.ndarray:
    """Status probabilities weighted by the document's genre and each sentence's section:
    planned up in a plan or a 下一步打算 section, achieved up in a report, both claims down in a
    存在的问题 section."""
    dec = _decision()
    markers = load_toml("standards/taxonomy.toml")["markers"]
    status = status.copy()
    g, k = dec["genre_prior"], dec["section_prior"]
    plan = genre_of(document, status) == "plan"
    sections = section_of(document)
    for i, s in enumerate(sents):
        if plan and not re.search(markers["achieved"], s.text):
            status[i, 1] *= g
            status[i, 0] /= g
        elif not plan and not re.search(markers["planned"], s.text):
            status[i, 0] *= g
            status[i, 1] /= g
        where = sections.get(s.index, "")
        if where == "problems":
            status[i, :2] /= k
        elif where == "plans":
            status[i, 1] *= k
        elif where == "achievements":
            status[i, 0] *= k
    return status / status.sum(axis=1, keepdims=True)


def claims_of(document: Document) -> list[Claim]:
    """Document-level (standard, status) claims, each with its best evidence sentence.

    A dimension is spoken of by the sentences whose P(dimension) reaches `topic_threshold`; the
    document claims it as achieved (planned) when one of them reaches `status_threshold` for
    that status, after weighting statuses by the document's genre. A dimension spoken of with no
    clear status takes the status its sentences lean to, if its best score reaches
    `fallback_min_score` (a dimension only named in passing or as a problem is not claimed)."""
    sents, topic, status = sentence_scores(list(document.sentences))
    if not sents:
        return []
    t, dec = tagger(), _decision()
    status = apply_priors(document, sents, status)
    out = []
    for di, dim in enumerate(t.labels):
        rows = np.flatnonzero(topic[:, di] >= dec["topic_threshold"])
        if not len(rows):
            continue
        found = []
        for si, state in enumerate(t.statuses[:2]):
            if status[rows, si].max() >= dec["status_threshold"]:
                found.append(si)
        if not found:
            lean = int(status[rows, :2].sum(axis=0).argmax())
            if (topic[rows, di] * status[rows, lean]).max() >= dec["fallback_min_score"]:
                found = [lean]
        for si in found:
            score = topic[rows, di] * status[rows, si]
            best = rows[int(score.argmax())]
            s = sents[best]
            out.append(Claim(source=document.source, doc_id=document.doc_id, standard=dim, status=t.statuses[si],
                             score=round(float(score.max()), 3), evidence=s.text, evidence_start=s.start,
                             evidence_end=s.end,
                             n_sentences=max(1, int((status[rows].argmax(axis=1) == si).sum()))))
    out.sort(key=lambda c: (-c.score, c.standard))
    return out
