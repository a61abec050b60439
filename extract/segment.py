"""Word segmentation with a private jieba.Tokenizer (the global one stays untouched) and the
domain dictionary `corpora/domain_dict.txt`. Part-of-speech comes from jieba's own dictionary
tags by lookup, so only the few words a figure needs are ever tagged (jieba.posseg over whole
texts costs ~27 s/MB here; plain segmentation ~0.7 s/MB)."""
from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import threading
from array import array
from math import log
from pathlib import Path

from .resources import corpus_path, load_toml

# Bumped when the layout of the dictionary cache changes.
_CACHE_FORMAT = 2


def _cache_dir() -> Path:
    """The user's cache folder for shequ (not the shared temp folder: nobody else writes there)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shequ"


def import_jieba():
    """jieba, imported without pkg_resources: jieba._compat imports it (~0.06 s, and a deprecation
    warning on recent setuptools) only to open jieba's own files, and falls back to opening them
    by path when the import fails."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # `import pkg_resources` raises ImportError
        try:
            import jieba  # noqa: F401
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


def _sources() -> tuple[Path, Path]:
    jieba = import_jieba()
    return Path(jieba.__file__).parent / "dict.txt", corpus_path("domain_dict.txt")


def _build() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's prefix dictionary with the domain words added, its total, and every word's tag."""
    jieba = import_jieba()

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    with _sources()[1].open("rb") as f:
        tk.load_userdict(f)
    tags: dict[str, str] = {}
    for path in _sources():
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and not parts[0].startswith("#"):
                    tags[parts[0]] = parts[2]
    return tk.FREQ, tk.total, tags


def _buckets(table: dict, pack) -> dict[str, tuple]:
    """{first character: (its keys joined by newlines, their values packed)}."""
    by_first: dict[str, list[str]] = {}
    for key in table:
        by_first.setdefault(key[:1], []).append(key)
    return {ch: ("\n".join(keys), pack([table[k] for k in keys])) for ch, keys in by_first.items()}


class Dictionary:
    """jieba's dictionary (words and word prefixes -> frequency) with the domain dictionary added,
    and every word's dictionary tag, loaded one first character at a time.

    A word or prefix that starts with a character is only ever looked up in a text holding that
    character, so `need(text)` loads the entries of the text's characters before it is cut, and
    `tag(word)` those of the word's first character. A run thus loads only the part of the
    dictionary its texts use, spread over its workers, instead of all 500,000 entries (~0.5 s)
    before the first file. `freq` is the plain dict the tokenizer reads."""

    def __init__(self, freq_buckets: dict, total: int, tag_buckets: dict):
        self.freq: dict[str, int] = {}
        self.tags: dict[str, str] = {}
        self.longest: dict[str, int] = {}  # first character -> length of its longest entry (loaded ones)
        self.total = total
        self._freq_todo, self._tag_todo = freq_buckets, tag_buckets
        self._lock = threading.Lock()  # threads of one process (a Dask worker) share the dictionary

    def need(self, text: str) -> None:
        """Load the entries of every character of `text`."""
        todo = self._freq_todo.keys()
        if todo.isdisjoint(text):  # the usual case once a text's characters are loaded
            return
        missing = todo & set(text)
        if missing:
            with self._lock:  # a bucket leaves the to-do list only once it is in `freq`
                for ch in missing:
                    bucket = self._freq_todo.get(ch)
                    if bucket is not None:
                        keys = bucket[0].split("\n")
                        self.freq.update(zip(keys, array("q", bucket[1])))
                        self.longest[ch] = max(map(len, keys))
                        del self._freq_todo[ch]

    def tag(self, word: str) -> str:
        """jieba's dictionary tag of a word, '' for a word not in the dictionary."""
        first = word[:1]
        if first in self._tag_todo:
            with self._lock:
                bucket = self._tag_todo.get(first)
                if bucket is not None:
                    self.tags.update(zip(bucket[0].split("\n"), bucket[1].split("\n")))
                    del self._tag_todo[first]
        return self.tags.get(word, "")

    def load_all(self) -> None:
        """Every entry (for tests and for tools that need the whole table)."""
        self.need("".join(self._freq_todo))
        for ch in list(self._tag_todo):
            self.tag(ch)


