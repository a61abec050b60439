"""The run's embedded database: `DIR/shequ.sqlite`, a first-class SQLite database.

- One table per record type (`TABLES`: documents, figures, standards, honours, flags, and the
  templates and history the cross-document checks write whole), each row
  keyed (`documents.source`; an `id` for the others) and tied to its document by a foreign key
  (`source REFERENCES documents ON DELETE CASCADE ON UPDATE CASCADE`), indexed for the queries of
  the report, the checks and a person browsing it; column names that are no SQL keyword (the
  record field's `sql` metadata: `check` -> `check_name`, `start`/`end` -> `start_char`/`end_char`;
  the CSV headers stay the field names); NULL for "none", never ''.
- `sentences` (every sentence with its page and offsets) with `sentences_fts`, an FTS5 index
  (trigram tokenizer, so Chinese substrings of 3+ characters match), brought up to date once per
  run, after the reading; `digests` (`digests.py`), what the cross-document checks need of each
  document, so a rerun never rebuilds a document from text;
  `files` (what was read from where: resolved path, size, mtime, version, settings), `meta`.
- Adding a table is one line in `TABLES` (`scope="run"` for a table the run replaces whole, such
  as one the cross-document checks write): the store creates it, the exports write it.
- On open the schema version and the columns are checked: a column a new field needs is added; a
  database of schema 2 is migrated (its new columns and tables added; the run then completes the
  digests it stored: `stale_digests`); one of another schema is refused with one line naming
  `--full` (which rebuilds only the tables this module owns) or a new folder. Tables of others
  (a review app's) are never touched.

Each document's rows are written in one transaction, so a run killed mid-way (even by SIGKILL)
loses at most the files in flight; the next run resumes. A `--full` run empties the store first
(`clear`): killed mid-way, it leaves the files it finished, and the next run reads the rest."""
from __future__ import annotations

import errno
import functools
import re
import sqlite3
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .. import __version__
from ..audit.corpus import Digest
from ..errors import ShequError
from ..records import Claim, Document, Figure, Flag, History, Honour, Result, Sentence, Template, columns
from . import digests as _digests
from .digests import digest_of, digest_row

SCHEMA_VERSION = 3
# the one cross-document check whose findings belong to a file, not to every file of its doc_id
PER_FILE_CHECK = "identical_copy"
# which documents a cross-document flag `f` belongs to, as SQL over `flags f JOIN documents d ON
# d.doc_id = f.doc_id`, and in Python (`belongs`): one rule for the index, the counts and the pages
_BELONGS_SQL = f"(f.check_name != '{PER_FILE_CHECK}' OR f.source = d.source)"


def belongs(flag, source: str) -> bool:
    """True when a cross-document flag of a document's doc_id belongs to the file `source`."""
    return flag.check != PER_FILE_CHECK or flag.source == source
# older schemas this one migrates on open (columns and tables added); any other is refused
MIGRATES = {2}


