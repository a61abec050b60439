"""The stable key of an audit flag, which ties a reviewer's decision to the flag across reruns.

A run rewrites the flags table; a review must find its flag again when the same finding comes
back. The key is built only from what locates a finding in the content: the document's content
hash (`doc_id`), the check, the evidence's offsets and the offsets of the figures involved.
Paths, wording of the message and row order are left out, so a rerun, a moved folder or a
reworded message keep the key, while a changed text (new hash) or a finding that moved does not.
"""
from __future__ import annotations

import hashlib

KEY_LENGTH = 16  # hex digits: 64 bits, no collision to fear among the flags of one corpus


def flag_key(doc_id: str, check: str, start: int, end: int, figures: str = "") -> str:
    """The key of a flag, e.g. `flag_key("017a481f26179512", "sum_mismatch", 103, 199,
    "133-138;145-147")`. `figures` is the flags table's `start-end;start-end` list, in any order."""
    refs = ";".join(sorted(r.strip() for r in (figures or "").split(";") if r.strip()))
    raw = "\x1f".join((doc_id or "", check or "", str(int(start or 0)), str(int(end or 0)), refs))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:KEY_LENGTH]
