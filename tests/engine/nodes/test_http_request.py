"""HTTP Request node through the real executor, against a local fake server."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fakes import FakeServer

from automatelanka.engine.executor import execute
from automatelanka.engine.state import Services

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def workflow(params: dict[str, Any], *, version: float = 4.2, items: list[dict[str, Any]] | None = None,
             credentials: dict[str, Any] | None = None, on_error: str | None = None) -> dict[str, Any]:
    data = json.dumps(items if items is not None else [{"json": {"a": 1}}])
    node: dict[str, Any] = {"name": "HTTP", "type": "n8n-nodes-base.httpRequest", "typeVersion": version,
                            "position": [400, 0], "parameters": params}
    if credentials:
        node["credentials"] = credentials
    if on_error:
        node["onError"] = on_error
    return {"nodes": [
        {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
        {"name": "Data", "type": "n8n-nodes-base.code", "typeVersion": 2, "position": [200, 0],
         "parameters": {"jsCode": f"return {data}"}}, node],
        "connections": {"Start": {"main": [[{"node": "Data", "type": "main", "index": 0}]]},
                        "Data": {"main": [[{"node": "HTTP", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"}}


def run(wf: dict[str, Any], services: Services | None = None):
    execution = execute(wf, services=services or Services())
    task = execution.state.run_data["HTTP"][-1]
    return execution, task


def out(wf: dict[str, Any], services: Services | None = None) -> list[dict[str, Any]]:
    execution, task = run(wf, services)
    assert execution.status == "success", task.get("error")
    return task["data"]["main"][0]


def creds(mapping: dict[str, dict[str, Any]]) -> Services:
    return Services(credentials=lambda kind, ref: mapping[kind])


# -- responses ------------------------------------------------------------------------------------

def test_array_body_becomes_one_item_per_element_paired_to_its_input(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/list", (200, {}, [{"id": 1}, {"id": 2}]))
    items = out(workflow({"url": fake_server.url + "/list"}, items=[{"json": {"a": 1}}, {"json": {"a": 2}}]))
    assert [i["json"] for i in items] == [{"id": 1}, {"id": 2}, {"id": 1}, {"id": 2}]
    assert [i["pairedItem"] for i in items] == [{"item": 0}, {"item": 0}, {"item": 1}, {"item": 1}]
    assert len(fake_server.requests) == 2


def test_text_and_null_and_empty_responses(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/t", (200, {}, "plain words"))
    fake_server.route("GET", "/null", (200, {"Content-Type": "application/json"}, b"null"))
    fake_server.route("GET", "/none", (204, {}, None))
    assert out(workflow({"url": fake_server.url + "/t"}))[0]["json"] == {"data": "plain words"}
    assert out(workflow({"url": fake_server.url + "/null"}))[0]["json"] == {}
    assert out(workflow({"url": fake_server.url + "/none"}))[0]["json"] == {}


def test_full_response_has_body_headers_status(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/o", (201, {"X-Thing": "1"}, {"ok": True}))
    item = out(workflow({"url": fake_server.url + "/o",
                         "options": {"response": {"response": {"fullResponse": True}}}}))[0]["json"]
    assert item["body"] == {"ok": True}
    assert item["statusCode"] == 201 and item["statusMessage"] == "Created"
    assert item["headers"]["x-thing"] == "1"


def test_file_response_keeps_input_json_and_adds_binary(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/img/pic.png", (200, {"Content-Type": "image/png"}, PNG))
    item = out(workflow({"url": fake_server.url + "/img/pic.png"}))[0]
    assert item["json"] == {"a": 1}
    entry = item["binary"]["data"]
    assert (entry["mimeType"], entry["fileName"], entry["fileExtension"]) == ("image/png", "pic.png", "png")
    assert base64.b64decode(entry["data"]) == PNG


def test_forced_file_format_with_output_property(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/", (200, {}, "abc"))
    item = out(workflow({"url": fake_server.url + "/", "options": {"response": {"response": {
        "responseFormat": "file", "outputPropertyName": "doc"}}}}))[0]
    assert item["binary"]["doc"]["fileName"] == "doc.txt"
    assert base64.b64decode(item["binary"]["doc"]["data"]) == b"abc"


def test_json_format_on_non_json_body_fails_with_n8n_message(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/t", (200, {}, "not json"))
    execution, task = run(workflow({"url": fake_server.url + "/t",
                                    "options": {"response": {"response": {"responseFormat": "json"}}}}))
    assert execution.status == "error"
    assert task["error"]["message"] == 'Response body is not valid JSON. Change "Response Format" to "Text"'


# -- request building -----------------------------------------------------------------------------

def test_query_headers_and_json_body_are_sent(fake_server: FakeServer) -> None:
    fake_server.route("POST", "/echo", (200, {}, {"ok": 1}))
    out(workflow({"method": "POST", "url": fake_server.url + "/echo",
                  "sendQuery": True, "queryParameters": {"parameters": [{"name": "q", "value": "x y"}]},
                  "sendHeaders": True, "headerParameters": {"parameters": [{"name": "X-Custom", "value": "={{ $json.a }}"}]},
                  "sendBody": True, "bodyParameters": {"parameters": [{"name": "user.id", "value": "={{ $json.a }}"}]}}))
    req = fake_server.last("POST", "/echo")
    assert req.query == {"q": ["x y"]}
    assert req.headers["x-custom"] == "1"
    assert req.headers["content-type"].startswith("application/json")
    assert req.json == {"user": {"id": 1}}  # v4+: dotted names nest (lodash set)


def test_repeated_query_names_become_arrays_from_v4_3(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/q", (200, {}, {}))
    params = {"url": fake_server.url + "/q", "sendQuery": True,
              "queryParameters": {"parameters": [{"name": "t", "value": "a"}, {"name": "t", "value": "b"}]}}
    out(workflow(params, version=4.3))
    assert fake_server.last().raw_query == "t%5B0%5D=a&t%5B1%5D=b"
    out(workflow(params, version=4.2))
    assert fake_server.last().raw_query == "t=b"
    out(workflow({**params, "options": {"queryParameterArrays": "repeat"}}, version=4.3))
    assert fake_server.last().raw_query == "t=a&t=b"


def test_form_urlencoded_multipart_raw_and_binary_bodies(fake_server: FakeServer) -> None:
    fake_server.route("POST", "/in", (200, {}, {}))
    binary_item = [{"json": {}, "binary": {"data": {"data": base64.b64encode(b"file!").decode(), "mimeType": "text/plain",
                                                    "fileName": "f.txt"}}}]
    out(workflow({"method": "POST", "url": fake_server.url + "/in", "sendBody": True, "contentType": "form-urlencoded",
                  "bodyParameters": {"parameters": [{"name": "k", "value": "v w"}]}}))
    req = fake_server.last()
    assert req.headers["content-type"] == "application/x-www-form-urlencoded" and req.form == {"k": ["v w"]}

    out(workflow({"method": "POST", "url": fake_server.url + "/in", "sendBody": True,
                  "contentType": "multipart-form-data", "bodyParameters": {"parameters": [
                      {"name": "field", "value": "v1"},
                      {"parameterType": "formBinaryData", "name": "up", "inputDataFieldName": "data"}]}},
                 items=binary_item))
    req = fake_server.last()
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="field"\r\n\r\nv1' in req.body
    assert b'name="up"; filename="f.txt"' in req.body and b"file!" in req.body

    out(workflow({"method": "POST", "url": fake_server.url + "/in", "sendBody": True, "contentType": "raw",
                  "rawContentType": "text/csv", "body": "a,b"}))
    req = fake_server.last()
    assert (req.headers["content-type"], req.body) == ("text/csv", b"a,b")

    out(workflow({"method": "POST", "url": fake_server.url + "/in", "sendBody": True, "contentType": "binaryData",
                  "inputDataFieldName": "data"}, items=binary_item))
    req = fake_server.last()
    assert (req.headers["content-type"], req.body) == ("text/plain", b"file!")


def test_invalid_url_is_a_clear_error() -> None:
    _execution, task = run(workflow({"url": "ftp://x"}))
    assert task["error"]["message"] == 'Invalid URL: ftp://x. URL must start with "http" or "https".'


# -- credentials ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "fields", "check"), [
    ("httpHeaderAuth", {"name": "X-Key", "value": "s3"}, lambda r: r.headers["x-key"] == "s3"),
    ("httpBearerAuth", {"token": "tok"}, lambda r: r.headers["authorization"] == "Bearer tok"),
    ("httpQueryAuth", {"name": "key", "value": "k"}, lambda r: r.arg("key") == "k"),
    ("httpBasicAuth", {"user": "u", "password": "p"},
     lambda r: r.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()),
])
def test_generic_credentials(fake_server: FakeServer, kind: str, fields: dict[str, Any], check) -> None:
    fake_server.route("GET", "/a", (200, {}, {"ok": True}))
    out(workflow({"url": fake_server.url + "/a", "authentication": "genericCredentialType", "genericAuthType": kind},
                 credentials={kind: {"id": "1", "name": "c"}}), creds({kind: fields}))
    assert check(fake_server.last())


def test_predefined_credentials_notion_and_unknown(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/n", (200, {}, {"ok": True}))
    params = {"url": fake_server.url + "/n", "authentication": "predefinedCredentialType",
              "nodeCredentialType": "notionApi"}
    out(workflow(params, credentials={"notionApi": {"id": "1", "name": "n"}}), creds({"notionApi": {"apiKey": "secret"}}))
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer secret" and "notion-version" in req.headers
    params["nodeCredentialType"] = "someOddApi"
    execution, task = run(workflow(params, credentials={"someOddApi": {"id": "2", "name": "o"}}),
                          creds({"someOddApi": {"x": 1}}))
    assert execution.status == "error" and "someOddApi" in task["error"]["message"]


def test_oauth2_refreshes_once_on_401(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/me", lambda r: (200, {}, {"me": 1}) if r.headers.get("authorization") == "Bearer new"
                      else (401, {}, {"error": "expired"}))
    refreshed: list[str] = []

    def refresh(kind: str, ref: dict[str, Any]) -> dict[str, Any]:
        refreshed.append(kind)
        return {"oauthTokenData": {"access_token": "new"}}

    services = Services(credentials=lambda kind, ref: {"oauthTokenData": {"access_token": "old"}},
                        refresh_credentials=refresh)
    items = out(workflow({"url": fake_server.url + "/me", "authentication": "genericCredentialType",
                          "genericAuthType": "oAuth2Api"}, credentials={"oAuth2Api": {"id": "1", "name": "o"}}),
                services)
    assert items[0]["json"] == {"me": 1} and refreshed == ["oAuth2Api"]

    def revoked(kind: str, ref: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("invalid_grant")

    services.refresh_credentials = revoked
    fake_server.route("GET", "/me", (401, {}, {"error": "expired"}))
    execution, task = run(workflow({"url": fake_server.url + "/me", "authentication": "genericCredentialType",
                                    "genericAuthType": "oAuth2Api"}, credentials={"oAuth2Api": {"id": "1", "name": "o"}}),
                          services)
    assert execution.status == "error" and "oAuth2Api" in task["error"]["message"]


# -- errors ---------------------------------------------------------------------------------------

def test_404_raises_n8n_api_error_and_continue_on_fail_gives_reason(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/missing", (404, {}, {"message": "nope"}))
    execution, task = run(workflow({"url": fake_server.url + "/missing"}))
    assert execution.status == "error"
    assert task["error"]["message"] == "The resource you are requesting could not be found"
    items = out(workflow({"url": fake_server.url + "/missing"}, on_error="continueRegularOutput"))
    error = items[0]["json"]["error"]
    assert error["status"] == 404 and error["name"] == "AxiosError" and error["code"] == "ERR_BAD_REQUEST"
    assert error["message"] == '404 - "{\\"message\\": \\"nope\\"}"'


def test_never_error_returns_the_body(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/err", (500, {}, {"bad": True}))
    items = out(workflow({"url": fake_server.url + "/err",
                          "options": {"response": {"response": {"neverError": True}}}}))
    assert items[0]["json"] == {"bad": True}


def test_connection_refused_is_clean(fake_server: FakeServer) -> None:
    port = fake_server.port
    fake_server.stop()
    execution, task = run(workflow({"url": f"http://127.0.0.1:{port}/x"}))
    assert execution.status == "error"
    assert task["error"]["message"] == "The service refused the connection - perhaps it is offline"
    items = out(workflow({"url": f"http://127.0.0.1:{port}/x"}, on_error="continueRegularOutput"))
    assert items[0]["json"]["error"] == {"message": f"connect ECONNREFUSED 127.0.0.1:{port}", "name": "Error",
                                         "code": "ECONNREFUSED"}
    fake_server.start = lambda: fake_server  # type: ignore[method-assign]
    fake_server.stop = lambda: None  # type: ignore[method-assign]


def test_timeout_option(fake_server: FakeServer) -> None:
    import time

    fake_server.route("GET", "/slow", lambda r: (time.sleep(0.5), (200, {}, {}))[1])
    execution, task = run(workflow({"url": fake_server.url + "/slow", "options": {"timeout": 100}}))
    assert execution.status == "error" and "timed out" in task["error"]["message"]


# -- redirects, pagination, batching ----------------------------------------------------------------

def test_redirects_follow_by_default_from_v4_and_can_be_disabled(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/r", (302, {"Location": "/target"}, None))
    fake_server.route("GET", "/target", (200, {}, {"landed": True}))
    assert out(workflow({"url": fake_server.url + "/r"}))[0]["json"] == {"landed": True}
    items = out(workflow({"url": fake_server.url + "/r", "options": {
        "redirect": {"redirect": {"followRedirects": False}},
        "response": {"response": {"fullResponse": True, "neverError": True}}}}))
    assert items[0]["json"]["statusCode"] == 302
    fake_server.route("GET", "/loop", (302, {"Location": "/loop"}, None))
    execution, task = run(workflow({"url": fake_server.url + "/loop",
                                    "options": {"redirect": {"redirect": {"maxRedirects": 3}}}}))
    assert execution.status == "error" and "redirects" in task["error"]["message"]


def test_pagination_update_parameter_until_empty(fake_server: FakeServer) -> None:
    def pages(req):
        page = int(req.arg("page", "1"))
        return 200, {}, [] if page > 3 else [{"page": page}]

    fake_server.route("GET", "/p", pages)
    items = out(workflow({"url": fake_server.url + "/p", "options": {"pagination": {"pagination": {
        "parameters": {"parameters": [{"name": "page", "value": "={{ $pageCount + 1 }}"}]},
        "paginationCompleteWhen": "responseIsEmpty"}}}}))
    assert [i["json"] for i in items] == [{"page": 1}, {"page": 2}, {"page": 3}]
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2", "3", "4"]


def test_pagination_next_url_with_complete_expression_and_max_pages(fake_server: FakeServer) -> None:
    def cursor(req):
        n = int(req.arg("c", "0"))
        return 200, {}, {"n": n, "next": f"{fake_server.url}/c?c={n + 1}" if n < 4 else None}

    fake_server.route("GET", "/c", cursor)
    base = {"paginationMode": "responseContainsNextURL", "nextURL": "={{ $response.body.next }}",
            "paginationCompleteWhen": "other", "completeExpression": "={{ !$response.body.next }}"}
    items = out(workflow({"url": fake_server.url + "/c", "options": {"pagination": {"pagination": base}}}))
    assert [i["json"]["n"] for i in items] == [0, 1, 2, 3, 4]
    items = out(workflow({"url": fake_server.url + "/c", "options": {"pagination": {"pagination": {
        **base, "limitPagesFetched": True, "maxRequests": 2}}}}))
    assert [i["json"]["n"] for i in items] == [0, 1]


def test_pagination_stops_on_status_code(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/s", lambda r: (200, {}, {"p": r.arg("page")}) if r.arg("page") != "3"
                      else (404, {}, {"done": True}))
    items = out(workflow({"url": fake_server.url + "/s", "options": {"pagination": {"pagination": {
        "parameters": {"parameters": [{"name": "page", "value": "={{ $pageCount + 1 }}"}]},
        "paginationCompleteWhen": "receiveSpecificStatusCodes", "statusCodesWhenComplete": "404"}}}}))
    assert [i["json"] for i in items] == [{"p": "1"}, {"p": "2"}, {"done": True}]


def test_batching_sleeps_between_batches(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/b", (200, {}, {}))
    slept: list[float] = []
    out(workflow({"url": fake_server.url + "/b", "options": {"batching": {"batch": {"batchSize": 2, "batchInterval": 250}}}},
                 items=[{"json": {"i": n}} for n in range(5)]), Services(sleep=slept.append))
    assert slept == [0.25, 0.25]
    assert len(fake_server.requests) == 5


# -- legacy versions --------------------------------------------------------------------------------

def test_v1_split_into_items_and_string_format(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/arr", (200, {}, [{"x": 1}, {"x": 2}]))
    items = out(workflow({"url": fake_server.url + "/arr", "options": {"splitIntoItems": True}}, version=1))
    assert [i["json"] for i in items] == [{"x": 1}, {"x": 2}]
    items = out(workflow({"url": fake_server.url + "/arr", "responseFormat": "string", "options": {}}, version=1))
    assert items[0]["json"] == {"data": [{"x": 1}, {"x": 2}]}  # json: true parses even "string" bodies


def test_v2_header_auth_and_json_body(fake_server: FakeServer) -> None:
    fake_server.route("POST", "/v2", (200, {}, {"ok": True}))
    out(workflow({"requestMethod": "POST", "url": fake_server.url + "/v2", "authentication": "genericCredentialType",
                  "genericAuthType": "httpHeaderAuth", "jsonParameters": True, "bodyParametersJson": '{"x": 1}',
                  "options": {}}, version=2, credentials={"httpHeaderAuth": {"id": "1", "name": "h"}}),
        creds({"httpHeaderAuth": {"name": "X-Key", "value": "v"}}))
    req = fake_server.last()
    assert req.json == {"x": 1} and req.headers["x-key"] == "v"


def test_query_in_the_url_is_merged_with_query_parameters(fake_server):
    """n8n keeps the URL's own query string and adds the node's query parameters to it."""
    from automatelanka.engine.nodes import _http

    fake_server.route("GET", "/merge", lambda req: (200, {"Content-Type": "application/json"}, b"{}"))

    from types import SimpleNamespace

    from automatelanka.engine.state import Services

    ctx = SimpleNamespace(state=SimpleNamespace(services=Services()))  # all _http.request reads
    _http.request(ctx, "GET", f"{fake_server.url}/merge?page=2", params={"q": "x"})
    assert fake_server.requests[-1].query == {"page": ["2"], "q": ["x"]}
