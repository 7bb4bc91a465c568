"""uProc and QuickChart nodes against local fakes."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

from automatelanka.engine.nodes.uproc import processor_key, tool_fields

pytest_plugins = ("fakes",)

UP = {"uprocApi": {"email": "me@example.com", "apiKey": "up-key"}}
UP_AUTH = "Basic " + base64.b64encode(b"me@example.com:up-key").decode()
#: required parameters of the tools the fake knows (as the uProc catalogue documents them)
UP_REQUIRED = {"check-email-exists": ["email"], "get-url-screenshot": ["url"], "get-company-by-name": ["name"],
               "check-domain-exist": ["domain"], "get-domain-records": ["domain"]}


def uproc_api(req):
    """uProc API v2 ``POST /process``: Basic email:apiKey, JSON ``{processor, params}``."""
    if req.method != "POST" or req.headers.get("content-type", "").split(";")[0] != "application/json":
        return 400, {}, {"message": "Bad request"}
    if req.headers.get("authorization") != UP_AUTH:
        return 401, {}, {"message": "Unauthorized"}
    body = req.json
    processor, params = body.get("processor"), body.get("params")
    if processor not in UP_REQUIRED or not isinstance(params, dict):
        return 404, {}, {"message": f"Processor {processor} not found"}
    if any(not isinstance(v, str) for v in params.values()):
        return 400, {}, {"message": "Parameters must be strings"}
    missing = [name for name in UP_REQUIRED[processor] if not params.get(name)]
    if missing:
        return 400, {}, {"message": f"Missing parameter: {missing[0]}"}
    if processor == "get-domain-records":
        return 200, {}, [{"type": "A", "value": "1.2.3.4"}, {"type": "MX", "value": "mx." + params["domain"]}]
    return 200, {}, {"processor": processor, "params": params, "result": f"ok:{processor}", "cost": 1}


def up(server, params, **kw):
    server.route("POST", "/api/v2/process", uproc_api)
    return run_service("n8n-nodes-base.uproc", 1, params, credentials=UP,
                       base_urls={"uproc": server.url + "/api/v2"}, **kw)


def test_uproc_tool_fields_follow_n8n_merged_parameter_order():
    assert tool_fields("image", "getUrlScreenshot") == ["url", "useragent", "width", "fullpage", "selector",
                                                        "delay", "viewport"]
    assert tool_fields("company", "getCompanyByName") == ["country", "name"]
    assert tool_fields("communication", "checkEmailExists") == ["email"]
    assert tool_fields("image", "checkEmailExists") == []  # email is never shown for the image group
    assert processor_key("getUrlScreenshot") == "get-url-screenshot"
    assert processor_key("checkCIFValid") == "check-cifvalid"


def test_uproc_check_email_default_group_per_item(fake_server):
    items = [{"json": {"email": "a@x.io"}}, {"json": {"email": "b@x.io"}}]
    params = {"tool": "checkEmailExists", "email": "={{ $json.email }}", "additionalOptions": {}}
    result = output(up(fake_server, params, items=items))
    assert result == [
        {"json": {"processor": "check-email-exists", "params": {"email": "a@x.io"}, "result":
                  "ok:check-email-exists", "cost": 1}, "pairedItem": {"item": 0}},
        {"json": {"processor": "check-email-exists", "params": {"email": "b@x.io"}, "result":
                  "ok:check-email-exists", "cost": 1}, "pairedItem": {"item": 1}},
    ]
    req = fake_server.last()
    assert (req.method, req.path, req.query) == ("POST", "/api/v2/process", {})
    assert req.json == {"processor": "check-email-exists", "params": {"email": "b@x.io"}}


def test_uproc_screenshot_params_in_n8n_order_with_callback(fake_server):
    params = {"url": "{{ $env.BASE_URL }}", "tool": "getUrlScreenshot", "group": "image", "width": "640",
              "fullpage": "yes", "additionalOptions": {"dataWebhook": "https://hooks.example/uproc"}}
    result = output(up(fake_server, params))
    assert result[0]["json"]["result"] == "ok:get-url-screenshot"
    body = fake_server.last().json
    assert body == {"processor": "get-url-screenshot",
                    "params": {"url": "{{ $env.BASE_URL }}", "useragent": "", "width": "640", "fullpage": "yes",
                               "selector": "", "delay": "", "viewport": ""},
                    "callback": {"data": "https://hooks.example/uproc"}}
    assert list(body["params"]) == ["url", "useragent", "width", "fullpage", "selector", "delay", "viewport"]


def test_uproc_values_stringified_like_js(fake_server):
    items = [{"json": {"company": "Acme", "country": 34, "flag": True}}]
    params = {"name": "={{ $json.company }}", "tool": "getCompanyByName", "group": "company",
              "country": "={{ $json.country }}", "additionalOptions": {}}
    output(up(fake_server, params, items=items))
    body = fake_server.last().json
    assert list(body["params"].items()) == [("country", "34"), ("name", "Acme")]


def test_uproc_default_tool_of_group_and_array_answer(fake_server):
    result = output(up(fake_server, {"group": "internet", "domain": "example.com"}))
    assert fake_server.last().json == {"processor": "check-domain-exist", "params": {"domain": "example.com"}}
    assert result == [{"json": {"processor": "check-domain-exist", "params": {"domain": "example.com"},
                                "result": "ok:check-domain-exist", "cost": 1}, "pairedItem": {"item": 0}}]
    params = {"tool": "getDomainRecords", "group": "internet", "domain": "= {{ 'example.com' }}",
              "additionalOptions": {}}
    result = output(up(fake_server, params))
    # the leading space of "= {{...}}" is part of the value, as in n8n
    assert fake_server.last().json["params"] == {"domain": " example.com"}
    assert result == [{"json": {"type": "A", "value": "1.2.3.4"}, "pairedItem": {"item": 0}},
                      {"json": {"type": "MX", "value": "mx. example.com"}, "pairedItem": {"item": 0}}]


def test_uproc_api_error_and_continue_on_fail(fake_server):
    params = {"tool": "checkEmailExists", "email": "", "additionalOptions": {}}
    err = error(up(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Missing parameter: email"
    items = [{"json": {"email": ""}}, {"json": {"email": "ok@x.io"}}]
    params = {"tool": "checkEmailExists", "email": "={{ $json.email }}", "additionalOptions": {}}
    result = output(up(fake_server, params, items=items, continue_on_fail=True))
    assert result[0] == {"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}
    assert result[1]["json"]["result"] == "ok:check-email-exists"


def test_uproc_bad_credentials_and_unknown_group(fake_server):
    fake_server.route("POST", "/api/v2/process", uproc_api)
    execution = run_service("n8n-nodes-base.uproc", 1, {"tool": "checkEmailExists", "email": "a@x.io"},
                            credentials={"uprocApi": {"email": "me@example.com", "apiKey": "wrong"}},
                            base_urls={"uproc": fake_server.url + "/api/v2"})
    assert error(execution)["message"] == "Authorization failed - please check your credentials"
    err = error(up(fake_server, {"group": "nope", "tool": "checkEmailExists"}))
    assert err["message"] == "Could not get parameter"