class OutputError(ShequError):
    """The output folder cannot be used or written (read-only, under a file, in use by another run,
    a corrupt or older database, a full disk): one line naming the cause. `exit_code` 2 for a
    folder that cannot be used at all, 1 for a failure while writing."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Table:
    """A table of the store and of the exports. `order`: the export order, in field names ("-" for
    descending); `indexes`: columns (field names) of each index; `scope`: "document" (rows per
    source, replaced with it) or "run" (rows the run replaces whole)."""

    name: str
    record: type
    order: tuple[str, ...] = ("source",)
    indexes: tuple[tuple[str, ...], ...] = ()
    scope: str = "document"


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("documents", Document, ("source",), (("doc_id",), ("status",), ("format",))),
    Table("figures", Figure, ("source", "start"), (("source", "start"), ("doc_id",), ("kind",))),
    Table("standards", Claim, ("source", "-score", "standard", "status"), (("source",), ("standard", "status"))),
    Table("honours", Honour, ("source", "start"), (("source",), ("level",))),
    Table("flags", Flag, ("source", "start", "check", "message"),
          (("source", "cross_doc"), ("doc_id",), ("check",), ("severity",))),
    Table("templates", Template, ("cluster", "source"), (("cluster",), ("source",), ("doc_id",)), scope="run"),
    Table("history", History, ("entity", "measure", "year", "source", "start"),
          (("entity", "measure", "year"), ("source",)), scope="run"),
)}
_CHILDREN = {"figures": "figures", "standards": "claims", "honours": "honours", "flags": "flags"}
# the tables of schema 1, the only ones a rebuild of such a database drops
_SCHEMA_1_TABLES = ("documents", "figures", "standards", "honours", "flags", "files", "meta")
_FK = _digests.FK
# tables (and the FTS index) this module creates besides TABLES; no other table is ever written
_OWN_DDL = {
    "sentences": f"CREATE TABLE sentences (id INTEGER PRIMARY KEY, {_FK}, idx INTEGER NOT NULL, page INTEGER,"
                 " start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL, UNIQUE (source, idx))",
    "digests": _digests.DDL,
    "files": f"CREATE TABLE files (path TEXT PRIMARY KEY, {_FK}, size INTEGER, mtime_ns INTEGER, doc_id TEXT,"
             " tool_version TEXT, settings TEXT)",
    "meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
}
# The full-text index is brought up to date once per run (`index_sentences`), for the sentences
# stored since: one FTS5 merge per run instead of one per document. A deleted sentence leaves the
# index only if it was in it (`fts_upto` in meta: the last sentence id indexed).
_FTS_DDL = ("CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content='sentences', content_rowid='id',"
            " tokenize='trigram')",
            "CREATE TRIGGER sentences_ad AFTER DELETE ON sentences"
            " WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key='fts_upto') BEGIN"
            " INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
            "INSERT OR REPLACE INTO meta VALUES ('fts_upto', '0')")
OWNED = tuple(TABLES) + tuple(_OWN_DDL) + ("sentences_fts",)
_IDENT = re.compile(r"[a-z][a-z0-9_]*\Z")


def _ident(name: str) -> str:
    """An SQL identifier, unquoted: only plain lower-case names pass (none is an SQL keyword), so a
    wrong name is an error ("no such column"), never a string literal as a double-quoted one can be."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def sql_name(f) -> str:
    """The column of a record field in the database (its `sql` metadata, else its name)."""
    return _ident(f.metadata.get("sql", f.name))


@functools.cache
def _fields(rec) -> tuple:
    keep = set(columns(rec))
    return tuple(f for f in fields(rec) if f.name in keep)


@functools.cache
def sql_columns(rec) -> tuple[str, ...]:
    """The database columns of a record type, in `columns()` order."""
    return tuple(sql_name(f) for f in _fields(rec))


@functools.cache
def _column_of(rec) -> dict[str, str]:
    return {f.name: sql_name(f) for f in _fields(rec)}


@functools.cache
def _empty_is_blank(rec) -> tuple[bool, ...]:
    """Per column: whether NULL reads back as '' (a plain str field) rather than None (Optional)."""
    return tuple("str" in str(f.type) and "None" not in str(f.type) for f in _fields(rec))


def _sql_type(t) -> str:
    t = str(t)
    return "REAL" if "float" in t else "INTEGER" if "int" in t else "TEXT"


def _nulls(values) -> tuple:
    """A row as stored: '' is NULL (none)."""
    return tuple(None if v == "" else v for v in values)


@functools.cache
def _blank_at(rec) -> tuple[int, ...]:
    return tuple(i for i, blank in enumerate(_empty_is_blank(rec)) if blank)


def record_row(rec, row) -> tuple:
    """A stored row as the record's values: NULL of a plain str field reads back as ''."""
    at = _blank_at(rec)
    if all(row[i] is not None for i in at):
        return tuple(row)
    row = list(row)
    for i in at:
        if row[i] is None:
            row[i] = ""
    return tuple(row)


def _table_ddl(t: Table) -> list[str]:
    cols = []
    for f in _fields(t.record):
        name = sql_name(f)
        if name == "source":
            cols.append("source TEXT PRIMARY KEY" if t.record is Document else _FK)
        else:
            cols.append(f"{name} {_sql_type(f.type)}{' NOT NULL' if name == 'status' else ''}")
    if t.record is not Document:
        cols.insert(0, "id INTEGER PRIMARY KEY")
    if t.record is Flag:
        cols.append("cross_doc INTEGER NOT NULL DEFAULT 0")
    out = [f"CREATE TABLE {_ident(t.name)} ({', '.join(cols)})"]
    col = _column_of(t.record) | {"cross_doc": "cross_doc"}
    for index in t.indexes:
        names = [col[c] for c in index]
        out.append(f"CREATE INDEX {t.name}_{'_'.join(names)} ON {t.name}({', '.join(names)})")
    return out


# --- rows, built where the file was processed (a worker) -----------------------------------------

