"""Word segmentation with a private jieba.Tokenizer (the global one stays untouched) and the
domain dictionary `corpora/domain_dict.txt`. Part-of-speech comes from jieba's own dictionary
tags by lookup, so only the few words a figure needs are ever tagged (jieba.posseg over whole
texts costs ~27 s/MB here; plain segmentation ~0.7 s/MB)."""
from __future__ import annotations

import functools
import logging
import marshal
import os
import tempfile
from pathlib import Path

from .resources import corpus_path


@functools.cache
def tokenizer():
    """The private tokenizer, initialised once with the domain dictionary."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    with corpus_path("domain_dict.txt").open("rb") as f:
        tk.load_userdict(f)
    return tk


@functools.cache
def _tags() -> dict[str, str]:
    """word -> jieba dictionary tag, cached in the temp folder as jieba caches its own dictionary."""
    import jieba

    sources = (Path(jieba.__file__).parent / "dict.txt", corpus_path("domain_dict.txt"))
    stamp = "-".join(str(int(p.stat().st_mtime)) + str(p.stat().st_size) for p in sources)
    cache = Path(tempfile.gettempdir()) / f"shequ-tags-{stamp}.marshal"
    try:
        return marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tags: dict[str, str] = {}
    for path in sources:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and not parts[0].startswith("#"):
                    tags[parts[0]] = parts[2]
    try:
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(tags))
        os.replace(tmp, cache)
    except OSError:
        pass
    return tags


def cut(text: str) -> list[str]:
    """Words of a short text (no HMM guessing of unknown words: stable on short windows)."""
    if len(text) <= 24:
        return list(cut_cached(text))
    return tokenizer().lcut(text, HMM=False)


@functools.lru_cache(maxsize=4096)
def cut_cached(text: str) -> tuple[str, ...]:
    """`cut` for texts that recur (a sentence holding several figures, short windows)."""
    return tuple(tokenizer().lcut(text, HMM=False))


def pos(word: str) -> str:
    """jieba's dictionary tag of a word ('n', 'v', 'ns' …), '' when the word is not in it."""
    return _tags().get(word, "")


# last characters of unknown words that are nouns (organisations, places, facilities, people)
_NOUN_ENDINGS = set("员者站室会队组点所园馆厅区村户房中心部局委处科院校场屋栏窗板墙路街道镇乡市县省网格家庭人口群企业单位协会")


# one-character words that are nouns when they stand alone after a classifier (11个村)
_SINGLE_NOUNS = set("村乡镇户人楼室站所处家街区组队点场馆厅院校园店屋房棵株树")


def is_nounish(word: str) -> bool:
    """True for nouns, noun-like verbs and place/organisation names, and unknown multi-char words."""
    if len(word) == 1:
        return word in _SINGLE_NOUNS
    tag = pos(word)
    if not tag:
        return len(word) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in word) and word[-1] in _NOUN_ENDINGS
    return tag[0] in "nj" or tag in {"an", "b", "l", "s", "ng"}


@functools.cache
def _domain_words() -> frozenset[str]:
    with corpus_path("domain_dict.txt").open(encoding="utf-8") as f:
        return frozenset(line.split()[0] for line in f if line.strip() and not line.startswith("#"))


def continues_noun(word: str) -> bool:
    """True when `word` can extend a noun phrase already begun (社区 + 养老服务中心), i.e. it is a
    domain term or ends like a noun of a thing, body or person (行政村 + 细分 does not)."""
    return word in _domain_words() or (len(word) > 1 and word[-1] in _NOUN_ENDINGS) or word in _SINGLE_NOUNS
