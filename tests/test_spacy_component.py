"""The spaCy component on a blank Chinese pipeline, as the README shows it (no import of ours
first: the factory comes from the package's entry point), and saved and loaded in a fresh process."""
from __future__ import annotations

import json
import subprocess
import sys

import spacy


def test_component_adds_labelled_figure_spans():
    nlp = spacy.blank("zh")
    nlp.add_pipe("shequ_figures")
    doc = nlp("全区52个社区，投入经费1200多万元，办公用房340平方米以上。")
    spans = doc.spans["figures"]
    assert [s.label_ for s in spans] == ["community_count", "funding", "facility_area"]
    assert spans[1]._.shequ_figure["value"] == 12000000 and spans[1]._.shequ_figure["approx"] == "gt"
    assert "52" in spans[0].text
    meta = nlp.get_pipe_meta("shequ_figures")
    assert "doc.spans" in meta.assigns and "span._.shequ_figure" in meta.assigns


FRESH = """
import json, sys, spacy
assert "extract" not in sys.modules
nlp = spacy.load(sys.argv[1])
doc = nlp("下辖15个社区，投入资金200万元。")
print(json.dumps([[s.label_, s._.shequ_figure["value"]] for s in doc.spans["figures"]]))
"""


def test_a_fresh_process_adds_the_pipe_by_name():
    code = ("import spacy, sys; nlp = spacy.blank('zh'); nlp.add_pipe('shequ_figures'); "
            "print(len(nlp('下辖15个社区。').spans['figures']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_a_saved_pipeline_loads_in_a_fresh_process(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("shequ_figures")
    nlp.to_disk(tmp_path / "pipeline")
    proc = subprocess.run([sys.executable, "-c", FRESH, str(tmp_path / "pipeline")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [["community_count", 15], ["funding", 2000000]]
