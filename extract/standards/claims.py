"""Standards claims: which creation standards a report claims as achieved or only planned.

Three steps, each driven by `corpora/standards/taxonomy.toml`:

1. `evidence()`: every sentence gets P(dimension) from the topic model and P(achieved / planned /
   none) from the status model (`tagger.py`), and the flags the rules read: whether it is part of
   the report's body ([not_body]: headings, short unpunctuated lines, site furniture, the items of
   an assessment checklist and quoted speech are not), its own status cues ([status_cues], read
   clause by clause), the cues of a lead clause that governs it (`到2025年末，…；…；…。`), the
   section it stands in and the honours it claims.
2. `adjusted_status()`: the model's P(none) says whether a sentence asserts anything at all; its
   cues, the document's lean and the weak priors of genre and section only move the rest between
   achieved and planned (status follows the sentence, not the genre: GUIDELINES §2).
3. `decide()`: a dimension is claimed when a body sentence supports it (P(dimension) x
   P(claim)) past `dimension_threshold`, with the status its best sentence leans to, and the
   other status as well when one of its supporting sentences gives that one a clear share. The
   evidence is that sentence; the score is its support mapped through the calibration measured
   by cross-validation across documents ([calibration]): the share of such claims that are right.

The parameters were chosen by leave-one-document-out cross-validation over the seeds and the
public real set (`bench/standards_cv.py`; the model card records how and the scores)."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import numpy as np

from ..records import Claim, Document, Sentence
from ..resources import fill, load_toml
from .honours import honours_of
from .tagger import Tagger, tagger

ACHIEVED, PLANNED, NONE = 0, 1, 2
_EPS = 1e-9


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
    """The compiled rules of taxonomy.toml."""
    t = _taxonomy()
    nb, cues, sec, g = t["not_body"], t["status_cues"], t["sections"], t["genre"]
    headings = load_toml("cues.toml")["headings"]
    return {
        "heading": re.compile(fill(headings["numbered_line"], headings)),
        "checklist": _alternation(nb["checklist"]),
        "not_body": _alternation(nb["furniture"] + nb["quote"] + nb["checklist"] + nb["checklist_item"]),
        "honour_terms": [_alternation(re.escape(c) for c in d["cues"]) for d in t["dimension"]],
        "first_cue": re.compile(f"(?P<planned>{'|'.join(cues['planned'])})|(?P<achieved>{'|'.join(cues['achieved'])})"),
        "lead_planned": _alternation(cues["lead_planned"]),
        "lead_achieved": _alternation(cues["lead_achieved"]),
        "sec_heading": re.compile(fill(headings["section"], headings)),
        "sec": {k: _alternation(sec[k]) for k in ("problems", "plans", "achievements")},
        "plan_title": _alternation(g["plan_title"]),
        "report_title": _alternation(g["report_title"]),
        "title_end": re.compile(g["title_end"]),
        "clause": re.compile(t["punctuation"]["clause"]),
        "goes_on": t["punctuation"]["goes_on"],
    }


@dataclass(frozen=True)
class Evidence:
    """A document's sentences as the decision reads them (rows in document order)."""

    sentences: tuple[Sentence, ...]
    topic: np.ndarray  # P(dimension), n x dimensions
    status: np.ndarray  # P(achieved, planned, none) from the model, n x 3
    body: np.ndarray  # bool: the sentence is part of the report's body (quoted speech is not)
    cue: np.ndarray  # n x 2 int: the sentence's own achieved / planned cues (0/1)
    scope: np.ndarray  # n x 2 int: the cues of the lead clause that governs it
    section: np.ndarray  # n x 2 bool: its section's heading names plans / achievements
    honour: np.ndarray  # n x dimensions bool: it claims an honour whose title names the dimension
    plan: bool  # the document is a plan by its title (a weak prior)

    @classmethod
    def empty(cls, dims: int) -> "Evidence":
        z = np.zeros((0, 2), np.int8)
        return cls((), np.zeros((0, dims)), np.zeros((0, 3)), np.zeros(0, bool), z, z, np.zeros((0, 2), bool),
                   np.zeros((0, dims), bool), False)


