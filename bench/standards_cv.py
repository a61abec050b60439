#!/usr/bin/env python3
"""Standards claims, cross-validated across documents.

    python bench/standards_cv.py [--shared ../shared] [--corpus DIR ...] [--topic-on claims|all]

Reads the seeds (dev gold) and the public real set, computes every sentence's scores once per
document with a tagger trained on the training sentences (none of which come from these
documents), then chooses the decision parameters of `corpora/standards/taxonomy.toml` [decision]
by leave-one-document-out cross-validation: for each of the 35 documents, the parameters that
give the best micro-F1 over the other 34 are applied to it. Prints the pooled P/R/F1 of those
held-out predictions (real set, seeds), the parameters chosen most often, the scores of the
shipped parameters, the three blind sets (never used for the choice), and the reliability table
of the claims' scores."""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import extract  # noqa: E402
from extract.standards import claims as C  # noqa: E402
from extract.standards import tagger as tagging  # noqa: E402
from extract.standards.model import dimensions  # noqa: E402
from extract.standards.train import fit, load_corpus, to_arrays, training_files  # noqa: E402

STATUSES = ("achieved", "planned")


def shared_dir(arg: str | None) -> Path:
    for p in [arg, os.environ.get("SHEQU_SHARED"), ROOT.parent / "shared", ROOT.parent.parent / "shared"]:
        if p and (Path(p) / "eval").is_dir():
            return Path(p)
    sys.exit("no shared evaluation folder: pass --shared")


def gold_of(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    return {(d["standard"], d["status"]) for d in map(json.loads, filter(str.strip, path.read_text("utf-8").splitlines()))}


def load_set(docs: Path, gold: Path, name: str) -> list[dict]:
    out = []
    for g in sorted(gold.glob("*.figures.jsonl")):
        stem = g.name[: -len(".figures.jsonl")]
        path = docs / f"{stem}.txt"
        if path.exists():
            out.append({"set": name, "stem": stem, "doc": extract.read(path),
                        "gold": gold_of(gold / f"{stem}.standards.jsonl")})
    return out


class Cached:
    """A tagger whose predictions are memoised by sentence text."""

    def __init__(self, model):
        self.model, self.memo = model, {}

    def predict(self, texts):
        new = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if new:
            topic, status = self.model.predict(new)
            self.memo.update({t: (topic[i], status[i]) for i, t in enumerate(new)})
        return (np.array([self.memo[t][0] for t in texts]).reshape(len(texts), -1),
                np.array([self.memo[t][1] for t in texts]).reshape(len(texts), -1))


def train_tagger(corpora: list[Path] | None, topic_on: str, settings: dict | None = None):
    files = [f for c in corpora for f in training_files(c)] if corpora else training_files()
    texts, labels, statuses, _ = load_corpus(files)
    return tagging.tagger_from_arrays(to_arrays(fit(texts, labels, statuses, topic_on=topic_on, settings=settings)))


def gold_matrix(gold: set) -> np.ndarray:
    dims = dimensions()
    g = np.zeros((2, len(dims)), bool)
    for d, s in gold:
        g[STATUSES.index(s), dims.index(d)] = True
    return g


def prf(tp, npred, ngold):
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# the search of the shipped parameters (README, models/standard_tagger.json)
THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7]
GRID = {"cue_factor": [1.0, 2.0, 4.0], "scope_factor": [1.0, 4.0], "genre_prior": [1.0, 2.0, 3.0],
        "context_weight": [0.0, 0.5, 1.0], "achieved_threshold": THRESHOLDS, "planned_threshold": THRESHOLDS}


def grid(spec: dict) -> list[dict]:
    keys = list(spec)
    return [dict(zip(keys, v)) for v in itertools.product(*(spec[k] for k in keys))]


def best_supports(items, base: dict, priors: list[dict]) -> np.ndarray:
    """best[prior combo, doc, status, dim]: the best sentence's support."""
    out = np.zeros((len(priors), len(items), 2, len(dimensions())))
    for pi, pr in enumerate(priors):
        p = {**base, **pr}
        for di, it in enumerate(items):
            ev = it["ev"]
            if len(ev.sentences):
                out[pi, di] = C.support(ev, p).max(axis=0)
    return out


def counts(best: np.ndarray, gold: np.ndarray, ta: np.ndarray, tp_: np.ndarray):
    """tp, npred per (prior, ta, tp, doc): thresholds applied to the best supports."""
    thr = np.stack(np.broadcast_arrays(ta[:, None], tp_[None, :]), -1)  # ta x tp x 2
    pred = best[:, None, None] >= thr[None, :, :, None, :, None]  # P x A x B x D x 2 x 15
    tp = (pred & gold[None, None, None]).sum(axis=(-1, -2))
    return tp, pred.sum(axis=(-1, -2))


