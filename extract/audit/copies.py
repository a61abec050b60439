"""Copies and templates across the reports of a run, as an auditor reads them.

- `identical_copy`: files with the same text (the same bytes, hence the same doc_id, or the same
  normalised text from another format or encoding) under different names: one flag per file,
  naming all the others.
- Clusters: reports linked by MinHash LSH (`minhash.py`) and verified (an estimated similarity
  of their texts with numbers masked above `min_similarity`, and a long sentence in common) are
  joined into clusters (single linkage; identical copies are one member). Each bucket of the
  index keeps only its first `bucket_representatives` reports, and each report verifies only its
  `candidates_checked` most similar candidates, so the work per report stays flat however many
  copies of one template the corpus holds.
- `near_duplicate`: one flag per report of a cluster of several texts, naming its cluster and its
  closest partner (by path and doc_id: `other_source`, `other_doc_id`), with the share of its
  text found in the cluster's other reports. `templates.csv` lists every cluster's files."""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..records import Flag, Template
from ..resources import load_toml
from .document import message, near_duplicate_settings


@functools.cache
def copy_settings() -> dict:
    """The [identical_copy] settings of corpora/thresholds.toml."""
    return load_toml("thresholds.toml")["identical_copy"]


@dataclass
class _Text:
    """One text of the run: the doc_ids (and their files) that hold it; `rep` is the digest of
    its first file."""

    rep: object
    doc_ids: list[str] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (source, doc_id), by source
    best: tuple[float, str] | None = None  # (similarity, key of the closest other text)


class _Clusters:
    """Union-find over the keys of texts."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        root = k
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(k, k) != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def texts_of(digests: dict, sources: dict[str, list[str]]) -> dict[str, _Text]:
    """The run's texts, keyed by their first file's source: doc_ids that share a normalised text
    (`text_hash`) are one text; a text too short to call a copy stands alone."""
    by_hash: dict[str, _Text] = {}
    out: dict[str, _Text] = {}
    for doc_id, d in sorted(digests.items(), key=lambda kv: kv[1].source):
        key = d.text_hash or f"doc:{doc_id}"
        t = by_hash.get(key)
        if t is None:
            t = by_hash[key] = out[d.source] = _Text(d)
        t.doc_ids.append(doc_id)
        t.files.extend((s, doc_id) for s in sources.get(doc_id, [d.source]))
    for t in out.values():
        t.files.sort()
    return out


def _first_line(text: str) -> tuple[int, int]:
    """Offsets of the first line of a text that holds anything (its title, as a rule), at most 100 characters."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return start, min(end, start + 100)


def identical_copy(texts: dict[str, _Text], text_of=None) -> list[Flag]:
    """One flag per file whose text another file holds too, naming all the others; its evidence
    is the first line of the text (read with `text_of(doc_id)`, once per doc_id)."""
    listed = copy_settings()["names_listed"]
    out = []
    for t in texts.values():
        if len(t.files) < 2 or not t.rep.text_hash:
            continue
        n = len(t.files) - 1
        lines = {}
        for doc_id in t.doc_ids:
            text = text_of(doc_id) if text_of else ""
            a, b = _first_line(text)
            lines[doc_id] = (text[a:b], a, b)
        for source, doc_id in t.files:
            others = [f for f in t.files[:listed + 1] if f[0] != source][:listed]  # bounded: not n x n
            names = "、".join(s for s, _ in others)
            more = message("identical_copy_more", rest=n - listed) if n > listed else ""
            out.append(Flag(source=source, doc_id=doc_id, check="identical_copy", severity="warning",
                            message=message("identical_copy", n=n, names=names, more=more),
                            figures="", evidence=lines[doc_id][0], start=lines[doc_id][1], end=lines[doc_id][2],
                            other_source=others[0][0], other_doc_id=others[0][1]))
    return out


