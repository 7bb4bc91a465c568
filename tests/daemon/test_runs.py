# ruff: noqa: F811  (fixtures imported from ._execution)
"""/api/runs: run and wait, list with filters and pages, per-node data, cancel, retry, delete,
index use at scale, and retention."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from automatelanka.services import runs as run_service
from automatelanka.store.schema import runs as runs_table
from automatelanka.store.types import utcnow

from ._execution import ann, ben, create, manual_workflow, wait_run, wclient  # noqa: F401
from .conftest import error

# -- a client whose app has no worker (runs stay queued) -----------------------------------------

@pytest.fixture
def ann_client_no_worker(make_app, db, monkeypatch):
    from fastapi.testclient import TestClient

    from ._execution import worker_overrides
    from .conftest import register_user

    app = make_app(run_worker=False, **worker_overrides(db, monkeypatch))
    with TestClient(app, raise_server_exceptions=False) as client:
        user = register_user(client, "solo@example.com")
        yield client, user, create(client, user.headers, manual_workflow())
        if app.state.queue.is_redis:
            app.state.queue.flush()


def test_run_and_wait_returns_the_result_and_node_data(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow())
    r = wclient.post(f"/api/workflows/{wf_id}/run?wait=true&timeout=10", json={"items": [{"n": 21}]}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert body["run"]["output"]["data"] == [[{"doubled": 42}]]
    run = wclient.get(f"/api/runs/{body['run_id']}", headers=h).json()
    assert [n["node_name"] for n in run["nodes"]] == ["Start", "Double"]
    assert run["nodes"][1]["outputs"]["main"][0][0]["json"] == {"doubled": 42}
    assert run["node_executions"] == 2 and run["duration_ms"] is not None and run["trigger_type"] == "manual"

    queued = wclient.post(f"/api/workflows/{wf_id}/run", headers=h)
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    assert wait_run(wclient, h, queued.json()["run_id"])["status"] == "success"


def test_list_filters_and_pages(wclient, ann) -> None:
    h = ann.headers
    a = create(wclient, h, manual_workflow("a"))
    b = create(wclient, h, {**manual_workflow("b"), "nodes": [{"name": "Boom", "type": "n8n-nodes-base.nope",
                                                                 "typeVersion": 1, "position": [0, 0],
                                                                 "parameters": {}}], "connections": {}})
    ids = [wclient.post(f"/api/workflows/{a}/run?wait=true", headers=h).json()["run_id"] for _ in range(4)]
    bad = wclient.post(f"/api/workflows/{b}/run?wait=true", headers=h).json()
    assert bad["status"] == "failed" and "nope" in str(bad["run"]["error"])

    def listed(**params):
        return [r["id"] for r in wclient.get("/api/runs", params=params, headers=h).json()["items"]]

    assert listed(workflow_id=a) == ids[::-1]
    assert listed(status="failed") == [bad["run_id"]]
    assert listed(trigger="manual", limit=50)[0] == bad["run_id"]
    assert listed(trigger="webhook") == []
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert listed(**{"from": later}) == [] and len(listed(to=later)) == 5
    pages, cursor = [], None
    while True:
        page = wclient.get("/api/runs", params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=h).json()
        pages += [r["id"] for r in page["items"]]
        assert all("input" not in r and "output" not in r for r in page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert pages == [bad["run_id"], *ids[::-1]]
    assert wclient.get("/api/runs", params={"status": "bogus"}, headers=h).status_code == 422
    assert wclient.get("/api/runs", params={"from": "yesterday"}, headers=h).status_code == 422


def test_list_uses_the_workspace_created_at_index(db) -> None:
    """Keyset pages stay fast at a million runs: the plan walks ix_runs_workspace_id_created_at_id."""
    if db.backend != "sqlite":
        return
    from automatelanka.store.repositories import run_exec

    ws = uuid.uuid4()
    captured: list[str] = []
    with db.engine.connect() as conn:
        from sqlalchemy import event

        @event.listens_for(conn, "before_cursor_execute")
        def grab(conn_, cursor, statement, parameters, context, executemany):
            captured.append((statement, parameters))

        run_exec.list_runs(conn, ws, limit=50)
        first_page_sql, params = captured[-1]
        plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + first_page_sql, params))
    assert "ix_runs_workspace_id_created_at_id" in plan and "TEMP B-TREE" not in plan, plan


def test_cancel_a_queued_run_means_it_never_starts(make_app, ann_client_no_worker) -> None:
    client, user, wf_id = ann_client_no_worker
    h = user.headers
    run_id = client.post(f"/api/workflows/{wf_id}/run", headers=h).json()["run_id"]
    r = client.post(f"/api/runs/{run_id}/cancel", headers=h)
    assert r.status_code == 200 and r.json() == {"run_id": run_id, "previous_status": "queued", "status": "cancelled"}
    again = client.post(f"/api/runs/{run_id}/cancel", headers=h)
    assert again.status_code == 409 and error(again)["details"]["status"] == "cancelled"
    # a worker that now drains the queue must not run it
    from automatelanka.daemon.worker import Worker

    worker = Worker(client.app.state.runtime, client.app.state.queue, scheduler=False).start()
    try:
        time.sleep(0.5)
    finally:
        worker.stop()
    run = client.get(f"/api/runs/{run_id}", headers=h).json()
    assert run["status"] == "cancelled" and run["started_at"] is None and run["nodes"] == []


def test_cancel_a_running_run_stops_it_between_nodes(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow("slow", wait_s=0.4, waits=5))
    run_id = wclient.post(f"/api/workflows/{wf_id}/run", headers=h).json()["run_id"]
    assert wait_run(wclient, h, run_id, statuses=("running",))["status"] == "running"
    time.sleep(0.1)
    r = wclient.post(f"/api/runs/{run_id}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelling"
    run = wait_run(wclient, h, run_id)
    assert run["status"] == "cancelled"
    assert len(run["nodes"]) < 7  # Start, Double and five waits would be 7
    assert run["duration_ms"] < 2000


def test_retry_and_delete(wclient, ann, ben) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow())
    first = wclient.post(f"/api/workflows/{wf_id}/run?wait=true", json={"items": [{"n": 2}]}, headers=h).json()
    r = wclient.post(f"/api/runs/{first['run_id']}/retry", headers=h)
    assert r.status_code == 202
    retried = wait_run(wclient, h, r.json()["run_id"])
    assert retried["retry_of"] == first["run_id"] and retried["trigger_type"] == "retry"
    assert retried["output"]["data"] == [[{"doubled": 4}]]

    for method, url in [("get", "/api/runs/{id}"), ("post", "/api/runs/{id}/cancel"),
                        ("post", "/api/runs/{id}/retry"), ("delete", "/api/runs/{id}"),
                        ("get", "/api/runs/{id}/events")]:
        other = getattr(wclient, method)(url.format(id=first["run_id"]), headers=ben.headers)
        assert other.status_code == 404, (method, url)
        assert getattr(wclient, method)(url.format(id=first["run_id"])).status_code == 401
    assert wclient.get("/api/runs/not-a-uuid", headers=h).status_code == 422

    assert wclient.delete(f"/api/runs/{first['run_id']}", headers=h).status_code == 204
    assert wclient.get(f"/api/runs/{first['run_id']}", headers=h).status_code == 404


def test_runs_read_key_cannot_cancel(wclient, ann) -> None:
    wf_id = create(wclient, ann.headers, manual_workflow())
    run_id = wclient.post(f"/api/workflows/{wf_id}/run?wait=true", headers=ann.headers).json()["run_id"]
    key = wclient.post("/api/api-keys", json={"name": "ro", "scopes": ["runs:read"]}, headers=ann.headers).json()
    h = {"Authorization": f"Bearer {key['key']}"}
    assert wclient.get(f"/api/runs/{run_id}", headers=h).status_code == 200
    for url in (f"/api/runs/{run_id}/cancel", f"/api/runs/{run_id}/retry"):
        r = wclient.post(url, headers=h)
        assert r.status_code == 403 and error(r)["code"] == "forbidden"
    assert wclient.post(f"/api/workflows/{wf_id}/run", headers=h).status_code == 403


def test_prune_by_age_and_keep_per_workflow(wclient, ann) -> None:
    h = ann.headers
    a = create(wclient, h, manual_workflow("a"))
    b = create(wclient, h, manual_workflow("b"))
    runs_a = [wclient.post(f"/api/workflows/{a}/run?wait=true", headers=h).json()["run_id"] for _ in range(5)]
    runs_b = [wclient.post(f"/api/workflows/{b}/run?wait=true", headers=h).json()["run_id"] for _ in range(2)]
    engine = wclient.app.state.db
    with engine.begin() as conn:  # the oldest run of b is 40 days old
        conn.execute(update(runs_table).where(runs_table.c.id == uuid.UUID(runs_b[0]))
                     .values(created_at=utcnow() - timedelta(days=40)))
    assert run_service.prune(engine, max_age_days=30, keep_per_workflow=3, batch_size=2) == 3
    left = {r["id"] for r in wclient.get("/api/runs", headers=h).json()["items"]}
    assert left == {*runs_a[-3:], runs_b[1]}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM run_node_data")).scalar() == 4 * 2


def test_workflow_http_cannot_reach_cloud_metadata(wclient, ann) -> None:
    """The daemon gives the engine its outbound policy: metadata addresses are refused, by name."""
    h = ann.headers
    wf = manual_workflow()
    wf["nodes"][1] = {"id": "h", "name": "Double", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4.2,
                      "position": [200, 0],
                      "parameters": {"url": "http://169.254.169.254/latest/meta-data/", "options": {}}}
    wf_id = create(wclient, h, wf)
    body = wclient.post(f"/api/workflows/{wf_id}/run?wait=true&timeout=20", headers=h).json()
    assert body["status"] == "failed"
    assert "not allowed" in body["run"]["error"]["message"]
