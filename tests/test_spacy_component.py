"""The spaCy component on a blank Chinese pipeline."""
from __future__ import annotations

import spacy

import extract.spacy_component  # noqa: F401  (registers the factory)


def test_component_adds_labelled_figure_spans():
    nlp = spacy.blank("zh")
    nlp.add_pipe("shequ_figures")
    doc = nlp("全区52个社区，投入经费1200多万元，办公用房340平方米以上。")
    spans = doc.spans["figures"]
    assert [s.label_ for s in spans] == ["community_count", "funding", "facility_area"]
    assert spans[1]._.figure["value"] == 12000000 and spans[1]._.figure["approx"] == "gt"
    assert "52" in spans[0].text
