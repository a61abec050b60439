#!/usr/bin/env python3
"""Standards claims, cross-validated across documents.

    python bench/standards_cv.py [--shared ../shared] [--card] [--errors] [--grid JSON] [--set K=V]

Reads the seeds (dev gold) and the public real set, computes every sentence's scores once per
document with a tagger trained on the training sentences (none of which come from these
documents: tests/test_standards_data.py checks it), then chooses the decision parameters of
`corpora/standards/taxonomy.toml` [decision] by leave-one-document-out cross-validation: for
each of the 35 documents, the parameters of GRID that give the best micro-F1 over the other 34
are applied to it, and so is a calibration (support -> share of claims right, isotonic) fitted on
the other 34. Prints the pooled P/R/F1 of those held-out predictions (real set, seeds), the
parameters chosen most often, the parameters best on all 35 (the shipped ones) and their scores,
the three blind sets (never used for any choice), the reliability table of the held-out scores
and the calibration table to ship. `--card` writes all of it into models/standard_tagger.json
("decision"). The other options are for experiments (training settings, errors, one setting)."""
from __future__ import annotations

import argparse
import hashlib
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
from extract.standards.model import MODEL_NAME, dimensions  # noqa: E402
from extract.standards.train import fit, load_corpus, to_arrays, training_files  # noqa: E402

STATUSES = ("achieved", "planned")
# the search of the shipped parameters (models/standard_tagger.json records it)
GRID = {"dimension_threshold": [0.4, 0.5, 0.6], "second_status_share": [0.6, 0.7, 0.8], "cue_factor": [2.0, 4.0],
        "scope_factor": [2.0, 4.0], "document_weight": [1.0, 2.0, 3.0], "genre_prior": [1.5, 2.0, 3.0],
        "honour_topic": [0.6, 0.9]}
BINS = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01]
BLIND = ("blind2a", "blind2b", "blind2c")


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


def train_tagger(corpora: list[Path] | None, topic_on: str | None, settings: dict | None = None):
    files = [f for c in corpora for f in training_files(c)] if corpora else training_files()
    texts, labels, statuses, sha = load_corpus(files)
    kw = {"topic_on": topic_on} if topic_on else {}
    return tagging.tagger_from_arrays(to_arrays(fit(texts, labels, statuses, settings=settings, **kw))), sha


def prf(tp, npred, ngold) -> tuple[float, float, float]:
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(tp, npred, ngold) -> dict:
    p, r, f = prf(tp, npred, ngold)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "claims": int(npred),
            "right": int(tp), "gold": int(ngold)}


def f1s(c: np.ndarray) -> np.ndarray:
    """Micro-F1 of each row of (tp, predicted, gold) counts."""
    T, N, G = c[:, 0], c[:, 1], c[:, 2]
    P = np.where(N > 0, T / np.maximum(N, 1), 1.0)
    R = T / np.maximum(G, 1)
    return np.where(P + R > 0, 2 * P * R / np.maximum(P + R, 1e-9), 0.0)


def grid(spec: dict) -> list[dict]:
    keys = list(spec)
    return [dict(zip(keys, v)) for v in itertools.product(*(spec[k] for k in keys))]


def counts(it, p) -> tuple[int, int, int]:
    """(right, claimed, gold) of one document under parameters p."""
    got = {(d, s) for d, s, *_ in C.decide(it["ev"], p)}
    g = {(dimensions().index(d), STATUSES.index(s)) for d, s in it["gold"]}
    return len(got & g), len(got), len(g)


def set_scores(its, p) -> dict:
    return scores(*np.sum([counts(it, p) for it in its], axis=0))


def scored_claims(it, p) -> list[tuple[float, bool]]:
    """(support, right) of each claim of one document under parameters p."""
    dims = dimensions()
    return [(sup, (dims[d], STATUSES[s]) in it["gold"]) for d, s, sup, *_ in C.decide(it["ev"], p)]


