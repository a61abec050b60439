"""The standards data files: every honours example of corpora/standards/honours.toml is read as it
says."""
from __future__ import annotations

import pytest

from extract.normalise import split_sentences
from extract.records import Document
from extract.resources import load_toml
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
