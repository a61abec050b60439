"""Document.sentence_at against a scan of the sentences, and the collector pause of the big stages."""
import gc

import pytest

from extract import gcpause
from extract.normalise import split_sentences
from extract.records import Document


def test_sentence_at_finds_the_holding_sentence_or_none():
    text = "Alpha one!  Beta two?\n\n  Gamma three; delta four\nlast"
    sentences = split_sentences(text, [(0, 1)])
    doc = Document(source="t", doc_id="t", format="txt", status="ok", text=text, sentences=sentences)
    assert len(sentences) >= 4
    for offset in range(-2, len(text) + 3):
        holding = [s for s in sentences if s.start <= offset < s.end]
        assert doc.sentence_at(offset) is (holding[0] if holding else None)
    assert any(doc.sentence_at(k) is None for k in range(len(text)))  # the spaces between sentences


def test_sentence_at_without_sentences():
    assert Document(source="t", doc_id="t", format="txt", status="ok").sentence_at(0) is None


def test_paused_holds_the_collector_off_and_restores_it():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves it as the outer found it
    assert gc.isenabled()
    with pytest.raises(ValueError), gcpause.paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
