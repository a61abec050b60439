"""The standards data files: every honours example of corpora/standards/honours.toml is read as it
says."""
from __future__ import annotations

import pytest

from extract.normalise import split_sentences
from extract.records import Document
from extract.resources import fill, load_toml
from extract.standards.honours import honours_of

EXAMPLES = load_toml("standards/honours.toml")["examples"]


def _doc(text: str) -> Document:
    return Document(source="x.txt", doc_id="x", format="txt", status="ok", text=text,
                    sentences=split_sentences(text, [(0, 1)]))


@pytest.mark.parametrize("sentence,holder,title", EXAMPLES["honours"])
def test_honour_examples(sentence, holder, title):
    [honour] = honours_of(_doc(sentence))
    assert (honour.holder, honour.title) == (holder, title)


@pytest.mark.parametrize("sentence", EXAMPLES["not_honours"])
def test_not_honour_examples(sentence):
    assert honours_of(_doc(sentence)) == []


# --- the training sentences (corpora/standards/*.jsonl) -------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

from extract.standards.train import training_files  # noqa: E402

ROWS = [(f.name, n, json.loads(line)) for f in training_files()
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
HEADING = re.compile(fill(load_toml("cues.toml")["headings"]["numbered_line"], load_toml("cues.toml")["headings"]))
MAX_HEADING = load_toml("standards/taxonomy.toml")["decision"]["max_heading_chars"]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_a_sentence_that_claims_nothing_names_no_dimension():
    """Labels are the dimensions a sentence claims: a problem, background or furniture (status
    none) has none, so the topic model never learns a problem as a claim."""
    bad = [f"{f}:{n}" for f, n, r in ROWS if r["status"] == "none" and r["labels"]]
    assert not bad, bad[:10]


def test_a_heading_alone_claims_nothing():
    """A heading (一、… （二）… 3.…) with no body after it is not evidence (GUIDELINES: text that is
    not the report's body claims nothing)."""
    bad = [f"{f}:{n} {r['text']}" for f, n, r in ROWS
           if HEADING.match(r["text"]) and len(r["text"]) <= MAX_HEADING and r["status"] != "none"]
    assert not bad, bad[:10]


def test_no_sentence_twice():
    seen: dict[str, str] = {}
    twice = []
    for f, n, r in ROWS:
        key = _fold(r["text"])
        if key in seen:
            twice.append(f"{f}:{n} = {seen[key]}")
        seen.setdefault(key, f"{f}:{n}")
    assert not twice, twice[:10]


def _shared() -> Path | None:
    root = Path(__file__).resolve().parent.parent
    for p in (os.environ.get("SHEQU_SHARED"), root.parent / "shared", root.parent.parent / "shared"):
        if p and (Path(p) / "eval" / "real" / "docs").is_dir():
            return Path(p)
    return None


@pytest.mark.skipif(_shared() is None, reason="the shared evaluation documents are not here (SHEQU_SHARED)")
def test_no_training_sentence_is_copied_from_the_evaluation_documents():
    """No 12-character run of any training sentence (as written, or width-folded) occurs in the
    real evaluation excerpts or the seeds (as written, or after the reader's Traditional ->
    Simplified conversion)."""
    from extract.normalise import to_simplified

    shared = _shared()
    docs = [p.read_text(encoding="utf-8", errors="replace")
            for p in sorted((shared / "eval" / "real" / "docs").glob("*.txt")) + sorted((shared / "seeds").glob("*.txt"))]
    k, grams = 12, set()
    for text in docs:
        for t in {text, _fold(text), to_simplified(text), _fold(to_simplified(text))}:
            grams.update(t[i:i + k] for i in range(len(t) - k + 1))
    copied = [f"{f}:{n} {r['text']}" for f, n, r in ROWS
              if any(t[i:i + k] in grams for t in {r["text"], _fold(r["text"])} for i in range(len(t) - k + 1))]
    assert not copied, copied[:10]
