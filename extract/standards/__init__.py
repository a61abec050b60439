"""Standards: which creation standards a report claims (achieved or planned), and the honours it
names. `model.py` is the contract shared by the trainer (`train.py`) and the tagger (`tagger.py`);
`claims.py` turns sentence scores into document claims; `honours.py` finds honours by rule."""
from __future__ import annotations

from ..records import Claim, Document, Honour
from .claims import claims_of
from .honours import honours_of

__all__ = ["classify_document", "claims_of", "honours_of"]


def classify_document(document: Document) -> tuple[tuple[Claim, ...], tuple[Honour, ...]]:
    """Claims and honours of one document."""
    return tuple(claims_of(document)), tuple(honours_of(document))