def genre_of(document: Document) -> str:
    """'plan' for 意见/方案/规划 (requirements), else 'report', from the head of the title."""
    r = _rules()
    title = r["title_end"].split(document.title, maxsplit=1)[0][:40]
    return "plan" if r["plan_title"].search(title) and not r["report_title"].search(title) else "report"


def status_cues(text: str) -> tuple[int, int]:
    """(achieved, planned): whether some clause of the sentence has each status by its first cue
    (要利用已经建成的设施 is planned: 要 comes first; 计划改造40个，截至6月底已开工21个 has both)."""
    r = _rules()
    a = pl = 0
    first = r["first_cue"].search
    for clause in r["clause"].split(text):
        if m := first(clause):  # the leftmost cue of either kind; a planned one where both start
            if m.lastgroup == "planned":
                pl = 1
            else:
                a = 1
    return a, pl


def _line_alone(text: str, s: Sentence) -> bool:
    """The sentence is a whole line with no punctuation but 、 and quotes (a heading, a title, a
    portal's name)."""
    before = text[s.start - 1] if s.start > 0 else "\n"
    after = text[s.end] if s.end < len(text) else "\n"
    return before == "\n" and after == "\n" and not _rules()["clause"].search(s.text)


def evidence(document: Document, model: Tagger | None = None) -> Evidence:
    """Model scores and rule flags of every sentence worth reading."""
    p, r = params(), _rules()
    model = model or tagger()
    text = document.text
    sents = tuple(s for s in document.sentences if len(s.text) >= p["min_sentence_chars"])
    n, dims = len(sents), len(r["honour_terms"])
    if not n:
        return Evidence.empty(dims)
    topic, status = model.predict([s.text for s in sents])
    body = np.ones(n, bool)
    cues = {t: status_cues(t) for t in dict.fromkeys(s.text for s in sents)}  # once per distinct text
    cue = np.array([cues[s.text] for s in sents], np.int8).reshape(n, 2)
    scope = np.zeros((n, 2), np.int8)
    section = np.zeros((n, 2), bool)
    current = np.zeros(2, bool)
    lead = np.zeros(2, np.int8)  # the cues of the lead clause governing the next clauses
    checklist = False  # inside the items of an assessment checklist
    for i, s in enumerate(sents):
        t = s.text
        short = len(t) <= p["max_heading_chars"]
        if short and r["sec_heading"].match(t):
            problems, plans, done = (bool(r["sec"][k].search(t)) for k in ("problems", "plans", "achievements"))
            current = np.array([plans, done and not problems])
        section[i] = current
        if (short and r["heading"].match(t)) or (_line_alone(text, s) and not cue[i].any()
                                                 and len(t) <= p["max_line_heading_chars"]):
            body[i] = False
        not_body = r["not_body"].search(t)  # furniture, quoted speech, a checklist or its item
        if not_body or checklist:
            body[i] = False
        scope[i] = lead
        if t[-1] in r["goes_on"]:  # the statement goes on in the next sentence
            checklist = checklist or (not_body is not None and bool(r["checklist"].search(t)))
            new = np.array([bool(r["lead_achieved"].search(t)), bool(r["lead_planned"].search(t))], np.int8)
            lead = new if new.any() else lead
        else:
            lead, checklist = np.zeros(2, np.int8), False
    honour = np.zeros((n, dims), bool)
    starts = [s.start for s in sents]
    for h in honours_of(document):
        i = bisect.bisect_right(starts, h.start) - 1
        if i >= 0 and h.start < sents[i].end:
            named = text[h.start:sents[i].end]  # every title after the verb (荣获“A”、“B”等称号)
            honour[i] |= [bool(k.search(named)) for k in r["honour_terms"]]
    return Evidence(sents, topic, status, body, cue, scope, section, honour, genre_of(document) == "plan")


