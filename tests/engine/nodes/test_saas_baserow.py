"""Baserow node against a local fake of the Baserow REST API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"baserowApi": {"host": "https://api.baserow.io", "username": "u@x.com", "password": "pw"}}
FIELDS = [{"id": 1, "name": "Name"}, {"id": 2, "name": "Email"}]


def run(server, params, **kw):
    server.route("POST", "/api/user/token-auth/", (200, {}, {"token": "jwt-1"}))
    server.route("GET", "/api/database/fields/table/9/", (200, {}, FIELDS))
    return run_service("n8n-nodes-base.baserow", 1, {"databaseId": 3, "tableId": 9, **params}, credentials=CREDS,
                       base_urls={"baserow": server.url}, **kw)


def test_create_auto_maps_names_to_field_ids(fake_server):
    fake_server.route("POST", "/api/database/rows/table/9/", (200, {}, {"id": 5, "order": "1.0", "field_1": "Ann",
                                                                        "field_2": "a@x.com"}))
    items = output(run(fake_server, {"operation": "create", "dataToSend": "autoMapInputData",
                                     "inputsToIgnore": "skip"},
                       items=[{"json": {"Name": "Ann", "Email": "a@x.com", "skip": 1}}]))
    assert items == [{"json": {"id": 5, "order": "1.0", "Name": "Ann", "Email": "a@x.com"}, "pairedItem": {"item": 0}}]
    assert fake_server.last("POST", "/api/user/token-auth/").json == {"username": "u@x.com", "password": "pw"}
    req = fake_server.last("POST", "/api/database/rows/table/9/")
    assert req.headers["authorization"] == "JWT jwt-1"
    assert req.json == {"field_1": "Ann", "field_2": "a@x.com"}


def test_get_all_with_limit_and_filters(fake_server):
    fake_server.route("GET", "/api/database/rows/table/9/", (200, {}, {
        "count": 3, "next": None, "results": [{"id": 1, "field_1": "A"}, {"id": 2, "field_1": "B"},
                                              {"id": 3, "field_1": "C"}]}))
    params = {"limit": 2, "additionalOptions": {"filters": {"fields": [{"field": 1, "operator": "equal",
                                                                          "value": "A"}]}, "search": "x"}}
    items = output(run(fake_server, params))
    assert [it["json"] for it in items] == [{"id": 1, "Name": "A"}, {"id": 2, "Name": "B"}]
    req = fake_server.last("GET", "/api/database/rows/table/9/")
    assert req.arg("filter__field_1__equal") == "A" and req.arg("search") == "x" and req.arg("size") == "100"


def test_update_define_below_and_delete(fake_server):
    fake_server.route("PATCH", "/api/database/rows/table/9/5/", (200, {}, {"id": 5, "field_2": "new@x.com"}))
    params = {"operation": "update", "rowId": "5",
              "fieldsUi": {"fieldValues": [{"fieldId": 2, "fieldValue": "new@x.com"}]}}
    assert output(run(fake_server, params))[0]["json"] == {"id": 5, "Email": "new@x.com"}
    assert fake_server.last("PATCH").json == {"field_2": "new@x.com"}
    fake_server.route("DELETE", "/api/database/rows/table/9/5/", (204, {}, None))
    assert output(run(fake_server, {"operation": "delete", "rowId": "5"}))[0]["json"] == {"success": True}
    assert "not supported yet" in error(run(fake_server, {"operation": "batchCreate"}))["message"]
