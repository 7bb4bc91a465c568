"""Pipedrive node against a local fake of the REST API v1."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"pipedriveApi": {"apiToken": "pd-token"}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.pipedrive", 1, params, credentials=CREDS,
                       base_urls={"pipedrive": server.url}, **kw)


def test_create_deal_default_operation(fake_server):
    fake_server.route("POST", "/deals", (201, {}, {"success": True, "data": {"id": 3, "title": "Big"}}))
    params = {"title": "Big", "org_id": 7, "additionalFields": {
        "value": 100, "customProperties": {"property": [{"name": "abc123", "value": "x"}]}}}
    items = output(run(fake_server, params))
    assert items == [{"json": {"id": 3, "title": "Big"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.arg("api_token") == "pd-token"
    assert req.json == {"title": "Big", "org_id": 7, "value": 100, "abc123": "x"}


def test_person_search_flattens_items(fake_server):
    answer = {"success": True, "data": {"items": [{"result_score": 0.9, "item": {"id": 1, "name": "Ann"}}]}}
    fake_server.route("GET", "/persons/search", (200, {}, answer))
    params = {"resource": "person", "operation": "search", "term": "Ann", "limit": 5,
              "additionalFields": {"fields": "email"}}
    items = output(run(fake_server, params))
    assert [it["json"] for it in items] == [{"result_score": 0.9, "id": 1, "name": "Ann"}]
    req = fake_server.last()
    assert req.arg("term") == "Ann" and req.arg("limit") == "5" and req.arg("fields") == "email"


def test_get_all_notes_pages_with_start(fake_server):
    def notes(req):
        if req.arg("start") == "0":
            return 200, {}, {"success": True, "data": [{"id": 1}],
                             "additional_data": {"pagination": {"more_items_in_collection": True, "next_start": 1}}}
        return 200, {}, {"success": True, "data": [{"id": 2}],
                         "additional_data": {"pagination": {"more_items_in_collection": False}}}

    fake_server.route("GET", "/notes", notes)
    items = output(run(fake_server, {"resource": "note", "operation": "getAll", "returnAll": True}))
    assert [it["json"]["id"] for it in items] == [1, 2]
    assert fake_server.last().arg("limit") == "100"


def test_errors_and_unsupported(fake_server):
    fake_server.route("DELETE", "/persons/9", (404, {}, {"success": False, "error": "Person not found"}))
    items = output(run(fake_server, {"resource": "person", "operation": "delete", "personId": 9},
                       continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}}]
    err = error(run(fake_server, {"resource": "file", "operation": "download"}))
    assert "not supported yet" in err["message"]
