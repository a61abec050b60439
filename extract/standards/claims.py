"""Standards claims: which creation standards a report claims as achieved or only planned.

Three steps, each driven by `corpora/standards/taxonomy.toml`:

1. `evidence()`: every sentence of the report's body gets P(dimension) from the topic model and
   P(achieved/planned/none) from the status model (`tagger.py`). Text that is not the body
   (site furniture, headings, the items of an assessment checklist) is kept out ([not_body]).
2. The status of a sentence is read from its own modality and time cues ([status_cues]:
   已/建成/截至… against 要/将/力争/到20XX年…), a cue of a lead clause carrying over the clauses
   it governs (`到2025年末，…；…；…。`); the document's genre and the section a sentence stands in
   are weak priors only.
3. `decide()`: a document claims (standard, status) when its best sentence's P(dimension) x
   P(status) reaches the status's threshold ([decision]); the claim's score is that support
   mapped through the calibration table measured by cross-validation across documents
   ([calibration]), so that a score reads as the share of such claims that are right. The
   evidence is that best sentence."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import numpy as np

from ..records import Claim, Document, Sentence
from ..resources import load_toml
from .honours import honours_of
from .tagger import Tagger, tagger

ACHIEVED, PLANNED, NONE = 0, 1, 2


@functools.cache
def _taxonomy() -> dict:
    return load_toml("standards/taxonomy.toml")


def params() -> dict:
    """The decision parameters ([decision] of taxonomy.toml)."""
    return dict(_taxonomy()["decision"])


def _alternation(words) -> re.Pattern:
    words = list(words)
    return re.compile("|".join(words) if words else "(?!)")


@functools.cache
def _rules() -> dict:
    """The compiled cue lists of taxonomy.toml."""
    t = _taxonomy()
    nb, cues, sec, g = t["not_body"], t["status_cues"], t["sections"], t["genre"]
    return {
        "heading": re.compile(nb["heading"]),
        "furniture": _alternation(nb["furniture"]),
        "checklist": _alternation(nb["checklist"]),
        "checklist_item": _alternation(nb["checklist_item"]),
        "quote": re.compile(nb["quote"]),
        "keywords": [_alternation(re.escape(c) for c in d["cues"]) for d in t["dimension"]],
        "achieved": _alternation(cues["achieved"]),
        "planned": _alternation(cues["planned"]),
        "lead_planned": _alternation(cues["lead_planned"]),
        "lead_achieved": _alternation(cues["lead_achieved"]),
        "sec_heading": re.compile(sec["heading"]),
        "sec": {k: _alternation(sec[k]) for k in ("problems", "plans", "achievements")},
        "plan_title": _alternation(g["plan_title"]),
        "report_title": _alternation(g["report_title"]),
    }


@dataclass(frozen=True)
class Evidence:
    """A document's sentences as the decision reads them (rows in document order)."""

    sentences: tuple[Sentence, ...]
    topic: np.ndarray  # P(dimension), n x 15
    status: np.ndarray  # P(achieved, planned, none) from the model, n x 3
    body: np.ndarray  # bool: the sentence is part of the report's body
    cue: np.ndarray  # n x 2 int: the sentence's own achieved / planned cues (0/1)
    scope: np.ndarray  # n x 2 int: cues inherited from the lead clause that governs it
    section: np.ndarray  # n x 3 bool: the section holds problems / plans / achievements
    quote: np.ndarray  # bool: the sentence is quoted speech (a news report quoting an official)
    keyword: np.ndarray  # n x 15 bool: the sentence names one of the dimension's cue terms
    honour: np.ndarray  # n x 15 bool: the sentence claims an honour whose title names the dimension
    plan: bool  # the document is a plan (by its title), a weak prior


def genre_of(document: Document) -> str:
    """'plan' for 意见/方案/规划 (requirements), else 'report', from the head of the title."""
    r = _rules()
    title = re.split(r"[，。；,;!！?？]", document.title, maxsplit=1)[0][:40]
    if r["plan_title"].search(title) and not r["report_title"].search(title):
        return "plan"
    return "report"


def _continues(text: str, s: Sentence) -> bool:
    """The sentence ends inside a larger statement: on ；/; or ：/: (a list of clauses follows)."""
    return bool(s.text) and s.text[-1] in "；;：:"


def _line_alone(text: str, s: Sentence) -> bool:
    """The sentence is a whole line with no punctuation but 、 and quotes (a heading, a title, a
    portal's name)."""
    before = text[s.start - 1] if s.start > 0 else "\n"
    after = text[s.end] if s.end < len(text) else "\n"
    return before == "\n" and after == "\n" and not _CLAUSE.search(s.text) and s.text[-1] not in "。！？!?"


_CLAUSE = re.compile(r"[，,；;：:。！？!?]")


