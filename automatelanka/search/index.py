"""The full-text index, one small class per database: SQLite FTS5 and PostgreSQL tsvector + GIN.

The index is derived data: a table ``search_documents`` (one row per workflow) plus, on SQLite,
the FTS5 table ``search_documents_fts`` kept in sync by triggers (the layout sqlite-utils'
``enable_fts`` creates, so ``sqlite-utils rebuild-fts`` works on it). Both are created on first
use and can be rebuilt from the workflows table at any time (:func:`automatelanka.services.search.sync`),
so they are not part of the migrated schema and never block a migration.

Workspace scoping is done twice: each document carries a ``w<workspace>`` token the match
requires, and the row's ``workspace_id`` column is filtered in SQL.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection
from sqlalchemy import text as _text
from sqlalchemy.exc import DBAPIError

from automatelanka.search.document import ALL_TOKEN, Document
from automatelanka.search.text import words

TABLE = "search_documents"
FTS = f"{TABLE}_fts"
COLUMNS = [f.name for f in fields(Document)]
#: BM25 weight per column, in COLUMNS order (name, description, nodes, types, integrations, tags,
#: category, trigger).
WEIGHTS = (8.0, 1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0)
#: Columns a result is shown from (so a page never reads the workflows' large definitions).
META = ("public", "active", "nodes_count", "updated_at", "title", "filename", "integration_list", "tag_list")
SCHEMA_VERSION = "4"
#: PostgreSQL's layout version (5: the GIN index without a pending list).
PG_SCHEMA_VERSION = "5"


@lru_cache(maxsize=512)
def text(sql: str) -> Any:
    """A cached ``TextClause`` (parsing the bind parameters of a statement costs more than running it)."""
    return _text(sql)


@lru_cache(maxsize=512)
def _compiled(sql: str, dialect: Any) -> tuple[str, tuple[str, ...] | None]:
    """``sql`` in the driver's parameter style, and the order of its parameters when positional."""
    compiled = _text(sql).compile(dialect=dialect)
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None


@dataclass(frozen=True)
class Filters:
    """Restrictions on the matching workflows. ``types_any`` lists type tokens, any of which must match."""

    trigger: str | None = None
    active: bool | None = None
    public: bool | None = None
    min_nodes: int | None = None
    max_nodes: int | None = None
    types_any: tuple[tuple[str, ...], ...] = ()


class Match(NamedTuple):
    """One matching document (a tuple: hundreds are built per search, and a frozen dataclass's
    ``__init__`` costs several times a tuple's)."""

    rowid: Any
    raw_id: Any  # the workflow id as stored; see ``workflow_id``
    types: frozenset[str]
    rank: float  # higher is better
    public: bool
    nodes_count: int
    trigger: str

    @property
    def workflow_id(self) -> uuid.UUID:
        return self.raw_id if isinstance(self.raw_id, uuid.UUID) else uuid.UUID(self.raw_id)


