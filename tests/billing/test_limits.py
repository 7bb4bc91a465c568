"""Plan limits as a user meets them: runs past the month answer 429, workflows and members past
the plan answer 402, webhook and schedule triggers are refused and recorded, and an upgrade lifts
the limit. Billing off (self-hosted) means unlimited."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from automatelanka.services import limits
from automatelanka.store.types import utcnow

from .conftest import PUBLIC_URL, create_workflow, error_of, event_errors, manual_workflow, upgrade

PLAN_LIMIT_KEYS = {"code", "message", "details", "limit", "used", "upgrade_url"}


def test_the_101st_run_of_a_free_workspace_is_refused_then_accepted_after_the_upgrade_webhook(
        client, register, fake) -> None:
    ann = register("ann@example.com")
    wf = create_workflow(client, ann.headers)
    for _ in range(100):
        assert client.post(f"/api/workflows/{wf}/run", headers=ann.headers).status_code == 202
    r = client.post(f"/api/workflows/{wf}/run", headers=ann.headers)
    assert r.status_code == 429
    err = error_of(r)
    assert set(err) >= PLAN_LIMIT_KEYS
    assert (err["code"], err["limit"], err["used"]) == ("plan_limit", 100, 100)
    assert err["upgrade_url"] == f"{PUBLIC_URL}/billing"
    runs = client.get("/api/runs", params={"limit": 500}, headers=ann.headers).json()["items"]
    assert len(runs) == 100  # the refused run left nothing behind

    upgrade(client, fake, ann, "pro")
    r = client.post(f"/api/workflows/{wf}/run", headers=ann.headers)
    assert r.status_code == 202, (r.text, event_errors(client))
    usage = client.get("/api/billing/usage", headers=ann.headers).json()
    assert usage["plan"]["code"] == "pro" and usage["usage"]["runs"]["limit"] == 10_000


def test_api_key_runs_are_refused_the_same_way(client, register) -> None:
    from daemon.conftest import create_api_key, make_platform_admin

    ann = make_platform_admin(client, register("ann@example.com"))
    assert client.patch("/api/billing/plans/free", json={"limits": {"runs": 1, "workflows": 5, "members": 1}},
                        headers=ann.headers).status_code == 200
    wf = create_workflow(client, ann.headers)
    key = create_api_key(client, ann, ["workflow:execute"])
    assert client.post(f"/api/workflows/{wf}/run", headers={"X-API-Key": key}).status_code == 202
    r = client.post(f"/api/workflows/{wf}/run", headers={"X-API-Key": key})
    assert r.status_code == 429 and error_of(r)["code"] == "plan_limit"


def test_workflows_past_the_plan_answer_402(client, register) -> None:
    ann = register("ann@example.com")
    for i in range(5):
        create_workflow(client, ann.headers, manual_workflow(f"wf {i}"))
    r = client.post("/api/workflows", json=manual_workflow("sixth"), headers=ann.headers)
    assert r.status_code == 402
    err = error_of(r)
    assert (err["code"], err["limit"], err["used"], err["details"]["resource"]) == ("plan_limit", 5, 5, "workflows")
    r = client.post("/api/workflows/import", json=[manual_workflow("imported")], headers=ann.headers)
    assert r.json()["failed"] == 1 and "5 workflows" in r.json()["results"][0]["error"]
    assert len(client.get("/api/workflows", headers=ann.headers).json()["items"]) == 5


def test_inviting_past_the_members_limit_answers_402(client, register, fake) -> None:
    ann = register("ann@example.com")
    r = client.post(f"/api/workspaces/{ann.workspace_id}/invitations", json={"email": "bob@example.com"},
                    headers=ann.headers)
    assert r.status_code == 402
    err = error_of(r)
    assert (err["code"], err["limit"], err["used"]) == ("plan_limit", 1, 1)
    upgrade(client, fake, ann, "pro")
    r = client.post(f"/api/workspaces/{ann.workspace_id}/invitations", json={"email": "bob@example.com"},
                    headers=ann.headers)
    assert r.status_code == 201, r.text


def _webhook_workflow(path: str) -> dict:
    return {"name": "hook", "connections": {}, "nodes": [
        {"name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
         "webhookId": str(uuid.uuid4()), "parameters": {"path": path, "httpMethod": "POST"}}]}


def test_webhook_triggers_past_the_limit_are_refused_and_recorded(client, register) -> None:
    from daemon.conftest import make_platform_admin

    ann = make_platform_admin(client, register("ann@example.com"))
    client.patch("/api/billing/plans/free", json={"limits": {"runs": 2, "workflows": 5, "members": 1}},
                 headers=ann.headers)
    wf = create_workflow(client, ann.headers, _webhook_workflow("orders"))
    assert client.post(f"/api/workflows/{wf}/activate", headers=ann.headers).status_code == 200
    assert [client.post("/webhook/orders", json={"n": i}).status_code for i in range(2)] == [200, 200]
    r = client.post("/webhook/orders", json={"n": 3})
    assert r.status_code == 429
    assert error_of(r)["code"] == "plan_limit"
    refused = client.get("/api/runs", params={"status": "failed", "trigger": "webhook"},
                         headers=ann.headers).json()["items"]
    assert len(refused) == 1
    run = client.get(f"/api/runs/{refused[0]['id']}", headers=ann.headers).json()
    assert run["error"]["code"] == "plan_limit" and run["input"]["items"][0]["json"]["body"] == {"n": 3}


def test_inline_webhook_runs_past_the_limit_are_refused_before_running(make_app, fake) -> None:
    """A quick workflow answered by its own run (responseMode lastNode, executed in the daemon) is
    admitted before it runs when limits apply: the run past the limit never executes."""
    from daemon.conftest import make_platform_admin, register_user

    app = make_app(run_worker=True, billing_enabled=True, stripe_api_key="sk_test", stripe_api_base=fake.url,
                   public_url=PUBLIC_URL)
    with TestClient(app, raise_server_exceptions=False) as client:
        ann = make_platform_admin(client, register_user(client, "ann@example.com"))
        client.patch("/api/billing/plans/free", json={"limits": {"runs": 1, "workflows": 5, "members": 1}},
                     headers=ann.headers)
        definition = _webhook_workflow("inline")
        definition["nodes"][0]["parameters"]["responseMode"] = "lastNode"
        wf = create_workflow(client, ann.headers, definition)
        assert client.post(f"/api/workflows/{wf}/activate", headers=ann.headers).status_code == 200
        first = client.post("/webhook/inline", json={"n": 1})
        assert first.status_code == 200 and first.json()["body"] == {"n": 1}
        second = client.post("/webhook/inline", json={"n": 2})
        assert second.status_code == 429 and error_of(second)["code"] == "plan_limit"
        runs = client.get("/api/runs", headers=ann.headers).json()["items"]
        assert sorted((r["status"], r["node_executions"]) for r in runs) == [("failed", 0), ("success", 1)]


def test_schedule_triggers_past_the_limit_are_refused_and_recorded(client, register) -> None:
    from daemon.conftest import make_platform_admin

    from automatelanka.services import schedules

    ann = make_platform_admin(client, register("ann@example.com"))
    client.patch("/api/billing/plans/free", json={"limits": {"runs": 1, "workflows": 5, "members": 1}},
                 headers=ann.headers)
    definition = {"name": "every minute", "connections": {}, "nodes": [
        {"name": "Schedule", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2, "position": [0, 0],
         "parameters": {"rule": {"interval": [{"field": "minutes", "minutesInterval": 1}]}}}]}
    wf = create_workflow(client, ann.headers, definition)
    assert client.post(f"/api/workflows/{wf}/activate", headers=ann.headers).status_code == 200
    engine = client.app.state.db
    enqueued: list = []
    now = utcnow() + timedelta(minutes=1, seconds=1)
    assert schedules.fire_due(engine, enqueued.append, now=now) == 1
    assert schedules.fire_due(engine, enqueued.append, now=now + timedelta(minutes=1)) == 0  # refused
    assert len(enqueued) == 1
    runs = client.get("/api/runs", params={"trigger": "schedule"}, headers=ann.headers).json()["items"]
    assert sorted(r["status"] for r in runs) == ["failed", "queued"]
    failed = next(r for r in runs if r["status"] == "failed")
    assert client.get(f"/api/runs/{failed['id']}", headers=ann.headers).json()["error"]["code"] == "plan_limit"
    # the refused tick was consumed: the next call does not fire it again
    assert schedules.fire_due(engine, enqueued.append, now=now + timedelta(minutes=1)) == 0
    assert len(client.get("/api/runs", params={"trigger": "schedule"}, headers=ann.headers).json()["items"]) == 2


def test_billing_off_means_unlimited(make_app, register) -> None:
    with TestClient(make_app(), raise_server_exceptions=False) as c:
        from daemon.conftest import register_user

        ann = register_user(c, "ann@example.com")
        for i in range(6):
            create_workflow(c, ann.headers, manual_workflow(f"wf {i}"))
        r = c.post(f"/api/workspaces/{ann.workspace_id}/invitations", json={"email": "bob@example.com"},
                   headers=ann.headers)
        assert r.status_code == 201
        usage = c.get("/api/billing/usage", headers=ann.headers).json()
        assert usage["billing_enabled"] is False
        assert usage["usage"]["workflows"] == {"used": 6, "limit": None, "remaining": None}
        assert usage["usage"]["runs"]["limit"] is None
        r = c.post("/api/billing/subscribe", json={"plan": "pro"}, headers=ann.headers)
        assert r.status_code == 409 and error_of(r)["code"] == "billing_disabled"


def test_usage_shows_runs_node_executions_and_api_calls(client, register) -> None:
    ann = register("ann@example.com")
    wf = create_workflow(client, ann.headers)
    for _ in range(3):
        client.post(f"/api/workflows/{wf}/run", headers=ann.headers)
    with client.app.state.db.begin() as conn:
        from automatelanka.services import usage

        usage.count_nodes(conn, uuid.UUID(ann.workspace_id), node_executions=7)
        usage.count_api_call(conn, uuid.UUID(ann.workspace_id))
    data = client.get("/api/billing/usage", headers=ann.headers).json()
    assert data["plan"] == {"code": "free", "name": "Free", "status": "free", "overage": False}
    assert data["usage"]["runs"] == {"used": 3, "limit": 100, "remaining": 97}
    assert data["usage"]["node_executions"] == {"used": 7}
    assert data["usage"]["api_calls"] == {"used": 1}
    assert data["usage"]["members"] == {"used": 1, "limit": 1, "remaining": 0}
    assert limits.STATUS["runs"] == 429