_OPENED: dict[str, object] = {}  # the process's dictionary and tokenizer, made once
_OPENING = threading.RLock()  # re-entrant: the tokenizer opens the dictionary


def _once(name: str, make):
    """`make()`, once per process, even when several threads ask at the same time."""
    value = _OPENED.get(name)
    if value is None:
        with _OPENING:
            value = _OPENED.get(name)
            if value is None:
                value = _OPENED[name] = make()
    return value


def reset() -> None:
    """Forget the opened dictionary and tokenizer (tests; a changed cache folder)."""
    with _OPENING:
        _OPENED.clear()
    cut_block.cache_clear()
    _tail.cache_clear()


def dictionary() -> Dictionary:
    """The process's dictionary (opened on first use)."""
    return _once("dictionary", _open_dictionary)


def _open_dictionary() -> Dictionary:
    """The dictionary, from the user's cache folder.

    The cache is built once from the dictionaries (~3 s) and holds, per first character, long
    strings and packed integers (marshal, which cannot run code): opening it takes ~0.03 s."""
    cache = _cache_dir() / cache_name()
    try:
        opened = Dictionary(*marshal.loads(cache.read_bytes()))
        _mark_used(cache)
        return opened
    except (OSError, ValueError, EOFError, TypeError):
        pass
    freq, total, tag_of = _build()
    if any("\n" in w for w in freq):  # cannot be packed: keep the tables whole, uncached
        whole = Dictionary({}, total, {})
        whole.freq.update(freq)
        for w in freq:
            whole.longest[w[:1]] = max(whole.longest.get(w[:1], 0), len(w))
        whole.tags.update(tag_of)
        return whole
    packed = (_buckets(freq, lambda v: array("q", v).tobytes()), total, _buckets(tag_of, "\n".join))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        _prune(cache.parent)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(packed))
        os.replace(tmp, cache)
    except OSError:  # a read-only home: no cache, the next process builds again
        pass
    return Dictionary(*packed)


def cache_name() -> str:
    """The cache file of this install: shequ's version, the cache layout and a hash of the
    dictionaries' contents, so installs that differ in any of them (two checkouts, two versions)
    keep caches of their own side by side, and ones that agree share one."""
    from . import __version__

    h = hashlib.sha256()
    for path in _sources():
        h.update(path.read_bytes())
        h.update(b"\0")
    return f"dictionary-{_CACHE_FORMAT}-{__version__}-{h.hexdigest()[:16]}.marshal"


_UNUSED_DAYS = 90  # a cache no install has opened for this long is deleted when another is built