class Index:
    """Operations every backend offers."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _rows(self, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a read, straight from the driver: for these small statements
        SQLAlchemy's result layer costs more than the database. Runs in the connection's
        transaction (begun first, as SQLAlchemy would)."""
        statement, order = _compiled(sql, self.conn.dialect)
        if not self.conn.in_transaction():
            self.conn.begin()
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(statement, tuple(params[k] for k in order) if order is not None else params)
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    def _matches(self, sql: str, params: dict[str, Any]) -> list[Match]:
        # columns: rowid, workflow_id, types, public, nodes_count, trigger, score
        return [Match(r[0], r[1], frozenset(r[2].split()), float(r[6]), bool(r[3]), int(r[4]), r[5] or "")
                for r in self._rows(sql, params)[1]]

    def _scalar(self, sql: str, params: dict[str, Any]) -> int:
        return int(self._rows(sql, params)[1][0][0])

    # -- maintenance
    def ensure(self) -> bool:
        """Create the index if missing (or rebuild an outdated one); True when it starts empty."""
        raise NotImplementedError

    def upsert(self, workflow_id: uuid.UUID, workspace_id: uuid.UUID, doc: Document, meta: dict[str, Any]) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        raise NotImplementedError

    def analyze(self) -> None:
        """Refresh the planner's statistics after many documents changed (PostgreSQL only)."""

    def stale_statistics(self) -> bool:
        """True when enough documents changed since the last ANALYZE to mislead the planner."""
        return False

    def delete(self, workflow_ids: list[uuid.UUID]) -> None:
        for wid in workflow_ids:
            self.conn.execute(text(f"DELETE FROM {TABLE} WHERE workflow_id = :id"), {"id": self.raw_id(wid)})

    def indexed(self, workspace_id: uuid.UUID | None) -> dict[uuid.UUID, Any]:
        """workflow id -> updated_at of every indexed document (of one workspace, or all)."""
        sql = f"SELECT workflow_id, updated_at FROM {TABLE}"
        params: dict[str, Any] = {}
        if workspace_id is not None:
            sql += " WHERE workspace_id = :ws"
            params["ws"] = self.raw_id(workspace_id)
        return {self.uuid_of(r[0]): r[1] for r in self.conn.execute(text(sql), params)}

    def summary(self, workspace_id: uuid.UUID) -> tuple[int, Any]:
        """(document count, newest updated_at) of the workspace's documents."""
        row = self.conn.execute(text(f"SELECT count(*), max(updated_at) FROM {TABLE} WHERE workspace_id = :ws"),
                                {"ws": self.raw_id(workspace_id)}).one()
        return int(row[0]), row[1]

    def fetch(self, rowids: list[Any]) -> dict[Any, dict[str, Any]]:
        """Display fields of the given documents, by rowid, with ``owner``: the workspace the
        workflows table has for it (documents of workflows no longer there are left out)."""
        if not rowids:
            return {}
        key = self._key
        sql = (f"SELECT d.{key} AS rowid, d.workflow_id, d.workspace_id, w.workspace_id AS owner, d.category, "
               f"d.trigger, {', '.join('d.' + c for c in META)} FROM {TABLE} d JOIN workflows w ON w.id = "
               f"d.workflow_id WHERE d.{key} IN ({', '.join(f':r{i}' for i in range(len(rowids)))})")
        names, rows = self._rows(sql, {f"r{i}": r for i, r in enumerate(rowids)})
        return {r[0]: dict(zip(names, r, strict=True)) for r in rows}

    _key = "rowid"

    # -- search
    def match(self, workspace_id: uuid.UUID, groups: list[list[str]], optional: list[str], *,
              include_public: bool, filters: Filters, limit: int, ranked: bool = True) -> list[Match]:
        """Documents matching one token of every group, best first (optional tokens count in the rank).

        ``ranked=False`` skips ranking: any ``limit`` matches, cheaply, for very large result sets."""
        raise NotImplementedError

    def count(self, workspace_id: uuid.UUID, groups: list[list[str]], optional: list[str], *,
              include_public: bool, filters: Filters, cap: int | None = None) -> int:
        """How many documents match (counting stops at ``cap``)."""
        raise NotImplementedError

    def prefix_terms(self, workspace_id: uuid.UUID, prefix: str, *, include_public: bool,
                     limit: int) -> list[tuple[str, str]]:
        """(field, value) pairs of names and integrations with a word starting with ``prefix``: found
        through the full-text index (a prefix query on those fields), then checked word by word."""
        word = "".join(ch for ch in prefix.lower() if ch.isalnum())
        if not word:
            return []
        scope, params = self._scope_sql(workspace_id, include_public)
        params.update(q=self._prefix_query(word), limit=limit)
        _, rows = self._rows(f"SELECT d.integrations, d.title {self._prefix_from()} AND {scope} LIMIT :limit", params)
        out: list[tuple[str, str]] = []
        for integrations, title in rows:
            if integrations and any(w.startswith(word) for w in words(integrations)):
                out.append(("integrations", integrations))
            if title and any(w.startswith(word) for w in words(title)):
                out.append(("title", title))
        return out

    def _prefix_query(self, word: str) -> str:
        raise NotImplementedError

    def _prefix_from(self) -> str:
        raise NotImplementedError

    # -- helpers
    def _scope_sql(self, workspace_id: uuid.UUID, include_public: bool) -> tuple[str, dict[str, Any]]:
        params: dict[str, Any] = {"ws": self.raw_id(workspace_id)}
        if include_public:
            return f"(d.workspace_id = :ws OR d.public = {self._true})", params
        return "d.workspace_id = :ws", params

    def _filter_sql(self, filters: Filters, params: dict[str, Any]) -> str:
        sql = ""
        if filters.trigger is not None:
            sql += " AND d.trigger = :f_trigger"
            params["f_trigger"] = filters.trigger
        if filters.active is not None:
            sql += f" AND d.active = {self._true if filters.active else self._false}"
        if filters.public is not None:
            sql += f" AND d.public = {self._true if filters.public else self._false}"
        if filters.min_nodes is not None:
            sql += " AND d.nodes_count >= :f_min"
            params["f_min"] = filters.min_nodes
        if filters.max_nodes is not None:
            sql += " AND d.nodes_count <= :f_max"
            params["f_max"] = filters.max_nodes
        return sql

    _true, _false = "1", "0"

    def raw_id(self, value: uuid.UUID) -> Any:
        return value.hex

    def uuid_of(self, value: Any) -> uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _upsert_values(workflow_id: uuid.UUID, workspace_id: uuid.UUID, doc: Document, meta: dict[str, Any],
                   ident: Any) -> dict[str, Any]:
    values = {c: getattr(doc, c) for c in COLUMNS}
    public = bool(meta.get("public"))
    values.update({k: meta.get(k) for k in META})
    values.update(workflow_id=ident(workflow_id), workspace_id=ident(workspace_id), public=public,
                  active=bool(meta.get("active")), nodes_count=int(meta.get("nodes_count") or 0))
    return values


