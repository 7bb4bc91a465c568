"""Google Tasks (Tasks API v1) and Google Translate (Translation API v2) against local fakes."""

from __future__ import annotations

from fakes import FakeServer
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

NOT_FOUND = {"error": {"code": 404, "message": "Task list not found.", "status": "NOT_FOUND",
                       "errors": [{"message": "Task list not found.", "domain": "global", "reason": "notFound"}]}}

# -- Google Tasks ----------------------------------------------------------------------------------

TASKS = "n8n-nodes-base.googleTasks"
TASKS_CREDS = {"googleTasksOAuth2Api": {"oauthTokenData": {"access_token": "tasks-token"}}}
LIST = "/tasks/v1/lists/L1/tasks"


def _tasks(server: FakeServer, params: dict, *, items=None, continue_on_fail: bool = False):
    return run_service(TASKS, 1, params, items=items, credentials=TASKS_CREDS,
                       base_urls={"google": server.url}, continue_on_fail=continue_on_fail)


def _authed(req, token: str = "tasks-token") -> None:
    assert req.headers["authorization"] == f"Bearer {token}"


def _task(n: int, **extra) -> dict:
    return {"kind": "tasks#task", "id": f"T{n}", "title": f"Task {n}", "status": "needsAction", **extra}


def test_tasks_create_corpus_shape_and_shared_query(fake_server):
    def create(req):
        _authed(req)
        assert req.headers["content-type"] == "application/json"
        return 200, {}, {**_task(1), **req.json}

    fake_server.route("POST", LIST, create)
    # corpus shape: no resource/operation (task/create), task list id, title and notes from expressions
    params = {"task": "L1", "title": "=Study {{ $json.ref }}",
              "additionalFields": {"notes": "=Ref: {{ $json.ref }}", "parent": "={{ $json.parent }}",
                                   "dueDate": "2024-05-01T00:00:00.000Z", "status": "needsAction",
                                   "deleted": False}}
    items = [{"json": {"ref": "A1", "parent": "P0"}}, {"json": {"ref": "B2", "parent": ""}}]
    out = output(_tasks(fake_server, params, items=items))
    first, second = fake_server.requests
    assert first.json == {"title": "Study A1", "status": "needsAction", "notes": "Ref: A1",
                          "due": "2024-05-01T00:00:00.000Z"}
    assert list(first.json) == ["title", "status", "notes", "due"]
    assert first.query == {"parent": ["P0"]}
    # n8n's query object is shared by the items: the first item's parent is sent again
    assert second.json["title"] == "Study B2" and second.query == {"parent": ["P0"]}
    assert out == [{"json": {**_task(1), **first.json}, "pairedItem": {"item": 0}},
                   {"json": {**_task(1), **second.json}, "pairedItem": {"item": 1}}]


def test_tasks_create_without_list_or_title(fake_server):
    fake_server.route("POST", "/tasks/v1/lists//tasks", (200, {}, _task(2, title="")))
    out = output(_tasks(fake_server, {"additionalFields": {}}))
    assert fake_server.last().json == {"title": ""} and not fake_server.last().query
    assert out == [{"json": _task(2, title=""), "pairedItem": {"item": 0}}]


