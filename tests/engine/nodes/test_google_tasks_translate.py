"""Google Tasks (Tasks API v1) and Google Translate (Translation API v2) against local fakes."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import FakeServer
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

NOT_FOUND = {"error": {"code": 404, "message": "Task list not found.", "status": "NOT_FOUND",
                       "errors": [{"message": "Task list not found.", "domain": "global", "reason": "notFound"}]}}

# -- Google Tasks ----------------------------------------------------------------------------------

TASKS = "n8n-nodes-base.googleTasks"
TASKS_CREDS = {"googleTasksOAuth2Api": {"oauthTokenData": {"access_token": "tasks-token"}}}
LIST = "/tasks/v1/lists/L1/tasks"


def _tasks(server: FakeServer, params: dict, *, items=None, continue_on_fail: bool = False,
           node_type: str = TASKS):
    return run_service(node_type, 1, params, items=items, credentials=TASKS_CREDS,
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


@pytest.mark.parametrize("node_type", [TASKS, TASKS + "Tool"])
def test_tasks_update_without_fields_sends_no_body(fake_server, node_type):
    fake_server.route("PATCH", f"{LIST}/T1", (200, {}, _task(1)))
    output(_tasks(fake_server, {"operation": "update", "task": "L1", "taskId": "T1", "updateFields": {}},
                  node_type=node_type))
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


# -- Google Translate ------------------------------------------------------------------------------

TRANSLATE = "n8n-nodes-base.googleTranslate"
TRANSLATE_CREDS = {"googleTranslateOAuth2Api": {"oauthTokenData": {"access_token": "tr-token"}}}
TRANSLATE_PATH = "/language/translate/v2"
BAD_TARGET = {"error": {"code": 400, "message": "Invalid Value", "status": "INVALID_ARGUMENT",
                        "errors": [{"message": "Invalid Value", "domain": "global", "reason": "invalid"}]}}


def _translated(req) -> tuple[int, dict, dict]:
    text, target = req.json["q"], req.json["target"]
    return 200, {}, {"data": {"translations": [{"translatedText": f"[{target}] {text}",
                                                "detectedSourceLanguage": "en"}]}}


def _translate(server: FakeServer, params: dict, *, version: float = 2, items=None, creds=TRANSLATE_CREDS,
               continue_on_fail: bool = False):
    return run_service(TRANSLATE, version, params, items=items, credentials=creds,
                       base_urls={"translate": server.url, "google": server.url}, continue_on_fail=continue_on_fail)


def test_translate_v2_oauth_per_item(fake_server):
    def translate(req):
        _authed(req, "tr-token")
        assert req.headers["content-type"] == "application/json" and not req.query
        assert list(req.json) == ["q", "target"]
        return _translated(req)

    fake_server.route("POST", TRANSLATE_PATH, translate)
    # corpus shape: no resource/operation, text and target from expressions
    params = {"text": "={{ $json.initialText }}", "translateTo": "={{ $json.language }}"}
    items = [{"json": {"initialText": "Hello", "language": "zh-CN"}}, {"json": {"initialText": "Bye", "language": "de"}}]
    out = output(_translate(fake_server, params, items=items))
    assert [r.json for r in fake_server.requests] == [{"q": "Hello", "target": "zh-CN"}, {"q": "Bye", "target": "de"}]
    assert out == [
        {"json": {"translatedText": "[zh-CN] Hello", "detectedSourceLanguage": "en"}, "pairedItem": {"item": 0}},
        {"json": {"translatedText": "[de] Bye", "detectedSourceLanguage": "en"}, "pairedItem": {"item": 1}}]


def test_translate_v1_literal_authentication_uses_oauth(fake_server):
    fake_server.route("POST", TRANSLATE_PATH, lambda req: (_authed(req, "tr-token"), _translated(req))[1])
    params = {"text": "Hello from n8n!", "translateTo": "de", "authentication": "{{ $credentials.oAuth2 }}"}
    out = output(_translate(fake_server, params, version=1))
    assert out == [{"json": {"translatedText": "[de] Hello from n8n!", "detectedSourceLanguage": "en"},
                    "pairedItem": {"item": 0}}]


def test_translate_v1_service_account_default(fake_server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()

    def token(req):
        assert req.form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        claims = jwt.decode(req.form["assertion"][0], key.public_key(), algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")
        assert claims["iss"] == "sa@x.iam.gserviceaccount.com" and claims["sub"] == "me@x.com"
        assert claims["scope"] == ("https://www.googleapis.com/auth/cloud-translation "
                                   "https://www.googleapis.com/auth/cloud-platform")
        return 200, {}, {"access_token": "sa-token", "expires_in": 3600}

    fake_server.route("POST", "/token", token)
    fake_server.route("POST", TRANSLATE_PATH, lambda req: (_authed(req, "sa-token"), _translated(req))[1])
    creds = {"googleApi": {"email": " sa@x.iam.gserviceaccount.com ", "privateKey": pem.replace("\n", "\\n"),
                           "delegatedEmail": "me@x.com"}}
    run = run_service(TRANSLATE, 1, {"text": "Hi", "translateTo": "fr"}, items=[{"json": {}}, {"json": {}}],
                      credentials=creds, base_urls={"google": fake_server.url})
    assert output(run) == [{"json": {"translatedText": "[fr] Hi", "detectedSourceLanguage": "en"},
                            "pairedItem": {"item": i}} for i in (0, 1)]
    assert [r.path for r in fake_server.requests] == ["/token", TRANSLATE_PATH, TRANSLATE_PATH]  # token cached


def test_translate_no_translation_gives_empty_item(fake_server):
    fake_server.route("POST", TRANSLATE_PATH, (200, {}, {"data": {"translations": []}}))
    assert output(_translate(fake_server, {"text": "", "translateTo": "de"})) == [
        {"json": {}, "pairedItem": {"item": 0}}]


def test_translate_api_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", TRANSLATE_PATH,
                      lambda req: (400, {}, BAD_TARGET) if req.json["target"] == "xx" else _translated(req))
    params = {"text": "Hello", "translateTo": "={{ $json.lang }}"}
    items = [{"json": {"lang": "de"}}, {"json": {"lang": "xx"}}]
    err = error(_translate(fake_server, params, items=items))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Invalid Value" and err["httpCode"] == "400"
    # n8n's node has no continueOnFail branch: the executor passes the input items through
    run = _translate(fake_server, params, items=items, continue_on_fail=True)
    task = run.run_data["N"][-1]
    assert task["error"]["message"] == "Bad request - please check your parameters"
    assert task["data"]["main"][0] == [{"json": {"lang": "de"}, "pairedItem": {"item": 0}},
                                       {"json": {"lang": "xx"}, "pairedItem": {"item": 1}}]


def test_translate_unknown_operation_is_unsupported(fake_server):
    err = error(_translate(fake_server, {"operation": "detect", "text": "Hello"}))
    assert err["message"] == "Google Translate: operation 'language/detect' is not supported yet"
    assert fake_server.requests == []


def test_translate_answer_without_data_fails_like_n8n(fake_server):
    fake_server.route("POST", TRANSLATE_PATH, (200, {}, {"kind": "unexpected"}))
    err = error(_translate(fake_server, {"text": "Hi", "translateTo": "de"}))
    assert err["message"] == "Cannot read properties of undefined (reading 'translations')"
