"""The standards tagger: its hand-written TF-IDF equals scikit-learn's, it rebuilds reproducibly,
and documents get claims and honours with real evidence."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import extract
from extract.standards import tagger as tagging
from extract.standards.model import prepare
from extract.standards.train import fit, load_corpus, to_arrays, training_files

from helpers import SAMPLES

SENTENCES = ["全年投入资金640万元，对3个社区服务用房进行改扩建。", "力争到2025年底，城市社区综合服务设施覆盖率达到100%。",
             "社区组建志愿服务队12支，开展志愿服务活动150余场。", "存在的问题：部分社区工作经费来源单一。", "XX区ABC社区 网格",
             "区财政将社区工作经费纳入年度预算，每个社区每年不少于15万元。"]


@pytest.fixture(scope="module")
def trained():
    texts, labels, statuses, _ = load_corpus(training_files())
    return fit(texts, labels, statuses)


def test_handwritten_tfidf_equals_scikit_learn(trained):
    tagger = tagging.tagger_from_arrays(to_arrays(trained))
    X = trained["features"].transform([prepare(t) for t in SENTENCES]).toarray()
    for row, text in enumerate(SENTENCES):
        mine = np.zeros(X.shape[1])
        for block in tagger.blocks:
            for j, v in block.weights(prepare(text)).items():
                mine[j] = v
        assert np.allclose(mine, X[row], atol=1e-5)
    topic, status = tagger.predict(SENTENCES)
    X_sparse = trained["features"].transform([prepare(t) for t in SENTENCES])
    assert np.allclose(topic, trained["topic"].predict_proba(X_sparse), atol=1e-5)
    sk_status = trained["status"].predict_proba(X_sparse)
    order = [list(trained["status"].classes_).index(s) for s in tagger.statuses]
    assert np.allclose(status, sk_status[:, order], atol=1e-5)


def test_retraining_reproduces_the_shipped_model(trained):
    shipped = tagging.tagger()
    rebuilt = tagging.tagger_from_arrays(to_arrays(trained))
    for a, b in zip(shipped.predict(SENTENCES), rebuilt.predict(SENTENCES)):
        assert np.abs(a - b).max() < 0.02


def test_sentence_predictions_make_sense():
    topic, status = tagging.tagger().predict(SENTENCES)
    labels = tagging.tagger().labels
    # one project's cost claims what it built, not a funding guarantee (GUIDELINES §2); a standing one does
    assert topic[0, labels.index("facilities")] > 0.5 and topic[0, labels.index("funding_guarantee")] < 0.5
    assert topic[5, labels.index("funding_guarantee")] > 0.5
    assert status[1].argmax() == 1  # planned
    assert topic[2, labels.index("volunteering")] > 0.9 and status[2].argmax() == 0  # achieved
    assert status[3].argmax() == 2  # a problem claims nothing


def test_document_claims_point_to_real_sentences():
    result = extract.process_file(SAMPLES / "09_laonian_fuwu.txt")
    claims = {(c.standard, c.status): c for c in result.claims}
    assert ("elderly_care", "achieved") in claims
    for c in result.claims:
        assert result.document.text[c.evidence_start:c.evidence_end] == c.evidence
        assert c.n_sentences >= 1 and 0 < c.score <= 1


def test_plan_documents_claim_planned_standards():
    result = extract.process_file(SAMPLES / "04_chuangjian_fangan.txt")
    statuses = [c.status for c in result.claims]
    assert statuses.count("planned") > statuses.count("achieved")


def test_honours():
    result = extract.process_file(SAMPLES / "01_jingyan_jiaoliu.txt")
    titles = {h.title: h for h in result.honours}
    h = titles["全省和谐社区建设示范城区"]
    assert h.holder == "青川区" and h.level == "provincial" and h.year == "2020"
    assert result.document.text[h.start:h.end].startswith("荣获")


@pytest.mark.parametrize("folder,figures_f1,standards_f1", [("blind2a", 0.98, 0.93), ("blind2b", 0.98, 0.74), ("blind2c", 0.98, 0.84)])
def test_second_blind_sets_keep_their_scores(folder, figures_f1, standards_f1):
    """Three sets of 8 reports written and annotated by helpers who never saw the code (NOTES.md in
    each folder). Floors a little under the scores measured when they were added: blind2b's
    annotator claims fewer standards per report than the dev gold does, hence its lower floor."""
    from extract.evaluate import score

    folder = Path(__file__).parent / "data" / folder
    summary = score([extract.process_file(p) for p in sorted(folder.glob("*.txt"))], folder).summary()
    assert summary["documents"] == 8
    assert summary["typed_f1"] >= figures_f1 and summary["standards_f1"] >= standards_f1


@pytest.mark.parametrize("folder,figures_f1,standards_f1", [("blind3a", 0.985, 0.76), ("blind3b", 0.955, 0.82)])
def test_third_blind_sets_in_the_shapes_of_real_pages_keep_their_scores(folder, figures_f1, standards_f1):
    """Two sets of 14 documents in the shapes real pages have (site furniture, breadcrumbs, bodies on
    one line, page counters, Traditional script, news, plans, budget notices, checklists), written
    and annotated by two helpers who never saw the code (NOTES.md in each folder). First run: typed
    F1 0.930 and 0.925, standards 0.724 and 0.818. blind3b was held out while the figure rules of
    this release were written (measured only at the end); floors a little under the scores then."""
    from extract.evaluate import score

    folder = Path(__file__).parent / "data" / folder
    docs = [p for p in sorted(folder.glob("b3*.txt")) if not p.name.endswith(".excluded.txt")]
    summary = score([extract.process_file(p) for p in docs], folder).summary()
    assert summary["documents"] == 14
    assert summary["typed_f1"] >= figures_f1 and summary["standards_f1"] >= standards_f1