def test_tasks_get_delete_update(fake_server):
    def patch(req):
        _authed(req)
        assert req.json == {"status": "completed", "notes": "done", "title": "New",
                            "completed": "2024-05-02T10:00:00Z"}
        assert list(req.json) == ["status", "notes", "title", "completed"]
        assert req.query == {"previous": ["T0"]}
        return 200, {}, _task(1, title="New", status="completed")

    fake_server.route("GET", f"{LIST}/T1", (200, {}, _task(1)))
    fake_server.route("DELETE", f"{LIST}/T1", (204, {}, b""))
    fake_server.route("PATCH", f"{LIST}/T1", patch)
    base = {"task": "L1", "taskId": "={{ $json.id }}"}
    items = [{"json": {"id": "T1"}}]
    assert output(_tasks(fake_server, {**base, "operation": "get"}, items=items)) == [
        {"json": _task(1), "pairedItem": {"item": 0}}]
    assert not fake_server.last().query
    assert output(_tasks(fake_server, {**base, "operation": "delete"}, items=items)) == [
        {"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().method == "DELETE" and fake_server.last().body == b""
    fields = {"status": "completed", "notes": "done", "title": "New", "completed": "2024-05-02T10:00:00Z",
              "previous": "T0", "deleted": False, "dueDate": ""}
    out = output(_tasks(fake_server, {**base, "operation": "update", "updateFields": fields}, items=items))
    assert out == [{"json": _task(1, title="New", status="completed"), "pairedItem": {"item": 0}}]


def test_tasks_update_without_fields_sends_no_body(fake_server):
    fake_server.route("PATCH", f"{LIST}/T1", (200, {}, _task(1)))
    output(_tasks(fake_server, {"operation": "update", "task": "L1", "taskId": "T1", "updateFields": {}}))
    assert fake_server.last().body == b""


def test_tasks_get_all_limit_and_defaults(fake_server):
    def list_tasks(req):
        _authed(req)
        return 200, {}, {"kind": "tasks#tasks", "items": [_task(1), _task(2)], "nextPageToken": "x"}

    fake_server.route("GET", LIST, list_tasks)
    out = output(_tasks(fake_server, {"operation": "getAll", "task": "L1"}))
    assert fake_server.last().query == {"showCompleted": ["true"], "showDeleted": ["false"],
                                        "showHidden": ["false"], "maxResults": ["20"]}
    assert out == [{"json": _task(1), "pairedItem": {"item": 0}}, {"json": _task(2), "pairedItem": {"item": 0}}]
    params = {"operation": "getAll", "task": "L1", "limit": 5,
              "additionalFields": {"showCompleted": False, "showHidden": True, "dueMin": "2024-01-01T00:00:00Z",
                                   "updatedMin": "2024-02-01T00:00:00Z"}}
    output(_tasks(fake_server, params))
    assert fake_server.last().query == {"dueMin": ["2024-01-01T00:00:00Z"], "showCompleted": ["false"],
                                        "showDeleted": ["false"], "showHidden": ["true"],
                                        "updatedMin": ["2024-02-01T00:00:00Z"], "maxResults": ["5"]}


def test_tasks_get_all_empty_list_gives_one_empty_item(fake_server):
    fake_server.route("GET", LIST, (200, {}, {"kind": "tasks#tasks", "etag": "e"}))
    out = output(_tasks(fake_server, {"operation": "getAll", "task": "L1", "limit": 3}))
    assert out == [{"json": {}, "pairedItem": {"item": 0}}]


def test_tasks_get_all_return_all_pages(fake_server):
    pages = {None: ([_task(1), _task(2)], "p2"), "p2": ([_task(3)], "p3"), "p3": ([], "")}

    def list_tasks(req):
        _authed(req)
        token = (req.query.get("pageToken") or [None])[0]
        assert req.query["maxResults"] == ["100"] and req.query["showCompleted"] == ["true"]
        rows, nxt = pages[token]
        return 200, {}, {"items": rows, "nextPageToken": nxt}

    fake_server.route("GET", LIST, list_tasks)
    out = output(_tasks(fake_server, {"operation": "getAll", "task": "L1", "returnAll": True},
                        items=[{"json": {}}, {"json": {}}]))
    assert [r.query.get("pageToken") for r in fake_server.requests] == [None, ["p2"], ["p3"]] * 2
    assert out == [{"json": _task(n), "pairedItem": {"item": i}} for i in (0, 1) for n in (1, 2, 3)]


def test_tasks_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/tasks/v1/lists/missing/tasks/T1", (404, {}, NOT_FOUND))
    fake_server.route("GET", f"{LIST}/T1", (200, {}, _task(1)))
    params = {"operation": "get", "task": "={{ $json.list }}", "taskId": "T1"}
    items = [{"json": {"list": "missing"}}, {"json": {"list": "L1"}}]
    err = error(_tasks(fake_server, params, items=items))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Task list not found." and err["httpCode"] == "404"
    out = output(_tasks(fake_server, params, items=items, continue_on_fail=True))
    assert out == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}},
                   {"json": _task(1), "pairedItem": {"item": 1}}]


def test_tasks_unknown_operation_is_unsupported(fake_server):
    err = error(_tasks(fake_server, {"operation": "move", "task": "L1", "taskId": "T1"}))
    assert err["message"] == "Google Tasks: operation 'task/move' is not supported yet"
    assert fake_server.requests == []