def fit_calibration(pairs) -> dict:
    """Isotonic map from support to the share of claims that are right, as a table of points."""
    from sklearn.isotonic import IsotonicRegression

    x = np.array([a for a, _ in pairs])
    y = np.array([float(b) for _, b in pairs])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
    return {"support": [round(float(v), 3) for v in iso.X_thresholds_],
            "share_right": [round(float(v), 3) for v in iso.y_thresholds_]}


def reliability_table(pairs) -> list[dict]:
    out = []
    for lo, hi in zip(BINS, BINS[1:]):
        sel = [ok for sc, ok in pairs if lo <= sc < hi]
        out.append({"score": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "claims": len(sel),
                    "share_right": round(float(np.mean(sel)), 3) if sel else None})
    high = [ok for sc, ok in pairs if sc >= 0.8]
    out.append({"score": ">= 0.8", "claims": len(high), "share_right": round(float(np.mean(high)), 3) if high else None})
    return out


def print_errors(it, p) -> None:
    """The document's wrong and missed claims, each with the sentence that decided it."""
    ev, dims = it["ev"], dimensions()
    got = {(dims[d], STATUSES[s]): (sup, row) for d, s, sup, row, _ in C.decide(ev, p)}
    wrong, missed = sorted(set(got) - it["gold"]), sorted(it["gold"] - set(got))
    if not wrong and not missed:
        return
    print(f"--- {it['set']}/{it['stem']} genre={'plan' if ev.plan else 'report'}")
    if not len(ev.sentences):
        return
    st = C.adjusted_status(ev, p)
    claim = (st[:, 0] + st[:, 1]) * ev.body
    topic = np.maximum(ev.topic, ev.honour * p["honour_topic"])
    for tag, keys in (("WRONG", wrong), ("MISSED", missed)):
        for d, s in keys:
            di = dims.index(d)
            row = got[(d, s)][1] if (d, s) in got else int((topic[:, di] * claim).argmax())
            print(f"  {tag:6s} {d}/{s} dim={topic[row, di] * claim[row]:.2f} topic={topic[row, di]:.2f} "
                  f"st={np.round(st[row], 2)} raw={np.round(ev.status[row], 2)} cue={ev.cue[row]} "
                  f"scope={ev.scope[row]} body={ev.body[row]} | {ev.sentences[row].text[:90]}")


