"""Every code the pipeline writes is one of the vocabularies of corpora/vocab.toml."""
from __future__ import annotations

import pytest

import extract
from extract import vocab
from extract.standards.model import dimensions

from helpers import SAMPLES


@pytest.fixture(scope="module")
def results():
    return [extract.process_file(p) for p in sorted(SAMPLES.iterdir())]


def test_figures_use_the_vocabularies(results):
    figures = [f for r in results for f in r.figures]
    assert len(figures) > 150
    for f in figures:
        assert f.kind in vocab.KINDS and vocab.QUANTITY_OF_KIND[f.kind] == f.quantity, f
        assert f.approx in vocab.APPROX and f.role in vocab.ROLES, f


def test_documents_claims_and_flags_use_the_vocabularies(results):
    assert {r.document.status for r in results} <= set(vocab.DOCUMENT_STATUSES)
    claims = [c for r in results for c in r.claims]
    assert claims and all(c.status in vocab.CLAIM_STATUSES and c.standard in dimensions() for c in claims)
    flags = [f for r in results for f in r.flags]
    assert flags and all(f.check in vocab.CHECKS and f.severity in vocab.SEVERITIES for f in flags)


def test_every_code_has_a_label():
    for name in ("quantity", "kind", "approx", "claim_status", "document_status", "severity", "check"):
        for code in vocab._DATA[name]:
            assert code == "" or vocab.label(name, code) != code, (name, code)
