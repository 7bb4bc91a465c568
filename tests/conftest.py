"""Shared fixtures: databases for storage tests, on SQLite and PostgreSQL.

PostgreSQL is expected at 127.0.0.1:5432 (user ``postgres`` or ``root``, trust auth; override
with ``AL_TEST_PG_URL``). Each session creates its own ``al_test_<random>`` databases and drops
them at the end. Without a server the PostgreSQL cases are skipped locally, but fail when ``CI``
is set: CI must never skip them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

PG_ADMIN_URLS = [os.environ["AL_TEST_PG_URL"]] if os.environ.get("AL_TEST_PG_URL") else [
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
]
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@dataclass
class Database:
    """A migrated, empty database for one test."""

    backend: str
    url: str
    engine: Engine


class PgServer:
    """Creates throw-away databases on the test server and drops them at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"al_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def _reachable_admin_url() -> str | None:
    for url in PG_ADMIN_URLS:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url
        except Exception:
            continue
        finally:
            engine.dispose()
    return None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = _reachable_admin_url()
    if url is None:
        message = "PostgreSQL for tests is not reachable (start it at 127.0.0.1:5432 or set AL_TEST_PG_URL)"
        if in_ci():
            pytest.fail(f"{message}; CI=true, so PostgreSQL tests must run, not skip")
        pytest.skip(message)
    server = PgServer(url)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def _pg_migrated_url(pg_server: PgServer) -> str:
    from automatelanka.store import migrate

    url = pg_server.create_database()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from automatelanka.store import migrate

    path = tmp_path_factory.mktemp("template") / "al.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def _empty_all_tables(engine: Engine) -> None:
    """DELETE, not TRUNCATE: on a handful of rows it is many times faster."""
    from automatelanka.store.schema import metadata

    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend, with an engine from ``create_engine_for``."""
    from automatelanka.store.db import create_engine_for

    if request.param == "sqlite":
        path = tmp_path / "al.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_pg_migrated_url")
    engine = create_engine_for(url)
    try:
        yield Database(request.param, url, engine)
    finally:
        if request.param == "postgres":
            _empty_all_tables(engine)
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database that has never been migrated, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_server").create_database()
