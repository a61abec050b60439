"""Segmentation: the cached dictionary is jieba's dictionary plus the domain dictionary, word for
word, and a cache that is damaged or stale is rebuilt, never trusted."""
from __future__ import annotations

import jieba
import pytest

from extract import segment
from extract.resources import corpus_path

SENTENCE = "全区新建社区党群服务中心12个，居家养老服务站覆盖率达到百分之八十。"


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment._dictionary.cache_clear()
    segment.tokenizer.cache_clear()
    yield tmp_path / "shequ"
    segment._dictionary.cache_clear()
    segment.tokenizer.cache_clear()


def test_cached_dictionary_equals_jieba_with_the_domain_dictionary(cache_home):
    built = segment._dictionary()
    [cache] = cache_home.glob("dictionary-*.marshal")
    segment._dictionary.cache_clear()
    loaded = segment._dictionary()
    assert loaded[0] == built[0] and loaded[1] == built[1] and loaded[2] == built[2]

    reference = jieba.Tokenizer()
    reference.initialize()
    with corpus_path("domain_dict.txt").open("rb") as f:
        reference.load_userdict(f)
    assert loaded[0] == reference.FREQ and loaded[1] == reference.total
    assert segment.tokenizer().lcut(SENTENCE, HMM=False) == reference.lcut(SENTENCE, HMM=False)
    assert segment.pos("社区") == "n" and segment.pos("社区养老服务中心") == "n"


def test_damaged_cache_is_rebuilt(cache_home):
    segment._dictionary()
    [cache] = cache_home.glob("dictionary-*.marshal")
    cache.write_bytes(b"\x00not a marshal dump")
    segment._dictionary.cache_clear()
    assert segment._dictionary()[0]["社区"] > 0
    assert cache.read_bytes()[:4] != b"\x00not"
