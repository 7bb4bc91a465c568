"""Dropcontact and Strapi nodes against local fakes of their APIs."""

from __future__ import annotations

from typing import Any

from svc_harness import error, output

from automatelanka.engine.executor import execute
from automatelanka.engine.state import Services

pytest_plugins = ("fakes",)

DC_KEY = "dc-key"


def run(node_type: str, params: dict[str, Any], credentials: dict[str, dict[str, Any]], *,
        items: list[dict[str, Any]] | None = None, base_urls: dict[str, str] | None = None,
        continue_on_fail: bool = False, sleeps: list[float] | None = None):
    """Start -> node ``N`` with recorded (instant) sleeps."""
    node: dict[str, Any] = {"name": "N", "type": node_type, "typeVersion": 1, "parameters": params,
                            "position": [200, 0], "credentials": {k: {"id": "1", "name": k} for k in credentials}}
    if continue_on_fail:
        node["onError"] = "continueRegularOutput"
    workflow = {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                           "parameters": {}, "position": [0, 0]}, node],
                "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}},
                "settings": {"executionOrder": "v1"}}
    slept = sleeps if sleeps is not None else []
    services = Services(credentials=lambda kind, ref: dict(credentials[kind]), base_urls=base_urls or {},
                        sleep=slept.append)
    return execute(workflow, trigger_items=items or [{"json": {}}], services=services)


# -- Dropcontact ------------------------------------------------------------------------------------


def dc(server, params, **kw):
    return run("n8n-nodes-base.dropcontact", params, {"dropcontactApi": {"apiKey": DC_KEY}},
               base_urls={"dropcontact": server.url}, **kw)


def dc_api(server, *, batch: dict[str, Any] | None = None, results: dict[str, dict[str, Any]] | None = None):
    """Dropcontact's batch API: POST /batch queues contacts, GET /batch/{id} answers them."""
    def authed(handler):
        def check(req):
            if req.headers.get("x-access-token") != DC_KEY:
                return 401, {}, {"error": True, "reason": "Invalid token", "success": False}
            assert req.headers.get("user-agent") == "n8n"
            return handler(req)
        return check

    def queue(req):
        assert req.headers.get("content-type") == "application/json"
        body = req.json
        assert isinstance(body.get("data"), list) and body["data"]
        return 200, {}, batch or {"error": False, "request_id": "r-1", "success": True, "credits_left": 99}

    def fetch(req):
        request_id = req.path.rsplit("/", 1)[1]
        assert not req.body
        known = (results or {}).get(request_id)
        if known is None:
            return 200, {}, {"error": True, "reason": "Request id not found", "success": False}
        return 200, {}, known

    server.route("POST", "/batch", authed(queue))
    server.route("GET", "/batch/*", authed(fetch))


ENRICHED = [{"civility": "M", "first_name": "Ada", "last_name": "Lovelace", "email": [{"email": "ada@acme.io",
             "qualification": "nominative@pro"}], "website": "acme.io", "siren": "123456789"},
            {"first_name": "Alan", "last_name": "Turing", "email": [], "website": "turing.org"}]


def test_dropcontact_enrich_waits_through_injected_sleep_then_fetches(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED, "error": False, "success": True}})
    params = {"email": "={{ $json.email }}", "options": {"siren": True, "language": "fr", "waitTime": 20},
              "additionalFields": {"first_name": "={{ $json.first }}", "website": "={{ $json.site }}",
                                   "company": ""}}
    items = [{"json": {"email": "ada@acme.io", "first": "Ada", "site": "acme.io"}},
             {"json": {"email": "", "first": "Alan", "site": "turing.org"}}]
    sleeps: list[float] = []
    out = output(dc(fake_server, params, items=items, sleeps=sleeps))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 1}}]
    assert sleeps == [20]
    posted = fake_server.last("POST", "/batch")
    assert posted.json == {"data": [{"email": "ada@acme.io", "first_name": "Ada", "website": "acme.io", "company": ""},
                                    {"first_name": "Alan", "website": "turing.org", "company": ""}],
                           "siren": True, "language": "fr"}
    assert [(r.method, r.path) for r in fake_server.requests] == [("POST", "/batch"), ("GET", "/batch/r-1")]


