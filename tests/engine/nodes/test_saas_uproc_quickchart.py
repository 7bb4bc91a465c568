"""uProc and QuickChart nodes against local fakes."""

from __future__ import annotations

import base64
import json

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


# -- QuickChart ------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\nfake-chart"
PNG_ENTRY = {"mimeType": "image/png", "fileType": "image", "fileExtension": "png",
             "data": base64.b64encode(PNG).decode(), "fileSize": "18 B"}
CHART_OPTIONS = ("backgroundColor", "devicePixelRatio", "format", "height", "horizontal", "width")


def quickchart_api(req):
    """QuickChart ``GET /chart``: ``chart`` is a Chart.js config in JSON; the image type follows ``format``."""
    if req.method != "GET" or "chart" not in req.query or "authorization" in req.headers:
        return 400, {}, "Bad request"
    try:
        chart = json.loads(req.arg("chart"))
    except ValueError:
        return 400, {"Content-Type": "text/plain"}, "Invalid chart"
    if set(req.query) - {"chart", *CHART_OPTIONS} or not isinstance(chart.get("data"), dict):
        return 400, {"Content-Type": "text/plain"}, "Unknown parameter"
    fmt = req.arg("format", "png")
    if fmt == "svg":
        return 200, {"Content-Type": "image/svg+xml; charset=utf-8"}, b"<svg></svg>"
    return 200, {"Content-Type": "image/png"}, PNG


def qc(server, params, **kw):
    server.route("GET", "/chart", quickchart_api)
    return run_service("n8n-nodes-base.quickChart", 1, params, base_urls={"quickChart": server.url}, **kw)


def test_quickchart_manual_labels_one_dataset_per_item(fake_server):
    items = [{"json": {"v": [1, 2]}}, {"json": {"v": [3, 4.5]}}]
    params = {"labelsUi": {"labelsValues": [{"label": "Jan"}, {"label": "={{ ['Feb', 'Mar'] }}"}, {}]},
              "data": "={{ $json.v }}",
              "chartOptions": {"width": 600, "format": "png", "height": 600, "backgroundColor": "#ffffff"},
              "datasetOptions": {"borderColor": "#000", "label": "={{ 'Sales ' + $itemIndex }}",
                                 "fill": False}}
    result = output(qc(fake_server, params, items=items))
    chart = {"type": "bar", "data": {"labels": ["Jan", "Feb", "Mar", ""], "datasets": [
        {"label": "Sales 0", "data": [1, 2], "borderColor": "#000", "type": "bar"},
        {"label": "Sales 1", "data": [3, 4.5], "borderColor": "#000", "type": "bar"}]}}
    # two items in, one chart out: nothing to pair it with unambiguously
    assert result == [{"binary": {"data": PNG_ENTRY}, "json": {"chart": chart}}]
    req = fake_server.last()
    assert req.path == "/chart"
    # n8n's getNodeParameters orders a collection's values by the node's option order
    assert list(req.query) == ["chart", "backgroundColor", "format", "height", "width"]
    assert req.query["width"] == ["600"] and req.query["backgroundColor"] == ["#ffffff"]
    assert req.arg("chart") == ('{"type":"bar","data":{"labels":["Jan","Feb","Mar",""],"datasets":['
                                '{"label":"Sales 0","data":[1,2],"borderColor":"#000","type":"bar"},'
                                '{"label":"Sales 1","data":[3,4.5],"borderColor":"#000","type":"bar"}]}}')


def test_quickchart_labels_array_line_chart_svg(fake_server):
    items = [{"json": {"chart": {"labels": ["a", "b"], "values": [5, 6]}}}]
    params = {"data": "={{ $json.chart.values }}", "chartType": "line", "labelsMode": "array",
              "labelsArray": "={{ $json.chart.labels }}", "output": "bar_chart", "chartOptions": {"format": "svg"},
              "datasetOptions": {"fill": False, "pointStyle": "star", "label": ""}}
    result = output(qc(fake_server, params, items=items))
    chart = {"type": "line", "data": {"labels": ["a", "b"], "datasets": [
        {"label": "Chart", "data": [5, 6], "type": "line", "fill": False, "pointStyle": "star"}]}}
    svg = {"mimeType": "image/svg+xml", "fileType": "image", "fileExtension": "svg",
           "data": base64.b64encode(b"<svg></svg>").decode(), "fileSize": "11 B"}
    assert result == [{"binary": {"bar_chart": svg}, "json": {"chart": chart}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query["format"] == ["svg"]


def test_quickchart_json_labels_horizontal_bar_and_raw_data(fake_server):
    params = {"labelsMode": "array", "labelsArray": '["Berlin", "Paris"]', "data": "[60, 10]",
              "chartOptions": {"horizontal": True}}
    result = output(qc(fake_server, params))
    # a json parameter typed in is sent as the text n8n holds, not parsed
    assert result[0]["json"]["chart"] == {"type": "horizontalBar", "data": {"labels": ["Berlin", "Paris"], "datasets": [
        {"label": "Chart", "data": "[60, 10]", "type": "horizontalBar"}]}}
    assert fake_server.last().query["horizontal"] == ["true"]
    assert result[0]["binary"]["data"] == PNG_ENTRY


def test_quickchart_invalid_labels_array(fake_server):
    message = "Labels Array is not a valid array, use valid JSON format, or specify it by expressions"
    for labels in ("Berlin, Paris", '{"a": 1}', "={{ 5 }}"):
        err = error(qc(fake_server, {"labelsMode": "array", "labelsArray": labels, "data": "={{ [1] }}"}))
        assert err["message"] == message
    assert fake_server.requests == []


def test_quickchart_http_error(fake_server):
    fake_server.route("GET", "/chart", (400, {"Content-Type": "text/plain"}, "Invalid chart"))
    execution = run_service("n8n-nodes-base.quickChart", 1, {"data": "={{ [1] }}"},
                            base_urls={"quickChart": fake_server.url})
    err = error(execution)
    assert (err["message"], err["name"]) == ("Request failed with status code 400", "AxiosError")
    execution = run_service("n8n-nodes-base.quickChart", 1, {"data": "={{ [1] }}"},
                            base_urls={"quickChart": fake_server.url}, continue_on_fail=True)
    # the node throws (no continueOnFail of its own): the run keeps the error, the input passes through
    task = execution.run_data["N"][-1]
    assert task["error"]["message"] == "Request failed with status code 400"
    assert task["data"]["main"][0] == [{"json": {}, "pairedItem": {"item": 0}}]


def test_quickchart_unreachable_service():
    execution = run_service("n8n-nodes-base.quickChart", 1, {"data": "={{ [1] }}"},
                            base_urls={"quickChart": "http://127.0.0.1:9"})
    assert error(execution)["message"] == "connect ECONNREFUSED 127.0.0.1:9"
