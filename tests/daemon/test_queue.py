# ruff: noqa: F811  (fixtures imported from ._execution)
"""The run queue: quick pickup, usage counting, and runs left by a dead worker (lease expired)
re-queued once, then failed with a reason, never stuck."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from sqlalchemy import update

from automatelanka.services import execution, usage
from automatelanka.store.repositories import run_exec
from automatelanka.store.schema_runtime import run_leases
from automatelanka.store.types import utcnow

from ._execution import ann, create, manual_workflow, wait_run, wclient  # noqa: F401


def test_a_queued_run_starts_within_milliseconds_and_counts_usage(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow())
    wclient.post(f"/api/workflows/{wf_id}/run?wait=true", headers=h)  # warm up
    waits = []
    for _ in range(5):
        began = time.perf_counter()
        r = wclient.post(f"/api/workflows/{wf_id}/run?wait=true", headers=h)
        waits.append(time.perf_counter() - began)
        assert r.json()["status"] == "success"
        run = r.json()["run"]
        assert run["started_at"] >= run["created_at"]
    assert sorted(waits)[2] < 0.5, waits  # far below a polling back-off of seconds
    with wclient.app.state.db.connect() as conn:
        counted = usage.current(conn, uuid.UUID(ann.workspace_id))
    assert counted["runs"] == 6 and counted["node_executions"] == 12


def _orphan(client, headers, wf_id: str, *, attempts: int) -> str:
    """A run a dead worker held: status running, lease expired."""
    engine = client.app.state.db
    ws = uuid.UUID(client.get("/api/workflows", headers=headers).json()["items"][0]["workspace_id"])
    with engine.begin() as conn:
        run = execution.create_running(conn, client.app.state.runtime, ws, uuid.UUID(wf_id), trigger_type="manual",
                                       input=execution.run_input([{"json": {"n": 4}}], mode="manual", start_node=None))
        conn.execute(update(run_leases).where(run_leases.c.run_id == run["id"])
                     .values(worker="dead-host:1", attempts=attempts, lease_until=utcnow() - timedelta(seconds=5)))
    return str(run["id"])


def test_dead_worker_run_is_requeued_once_then_failed(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow())
    worker = wclient.app.state.worker
    first = _orphan(wclient, h, wf_id, attempts=1)
    worker.recover()
    run = wait_run(wclient, h, first)
    assert run["status"] == "success" and run["output"]["data"] == [[{"doubled": 8}]]

    second = _orphan(wclient, h, wf_id, attempts=2)
    worker.recover()
    run = wclient.get(f"/api/runs/{second}", headers=h).json()
    assert run["status"] == "failed" and run["error"]["name"] == "WorkerLostError"
    assert "lease expired" in run["error"]["message"]
    with wclient.app.state.db.connect() as conn:
        assert run_exec.expired_leases(conn, utcnow()) == []


def test_live_lease_is_renewed_not_recovered(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow("slow", wait_s=0.3, waits=3))
    run_id = wclient.post(f"/api/workflows/{wf_id}/run", headers=h).json()["run_id"]
    assert wait_run(wclient, h, run_id, statuses=("running",))["status"] == "running"
    runtime = wclient.app.state.runtime
    assert runtime.heartbeat() == 1
    wclient.app.state.worker.recover()  # nothing expired
    assert wait_run(wclient, h, run_id)["status"] == "success"
