"""Engine creation, in one place, for SQLite and PostgreSQL.

SQLite runs in WAL mode with a 30 s busy timeout, ``synchronous=NORMAL`` and foreign keys on.
Every transaction starts with ``BEGIN IMMEDIATE`` so a writer takes the write lock up front and
waits for it, instead of failing with "database is locked" when a read lock cannot be upgraded.
Connections used only for reading can opt out with :func:`read_only` (a deferred ``BEGIN``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

BUSY_TIMEOUT_S = 30
#: Page cache per connection (SQLite's default is 2 MiB): searches read the full-text index and
#: its documents on every request, and with the default they are read again from the OS each time.
CACHE_KIB = 16 * 1024
READ_ONLY = "al_read_only"


class DatabaseURLError(ValueError):
    """The database URL cannot be used."""


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pick the driver: pysqlite for SQLite, psycopg 3 for PostgreSQL.

    Plain ``postgresql://`` and ``postgres://`` URLs are accepted and rewritten.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise DatabaseURLError(f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    raise DatabaseURLError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def create_engine_for(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for ``url`` configured for safe concurrent use (see module docstring)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def read_only(conn: Connection) -> Connection:
    """Mark ``conn`` as read-only: on SQLite its transactions use a plain deferred BEGIN."""
    return conn.execution_options(**{READ_ONLY: True})


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": BUSY_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        deferred = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine
