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


FM = {"fileMaker": {"host": "fm.example.com", "db": "Contacts", "login": "admin", "password": "pw"}}
FM_OK = {"code": "0", "message": "OK"}
DB = "/databases/Contacts"
LAYOUT = f"{DB}/layouts/My%20Form%20Layout"


def fm(server, params, **kw):
    return run_service("n8n-nodes-base.filemaker", 1, {"layout": "My Form Layout", **params}, credentials=FM,
                       base_urls={"filemaker": server.url}, **kw)


def fm_server(server):
    """Session login/logout like the Data API: basic auth in, token out; the token is required."""
    import base64

    basic = "Basic " + base64.b64encode(b"admin:pw").decode()

    def login(req):
        if req.headers.get("authorization") != basic:
            return (401, {}, {"messages": [{"code": "212", "message": "Invalid user account and/or password"}],
                              "response": {}})
        return (200, {}, {"response": {"token": "tok1"}, "messages": [FM_OK]})

    server.route("POST", f"{DB}/sessions", login)
    server.route("DELETE", f"{DB}/sessions/tok1", (200, {}, {"response": {}, "messages": [FM_OK]}))


def _authed(answer):
    def handle(req):
        if req.headers.get("authorization") != "Bearer tok1":
            return (401, {}, {"messages": [{"code": "952", "message": "Invalid FileMaker Data API token (*)"}],
                              "response": {}})
        return answer(req) if callable(answer) else answer
    return handle