class SQLiteIndex(Index):
    """FTS5 with the porter stemmer; BM25 with per-column weights."""

    def ensure(self) -> bool:
        have = [r[1] for r in self.conn.exec_driver_sql(f"PRAGMA table_info([{TABLE}])")]
        if have and f"v{SCHEMA_VERSION}" in have:
            return False
        if have:
            self.drop()
        cols = ", ".join(f"[{c}] TEXT NOT NULL DEFAULT ''" for c in COLUMNS)
        fts_cols = ", ".join(f"[{c}]" for c in COLUMNS)
        new_cols = ", ".join(f"new.[{c}]" for c in COLUMNS)
        old_cols = ", ".join(f"old.[{c}]" for c in COLUMNS)
        statements = [
            f"CREATE TABLE [{TABLE}] ([rowid] INTEGER PRIMARY KEY, [workflow_id] TEXT NOT NULL UNIQUE, "
            f"[workspace_id] TEXT NOT NULL, [public] INTEGER NOT NULL DEFAULT 0, [active] INTEGER NOT NULL DEFAULT 0, "
            f"[nodes_count] INTEGER NOT NULL DEFAULT 0, [updated_at] TEXT, [title] TEXT, [filename] TEXT, "
            f"[integration_list] TEXT, [tag_list] TEXT, [v{SCHEMA_VERSION}] INTEGER, {cols})",
            f"CREATE INDEX [ix_{TABLE}_workspace_id] ON [{TABLE}] ([workspace_id], [updated_at])",
            f"CREATE VIRTUAL TABLE [{FTS}] USING FTS5 ({fts_cols}, "
            f"tokenize='porter unicode61', content=[{TABLE}])",
            # the triggers sqlite-utils' enable_fts(create_triggers=True) writes
            f"CREATE TRIGGER [{TABLE}_ai] AFTER INSERT ON [{TABLE}] BEGIN "
            f"INSERT INTO [{FTS}] (rowid, {fts_cols}) VALUES (new.rowid, {new_cols}); END",
            f"CREATE TRIGGER [{TABLE}_ad] AFTER DELETE ON [{TABLE}] BEGIN "
            f"INSERT INTO [{FTS}] ([{FTS}], rowid, {fts_cols}) VALUES('delete', old.rowid, {old_cols}); END",
            f"CREATE TRIGGER [{TABLE}_au] AFTER UPDATE ON [{TABLE}] BEGIN "
            f"INSERT INTO [{FTS}] ([{FTS}], rowid, {fts_cols}) VALUES('delete', old.rowid, {old_cols}); "
            f"INSERT INTO [{FTS}] (rowid, {fts_cols}) VALUES (new.rowid, {new_cols}); END",
        ]
        for sql in statements:
            self.conn.exec_driver_sql(sql)
        return True

    def drop(self) -> None:
        for sql in (f"DROP TABLE IF EXISTS [{FTS}]", f"DROP TABLE IF EXISTS [{TABLE}]"):
            self.conn.exec_driver_sql(sql)

    def optimize(self) -> None:
        """Merge the FTS5 b-trees (sqlite-utils' ``optimize``); run outside a transaction."""
        import sqlite_utils

        db = sqlite_utils.Database(self.conn.connection.driver_connection)
        table = db.table(TABLE)
        if table.detect_fts() == FTS:
            table.optimize()

    def upsert(self, workflow_id, workspace_id, doc, meta) -> None:
        values = _upsert_values(workflow_id, workspace_id, doc, {**meta, "updated_at": str(meta.get("updated_at"))},
                                self.raw_id)
        names = list(values)
        updates = ", ".join(f"[{n}] = excluded.[{n}]" for n in names if n != "workflow_id")
        self.conn.execute(
            text(f"INSERT INTO [{TABLE}] ({', '.join(f'[{n}]' for n in names)}) "
                 f"VALUES ({', '.join(':' + n for n in names)}) ON CONFLICT (workflow_id) DO UPDATE SET {updates}"),
            values,
        )

    def _fts_query(self, groups: list[list[str]], filters: Filters) -> str | None:
        parts = [_any(g, None) for g in groups if g] + [_any(list(g), "types") for g in filters.types_any if g]
        return " AND ".join(parts) if parts else None

    def _from(self, q: str | None) -> str:
        if q is None:
            return f"FROM [{TABLE}] d WHERE 1 = 1"
        return f"FROM [{FTS}] f CROSS JOIN [{TABLE}] d ON d.rowid = f.rowid WHERE [{FTS}] MATCH :q"

    def _prefix_query(self, word: str) -> str:
        return f'{{name integrations}} : "{word}"*'

    def _prefix_from(self) -> str:
        return self._from("")

    def match(self, workspace_id, groups, optional, *, include_public, filters, limit, ranked=True):
        scope, params = self._scope_sql(workspace_id, include_public)
        q = self._fts_query(groups, filters)
        params.update(q=q, limit=limit)
        ranked = ranked and q is not None
        score = f"-bm25([{FTS}], {', '.join(str(w) for w in WEIGHTS)})" if ranked else "0.0"
        order = "score DESC" if ranked else ("d.updated_at DESC, d.workflow_id" if q is None else "")
        sql = (f"SELECT d.rowid, d.workflow_id, d.types, d.public, d.nodes_count, d.trigger, {score} AS score "
               f"{self._from(q)} AND {scope}{self._filter_sql(filters, params)} "
               f"{'ORDER BY ' + order if order else ''} LIMIT :limit")
        return self._matches(sql, params)

    def count(self, workspace_id, groups, optional, *, include_public, filters, cap=None) -> int:
        scope, params = self._scope_sql(workspace_id, include_public)
        q = self._fts_query(groups, filters)
        params.update(q=q, cap=cap or -1)
        sql = (f"SELECT count(*) FROM (SELECT 1 {self._from(q)} AND {scope}{self._filter_sql(filters, params)} "
               f"LIMIT :cap)")
        return self._scalar(sql, params)


