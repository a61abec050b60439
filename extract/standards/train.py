"""Train the standards tagger from the labelled sentences in `corpora/standards/*.jsonl`.

One scikit-learn feature extractor (TF-IDF of character 1-3-grams of the sentence) and two
logistic-regression models: `topic` (which of the 15 dimensions a sentence claims, one-vs-rest,
multi-label, trained on the sentences that claim something) and `status` (achieved / planned /
none, trained on all). Their settings (`CLASSIFIERS`) and the training subsets were chosen by
cross-validation across documents (bench/standards_cv.py). Adding jieba word 1-2-grams gave the same
cross-validated scores (topic micro-F1 0.927 against 0.925) and a lower dev-set standards F1 (0.806
against 0.866), and segmenting every sentence for it cost 0.75 s of the 6.5 s that 60 reports spent
in `process()` (cProfile), so the tagger reads characters only.

The model is saved as plain arrays, `models/standard_tagger.npz` (vocabularies, IDF weights,
coefficients; loaded with allow_pickle=False, so loading can never execute code, and in
milliseconds), with `standard_tagger.json` beside it: the training data's sha256, the library
versions, the labels and the cross-validated metrics. Training is deterministic (fixed seed),
so a fresh clone rebuilds the same model."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..resources import corpus_path, model_path
from .model import MODEL_NAME, STATUSES, VECTORIZERS, contract, dimensions, prepare

SEED = 0
TOPIC_ON = "claims"  # see topic_rows
# the two logistic regressions' settings (scikit-learn LogisticRegression)
# chosen by cross-validation across documents (bench/standards_cv.py; the model card has the scores)
CLASSIFIERS = {"topic": {"C": 2.0, "class_weight": "balanced"}, "status": {"C": 4.0, "class_weight": "balanced"}}


def training_files(folder: Path | None = None) -> list[Path]:
    folder = folder or corpus_path("standards")
    return sorted(Path(folder).glob("*.jsonl"))


def load_corpus(files: list[Path]) -> tuple[list[str], list[list[str]], list[str], str]:
    """(texts, label lists, statuses, sha256 of the files' bytes)."""
    texts, labels, statuses = [], [], []
    digest = hashlib.sha256()
    known = set(dimensions())
    for f in files:
        data = f.read_bytes()
        digest.update(data)
        for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            bad = set(row["labels"]) - known
            if bad or row["status"] not in STATUSES:
                raise ValueError(f"{f.name}:{n}: unknown label {sorted(bad)} or status {row['status']!r}")
            texts.append(row["text"])
            labels.append(list(row["labels"]))
            statuses.append(row["status"])
    return texts, labels, statuses, digest.hexdigest()


def _features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([(name, TfidfVectorizer(min_df=2, max_features=12000, dtype=np.float32, **params))
                         for name, params in VECTORIZERS.items()])


def build_pipelines():
    """Untrained (topic, status) pipelines, for cross-validation."""
    from sklearn.pipeline import Pipeline

    topic_clf, status_clf = _classifiers()
    return Pipeline([("features", _features()), ("clf", topic_clf)]), Pipeline([("features", _features()),
                                                                                 ("clf", status_clf)])


def _classifiers(settings: dict | None = None):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    s = {**CLASSIFIERS, **(settings or {})}
    return (OneVsRestClassifier(LogisticRegression(max_iter=3000, **s["topic"])),
            LogisticRegression(max_iter=3000, **s["status"]))


def topic_rows(statuses, topic_on: str = TOPIC_ON) -> np.ndarray:
    """The rows the topic model learns from: every sentence ('all'), or only those that claim
    something ('claims': achieved or planned), so that it answers which dimensions a claim is
    about and the status model alone says whether a sentence claims anything."""
    s = np.asarray(statuses)
    return np.flatnonzero(s != "none") if topic_on == "claims" else np.arange(len(s))


def fit(texts, labels, statuses, topic_on: str = TOPIC_ON, settings: dict | None = None) -> dict:
    """The fitted model: one shared feature extractor and the topic and status classifiers."""
    from sklearn.preprocessing import MultiLabelBinarizer

    X_text = [prepare(t) for t in texts]
    Y = MultiLabelBinarizer(classes=list(dimensions())).fit_transform(labels)
    features = _features().fit(X_text)
    for _, vec in features.transformer_list:
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_  # the terms min_df dropped: only for inspection, and large
    X = features.transform(X_text)
    topic, status = _classifiers(settings)
    rows = topic_rows(statuses, topic_on)
    topic.fit(X[rows], Y[rows])
    status.fit(X, statuses)
    return {"features": features, "topic": topic, "status": status}


def cross_validate(texts, labels, statuses, folds: int = 5) -> dict:
    """Per-dimension precision/recall/F1 of the topic model and the status model's scores, from
    stratification-free K-fold cross-validation with a fixed seed. The topic model is trained and
    scored on the rows it learns from (`topic_rows`: the sentences that claim something)."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import MultiLabelBinarizer

    dims = list(dimensions())
    X = np.array([prepare(t) for t in texts], dtype=object)
    Y = MultiLabelBinarizer(classes=dims).fit_transform(labels)
    S = np.array(statuses)
    pred_Y = np.zeros_like(Y)
    pred_S = np.empty(len(S), dtype=object)
    rows = np.zeros(len(S), bool)
    rows[topic_rows(S)] = True
    for train, test in KFold(folds, shuffle=True, random_state=SEED).split(X):
        topic, status = build_pipelines()
        topic.fit(list(X[train[rows[train]]]), Y[train[rows[train]]])
        status.fit(list(X[train]), S[train])
        pred_Y[test] = topic.predict(list(X[test]))
        pred_S[test] = status.predict(list(X[test]))
    Y, pred_Y = Y[rows], pred_Y[rows]
    p, r, f, n = precision_recall_fscore_support(Y, pred_Y, zero_division=0)
    per_dim = {d: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3), "f1": round(float(f[i]), 3),
                   "support": int(n[i])} for i, d in enumerate(dims)}
    return {
        "folds": folds,
        "topic_micro_f1": round(float(f1_score(Y, pred_Y, average="micro", zero_division=0)), 3),
        "topic_macro_f1": round(float(f1_score(Y, pred_Y, average="macro", zero_division=0)), 3),
        "status_accuracy": round(float((pred_S == S).mean()), 3),
        "status_macro_f1": round(float(f1_score(S, pred_S, average="macro")), 3),
        "per_dimension": per_dim,
    }


def versions() -> dict:
    import jieba
    import sklearn

    return {"scikit-learn": sklearn.__version__, "jieba": jieba.__version__, "numpy": np.__version__}


def to_arrays(model: dict) -> dict[str, np.ndarray]:
    """The fitted model as named arrays (vocabularies in index order, IDF weights, coefficients)."""
    out: dict[str, np.ndarray] = {}
    for name, vec in model["features"].transformer_list:
        out[f"{name}_vocab"] = np.array(sorted(vec.vocabulary_, key=vec.vocabulary_.get))
        out[f"{name}_idf"] = vec.idf_.astype(np.float64)
    out["topic_coef"] = np.vstack([est.coef_ for est in model["topic"].estimators_])
    out["topic_intercept"] = np.hstack([est.intercept_ for est in model["topic"].estimators_])
    out["status_coef"] = model["status"].coef_
    out["status_intercept"] = model["status"].intercept_
    out["status_classes"] = np.array(model["status"].classes_, dtype=str)
    return out


def train(out_dir: Path | None = None, corpus: Path | None = None, folds: int = 5) -> dict:
    """Train, cross-validate and save the model; returns the metadata written beside it."""
    files = training_files(corpus)
    texts, labels, statuses, sha = load_corpus(files)
    metrics = cross_validate(texts, labels, statuses, folds) if folds > 1 else {}
    model = fit(texts, labels, statuses)
    out_dir = Path(out_dir) if out_dir else model_path("")
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_dir / f"{MODEL_NAME}.npz", **to_arrays(model))
    meta = {"model": MODEL_NAME, "seed": SEED, "training_files": [f.name for f in files], "training_sha256": sha,
            "sentences": len(texts), **contract(), "topic_trained_on": TOPIC_ON, "classifiers": CLASSIFIERS,
            "versions": versions(), "cross_validation": metrics}
    card = out_dir / f"{MODEL_NAME}.json"
    if card.exists():  # how the decision parameters were chosen (bench/standards_cv.py --card), kept with its own sha
        previous = json.loads(card.read_text(encoding="utf-8"))
        if "decision" in previous:
            meta["decision"] = previous["decision"]
    card.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta
