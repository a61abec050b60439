"""Score figures and standards claims against gold annotations (the format of GUIDELINES.md:
`<stem>.figures.jsonl` and `<stem>.standards.jsonl`). The scoring is the shared scorer's:
per document, gold and predicted figures are paired one-to-one when quantity, unit, value and
value_max agree (values within 0.1 %); value F1 counts the pairs, typed F1 the pairs whose kind
agrees too, exact F1 those whose approx agrees as well. Standards: micro P/R/F1 over
(document, standard, status)."""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .records import Result
from .vocab import KINDS, UNIT_ALIASES


def _num(x):
    if x is None or x == "":
        return None
    return float(str(x).replace(",", ""))


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)


def _key(f: dict):
    unit = (f.get("unit") or "").strip()
    return (f.get("quantity"), UNIT_ALIASES.get(unit, unit), _num(f.get("value")), _num(f.get("value_max")))


def pair(gold: list[dict], pred: list[dict]):
    """One-to-one pairs, preferring pairs that agree on kind, then approx (as the shared scorer)."""
    def same(g, p):
        kg, kp = _key(g), _key(p)
        return kg[:2] == kp[:2] and _close(kg[2], kp[2]) and _close(kg[3], kp[3])

    def pref(g, p):
        return (g.get("kind") == p.get("kind")) * 2 + ((g.get("approx") or "") == (p.get("approx") or ""))

    order = sorted(((pref(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if same(g, p)),
                   reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in order:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return pairs


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


@dataclass
class Scores:
    counts: dict = field(default_factory=lambda: defaultdict(int))
    per_doc: dict = field(default_factory=dict)

    def summary(self) -> dict:
        c = self.counts
        out = {"documents": len(self.per_doc), "gold_figures": c["gold"], "predicted_figures": c["pred"]}
        for name in ("value", "typed", "exact"):
            out[f"{name}_precision"], out[f"{name}_recall"], out[f"{name}_f1"] = prf(c[name], c["pred"], c["gold"])
        out["standards_precision"], out["standards_recall"], out["standards_f1"] = prf(c["s_tp"], c["s_pred"],
                                                                                        c["s_gold"])
        return out


def load_gold(gold_dir: Path) -> tuple[dict, dict]:
    figs, stds = {}, {}
    for p in sorted(Path(gold_dir).glob("*.figures.jsonl")):
        stem = p.name[: -len(".figures.jsonl")]
        figs[stem] = [json.loads(l) for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
        sp = p.with_name(stem + ".standards.jsonl")
        stds[stem] = ({(d["standard"], d["status"]) for d in map(json.loads, filter(str.strip, sp.read_text(
            encoding="utf-8").splitlines()))} if sp.exists() else set())
    return figs, stds


def stem_of(source: str) -> str:
    name = Path(str(source).replace("\\", "/")).name
    return name.rsplit(".", 1)[0] if "." in name else name


def score(results: list[Result], gold_dir: Path) -> Scores:
    """Scores of a run's results against a gold folder (only documents with gold are scored)."""
    gold_figs, gold_stds = load_gold(gold_dir)
    pred_figs, pred_stds = defaultdict(list), defaultdict(set)
    for r in results:
        stem = stem_of(r.document.source)
        if stem not in gold_figs:
            continue
        pred_figs[stem].extend({"quantity": f.quantity, "unit": f.unit, "value": f.value, "value_max": f.value_max,
                                "kind": f.kind, "approx": f.approx} for f in r.figures if f.kind in KINDS)
        pred_stds[stem].update((c.standard, c.status) for c in r.claims)
    s = Scores()
    for stem, gold in gold_figs.items():
        pred = pred_figs.get(stem, [])
        pairs = pair(gold, pred)
        typed = sum(g.get("kind") == p.get("kind") for g, p in pairs)
        exact = sum(g.get("kind") == p.get("kind") and (g.get("approx") or "") == (p.get("approx") or "")
                    for g, p in pairs)
        gs, ps = gold_stds.get(stem, set()), pred_stds.get(stem, set())
        c = s.counts
        c["gold"] += len(gold)
        c["pred"] += len(pred)
        c["value"] += len(pairs)
        c["typed"] += typed
        c["exact"] += exact
        c["s_gold"] += len(gs)
        c["s_pred"] += len(ps)
        c["s_tp"] += len(gs & ps)
        s.per_doc[stem] = {"gold": len(gold), "pred": len(pred), "value_f1": prf(len(pairs), len(pred), len(gold))[2],
                           "typed_f1": prf(typed, len(pred), len(gold))[2],
                           "standards_f1": prf(len(gs & ps), len(ps), len(gs))[2]}
    return s
