"""Runs: keyset pages, finishing, per-node data and batch pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from automatelanka.store.repositories import runs
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.schema import runs as runs_table
from automatelanka.store.types import utcnow


@pytest.fixture
def ws_wf(db):
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="r", name="R")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="w", definition={"nodes": []})["id"]
    return db.engine, ws, wf


def _make_runs(engine, ws, wf, n, *, status="success", same_time=None, age=None):
    ids = []
    with engine.begin() as conn:
        for _ in range(n):
            run = runs.create_run(conn, ws, wf, status=status)["id"]
            stamp = same_time or (utcnow() - age if age else None)
            if stamp is not None:
                conn.execute(update(runs_table).where(runs_table.c.id == run).values(created_at=stamp))
            ids.append(run)
    return ids


def test_pages_cover_every_run_once_newest_first_even_with_equal_timestamps(ws_wf) -> None:
    engine, ws, wf = ws_wf
    ids = _make_runs(engine, ws, wf, 7, same_time=utcnow()) + _make_runs(engine, ws, wf, 5)
    seen, cursor = [], None
    with engine.connect() as conn:
        while True:
            page = runs.list_runs(conn, ws, limit=3, cursor=cursor)
            seen += page.items
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert sorted(r["id"] for r in seen) == sorted(ids)
    keys = [(r["created_at"], r["id"]) for r in seen]
    assert keys == sorted(keys, reverse=True)
    assert "input" not in seen[0]


def test_list_filters_by_status_and_rejects_a_forged_cursor(ws_wf) -> None:
    engine, ws, wf = ws_wf
    _make_runs(engine, ws, wf, 2, status="failed")
    _make_runs(engine, ws, wf, 3, status="success")
    with engine.connect() as conn:
        assert len(runs.list_runs(conn, ws, status="failed").items) == 2
        with pytest.raises(ValueError):
            runs.list_runs(conn, ws, cursor="not-a-cursor")


def test_finish_run_records_outcome_and_duration(ws_wf) -> None:
    engine, ws, wf = ws_wf
    began = utcnow() - timedelta(seconds=2)
    with engine.begin() as conn:
        run = runs.create_run(conn, ws, wf, trigger_type="webhook", input={"body": {"a": 1}})["id"]
        runs.start_run(conn, ws, run, at=began)
        runs.finish_run(conn, ws, run, status="failed", error={"message": "boom"}, node_executions=3,
                        at=began + timedelta(milliseconds=1500))
    with engine.connect() as conn:
        row = runs.get_run(conn, ws, run)
    assert (row["status"], row["duration_ms"], row["error"], row["node_executions"]) == (
        "failed", 1500, {"message": "boom"}, 3)
    assert row["input"] == {"body": {"a": 1}}


def test_node_data_is_listed_in_execution_order(ws_wf) -> None:
    engine, ws, wf = ws_wf
    with engine.begin() as conn:
        run = runs.create_run(conn, ws, wf)["id"]
        for index, name in [(2, "C"), (0, "A"), (1, "B")]:
            runs.record_node_data(conn, ws, run, node_name=name, execution_index=index,
                                  outputs={"main": [[{"json": {"n": index}}]]}, duration_ms=5)
    with engine.connect() as conn:
        rows = runs.list_node_data(conn, ws, run)
    assert [r["node_name"] for r in rows] == ["A", "B", "C"]
    assert rows[2]["outputs"] == {"main": [[{"json": {"n": 2}}]]}


def test_prune_by_age_deletes_old_finished_runs_in_batches_and_keeps_unfinished(ws_wf) -> None:
    engine, ws, wf = ws_wf
    old = _make_runs(engine, ws, wf, 7, age=timedelta(days=40))
    old_running = _make_runs(engine, ws, wf, 1, status="running", age=timedelta(days=40))
    recent = _make_runs(engine, ws, wf, 2)
    with engine.begin() as conn:
        runs.record_node_data(conn, ws, old[0], node_name="A", execution_index=0)
    assert runs.prune_runs_older_than(engine, ws, utcnow() - timedelta(days=30), batch_size=3) == 7
    with engine.connect() as conn:
        left = {r["id"] for r in runs.list_runs(conn, ws, limit=100).items}
        assert runs.list_node_data(conn, ws, old[0]) == []
    assert left == set(old_running + recent)


def test_prune_keep_latest_keeps_the_newest_n(ws_wf) -> None:
    engine, ws, wf = ws_wf
    oldest = _make_runs(engine, ws, wf, 4, age=timedelta(days=3))
    newest = _make_runs(engine, ws, wf, 3)
    assert runs.prune_runs_keep_latest(engine, ws, 3, batch_size=2) == 4
    assert runs.prune_runs_keep_latest(engine, ws, 3) == 0
    with engine.connect() as conn:
        left = {r["id"] for r in runs.list_runs(conn, ws, limit=100).items}
    assert left == set(newest)
    assert not left & set(oldest)


def test_prune_node_data_keeps_the_run_summaries(ws_wf) -> None:
    engine, ws, wf = ws_wf
    old = _make_runs(engine, ws, wf, 3, age=timedelta(days=10))
    new = _make_runs(engine, ws, wf, 1)
    with engine.begin() as conn:
        for run in old + new:
            for i in range(3):
                runs.record_node_data(conn, ws, run, node_name=f"N{i}", execution_index=i)
    assert runs.prune_node_data_older_than(engine, ws, utcnow() - timedelta(days=1), batch_size=4) == 9
    with engine.connect() as conn:
        assert all(runs.get_run(conn, ws, r) is not None for r in old)
        assert [runs.list_node_data(conn, ws, r) for r in old] == [[], [], []]
        assert len(runs.list_node_data(conn, ws, new[0])) == 3
