"""Phantombuster and FileMaker nodes against local fakes."""

from __future__ import annotations

import json

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

PB = {"phantombusterApi": {"apiKey": "pb-key"}}
PB_ERROR = (401, {}, {"status": "error", "error": "Invalid API key"})


def pb(server, params, **kw):
    return run_service("n8n-nodes-base.phantombuster", 1, params, credentials=PB,
                       base_urls={"phantombuster": server.url}, **kw)


def _keyed(answer):
    """A Phantombuster route that checks the API key header like the real API."""
    def handle(req):
        if req.headers.get("x-phantombuster-key") != "pb-key":
            return PB_ERROR
        return answer(req) if callable(answer) else answer
    return handle


def test_phantombuster_launch_json_arguments_resolves_container(fake_server):
    fake_server.route("POST", "/agents/launch", _keyed((200, {}, {"containerId": "c9"})))
    container = {"id": "c9", "status": "running", "agentId": "a1"}
    fake_server.route("GET", "/containers/fetch", _keyed(
        lambda req: (200, {}, container) if req.arg("id") == "c9" else (404, {}, {"error": "Not found"})))
    params = {"agentId": "a1", "jsonParameters": True,
              "additionalFields": {"argumentsJson": '{"sessionCookie": "x"}', "bonusArgumentJson": "",
                                   "manualLaunch": True}}
    items = output(pb(fake_server, params))
    assert items == [{"json": container, "pairedItem": {"item": 0}}]
    req = fake_server.last("POST", "/agents/launch")
    assert req.headers["content-type"].startswith("application/json")
    # like n8n, an empty bonusArgumentJson stays in additionalFields and is sent as is
    assert req.json == {"id": "a1", "arguments": {"sessionCookie": "x"}, "bonusArgumentJson": "",
                        "manualLaunch": True}


def test_phantombuster_launch_key_value_arguments_without_resolve(fake_server):
    fake_server.route("POST", "/agents/launch", _keyed((200, {}, {"containerId": "c1"})))
    params = {"agentId": "a1", "resolveData": False,
              "additionalFields": {"argumentsUi": {"argumentValues": [{"key": "q", "value": "ceo"}]},
                                   "maxInstanceCount": 2}}
    items = output(pb(fake_server, params))
    assert items == [{"json": {"containerId": "c1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"id": "a1", "arguments": {"q": "ceo"}, "bonusArgument": {},
                                       "maxInstanceCount": 2}
    err = error(pb(fake_server, {"agentId": "a1", "jsonParameters": True,
                                 "additionalFields": {"argumentsJson": "{bad"}}))
    assert err["message"] == "Arguments must provide a valid JSON"


def test_phantombuster_get_output_resolves_result_object(fake_server):
    fake_server.route("GET", "/agents/fetch-output", _keyed((200, {}, {"containerId": "c2", "status": "finished",
                                                                       "output": "log"})))
    profiles = [{"general": {"fullName": "Ann"}}, {"general": {"fullName": "Bo"}}]
    fake_server.route("GET", "/containers/fetch-result-object",
                      _keyed((200, {}, {"id": "c2", "resultObject": json.dumps(profiles)})))
    params = {"operation": "getOutput", "agentId": "a7", "additionalFields": {"prevStatus": "running"}}
    items = output(pb(fake_server, params))
    assert items == [{"json": p, "pairedItem": {"item": 0}} for p in profiles]
    assert fake_server.last("GET", "/agents/fetch-output").query == {"prevStatus": ["running"], "id": ["a7"]}
    assert fake_server.last("GET", "/containers/fetch-result-object").query == {"id": ["c2"]}
    # a null result object gives one empty item; without resolveData the raw output is returned
    fake_server.route("GET", "/containers/fetch-result-object", _keyed((200, {}, {"resultObject": None})))
    assert output(pb(fake_server, params)) == [{"json": {}, "pairedItem": {"item": 0}}]
    items = output(pb(fake_server, {**params, "resolveData": False}))
    assert items == [{"json": {"containerId": "c2", "status": "finished", "output": "log"},
                      "pairedItem": {"item": 0}}]


def test_phantombuster_get_get_all_limit_and_delete(fake_server):
    agents = [{"id": str(n), "name": f"agent {n}"} for n in range(4)]
    fake_server.route("GET", "/agents/fetch-all", _keyed((200, {}, agents)))
    items = output(pb(fake_server, {"operation": "getAll", "limit": 2}))
    assert [it["json"] for it in items] == agents[:2]
    items = output(pb(fake_server, {"operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == agents
    fake_server.route("GET", "/agents/fetch", _keyed(lambda req: (200, {}, agents[int(req.arg("id"))])))
    assert output(pb(fake_server, {"operation": "get", "agentId": "3"}))[0]["json"] == agents[3]
    fake_server.route("POST", "/agents/delete", _keyed((200, {}, None)))
    items = output(pb(fake_server, {"operation": "delete", "agentId": "3"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"id": "3"}


def test_phantombuster_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/agents/fetch", _keyed((200, {}, {})))
    bad = {"phantombusterApi": {"apiKey": "wrong"}}
    run = run_service("n8n-nodes-base.phantombuster", 1, {"operation": "get", "agentId": "1"}, credentials=bad,
                      base_urls={"phantombuster": fake_server.url})
    err = error(run)
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Invalid API key" and err["httpCode"] == "401"
    run = run_service("n8n-nodes-base.phantombuster", 1, {"operation": "get", "agentId": "1"}, credentials=bad,
                      base_urls={"phantombuster": fake_server.url}, continue_on_fail=True,
                      items=[{"json": {}}, {"json": {}}])
    items = output(run)
    assert items == [{"json": {"error": err["message"]}, "pairedItem": {"item": n}} for n in range(2)]


def test_phantombuster_unsupported_operation(fake_server):
    err = error(pb(fake_server, {"operation": "abort"}))
    assert err["message"] == "Phantombuster: operation 'agent/abort' is not supported yet"
    assert fake_server.requests == []
