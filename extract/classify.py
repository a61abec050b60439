"""Standards claims: which creation standards a report claims as achieved or only planned.

Each sentence gets P(dimension) from the topic model and P(achieved/planned/none) from the
status model (extract/train.py); a document claims (standard, status) when its best sentence
scores P(dimension) * P(status) at or above `claim_threshold` (corpora/standards/taxonomy.toml).
The evidence is that sentence. Honours (荣获…称号, 被评为…) are found by rules in
`corpora/standards/honours.toml`."""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass

import numpy as np

from .records import Claim, Document, Honour, Sentence
from .resources import load_toml, model_path

log = logging.getLogger(__name__)

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


class ModelError(RuntimeError):
    """The shipped model is missing or cannot be trusted; `shequ train` rebuilds it."""


@dataclass(frozen=True)
class Tagger:
    features: object
    topic: object
    status: object
    labels: tuple[str, ...]
    statuses: tuple[str, ...]

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(P(dimension) [n x 15], P(status) [n x 3] in `statuses` order) for raw sentences."""
        from .train import prepare

        X = self.features.transform([prepare(t) for t in texts])
        topic = self.topic.predict_proba(X)
        status = self.status.predict_proba(X)
        order = [list(self.status.classes_).index(s) for s in self.statuses]
        return topic, status[:, order]


def _load_skops(path) -> dict:
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    bad = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if bad:
        raise ModelError(f"{path.name} holds types outside scikit-learn/numpy/scipy: {bad[:3]}; refusing to load")
    return sio.load(path, trusted=untrusted)


@functools.cache
def tagger() -> Tagger:
    """The shipped model, loaded on first use. When it was trained with another scikit-learn
    minor version, the model is retrained in memory from the shipped corpus (a few seconds)."""
    import sklearn

    from .train import MODEL_NAME, STATUSES, dimensions, fit, load_corpus, training_files

    meta_path, skops_path = model_path(f"{MODEL_NAME}.json"), model_path(f"{MODEL_NAME}.skops")
    model = None
    if meta_path.exists() and skops_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        trained_with = meta["versions"]["scikit-learn"].split(".")[:2]
        if trained_with == sklearn.__version__.split(".")[:2]:
            model = _load_skops(skops_path)
        else:
            log.warning("model trained with scikit-learn %s, installed %s: retraining in memory",
                        meta["versions"]["scikit-learn"], sklearn.__version__)
    if model is None:
        texts, labels, statuses, _ = load_corpus(training_files())
        model = fit(texts, labels, statuses)
    return Tagger(model["features"], model["topic"], model["status"], tuple(dimensions()), tuple(STATUSES))


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
    if re.search(g["plan_title"], document.title):
        return "plan"
    if re.search(g["report_title"], document.title):
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
    status = status.copy()
    g, k = dec["genre_prior"], dec["section_prior"]
    if genre_of(document, status) == "plan":
        status[:, 1] *= g
        status[:, 0] /= g
    else:
        status[:, 0] *= g
        status[:, 1] /= g
    sections = section_of(document)
    for i, s in enumerate(sents):
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
    clear status takes the status its sentences lean to."""
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
            found = [int(status[rows, :2].sum(axis=0).argmax())]
        for si in found:
            score = topic[rows, di] * status[rows, si]
            best = rows[int(score.argmax())]
            s = sents[best]
            out.append(Claim(source=document.source, doc_id=document.doc_id, standard=dim, status=t.statuses[si],
                             score=round(float(score.max()), 3), evidence=s.text, evidence_start=s.start,
                             evidence_end=s.end, n_sentences=int((status[rows, si] >= 0.5).sum())))
    out.sort(key=lambda c: (-c.score, c.standard))
    return out


# --- honours -----------------------------------------------------------------------------------

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


def classify_document(document: Document) -> tuple[tuple[Claim, ...], tuple[Honour, ...]]:
    """Claims and honours of one document."""
    return tuple(claims_of(document)), tuple(honours_of(document))
