"""Bounded pieces for unbounded inputs: a long run of numerals holds no figure (and the figures
around it are still found), a very long line is cut after sentence ends, a very long sentence after
clause marks, and the tagger scores sentences in batches exactly as it scores them all at once."""
from __future__ import annotations

import numpy as np

from extract.figures import find_figures
from extract.figures.rules import rules
from extract.normalise import furniture_rules, split_long_line, split_sentences
from extract.standards.tagger import tagger
from helpers import ROOT


def test_long_numeral_run_holds_no_figure_and_spares_its_neighbours():
    limit = rules().data["scan"]["max_numeral_run"]
    run = "1万2千3百" * (limit // 6 + 2)
    found = [f.text for f in find_figures(f"新建活动室3个，{run}个，投入资金40万元。")]
    assert found == ["3个", "40万元"]
    short = "1" * (limit - 2)  # a run within the limit is read as it always was
    assert [f.value for f in find_figures(f"投入资金{short}元。")] == [float(short)]


def test_long_line_is_cut_after_sentence_ends():
    limit = furniture_rules().long_line_chars
    sentence = "社区新建服务站，" * 20 + "覆盖全部居民。"
    line = sentence * (3 * limit // len(sentence))
    pieces = split_long_line(line)
    assert "".join(pieces) == line and len(pieces) >= 3
    assert all(len(p) <= limit and p.endswith("。") for p in pieces[:-1])
    assert split_long_line(sentence) == [sentence]


def test_long_sentence_is_cut_after_clause_marks():
    limit = furniture_rules().long_sentence_chars
    text = "新建服务站3个，" * (3 * limit // 8) + "完。\n短句。\n"
    sentences = split_sentences(text, [(0, 1)])
    assert len(sentences) > 3 and sentences[-1].text == "短句。"
    assert all(len(s.text) <= limit for s in sentences)
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert "".join(s.text for s in sentences[:-1]) == text.split("\n")[0]


def test_tagger_scores_in_batches_as_all_at_once(monkeypatch):
    import extract.standards.tagger as t

    texts = [line for p in sorted((ROOT / "corpora" / "samples_src").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()][:300]
    whole = tagger().predict(texts)
    monkeypatch.setattr(t, "_BATCH_CHARS", 500)
    batched = tagger().predict(texts)
    assert len(list(t._batches(texts))) > 10
    for a, b in zip(whole, batched):
        assert np.array_equal(a, b)
