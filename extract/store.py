"""The run's embedded database: `DIR/shequ.sqlite`, one table per record type keyed by content
hash, plus `files` (what was read from where, so a rerun processes only new or changed files).

Each document's rows are written in one transaction, so a run killed mid-way (even by SIGKILL)
loses at most the files in flight; the next run resumes. The CSV/XLSX/JSONL outputs are exported
from here. The file opens in any SQLite tool (Datasette included)."""
from __future__ import annotations

import functools
import json
import os
import sqlite3
from dataclasses import fields
from pathlib import Path

from . import __version__
from .records import Claim, Document, Figure, Flag, Honour, Result, Sentence, columns

TABLES = {"documents": Document, "figures": Figure, "standards": Claim, "honours": Honour, "flags": Flag}
_CHILDREN = {"figures": "figures", "standards": "claims", "honours": "honours", "flags": "flags"}
SCHEMA_VERSION = 1
# the columns `rows_of` fills, per table (documents also keep their sentence offsets)
_ROW_COLUMNS = {name: columns(rec) + (["sentences"] if rec is Document else []) for name, rec in TABLES.items()}
_DOC_ID = _ROW_COLUMNS["documents"].index("doc_id")


def rows_of(result: Result) -> dict[str, list[tuple]]:
    """One file's records as rows of each table, ready to insert: plain tuples, cheap to send from
    a worker process to the one that writes the database."""
    doc = result.document
    sentences = json.dumps([[s.start, s.end, s.page] for s in doc.sentences])
    rows = {"documents": [tuple(getattr(doc, c) for c in _ROW_COLUMNS["documents"][:-1]) + (sentences,)]}
    for name, attr in _CHILDREN.items():
        cols = _ROW_COLUMNS[name]
        rows[name] = [tuple(getattr(rec, c) for c in cols) for rec in getattr(result, attr)]
    return rows


def _q(cols) -> str:
    """Quoted column list (`check` is an SQL keyword)."""
    return ",".join(f'"{c}"' for c in cols)


def _insert_sql(table: str, cols: list[str]) -> str:
    return f"INSERT INTO {table} ({_q(cols)}) VALUES ({','.join('?' * len(cols))})"


def _sql_type(t) -> str:
    t = str(t)
    if "float" in t:
        return "REAL"
    if "int" in t:
        return "INTEGER"
    return "TEXT"


