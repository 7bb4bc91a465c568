"""n8n API node against a local fake n8n public API."""

from __future__ import annotations

from svc_harness import output, run_service

pytest_plugins = ("fakes",)


def run(server, params, **kw):
    creds = {"n8nApi": {"apiKey": "k1", "baseUrl": server.url + "/api/v1/"}}
    return run_service("n8n-nodes-base.n8n", 1, params, credentials=creds, **kw)


def test_workflow_get_all_follows_cursor(fake_server):
    def workflows(req):
        if req.arg("cursor") == "n2":
            return 200, {}, {"data": [{"id": "2", "name": "B"}], "nextCursor": None}
        return 200, {}, {"data": [{"id": "1", "name": "A"}], "nextCursor": "n2"}

    fake_server.route("GET", "/api/v1/workflows", workflows)
    items = output(run(fake_server, {"resource": "workflow", "operation": "getAll", "returnAll": True,
                                     "filters": {"activeWorkflows": True}}))
    assert [it["json"] for it in items] == [{"id": "1", "name": "A"}, {"id": "2", "name": "B"}]
    first = fake_server.requests[0]
    assert first.headers["x-n8n-api-key"] == "k1" and first.arg("active") == "true"


def test_workflow_activate_and_create(fake_server):
    fake_server.route("POST", "/api/v1/workflows/w1/activate", (200, {}, {"id": "w1", "active": True}))
    fake_server.route("POST", "/api/v1/workflows", lambda req: (200, {}, {"id": "w9", **req.json}))
    items = output(run(fake_server, {"resource": "workflow", "operation": "activate",
                                     "workflowId": {"__rl": True, "mode": "id", "value": "w1"}}))
    assert items[0]["json"] == {"id": "w1", "active": True}
    items = output(run(fake_server, {"resource": "workflow", "operation": "create",
                                     "workflowObject": '{"nodes": [], "connections": {}}'}))
    assert items[0]["json"] == {"id": "w9", "name": "My workflow", "nodes": [], "settings": {},
                                "connections": {}, "staticData": None}