def test_dropcontact_enrich_defaults_wait_45_seconds(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED[:1], "error": False, "success": True}})
    sleeps: list[float] = []
    out = output(dc(fake_server, {"options": {}, "additionalFields": {"full_name": "Ada Lovelace"}}, sleeps=sleeps))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}}]
    assert sleeps == [45]
    assert fake_server.last("POST", "/batch").json == {"data": [{"full_name": "Ada Lovelace"}], "siren": False,
                                                      "language": "en"}


def test_dropcontact_enrich_simplified_returns_the_request(fake_server):
    dc_api(fake_server)
    sleeps: list[float] = []
    params = {"simplify": True, "email": "={{ $json.email }}", "options": {}, "additionalFields": {}}
    items = [{"json": {"email": "a@x.io"}}, {"json": {"email": "b@x.io"}}]
    out = output(dc(fake_server, params, items=items, sleeps=sleeps))
    assert out == [{"json": {"error": False, "request_id": "r-1", "success": True, "credits_left": 99},
                    "pairedItem": [{"item": 0}, {"item": 1}]}]
    assert sleeps == []
    assert len(fake_server.requests) == 1


def test_dropcontact_enrich_not_ready_fails_with_the_wait_hint(fake_server):
    not_ready = {"error": False, "reason": "Request not ready yet, try again in 30 seconds", "success": False}
    dc_api(fake_server, results={"r-1": not_ready})
    err = error(dc(fake_server, {"options": {"waitTime": 1}, "additionalFields": {"first_name": "Ada"}}))
    assert err["message"] == "Hint: Increase the Wait Time to avoid this error"
    out = output(dc(fake_server, {"options": {"waitTime": 1}, "additionalFields": {"first_name": "Ada"}},
                    continue_on_fail=True))
    assert out == [{"json": {"error": "Request not ready yet, try again in 30 seconds"},
                    "pairedItem": [{"item": 0}]}]


def test_dropcontact_enrich_refused_batch(fake_server):
    dc_api(fake_server, batch={"error": True, "reason": "Not enough credits", "success": False})
    params = {"simplify": True, "options": {}, "additionalFields": {"first_name": "Ada"}}
    err = error(dc(fake_server, params))
    assert err["message"] == "Not enough credits"
    out = output(dc(fake_server, params, continue_on_fail=True))
    # n8n pushes the error item and then, as its code goes on, the answer itself
    assert out == [{"json": {"error": "Not enough credits"}, "pairedItem": [{"item": 0}]},
                   {"json": {"error": True, "reason": "Not enough credits", "success": False},
                    "pairedItem": [{"item": 0}]}]


def test_dropcontact_fetch_request_per_item(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED, "error": False, "success": True},
                                 "r-2": {"data": ENRICHED[1:], "error": False, "success": True}})
    items = [{"json": {"id": "r-1"}}, {"json": {"id": "r-2"}}]
    out = output(dc(fake_server, {"operation": "fetchRequest", "requestId": "={{ $json.id }}"}, items=items))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 1}}]
    assert [r.path for r in fake_server.requests] == ["/batch/r-1", "/batch/r-2"]


def test_dropcontact_fetch_request_errors(fake_server):
    dc_api(fake_server)
    err = error(dc(fake_server, {"operation": "fetchRequest", "requestId": "nope"}))
    assert err["message"] == "Request id not found"
    out = output(dc(fake_server, {"operation": "fetchRequest", "requestId": "nope"}, continue_on_fail=True))
    assert out[0] == {"json": {"error": "Request id not found"}, "pairedItem": {"item": 0}}


def test_dropcontact_http_error_and_unsupported(fake_server):
    dc_api(fake_server)
    execution = run("n8n-nodes-base.dropcontact", {"operation": "fetchRequest", "requestId": "r-1"},
                    {"dropcontactApi": {"apiKey": "wrong"}}, base_urls={"dropcontact": fake_server.url})
    err = error(execution)
    assert err["message"] == "Authorization failed - please check your credentials"
    err = error(dc(fake_server, {"resource": "company", "operation": "enrich"}))
    assert "not supported yet" in err["message"]
