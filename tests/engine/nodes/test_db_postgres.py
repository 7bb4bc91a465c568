"""Postgres node against the real PostgreSQL on 127.0.0.1 (a throwaway database per module)."""

from __future__ import annotations

import pytest
from gdb_harness import creds, error_of, flow, output, run
from real_db import PG_HOST, PG_PORT, PG_USER, pg_connect, pg_database

from automatelanka.engine.state import Services

HOST, PORT, USER = PG_HOST, PG_PORT, PG_USER


@pytest.fixture(scope="module")
def database():
    with pg_database("al_test_pgnode") as name:
        yield name


@pytest.fixture
def db(database):
    conn = pg_connect(database)
    conn.execute("DROP TABLE IF EXISTS people")
    conn.execute("CREATE TABLE people (id serial PRIMARY KEY, name text UNIQUE, age int, big bigint, "
                 "score numeric(5,2), born timestamptz, tags jsonb)")
    conn.execute("INSERT INTO people (name, age, big, score, born, tags) VALUES "
                 "('Ann', 31, 9007199254740993, 1.50, '2024-03-05 10:00:00+00', '{\"a\": 1}'), "
                 "('Bob', 40, 2, 2.25, NULL, NULL)")
    yield conn
    conn.close()


def services(database) -> Services:
    return Services(credentials=creds({"postgres": {"host": HOST, "port": PORT, "database": database, "user": USER,
                                                    "password": "", "ssl": "disable"}}))


CRED = {"postgres": {"id": "1", "name": "PG"}}


def pg(params, items=None, version=2.6, **kw):
    return flow("postgres", version, params, items if items is not None else [{}], credentials=CRED, **kw)


def table_params(operation, **extra):
    return {"operation": operation, "schema": {"__rl": True, "mode": "list", "value": "public"},
            "table": {"__rl": True, "mode": "list", "value": "people"}, **extra}


def test_execute_query_rows_with_node_postgres_types(db, database):
    out = output(run(pg({"operation": "executeQuery", "query": "SELECT name, age, big, score, born, tags FROM people "
                                                               "ORDER BY id"}), services(database)))
    assert [i["json"] for i in out] == [
        {"name": "Ann", "age": 31, "big": "9007199254740993", "score": "1.50", "born": "2024-03-05T10:00:00.000Z",
         "tags": {"a": 1}},
        {"name": "Bob", "age": 40, "big": "2", "score": "2.25", "born": None, "tags": None},
    ]
    out = output(run(pg({"operation": "executeQuery", "query": "SELECT big, score FROM people WHERE id = 2",
                         "options": {"largeNumbersOutput": "numbers"}}), services(database)))
    assert out[0]["json"] == {"big": 2, "score": 2.25}


def test_execute_query_replacements_and_statement_without_rows(db, database):
    params = {"operation": "executeQuery", "query": "SELECT name FROM people WHERE age > $1 AND name <> $2",
              "options": {"queryReplacement": "30, O'Hara"}}
    out = output(run(pg(params), services(database)))
    assert [i["json"]["name"] for i in out] == ["Ann", "Bob"]
    out = output(run(pg({"operation": "executeQuery", "query": "UPDATE people SET age = age + 1"}, [{}, {}]),
                     services(database)))
    assert [i["json"] for i in out] == [{"success": True}]
    assert out[0]["pairedItem"] == [{"item": 0}, {"item": 1}]
    assert db.execute("SELECT sum(age) FROM people").fetchone()[0] == 31 + 40 + 4


def test_insert_auto_map_returns_inserted_rows(db, database):
    params = table_params("insert", columns={"mappingMode": "autoMapInputData", "value": {}})
    out = output(run(pg(params, [{"name": "Cid", "age": 5}, {"name": "Dee", "tags": {"x": [1]}}]), services(database)))
    assert [(i["json"]["name"], i["json"]["age"], i["json"]["tags"]) for i in out] == [("Cid", 5, None),
                                                                                       ("Dee", None, {"x": [1]})]
    assert [i["pairedItem"] for i in out] == [{"item": 0}, {"item": 1}]


def test_update_upsert_select_and_delete(db, database):
    columns = {"mappingMode": "defineBelow", "value": {"name": "Bob", "age": 41}, "matchingColumns": ["name"]}
    out = output(run(pg(table_params("update", columns=columns, options={"outputColumns": ["name", "age"]})),
                     services(database)))
    assert out[0]["json"] == {"name": "Bob", "age": 41}
    missing = {**columns, "value": {"name": "Zed", "age": 1}}
    err = error_of(run(pg(table_params("update", columns=missing)), services(database)))
    assert err["message"] == "The row you are trying to update doesn't exist"
    upsert = {"mappingMode": "autoMapInputData", "value": {}, "matchingColumns": ["name"]}
    run(pg(table_params("upsert", columns=upsert), [{"name": "Ann", "age": 32}, {"name": "Eve", "age": 20}]),
        services(database))
    where = {"values": [{"column": "age", "condition": ">=", "value": "30"}]}
    sort = {"values": [{"column": "age", "direction": "DESC"}]}
    out = output(run(pg(table_params("select", where=where, sort=sort, limit=5,
                                     options={"outputColumns": ["name", "age"]})), services(database)))
    assert [i["json"] for i in out] == [{"name": "Bob", "age": 41}, {"name": "Ann", "age": 32}]
    out = output(run(pg(table_params("deleteTable", deleteCommand="delete",
                                     where={"values": [{"column": "name", "condition": "equal", "value": "Eve"}]})),
                     services(database)))
    assert [i["json"] for i in out] == [{"success": True}]
    assert db.execute("SELECT count(*) FROM people").fetchone()[0] == 2


def test_sql_error_fails_or_continues(db, database):
    params = {"operation": "executeQuery", "query": "SELECT * FROM nope"}
    err = error_of(run(pg(params), services(database)))
    assert 'relation "nope" does not exist' in err["message"]
    out = output(run(pg(params, on_error="continueRegularOutput"), services(database)))
    assert 'relation "nope" does not exist' in out[0]["json"]["message"]
