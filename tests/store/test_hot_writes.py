"""The run's hot writes: JSON serialised once (JSONText), node data through the driver on SQLite,
and usage counters summed per batch. What they store must read back as the generic path's."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from automatelanka.store.json_text import JSONText
from automatelanka.store.repositories import run_exec, runs, usage
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.schema import run_node_data
from automatelanka.store.types import utcnow

DATA = {"main": [[{"json": {"greeting": "Hello ada", "n": 14, "nested": [1, None, "é"]}}]]}


@pytest.fixture
def run_ids(db):
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="h", name="H")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="w", definition={"nodes": []})["id"]
        first = runs.create_run(conn, ws, wf, status="running")["id"]
        second = runs.create_run(conn, ws, wf, status="running")["id"]
    return db.engine, ws, first, second


def _comparable(row):
    return {k: v for k, v in row.items() if k not in ("id", "run_id", "created_at")}


def test_node_data_batch_reads_back_as_the_generic_insert(run_ids) -> None:
    engine, ws, fast, generic = run_ids
    started = datetime(2026, 11, 26, 10, 30, 0, tzinfo=timezone(timedelta(hours=2)))  # stored in UTC
    nodes = [
        {"node_name": "Webhook", "execution_index": 0, "outputs": DATA, "error": None, "started_at": started,
         "duration_ms": 3},
        {"node_name": "Set", "execution_index": 1, "run_index": 0, "status": "error", "outputs": None,
         "error": {"message": "boom"}, "started_at": None, "duration_ms": None},
    ]
    with engine.begin() as conn:
        run_exec.record_node_data_many(conn, ws, fast, [
            {**n, "outputs": JSONText(json.dumps(n["outputs"])), "error": JSONText(json.dumps(n["error"]))}
            for n in nodes])
        for n in nodes:
            runs.record_node_data(conn, ws, generic, **n)
    with engine.connect() as conn:
        got = runs.list_node_data(conn, ws, fast)
        want = runs.list_node_data(conn, ws, generic)
        raw = conn.execute(select(run_node_data.c.outputs).where(run_node_data.c.run_id == fast,
                                                                 run_node_data.c.node_name == "Set")).scalar()
    assert [_comparable(r) for r in got] == [_comparable(r) for r in want]
    assert got[0]["outputs"] == DATA and got[1]["error"] == {"message": "boom"}
    assert got[0]["started_at"] == started.astimezone(UTC) and got[0]["created_at"].tzinfo is not None
    assert raw is None


def test_finish_running_binds_json_text_and_plain_values_alike(run_ids) -> None:
    engine, ws, first, second = run_ids
    with engine.begin() as conn:
        assert run_exec.finish_running(conn, ws, first, status="success", started_at=utcnow(),
                                       output=JSONText(json.dumps(DATA)), error=JSONText("null"))
        assert run_exec.finish_running(conn, ws, second, status="failed", started_at=utcnow(),
                                       output=None, error={"message": "lost"})
    with engine.connect() as conn:
        done, failed = runs.get_run(conn, ws, first), runs.get_run(conn, ws, second)
    assert (done["status"], done["output"], done["error"]) == ("success", DATA, None)
    assert (failed["status"], failed["output"], failed["error"]) == ("failed", None, {"message": "lost"})


def test_batched_usage_sums_into_one_row_per_period_and_writes_nothing_on_error(run_ids) -> None:
    engine, ws, _, _ = run_ids
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    later = datetime(2026, 12, 1, tzinfo=UTC)
    with engine.begin() as conn, usage.batched(conn):
        for _ in range(3):
            usage.record_usage(conn, ws, period_start=start, period_end=end, runs=1)
            usage.record_usage(conn, ws, period_start=start, period_end=end, node_executions=4)
        usage.record_usage(conn, ws, period_start=later, period_end=datetime(2027, 1, 1, tzinfo=UTC), api_calls=2)
        assert usage.get_usage(conn, ws, start) is None  # pending until the block ends
    with pytest.raises(RuntimeError), engine.begin() as conn, usage.batched(conn):
        usage.record_usage(conn, ws, period_start=start, period_end=end, runs=100)
        raise RuntimeError("a job failed")
    with engine.begin() as conn:
        usage.record_usage(conn, ws, period_start=start, period_end=end, runs=1)  # unbatched: at once
        now = usage.get_usage(conn, ws, start)
        december = usage.get_usage(conn, ws, later)
    assert (now["runs"], now["node_executions"], now["api_calls"]) == (4, 12, 0)
    assert (december["runs"], december["api_calls"]) == (0, 2)


def test_insert_finished_reads_back_as_a_run_created_then_finished(run_ids) -> None:
    engine, ws, _, generic = run_ids
    with engine.connect() as conn:
        workflow_id = runs.get_run(conn, ws, generic)["workflow_id"]
    started = datetime(2026, 11, 26, 10, 30, 0, tzinfo=timezone(timedelta(hours=2)))
    finished = started + timedelta(milliseconds=1234)
    spec = {"items": [{"json": {"a": 1}}], "mode": "webhook"}
    from automatelanka.store.types import new_id

    run = {"id": new_id(), "workspace_id": ws, "workflow_id": workflow_id, "trigger_type": "webhook",
           "triggered_by": None, "started_at": started, "input": JSONText(json.dumps(spec))}
    with engine.begin() as conn:
        run_exec.insert_finished(conn, run, status="success", output=JSONText(json.dumps(DATA)),
                                 error=JSONText("null"), node_executions=4, at=finished)
        run_exec.finish_running(conn, ws, generic, status="success", started_at=started, output=DATA,
                                node_executions=4, at=finished)
    with engine.connect() as conn:
        got, want = runs.get_run(conn, ws, run["id"]), runs.get_run(conn, ws, generic)
    assert (got["status"], got["output"], got["error"], got["input"]) == ("success", DATA, None, spec)
    assert got["started_at"] == started.astimezone(UTC) and got["finished_at"] == finished.astimezone(UTC)
    assert got["created_at"] == got["started_at"] and got["duration_ms"] == want["duration_ms"] == 1234
    assert (got["node_executions"], got["trigger_type"], got["retry_of"]) == (4, "webhook", None)


def test_insert_finished_of_a_deleted_workflow_is_an_integrity_error(run_ids) -> None:
    from sqlalchemy.exc import IntegrityError

    from automatelanka.store.types import new_id

    engine, ws, _, _ = run_ids
    run = {"id": new_id(), "workspace_id": ws, "workflow_id": new_id(), "trigger_type": "webhook",
           "started_at": utcnow(), "input": None}
    with pytest.raises(IntegrityError), engine.begin() as conn:
        run_exec.insert_finished(conn, run, status="success", output=None, error=None, node_executions=0,
                                 at=utcnow())


def test_json_text_is_javascript_json_and_keeps_what_orjson_cannot_encode() -> None:
    from automatelanka.store.json_text import to_json_text

    assert to_json_text({"a": float("nan")}) == '{"a":null}'  # as JSON.stringify
    assert json.loads(to_json_text({1: "x", None: "y"})) == {"1": "x", "null": "y"}
    assert json.loads(to_json_text({"big": 2 ** 70})) == {"big": 2 ** 70}  # beyond 64 bits: json.dumps
    assert json.loads(to_json_text({"b": b"\x00"}, default=lambda o: o.hex())) == {"b": "00"}
