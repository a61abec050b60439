"""Standards claims: which creation standards a report claims as achieved or only planned.

Each sentence gets P(dimension) from the topic model and P(achieved/planned/none) from the
status model (extract/train.py); a document claims (standard, status) when its best sentence
scores P(dimension) * P(status) at or above `claim_threshold` (corpora/standards/taxonomy.toml).
The evidence is that sentence. Honours (荣获…称号, 被评为…) are found by rules in
`corpora/standards/honours.toml`."""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

import numpy as np

from .records import Claim, Document, Honour, Sentence
from .resources import load_toml, model_path

log = logging.getLogger(__name__)


class TfidfFeatures:
    """TF-IDF features exactly as scikit-learn's TfidfVectorizer computes them for the trained
    settings (lowercase; word n-grams of space-separated tokens or character n-grams; sublinear
    tf; idf; l2 norm per block), from a fixed vocabulary. Written out so that using the model does
    not import scikit-learn (1.3 s per process here); tests/test_classify.py checks it against
    scikit-learn's own transform.

    Character n-grams are computed for a whole batch of texts at once in numpy: each n-gram of up
    to three characters is packed into one integer (21 bits per code point) and looked up in the
    sorted packed vocabulary."""

    _WHITE = re.compile(r"\s\s+")
    _BITS = 21  # every Unicode code point fits in 21 bits

    def __init__(self, analyzer: str, ngram_range: tuple[int, int], vocab: list[str], idf: np.ndarray,
                 offset: int):
        self.analyzer, self.ngram_range, self.offset = analyzer, tuple(ngram_range), offset
        self.idf = np.asarray(idf, dtype=np.float64)
        self._keys = self.index = None
        if analyzer == "char" and ngram_range[1] * self._BITS <= 64:  # packed n-grams, sorted
            packed = np.array([self._pack(w) for w in vocab], dtype=np.uint64)
            order = np.argsort(packed)
            self._keys, self._cols = packed[order], order.astype(np.int64) + offset
        else:  # word n-grams: a dict from n-gram to column
            self.index = {w: i + offset for i, w in enumerate(vocab)}

    @classmethod
    def _pack(cls, gram: str) -> int:
        key = 0
        for ch in gram:
            key = (key << cls._BITS) | (ord(ch) + 1)  # +1: "\x00a" must not pack like "a"
        return key

    def _grams(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        text = text.lower()
        if self.analyzer == "char":
            text = self._WHITE.sub(" ", text)
            return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]
        tokens = [t for t in text.split(" ") if t]
        return [" ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1)]

    def _counts(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of the vocabulary n-grams in each text, sorted by row then column."""
        if self._keys is None:
            rows, cols = [], []
            for r, text in enumerate(texts):
                js = [j for j in map(self.index.get, self._grams(text)) if j is not None]
                rows += [r] * len(js)
                cols += js
            rows_a, cols_a = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        else:
            points = [np.frombuffer(self._WHITE.sub(" ", t.lower()).encode("utf-32-le"), dtype=np.uint32)
                      for t in texts]
            codes = np.concatenate(points).astype(np.uint64) + np.uint64(1) if points else np.zeros(0, np.uint64)
            row_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(p) for p in points])
            keys, key_rows = [], []
            lo, hi = self.ngram_range
            for n in range(lo, hi + 1):
                m = len(codes) - n + 1
                if m <= 0:
                    continue
                k = codes[:m].copy()
                for j in range(1, n):
                    k = (k << np.uint64(self._BITS)) | codes[j:j + m]
                same = row_of[:m] == row_of[n - 1:n - 1 + m]  # n-grams never cross two texts
                keys.append(k[same])
                key_rows.append(row_of[:m][same])
            if not keys:
                return (np.zeros(0, np.int64),) * 3
            k, kr = np.concatenate(keys), np.concatenate(key_rows)
            pos = np.searchsorted(self._keys, k)
            pos[pos == len(self._keys)] = 0
            hit = self._keys[pos] == k
            rows_a, cols_a = kr[hit], self._cols[pos[hit]]
        width = self.offset + len(self.idf)
        pairs, counts = np.unique(rows_a * width + cols_a, return_counts=True)
        return pairs // width, pairs % width, counts

    def transform(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The block's TF-IDF matrix of `texts` as sparse (row, column, value), sorted by row."""
        rows, cols, counts = self._counts(texts)
        w = (1.0 + np.log(counts)) * self.idf[cols - self.offset]
        norm = np.sqrt(np.bincount(rows, weights=w * w, minlength=len(texts)))
        norm[norm == 0] = 1.0
        return rows, cols, w / norm[rows]

    def weights(self, text: str) -> dict[int, float]:
        """One text's features: {column: value}."""
        _, cols, vals = self.transform([text])
        return dict(zip(cols.tolist(), vals.tolist()))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Tagger:
    """The standards tagger rebuilt from plain arrays: TF-IDF blocks with fixed vocabularies and
    the linear models' coefficients (features x classes)."""

    blocks: tuple[TfidfFeatures, ...]
    topic_coef_t: np.ndarray
    topic_intercept: np.ndarray
    status_coef_t: np.ndarray
    status_intercept: np.ndarray
    status_classes: tuple[str, ...]
    labels: tuple[str, ...]
    statuses: tuple[str, ...]

    def _scores(self, texts: list[str], coef_t: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        from .train import prepare

        out = np.tile(intercept, (len(texts), 1)).astype(np.float64)
        prepared = [prepare(t) for t in texts]
        for block in self.blocks:
            rows, cols, vals = block.transform(prepared)
            if len(rows):
                starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
                out[rows[starts]] += np.add.reduceat(coef_t[cols] * vals[:, None], starts, axis=0)
        return out

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(P(dimension) [n x 15], P(status) [n x 3] in `statuses` order) for raw sentences."""
        coef_t = np.hstack([self.topic_coef_t, self.status_coef_t])
        intercept = np.hstack([self.topic_intercept, self.status_intercept])
        z = self._scores(texts, coef_t, intercept)
        k = self.topic_coef_t.shape[1]
        topic, status = _sigmoid(z[:, :k]), _softmax(z[:, k:])
        order = [self.status_classes.index(s) for s in self.statuses]
        return topic, status[:, order]


def tagger_from_arrays(arrays) -> Tagger:
    """Rebuild the tagger from the arrays `train.to_arrays` wrote."""
    from .train import STATUSES, VECTORIZERS, dimensions

    blocks, offset = [], 0
    for name, params in VECTORIZERS.items():
        vocab = [str(w) for w in arrays[f"{name}_vocab"]]
        blocks.append(TfidfFeatures(params.get("analyzer", "word"), params["ngram_range"], vocab,
                                    np.asarray(arrays[f"{name}_idf"]), offset))
        offset += len(vocab)
    return Tagger(tuple(blocks), np.ascontiguousarray(np.asarray(arrays["topic_coef"]).T),
                  np.asarray(arrays["topic_intercept"]), np.ascontiguousarray(np.asarray(arrays["status_coef"]).T),
                  np.asarray(arrays["status_intercept"]), tuple(str(c) for c in arrays["status_classes"]),
                  tuple(dimensions()), tuple(STATUSES))


@functools.cache
def tagger() -> Tagger:
    """The shipped model, loaded on first use (plain arrays, allow_pickle=False). When it is
    missing, the model is trained in memory from the shipped corpus (a few seconds)."""
    from .train import MODEL_NAME, fit, load_corpus, to_arrays, training_files

    path = model_path(f"{MODEL_NAME}.npz")
    if path.exists():
        with np.load(path, allow_pickle=False) as arrays:
            return tagger_from_arrays({k: arrays[k] for k in arrays.files})
    log.warning("no shipped model at %s: training one in memory (run `shequ train` to save it)", path)
    texts, labels, statuses, _ = load_corpus(training_files())
    return tagger_from_arrays(to_arrays(fit(texts, labels, statuses)))


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