def link(texts: dict[str, _Text]) -> _Clusters:
    """Join similar texts into clusters, each text compared with a bounded number of others."""
    from .minhash import LSH, similarities

    s = near_duplicate_settings()
    lsh = LSH(per_bucket=s["bucket_representatives"])
    clusters = _Clusters()
    for key, t in texts.items():  # by source: the same clusters in any order of arrival
        sig = t.rep.signature
        if sig is None:
            continue
        candidates = sorted(lsh.candidates(sig))
        if candidates:
            sims = similarities(sig, [texts[c].rep.signature for c in candidates])
            ranked = np.argsort(-sims, kind="stable")[:s["candidates_checked"]]  # ties: by source
            mine = t.rep.passages
            for i in ranked.tolist():
                sim, other = float(sims[i]), candidates[i]
                if sim < s["min_similarity"]:
                    break
                o = texts[other]
                if not any(k in o.rep.passages for k in mine):
                    continue
                clusters.join(key, other)
                for a, b in ((t, other), (o, key)):
                    if a.best is None or sim > a.best[0] or (sim == a.best[0] and b < a.best[1]):
                        a.best = (sim, b)
        lsh.add(key, sig)
    return clusters


def _shared_share(members: list[_Text]) -> dict[str, float | None]:
    """Per text of a cluster: the share of its long sentences' characters (numbers masked) that
    another text of the cluster has too."""
    counts: Counter = Counter()
    for t in members:
        counts.update(t.rep.passages.keys())
    out = {}
    for t in members:
        total = shared = 0
        for k in t.rep.passages:
            a, b = t.rep.passages[k]
            total += b - a
            if counts[k] > 1:
                shared += b - a
        out[t.rep.source] = shared / total if total else None
    return out


def near_duplicate(texts: dict[str, _Text], text_of) -> tuple[list[Flag], list[Template]]:
    """The near_duplicate flags (one per report of a cluster of several texts) and the rows of
    templates.csv (every file of every cluster of two or more files)."""
    clusters = link(texts)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in texts:
        groups[clusters.find(key)].append(key)
    ordered = sorted((g for g in groups.values() if len(g) > 1  # several texts, or one text of several files
                      or len(texts[g[0]].files) > 1 and texts[g[0]].rep.text_hash),
                     key=lambda g: (-sum(len(texts[k].files) for k in g), g[0]))
    flags, rows = [], []
    for number, keys in enumerate(ordered, 1):
        members = [texts[k] for k in keys]
        size = sum(len(t.files) for t in members)
        shares = _shared_share(members) if len(members) > 1 else {members[0].rep.source: 1.0}
        for t in members:
            closest = texts[t.best[1]] if t.best else None
            for source, doc_id in t.files:
                rows.append(Template(cluster=number, size=size, source=source, doc_id=doc_id, title=t.rep.title,
                                     copies=len(t.files) - 1, closest_source=closest.rep.source if closest else "",
                                     closest_doc_id=closest.rep.doc_id if closest else "",
                                     similarity=round(t.best[0], 3) if t.best else None,
                                     shared=None if shares[t.rep.source] is None else round(shares[t.rep.source], 3)))
            if closest is None:
                continue
            me, other = t.rep, closest.rep
            common = [k for k in me.passages if k in other.passages]
            start, end = max((me.passages[k] for k in common), key=lambda se: se[1] - se[0]) if common else (0, 0)
            share = shares[me.source]
            for doc_id in t.doc_ids:  # each content of the text once (identical files share a doc_id)
                source = next(s for s, d in t.files if d == doc_id)
                flags.append(Flag(source=source, doc_id=doc_id, check="near_duplicate", severity="warning",
                                  message=message("near_duplicate", other_title=other.title[:30],
                                                  other_source=other.source, similarity=t.best[0], cluster=number,
                                                  size=size, shared=share or 0.0),
                                  figures="", evidence=text_of(me.doc_id)[start:end] if end else "", start=start,
                                  end=end, other_source=other.source, other_doc_id=other.doc_id))
    return flags, rows
