"""Airtable node against a local fake REST API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"airtableTokenApi": {"accessToken": "pat1"}}
BASE = {"__rl": True, "mode": "id", "value": "appB"}
TABLE = {"__rl": True, "mode": "id", "value": "tblT"}
REC1 = {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "fields": {"Name": "a", "Qty": 1}}
REC2 = {"id": "rec2", "createdTime": "2024-01-02T00:00:00.000Z", "fields": {"Name": "b", "Qty": 2}}


def run(server, version, params, **kw):
    return run_service("n8n-nodes-base.airtable", version, params, credentials=CREDS,
                       base_urls={"airtable": server.url}, **kw)


def test_search_paginates_filters_and_flattens(fake_server):
    def records(req):
        if req.arg("offset") == "o2":
            return 200, {}, {"records": [REC2]}
        return 200, {}, {"records": [REC1], "offset": "o2"}

    fake_server.route("GET", "/appB/tblT", records)
    params = {"operation": "search", "base": BASE, "table": TABLE, "filterByFormula": "{Qty} > 0",
              "options": {"fields": "Name, Qty"}}
    items = output(run(fake_server, 2.1, params))
    assert [it["json"] for it in items] == [
        {"id": "rec1", "createdTime": "2024-01-01T00:00:00.000Z", "Name": "a", "Qty": 1},
        {"id": "rec2", "createdTime": "2024-01-02T00:00:00.000Z", "Name": "b", "Qty": 2}]
    first = fake_server.requests[0]
    assert first.headers["authorization"] == "Bearer pat1"
    assert first.arg("filterByFormula") == "{Qty} > 0"
    assert first.arg("pageSize") == "100"
    assert first.query["fields[0]"] == ["Name"] and first.query["fields[1]"] == ["Qty"]
    assert fake_server.requests[1].arg("offset") == "o2"


def test_search_v2_runs_once_for_all_items(fake_server):
    fake_server.route("GET", "/appB/tblT", (200, {}, {"records": [REC1]}))
    params = {"operation": "search", "base": BASE, "table": TABLE, "returnAll": False, "limit": 3}
    items = output(run(fake_server, 2, params, items=[{"json": {}}, {"json": {}}]))
    assert len(fake_server.requests) == 1 and fake_server.last().arg("maxRecords") == "3"
    assert items[0]["pairedItem"] == [{"item": 0}, {"item": 1}]


def test_create_define_below_returns_raw_record(fake_server):
    fake_server.route("POST", "/appB/tblT", (200, {}, REC1))
    params = {"operation": "create", "base": BASE, "table": TABLE,
              "columns": {"mappingMode": "defineBelow", "value": {"Name": "a", "Qty": 1}},
              "options": {"typecast": True}}
    items = output(run(fake_server, 2.1, params))
    assert items[0]["json"] == REC1
    assert fake_server.last().json == {"typecast": True, "fields": {"Name": "a", "Qty": 1}}


def test_update_auto_map_by_id(fake_server):
    fake_server.route("PATCH", "/appB/tblT", lambda req: (200, {}, {"records": [
        {"id": r["id"], "createdTime": "t", "fields": r["fields"]} for r in req.json["records"]]}))
    params = {"operation": "update", "base": BASE, "table": TABLE,
              "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["id"], "value": None}}
    items = output(run(fake_server, 2.1, params, items=[{"json": {"id": "rec1", "Name": "z"}}]))
    assert fake_server.last().json == {"typecast": False, "records": [{"id": "rec1", "fields": {"Name": "z"}}]}
    assert items[0]["json"] == {"id": "rec1", "createdTime": "t", "fields": {"Name": "z"}}


def test_upsert_merges_on_columns(fake_server):
    fake_server.route("PATCH", "/appB/tblT", (200, {}, {"records": [REC1]}))
    params = {"operation": "upsert", "base": BASE, "table": TABLE,
              "columns": {"mappingMode": "defineBelow", "matchingColumns": ["Name"], "value": {"Name": "a", "Qty": 5}}}
    output(run(fake_server, 2.1, params))
    assert fake_server.last().json == {"typecast": False, "performUpsert": {"fieldsToMergeOn": ["Name"]},
                                       "records": [{"fields": {"Name": "a", "Qty": 5}}]}


def test_get_not_found_names_the_record(fake_server):
    fake_server.route("GET", "/appB/tblT/recX", (404, {}, {"error": "NOT_FOUND"}))
    params = {"operation": "get", "base": BASE, "table": TABLE, "id": "recX"}
    err = error(run(fake_server, 2.1, params))
    assert err["description"] == "recX is not a valid Record ID"
    items = output(run(fake_server, 2.1, params, continue_on_fail=True))
    assert items[0]["json"] == {"error": "The resource you are requesting could not be found"}


def test_v1_list_returns_unflattened_records(fake_server):
    fake_server.route("GET", "/appB/Orders", (200, {}, {"records": [REC1, REC2]}))
    params = {"operation": "list", "application": "appB", "table": "Orders", "authentication": "airtableTokenApi"}
    items = output(run(fake_server, 1, params))
    assert [it["json"] for it in items] == [REC1, REC2]
