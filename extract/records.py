"""Plain frozen records that flow one way: read -> normalise -> extract -> classify -> check -> write.

Every record that comes from text carries offsets into the document's normalised text (the file
`text/<doc_id>.txt`) and the page the text came from, so any row can be traced to its sentence.
"""
from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass, field, fields

# Field metadata "sql": the column's name in the run's database where the CSV header (the field's
# name) is an SQL keyword (`check`, `end`) or would be ambiguous there; CSV headers stay the names.
SQL_START = {"sql": "start_char"}
SQL_END = {"sql": "end_char"}
# Field metadata of fields that are no column of the tables (the text itself, derived offsets).
NOT_A_COLUMN = {"column": False}
# how a reader writes the cells of a table row in a document's text ("面积 | 120 | 35"); the
# figure stage reads numbers under a header with a unit from such rows (figures/tables.py)
TABLE_CELL_MARK = " | "


@dataclass(frozen=True)
class OcrLine:
    """A line as the recogniser read it, with its confidence (0-1)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class OcrPage:
    """The recognised lines of one OCR'd page (1-based page number)."""

    page: int
    lines: tuple[OcrLine, ...]

    @property
    def mean_confidence(self) -> float | None:
        chars = sum(len(l.text) for l in self.lines)
        return sum(l.confidence * len(l.text) for l in self.lines) / chars if chars else None


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: the text of each page, before normalisation."""

    pages: tuple[str, ...]
    format: str
    encoding: str = ""
    page_count: int | None = None  # when the format knows it but gives no per-page text (DOCX)
    ocr: tuple[OcrPage, ...] = ()  # the pages that were OCR'd, with their recognised lines
    ocr_engine: str = ""  # engine and version, when a page was OCR'd
    ocr_note: str = ""  # why OCR stopped early (a page or time limit), else ""

    def ocr_fields(self) -> dict:
        """The Document fields that say what was OCR'd (empty for a born-digital file)."""
        if not self.ocr and not self.ocr_note:
            return {}
        return {"ocr_pages": page_ranges([p.page for p in self.ocr]), "ocr_engine": self.ocr_engine,
                "ocr_note": self.ocr_note, "ocr": self.ocr}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the normalised text; `end` is exclusive."""

    index: int
    start: int
    end: int
    page: int
    text: str


_START = operator.attrgetter("start")


@dataclass(frozen=True)
class Document:
    """One input file after reading and normalisation (one row of documents.csv)."""

    source: str
    doc_id: str
    format: str
    status: str  # ok | error | unsupported | no_text_layer | empty
    encoding: str = ""
    pages: int | None = None
    chars: int = 0
    title: str = ""
    error: str = ""
    # the share of the characters read (spaces aside) that normalisation removed as furniture, and
    # a warning when it is so large that the body may have gone with it
    removed_share: float = 0.0
    warning: str = ""
    text: str = field(default="", metadata=NOT_A_COLUMN)
    sentences: tuple[Sentence, ...] = field(default=(), metadata=NOT_A_COLUMN)
    ocr_pages: str = ""  # the pages read by OCR (`1-3,5`), "" when none
    ocr_engine: str = ""  # the OCR engine and its version
    ocr_note: str = ""  # why OCR stopped before the last page, else ""
    ocr: tuple[OcrPage, ...] = field(default=(), metadata=NOT_A_COLUMN)  # the recognised lines of those pages

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that holds character `offset` of the normalised text."""
        k = bisect.bisect_right(self.sentences, offset, key=_START) - 1  # the last sentence starting at or before it
        if k >= 0 and offset < self.sentences[k].end:
            return self.sentences[k]
        return None


