"""Normalisation: raw page texts -> one clean text that every offset in every output refers to.

Each step is a pure function, tested on its own; `normalise()` runs them in order:
width folding, Traditional->Simplified with pinyin glosses removed, site furniture removed,
spaces between CJK and digits removed, lines broken by layout or preview fragments joined,
then the sentence split that keeps each sentence's offsets and page.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .records import TABLE_CELL_MARK, RawDocument, Sentence
from .resources import alternation, fill, load_toml

PAGE_BREAK = "\f"
SENTENCE_END = "。！？；!?;"
_CLOSERS = "”’」』）)】"
_LINE_END_PUNCT = set(SENTENCE_END + "：:" + _CLOSERS)

# --- width -------------------------------------------------------------------------------------

_WIDTH = {cp: cp - 0xFEE0 for cp in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B))
          + list(range(0xFF41, 0xFF5B))}
_WIDTH.update({0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFF0F: ord("/"),
               0xFF1C: ord("<"), 0xFF1D: ord("="), 0xFF1E: ord(">"), 0xFF20: ord("@"),
               0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "),
               0x2009: ord(" "), 0x200B: None, 0xFEFF: None, 0x00AD: None})
_FULLWIDTH_POINT = re.compile(r"(?<=\d)[．·](?=\d)")


_SURROGATE = re.compile("[\ud800-\udfff]")


def fix_surrogates(text: str) -> str:
    """Join UTF-16 surrogate pairs some readers leave behind (RTF's \\u-10179?\\u-8704? for 😀 or an
    Ext-B character) into one character; a lone half becomes U+FFFD. Such halves cannot be
    written as UTF-8."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def fold_width(text: str) -> str:
    """Full-width digits, Latin letters and % -> half-width; Chinese punctuation is kept."""
    return _FULLWIDTH_POINT.sub(".", text.translate(_WIDTH))


# --- script ------------------------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_GLOSS = re.compile(rf"[(（][a-zü]*[{_TONED}][a-zü{_TONED}]*[)）]")


def strip_pinyin_glosses(text: str) -> str:
    """Remove tone-marked pinyin that sites add after characters: 社區(qū) -> 社區."""
    return _PINYIN_GLOSS.sub("", text)


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def _converted_sample(text: str) -> tuple[str, str]:
    """The CJK characters of the text's head, and the same after Traditional->Simplified."""
    sample = _NOT_CJK.sub("", text[:20000])
    return sample, _t2s().convert(sample) if sample else ""


def is_traditional(text: str, threshold: float = 0.03) -> bool:
    """True when more than `threshold` of the CJK characters change under Traditional->Simplified."""
    sample, converted = _converted_sample(text)
    if not sample or converted == sample:
        return False
    if len(converted) != len(sample):
        return True
    changed = sum(a != b for a, b in zip(sample, converted))
    if len(sample) < 20:  # a short text: any Traditional-only character decides
        return changed >= 1
    return changed / len(sample) > threshold