def _with_sentence_start(doc: Document, f: Figure) -> Figure:
    """A figure read back from the table, with the start of its sentence (not a column) restored."""
    s = doc.sentence_at(f.start)
    return replace(f, sentence_start=s.start) if s else f


def rows_of(result: Result, digest: Digest | None = None) -> dict[str, list[tuple]]:
    """One file's records as rows of each table, ready to insert: plain tuples (NULL for none),
    cheap to send from a worker process to the one that writes the database."""
    doc = result.document
    rows = {"documents": [_nulls(getattr(doc, c) for c in columns(Document))]}
    for name, attr in _CHILDREN.items():
        cols = columns(TABLES[name].record)
        rows[name] = [_nulls(getattr(rec, c) for c in cols) for rec in getattr(result, attr)]
    rows["sentences"] = [(doc.source, s.index, s.page, s.start, s.end, s.text) for s in doc.sentences]
    rows["digests"] = [digest_row(digest)] if digest is not None else []
    return rows


_INSERTS = {name: (t.record, f"INSERT INTO {name} ({','.join(sql_columns(t.record))}) VALUES "
                              f"({','.join('?' * len(sql_columns(t.record)))})") for name, t in TABLES.items()}
_INSERT_OWN = {
    "sentences": "INSERT INTO sentences (source, idx, page, start_char, end_char, text) VALUES (?,?,?,?,?,?)",
    "digests": _digests.INSERT,
}


def _is_full(e: BaseException) -> bool:
    return isinstance(e, sqlite3.OperationalError) and "full" in str(e) or \
        isinstance(e, OSError) and e.errno == errno.ENOSPC


