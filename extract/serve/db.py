"""The review app's access to a run's database (`DIR/shequ.sqlite`). Every SQL statement of the
app is in this module, so a change of the store's schema (a renamed column, a new key) is made
here and nowhere else.

The app may write one table only, `reviews`, which it creates itself and which `shequ extract`
never touches: every other table is read-only through an SQLite authorizer on each of the app's
connections, so no bug, and no crafted request, can change what a run wrote.

`reviews` is append-only: every decision or note is a new row (flag key, decision, note,
reviewer, time), the latest row of a key is the flag's state, and the rows before it are its
history. Rows are tied to flags by `keys.flag_key`, never by row ids, so they survive reruns."""
from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from ..records import Document, Figure, Flag
from .keys import flag_key

DB_NAME = "shequ.sqlite"
REVIEWS = "reviews"
DECISIONS = ("open", "confirmed", "dismissed")
REVIEW_STATES = ("open", "confirmed", "dismissed", "done", "none")
PAGE_SIZE = 100

def _sql_name(record_type, name: str) -> str:
    """A field's column name in the run's database (records.py: field metadata "sql")."""
    return next(f.metadata.get("sql", f.name) for f in fields(record_type) if f.name == name)


# the store's column names where they differ from the records' field names (SQL keywords)
COLUMN = {"check": _sql_name(Flag, "check"), "end": _sql_name(Flag, "end"), "start": _sql_name(Flag, "start")}

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {REVIEWS} (
    id INTEGER PRIMARY KEY,
    flag_key TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    {COLUMN['check']} TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('open', 'confirmed', 'dismissed')),
    note TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {REVIEWS}_flag_key ON {REVIEWS}(flag_key, id);
"""

# what the authorizer lets through: reading, functions and transactions; writing only `reviews`
_READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                 sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT, sqlite3.SQLITE_RECURSIVE}
_WRITE_ACTIONS = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


def _authorize(action, arg1, arg2, db_name, trigger):
    if action in _READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action in _WRITE_ACTIONS and arg1 == REVIEWS and db_name == "main":
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY  # DDL, PRAGMA, ATTACH, and writes to any table a run owns


class StoreMissing(Exception):
    """The folder holds no run's database (or one the app cannot read)."""


@dataclass(frozen=True)
class Review:
    flag_key: str
    decision: str
    note: str
    reviewer: str
    time: str


@dataclass
class FlagItem:
    """One finding as the app shows it: the flags that share a key (the same finding at the same
    place, e.g. one passage shared with several reports) with the review state of that key."""

    key: str
    flags: list[Flag]
    history: list[Review] = field(default_factory=list)

    @property
    def first(self) -> Flag:
        return self.flags[0]

    @property
    def decision(self) -> str:
        return self.history[-1].decision if self.history else "open"

    @property
    def notes(self) -> list[Review]:
        """The notes made since the current decision was taken (the reasons for it)."""
        out: list[Review] = []
        last = "open"
        for r in self.history:
            if r.decision != last:
                out, last = [], r.decision
            if r.note:
                out.append(r)
        return out


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@functools.lru_cache(maxsize=65536)
def place_of(title: str) -> str:
    """The place a report is about, read from its title (柳湾街道办事处2021年… -> 柳湾街道办事处)."""
    from ..figures.context import entity_of

    title = title or ""
    try:
        return entity_of(title, len(title))
    except Exception:  # a title the segmenter cannot take: no place, not a failed page
        return ""


@functools.lru_cache(maxsize=65536)
def year_of(title: str) -> str:
    """The first year its title names (…2021年社区建设工作总结 -> 2021), else ''."""
    m = _YEAR.search(title or "")
    return m.group(1) if m else ""


@functools.lru_cache(maxsize=1 << 18)
def _flag_key_sql(doc_id, check, start, end, figures):
    """`flag_key` for SQL, remembered: every page of the documents table needs the key of every
    flag, and the flags of a run do not change between two requests."""
    return flag_key(doc_id, check, start, end, figures)