class Store:
    """SQLite store of one output folder."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly:  # a worker reading what the run's own process wrote
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            return
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._create()

    def _create(self) -> None:
        for name, rec in TABLES.items():
            keep = set(columns(rec))
            cols = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in fields(rec) if f.name in keep)
            extra = ", sentences TEXT" if rec is Document else ", cross_doc INTEGER DEFAULT 0" if rec is Flag else ""
            self.db.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols}{extra})")
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({name})")}
            for f in fields(rec):  # a folder written before a column was added gets it
                if f.name in keep and f.name not in have:
                    self.db.execute(f'ALTER TABLE {name} ADD COLUMN "{f.name}" {_sql_type(f.type)}')
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {name}_source ON {name}(source)")
        self.db.execute("CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                        " doc_id TEXT, tool_version TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # --- incremental -------------------------------------------------------------------------

    def is_current(self, source: str, stat: os.stat_result) -> bool:
        """True when `source` was processed before, unchanged, by this version of shequ."""
        row = self.db.execute("SELECT size, mtime_ns, tool_version FROM files WHERE source=?", (source,)).fetchone()
        return row == (stat.st_size, stat.st_mtime_ns, __version__)

    def forget_missing(self, sources: set[str]) -> None:
        """Drop every row of files that are no longer among the inputs of this run."""
        gone = [s for (s,) in self.db.execute("SELECT source FROM files") if s not in sources]
        for s in gone:
            self._delete(s)

    def _delete(self, source: str) -> None:
        for name in TABLES:
            self.db.execute(f"DELETE FROM {name} WHERE source=?", (source,))
        self.db.execute("DELETE FROM files WHERE source=?", (source,))

    # --- writing -----------------------------------------------------------------------------

    def add_rows(self, source: str, rows: dict[str, list[tuple]], stat: os.stat_result | None) -> None:
        """Store one file's rows (`rows_of`, possibly computed in a worker) in one transaction,
        replacing what an earlier run stored."""
        self.db.execute("BEGIN")
        try:
            self._delete(source)
            for name, table_rows in rows.items():
                if table_rows:
                    self.db.executemany(self._inserts[name], table_rows)
            if stat is not None:
                doc_id = rows["documents"][0][_DOC_ID] if rows.get("documents") else ""
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                                (source, stat.st_size, stat.st_mtime_ns, doc_id, __version__))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    @functools.cached_property
    def _inserts(self) -> dict[str, str]:
        return {name: _insert_sql(name, cols) for name, cols in _ROW_COLUMNS.items()}

    def replace_cross_doc_flags(self, flags: list[Flag]) -> None:
        """The cross-document findings of this run replace those of the last one."""
        cols = _ROW_COLUMNS["flags"]
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM flags WHERE cross_doc=1")
        self.db.executemany(_insert_sql("flags", cols + ["cross_doc"]),
                            [tuple(getattr(f, c) for c in cols) + (1,) for f in flags])
        self.db.execute("COMMIT")

    # --- reading -----------------------------------------------------------------------------

    def rows(self, table: str):
        """Every row of a table as a tuple in `columns()` order, by source then position."""
        cols = columns(TABLES[table])
        order = {"documents": "source", "standards": "source, score DESC, standard, status",
                 "flags": 'source, start, "check", message'}.get(table, "source, start")
        yield from self.db.execute(f"SELECT {_q(cols)} FROM {table} ORDER BY {order}")

    def doc_ids(self) -> dict[str, str]:
        """source -> doc_id of every document, by source."""
        return dict(self.db.execute("SELECT source, doc_id FROM documents ORDER BY source"))

    def results(self, text_dir: Path, exclude: set[str] = frozenset(), only: list[str] | None = None):
        """Rebuild every document's Result (text read back from text/<doc_id>.txt), one at a time,
        except those whose source is in `exclude`; with `only`, just those sources, in that order."""
        doc_cols = columns(Document)
        select = f"SELECT {_q(doc_cols)}, sentences FROM documents"
        rows = self.db.execute(f"{select} ORDER BY source") if only is None else \
            (r for s in only for r in self.db.execute(f"{select} WHERE source=?", (s,)))
        for row in rows:
            values = dict(zip(doc_cols, row[:-1]))
            if values["source"] in exclude:
                continue
            text_path = Path(text_dir) / f"{values['doc_id']}.txt"
            text = text_path.read_text(encoding="utf-8") if values["status"] == "ok" and text_path.exists() else ""
            sentences = tuple(Sentence(i, a, b, p, text[a:b]) for i, (a, b, p) in enumerate(json.loads(row[-1] or "[]")))
            doc = Document(**values, text=text, sentences=sentences)
            kids = {}
            for name, attr in _CHILDREN.items():
                rec = TABLES[name]
                cols = columns(rec)
                where = "source=? AND cross_doc=0" if name == "flags" else "source=?"
                kids[attr] = tuple(rec(**dict(zip(cols, r))) for r in
                                   self.db.execute(f"SELECT {_q(cols)} FROM {name} WHERE {where}", (doc.source,)))
            yield Result(document=doc, **kids)

    def count(self, table: str) -> int:
        """Number of rows of a table."""
        return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def failed(self) -> list[tuple[str, str, str]]:
        """(source, status, error) of every document that was not read."""
        return self.db.execute("SELECT source, status, error FROM documents WHERE status != 'ok' ORDER BY source").fetchall()

    def close(self) -> None:
        self.db.close()
