"""Apply and inspect schema migrations (Alembic, shipped inside the package).

Each call opens its own short-lived engine, runs all steps in one transaction
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: plus an advisory lock), so two processes
migrating at once take turns instead of colliding.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from automatelanka.store.db import create_engine_for, normalize_url, read_only

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 0x414C_6D69_6772  # "ALmigr": serialises concurrent migrations on PostgreSQL


class MigrationError(RuntimeError):
    """A migration could not be applied or inspected."""


def _config(conn: Connection | None = None):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def heads() -> list[str]:
    """The newest revision(s) shipped with this version."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(_config()).get_heads())


@contextmanager
def _migration_connection(url: str | URL) -> Iterator[Connection]:
    engine = create_engine_for(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # table rebuilds need FKs off; checked again before commit
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                yield conn
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise MigrationError("migration left rows that break foreign keys; rolled back")
    finally:
        engine.dispose()


def _run(url: str | URL, action: str, rev: str) -> str | None:
    from alembic import command
    from alembic.util import CommandError

    try:
        with _migration_connection(url) as conn:
            getattr(command, action)(_config(conn), rev)
        return current(url)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise MigrationError(_short(exc)) from exc


def upgrade(url: str | URL, rev: str = "head") -> str | None:
    """Migrate the database at ``url`` up to ``rev``; returns the revision now current."""
    return _run(url, "upgrade", rev)


def downgrade(url: str | URL, rev: str) -> str | None:
    """Migrate the database at ``url`` down to ``rev`` (``"base"`` empties it)."""
    return _run(url, "downgrade", rev)


def current(url: str | URL) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    parsed = normalize_url(url)
    database = parsed.database or ""
    sqlite_file = parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:")
    if sqlite_file and not Path(database).expanduser().exists():
        return None  # do not create an empty file just to look
    engine = create_engine_for(parsed, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(read_only(conn)).get_current_revision()
    except SQLAlchemyError as exc:
        raise MigrationError(_short(exc)) from exc
    finally:
        engine.dispose()


def _short(exc: SQLAlchemyError) -> str:
    """The driver's message without SQLAlchemy's statement dump and links."""
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def draft_revision(url: str | URL, message: str, rev_id: str) -> None:
    """For developers: write a new migration in ``versions/`` from the difference between
    ``schema.py`` and the database at ``url`` (which must be at head). Review it by hand."""
    from alembic import command

    with _migration_connection(url) as conn:
        command.revision(_config(conn), message=message, autogenerate=True, rev_id=rev_id)
