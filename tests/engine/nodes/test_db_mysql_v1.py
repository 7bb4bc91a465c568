"""MySQL v1 (legacy parameters) against the real MariaDB on 127.0.0.1:3306 (database ``test``)."""

from __future__ import annotations

import pytest
from gdb_harness import creds, error_of, flow, output, run
from real_db import MYSQL, mysql_table

from automatelanka.engine.state import Services

FIELDS = dict(MYSQL)
CRED = {"mySql": {"id": "1", "name": "My"}}


@pytest.fixture
def table():
    with mysql_table("al_v1",
                     "id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) UNIQUE, age INT, score DECIMAL(5,2), "
                     "born DATETIME",
                     "INSERT INTO {table} (name, age, score, born) VALUES "
                     "('Ann', 31, 1.50, '2024-03-05 10:00:00'), ('Bob', 40, 2.25, NULL)") as found:
        yield found


def go(params, items=None, **kw):
    workflow = flow("mySql", 1, params, items if items is not None else [{}], credentials=CRED, **kw)
    return run(workflow, Services(credentials=creds({"mySql": FIELDS})))


def rows(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_execute_query_rows_and_replacements(table):
    _, name = table
    out = output(go({"operation": "executeQuery", "query": f"SELECT name, score, born FROM {name} WHERE age > $1 "
                     "ORDER BY id", "options": {"queryReplacement": "30"}}, [{}, {}]))
    assert [o["json"] for o in out] == [
        {"name": "Ann", "score": "1.50", "born": "2024-03-05T10:00:00.000Z"},
        {"name": "Bob", "score": "2.25", "born": None}] * 2
    assert [o["pairedItem"] for o in out] == [{"item": 0}, {"item": 0}, {"item": 1}, {"item": 1}]


def test_execute_query_non_select_gives_result_header(table):
    conn, name = table
    out = output(go({"operation": "executeQuery", "query": f"UPDATE {name} SET age = age + 1"}))
    header = out[0]["json"]
    assert header["affectedRows"] == 2 and header["changedRows"] == 2 and header["fieldCount"] == 0
    assert header["info"].startswith("Rows matched: 2")
    assert rows(conn, f"SELECT age FROM {name} ORDER BY id") == ((32,), (41,))


def test_insert_one_statement_for_all_items(table):
    conn, name = table
    out = output(go({"operation": "insert", "table": {"__rl": True, "mode": "list", "value": name},
                     "columns": "name, age"}, [{"name": "Cy", "age": 5, "x": 1}, {"name": "Di"}]))
    assert len(out) == 1
    assert out[0]["json"]["affectedRows"] == 2 and out[0]["json"]["insertId"] == 3
    assert rows(conn, f"SELECT name, age FROM {name} WHERE id > 2 ORDER BY id") == (("Cy", 5), ("Di", None))


def test_update_by_key_per_item(table):
    conn, name = table
    out = output(go({"operation": "update", "table": {"__rl": True, "mode": "name", "value": name},
                     "updateKey": "name", "columns": "age"}, [{"name": "Ann", "age": 1}, {"name": "Bob", "age": 2}]))
    assert [o["json"]["affectedRows"] for o in out] == [1, 1]
    assert rows(conn, f"SELECT age FROM {name} ORDER BY id") == ((1,), (2,))


def test_error_continue_on_fail_is_one_error_item(table):
    _, name = table
    out = output(go({"operation": "executeQuery", "query": f"SELECT nope FROM {name}"}, [{}, {}],
                    on_error="continueRegularOutput"))
    assert len(out) == 1 and "Unknown column 'nope'" in out[0]["json"]["error"]


def test_missing_replacement_fails():
    execution = go({"operation": "executeQuery", "query": "SELECT $1"})
    assert "Parameter $1 referenced in query" in error_of(execution)["message"]