def traditional_share(text: str) -> float:
    """The share of a text's CJK characters that change under Traditional->Simplified (0 when none)."""
    sample, converted = _converted_sample(text)
    return sum(a != b for a, b in zip(sample, converted)) / len(sample) if sample else 0.0


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s) when the text is Traditional; else unchanged."""
    return _t2s().convert(text) if is_traditional(text) else text


# --- spaces ------------------------------------------------------------------------------------

_CJK = "\u2018-\u201f\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACES = re.compile(r"[ \t]+")
_IS_CJK = re.compile(f"[{_CJK}]")
_JOINS = re.compile(f"[{_CJK}\\d,.;:!?%()]")
_IDEOGRAPH = re.compile("[\u3400-\u9fff]")
_LATIN = re.compile("[A-Za-z]")


def remove_cjk_spaces(line: str) -> str:
    """Drop spaces that layout puts beside CJK characters: 全区 52 个 -> 全区52个,
    “ 建设 ” -> “建设”, 10万多 m2 -> 10万多m2 (a PDF's font change). Spaces between Latin words
    or between two numbers ('12 34') stay."""
    def repl(m: re.Match) -> str:
        s, a, b = m.string, m.start(), m.end()
        if a == 0 or b == len(s):
            return ""
        left, right = s[a - 1], s[b]
        if (_IS_CJK.match(left) and _JOINS.match(right)) or (_IS_CJK.match(right) and _JOINS.match(left)):
            return ""
        if (_IDEOGRAPH.match(left) and _LATIN.match(right)) or (_IDEOGRAPH.match(right) and _LATIN.match(left)):
            return ""  # 10万多 m2, xx 区: a Chinese character and a Latin letter (not a quotation mark)
        return m.group(0)

    return _SPACES.sub(repl, line).strip()


# Two or more spaces between CJK characters separate a heading from its paragraph in text
# copied from sites ("交流材料  XX年以来"); they become a line break.
_WIDE_GAP = re.compile(f"(?<=[{_CJK}])[ \t]{{2,}}(?=\\S)|(?<=\\S)[ \t]{{2,}}(?=[{_CJK}])")

def split_long_line(line: str) -> list[str]:
    """A line cut into pieces of at most `[limits] long_line_chars` (furniture.toml), each after
    the last sentence end inside it when there is one; a shorter line is returned whole."""
    limit = furniture_rules().long_line_chars
    if len(line) <= limit:
        return [line]
    out, pos = [], 0
    while len(line) - pos > limit:
        end = max(line.rfind(c, pos + limit // 2, pos + limit - 1) for c in SENTENCE_END)
        cut = pos + limit
        if end >= 0:
            cut = end + 1
            while cut < pos + limit and line[cut] in _CLOSERS:
                cut += 1
        out.append(line[pos:cut])
        pos = cut
    out.append(line[pos:])
    return out


# --- furniture ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FurnitureRules:
    """Each rule list compiled into one pattern (alternatives): the line rules are fullmatched
    against a line, the inline rules removed wherever they match."""

    drop_line: re.Pattern
    header_line: re.Pattern
    header_lines: int
    inline: re.Pattern
    cut_tail: re.Pattern
    fragment_start: re.Pattern
    removed_share_warning: float
    long_line_chars: int
    long_sentence_chars: int


@functools.cache
def furniture_rules() -> FurnitureRules:
    """The site-furniture rules of `corpora/furniture.toml`, compiled once."""
    data = load_toml("furniture.toml")
    comp = lambda ps: re.compile("|".join(f"(?:{p})" for p in ps) or "(?!)")  # noqa: E731
    return FurnitureRules(comp(data["drop_line"]["patterns"]), comp(data["header_line"]["patterns"]),
                          int(data["header_line"]["lines"]), comp(data["inline"]["patterns"]),
                          comp(data["cut_tail"]["patterns"]), comp(data["preview_fragments"]["start_markers"]),
                          float(data["limits"]["removed_share_warning"]), int(data["limits"]["long_line_chars"]),
                          int(data["limits"]["long_sentence_chars"]))


def is_furniture(line: str) -> bool:
    """True for a line that is site furniture (not report text)."""
    s = line.strip()
    return furniture_rules().drop_line.fullmatch(s) is not None


_FRAGMENT_MARK = re.compile(r"(\d{1,3})、")


def _tail_start(lines: list[str], rules: FurnitureRules) -> int:
    """Index of the line that starts the site's trailing block (len(lines) when there is none): the
    first tail line in the last half of the document's characters, so a body written as one long
    line is never taken for the head of the page."""
    total = sum(len(l) for l in lines if l != PAGE_BREAK)
    before = 0
    for i, line in enumerate(lines):
        if line != PAGE_BREAK:
            if before >= total / 2 and line.strip() and rules.cut_tail.fullmatch(line.strip()):
                return i
            before += len(line)
    return len(lines)


def remove_furniture(lines: list[str]) -> list[str]:
    """Drop furniture lines (anywhere, and a site's name and navigation among the first lines),
    furniture inside lines, the site's trailing block, the line repeating the title at the top (a
    line that comes back more than once is a list's, and kept), and
    the "1、" "2、" markers of preview fragments (joining a fragment to the sentence it continues).
    Page-break lines (`\\f`) are kept."""
    rules = furniture_rules()
    out: list[str] = []
    title = None  # the first line of text that is not furniture: a repeat of it at the top is dropped
    repeats: list[int] = []  # where that line comes again among the first lines
    in_fragments = False
    expected = 1
    first_fragment = 0
    body_seen = 0
    header_seen = 0
    for line in lines[:_tail_start(lines, rules)]:
        s = line.strip()
        if line == PAGE_BREAK:
            out.append(line)
            continue
        if not s:
            out.append("")
            continue
        if rules.fragment_start.fullmatch(s):
            in_fragments, expected, first_fragment = True, 1, len(out)
            continue
        header_seen += 1
        if is_furniture(s) or (header_seen <= rules.header_lines and rules.header_line.fullmatch(s)):
            continue
        s = rules.inline.sub("", s).strip()
        if not s:
            continue
        if body_seen < 12:
            if s == title and len(s) < 50 and s[-1] not in SENTENCE_END:
                repeats.append(len(out))  # the title repeated (a site puts it above and below its banner)
            if title is None:
                title = s
        body_seen += 1
        if in_fragments:
            m = _FRAGMENT_MARK.match(s)
            if m and int(m.group(1)) == expected:
                expected += 1
                s = s[m.end():]
                prev = _last_text_index(out)
                if prev is not None and prev >= first_fragment and out[prev][-1] not in _LINE_END_PUNCT:
                    out[prev] = out[prev] + s
                    continue
        out.append(s)
    if len(repeats) == 1 and out[repeats[0]] == title and _is_title(title, out):
        del out[repeats[0]]  # once: a line that comes three times or more is a list's, not a title
    return out


def _is_title(line: str, lines: list[str]) -> bool:
    """True when `line` is the title `find_title` reads from the first of `lines`."""
    found = find_title([l for l in lines if l and l != PAGE_BREAK])
    return bool(found) and line.strip("《》").startswith(found)


def _last_text_index(lines: list[str]) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] and lines[i] != PAGE_BREAK:
            return i
    return None


# --- line joining ------------------------------------------------------------------------------

@functools.cache
def heading_line() -> re.Pattern:
    """A line that starts with a heading number ([headings] line of corpora/cues.toml): 一、 （二） 3、 第三章."""
    h = load_toml("cues.toml")["headings"]
    return re.compile(fill(h["line"], h))


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines that layout wrapped inside a sentence (PDF text): a line at least as long as
    most full lines that does not end a sentence continues on the next line, across page breaks."""
    text_lines = [l for l in lines if l and l != PAGE_BREAK]
    if len(text_lines) < 3:
        return lines
    lengths = sorted(len(l) for l in text_lines)
    full = lengths[int(len(lengths) * 0.8)]
    if full < 12:
        return lines
    threshold = max(8, int(full * 0.75))
    heading = heading_line()
    out: list[str] = []
    pending = False  # the last text line in `out` continues on the next text line
    for line in lines:
        if not line:
            continue  # blank lines carry nothing once lines are joined
        if line == PAGE_BREAK:
            out.append(line)
            continue
        row = TABLE_CELL_MARK in line  # a table row (cells joined by " | ") is a line of its own
        if pending and not heading.match(line) and not row:
            out[_last_text_index(out)] += line
        else:
            out.append(line)
        pending = len(line) >= threshold and line[-1] not in _LINE_END_PUNCT and not row
    return out


# --- sentences ---------------------------------------------------------------------------------

_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[{_CLOSERS}]*|(?=\n)|$)")


def split_sentences(text: str, line_pages: list[tuple[int, int]]) -> tuple[Sentence, ...]:
    """Sentences of `text` split on 。！？；!?; and line ends, with offsets and page numbers.
    `line_pages` holds (start offset, page) for each line, in order."""
    starts = [s for s, _ in line_pages]
    import bisect

    out = []
    for m in _SENTENCE.finditer(text):
        a, b = m.start(), m.end()
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip())
        a += lead
        b = a + len(raw.strip())
        if b <= a:
            continue
        k = bisect.bisect_right(starts, a) - 1
        page = line_pages[k][1] if k >= 0 else 1
        for x, y in _pieces(text, a, b):
            out.append(Sentence(index=len(out), start=x, end=y, page=page, text=text[x:y]))
    return tuple(out)