@dataclass(frozen=True)
class Figure:
    """One figure occurrence (one row of figures.csv); see GUIDELINES for the vocabularies."""

    source: str
    doc_id: str
    page: int
    start: int = field(metadata=SQL_START)
    end: int = field(metadata=SQL_END)
    text: str
    quantity: str  # money | area | count | percent
    kind: str
    value: float
    value_max: float | None
    unit: str
    approx: str  # "" | gt | ge | approx | lt | le
    counted: str | None
    subject: str = ""
    entity: str = ""
    year: str = ""
    role: str = ""  # before | after | target | ""
    sentence: str = ""
    rule: str = ""
    ocr: int = 0  # 1 when the figure was read from an OCR'd page: check it on the page image
    ocr_confidence: float | None = None  # the recogniser's confidence (0-1) for its characters
    # where the figure's sentence starts in the text (offsets inside the sentence are start -
    # sentence_start); not a column: rebuilt from the document's sentences when read back
    sentence_start: int = field(default=0, compare=False, metadata=NOT_A_COLUMN)


@dataclass(frozen=True)
class Claim:
    """A document-level standards claim (one row of standards.csv)."""

    source: str
    doc_id: str
    standard: str
    status: str  # achieved | planned
    score: float
    evidence: str
    evidence_start: int
    evidence_end: int
    n_sentences: int


@dataclass(frozen=True)
class Honour:
    """An honour the report claims (one row of honours.csv)."""

    source: str
    doc_id: str
    holder: str
    title: str
    level: str
    year: str
    sentence: str
    start: int = field(metadata=SQL_START)
    end: int = field(metadata=SQL_END)


@dataclass(frozen=True)
class Flag:
    """An audit finding (one row of flags.csv)."""

    source: str
    doc_id: str
    check: str = field(metadata={"sql": "check_name"})  # percent_mismatch | sum_mismatch | growth_mismatch | below_threshold | cross_doc_conflict | …
    severity: str  # error | warning | info
    message: str  # one sentence, Chinese
    figures: str  # the figures involved, as "start-end" offsets joined by ";"
    evidence: str
    start: int = field(metadata=SQL_START)
    end: int = field(metadata=SQL_END)
    # the other side of a cross-document finding (the closest partner, the other report, the
    # first other copy): its file and content hash; "" for the checks of one report
    other_source: str = ""
    other_doc_id: str = ""


@dataclass(frozen=True)
class Template:
    """A file's place in a cluster of copies and near-duplicates (one row of templates.csv)."""

    cluster: int  # 1 for the largest cluster of the run
    size: int  # files in the cluster
    source: str
    doc_id: str
    title: str
    copies: int  # other files of the cluster with the same text (identical copies)
    closest_source: str  # its most similar member with another text
    closest_doc_id: str
    similarity: float | None  # estimated Jaccard similarity with it (numbers masked), 0-1
    shared: float | None  # share of its long sentences' text (numbers masked) that another member also has


@dataclass(frozen=True)
class History:
    """A measure of a place in one report, by year (one row of history.csv)."""

    entity: str
    measure: str
    year: str  # the year the value is for ("" when neither the sentence nor the report says)
    value: float
    unit: str
    year_from: str  # figure (stated before it) | relative (去年…, from the report's year) | document | change
    source: str
    doc_id: str
    text: str  # the figure as written
    start: int = field(metadata=SQL_START)
    end: int = field(metadata=SQL_END)


@dataclass(frozen=True)
class Result:
    """Everything mined from one file."""

    document: Document
    figures: tuple[Figure, ...] = ()
    claims: tuple[Claim, ...] = ()
    honours: tuple[Honour, ...] = ()
    flags: tuple[Flag, ...] = ()


def page_ranges(numbers) -> str:
    """Page numbers as ranges: 1,2,3,5 -> '1-3,5'."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


def page_count(ranges: str) -> int:
    """How many pages a `page_ranges` string names: '1-3,5' -> 4."""
    total = 0
    for part in filter(None, ranges.split(",")):
        a, _, b = part.partition("-")
        total += int(b or a) - int(a) + 1
    return total


def columns(record_type) -> list[str]:
    """CSV column names of a record type, in declaration order (fields marked NOT_A_COLUMN, such as
    a Document's text and sentences, excluded)."""
    return [f.name for f in fields(record_type) if f.metadata.get("column", True)]


def row_of(record) -> dict:
    """A record as {column: value}, the columns of its table."""
    return {c: getattr(record, c) for c in columns(type(record))}