def _like(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


# every flag once per content (identical files share their flags), with its key and review state
_FLAG_STATE = f"""
fl AS MATERIALIZED (
    SELECT DISTINCT doc_id, {COLUMN['check']} AS chk, severity,
           shequ_flag_key(doc_id, {COLUMN['check']}, {COLUMN['start']}, {COLUMN['end']}, figures) AS k
    FROM flags WHERE doc_id != ''
),
latest AS MATERIALIZED (
    SELECT r.flag_key, r.decision FROM {REVIEWS} r
    JOIN (SELECT flag_key, max(id) AS id FROM {REVIEWS} GROUP BY flag_key) m ON m.id = r.id
),
fs AS MATERIALIZED (
    SELECT fl.doc_id, fl.chk, fl.severity, fl.k, coalesce(latest.decision, 'open') AS decision
    FROM fl LEFT JOIN latest ON latest.flag_key = fl.k
),
per_doc AS MATERIALIZED (
    SELECT doc_id, count(DISTINCT k) AS n_flags,
           count(DISTINCT CASE WHEN decision = 'open' THEN k END) AS n_open,
           count(DISTINCT CASE WHEN decision = 'confirmed' THEN k END) AS n_confirmed,
           count(DISTINCT CASE WHEN decision = 'dismissed' THEN k END) AS n_dismissed
    FROM fs GROUP BY doc_id
),
fig AS MATERIALIZED (SELECT source, count(*) AS n FROM figures GROUP BY source),
docs AS (
    SELECT d.source, d.doc_id, d.format, d.status, d.chars, d.title, d.error,
           shequ_place(d.title) AS place, shequ_year(d.title) AS year,
           coalesce(fig.n, 0) AS n_figures, coalesce(p.n_flags, 0) AS n_flags, coalesce(p.n_open, 0) AS n_open,
           coalesce(p.n_confirmed, 0) AS n_confirmed, coalesce(p.n_dismissed, 0) AS n_dismissed
    FROM documents d LEFT JOIN fig ON fig.source = d.source LEFT JOIN per_doc p ON p.doc_id = d.doc_id
)"""

SORTS = {"title": "title", "source": "source", "status": "status", "place": "place", "year": "year",
         "figures": "n_figures", "flags": "n_flags", "open": "n_open", "confirmed": "n_confirmed"}


@dataclass
class Filters:
    """What the documents table (and the export) is narrowed to; '' means any."""

    status: str = ""
    place: str = ""
    year: str = ""
    check: str = ""
    severity: str = ""
    review: str = ""
    q: str = ""

    def where(self) -> tuple[str, list]:
        """The WHERE clause over `docs` (and `fs`) and its parameters."""
        parts, args = [], []
        for col in ("status", "place", "year"):
            if getattr(self, col):
                parts.append(f"docs.{col} = ?")
                args.append(getattr(self, col))
        if self.check:
            parts.append("EXISTS (SELECT 1 FROM fs WHERE fs.doc_id = docs.doc_id AND fs.chk = ?)")
            args.append(self.check)
        if self.severity:
            parts.append("EXISTS (SELECT 1 FROM fs WHERE fs.doc_id = docs.doc_id AND fs.severity = ?)")
            args.append(self.severity)
        if self.review in ("open", "confirmed", "dismissed"):
            parts.append(f"docs.n_{self.review} > 0")
        elif self.review == "done":
            parts.append("docs.n_flags > 0 AND docs.n_open = 0")
        elif self.review == "none":
            parts.append("docs.n_flags = 0")
        if self.q.strip():
            like = _like(self.q.strip())
            parts.append("(docs.title LIKE ? ESCAPE '\\' OR docs.source LIKE ? ESCAPE '\\' OR docs.place LIKE ? ESCAPE '\\'"
                         " OR EXISTS (SELECT 1 FROM flags WHERE flags.source = docs.source"
                         " AND (flags.message LIKE ? ESCAPE '\\' OR flags.evidence LIKE ? ESCAPE '\\')))")
            args += [like] * 5
        return (" WHERE " + " AND ".join(parts)) if parts else "", args


class ReviewStore:
    """The app's view of one output folder: documents, their flags and figures (read-only), and
    the reviews (read and appended)."""

    def __init__(self, out_dir: str | Path):
        self.dir = Path(out_dir)
        self.path = self.dir / DB_NAME
        self.text_dir = self.dir / "text"
        if not self.path.is_file():
            raise StoreMissing(f"{self.path} not found: run `shequ extract REPORTS -o {self.dir}` first")
        try:
            db = sqlite3.connect(self.path, timeout=10)
            try:
                tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if not {"documents", "flags", "figures"} <= tables:
                    raise StoreMissing(f"{self.path} is not a shequ run's database (no documents/flags tables)")
                db.executescript(_SCHEMA)  # the one table the app owns, made before the authorizer is set
                # the other side of findings across documents (schema 3; a folder of schema 2 has none yet)
                have = {r[1] for r in db.execute("PRAGMA table_info(flags)")}
                self._other = ", other_source, other_doc_id" if {"other_source", "other_doc_id"} <= have else ""
            finally:
                db.close()
        except sqlite3.Error as e:
            raise StoreMissing(f"cannot open {self.path} for reviews: {e}") from None

    def connect(self) -> sqlite3.Connection:
        """A connection that reads everything and may write `reviews` only."""
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        db.create_function("shequ_flag_key", 5, _flag_key_sql, deterministic=True)
        db.create_function("shequ_place", 1, place_of, deterministic=True)
        db.create_function("shequ_year", 1, year_of, deterministic=True)
        db.set_authorizer(_authorize)
        return db

    # --- the documents table -------------------------------------------------------------------

    def documents(self, filters: Filters, sort: str = "source", descending: bool = False,
                  page: int = 1, page_size: int = PAGE_SIZE) -> tuple[list[dict], int]:
        """One page of the documents matching `filters`, and how many match."""
        where, args = filters.where()
        order = f"{SORTS.get(sort, 'source')} {'DESC' if descending else 'ASC'}, source"
        with self._db() as db:  # one pass: the page and, on each of its rows, the number of matches
            cur = db.execute(f"WITH {_FLAG_STATE} SELECT *, count(*) OVER () AS matches FROM docs{where}"
                             f" ORDER BY {order} LIMIT ? OFFSET ?", args + [page_size, max(page - 1, 0) * page_size])
            rows = _dicts(cur)
            if rows:
                return rows, rows[0]["matches"]
            total = db.execute(f"WITH {_FLAG_STATE} SELECT count(*) FROM docs{where}", args).fetchone()[0]
            return rows, total

    def facets(self) -> dict[str, list[str]]:
        """The values each filter can take, from what the run holds."""
        with self._db() as db:
            titles = [t for (t,) in db.execute("SELECT DISTINCT title FROM documents")]
            return {
                "status": [s for (s,) in db.execute("SELECT DISTINCT status FROM documents ORDER BY status")],
                "place": sorted({p for t in titles if (p := place_of(t))}),
                "year": sorted({y for t in titles if (y := year_of(t))}),
                "check": [c for (c,) in db.execute(f"SELECT DISTINCT {COLUMN['check']} FROM flags ORDER BY 1")],
                "severity": [s for (s,) in db.execute("SELECT DISTINCT severity FROM flags ORDER BY 1")],
            }

    def totals(self) -> dict[str, int]:
        """Counts for the head of the index: documents, findings by decision, orphaned reviews."""
        with self._db() as db:
            row = db.execute(f"WITH {_FLAG_STATE} SELECT (SELECT count(*) FROM documents), count(DISTINCT k),"
                             " count(DISTINCT CASE WHEN decision='open' THEN k END),"
                             " count(DISTINCT CASE WHEN decision='confirmed' THEN k END),"
                             " count(DISTINCT CASE WHEN decision='dismissed' THEN k END),"
                             f" (SELECT count(DISTINCT flag_key) FROM {REVIEWS} WHERE flag_key NOT IN (SELECT k FROM fl))"
                             " FROM fs").fetchone()
        return dict(zip(("documents", "flags", "open", "confirmed", "dismissed", "orphaned"), row))

    # --- one document ---------------------------------------------------------------------------

    def document(self, doc_id: str) -> tuple[Document, list[str]] | None:
        """The document with this content hash (its text read from text/), and every source that
        holds the same content; None when the run has no such document."""
        with self._db() as db:
            cur = db.execute("SELECT source, doc_id, format, status, encoding, pages, chars, title, error"
                             " FROM documents WHERE doc_id = ? AND doc_id != '' ORDER BY source", (doc_id,))
            rows = _dicts(cur)
        if not rows:
            return None
        text_path = self.text_dir / f"{doc_id}.txt"
        text = text_path.read_text(encoding="utf-8") if rows[0]["status"] == "ok" and text_path.is_file() else ""
        return Document(**rows[0], text=text), [r["source"] for r in rows]

    def figures(self, doc_id: str) -> list[Figure]:
        """The figures of the document, by position (one copy of identical files)."""
        with self._db() as db:
            source = db.execute("SELECT min(source) FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            cur = db.execute(f"SELECT source, doc_id, page, {COLUMN['start']} AS start, {COLUMN['end']} AS \"end\","
                             " text, quantity, kind, value, value_max, unit, approx, counted, subject, entity, year,"
                             f" role, sentence, rule FROM figures WHERE source = ? ORDER BY {COLUMN['start']}",
                             (source,))
            return [Figure(**r) for r in _dicts(cur)]

    def flags(self, doc_id: str) -> list[FlagItem]:
        """The document's findings (its own and those of the cross-document checks), each once, by
        position, with their review history."""
        with self._db() as db:  # by the sources of the content, which the flags table indexes
            cur = db.execute(f"SELECT DISTINCT min(source) OVER () AS source, doc_id, {COLUMN['check']} AS \"check\","
                             f" severity, message, figures, evidence, {COLUMN['start']} AS start,"
                             f" {COLUMN['end']} AS \"end\"{self._other} FROM flags WHERE source IN"
                             " (SELECT source FROM documents WHERE doc_id = ?) AND doc_id = ? AND doc_id != ''"
                             f" ORDER BY {COLUMN['start']}, {COLUMN['check']}, message", (doc_id, doc_id))
            items: dict[str, FlagItem] = {}
            for r in _dicts(cur):
                fl = Flag(**{k: "" if v is None and k not in ("start", "end") else v for k, v in r.items()})  # NULL: none
                key = flag_key(fl.doc_id, fl.check, fl.start, fl.end, fl.figures)
                items.setdefault(key, FlagItem(key, [])).flags.append(fl)
            for r in self._history(db, list(items)):
                items[r.flag_key].history.append(r)
        return list(items.values())

    # --- reviews --------------------------------------------------------------------------------

    def add_review(self, key: str, doc_id: str, check: str, decision: str, note: str, reviewer: str) -> Review:
        """Append a decision (or a note under the current decision) for a flag."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        time = datetime.now().astimezone().isoformat(timespec="seconds")
        with self._db() as db:
            db.execute(f"INSERT INTO {REVIEWS} (flag_key, doc_id, {COLUMN['check']}, decision, note, reviewer, time)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)", (key, doc_id, check, decision, note, reviewer, time))
        return Review(key, decision, note, reviewer, time)

    def history(self, key: str) -> list[Review]:
        """Every review row of a flag, oldest first."""
        with self._db() as db:
            return self._history(db, [key])

    @staticmethod
    def _history(db: sqlite3.Connection, keys: list[str]) -> list[Review]:
        out: list[Review] = []
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            out += [Review(*r) for r in db.execute(
                f"SELECT flag_key, decision, note, reviewer, time FROM {REVIEWS}"
                f" WHERE flag_key IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)]
        return out

    def confirmed(self, filters: Filters) -> list[dict]:
        """The confirmed findings of the documents matching `filters`, one row per finding (flags
        sharing a key joined), by place, year, title and position, with the notes behind each
        decision, for the export."""
        where, args = filters.where()
        with self._db() as db:
            confirmed = {k for k, d in db.execute(
                f"SELECT r.flag_key, r.decision FROM {REVIEWS} r JOIN (SELECT flag_key, max(id) AS id FROM {REVIEWS}"
                " GROUP BY flag_key) m ON m.id = r.id") if d == "confirmed"}
            if not confirmed:
                return []
            chosen = {r["doc_id"]: r for r in _dicts(db.execute(
                f"WITH {_FLAG_STATE} SELECT doc_id, min(source) AS source, min(title) AS title, min(place) AS place,"
                f" min(year) AS year FROM docs{where} GROUP BY doc_id", args))}
            # one pass over the flags, keys computed here (a join on a computed key cannot use an index)
            cur = db.execute(f"SELECT DISTINCT doc_id, {COLUMN['check']} AS \"check\", severity, message, evidence,"
                             f" {COLUMN['start']} AS start, {COLUMN['end']} AS \"end\", figures FROM flags"
                             " WHERE doc_id != ''")
            rows = []
            for r in _dicts(cur):
                doc = chosen.get(r["doc_id"])
                if doc is None:
                    continue
                key = flag_key(r["doc_id"], r["check"], r["start"], r["end"], r["figures"])
                if key in confirmed:
                    rows.append(dict(r, flag_key=key, place=doc["place"], year=doc["year"], title=doc["title"],
                                     source=doc["source"]))
            rows.sort(key=lambda r: (r["place"] or "", r["year"] or "", r["title"] or "", r["source"], r["start"],
                                     r["check"], r["message"]))
            by_key: dict[str, dict] = {}
            for r in rows:
                if r["flag_key"] in by_key:  # the same finding at the same place (several partners): one row
                    by_key[r["flag_key"]]["message"] += "\n" + r["message"]
                    continue
                by_key[r["flag_key"]] = r
            for rev in self._history(db, list(by_key)):
                by_key[rev.flag_key].setdefault("_history", []).append(rev)
        out = []
        for key, r in by_key.items():
            item = FlagItem(key, [], r.pop("_history", []))
            notes = item.notes
            last = item.history[-1] if item.history else None
            r.update(note="\n".join(n.note for n in notes), reviewer=last.reviewer if last else "",
                     time=last.time if last else "")
            out.append(r)
        return out

    def _db(self):
        return _Connection(self)


class _Connection:
    """`with store._db() as db:` a fresh authorised connection, closed afterwards (requests run in
    threads; a connection per request keeps them apart)."""

    def __init__(self, store: ReviewStore):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        self.db = self.store.connect()
        return self.db

    def __exit__(self, *exc) -> None:
        self.db.close()


def _dicts(cur: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]
