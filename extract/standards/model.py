"""The contract between the trainer (`train.py`) and the tagger (`tagger.py`): what the model's
inputs, outputs and features are. Both import it; neither imports the other.

A model file written under another contract (other labels, statuses or feature settings) is
refused with an error naming `shequ train`, never used with a silent mismatch."""
from __future__ import annotations

import functools

from ..resources import load_toml
from ..vocab import CLAIM_STATUSES

MODEL_NAME = "standard_tagger"
STATUSES = (*CLAIM_STATUSES, "none")  # the status model's classes: a claim's statuses, or neither
# the TF-IDF blocks of the feature extractor, by name (scikit-learn TfidfVectorizer settings)
VECTORIZERS = {
    "chars": dict(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
}


@functools.cache
def dimensions() -> tuple[str, ...]:
    """The standard ids, in taxonomy order (the model's topic labels)."""
    return tuple(d["id"] for d in load_toml("standards/taxonomy.toml")["dimension"])


def prepare(text: str) -> str:
    """Model input: the sentence, its whitespace runs folded to one space."""
    return " ".join(text.split())


def contract() -> dict:
    """The contract as the model's metadata records it (`standard_tagger.json`)."""
    return {"labels": list(dimensions()), "statuses": list(STATUSES),
            "vectorizers": {name: {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
                            for name, params in VECTORIZERS.items()}}


def mismatch(meta: dict) -> str:
    """'' when a model's metadata matches this code's contract, else what differs."""
    want = contract()
    for key in ("labels", "statuses", "vectorizers"):
        if key in meta and meta[key] != want[key]:
            return f"its {key} differ from this version's"
    return ""
