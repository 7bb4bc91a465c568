"""Airtop node (browser sessions, windows, interactions, extraction, files, agents) against a local fake API."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from svc_harness import error, output, run_service

from automatelanka.engine.executor import execute
from automatelanka.engine.nodes import airtop as airtop_module
from automatelanka.engine.state import Services

pytest_plugins = ("fakes",)

KEY = "at-key"
NODE = "n8n-nodes-base.airtop"


def run(server, params: dict[str, Any], *, items: list[dict[str, Any]] | None = None, version: float = 1,
        continue_on_fail: bool = False, node_type: str = NODE, sleeps: list[float] | None = None):
    """Start -> Airtop node ``N`` against ``server``, with a recorded (instant) sleep."""
    return run_service(node_type, version, params, items=items, continue_on_fail=continue_on_fail,
                       credentials={"airtopApi": {"apiKey": KEY}},
                       base_urls={"airtop": server.url + "/api/v1", "airtopHooks": server.url + "/api/hooks"},
                       sleeps=sleeps if sleeps is not None else [])


def api(server):
    """Routes of the Airtop API that check the credential headers the way the API does."""
    def authed(handler):
        def check(req):
            if req.headers.get("authorization") != f"Bearer {KEY}" or req.headers.get("api-key") != KEY:
                return 401, {}, {"errors": [{"message": "Unauthorized"}]}
            assert req.headers.get("x-airtop-sdk-environment") == "n8n"
            assert req.headers.get("x-airtop-sdk-version") == airtop_module.SDK_VERSION
            assert req.headers.get("content-type") == "application/json"
            return handler(req)
        return check

    def route(method, path, handler):
        server.route(method, "/api/v1" + path, authed(handler if callable(handler) else (lambda _r: handler)))
    return route


def session(status: str, sid: str = "s1") -> dict[str, Any]:
    return {"data": {"id": sid, "status": status, "configuration": {}}, "meta": {"requestId": "r1"},
            "errors": None, "warnings": None}


def paths(server) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix("/api/v1")) for r in server.requests]


# -- sessions ------------------------------------------------------------------------------------


def test_session_create_polls_until_running_and_saves_profile(fake_server):
    route = api(fake_server)
    polls = iter(["initializing", "running"])
    route("POST", "/sessions", (200, {}, session("initializing")))
    route("GET", "/sessions/s1", lambda _r: (200, {}, session(next(polls))))
    route("PUT", "/sessions/s1/save-profile-on-termination/my-profile", (200, {}, None))
    sleeps: list[float] = []
    params = {"profileName": "my-profile", "timeoutMinutes": 5, "saveProfileOnTermination": True}
    items = output(run(fake_server, params, sleeps=sleeps))
    assert items == [{"json": {"sessionId": "s1", **session("initializing")}, "pairedItem": {"item": 0}}]
    assert sleeps == [1, 1]
    assert paths(fake_server) == [("POST", "/sessions"), ("GET", "/sessions/s1"), ("GET", "/sessions/s1"),
                                  ("PUT", "/sessions/s1/save-profile-on-termination/my-profile")]
    assert fake_server.requests[0].json == {"configuration": {
        "profileName": "my-profile", "timeoutMinutes": 5, "proxy": False, "solveCaptcha": False, "record": False}}
    assert fake_server.requests[-1].body == b""


def test_session_create_defaults_proxy_and_extensions(fake_server):
    route = api(fake_server)
    route("POST", "/sessions", (200, {}, session("running")))
    params = {"proxy": "integrated", "record": True, "additionalFields": {"solveCaptcha": True,
                                                                          "extensionIds": "a, b"}}
    output(run(fake_server, params, version=1.1))
    assert fake_server.last().json == {"configuration": {
        "profileName": "", "timeoutMinutes": 10, "proxy": {"country": "US", "sticky": True}, "solveCaptcha": True,
        "record": True, "extensionIds": ["a", "b"]}}
    output(run(fake_server, {"proxy": "proxyUrl", "proxyUrl": " http://p:1 "}))
    assert fake_server.last().json["configuration"]["proxy"] == "http://p:1"


def test_session_create_timeout_and_validation(fake_server, monkeypatch):
    route = api(fake_server)
    route("POST", "/sessions", (200, {}, session("initializing")))
    route("GET", "/sessions/s1", (200, {}, session("initializing")))
    monkeypatch.setattr(airtop_module, "OPERATION_TIMEOUT_MS", 3000)
    sleeps: list[float] = []
    err = error(run(fake_server, {}, sleeps=sleeps))
    assert err["message"] == "The service was not able to process your request"
    assert err["description"] == "Timeout reached while waiting for the operation to complete"
    assert err["httpCode"] == "500" and sleeps == [1, 1, 1, 1]  # n8n gives up once past (>) the timeout
    err = error(run(fake_server, {"profileName": "bad name"}))
    assert err["message"] == "'Profile Name' should only contain letters, numbers and dashes"
    err = error(run(fake_server, {"saveProfileOnTermination": True}))
    assert err["message"] == "'Profile Name' is required when 'Save Profile' is enabled"
    err = error(run(fake_server, {"timeoutMinutes": 0}))
    assert err["message"] == "Timeout must be between 1 and 10080 minutes"


def test_session_create_without_id_fails(fake_server):
    api(fake_server)("POST", "/sessions", (200, {}, {"data": {}}))
    err = error(run(fake_server, {}))
    assert err["message"] == "The service was not able to process your request"
    assert err["description"] == "Failed to create session"


def test_session_terminate_uses_json_session_id_and_save(fake_server):
    route = api(fake_server)
    route("DELETE", "/sessions/s9", (200, {}, None))
    items = output(run(fake_server, {"operation": "terminate"}, items=[{"json": {"sessionId": "s9"}}]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().method == "DELETE"
    err = error(run(fake_server, {"operation": "terminate"}))
    assert err["message"] == "Please fill the 'Session ID' parameter"
    route("PUT", "/sessions/s9/save-profile-on-termination/p-1", (200, {}, {"data": {}, "meta": {}}))
    items = output(run(fake_server, {"operation": "save", "sessionId": "s9", "profileName": "p-1"}))
    assert items[0]["json"] == {"sessionId": "s9", "profileName": "p-1", "data": {}, "meta": {}}


# -- windows -------------------------------------------------------------------------------------


def test_window_create_with_live_view(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows", (200, {}, {"data": {"windowId": "w1", "targetId": "t"}}))
    live = {"data": {"liveViewUrl": "https://live/1", "windowId": "w1"}, "meta": {}}
    route("GET", "/sessions/s1/windows/w1", (200, {}, live))
    params = {"resource": "window", "url": "https://example.com", "getLiveView": True, "disableResize": True,
              "screenResolution": "1280X720", "additionalFields": {"waitUntil": "load"}}
    items = output(run(fake_server, params, items=[{"json": {"sessionId": "s1"}}]))
    assert items == [{"json": {"sessionId": "s1", "windowId": "w1", **live}, "pairedItem": {"item": 0}}]
    assert fake_server.requests[0].json == {"url": "https://example.com", "waitUntil": "load"}
    assert fake_server.last().query == {"screenResolution": ["1280x720"], "disableResize": ["true"]}


def test_window_create_plain_and_invalid_url(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows", (200, {}, {"data": {"windowId": 7}}))
    items = output(run(fake_server, {"resource": "window", "sessionId": "s1"}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "7", "data": {"windowId": 7}}
    assert fake_server.last().json == {"url": ""}
    # corpus workflows keep "{{ ... }}" without "=": a literal, not an URL
    err = error(run(fake_server, {"resource": "window", "sessionId": "s1", "url": "{{ $env.WEBHOOK_URL }}"}))
    assert err["message"] == "'URL' must start with 'http' or 'https'"


def test_window_screenshot_text_and_binary(fake_server):
    jpeg = b"\xff\xd8\xff\xe0JFIF-bytes"
    data_url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
    api(fake_server)("POST", "/sessions/s1/windows/w1/screenshot",
                     (200, {}, {"data": {}, "meta": {"screenshots": [{"dataUrl": data_url}]}}))
    params = {"resource": "window", "operation": "takeScreenshot"}
    source = [{"json": {"sessionId": "s1", "windowId": "w1"}}]
    items = output(run(fake_server, params, items=source))
    assert items == [{"json": {"sessionId": "s1", "windowId": "w1", "image": data_url}, "pairedItem": {"item": 0}}]
    items = output(run(fake_server, {**params, "outputImageAsBinary": True}, items=source))
    assert items[0]["json"]["image"] == ""
    binary = items[0]["binary"]["data"]
    assert binary["fileName"] == "screenshot.jpg" and binary["mimeType"] == "image/jpeg"
    assert base64.b64decode(binary["data"]) == jpeg


def test_window_load_list_close_live_view(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows/w1", (200, {}, {"data": {"ok": 1}}))
    route("GET", "/sessions/s1/windows", (200, {}, {"data": {"windows": []}}))
    route("DELETE", "/sessions/s1/windows/w1", (200, {}, {"data": {}}))
    route("GET", "/sessions/s1/windows/w1", (200, {}, {"data": {"liveViewUrl": "u"}}))
    ids = {"sessionId": "s1", "windowId": "w1", "resource": "window"}
    items = output(run(fake_server, {**ids, "operation": "load", "url": "https://a.b"}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {"ok": 1}}
    assert fake_server.last().json == {"url": "https://a.b"}
    output(run(fake_server, {**ids, "operation": "load", "url": "https://a.b",
                             "additionalFields": {"waitUntil": "noWait"}}))
    assert fake_server.last().json == {"url": "https://a.b", "waitUntil": "noWait"}
    err = error(run(fake_server, {**ids, "operation": "load"}))
    assert err["message"] == "Please fill the 'URL' parameter"
    items = output(run(fake_server, {**ids, "operation": "list"}))
    assert items[0]["json"] == {"sessionId": "s1", "data": {"windows": []}}
    items = output(run(fake_server, {**ids, "operation": "close"}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {}}
    assert fake_server.last().method == "DELETE"
    output(run(fake_server, {**ids, "operation": "getLiveView",
                             "additionalFields": {"includeNavigationBar": True, "screenResolution": "800x600"}}))
    assert fake_server.last().query == {"includeNavigationBar": ["true"], "screenResolution": ["800x600"]}
    err = error(run(fake_server, {**ids, "operation": "getLiveView", "additionalFields": {"screenResolution": "x"}}))
    assert "Screen Resolution" in err["message"]
    err = error(run(fake_server, {"resource": "window", "operation": "close", "sessionId": "s1"}))
    assert err["message"] == "Please fill the 'Window ID' parameter"


# -- interactions --------------------------------------------------------------------------------


def test_interaction_click_defaults(fake_server):
    answer = {"data": {"modelResponse": "clicked"}, "meta": {}, "errors": [], "warnings": []}
    api(fake_server)("POST", "/sessions/s1/windows/w1/click", (200, {}, answer))
    params = {"resource": "interaction", "windowId": "={{ $json.data.windowId }}",
              "additionalFields": {"waitForNavigation": "load", "visualScope": "viewport"},
              "elementDescription": "the Post button"}
    items = output(run(fake_server, params, items=[{"json": {"sessionId": "s1", "data": {"windowId": "w1"}}}]))
    assert items == [{"json": {"sessionId": "s1", "windowId": "w1", **answer}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {
        "elementDescription": "the Post button", "waitForNavigation": True,
        "configuration": {"clickType": "click", "visualAnalysis": {"scope": "viewport"},
                          "waitForNavigationConfig": {"waitUntil": "load"}}}
    err = error(run(fake_server, {"resource": "interaction", "sessionId": "s1", "windowId": "w1"}))
    assert err["message"] == "Please fill the 'Element Description' parameter"


def test_interaction_type_hover_scroll(fake_server):
    route = api(fake_server)
    for action in ("type", "hover", "scroll"):
        route("POST", f"/sessions/s1/windows/w1/{action}", (200, {}, {"data": {"action": action}}))
    ids = {"resource": "interaction", "sessionId": "s1", "windowId": "w1"}
    items = output(run(fake_server, {**ids, "operation": "type", "text": "hello", "pressEnterKey": True,
                                     "elementDescription": "box"}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {"action": "type"}}
    assert fake_server.last().json == {"text": "hello", "pressEnterKey": True, "elementDescription": "box",
                                       "configuration": {}}
    output(run(fake_server, {**ids, "operation": "type", "text": "x"}))
    assert fake_server.last().json == {"text": "x", "pressEnterKey": False, "elementDescription": "",
                                       "configuration": {}}
    output(run(fake_server, {**ids, "operation": "hover", "elementDescription": "menu"}))
    assert fake_server.last().json == {"elementDescription": "menu", "configuration": {}}
    output(run(fake_server, {**ids, "operation": "scroll", "scrollToElement": "footer", "scrollWithin": "main"}))
    assert fake_server.last().json == {"scrollToElement": "footer", "scrollWithin": "main", "configuration": {}}
    manual = {**ids, "operation": "scroll", "scrollingMode": "manual",
              "scrollToEdge": {"edgeValues": {"yAxis": "bottom"}}, "scrollBy": {"scrollValues": {"yAxis": "50%"}}}
    output(run(fake_server, manual))
    # n8n fills the fixedCollection defaults ("" for the axis left out) and sends them
    assert fake_server.last().json == {"scrollToEdge": {"yAxis": "bottom", "xAxis": ""},
                                       "scrollBy": {"yAxis": "50%", "xAxis": ""}, "configuration": {}}
    err = error(run(fake_server, {**manual, "scrollBy": {"scrollValues": {"yAxis": "lots"}}}))
    assert err["message"].startswith("'Scroll By' amount must be a number")
    err = error(run(fake_server, {**ids, "operation": "scroll", "scrollingMode": "manual"}))
    assert err["message"] == "Please fill any of the 'Scroll To Edge' or 'Scroll By' parameters"


def test_interaction_fill_polls_the_request(fake_server):
    route = api(fake_server)
    route("POST", "/async/sessions/s1/windows/w1/execute-automation", (200, {}, {"requestId": "q1"}))
    states = iter([{"status": "pending"}, {"status": "completed", "data": {"done": True}}])
    route("GET", "/requests/q1/status", lambda _r: (200, {}, next(states)))
    sleeps: list[float] = []
    params = {"resource": "interaction", "operation": "fill", "sessionId": "s1", "windowId": "w1",
              "formData": "Name: Ada"}
    items = output(run(fake_server, params, sleeps=sleeps))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "status": "completed", "data": {"done": True}}
    assert sleeps == [1]
    assert fake_server.requests[0].json == {"automationId": "auto", "parameters": {"customData": "Name: Ada"}}


# -- extraction ----------------------------------------------------------------------------------


def _new_session_routes(route, answer):
    route("POST", "/sessions", (200, {}, session("running", "s2")))
    route("POST", "/sessions/s2/windows", (200, {}, {"data": {"windowId": "w2"}}))
    route("POST", "/sessions/s2/windows/w2/page-query", answer)
    route("DELETE", "/sessions/s2", (200, {}, None))


def test_extraction_query_new_session_is_terminated(fake_server):
    answer = {"data": {"modelResponse": '{"status": "NEW"}'}, "meta": {}, "errors": [], "warnings": []}
    route = api(fake_server)
    _new_session_routes(route, (200, {}, answer))
    schema = '{"type": "object"}'
    params = {"resource": "extraction", "operation": "query", "sessionMode": "new", "url": "https://x.io",
              "prompt": "summarize", "additionalFields": {"outputSchema": schema}}
    items = output(run(fake_server, params))
    assert items == [{"json": answer, "pairedItem": {"item": 0}}]
    assert paths(fake_server) == [("POST", "/sessions"), ("POST", "/sessions/s2/windows"),
                                  ("POST", "/sessions/s2/windows/w2/page-query"), ("DELETE", "/sessions/s2")]
    assert fake_server.requests[0].json == {"configuration": {"profileName": ""}}
    assert fake_server.requests[1].json == {"url": "https://x.io"}
    assert fake_server.requests[2].json == {"prompt": "summarize", "configuration": {
        "experimental": {"includeVisualAnalysis": "disabled"}, "outputSchema": schema}}
    params["additionalFields"] = {"outputSchema": schema, "parseJsonOutput": True, "includeVisualAnalysis": True}
    params["autoTerminateSession"] = False
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"sessionId": "s2", "windowId": "w2", "output": {"status": "NEW"}}
    assert fake_server.requests[-1].json["configuration"]["experimental"] == {"includeVisualAnalysis": "enabled"}


def test_extraction_query_failure_terminates_new_session(fake_server):
    route = api(fake_server)
    _new_session_routes(route, (500, {}, {"errors": [{"message": "boom"}]}))
    params = {"resource": "extraction", "operation": "query", "sessionMode": "new", "url": "https://x.io",
              "prompt": "p"}
    err = error(run(fake_server, params))
    assert err["message"] == "The service was not able to process your request"
    assert paths(fake_server)[-1] == ("DELETE", "/sessions/s2")


def test_extraction_existing_session_api_errors_and_continue_on_fail(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows/w1/page-query",
          (200, {}, {"data": {}, "errors": [{"message": "Window not found"}, {"message": "retry"}]}))
    route("DELETE", "/sessions/s1", (200, {}, None))
    params = {"resource": "extraction", "operation": "query", "prompt": "p"}
    source = [{"json": {"sessionId": "s1", "windowId": "w1"}}]
    err = error(run(fake_server, params, items=source))
    assert err["message"] == "Window not found\nretry" and err["name"] == "NodeApiError"
    # as in n8n, a failure terminates the session even when it was an existing one
    assert paths(fake_server) == [("POST", "/sessions/s1/windows/w1/page-query"), ("DELETE", "/sessions/s1")]
    items = output(run(fake_server, params, items=source, continue_on_fail=True))
    assert len(items) == 1 and items[0]["json"] == {"error": "Window not found\nretry"}


def test_extraction_paginated_and_scrape(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows/w1/paginated-extraction", (200, {}, {"data": {"modelResponse": "[]"}}))
    route("POST", "/sessions/s1/windows/w1/scrape-content", (200, {}, {"data": {"scrapedContent": {"text": "t"}}}))
    ids = {"resource": "extraction", "sessionId": "s1", "windowId": "w1"}
    items = output(run(fake_server, {**ids, "prompt": "all products",
                                     "additionalFields": {"paginationMode": "infinite-scroll",
                                                          "interactionMode": "auto"}}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {"modelResponse": "[]"}}
    assert fake_server.last().json == {"prompt": "all products", "configuration": {
        "paginationMode": "infinite-scroll", "interactionMode": "auto"}}
    items = output(run(fake_server, {**ids, "operation": "scrape"}))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {"scrapedContent": {"text": "t"}}}
    assert fake_server.last().body == b""


def test_http_error_and_unsupported(fake_server):
    fake_server.route("DELETE", "/api/v1/sessions/s1", (401, {}, {"errors": [{"message": "bad key"}]}))
    err = error(run(fake_server, {"operation": "terminate", "sessionId": "s1"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    err = error(run(fake_server, {"operation": "waitForDownload", "sessionId": "s1"}))
    assert err["message"] == "Airtop: operation 'session/waitForDownload' is not supported yet"
    err = error(run(fake_server, {"resource": "file", "operation": "upload"}))
    assert "not supported yet" in err["message"]


# -- files, agents, the tool ----------------------------------------------------------------------


def test_file_get_many_paginates_with_return_all(fake_server):
    route = api(fake_server)

    def files(req):
        offset = int(req.arg("offset", "0"))
        more = offset == 0
        return 200, {}, {"data": {"files": [{"id": f"f{offset}"}], "pagination": {"hasMore": more}}, "meta": {}}
    route("GET", "/files", files)
    params = {"resource": "file", "returnAll": True, "sessionIds": "s1,s2", "outputSingleItem": False}
    items = output(run(fake_server, params))
    assert [it["json"] for it in items] == [{"id": "f0"}, {"id": "f100"}]
    assert [r.query for r in fake_server.requests] == [
        {"offset": ["0"], "limit": ["100"], "sessionIds": ["s1,s2"]},
        {"offset": ["100"], "limit": ["100"], "sessionIds": ["s1,s2"]}]
    items = output(run(fake_server, {"resource": "file", "returnAll": True}))
    assert items[0]["json"] == {"data": {"files": [{"id": "f0"}, {"id": "f100"}], "pagination": {"hasMore": False}}}
    items = output(run(fake_server, {"resource": "file", "limit": 5}))
    assert fake_server.last().query == {"sessionIds": [""], "limit": ["5"]}
    assert items[0]["json"]["data"]["files"] == [{"id": "f0"}]


def test_file_get_and_delete(fake_server):
    route = api(fake_server)
    route("GET", "/files/f1", (200, {}, {"data": {"id": "f1", "status": "available"}}))
    route("DELETE", "/files/f1", (200, {}, None))
    items = output(run(fake_server, {"resource": "file", "operation": "get", "fileId": "f1"}))
    assert items[0]["json"] == {"data": {"id": "f1", "status": "available"}}
    items = output(run(fake_server, {"resource": "file", "operation": "deleteFile", "fileId": "f1"}))
    assert items[0]["json"] == {"data": {"message": "File deleted successfully"}}
    err = error(run(fake_server, {"resource": "file", "operation": "get", "fileId": "f1", "outputBinaryFile": True}))
    assert "not supported yet" in err["message"]


def test_agent_run_polls_result(fake_server):
    hook = fake_server.url + "/api/hooks/agents/ag1/webhooks/wh1"
    fake_server.route("POST", "/api/hooks/agents/ag1/webhooks/wh1", (200, {}, {"invocationId": "inv1"}))
    results = iter([{}, {"status": "completed", "output": {"answer": 42}}])
    fake_server.route("GET", "/api/hooks/agents/ag1/invocations/inv1/result", lambda _r: (200, {}, next(results)))
    sleeps: list[float] = []
    params = {"resource": "agent", "webhookUrl": hook, "agentParameters": '{"q": "x"}'}
    items = output(run(fake_server, params, sleeps=sleeps))
    assert items[0]["json"] == {"invocationId": "inv1", "status": "completed", "output": {"answer": 42}}
    assert sleeps == [1] and fake_server.requests[0].json == {"q": "x"}
    items = output(run(fake_server, {**params, "awaitExecution": False}))
    assert items[0]["json"] == {"invocationId": "inv1"}
    err = error(run(fake_server, {**params, "webhookUrl": "https://nowhere"}))
    assert err["message"].startswith("Invalid agent webhook URL")


def test_tool_output_is_cleaned(fake_server):
    api(fake_server)("POST", "/sessions/s1/windows/w1/page-query", (200, {}, {"data": {"modelResponse": "yes"}}))
    params = {"resource": "extraction", "operation": "query", "prompt": "sign-up form?", "sessionId": "s1",
              "windowId": "w1", "descriptionType": "manual", "toolDescription": "Query the page"}
    items = output(run(fake_server, params, node_type="n8n-nodes-base.airtopTool"))
    assert items == [{"json": {"output": "yes"}, "pairedItem": {"item": 0}}]
    assert airtop_module.clean_for_tool([{"json": {"errors": [{"message": "no"}]}}]) == [
        {"json": {"output": "Error: no"}}]
    assert airtop_module.clean_for_tool([{"json": {"sessionId": "s", "data": {"a": 1}}}]) == [
        {"json": {"output": {"a": 1}}}]


@pytest.mark.parametrize("count", [2, 3])
def test_continue_on_fail_later_items_fail_as_in_n8n(fake_server, count):
    api(fake_server)("DELETE", "/sessions/s1", (200, {}, None))
    source = [{"json": {"sessionId": "s1"}}] * (count - 1) + [{"json": {}}]
    execution = run(fake_server, {"operation": "terminate"}, items=source, continue_on_fail=True)
    task = execution.run_data["N"][-1]
    expected = "Cannot read properties of undefined (reading '0')" if count == 2 else \
        "Could not get input with given index"
    assert task["error"]["message"] == expected
    assert [it["json"] for it in task["data"]["main"][0]] == [it["json"] for it in source]  # n8n passes the input through when the node fails


def test_parameters_are_checked_before_the_credential(fake_server):
    workflow = {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                           "parameters": {}, "position": [0, 0]},
                          {"name": "N", "type": NODE, "typeVersion": 1, "position": [200, 0],
                           "parameters": {"operation": "terminate"}}],
               "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}}
    err = error(execute(workflow, services=Services()))
    assert err["message"] == "Please fill the 'Session ID' parameter"
    workflow["nodes"][1]["parameters"]["sessionId"] = "s1"
    err = error(execute(workflow, services=Services()))
    assert "airtopApi" in err["message"]


def test_parse_json_output_errors_and_agent_timeout(fake_server):
    route = api(fake_server)
    route("POST", "/sessions/s1/windows/w1/page-query", (200, {}, {"data": {"modelResponse": "not json"}}))
    route("DELETE", "/sessions/s1", (200, {}, None))
    params = {"resource": "extraction", "operation": "query", "prompt": "p", "sessionId": "s1", "windowId": "w1",
              "additionalFields": {"parseJsonOutput": True, "outputSchema": '{"type": "object"}'}}
    assert error(run(fake_server, params))["message"] == "Output is not a valid JSON"
    # without a schema the answer is returned as is
    params["additionalFields"] = {"parseJsonOutput": True}
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"sessionId": "s1", "windowId": "w1", "data": {"modelResponse": "not json"}}
    agent = {"resource": "agent", "webhookUrl": "https://api.airtop.ai/api/hooks/agents/a/webhooks/w",
             "agentParameters": "{}", "timeout": 5}
    assert error(run(fake_server, agent))["message"] == "Timeout must be at least 10 seconds"