class Store:
    """SQLite store of one output folder. `rebuild`: a database of another schema is rebuilt (its
    own tables dropped, nobody else's) instead of refused."""

    def __init__(self, path: str | Path, readonly: bool = False, rebuild: bool = False):
        self.path = Path(path)
        self.changed: set[str] = set()  # tables written by this connection
        self.changed_sources: set[str] = set()  # documents written (or renamed) by this connection
        if readonly:  # a worker reading what the run's own process wrote
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            return
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._open(rebuild)
        except sqlite3.DatabaseError as e:
            raise self.error(e, f"cannot use {self.path}") from None

    def error(self, e: BaseException, doing: str) -> OutputError:
        """A database or file error of the output side as one line naming its cause."""
        if _is_full(e):
            return OutputError(f"{doing}: the disk is full (free some space and rerun: finished files are kept)", 1)
        if isinstance(e, sqlite3.DatabaseError) and ("not a database" in str(e) or "malformed" in str(e)):
            return OutputError(f"{doing}: it is not a readable SQLite database ({e}); move it away or write "
                               "to a new folder")
        if isinstance(e, sqlite3.OperationalError) and ("readonly" in str(e) or "unable to open" in str(e)):
            return OutputError(f"{doing}: {e} (is the folder writable?)")
        return OutputError(f"{doing}: {type(e).__name__}: {' '.join(str(e).split())[:200]}", 1)

    # --- schema ------------------------------------------------------------------------------

    def _tables(self) -> set[str]:
        return {n for (n,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def _open(self, rebuild: bool) -> None:
        existing = self._tables()
        version = None
        if "meta" in existing:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else 0
        elif "documents" in existing:
            version = 0  # tables of a shequ that wrote no version
        if version is not None and version != SCHEMA_VERSION and not (version in MIGRATES and not rebuild):
            if not rebuild:
                age = "an older" if version < SCHEMA_VERSION else "a newer"
                raise OutputError(f"{self.path} was written by {age} shequ (database schema {version}; this one "
                                  f"writes {SCHEMA_VERSION}): rerun with --full to rebuild it, or write to a new folder")
            self.db.execute("BEGIN")
            for name in _SCHEMA_1_TABLES if version < 2 else OWNED:
                if name in existing:
                    self.db.execute(f"DROP TABLE {_ident(name)}")
            self.db.execute("COMMIT")
            existing = self._tables()
        self.db.execute("BEGIN")
        for name, ddl in _OWN_DDL.items():
            if name not in existing:
                self.db.execute(ddl)
        have = {r[1] for r in self.db.execute("PRAGMA table_info(digests)")}
        for name, sql_type in _digests.ADDED.items():  # schema 2 -> 3; the rows are completed by the run
            if name not in have:
                self.db.execute(f"ALTER TABLE digests ADD COLUMN {_ident(name)} {sql_type}")
        for t in TABLES.values():
            if t.name not in existing:
                for ddl in _table_ddl(t):
                    self.db.execute(ddl)
            else:
                self._add_missing_columns(t)
        if "sentences_fts" not in existing:
            self.db.execute("DELETE FROM sentences")  # none can be indexed by a new index
            for ddl in _FTS_DDL:
                self.db.execute(ddl)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        self.db.execute("COMMIT")

    def _add_missing_columns(self, t: Table) -> None:
        """Migration within a schema version: a field added to a record becomes a column (NULL in
        the rows stored before; files processed by an earlier version are reprocessed anyway)."""
        have = {r[1] for r in self.db.execute(f"PRAGMA table_info({_ident(t.name)})")}
        for f in _fields(t.record):
            if sql_name(f) not in have:
                self.db.execute(f"ALTER TABLE {t.name} ADD COLUMN {sql_name(f)} {_sql_type(f.type)}")

    # --- meta --------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self, table: str) -> int:
        """A counter bumped whenever a table's rows change (the exports compare it)."""
        return int(self.get_meta(f"generation:{table}", "0"))

    def _touch(self, tables) -> None:
        """Bump the generation of each table before its first change by this connection (in the
        same transaction), so a run killed after a change leaves the exports behind: re-exported."""
        for t in tables:
            if t not in self.changed:
                self.set_meta(f"generation:{t}", str(self.generation(t) + 1))
                self.changed.add(t)

    # --- incremental -------------------------------------------------------------------------

    def known_files(self) -> dict[str, tuple]:
        """path -> (source, size, mtime_ns, tool_version, settings) of every file stored."""
        return {r[0]: r[1:] for r in self.db.execute(
            "SELECT path, source, size, mtime_ns, tool_version, settings FROM files")}

    def sources(self) -> list[str]:
        return [s for (s,) in self.db.execute("SELECT source FROM documents ORDER BY source")]

    def delete_sources(self, sources) -> None:
        """Drop documents with all their rows (foreign keys cascade)."""
        sources = list(sources)
        if not sources:
            return
        self.db.execute("BEGIN")
        for s in sources:
            self.db.execute("DELETE FROM documents WHERE source=?", (s,))
        self._touch(TABLES)
        self.db.execute("COMMIT")

    def clear(self) -> None:
        """Drop every document with all its rows at once (a --full run rebuilds the store), table by
        table rather than one cascade per document."""
        self.db.execute("BEGIN")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fts_upto', '0')")  # no per-row FTS delete
        self.db.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('delete-all')")
        for name in (*(t for t in TABLES if t != "documents"), *(t for t in _OWN_DDL if t != "meta")):
            self.db.execute(f"DELETE FROM {_ident(name)}")
        self.db.execute("DELETE FROM documents")
        self._touch(TABLES)
        self.db.execute("COMMIT")

    def rename_source(self, old: str, new: str) -> None:
        """The same file named another way (a relative path after an absolute one): its rows follow."""
        self.db.execute("BEGIN")
        self.db.execute("UPDATE documents SET source=? WHERE source=?", (new, old))
        self._touch(TABLES)
        self.db.execute("COMMIT")
        self.changed_sources.add(new)

    # --- writing -----------------------------------------------------------------------------

    def add_rows(self, source: str, rows: dict[str, list[tuple]], file: tuple | None) -> None:
        """Store one file's rows (`rows_of`, possibly computed in a worker) in one transaction,
        replacing what an earlier run stored. `file`: (resolved path, stat, settings) for `files`."""
        try:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM documents WHERE source=?", (source,))
            if file is not None:
                self.db.execute("DELETE FROM files WHERE path=?", (file[0],))
            for name in ("documents", *_CHILDREN, *_INSERT_OWN):
                table_rows = rows.get(name)
                if table_rows:
                    sql = _INSERTS[name][1] if name in _INSERTS else _INSERT_OWN[name]
                    self.db.executemany(sql, table_rows)
            if file is not None:
                path, stat, settings = file
                doc_id = rows["documents"][0][1] if rows.get("documents") else None
                self.db.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?)",
                                (path, source, stat.st_size, stat.st_mtime_ns, doc_id, __version__, settings))
            self._touch(TABLES)
            self.db.execute("COMMIT")
            self.changed_sources.add(source)
        except BaseException:
            if self.db.in_transaction:  # SQLite rolls back by itself on a full disk
                self.db.execute("ROLLBACK")
            raise

    def index_sentences(self) -> int:
        """Add the sentences stored since the last call to the full-text index; returns how many."""
        upto = int(self.get_meta("fts_upto", "0"))
        top = self.db.execute("SELECT max(id) FROM sentences").fetchone()[0] or 0
        if top <= upto:
            return 0
        self.db.execute("BEGIN")
        n = self.db.execute("INSERT INTO sentences_fts(rowid, text) SELECT id, text FROM sentences WHERE id > ?",
                            (upto,)).rowcount
        self.set_meta("fts_upto", str(top))
        self.db.execute("COMMIT")
        return n

    def cross_doc_flags(self) -> list[tuple]:
        """The stored cross-document findings, as rows in `columns(Flag)` order."""
        cols = ",".join(sql_columns(Flag))
        return [record_row(Flag, r) for r in
                self.db.execute(f"SELECT {cols} FROM flags WHERE cross_doc=1 ORDER BY id")]

    def replace_cross_doc_flags(self, flags: list[Flag]) -> set[str]:
        """The cross-document findings of this run replace those of the last one; returns the
        doc_ids whose findings changed (their report pages are rewritten)."""
        cols = columns(Flag)
        new = [tuple(getattr(f, c) for c in cols) for f in flags]
        old = self.cross_doc_flags()
        if new == old:
            return set()
        doc = cols.index("doc_id")
        before, after = {}, {}
        for r in old:
            before.setdefault(r[doc], []).append(r)
        for r in new:
            after.setdefault(r[doc], []).append(r)
        changed = {d for d in set(before) | set(after) if before.get(d) != after.get(d)}
        self._rewrite("flags", "DELETE FROM flags WHERE cross_doc=1",
                      f"INSERT INTO flags ({','.join(sql_columns(Flag))},cross_doc) VALUES ({','.join('?' * len(cols))},1)",
                      new)
        return changed

    def replace_run_table(self, name: str, records: list) -> bool:
        """Rows of a `scope="run"` table (one the cross-document checks write) replace the last
        run's; returns whether they changed (unchanged rows are not rewritten, nor re-exported)."""
        rec, sql = _INSERTS[name]
        new = [tuple(getattr(r, c) for c in columns(rec)) for r in records]
        old = [record_row(rec, r) for r in self.db.execute(
            f"SELECT {','.join(sql_columns(rec))} FROM {_ident(name)} ORDER BY id")]
        if new == old:
            return False
        self._rewrite(name, f"DELETE FROM {_ident(name)}", sql, new)
        return True

    def _rewrite(self, name: str, delete: str, insert: str, rows: list[tuple]) -> None:
        """Replace rows of table `name` in one transaction: `delete`, then `insert` each row."""
        self.db.execute("BEGIN")
        self.db.execute(delete)
        self.db.executemany(insert, [_nulls(r) for r in rows])
        self._touch([name])
        self.db.execute("COMMIT")

    def stale_digests(self) -> list[str]:
        """The sources whose digest an earlier schema stored without what the checks now need (its
        text hash): `update_digests` completes them from the stored documents, no file read again."""
        return [s for (s,) in self.db.execute("SELECT source FROM digests WHERE text_hash IS NULL ORDER BY source")]

    def update_digests(self, digests) -> None:
        """Store digests computed again (for `stale_digests`), replacing the stored ones."""
        self.db.execute("BEGIN")
        self.db.executemany(_digests.INSERT, [digest_row(d) for d in digests])
        self.db.execute("COMMIT")

    # --- reading -----------------------------------------------------------------------------

    def rows(self, table: str):
        """Every row of a table as a tuple in `columns()` order (NULL as None), in export order."""
        t = TABLES[table]
        col = _column_of(t.record)
        order = ", ".join(f"{col[c[1:]]} DESC" if c.startswith("-") else col[c] for c in t.order)
        yield from self.db.execute(f"SELECT {','.join(sql_columns(t.record))} FROM {t.name} ORDER BY {order}, "
                                   f"{'source' if t.record is Document else 'id'}")

    def doc_ids(self) -> dict[str, str]:
        """source -> doc_id of every document, by source."""
        return {s: d or "" for s, d in self.db.execute("SELECT source, doc_id FROM documents ORDER BY source")}

    def digests(self, exclude: set[str] = frozenset()):
        """The stored digest of every document read, except those whose source is in `exclude`."""
        for row in self.db.execute(f"{_digests.SELECT} ORDER BY source"):
            if row[0] not in exclude:
                yield digest_of(row)

    def results(self, text_dir: Path, only: list[str] | None = None):
        """Rebuild documents' Results (text read back from text/<doc_id>.txt), one at a time, for
        the report pages; with `only`, just those sources, in that order."""
        doc_cols = columns(Document)
        select = f"SELECT {','.join(sql_columns(Document))} FROM documents"
        rows = self.db.execute(f"{select} ORDER BY source") if only is None else \
            (r for s in only for r in self.db.execute(f"{select} WHERE source=?", (s,)))
        for row in list(rows) if only is None else rows:
            values = dict(zip(doc_cols, record_row(Document, row)))
            text_path = Path(text_dir) / f"{values['doc_id']}.txt"
            text = text_path.read_text(encoding="utf-8") if values["status"] == "ok" and text_path.exists() else ""
            sentences = tuple(Sentence(i, a, b, p, text[a:b]) for i, p, a, b in self.db.execute(
                "SELECT idx, page, start_char, end_char FROM sentences WHERE source=? ORDER BY idx",
                (values["source"],)))
            doc = Document(**values, text=text, sentences=sentences)
            kids = {}
            for name, attr in _CHILDREN.items():
                rec = TABLES[name].record
                where = "source=? AND cross_doc=0" if name == "flags" else "source=?"
                kids[attr] = tuple(rec(*record_row(rec, r)) for r in self.db.execute(
                    f"SELECT {','.join(sql_columns(rec))} FROM {name} WHERE {where} ORDER BY id", (doc.source,)))
            kids["figures"] = tuple(_with_sentence_start(doc, f) for f in kids["figures"])
            yield Result(document=doc, **kids)

    def index_rows(self) -> list[dict]:
        """One row per document for the report's index: its document columns, the numbers of its
        figures, claims and flags (its own and the cross-document ones of its doc_id)."""
        cross = dict(self.db.execute("SELECT d.source, count(*) FROM flags f JOIN documents d ON d.doc_id = f.doc_id"
                                     f" WHERE f.cross_doc=1 AND {_BELONGS_SQL} GROUP BY d.source"))
        counts = {name: dict(self.db.execute(
            f"SELECT source, count(*) FROM {name}{' WHERE cross_doc=0' if name == 'flags' else ''} GROUP BY source"))
            for name in ("figures", "standards", "flags")}
        out = []
        for source, doc_id, status, title, error, chars in self.db.execute(
                "SELECT source, doc_id, status, title, error, chars FROM documents ORDER BY source"):
            out.append({"source": source, "doc_id": doc_id or "", "status": status, "title": title or "",
                        "error": error or "", "chars": chars or 0, "figures": counts["figures"].get(source, 0),
                        "claims": counts["standards"].get(source, 0),
                        "flags": counts["flags"].get(source, 0) + (cross.get(source, 0) if status == "ok" else 0)})
        return out

    def checks_count(self) -> dict[str, int]:
        """Number of flags of each check, cross-document ones counted once per document of their doc_id."""
        own = self.db.execute("SELECT check_name, count(*) FROM flags WHERE cross_doc=0 GROUP BY check_name")
        out = dict(own)
        for check, n in self.db.execute(
                "SELECT f.check_name, count(*) FROM flags f JOIN documents d ON d.doc_id = f.doc_id "
                f"WHERE f.cross_doc=1 AND d.status='ok' AND {_BELONGS_SQL} GROUP BY f.check_name"):
            out[check] = out.get(check, 0) + n
        return out

    def funding_figures(self):
        """(source, figure) of every funding figure, by source then position (for the report's chart)."""
        cols = sql_columns(Figure)
        for row in self.db.execute(f"SELECT {','.join(cols)} FROM figures WHERE kind='funding' "
                                   "ORDER BY source, start_char"):
            f = Figure(*record_row(Figure, row))
            yield f.source, f

    def count(self, table: str) -> int:
        """Number of rows of a table."""
        return self.db.execute(f"SELECT count(*) FROM {_ident(table)}").fetchone()[0]

    def warned(self) -> list[tuple[str, str]]:
        """(source, warning) of every document read with a warning (most of its text removed …)."""
        return [(s, w) for s, w in self.db.execute(
            "SELECT source, warning FROM documents WHERE warning IS NOT NULL AND warning != '' ORDER BY source")]

    def failed(self) -> list[tuple[str, str, str]]:
        """(source, status, error) of every document that was not read."""
        return [(s, st, e or "") for s, st, e in self.db.execute(
            "SELECT source, status, error FROM documents WHERE status != 'ok' ORDER BY source")]

    def close(self) -> None:
        if self.changed:
            try:
                self.db.execute("PRAGMA optimize")  # statistics for the query planner, where they are worth it
            except sqlite3.Error:
                pass
        self.db.close()
