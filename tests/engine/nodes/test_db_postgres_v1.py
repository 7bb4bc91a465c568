"""Postgres v1 (legacy parameters) against the real PostgreSQL on 127.0.0.1 (throwaway database)."""

from __future__ import annotations

import pytest
from gdb_harness import creds, error_of, flow, output, run
from real_db import PG_HOST, PG_PORT, PG_USER, pg_connect, pg_database

from automatelanka.engine.state import Services

HOST, PORT, USER = PG_HOST, PG_PORT, PG_USER
CRED = {"postgres": {"id": "1", "name": "PG"}}


@pytest.fixture(scope="module")
def database():
    with pg_database("al_test_pgv1") as name:
        yield name


@pytest.fixture
def db(database):
    conn = pg_connect(database)
    conn.execute("DROP TABLE IF EXISTS people")
    conn.execute("CREATE TABLE people (id serial PRIMARY KEY, name text UNIQUE, age int, big bigint, born timestamptz)")
    conn.execute("INSERT INTO people (name, age, big, born) VALUES ('Ann', 31, 9007199254740993, "
                 "'2024-03-05 10:00:00+00'), ('Bob', 40, 2, NULL)")
    yield conn
    conn.close()


def go(database, params, items=None, **kw):
    services = Services(credentials=creds({"postgres": {"host": HOST, "port": PORT, "database": database,
                                                        "user": USER, "password": "", "ssl": "disable"}}))
    return run(flow("postgres", 1, params, items if items is not None else [{}], credentials=CRED, **kw), services)


def test_execute_query_multiple_mode_pairs_rows_per_statement(db, database):
    items = [{"name": "Ann"}, {"name": "Bob"}]
    out = output(go(database, {"operation": "executeQuery", "query": "SELECT id, name, big, born FROM people "
                               "WHERE name = $1", "additionalFields": {"queryParams": "name"}}, items))
    assert [o["json"] for o in out] == [
        {"id": 1, "name": "Ann", "big": "9007199254740993", "born": "2024-03-05T10:00:00.000Z"},
        {"id": 2, "name": "Bob", "big": "2", "born": None}]
    assert [o["pairedItem"] for o in out] == [{"item": 0}, {"item": 1}]


def test_execute_query_without_rows_outputs_nothing(db, database):
    out = output(go(database, {"operation": "executeQuery", "query": "UPDATE people SET age = 1 WHERE id = 1;"}))
    assert out == []
    assert db.execute("SELECT age FROM people WHERE id = 1").fetchone()[0] == 1


def test_execute_query_large_numbers_as_numbers(db, database):
    out = output(go(database, {"operation": "executeQuery", "query": "SELECT big FROM people WHERE id = 2",
                               "additionalFields": {"largeNumbersOutput": "numbers"}}))
    assert out[0]["json"] == {"big": 2}


def test_insert_with_casts_and_return_fields(db, database):
    items = [{"name": "Cy", "age": "22", "extra": 1}, {"name": "Di", "age": 23}]
    out = output(go(database, {"operation": "insert", "table": "people", "columns": "name,age:int",
                               "returnFields": "id,name"}, items))
    assert [o["json"] for o in out] == [{"id": 3, "name": "Cy"}, {"id": 4, "name": "Di"}]
    assert db.execute("SELECT age FROM people WHERE name = 'Cy'").fetchone()[0] == 22


def test_insert_independently_continue_on_fail_keeps_going(db, database):
    items = [{"name": "Ann"}, {"name": "Eve"}]
    execution = go(database, {"operation": "insert", "table": "people", "columns": "name",
                              "returnFields": "name", "additionalFields": {"mode": "independently"}}, items,
                   on_error="continueRegularOutput")
    out = output(execution)
    assert out[0]["json"] == {"column0": "Ann"}
    assert out[1]["json"] == {"name": "Eve"}


def test_insert_transaction_rolls_back_on_error(db, database):
    items = [{"name": "Fay"}, {"name": "Ann"}]
    execution = go(database, {"operation": "insert", "table": "people", "columns": "name",
                              "additionalFields": {"mode": "transaction"}}, items)
    assert "duplicate key" in error_of(execution)["message"]
    assert db.execute("SELECT count(*) FROM people WHERE name = 'Fay'").fetchone()[0] == 0


def test_update_multiple_by_key(db, database):
    items = [{"id": 1, "age": 50}, {"id": 2, "age": 60}]
    out = output(go(database, {"operation": "update", "table": "people", "updateKey": "id", "columns": "age",
                               "returnFields": "*"}, items))
    # RETURNING * over "FROM (VALUES ...) AS v": the row's columns, then v's (same names win last)
    assert sorted((o["json"]["id"], o["json"]["age"], o["json"]["name"]) for o in out) == [(1, 50, "Ann"),
                                                                                          (2, 60, "Bob")]
    assert db.execute("SELECT age FROM people ORDER BY id").fetchall() == [(50,), (60,)]


def test_update_multiple_returning_a_key_column_is_ambiguous_as_in_n8n(db, database):
    execution = go(database, {"operation": "update", "table": "people", "updateKey": "id", "columns": "age",
                              "returnFields": "id"}, [{"id": 1, "age": 5}])
    assert error_of(execution)["message"] == 'column reference "id" is ambiguous'


def test_update_independently(db, database):
    out = output(go(database, {"operation": "update", "table": "people", "updateKey": "name", "columns": "age",
                               "returnFields": "name,age", "additionalFields": {"mode": "independently"}},
                    [{"name": "Bob", "age": 41}]))
    assert [o["json"] for o in out] == [{"name": "Bob", "age": 41}]


def test_sql_error_fails_the_node(db, database):
    execution = go(database, {"operation": "executeQuery", "query": "SELECT nope FROM people"})
    assert 'column "nope" does not exist' in error_of(execution)["message"]
