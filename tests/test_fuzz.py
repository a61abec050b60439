"""Property tests over the readers, normalisation and the number engine: whatever the input, a
row or a value comes back, never an exception. Bounded run time (examples capped, no deadline)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extract
from extract.figures import find_figures
from extract.figures.numbers import CN_CHARS, NotANumber, parse_number
from extract.normalise import normalise
from extract.records import RawDocument
from extract.vocab import DOCUMENT_STATUSES

STATUSES = set(DOCUMENT_STATUSES)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADERS = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1", b"<html>", b"\xef\xbb\xbf"]


@FUZZ
@given(header=st.sampled_from(HEADERS), body=st.binary(max_size=3000),
       suffix=st.sampled_from([".pdf", ".docx", ".doc", ".txt", ".html", ".rtf", ".bin"]))
def test_read_never_raises(tmp_path, header, body, suffix):
    p = tmp_path / f"f{suffix}"
    p.write_bytes(header + body)
    doc = extract.read(p)
    assert doc.status in STATUSES
    assert "\n" not in doc.error
    if doc.status == "ok":
        for s in doc.sentences:
            assert doc.text[s.start:s.end] == s.text


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("社区居民经费平方米万元个户人%％，。、\n 　()（）“”") + list("0123456789") +
                                        list(CN_CHARS)), max_size=300))
def test_normalise_and_figures_never_raise(text):
    norm = normalise(RawDocument(pages=(text,), format="txt"))
    for s in norm.sentences:
        assert norm.text[s.start:s.end] == s.text
    for f in find_figures(norm.text):
        assert f.quantity in {"money", "area", "count", "percent"}
        assert norm.text[f.start:f.end] == f.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(CN_CHARS) + list("0123456789.,点")), min_size=1, max_size=12))
def test_parse_number_returns_a_value_or_says_it_is_not_one(text):
    try:
        value = parse_number(text)
    except NotANumber:
        return
    assert value >= 0
