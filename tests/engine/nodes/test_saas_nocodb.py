"""NocoDB node (v1-v3) against a local fake of the NocoDB REST API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"nocoDbApiToken": {"host": "https://app.nocodb.com", "apiToken": "nc-token"}}


def run(server, version, params, **kw):
    base = {"authentication": "nocoDbApiToken", "projectId": "p1", "table": "t1"}
    return run_service("n8n-nodes-base.nocoDb", version, {**base, **params}, credentials=CREDS,
                       base_urls={"nocodb": server.url}, **kw)


def test_v3_create_bulk_merges_ids(fake_server):
    fake_server.route("POST", "/api/v2/tables/t1/records", (200, {}, [{"Id": 10}, {"Id": 11}]))
    items = output(run(fake_server, 3, {"operation": "create", "dataToSend": "autoMapInputData"},
                       items=[{"json": {"Title": "a"}}, {"json": {"Title": "b"}}]))
    assert [it["json"] for it in items] == [{"Title": "a", "Id": 10}, {"Title": "b", "Id": 11}]
    req = fake_server.last()
    assert req.headers["xc-token"] == "nc-token"
    assert req.json == [{"Title": "a"}, {"Title": "b"}]


def test_v3_get_all_pages_and_options(fake_server):
    def records(req):
        offset = int(req.arg("offset"))
        assert req.arg("limit") == "100" and req.arg("where") == "(Status,eq,open)"
        assert req.arg("sort") == "-Created"
        return 200, {}, {"list": [{"Id": offset + 1}], "pageInfo": {"isLastPage": offset >= 100}}

    fake_server.route("GET", "/api/v2/tables/t1/records", records)
    params = {"operation": "getAll", "returnAll": True,
              "options": {"where": "(Status,eq,open)", "sort": {"property": [{"field": "Created",
                                                                              "direction": "desc"}]}}}
    items = output(run(fake_server, 3, params))
    assert [it["json"]["Id"] for it in items] == [1, 101]


def test_v2_update_and_missing_row(fake_server):
    fake_server.route("PATCH", "/api/v1/db/data/bulk/noco/p1/t1", (200, {}, [1, 0]))
    params = {"operation": "update", "id": "={{ $json.id }}",
              "fieldsUi": {"fieldValues": [{"fieldName": "Status", "fieldValue": "done"}]}}
    items = output(run(fake_server, 2, params, items=[{"json": {"id": 1}}, {"json": {"id": 2}}],
                       continue_on_fail=True))
    assert [it["json"] for it in items] == [
        {"success": True}, {"error": 'The row with the ID "2" could not be updated. It probably doesn\'t exist.'}]
    assert fake_server.last().json == [{"id": 1, "Status": "done"}, {"id": 2, "Status": "done"}]


def test_v1_get_and_unsupported(fake_server):
    fake_server.route("GET", "/nc/p1/api/v1/t1/7", (200, {}, {"id": 7, "Name": "x"}))
    items = output(run(fake_server, 1, {"operation": "get", "id": "7", "authentication": "nocoDbApiToken"}))
    assert items == [{"json": {"id": 7, "Name": "x"}, "pairedItem": {"item": 0}}]
    assert "not supported yet" in error(run(fake_server, 3, {"operation": "getAll", "downloadAttachments": True}))[
        "message"]