def _any(tokens: list[str], column: str | None) -> str:
    """``(a OR b)`` in FTS5 syntax. Tokens are ``[0-9a-z]`` words (or ``col:word``), quoted anyway;
    ``word*`` is a prefix (words starting with it)."""
    out = []
    for tok in tokens:
        col, _, word = tok.rpartition(":") if ":" in tok else ("", "", tok)
        col = col or (column or "")
        star = "*" if word.endswith("*") else ""
        word = "".join(ch for ch in word.lower() if ch.isalnum())
        if word:
            out.append(f'{col}:"{word}"{star}' if col else f'"{word}"{star}')
    return "(" + " OR ".join(out) + ")" if out else f'(types:"{ALL_TOKEN}")'


class PostgresIndex(Index):
    """A tsvector column (english stemming) with a GIN index; ranked by ts_rank with field weights."""

    _true, _false = "true", "false"
    #: tsvector weight per column: A name, B integrations and types, C nodes, D the rest.
    CLASSES = {"name": "A", "integrations": "B", "types": "B", "nodes": "C"}

    _key = "workflow_id"

    def ensure(self) -> bool:
        have = {r[0] for r in self.conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND table_schema = "
            "current_schema()"), {"t": TABLE})}
        if have and f"v{PG_SCHEMA_VERSION}" in have:
            return False
        if have:
            self.drop()
        cols = ", ".join(f"{c} text NOT NULL DEFAULT ''" for c in COLUMNS)
        self.conn.exec_driver_sql(
            f"CREATE TABLE {TABLE} (workflow_id uuid PRIMARY KEY, workspace_id uuid NOT NULL, "
            f"public boolean NOT NULL DEFAULT false, active boolean NOT NULL DEFAULT false, "
            f"nodes_count integer NOT NULL DEFAULT 0, updated_at timestamptz, title text, filename text, "
            f"integration_list text, tag_list text, v{PG_SCHEMA_VERSION} integer, {cols}, document tsvector)"
        )
        # The vector stays in the row (compressed, with lz4 where the server has it): searches read it
        # for every candidate they rank, and fetching it from the TOAST table costs more than the rank.
        self.conn.exec_driver_sql(f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN")
        with contextlib.suppress(DBAPIError), self.conn.begin_nested():
            self.conn.exec_driver_sql(f"ALTER TABLE {TABLE} ALTER COLUMN document SET COMPRESSION lz4")
        self.conn.exec_driver_sql(f"CREATE INDEX ix_{TABLE}_workspace_id ON {TABLE} (workspace_id, updated_at)")
        # No pending list: with fastupdate (the default) new documents wait in an unsorted list that
        # every search scans until the next VACUUM, and a few hundred of them make searches 10x slower.
        self.conn.exec_driver_sql(
            f"CREATE INDEX ix_{TABLE}_document ON {TABLE} USING gin (document) WITH (fastupdate = off)")
        return True

    def drop(self) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")

    def optimize(self) -> None:
        self.analyze()

    def analyze(self) -> None:
        # without statistics the planner filters every document of the workspace instead of using GIN
        self.conn.exec_driver_sql(f"ANALYZE {TABLE}")

    def stale_statistics(self) -> bool:
        # autovacuum's rule (50 rows + 10%), checked at once rather than a minute later (or never,
        # when autovacuum is off)
        row = self.conn.execute(text(
            "SELECT n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables WHERE relid = to_regclass(:t)"),
            {"t": TABLE}).first()
        return row is not None and row[0] >= 50 + 0.1 * row[1]

    def raw_id(self, value: uuid.UUID) -> Any:
        return value

    def upsert(self, workflow_id, workspace_id, doc, meta) -> None:
        values = _upsert_values(workflow_id, workspace_id, doc, meta, self.raw_id)
        vector = " || ".join(
            f"setweight(to_tsvector('english', :{c}), '{self.CLASSES.get(c, 'D')}')" for c in COLUMNS
        )
        names = list(values)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "workflow_id")
        self.conn.execute(
            text(f"INSERT INTO {TABLE} ({', '.join(names)}, document) VALUES ({', '.join(':' + n for n in names)}, "
                 f"{vector}) ON CONFLICT (workflow_id) DO UPDATE SET {updates}, document = excluded.document"),
            values,
        )

    def _prefix_query(self, word: str) -> str:
        return f"{word}:*AB"  # weights A (name) and B (integrations, types)

    def _prefix_from(self) -> str:
        return f"FROM {TABLE} d WHERE d.document @@ to_tsquery('english', :q)"

    def _tsquery(self, groups: list[list[str]], filters: Filters) -> str | None:
        parts = [_or(g) for g in groups if g] + [_or(list(g)) for g in filters.types_any if g]
        parts = [p for p in parts if p]
        return " & ".join(parts) if parts else None

    def match(self, workspace_id, groups, optional, *, include_public, filters, limit, ranked=True):
        scope, params = self._scope_sql(workspace_id, include_public)
        q = self._tsquery(groups, filters)
        params.update(q=q, opt=_or([*optional, ALL_TOKEN]), limit=limit)
        ranked = ranked and q is not None
        score = ("ts_rank('{0.1, 0.2, 0.4, 1.0}', d.document, to_tsquery('english', :q) || "
                 "to_tsquery('english', :opt))") if ranked else "0.0"
        order = "score DESC" if ranked else ("d.updated_at DESC, d.workflow_id" if q is None else "")
        where = "d.document @@ to_tsquery('english', :q)" if q is not None else "true"
        sql = (f"SELECT d.workflow_id AS rowid, d.workflow_id, d.types, d.public, d.nodes_count, d.trigger, "
               f"{score} AS score FROM {TABLE} d WHERE {where} AND {scope}{self._filter_sql(filters, params)} "
               f"{'ORDER BY ' + order if order else ''} LIMIT :limit")
        return self._matches(sql, params)

    def count(self, workspace_id, groups, optional, *, include_public, filters, cap=None) -> int:
        scope, params = self._scope_sql(workspace_id, include_public)
        q = self._tsquery(groups, filters)
        params.update(q=q, cap=cap)
        where = "d.document @@ to_tsquery('english', :q)" if q is not None else "true"
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} d WHERE {where} AND {scope}"
               f"{self._filter_sql(filters, params)} LIMIT :cap) AS m")
        return self._scalar(sql, params)


def _or(tokens: list[str]) -> str:
    """``(a | b)`` in tsquery syntax from plain words (column prefixes are dropped; ``word*`` is a prefix)."""
    clean = []
    for tok in tokens:
        word = "".join(ch for ch in tok.rpartition(":")[2].lower() if ch.isalnum())
        if word:
            clean.append(word + (":*" if tok.endswith("*") else ""))
    return "(" + " | ".join(clean) + ")" if clean else ""


def for_connection(conn: Connection) -> Index:
    """The index implementation for ``conn``'s database."""
    return PostgresIndex(conn) if conn.dialect.name == "postgresql" else SQLiteIndex(conn)