def status_cues(text: str) -> tuple[int, int]:
    """(achieved, planned): whether some clause of the sentence has each status by its first cue
    (要利用已经建成的设施 is planned: 要 comes first; 计划改造440个，截至6月底已开工129个 has both)."""
    r = _rules()
    a = pl = 0
    for clause in _CLAUSE.split(text):
        ma, mp = r["achieved"].search(clause), r["planned"].search(clause)
        if ma and (not mp or ma.start() < mp.start()):
            a = 1
        elif mp:
            pl = 1
    return a, pl


def evidence(document: Document, model: Tagger | None = None) -> Evidence:
    """Model scores and rule flags of every sentence worth reading."""
    p, r = params(), _rules()
    text = document.text
    sents = tuple(s for s in document.sentences if len(s.text) >= p["min_sentence_chars"])
    n = len(sents)
    if not n:
        z = np.zeros((0, 2), dtype=np.int8)
        return Evidence((), np.zeros((0, 15)), np.zeros((0, 3)), np.zeros(0, bool), z, z, np.zeros((0, 3), bool),
                        np.zeros(0, bool), np.zeros((0, 15), bool), np.zeros((0, 15), bool), False)
    topic, status = (model or tagger()).predict([s.text for s in sents])
    body = np.ones(n, bool)
    cue = np.zeros((n, 2), np.int8)
    scope = np.zeros((n, 2), np.int8)
    section = np.zeros((n, 3), bool)
    quote = np.array([bool(r["quote"].match(s.text)) for s in sents])
    current = np.zeros(3, bool)
    lead = np.zeros(2, np.int8)  # the cues of the lead clause governing the next clauses
    checklist = False  # inside the items of a checklist
    for i, s in enumerate(sents):
        t = s.text
        heading = bool(r["heading"].match(t)) and len(t) <= p["max_heading_chars"]
        if r["sec_heading"].match(t) and len(t) <= p["max_heading_chars"]:
            current = np.array([bool(r["sec"][k].search(t)) for k in ("problems", "plans", "achievements")])
        section[i] = current
        cue[i] = status_cues(t)
        if heading or (_line_alone(text, s) and len(t) <= p["max_line_heading_chars"] and not cue[i].any()):
            body[i] = False
        if r["furniture"].search(t):
            body[i] = False
        if checklist or r["checklist"].search(t) or r["checklist_item"].search(t):
            body[i] = False
        scope[i] = lead
        # what this sentence passes on to the clauses after it
        if _continues(text, s):
            if r["checklist"].search(t):
                checklist = True
            new = np.array([bool(r["lead_achieved"].search(t)), bool(r["lead_planned"].search(t))], np.int8)
            lead = new if new.any() else lead
        else:
            lead = np.zeros(2, np.int8)
            checklist = False
    keyword = np.array([[bool(k.search(s.text)) for k in r["keywords"]] for s in sents], bool)
    honour = np.zeros((n, len(r["keywords"])), bool)
    starts = [s.start for s in sents]
    for h in honours_of(document):
        i = bisect.bisect_right(starts, h.start) - 1
        if i >= 0 and h.start < sents[i].end:
            named = text[h.start:sents[i].end]  # the titles after the verb (荣获“A”、“B”等称号)
            honour[i] |= [bool(k.search(named)) for k in r["keywords"]]
    return Evidence(sents, topic, status, body, cue, scope, section, quote, keyword, honour,
                    genre_of(document) == "plan")


def adjusted_status(ev: Evidence, p: dict) -> np.ndarray:
    """P(achieved), P(planned), P(none) of each sentence after its cues and the weak priors.

    The model's P(none) says whether the sentence asserts anything; the cues and priors only
    move the rest between achieved and planned, in odds: achieved:planned is the model's ratio
    raised to `model_weight`, times `cue_factor` for each own cue of one kind (over the other),
    `scope_factor` for a cue inherited from the lead clause, ((1 + achieved cues) / (1 + planned
    cues)) ** `context_weight` over the `context_window` sentences around it, `genre_prior` for
    the genre's status and `section_prior` for a section whose heading names it. A sentence with
    cues of both kinds (计划改造440个，截至6月底已开工129个) supports both statuses in full when
    `both_cues` is 1. A problems section divides the odds of a claim by `section_prior`."""
    st = ev.status
    if not len(st):
        return st.copy()
    eps = 1e-9
    claim = 1.0 - st[:, NONE]
    log_odds = p["model_weight"] * (np.log(st[:, ACHIEVED] + eps) - np.log(st[:, PLANNED] + eps))
    for cues, f in ((ev.cue, p["cue_factor"]), (ev.scope, p["scope_factor"])):
        log_odds += np.log(f) * (cues[:, 0].astype(float) - cues[:, 1])
    log_odds += np.log(p["genre_prior"]) * (-1.0 if ev.plan else 1.0)
    w, lam = int(p["context_window"]), p["context_weight"]
    if w and lam:
        own = ev.cue.astype(float)
        c = np.cumsum(np.vstack([np.zeros((1, 2)), own]), axis=0)
        n = len(own)
        lo, hi = np.clip(np.arange(n) - w, 0, n), np.clip(np.arange(n) + w + 1, 0, n)
        around = c[hi] - c[lo] - own  # the neighbours' cues, the sentence's own left out
        log_odds += lam * (np.log1p(around[:, 0]) - np.log1p(around[:, 1]))
    k = np.log(p["section_prior"])
    log_odds += k * (ev.section[:, 2].astype(float) - ev.section[:, 1])
    claim_odds = np.log(claim + eps) - np.log(st[:, NONE] + eps) - k * ev.section[:, 0]
    claim = 1.0 / (1.0 + np.exp(-claim_odds))
    share = 1.0 / (1.0 + np.exp(-log_odds))
    out = np.stack([claim * share, claim * (1 - share), 1 - claim], axis=1)
    if p["both_cues"]:
        both = (ev.cue[:, 0] == 1) & (ev.cue[:, 1] == 1)
        out[both, ACHIEVED] = out[both, PLANNED] = claim[both]
    return out


