"""Microsoft Excel and Ghost nodes against local fakes."""

from __future__ import annotations

import jwt
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

GHOST_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
GHOST_ADMIN_KEY = f"5f1e2d3c4b5a:{GHOST_SECRET}"


def ghost(server, params, *, source="adminApi", **kw):
    creds = ({"ghostAdminApi": {"url": "https://blog.example.com", "apiKey": GHOST_ADMIN_KEY}}
             if source == "adminApi" else {"ghostContentApi": {"url": "https://blog.example.com", "apiKey": "ck"}})
    return run_service("n8n-nodes-base.ghost", 1, {"source": source, **params}, credentials=creds,
                       base_urls={"ghost": server.url}, **kw)


def _admin_auth(req):
    """Check the Admin API JWT the way Ghost does (kid, HS256 with the hex secret, aud, 5 min)."""
    scheme, _, token = req.headers["authorization"].partition(" ")
    assert scheme == "Ghost"
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": "5f1e2d3c4b5a"}
    claims = jwt.decode(token, bytes.fromhex(GHOST_SECRET), algorithms=["HS256"], audience="/v2/admin/")
    assert claims["exp"] - claims["iat"] == 300
    return claims


def test_ghost_create_html_post(fake_server):
    post = {"id": "p1", "title": "Hello", "status": "draft", "updated_at": "2024-01-01T00:00:00.000Z"}

    def create(req):
        _admin_auth(req)
        return (201, {}, {"posts": [post]})

    fake_server.route("POST", "/ghost/api/v2/admin/posts", create)
    params = {"operation": "create", "title": "Hello", "content": "<p>Hi</p>",
              "additionalFields": {"tags": ["news"], "status": "published", "published_at": "2024-05-01T10:00:00"}}
    items = output(ghost(fake_server, params))
    assert items == [{"json": post, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.query == {"source": ["html"]}
    assert req.json == {"posts": [{"title": "Hello", "html": "<p>Hi</p>", "tags": ["news"], "status": "published",
                                   "published_at": "2024-05-01T10:00:00Z"}]}


def test_ghost_create_invalid_mobiledoc_and_scheduled_without_date(fake_server):
    err = error(ghost(fake_server, {"operation": "create", "title": "t", "contentFormat": "mobileDoc",
                                    "content": "{not json"}))
    assert err["message"] == "Content must be a valid JSON"
    err = error(ghost(fake_server, {"operation": "create", "title": "t", "content": "x",
                                    "additionalFields": {"status": "scheduled"}}))
    assert err["message"] == "Published at must be define when status is scheduled"
    assert fake_server.requests == []


def test_ghost_update_reads_updated_at_then_puts(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts/p1",
                      (200, {}, {"posts": [{"id": "p1", "updated_at": "2024-01-02T03:04:05.000Z"}]}))

    def put(req):
        _admin_auth(req)
        return (200, {}, {"posts": [{"id": "p1", "status": "published"}]})

    fake_server.route("PUT", "/ghost/api/v2/admin/posts/p1", put)
    items = output(ghost(fake_server, {"operation": "update", "postId": "p1",
                                       "updateFields": {"status": "published"}}))
    assert items == [{"json": {"id": "p1", "status": "published"}, "pairedItem": {"item": 0}}]
    get = fake_server.last("GET")
    assert get.query == {"fields": ["id, updated_at"]}
    _admin_auth(get)
    put_req = fake_server.last("PUT")
    assert put_req.query == {"source": ["html"]}
    assert put_req.json == {"posts": [{"html": "", "status": "published", "updated_at": "2024-01-02T03:04:05.000Z"}]}


def test_ghost_get_by_slug_and_delete(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts/slug/hello", (200, {}, {"posts": [{"id": "p1"}]}))
    items = output(ghost(fake_server, {"operation": "get", "by": "slug", "identifier": "hello",
                                       "options": {"formats": ["html", "lexical"], "fields": "id"}}))
    assert items == [{"json": {"id": "p1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().raw_query == "formats%5B0%5D=html&formats%5B1%5D=lexical&fields=id"
    fake_server.route("DELETE", "/ghost/api/v2/admin/posts/p1", (204, {}, b""))
    items = output(ghost(fake_server, {"operation": "delete", "postId": "p1"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    _admin_auth(fake_server.last("DELETE"))


def test_ghost_content_get_all_return_all_pages(fake_server):
    def page(req):
        assert req.arg("key") == "ck" and "authorization" not in req.headers
        assert req.arg("limit") == "50"
        n = int(req.arg("page"))
        nxt = n + 1 if n < 2 else None
        return (200, {}, {"posts": [{"id": f"p{n}a"}, {"id": f"p{n}b"}],
                          "meta": {"pagination": {"page": n, "limit": 50, "pages": 2, "next": nxt}}})

    fake_server.route("GET", "/ghost/api/v3/content/posts", page)
    items = output(ghost(fake_server, {"operation": "getAll", "returnAll": True, "options": {"include": ["tags"]}},
                         source="contentApi"))
    assert [it["json"]["id"] for it in items] == ["p1a", "p1b", "p2a", "p2b"]
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2"]
    assert fake_server.last().query["include[0]"] == ["tags"]


def test_ghost_admin_get_all_limit(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts",
                      (200, {}, {"posts": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "meta": {}}))
    items = output(ghost(fake_server, {"operation": "getAll", "limit": 3, "options": {}}))
    assert [it["json"]["id"] for it in items] == ["a", "b", "c"]
    assert fake_server.last().query == {"limit": ["3"]}


def test_ghost_api_error_and_continue_on_fail(fake_server):
    body = {"errors": [{"message": "Resource not found error, cannot read post.", "type": "NotFoundError"}]}
    fake_server.route("GET", "/ghost/api/v2/admin/posts/nope", (404, {}, body))
    params = {"operation": "get", "by": "id", "identifier": "nope", "options": {}}
    err = error(ghost(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Resource not found error, cannot read post."
    items = output(ghost(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_ghost_unsupported(fake_server):
    err = error(ghost(fake_server, {"operation": "create"}, source="contentApi"))
    assert err["message"] == "Ghost: operation 'post/create' is not supported yet"


# -- Microsoft Excel -----------------------------------------------------------------------------

XL = {"microsoftExcelOAuth2Api": {"oauthTokenData": {"access_token": "xl-token"}}}
SHEET = "%7B00000000-0001-0000-0000-000000000000%7D"
SHEET_ID = "{00000000-0001-0000-0000-000000000000}"
WS = f"/me/drive/items/WB1/workbook/worksheets/{SHEET}"


def xl(server, params, version=2.2, **kw):
    return run_service("n8n-nodes-base.microsoftExcel", version, params, credentials=XL,
                       base_urls={"microsoft": server.url}, **kw)


def _graph_auth(req):
    assert req.headers["authorization"] == "Bearer xl-token"
    assert req.headers["content-type"] == "application/json"


def test_excel_v1_workbook_get_all_limit_and_return_all(fake_server):
    fake_server.route("GET", "/me/drive/root/search(q='.xlsx')",
                      (200, {}, {"value": [{"id": "a", "name": "a.xlsx"}, {"id": "b", "name": "b.xlsx"}]}))
    items = output(xl(fake_server, {"filters": {}, "operation": "getAll"}, version=1))
    assert items == [{"json": {"id": "a", "name": "a.xlsx"}, "pairedItem": {"item": 0}},
                     {"json": {"id": "b", "name": "b.xlsx"}, "pairedItem": {"item": 0}}]
    _graph_auth(fake_server.last())
    assert fake_server.last().query == {"$top": ["100"]}

    def page(req):
        if req.arg("$skiptoken") is None:
            assert req.query == {"$top": ["100"], "$select": ["id,name"]}
            return (200, {}, {"value": [{"id": "a"}],
                              "@odata.nextLink": f"{fake_server.url}/me/drive/root/search(q='.xlsx')?$skiptoken=X"})
        assert req.query == {"$skiptoken": ["X"], "$select": ["id,name"], "$top": ["100"]}
        return (200, {}, {"value": [{"id": "b"}]})

    fake_server.route("GET", "/me/drive/root/search(q='.xlsx')", page)
    items = output(xl(fake_server, {"operation": "getAll", "returnAll": True, "filters": {"fields": "id,name"}},
                      version=2))
    assert [it["json"]["id"] for it in items] == ["a", "b"]


def test_excel_v1_worksheet_get_content_keyed_rows(fake_server):
    values = [["Name", "Age", 2024], ["Ann", 31, "x"], ["Bob", 42]]
    fake_server.route("GET", f"/me/drive/items/CA5C!1122/workbook/worksheets/{SHEET}/range(address='A1:E11')",
                      (200, {}, {"address": "Sheet1!A1:C3", "values": values}))
    params = {"range": "A1:E11", "resource": "worksheet", "workbook": "CA5C!1122", "operation": "getContent",
              "worksheet": SHEET_ID}
    items = output(xl(fake_server, params, version=1))
    assert items == [{"json": {"2024": "x", "Name": "Ann", "Age": 31}, "pairedItem": {"item": 1}},
                     {"json": {"Name": "Bob", "Age": 42}, "pairedItem": {"item": 2}}]
    _graph_auth(fake_server.last())
    fake_server.route("GET", f"/me/drive/items/WB1/workbook/worksheets/{SHEET}/range(address='A1:B2')",
                      (200, {}, {"values": None}))
    params.update(workbook="WB1", range="A1:B2")
    assert error(xl(fake_server, params, version=1))["message"] == "Range did not return data"
    params.update(rawData=True, dataProperty="sheet", filters={"fields": "values"})
    fake_server.route("GET", f"/me/drive/items/WB1/workbook/worksheets/{SHEET}/range(address='A1:B2')",
                      (200, {}, {"values": [["a"]]}))
    items = output(xl(fake_server, params, version=1))
    assert items == [{"json": {"sheet": {"values": [["a"]]}}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"$select": ["values"]}


def test_excel_v1_table_get_rows_return_all_skip_paging(fake_server):
    table = f"{WS}/tables/T1"

    def rows(req):
        skip = int(req.arg("$skip"))
        assert req.arg("$top") == "100"
        page = [{"values": [["Ann", 31]]}, {"values": [["Bob", 42]]}] if skip == 0 else []
        return (200, {}, {"value": page})

    def columns(req):
        assert req.arg("$select") == "name"
        return (200, {}, {"value": [{"name": "Name"}, {"name": "Age"}] if req.arg("$skip") == "0" else []})

    fake_server.route("GET", f"{table}/rows", rows)
    fake_server.route("GET", f"{table}/columns", columns)
    params = {"resource": "table", "operation": "getRows", "workbook": "WB1", "worksheet": SHEET_ID, "table": "T1",
              "returnAll": True}
    items = output(xl(fake_server, params, version=1))
    assert items == [{"json": {"Name": "Ann", "Age": 31}, "pairedItem": {"item": 0}},
                     {"json": {"Name": "Bob", "Age": 42}, "pairedItem": {"item": 1}}]
    assert [r.arg("$skip") for r in fake_server.requests if r.path.endswith("/rows")] == ["0", "100"]
    params.update(operation="lookup", lookupColumn="Age", lookupValue="42")
    items = output(xl(fake_server, params, version=1))
    assert items == [{"json": {"Name": "Bob", "Age": 42}, "pairedItem": {"item": 0}}]
    params.update(lookupColumn="Missing")
    assert error(xl(fake_server, params, version=1))["message"] == \
        "Column Missing does not exist on the table selected"


def test_excel_v1_table_add_row_in_session(fake_server):
    table = f"{WS}/tables/T1"
    fake_server.route("GET", f"{table}/columns", (200, {}, {"value": [{"name": "Name"}, {"name": "Age"}]}))
    fake_server.route("POST", "/me/drive/items/WB1/workbook/createSession", (201, {}, {"id": "S1"}))

    def add(req):
        assert req.headers["workbook-session-id"] == "S1"
        return (201, {}, {"index": 5, "values": req.json["values"]})

    fake_server.route("POST", f"{table}/rows/add", add)
    fake_server.route("POST", "/me/drive/items/WB1/workbook/closeSession", (204, {}, b""))
    params = {"resource": "table", "operation": "addRow", "workbook": "WB1", "worksheet": SHEET_ID, "table": "T1",
              "additionalFields": {}}
    items = output(xl(fake_server, params, version=1, items=[{"json": {"Age": 1, "Name": "A"}}, {"json": {"X": 1}}]))
    assert items == [{"json": {"index": 5, "values": [["A", 1], [None, None]]},
                      "pairedItem": [{"item": 0}, {"item": 1}]}]
    assert fake_server.last("POST", "/me/drive/items/WB1/workbook/createSession").json == {"persistChanges": True}
    assert fake_server.last("POST", "/me/drive/items/WB1/workbook/closeSession").headers["workbook-session-id"] == "S1"


def _used_range(address, values):
    return (200, {}, {"address": address, "values": values})


def test_excel_v21_append_define_uses_legacy_range(fake_server):
    fake_server.route("GET", f"{WS}/usedRange", _used_range("Sheet1!A1:C4", [["Name", "Age", "City"]]))

    def patch(req):
        _graph_auth(req)
        return (200, {}, {"address": "Sheet1!A5:C6", "values": req.json["values"]})

    fake_server.route("PATCH", f"{WS}/range(address='A5:C6')", patch)
    params = {"resource": "worksheet", "operation": "append", "options": {},
              "workbook": {"__rl": True, "mode": "id", "value": "WB1"},
              "worksheet": {"__rl": True, "mode": "id", "value": SHEET_ID},
              "fieldsUi": {"values": [{"column": "Name", "fieldValue": "={{ $json.n }}"},
                                      {"column": "City", "fieldValue": "Oslo"}]}}
    items = output(xl(fake_server, params, version=2.1, items=[{"json": {"n": "Ann"}}, {"json": {"n": "Bob"}}]))
    assert fake_server.last("PATCH").json == {"values": [["Ann", None, "Oslo"], ["Bob", None, "Oslo"]]}
    assert items == [{"json": {"Name": "Ann", "Age": None, "City": "Oslo"}, "pairedItem": {"item": 1}},
                     {"json": {"Name": "Bob", "Age": None, "City": "Oslo"}, "pairedItem": {"item": 2}}]


def test_excel_v22_append_auto_map_and_raw_output(fake_server):
    fake_server.route("GET", f"{WS}/usedRange", _used_range("Sheet1!B2:C3", [["Name", "Age"], ["x", 1]]))
    fake_server.route("PATCH", f"{WS}/range(address='B4:C4')",
                      lambda req: (200, {}, {"address": "Sheet1!B4:C4", "values": req.json["values"]}))
    params = {"resource": "worksheet", "operation": "append", "dataMode": "autoMap",
              "workbook": {"__rl": True, "mode": "id", "value": "WB1"},
              "worksheet": {"__rl": True, "mode": "id", "value": SHEET_ID},
              "options": {"rawData": True, "dataProperty": "out"}}
    items = output(xl(fake_server, params, items=[{"json": {"Age": 7, "Name": "Cy", "extra": 1}}]))
    assert fake_server.last("PATCH").json == {"values": [["Cy", 7]]}
    assert items == [{"json": {"out": {"address": "Sheet1!B4:C4", "values": [["Cy", 7]]}},
                      "pairedItem": [{"item": 0}]}]
    fake_server.route("GET", f"{WS}/usedRange", _used_range("Sheet1!A1", [[""]]))
    err = error(xl(fake_server, params))
    assert err["message"].startswith("No data found in the specified range, mapping not possible")


def test_excel_v21_read_rows_used_range_and_range(fake_server):
    fake_server.route("GET", f"{WS}/usedRange",
                      _used_range("Sheet1!A1:B3", [["Name", "Age"], ["Ann", 31], ["Bob", 42]]))
    params = {"options": {}, "resource": "worksheet", "operation": "readRows",
              "workbook": {"__rl": True, "mode": "id", "value": "WB1"},
              "worksheet": {"__rl": True, "mode": "id", "value": SHEET_ID}}
    items = output(xl(fake_server, params, version=2.1))
    assert items == [{"json": {"Name": "Ann", "Age": 31}, "pairedItem": {"item": 1}},
                     {"json": {"Name": "Bob", "Age": 42}, "pairedItem": {"item": 2}}]
    err = error(xl(fake_server, {**params, "range": "A:C"}, version=2.1))
    assert err["message"] == "Specify the range more precisely e.g. A1:B5, generic ranges like A:C are not supported"


def test_excel_worksheet_clear_delete_and_get_all(fake_server):
    fake_server.route("POST", f"{WS}/range/clear", (200, {}, b""))
    params = {"resource": "worksheet", "workbook": {"__rl": True, "mode": "id", "value": "WB1"},
              "worksheet": {"__rl": True, "mode": "id", "value": SHEET_ID}}
    items = output(xl(fake_server, {**params, "operation": "clear", "applyTo": "Contents"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"applyTo": "Contents"}
    fake_server.route("DELETE", WS, (204, {}, b""))
    items = output(xl(fake_server, {**params, "operation": "deleteWorksheet"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/me/drive/items/WB1/workbook/worksheets", (200, {}, {"value": [{"name": "S1"}]}))
    items = output(xl(fake_server, {**params, "operation": "getAll", "limit": 5, "filters": {}}))
    assert items == [{"json": {"name": "S1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"$top": ["5"]}
    # n8n v1 requests the worksheets but outputs nothing for this operation
    assert output(xl(fake_server, {**params, "operation": "getAll", "workbook": "WB1"}, version=1)) == []


def test_excel_api_error_continue_on_fail_and_unsupported(fake_server):
    body = {"error": {"code": "ItemNotFound", "message": "The resource could not be found."}}
    fake_server.route("GET", "/me/drive/items/NOPE/workbook/worksheets", (404, {}, body))
    params = {"resource": "worksheet", "operation": "getAll", "filters": {},
              "workbook": {"__rl": True, "mode": "id", "value": "NOPE"}}
    err = error(xl(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "The resource could not be found."
    items = output(xl(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(xl(fake_server, {"resource": "table", "operation": "append"}))
    assert err["message"] == "Microsoft Excel 365: operation 'table/append' is not supported yet"