def _mark_used(cache: Path) -> None:
    """Touch the cache: its mtime says when an install last opened it."""
    try:
        os.utime(cache)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Delete the dictionary caches that no install has opened for _UNUSED_DAYS days (another
    install's cache in use is never deleted)."""
    import time

    for old in folder.glob("dictionary-*.marshal"):
        try:
            if time.time() - old.stat().st_mtime > _UNUSED_DAYS * 86400:
                old.unlink()
        except OSError:
            pass


def _tokenizer():
    """The private tokenizer; it reads `dictionary().freq`, which `cut` fills before each text."""
    return _once("tokenizer", _make_tokenizer)


def _make_tokenizer():
    jieba = import_jieba()

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total = dictionary().freq, dictionary().total
    tk.initialized = True
    return tk


def load() -> None:
    """Open the dictionary and the tokenizer (before worker processes fork, so they share them)."""
    _tokenizer()


def cut(text: str) -> list[str]:
    """Words of a short text (no HMM guessing of unknown words: stable on short windows)."""
    return list(iter_cut(text))


def iter_cut(text: str):
    """The words of `cut(text)`, one at a time, each block cut only when it is reached.

    jieba cuts each block of word characters (`jieba.re_han_default`) on its own and splits what
    lies between blocks at whitespace and into single characters; so does this, with each block's
    words remembered (`cut_block`): the windows around the figures of a sentence share their
    blocks, and a reader that stops at the first words (the noun phrase after a count ends at the
    first comma) cuts no further. Inside a block, the words jieba cannot but make (a character no
    dictionary word starts with, as the digits of 481人) come without cutting the block."""
    re_han, re_skip = _splitters()
    for blk in re_han.split(text):
        if blk:
            if re_han.match(blk):
                yield from _block_forward(blk)
            else:
                yield from _between(blk, re_skip)


def iter_cut_reversed(text: str):
    """The words of `cut(text)` from the last to the first, each block cut only when it is reached;
    the route of a block is found from its end back only as far as the words read (`_block_backward`)."""
    re_han, re_skip = _splitters()
    for blk in reversed(re_han.split(text)):
        if blk:
            if re_han.match(blk):
                yield from _block_backward(blk)
            else:
                yield from reversed(_between(blk, re_skip))


def _between(blk: str, re_skip) -> list[str]:
    """jieba's words of what lies between blocks: each whitespace, each other character."""
    words: list[str] = []
    for x in re_skip.split(blk):
        if re_skip.match(x):
            words.append(x)
        else:
            words.extend(x)
    return words


def _dag_at(blk: str, k: int, freq: dict) -> list[int]:
    """jieba's DAG at k (`Tokenizer.get_DAG`'s loop): the last index of every dictionary word of
    blk starting at k, or [k] alone."""
    ends, i, n, frag = [], k, len(blk), blk[k]
    while i < n and frag in freq:
        if freq[frag]:
            ends.append(i)
        i += 1
        frag = blk[k:i + 1]
    return ends or [k]


def _forced(blk: str, x: int, freq: dict) -> bool:
    """True when jieba's DAG at x holds x alone: no word of the dictionary longer than one
    character starts at x, so the word at x is its one character (none does when its first two
    characters are no entry, word or prefix)."""
    return blk[x:x + 2] not in freq or _dag_at(blk, x, freq)[-1] == x


def _block_forward(blk: str):
    """The words of a block in order (as `cut_block`): those jieba is forced to make at its start
    (see `_forced`), with its merging of single ASCII letters and digits into one word, then the
    rest from the whole block's cut."""
    dictionary().need(blk)
    freq, eng = dictionary().freq, _eng()
    done, x, buf, n = 0, 0, "", len(blk)
    while x < n and _forced(blk, x, freq):
        ch = blk[x]
        if eng.match(ch):
            buf += ch
        else:
            if buf:
                yield buf
                done, buf = done + 1, ""
            yield ch
            done += 1
        x += 1
    if x == n or (buf and not eng.match(blk[x])):  # the next word is no single ASCII character
        if buf:
            yield buf
            done += 1
        if x == n:
            return
    yield from cut_block(blk)[done:]


def _block_backward(blk: str):
    """The words of a block from the last to the first (as `cut_block`, reversed), the block's
    route found only as far back as the words read.

    A cut point is a position q that no dictionary word starting before q reaches: jieba's route
    passes it. jieba finds the route from the end back (`Tokenizer.calc`), each position's from the
    text after it only, so the words after the last cut point are those of that tail alone
    (`_tail`, remembered), and the words between two cut points follow from the route score at the
    later one, computed here by the same expression as jieba's in the same order (the same floats).
    A point between two ASCII letters or digits is no cut point here: jieba may merge them. The
    DAG (`Tokenizer.get_DAG`) is made only where a word of two or more characters may start (its
    first character has such an entry, and its first two characters are an entry, word or prefix)."""
    d = dictionary()
    d.need(blk)
    freq, longest, n = d.freq, d.longest, len(blk)
    dag: dict[int, list[int]] = {}

    def dag_at(k: int) -> list[int]:  # jieba's DAG at k, made once
        ends = dag.get(k)
        if ends is None:
            dag[k] = ends = _dag_at(blk, k, freq)
        return ends

    points, reach, longer = [0], -1, longest.get
    prev_eng = blk[0].isascii() and blk[0].isalnum()
    for q in range(1, n):
        if longer(blk[q - 1], 1) > 1 and blk[q - 1:q + 1] in freq:  # a longer word may start at q - 1
            r = dag_at(q - 1)[-1]
            if r > reach:
                reach = r
        ch = blk[q]
        now_eng = ch.isascii() and ch.isalnum()  # what jieba's re_eng matches
        if reach < q and not (now_eng and prev_eng):
            points.append(q)
        prev_eng = now_eng
    end = points.pop()
    words, score = _tail(blk[end:])
    yield from reversed(words)
    if not end:
        return
    tk = _tokenizer()
    logtotal, eng = log(tk.total), _eng()
    route = {end: (score, 0)}
    while points:
        q = points.pop()
        for idx in range(end - 1, q - 1, -1):
            route[idx] = max((log(freq.get(blk[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x) for x in dag_at(idx))
        yield from reversed(_path(blk, route, q, end, eng))
        end = q


@functools.lru_cache(maxsize=65536)
def _tail(tail: str) -> tuple[tuple[str, ...], float]:
    """jieba's words of a block's tail and the route score at its start (see `_block_backward`)."""
    dictionary().need(tail)
    tk = _tokenizer()
    route: dict[int, tuple[float, int]] = {}
    tk.calc(tail, tk.get_DAG(tail), route)
    return tuple(_path(tail, route, 0, len(tail), _eng())), route[0][0]


def _path(blk: str, route: dict, start: int, end: int, eng) -> list[str]:
    """The words of blk[start:end] along a route, single ASCII characters merged (as jieba's
    `__cut_DAG_NO_HMM` yields them)."""
    out, buf, x = [], "", start
    while x < end:
        y = route[x][1] + 1
        word = blk[x:y]
        if eng.match(word) and len(word) == 1:
            buf += word
        else:
            if buf:
                out.append(buf)
                buf = ""
            out.append(word)
        x = y
    if buf:
        out.append(buf)
    return out


@functools.cache
def _eng():
    """jieba's pattern of the ASCII letters and digits it merges into one word."""
    return import_jieba().re_eng


@functools.cache
def _splitters():
    """jieba's own patterns of word blocks and of whitespace between them."""
    jieba = import_jieba()
    return jieba.re_han_default, jieba.re_skip_default


@functools.lru_cache(maxsize=65536)
def cut_block(block: str) -> tuple[str, ...]:
    """The words of one block of word characters, as jieba cuts it (remembered)."""
    return tuple(_cut(block))


def _cut(text: str) -> list[str]:
    dictionary().need(text)  # the entries the tokenizer will look up, before it looks them up
    return _tokenizer().lcut(text, HMM=False)


def pos(word: str) -> str:
    """jieba's dictionary tag of a word ('n', 'v', 'ns' …), '' when the word is not in it."""
    return dictionary().tag(word)


@functools.cache
def _nouns() -> tuple[frozenset[str], frozenset[str]]:
    """(last characters that make an unknown word a noun, one-character nouns): [nouns] of
    corpora/segment.toml."""
    nouns = load_toml("segment.toml")["nouns"]
    return frozenset(nouns["endings"]), frozenset(nouns["single"])


def is_nounish(word: str) -> bool:
    """True for nouns, noun-like verbs and place/organisation names, and unknown multi-char words."""
    if len(word) == 1:
        return word in _nouns()[1]
    tag = pos(word)
    if not tag:
        return len(word) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in word) and word[-1] in _nouns()[0]
    return tag[0] in "nj" or tag in {"an", "b", "l", "s", "ng"}


@functools.cache
def _domain_words() -> frozenset[str]:
    with corpus_path("domain_dict.txt").open(encoding="utf-8") as f:
        return frozenset(line.split()[0] for line in f if line.strip() and not line.startswith("#"))


def continues_noun(word: str) -> bool:
    """True when `word` can extend a noun phrase already begun (社区 + 养老服务中心), i.e. it is a
    domain term or ends like a noun of a thing, body or person (行政村 + 细分 does not)."""
    endings, single = _nouns()
    return word in _domain_words() or (len(word) > 1 and word[-1] in endings) or word in single