def calibrate(support: float, p: dict | None = None) -> float:
    """The calibrated score of a claim whose best sentence has this support ([calibration])."""
    table = _taxonomy().get("calibration", {})
    xs, ys = table.get("support", []), table.get("share_right", [])
    if not xs:
        return float(support)
    return float(np.interp(support, xs, ys))


def support(ev: Evidence, p: dict) -> np.ndarray:
    """P(dimension) x P(status) of every body sentence: rows x (achieved, planned) x dimensions."""
    st = adjusted_status(ev, p)
    body = ev.body & ~ev.quote if p["exclude_quotes"] else ev.body
    topic = _topic(ev, p)
    return topic[:, None, :] * st[:, :2, None] * body[:, None, None]


def _topic(ev: Evidence, p: dict) -> np.ndarray:
    """P(dimension), raised to `honour_topic` for a dimension an honour's title names."""
    topic = ev.topic * np.where(ev.keyword, 1.0, p["no_keyword_factor"])
    return np.maximum(topic, ev.honour * p["honour_topic"])


def decide(ev: Evidence, p: dict) -> list[tuple[int, int, float, int, int]]:
    """(dimension, status, support, best row, supporting rows) of each claim."""
    if not len(ev.sentences):
        return []
    if p.get("assign"):
        return _decide_assign(ev, p)
    sup = support(ev, p)
    best, rows = sup.max(axis=0), sup.argmax(axis=0)
    out = []
    for si, thr in ((ACHIEVED, p["achieved_threshold"]), (PLANNED, p["planned_threshold"])):
        for di in np.flatnonzero(best[si] >= thr):
            out.append((int(di), si, float(best[si, di]), int(rows[si, di]), int((sup[:, si, di] >= thr).sum())))
    return out


def _decide_assign(ev: Evidence, p: dict) -> list[tuple[int, int, float, int, int]]:
    """A dimension is claimed when its best sentence's P(dimension) x P(claim) reaches
    `dimension_threshold`; the claim takes the status its best sentence leans to, and the other
    status too when one of the dimension's supporting sentences (within `support_ratio` of the
    best) gives it a share of at least `second_status_share`."""
    st = adjusted_status(ev, p)
    claim = st[:, ACHIEVED] + st[:, PLANNED]
    share = np.where(claim > 0, st[:, ACHIEVED] / np.maximum(claim, 1e-9), 0.5)
    body = ev.body & ~ev.quote if p["exclude_quotes"] else ev.body
    both = (ev.cue[:, 0] == 1) & (ev.cue[:, 1] == 1) if p["both_cues"] else np.zeros(len(claim), bool)
    dimsup = _topic(ev, p) * (claim * body)[:, None]
    out = []
    for di in np.flatnonzero(dimsup.max(axis=0) >= p["dimension_threshold"]):
        col = dimsup[:, di]
        best = int(col.argmax())
        rows = np.flatnonzero(col >= col[best] * p["support_ratio"])
        first = ACHIEVED if share[best] >= 0.5 else PLANNED
        shares = {ACHIEVED: share[rows], PLANNED: 1 - share[rows]}
        for si in (ACHIEVED, PLANNED):
            if si == first:
                out.append((int(di), si, float(col[best] * max(share[best], 1 - share[best])), best, len(rows)))
                continue
            ok = (shares[si] >= p["second_status_share"]) | both[rows]
            if ok.any():
                r = int(rows[ok][np.argmax(col[rows][ok])])
                out.append((int(di), si, float(col[r] * (share[r] if si == ACHIEVED else 1 - share[r])), r,
                            int(ok.sum())))
    return out


def claims_of(document: Document) -> list[Claim]:
    """Document-level (standard, status) claims, each with its best evidence sentence."""
    ev = evidence(document)
    t = tagger()
    out = []
    for di, si, support, row, n in decide(ev, params()):
        s = ev.sentences[row]
        out.append(Claim(source=document.source, doc_id=document.doc_id, standard=t.labels[di],
                         status=t.statuses[si], score=round(calibrate(support), 3), evidence=s.text,
                         evidence_start=s.start, evidence_end=s.end, n_sentences=max(1, n)))
    out.sort(key=lambda c: (-c.score, c.standard))
    return out
