"""The real database servers of this machine for the Postgres and MySQL node tests.

A server that cannot be reached skips the test locally and fails it in CI (``CI`` set).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_USER = os.environ.get("AL_TEST_PG_USER", "postgres")
MYSQL = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": "", "database": "test"}


def _unreachable(what: str, error: Exception) -> None:
    if os.environ.get("CI"):
        raise error
    pytest.skip(f"no {what} server on 127.0.0.1")


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A throwaway PostgreSQL database named ``<prefix>_<random>``, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
                                connect_timeout=3)
    except psycopg.OperationalError as exc:
        _unreachable("PostgreSQL", exc)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def pg_connect(database: str) -> Any:
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=database, autocommit=True)


@contextmanager
def mysql_table(prefix: str, columns: str, insert: str) -> Iterator[tuple[Any, str]]:
    """A throwaway table ``<prefix>_<random> (columns)`` in MariaDB's ``test`` database, filled by
    ``insert`` (SQL with ``{table}`` for its name); yields ``(connection, table name)``."""
    pymysql = pytest.importorskip("pymysql")
    try:
        conn = pymysql.connect(**MYSQL, autocommit=True, connect_timeout=3)
    except pymysql.MySQLError as exc:
        _unreachable("MySQL", exc)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with conn.cursor() as cur:
        cur.execute(f"CREATE TABLE {name} ({columns})")
        cur.execute(insert.format(table=name))
    try:
        yield conn, name
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        conn.close()
