"""MySQL node against the real MariaDB on 127.0.0.1:3306 (database ``test``, a per-test table)."""

from __future__ import annotations

import pytest
from gdb_harness import creds, error_of, flow, output, run
from real_db import MYSQL, mysql_table

from automatelanka.engine.state import Services

FIELDS = dict(MYSQL)
CRED = {"mySql": {"id": "1", "name": "My"}}


@pytest.fixture
def table():
    with mysql_table("al_people",
                     "id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) UNIQUE, age INT, score DECIMAL(5,2), "
                     "born DATETIME, big BIGINT",
                     "INSERT INTO {table} (name, age, score, born, big) VALUES "
                     "('Ann', 31, 1.50, '2024-03-05 10:00:00', 9007199254740993), ('Bob', 40, 2.25, NULL, 2)") as found:
        yield found


def services() -> Services:
    return Services(credentials=creds({"mySql": FIELDS}))


def my(params, items=None, version=2.4, **kw):
    return flow("mySql", version, params, items if items is not None else [{}], credentials=CRED, **kw)


def tbl(name):
    return {"__rl": True, "mode": "list", "value": name}


def test_execute_query_types_and_replacements(table):
    _, name = table
    out = output(run(my({"operation": "executeQuery", "query": f"SELECT name, age, score, born, big FROM {name} "
                                                               "WHERE age > ? ORDER BY id",
                         "options": {"queryReplacement": "30"}}), services()))
    assert [i["json"] for i in out] == [
        {"name": "Ann", "age": 31, "score": "1.50", "born": "2024-03-05 10:00:00", "big": "9007199254740993"},
        {"name": "Bob", "age": 40, "score": "2.25", "born": None, "big": 2},
    ]
    out = output(run(my({"operation": "executeQuery", "query": f"UPDATE {name} SET age = age + 1"}), services()))
    assert [i["json"] for i in out] == [{"success": True}]


def test_insert_select_update_upsert_delete(table):
    conn, name = table
    out = output(run(my({"operation": "insert", "table": tbl(name)},
                        [{"name": "Cid", "age": 5}, {"name": "Dee", "age": 7}]), services()))
    assert [i["json"] for i in out] == [{"success": True}]
    run(my({"operation": "update", "table": tbl(name), "columnToMatchOn": "name"}, [{"name": "Bob", "age": 41}]),
        services())
    run(my({"operation": "upsert", "table": tbl(name), "columnToMatchOn": "name"},
           [{"name": "Ann", "age": 32}, {"name": "Eve", "age": 50}]), services())
    params = {"operation": "select", "table": tbl(name), "limit": 3, "options": {"outputColumns": ["name", "age"]},
              "where": {"values": [{"column": "age", "condition": ">=", "value": "30"}]},
              "sort": {"values": [{"column": "age", "direction": "DESC"}]}}
    out = output(run(my(params), services()))
    assert [i["json"] for i in out] == [{"name": "Eve", "age": 50}, {"name": "Bob", "age": 41},
                                       {"name": "Ann", "age": 32}]
    run(my({"operation": "deleteTable", "table": tbl(name), "deleteCommand": "delete",
            "where": {"values": [{"column": "name", "condition": "equal", "value": "Eve"}]}}), services())
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {name}")
        assert cur.fetchone()[0] == 4


def test_errors(table):
    err = error_of(run(my({"operation": "executeQuery", "query": "SELECT * FROM no_such_table_x"}), services()))
    assert "no_such_table_x" in err["message"]
