"""Todoist and Facebook Graph API nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

TD = {"todoistApi": {"apiKey": "td-key"}}


def td(server, params, version=2.1, **kw):
    return run_service("n8n-nodes-base.todoist", version, params, credentials=TD,
                       base_urls={"todoist": server.url}, **kw)


def test_todoist_create_task(fake_server):
    task = {"id": "t1", "content": "Buy milk", "project_id": "p1"}
    fake_server.route("POST", "/tasks", (200, {}, task))
    params = {"project": {"__rl": True, "mode": "id", "value": "p1"}, "content": "Buy milk", "labels": ["home"],
              "options": {"priority": "3", "dueDateTime": "2025-01-01T10:00:00.000Z", "description": "2L"}}
    items = output(td(fake_server, params))
    assert items == [{"json": task, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer td-key"
    assert req.json == {"content": "Buy milk", "project_id": "p1", "priority": 3, "description": "2L",
                        "due_datetime": "2025-01-01T10:00:00Z", "labels": ["home"]}


def test_todoist_get_all_limit_and_close(fake_server):
    fake_server.route("GET", "/tasks", (200, {}, [{"id": "1"}, {"id": "2"}, {"id": "3"}]))
    items = output(td(fake_server, {"operation": "getAll", "limit": 2, "filters": {"projectId": "p1"}}))
    assert [it["json"]["id"] for it in items] == ["1", "2"]
    assert fake_server.last().arg("project_id") == "p1"
    fake_server.route("POST", "/tasks/1/close", (204, {}, None))
    items = output(td(fake_server, {"operation": "close", "taskId": "1"}, version=2))
    assert items[0]["json"] == {"success": True}
    err = error(td(fake_server, {"resource": "project", "operation": "get"}))
    assert "not supported yet" in err["message"]


def test_facebook_graph_get_with_fields(fake_server):
    fake_server.route("GET", "/v19.0/me/posts", (200, {}, {"data": [{"id": "1"}]}))
    params = {"graphApiVersion": "v19.0", "node": "me", "edge": "posts",
              "options": {"fields": {"field": [{"name": "id"}, {"name": "message"}]},
                          "queryParameters": {"parameter": [{"name": "limit", "value": "5"}]}}}
    items = output(run_service("n8n-nodes-base.facebookGraphApi", 1, params,
                               credentials={"facebookGraphApi": {"accessToken": "fb"}},
                               base_urls={"facebookGraphApi": fake_server.url}))
    assert [it["json"] for it in items] == [{"data": [{"id": "1"}]}]
    assert fake_server.last().query == {"access_token": ["fb"], "fields": ["id,message"], "limit": ["5"]}


def test_facebook_graph_error_item_under_continue_on_fail(fake_server):
    fake_server.route("POST", "/me/feed", (400, {}, {"error": {"message": "Invalid OAuth", "code": 190}}))
    params = {"httpRequestMethod": "POST", "node": "me", "edge": "feed"}
    items = output(run_service("n8n-nodes-base.facebookGraphApi", 1, params,
                               credentials={"facebookGraphApi": {"accessToken": "fb"}},
                               base_urls={"facebookGraphApi": fake_server.url}, continue_on_fail=True))
    assert items[0]["json"]["statusCode"] == 400 and items[0]["json"]["code"] == 190
    assert items[0]["json"]["message"] == "Invalid OAuth"