def test_filemaker_create_logs_in_and_out(fake_server):
    fm_server(fake_server)
    created = {"response": {"recordId": "12", "modId": "0"}, "messages": [FM_OK]}
    fake_server.route("POST", f"{LAYOUT}/records", _authed((200, {}, created)))
    params = {"action": "create", "fieldsParametersUi": {"fields": [{"name": "first_name", "value": "Harshil"},
                                                                    {"name": "last_name", "value": "Agrawal"}]}}
    items = output(fm(fake_server, params, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": created, "pairedItem": {"item": n}} for n in range(2)]
    login = fake_server.requests[0]
    assert (login.method, login.path) == ("POST", f"{DB}/sessions")
    assert login.json == {"fmDataSource": [{"database": "fm.example.com", "username": "admin", "password": "pw"}]}
    req = fake_server.last("POST", f"{LAYOUT}/records")
    assert req.json == {"fieldData": {"first_name": "Harshil", "last_name": "Agrawal"}, "portalData": {}}
    assert req.headers["content-type"] == "application/json"
    assert [(r.method, r.path) for r in fake_server.requests].count(("POST", f"{DB}/sessions")) == 1
    assert (fake_server.requests[-1].method, fake_server.requests[-1].path) == ("DELETE", f"{DB}/sessions/tok1")


def test_filemaker_edit_record_and_performscript(fake_server):
    fm_server(fake_server)
    fake_server.route("PATCH", f"{LAYOUT}/records/12", _authed((200, {}, {"response": {"modId": "1"},
                                                                           "messages": [FM_OK]})))
    params = {"action": "edit", "recid": 12, "modId": 0,
              "fieldsParametersUi": {"fields": [{"name": "address_country", "value": "Germany"}]}}
    items = output(fm(fake_server, params))
    assert items[0]["json"]["response"] == {"modId": "1"}
    assert fake_server.last("PATCH").json == {"fieldData": {"address_country": "Germany"}, "portalData": {}}
    record = {"response": {"data": [{"fieldData": {"first_name": "Harshil"}, "recordId": "12"}]},
              "messages": [FM_OK]}
    fake_server.route("GET", f"{LAYOUT}/records/12", _authed((200, {}, record)))
    items = output(fm(fake_server, {"recid": "12"}))  # default action: record
    assert items == [{"json": record, "pairedItem": {"item": 0}}]
    assert fake_server.last("GET").query == {"portal": ["[]"]}
    fake_server.route("GET", f"{LAYOUT}/script/processWebhook",
                      _authed((200, {}, {"response": {"scriptResult": "ok", "scriptError": "0"},
                                         "messages": [FM_OK]})))
    items = output(fm(fake_server, {"action": "performscript", "script": "processWebhook", "scriptParam": "12"}))
    assert items[0]["json"]["response"]["scriptResult"] == "ok"
    assert fake_server.last("GET").query == {"script.param": ["12"]}


def test_filemaker_find_records_duplicate_delete(fake_server):
    fm_server(fake_server)
    found = {"response": {"dataInfo": {"foundCount": 1}, "data": [{"recordId": "3"}]}, "messages": [FM_OK]}
    fake_server.route("POST", f"{LAYOUT}/_find", _authed((200, {}, found)))
    params = {"action": "find", "offset": 1, "limit": 10,
              "queries": {"query": [{"fields": {"field": [{"name": "city", "value": "Berlin"}]}, "omit": False}]},
              "setSort": True, "sortParametersUi": {"rules": [{"name": "city", "value": "descend"}]},
              "setScriptBefore": True, "scriptBefore": "Prep", "scriptBeforeParam": "x"}
    assert output(fm(fake_server, params))[0]["json"] == found
    assert fake_server.last("POST", f"{LAYOUT}/_find").json == {
        "query": [{"omit": "false", "city": "Berlin"}], "offset": 1, "limit": 10, "layout.response": "",
        "script.prerequest": "Prep", "script.prerequest.param": "x",
        "sort": [{"fieldName": "city", "sortOrder": "descend"}]}
    fake_server.route("GET", f"{LAYOUT}/records", _authed((200, {}, found)))
    params = {"action": "records", "limit": 5, "getPortals": True, "portals": ["Orders"]}
    assert output(fm(fake_server, params))[0]["json"] == found
    assert fake_server.last("GET", f"{LAYOUT}/records").query == {"_offset": ["1"], "_limit": ["5"],
                                                                  "portal": ['["Orders"]']}
    # like n8n, "Sort Data?" on Get Records fails (n8n sets .sort on an undefined body)
    err = error(fm(fake_server, {"action": "records", "setSort": True}))
    assert err["message"] == 'The action "Cannot set properties of undefined (setting \'sort\')" is not implemented yet!'
    fake_server.route("POST", f"{LAYOUT}/records/3", _authed((200, {}, {"response": {"recordId": "4"},
                                                                       "messages": [FM_OK]})))
    assert output(fm(fake_server, {"action": "duplicate", "recid": 3}))[0]["json"]["response"] == {"recordId": "4"}
    assert fake_server.last("POST", f"{LAYOUT}/records/3").body == b""
    fake_server.route("DELETE", f"{LAYOUT}/records/3", _authed((200, {}, {"response": {}, "messages": [FM_OK]})))
    assert output(fm(fake_server, {"action": "delete", "recid": 3}))[0]["json"]["messages"] == [FM_OK]


def test_filemaker_errors(fake_server):
    fm_server(fake_server)
    missing = {"messages": [{"code": "101", "message": "Record is missing"}], "response": {}}
    fake_server.route("GET", f"{LAYOUT}/records/99", _authed((404, {}, missing)))
    # an error answer of the Data API is the item's output, as in n8n
    assert output(fm(fake_server, {"recid": 99})) == [{"json": missing, "pairedItem": {"item": 0}}]
    fake_server.route("GET", f"{LAYOUT}/records/98", (500, {"Content-Type": "text/html"}, "<html>down</html>"))
    err = error(fm(fake_server, {"recid": 98}))
    assert err["message"] == "DataAPI response body is not valid JSON. Is the DataAPI enabled?"
    items = output(fm(fake_server, {"recid": 98}, continue_on_fail=True))
    assert items == [{"json": {"error": "DataAPI response body is not valid JSON. Is the DataAPI enabled?"},
                      "pairedItem": {"item": 0}}]
    bad = {"fileMaker": {**FM["fileMaker"], "password": "nope"}}
    err = error(run_service("n8n-nodes-base.filemaker", 1, {"recid": 1, "layout": "L"}, credentials=bad,
                            base_urls={"filemaker": fake_server.url}))
    assert err["message"] == "212 - Invalid user account and/or password"
    before = len(fake_server.requests)
    err = error(fm(fake_server, {"action": "login"}))
    assert err["message"] == "FileMaker: operation 'login' is not supported yet"
    assert len(fake_server.requests) == before
