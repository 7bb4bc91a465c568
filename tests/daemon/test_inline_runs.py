# ruff: noqa: F811  (fixtures imported from ._execution)
"""Quick inline webhook runs are written once, with their outcome: the answered request has its
complete run (node data, usage counted), nothing is left ``running`` or leased, and a workflow
deleted meanwhile answers 404 without a run. With billing on, runs are admitted first instead."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from automatelanka.store.schema_runtime import run_leases

from ._execution import ann, bench_workflow, create_active, wclient, worker_overrides  # noqa: F401


def _runs(client, headers):
    return client.get("/api/runs", params={"limit": 50}, headers=headers).json()["items"]


def test_answered_run_is_stored_complete_without_a_lease(wclient, ann) -> None:
    from automatelanka.services import usage

    create_active(wclient, ann.headers, bench_workflow())
    for n in (7, 1):
        assert wclient.post("/webhook/bench", json={"name": "ada", "n": n}).status_code == 200
    runs = _runs(wclient, ann.headers)
    assert sorted(r["status"] for r in runs) == ["success", "success"]
    detail = wclient.get(f"/api/runs/{runs[0]['id']}", headers=ann.headers).json()
    assert detail["trigger_type"] == "webhook" and detail["node_executions"] == 4
    assert [n["node_name"] for n in detail["nodes"]] == ["Webhook", "Set", "If", "Respond2"]
    assert detail["input"]["items"][0]["json"]["body"] == {"name": "ada", "n": 1}
    assert detail["finished_at"] >= detail["started_at"]
    engine = wclient.app.state.db
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(run_leases)).scalar() == 0
        counted = usage.current(conn, uuid.UUID(ann.workspace_id))
    assert (counted["runs"], counted["node_executions"]) == (2, 8)


def test_workflow_deleted_after_its_registration_was_cached_answers_404(wclient, ann) -> None:
    wf_id = create_active(wclient, ann.headers, bench_workflow())
    assert wclient.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 200  # cached now
    engine = wclient.app.state.db
    from automatelanka.store.schema import workflows

    with engine.begin() as conn:  # behind the daemon's back: its cache still has the registration
        conn.execute(workflows.delete().where(workflows.c.id == uuid.UUID(wf_id)))
    r = wclient.post("/webhook/bench", json={"name": "ada", "n": 7})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert _runs(wclient, ann.headers) == []
