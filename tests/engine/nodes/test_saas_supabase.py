"""Supabase node against a local fake of PostgREST."""

from __future__ import annotations

from svc_harness import output, run_service

pytest_plugins = ("fakes",)

CREDS = {"supabaseApi": {"host": "https://proj.supabase.co", "serviceRole": "srk"}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.supabase", 1, params, credentials=CREDS,
                       base_urls={"supabase": server.url}, **kw)


def test_create_posts_all_items_at_once(fake_server):
    fake_server.route("POST", "/rest/v1/people", lambda req: (201, {}, [{"id": k + 1, **r} for k, r in enumerate(req.json)]))
    params = {"tableId": "people", "dataToSend": "autoMapInputData", "inputsToIgnore": "skip"}
    items = output(run(fake_server, params, items=[{"json": {"name": "a", "skip": 1}}, {"json": {"name": "b"}}]))
    assert items == [{"json": {"id": 1, "name": "a"}, "pairedItem": {"item": 0}},
                     {"json": {"id": 2, "name": "b"}, "pairedItem": {"item": 1}}]
    req = fake_server.last()
    assert req.headers["apikey"] == "srk" and req.headers["authorization"] == "Bearer srk"
    assert req.headers["prefer"] == "return=representation"
    assert req.json == [{"name": "a"}, {"name": "b"}]


def test_get_all_with_all_filters_and_limit(fake_server):
    fake_server.route("GET", "/rest/v1/people", (200, {}, [{"id": 1}, {"id": 2}]))
    params = {"operation": "getAll", "tableId": "people", "matchType": "allFilters", "limit": 5,
              "filters": {"conditions": [{"keyName": "age", "condition": "gt", "keyValue": 3},
                                         {"keyName": "name", "condition": "eq", "keyValue": "a,b"}]}}
    items = output(run(fake_server, params))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    req = fake_server.last()
    assert req.arg("and") == '(age.gt.3,name.eq."a,b")' and req.arg("limit") == "5"


def test_update_with_filter_string_and_delete_any_filter(fake_server):
    fake_server.route("PATCH", "/rest/v1/people", (200, {}, [{"id": 1, "name": "z"}]))
    params = {"operation": "update", "tableId": "people", "filterType": "string", "filterString": "id=eq.$1",
              "filterStringParameters": {"values": [{"value": "1"}]},
              "fieldsUi": {"fieldValues": [{"fieldId": "name", "fieldValue": "z"}]}}
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"id": 1, "name": "z"}
    assert fake_server.last().raw_query == "id=eq.1" and fake_server.last().json == {"name": "z"}
    fake_server.route("DELETE", "/rest/v1/people", (200, {}, [{"id": 1}]))
    params = {"operation": "delete", "tableId": "people",
              "filters": {"conditions": [{"keyName": "id", "condition": "eq", "keyValue": "1"}]}}
    output(run(fake_server, params))
    assert fake_server.last().arg("or") == "(id.eq.1)"


def test_error_under_continue_on_fail_uses_description(fake_server):
    fake_server.route("GET", "/rest/v1/people", (400, {}, {"message": "column people.nope does not exist",
                                                           "code": "42703"}))
    params = {"operation": "get", "tableId": "people",
              "filters": {"conditions": [{"keyName": "nope", "keyValue": "1"}]}}
    items = output(run(fake_server, params, continue_on_fail=True))
    assert "column people.nope does not exist" in items[0]["json"]["error"]
