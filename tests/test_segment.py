"""Segmentation: the dictionary, loaded one first character at a time from its cache, is jieba's
dictionary plus the domain dictionary, entry for entry; texts cut with it are cut as jieba cuts
them; and a damaged cache is rebuilt, never trusted."""
from __future__ import annotations

import jieba
import pytest

from extract import segment
from extract.resources import corpus_path

TEXTS = ["全区新建社区党群服务中心12个，居家养老服务站覆盖率达到百分之八十。",
         "投入资金640万元，对3个社区养老服务中心进行改扩建", "XX区ABC社区网格员"]


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.reset()
    yield tmp_path / "shequ"
    segment.reset()


@pytest.fixture(scope="module")
def reference():
    tk = jieba.Tokenizer()
    tk.initialize()
    with corpus_path("domain_dict.txt").open("rb") as f:
        tk.load_userdict(f)
    return tk


def test_lazily_loaded_dictionary_cuts_as_jieba_does(cache_home, reference):
    built = segment.dictionary()  # the first call builds the cache
    assert list(cache_home.glob("dictionary-*.marshal"))
    segment.reset()
    loaded = segment.dictionary()
    assert loaded is not built and loaded.freq == {}  # nothing loaded before a text needs it
    for text in TEXTS:
        assert segment.cut(text) == reference.lcut(text, HMM=False)
    assert 0 < len(loaded.freq) < len(reference.FREQ)
    assert segment.pos("社区") == "n" and segment.pos("社区养老服务中心") == "n" and segment.pos("网格员x") == ""

    loaded.load_all()
    assert loaded.freq == reference.FREQ and loaded.total == reference.total
    assert len(loaded.tags) > 300_000


def test_damaged_cache_is_rebuilt(cache_home):
    segment.dictionary()
    [cache] = cache_home.glob("dictionary-*.marshal")
    cache.write_bytes(b"\x00not a marshal dump")
    segment.reset()
    segment.dictionary().need("社区")
    assert segment.dictionary().freq["社区"] > 0
    assert cache.read_bytes()[:4] != b"\x00not"


def test_threads_sharing_the_dictionary_cut_as_jieba_does(cache_home, reference):
    from concurrent.futures import ThreadPoolExecutor

    segment.dictionary()  # the cache file exists; the threads open the dictionary and fill it at once
    segment.reset()
    texts = [t[i:i + 20] for t in TEXTS * 20 for i in range(0, len(t), 7)]
    with ThreadPoolExecutor(8) as pool:
        cuts = list(pool.map(segment.cut, texts))
    assert cuts == [reference.lcut(t, HMM=False) for t in texts]


def test_load_opens_dictionary_and_tokenizer_from_nothing(cache_home):
    import threading

    segment.dictionary()  # the cache file exists
    segment.reset()
    worker = threading.Thread(target=segment.load, daemon=True)  # what a run does before forking
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "segment.load() hung"
    assert segment._tokenizer().FREQ is segment.dictionary().freq


def test_two_installs_keep_their_own_caches(cache_home, tmp_path, monkeypatch):
    """Two installs alternating (another version, another domain dictionary) each build their cache
    once and never delete the other's; a cache nobody opened for months is pruned."""
    import os
    import time

    jieba_dict, domain = segment._sources()
    other_domain = tmp_path / "domain_dict.txt"
    other_domain.write_bytes(domain.read_bytes() + "网格议事厅 20 n\n".encode("utf-8"))
    installs = {"a": (jieba_dict, domain), "b": (jieba_dict, other_domain)}
    builds = []
    real_build = segment._build

    def counting_build():
        builds.append(segment._sources())
        return real_build()

    monkeypatch.setattr(segment, "_build", counting_build)
    stale = cache_home / "dictionary-1-0.0.1-0000000000000000.marshal"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    month_old = time.time() - 100 * 86400
    os.utime(stale, (month_old, month_old))
    names = {}
    for install in ["a", "b", "a", "b", "a"]:
        monkeypatch.setattr(segment, "_sources", lambda i=install: installs[i])
        segment.reset()
        names[install] = segment.cache_name()
        segment.dictionary().need("网格议事厅")
        assert ("网格议事厅" in segment.dictionary().freq) == (install == "b")
    assert names["a"] != names["b"]
    assert len(builds) == 2  # one build per install, not one per run
    assert sorted(p.name for p in cache_home.glob("dictionary-*.marshal")) == sorted(names.values())
    assert not stale.exists()

    from extract import __version__
    monkeypatch.setattr("extract.__version__", __version__ + ".post1")
    assert segment.cache_name() != names["a"]  # another version of shequ, another cache


def _mixed_windows(seed: int, count: int) -> list[str]:
    """Random short texts of numerals, units, ASCII letters and words that dictionary entries start
    with (4S店, 1号店, B超, C++, 平方米, 十人 …): where jieba's words meet, merge and overlap."""
    import random

    rng = random.Random(seed)
    pieces = list("4S1号店B超Aab9C+#&.%-十人万元平方米个户二三百千社区服务中心站 ，、") + \
        ["4S店", "1号店", "B超", "C++", "AT&T", "十人", "平方米", "万元", "社区服务中心", "481", "7万4千7百户"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def test_lazy_cuts_forward_and_backward_are_jiebas(cache_home, reference):
    """iter_cut (forced first words, then the block's cut) and iter_cut_reversed (the tail after
    the last cut point, the route from the end back) give jieba's words, in order and reversed,
    also when read only in part."""
    for text in _mixed_windows(16, 4000) + TEXTS:
        words = reference.lcut(text, HMM=False)
        assert list(segment.iter_cut(text)) == words, text
        assert list(segment.iter_cut_reversed(text)) == words[::-1], text
        assert segment.cut(text) == words
        first = segment.iter_cut(text)
        assert next(first, None) == (words[0] if words else None)
        last = segment.iter_cut_reversed(text)
        assert [w for _, w in zip(range(2), last)] == words[::-1][:2]


def test_forced_word_and_tail_of_a_block(cache_home, reference):
    """A digit no dictionary word starts with is a word of its own before the block is cut; the
    words after a block's last cut point are those of the tail cut alone."""
    d = segment.dictionary()
    d.need("7号4S店")
    assert segment._forced("7号", 0, d.freq)
    assert not segment._forced("4S店", 0, d.freq)  # 4S店 is a word
    words, _ = segment._tail("平方米")
    assert list(words) == reference.lcut("平方米", HMM=False)