def adjusted_status(ev: Evidence, p: dict) -> np.ndarray:
    """P(achieved), P(planned), P(none) of each sentence after its cues and priors.

    P(none) is the model's; the odds of achieved against planned are the model's times
    `cue_factor` for an own cue of one kind (over the other; cues of both kinds cancel),
    `scope_factor` for a lead clause's cue, `genre_prior` for the title's genre, `section_prior`
    for a heading that names plans or achievements, and, for a sentence with no cue of its own or
    inherited, ((1 + achieved-only) / (1 + planned-only)) ** `document_weight` over the document's
    cued sentences (the document's lean, read from what its sentences say)."""
    st = ev.status
    if not len(st):
        return st.copy()
    log_odds = np.log(st[:, ACHIEVED] + _EPS) - np.log(st[:, PLANNED] + _EPS)
    for cues, f in ((ev.cue, p["cue_factor"]), (ev.scope, p["scope_factor"])):
        log_odds += np.log(f) * (cues[:, 0].astype(float) - cues[:, 1])
    log_odds += np.log(p["genre_prior"]) * (-1.0 if ev.plan else 1.0)
    log_odds += np.log(p["section_prior"]) * (ev.section[:, 1].astype(float) - ev.section[:, 0])
    only_a = int(((ev.cue[:, 0] == 1) & (ev.cue[:, 1] == 0)).sum())
    only_p = int(((ev.cue[:, 1] == 1) & (ev.cue[:, 0] == 0)).sum())
    unmarked = (ev.cue.sum(axis=1) == 0) & (ev.scope.sum(axis=1) == 0)
    log_odds += p["document_weight"] * (np.log1p(only_a) - np.log1p(only_p)) * unmarked
    claim = 1.0 - st[:, NONE]
    share = 1.0 / (1.0 + np.exp(-log_odds))
    return np.stack([claim * share, claim * (1 - share), st[:, NONE]], axis=1)


def calibrate(support: float, table: dict | None = None) -> float:
    """The score of a claim whose evidence has this support: the share of such claims that are
    right, read from the calibration table ([calibration]: support -> share right, measured by
    cross-validation across documents), linearly between its points."""
    table = _taxonomy().get("calibration", {}) if table is None else table
    xs, ys = table.get("support", []), table.get("share_right", [])
    return float(np.interp(support, xs, ys)) if xs else float(support)


def decide(ev: Evidence, p: dict) -> list[tuple[int, int, float, int, int]]:
    """(dimension, status, support, evidence row, supporting rows) of each claim.

    A dimension is claimed when its best body sentence's P(dimension) x P(claim) reaches
    `dimension_threshold` (P(dimension) is at least `honour_topic` in a sentence claiming an honour
    whose title names the dimension). The claim takes the status that sentence leans to; the other
    status too when one of the dimension's supporting sentences (those within `support_ratio` of
    the best) gives it a share of at least `second_status_share`. Support = P(dimension) x
    P(that status)."""
    if not len(ev.sentences):
        return []
    st = adjusted_status(ev, p)
    claim = st[:, ACHIEVED] + st[:, PLANNED]
    share = st[:, ACHIEVED] / np.maximum(claim, _EPS)
    topic = np.maximum(ev.topic, ev.honour * p["honour_topic"])
    dimsup = topic * (claim * ev.body)[:, None]
    out = []
    for di in np.flatnonzero(dimsup.max(axis=0) >= p["dimension_threshold"]):
        col = dimsup[:, di]
        best = int(col.argmax())
        rows = np.flatnonzero(col >= col[best] * p["support_ratio"])
        first = ACHIEVED if share[best] >= 0.5 else PLANNED
        for si in (ACHIEVED, PLANNED):
            sh = share if si == ACHIEVED else 1.0 - share
            if si == first:
                out.append((int(di), si, float(col[best] * sh[best]), best, int((sh[rows] >= 0.5).sum())))
            elif (ok := rows[sh[rows] >= p["second_status_share"]]).size:
                r = int(ok[np.argmax(col[ok])])
                out.append((int(di), si, float(col[r] * sh[r]), r, len(ok)))
    return out


def claims_of(document: Document) -> list[Claim]:
    """Document-level (standard, status) claims, each with its evidence sentence and score."""
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