_CLAUSE_MARKS = "，,、：:"


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """text[a:b] as one sentence, or cut into pieces of at most `[limits] long_sentence_chars`
    (furniture.toml), each after the last clause mark inside it (or at the length)."""
    limit = furniture_rules().long_sentence_chars
    out = []
    while b - a > limit:
        mark = max(text.rfind(c, a + limit // 2, a + limit) for c in _CLAUSE_MARKS)
        cut = mark + 1 if mark >= 0 else a + limit
        out.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
    return out


# --- the whole step ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Normalised:
    text: str
    sentences: tuple[Sentence, ...]
    title: str
    removed_share: float = 0.0  # the share of the characters read (spaces aside) that normalisation removed
    warning: str = ""  # set when that share is suspiciously large


_NOT_COUNTED = re.compile(r"\s+")


def _chars(text: str) -> int:
    """Characters that carry text (whitespace aside), to compare before and after normalisation."""
    return len(_NOT_COUNTED.sub("", text))


def normalise(raw: RawDocument) -> Normalised:
    """Run every normalisation step over a reader's pages."""
    joined = PAGE_BREAK.join(raw.pages)
    joined = joined.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    joined = fix_surrogates(joined)
    joined = fold_width(joined)
    joined = to_simplified(strip_pinyin_glosses(joined))
    lines: list[str] = []
    for chunk in joined.split(PAGE_BREAK):
        if lines:
            lines.append(PAGE_BREAK)
        chunk = _WIDE_GAP.sub("\n", chunk)
        lines.extend(l.strip() for long in chunk.split("\n") for l in split_long_line(long))
    lines = [remove_cjk_spaces(l) if l != PAGE_BREAK else l for l in remove_furniture(lines)]
    if raw.format == "pdf":
        # furniture lines wrapped by the page layout are only recognisable once joined
        lines = remove_furniture(join_wrapped_lines(lines))
    parts: list[str] = []
    line_pages: list[tuple[int, int]] = []
    page, offset = 1, 0
    for line in lines:
        if line == PAGE_BREAK:
            page += 1
            continue
        if not line:
            continue
        line_pages.append((offset, page))
        parts.append(line)
        offset += len(line) + 1
    text = "\n".join(parts) + ("\n" if parts else "")
    read, kept = _chars(joined), _chars(text)
    removed = round(1 - kept / read, 3) if read else 0.0
    warning = ""
    if removed > furniture_rules().removed_share_warning:
        warning = (f"normalisation removed {removed:.0%} of the text read ({read - kept} of {read} characters) "
                   "as site furniture; check that the report's body is in text/")
    return Normalised(text=text, sentences=split_sentences(text, line_pages), title=find_title(parts),
                      removed_share=max(0.0, removed), warning=warning)


def find_title(lines: list[str]) -> str:
    """The report's own title: among the first lines, the first short one that does not end like a
    sentence and names a genre (总结, 汇报, 方案 … [title] of corpora/cues.toml), else the first short
    one that does not end like a sentence; a title wrapped over lines (《…〈…“…) is joined first."""
    t = load_toml("cues.toml")["title"]
    head = _joined_while_open([line.strip() for line in lines[:t["lines"]] if line.strip()], t)
    candidates = [line for line in head
                  if t["min_chars"] <= len(line.strip("《》")) <= t["max_chars"] and line[-1] not in "。；;，,"]
    genre = [line for line in candidates if any(w in line for w in t["genre_words"]) and not heading_line().match(line)]
    if not candidates:
        return lines[0][:t["max_chars"]] if lines else ""
    title = (genre or candidates)[0].strip("《》")
    run_on = _run_on().search(title)  # a title run on into the text (…情况汇报根据…通知精神,…)
    return title[:run_on.end() if run_on else t["max_chars"]]


@functools.cache
def _run_on() -> re.Pattern:
    """Where a title runs on into the text: a genre word (matched) followed by the words a body
    starts with."""
    t = load_toml("cues.toml")["title"]
    return re.compile(rf"(?:{alternation(t['genre_words'])})(?={alternation(t['body_starts'])})")


def _joined_while_open(lines: list[str], t: dict) -> list[str]:
    """Lines with a line whose brackets are still open joined to the ones after it (关于印发《…〈自治区
    “十四五” / 城乡社区服务体系建设规划〉 / 实施方案》的通知), at most `max_wrapped_lines` of them."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line, k = lines[i], 0
        while k < t["max_wrapped_lines"] and i + 1 < len(lines) and \
                any(line.count(a) > line.count(b) for a, b in t["pairs"]):
            i, k = i + 1, k + 1
            line += lines[i]
        out.append(line)
        i += 1
    return out