def print_errors(it, p) -> None:
    ev, dims = it["ev"], dimensions()
    got = {(dims[d], STATUSES[s]): (sup, row) for d, s, sup, row, _ in C.decide(ev, p)}
    wrong = sorted(set(got) - it["gold"])
    missed = sorted(it["gold"] - set(got))
    if not wrong and not missed:
        return
    print(f"--- {it['set']}/{it['stem']} genre={'plan' if ev.plan else 'report'}")
    sup = C.support(ev, p) if len(ev.sentences) else None
    st = C.adjusted_status(ev, p) if len(ev.sentences) else None
    for tag, keys in (("WRONG", wrong), ("MISSED", missed)):
        for d, s in keys:
            if sup is None:
                print(f"  {tag} {d} {s}")
                continue
            si, di = STATUSES.index(s), dims.index(d)
            row = int(sup[:, si, di].argmax())
            sent = ev.sentences[row]
            print(f"  {tag:6s} {d}/{s} sup={sup[row, si, di]:.2f} topic={ev.topic[row, di]:.2f} "
                  f"st={np.round(st[row], 2)} raw={np.round(ev.status[row], 2)} cue={ev.cue[row]} scope={ev.scope[row]} "
                  f"body={ev.body[row]} | {sent.text[:90]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared")
    ap.add_argument("--corpus", nargs="*", type=Path, help="training folders (default: corpora/standards)")
    ap.add_argument("--topic-on", default="claims", choices=["claims", "all"])
    ap.add_argument("--classifiers", help='JSON settings of the two classifiers, e.g. {"topic": {"C": 2}}')
    ap.add_argument("--vectorizers", help='JSON feature blocks replacing model.VECTORIZERS (experiments only)')
    ap.add_argument("--fixed", action="store_true", help="only score the shipped parameters")
    ap.add_argument("--set", action="append", default=[], help="KEY=VALUE over the shipped parameters")
    ap.add_argument("--grid", help="JSON {parameter: [values]} to search (default: GRID)")
    ap.add_argument("--errors", action="store_true", help="print each document's wrong and missed claims")
    a = ap.parse_args()
    shared = shared_dir(a.shared)
    items = (load_set(shared / "seeds", shared / "eval/dev/gold", "seeds")
             + load_set(shared / "eval/real/docs", shared / "eval/real/gold", "real"))
    guards = [it for b in ("blind2a", "blind2b", "blind2c")
              for it in load_set(ROOT / "tests/data" / b, ROOT / "tests/data" / b, b)]
    if a.vectorizers:
        import extract.standards.model as M
        import extract.standards.tagger as T
        import extract.standards.train as TR
        M.VECTORIZERS.clear()
        M.VECTORIZERS.update({k: {**v, "ngram_range": tuple(v["ngram_range"])} for k, v in json.loads(a.vectorizers).items()})
        assert T.VECTORIZERS is M.VECTORIZERS and TR.VECTORIZERS is M.VECTORIZERS
    settings = None
    if a.classifiers:
        from extract.standards.train import CLASSIFIERS
        settings = {k: {**CLASSIFIERS[k], **v} for k, v in json.loads(a.classifiers).items()}
    model = Cached(train_tagger(a.corpus, a.topic_on, settings))
    base = C.params()
    for kv in a.set:
        k, v = kv.split("=")
        base[k] = json.loads(v)
    for it in items + guards:
        it["ev"] = C.evidence(it["doc"], model)
        it["g"] = gold_matrix(it["gold"])

    def report(name, its, p):
        tp = npred = ngold = 0
        for it in its:
            got = {(d, s) for d, s, *_ in C.decide(it["ev"], p)}
            g = {(dimensions().index(d), STATUSES.index(s)) for d, s in it["gold"]}
            tp, npred, ngold = tp + len(got & g), npred + len(got), ngold + len(g)
        P, R, F = prf(tp, npred, ngold)
        print(f"  {name:8s} P {P:.3f} R {R:.3f} F1 {F:.3f}  ({tp}/{npred} pred, {ngold} gold)")
        return F

    print("shipped parameters:", {k: base[k] for k in base})
    for name in ("seeds", "real"):
        report(name, [it for it in items if it["set"] == name], base)
    for b in ("blind2a", "blind2b", "blind2c"):
        report(b, [it for it in guards if it["set"] == b], base)
    if a.errors:
        for it in items + guards:
            print_errors(it, base)
    if a.fixed:
        return

    spec = json.loads(a.grid) if a.grid else GRID
    combos = grid(spec)
    per_doc = np.zeros((len(combos), len(items), 3), int)  # tp, predicted, gold
    for ci, combo in enumerate(combos):
        p = {**base, **combo}
        for di, it in enumerate(items):
            got = {(d, s) for d, s, *_ in C.decide(it["ev"], p)}
            g = {(dimensions().index(d), STATUSES.index(s)) for d, s in it["gold"]}
            per_doc[ci, di] = len(got & g), len(got), len(g)
    held, chosen = [], []
    for d in range(len(items)):
        keep = np.arange(len(items)) != d
        F = f1s(per_doc[:, keep].sum(axis=1))
        ci = int(np.argmax(F))
        chosen.append(ci)
        held.append(per_doc[ci, d])
    print("\nleave-one-document-out (parameters chosen on the other 34 documents):")
    for name in ("seeds", "real"):
        T, N, G = np.sum([h for h, it in zip(held, items) if it["set"] == name], axis=0)
        P, R, F = prf(T, N, G)
        print(f"  {name:8s} P {P:.3f} R {R:.3f} F1 {F:.3f}  ({T}/{N} pred, {G} gold)")
    for ci, n in Counter(chosen).most_common(3):
        print(f"  chosen {n:2d}x: {combos[ci]}")
    F = f1s(per_doc.sum(axis=1))
    ci = int(np.argmax(F))
    print(f"  all 35 documents: best F1 {F[ci]:.3f} with {combos[ci]}")
    for name in ("seeds", "real"):
        T, N, G = per_doc[ci][[it["set"] == name for it in items]].sum(axis=0)
        print(f"    {name:8s} P {prf(T, N, G)[0]:.3f} R {prf(T, N, G)[1]:.3f} F1 {prf(T, N, G)[2]:.3f}")


def f1s(c: np.ndarray) -> np.ndarray:
    """Micro-F1 of each row of (tp, predicted, gold) counts."""
    T, N, G = c[:, 0], c[:, 1], c[:, 2]
    P = np.where(N > 0, T / np.maximum(N, 1), 1.0)
    R = T / np.maximum(G, 1)
    return np.where(P + R > 0, 2 * P * R / np.maximum(P + R, 1e-9), 0.0)


if __name__ == "__main__":
    main()