def show(name: str, s: dict) -> None:
    print(f"  {name:8s} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}  "
          f"({s['right']}/{s['claims']} claims right, {s['gold']} gold)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", help="the shared folder (default: $SHEQU_SHARED, ../shared)")
    ap.add_argument("--card", action="store_true", help="write the results into models/standard_tagger.json")
    ap.add_argument("--grid", help="JSON {parameter: [values]} to search instead of GRID")
    ap.add_argument("--fixed", action="store_true", help="only score the parameters of taxonomy.toml")
    ap.add_argument("--set", action="append", default=[], help="KEY=VALUE over the parameters of taxonomy.toml")
    ap.add_argument("--errors", action="store_true", help="print each document's wrong and missed claims")
    ap.add_argument("--corpus", nargs="*", type=Path, help="training folders (default: corpora/standards)")
    ap.add_argument("--topic-on", choices=["claims", "all"], help="experiment: the topic model's training rows")
    ap.add_argument("--classifiers", help='experiment: JSON settings of the classifiers, e.g. {"topic": {"C": 8}}')
    a = ap.parse_args()
    shared = shared_dir(a.shared)
    items = (load_set(shared / "seeds", shared / "eval/dev/gold", "seeds")
             + load_set(shared / "eval/real/docs", shared / "eval/real/gold", "real"))
    guards = [it for b in BLIND for it in load_set(ROOT / "tests/data" / b, ROOT / "tests/data" / b, b)]
    settings = None
    if a.classifiers:
        from extract.standards.train import CLASSIFIERS
        settings = {k: {**CLASSIFIERS[k], **v} for k, v in json.loads(a.classifiers).items()}
    model, sha = train_tagger(a.corpus, a.topic_on, settings)
    model = Cached(model)
    base = C.params()
    for kv in a.set:
        k, v = kv.split("=")
        base[k] = json.loads(v)
    for it in items + guards:
        it["ev"] = C.evidence(it["doc"], model)

    print("parameters of taxonomy.toml:", base)
    for name in ("seeds", "real", *BLIND):
        show(name, set_scores([it for it in items + guards if it["set"] == name], base))
    if a.errors:
        for it in items + guards:
            print_errors(it, base)
    if a.fixed:
        return

    spec = json.loads(a.grid) if a.grid else GRID
    combos = grid(spec)
    per_doc = np.array([[counts(it, {**base, **combo}) for it in items] for combo in combos])  # combo x doc x 3
    chosen, held_out, held_scores = [], [], {"seeds": [], "real": []}
    for d, it in enumerate(items):
        keep = np.arange(len(items)) != d
        ci = int(np.argmax(f1s(per_doc[:, keep].sum(axis=1))))
        chosen.append(ci)
        held_out.append(per_doc[ci, d])
        p = {**base, **combos[ci]}
        table = fit_calibration([c for j, o in enumerate(items) if j != d for c in scored_claims(o, p)])
        held_scores[it["set"]] += [(C.calibrate(sup, table), ok) for sup, ok in scored_claims(it, p)]
    cv = {name: scores(*np.sum([h for h, it in zip(held_out, items) if it["set"] == name], axis=0))
          for name in ("seeds", "real")}
    shipped = int(np.argmax(f1s(per_doc.sum(axis=1))))
    p = {**base, **combos[shipped]}
    fitted = {name: set_scores([it for it in items if it["set"] == name], p) for name in ("seeds", "real")}
    blind = {b: set_scores([it for it in guards if it["set"] == b], p) for b in BLIND}
    table = fit_calibration([c for it in items for c in scored_claims(it, p)])
    reliability = {name: reliability_table(pairs) for name, pairs in held_scores.items()}

    print("\nleave-one-document-out (parameters and calibration chosen on the other 34 documents):")
    for name in ("seeds", "real"):
        show(name, cv[name])
    for ci, n in Counter(chosen).most_common(3):
        print(f"  chosen {n:2d}x: {combos[ci]}")
    print(f"\nbest on all 35 documents (to ship): {combos[shipped]}")
    for name in ("seeds", "real"):
        show(name, fitted[name])
    for b in BLIND:
        show(b, blind[b])
    print("\nreliability of the held-out calibrated scores (claims, share right):")
    for name, rows in reliability.items():
        print(f"  {name:6s} " + " | ".join(f"{r['score']} {r['claims']} {r['share_right']}" for r in rows))
    print("\ncalibration to ship ([calibration] of taxonomy.toml):")
    print(f"support = {table['support']}\nshare_right = {table['share_right']}")
    if a.card:
        path = ROOT / "models" / f"{MODEL_NAME}.json"
        meta = json.loads(path.read_text(encoding="utf-8"))
        kept = {k: v for k, v in meta.get("decision", {}).items() if k in ("alternatives_measured", "caveat")}
        meta["decision"] = {
            "how": "parameters of taxonomy.toml [decision] searched over the grid below; each of the 35 documents "
                   "(5 seeds with the dev gold, 30 public real excerpts) scored with the parameters best on the "
                   "other 34 (micro-F1) and a calibration fitted on them; the shipped parameters are the best on "
                   "all 35 (bench/standards_cv.py)",
            "training_sha256": sha, "taxonomy_sha256": hashlib.sha256(
                (ROOT / "corpora" / "standards" / "taxonomy.toml").read_bytes()).hexdigest(),
            "grid": spec, "parameters": combos[shipped],
            "chosen_in_folds": {json.dumps(combos[ci], sort_keys=True): n for ci, n in Counter(chosen).most_common()},
            "cross_validated_by_document": cv, "shipped_parameters_on_the_same_documents": fitted,
            "blind_sets_shipped_parameters": blind, "reliability_of_held_out_scores": reliability,
            "calibration": table, **kept,
        }
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
