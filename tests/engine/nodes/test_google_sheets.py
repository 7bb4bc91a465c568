"""Google Sheets node against a stateful local fake of the Sheets v4 values API."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

TOKEN = "ya29.sheets"


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server
DOC = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class FakeSheets:
    """A spreadsheet with sheets of cell grids; answers the calls the node makes."""

    def __init__(self, server: FakeServer, sheets: dict[str, list[list[Any]]]) -> None:
        self.grids = sheets
        self.ids = {title: 1000 + i for i, title in enumerate(sheets)}
        self.ids[next(iter(sheets))] = 0
        self.value_options: list[str] = []
        self.batch_requests: list[dict[str, Any]] = []
        server.route("*", f"/v4/spreadsheets/{DOC}*", self.handle)

    def _check(self, req: Request) -> None:
        assert req.headers["authorization"] == f"Bearer {TOKEN}"

    def parse(self, rng: str) -> tuple[str, int, int | None, int, int | None]:
        """(sheet, first row idx, last row idx|None, first col idx, last col idx|None)."""
        name, _, cells = unquote(rng).partition("!")
        name = name.strip("'")
        if not cells:
            return name, 0, None, 0, None
        start, _, end = cells.partition(":")
        end = end or start

        def split(cell: str) -> tuple[int | None, int | None]:
            m = re.fullmatch(r"([A-Z]*)(\d*)", cell)
            assert m
            return (col_index(m.group(1)) if m.group(1) else None, int(m.group(2)) - 1 if m.group(2) else None)

        c0, r0 = split(start)
        c1, r1 = split(end)
        return name, r0 or 0, r1, c0 or 0, c1

    def read(self, rng: str) -> list[list[Any]]:
        name, r0, r1, c0, c1 = self.parse(rng)
        grid = self.grids[name]
        rows = grid[r0:(r1 + 1) if r1 is not None else None]
        rows = [row[c0:(c1 + 1) if c1 is not None else None] for row in rows]
        rows = [list(r) for r in rows]
        for r in rows:
            while r and r[-1] == "":
                r.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def write(self, rng: str, values: list[list[Any]]) -> None:
        name, r0, _, c0, _ = self.parse(rng)
        grid = self.grids[name]
        for i, row in enumerate(values):
            while len(grid) <= r0 + i:
                grid.append([])
            target = grid[r0 + i]
            for j, value in enumerate(row):
                while len(target) <= c0 + j:
                    target.append("")
                target[c0 + j] = "" if value is None else value

    def handle(self, req: Request) -> tuple[int, dict[str, str], Any]:
        self._check(req)
        rest = req.path[len(f"/v4/spreadsheets/{DOC}"):]
        if req.method == "GET" and rest == "":
            assert req.arg("fields") == "sheets.properties"
            return 200, {}, {"sheets": [{"properties": {"sheetId": sid, "title": t, "index": i,
                                                        "sheetType": "GRID"}}
                                        for i, (t, sid) in enumerate(self.ids.items())]}
        if rest.startswith("/values/") and req.method == "GET":
            rng = rest[len("/values/"):]
            values = self.read(rng)
            body: dict[str, Any] = {"range": unquote(rng), "majorDimension": "ROWS"}
            if values:
                body["values"] = values
            return 200, {}, body
        if rest.startswith("/values/") and req.method == "PUT":
            self.value_options.append(req.arg("valueInputOption") or "")
            self.write(rest[len("/values/"):], req.json["values"])
            return 200, {}, {"spreadsheetId": DOC, "updatedRows": len(req.json["values"])}
        if rest == "/values:batchUpdate":
            self.value_options.append(req.json["valueInputOption"])
            for entry in req.json["data"]:
                self.write(entry["range"], entry["values"])
            return 200, {}, {"spreadsheetId": DOC, "totalUpdatedCells": len(req.json["data"])}
        if rest.endswith(":clear"):
            name, r0, r1, _, _ = self.parse(rest[len("/values/"):-len(":clear")])
            grid = self.grids[name]
            for i in range(r0, (r1 + 1) if r1 is not None else len(grid)):
                if i < len(grid):
                    grid[i] = []
            return 200, {}, {"spreadsheetId": DOC, "clearedRange": req.json["range"]}
        if rest == ":batchUpdate":
            self.batch_requests.extend(req.json["requests"])
            replies: list[dict[str, Any]] = []
            for request in req.json["requests"]:
                if "addSheet" in request:
                    props = request["addSheet"]["properties"]
                    self.grids[props["title"]] = []
                    self.ids[props["title"]] = 777
                    replies.append({"addSheet": {"properties": {"sheetId": 777, "title": props["title"],
                                                                "index": len(self.ids) - 1, "sheetType": "GRID",
                                                                "gridProperties": {"rowCount": 1000,
                                                                                   "columnCount": 26}}}})
                else:
                    replies.append({})
            return 200, {}, {"spreadsheetId": DOC, "replies": replies}
        return 404, {}, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def services(server: FakeServer) -> Services:
    return Services(credentials=creds({"googleSheetsOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}),
                    base_urls={"sheets": server.url})


CRED = {"googleSheetsOAuth2Api": {"id": "1", "name": "Sheets"}}
DOC_RL = {"__rl": True, "mode": "id", "value": DOC}
SHEET_RL = {"__rl": True, "mode": "list", "value": "gid=0", "cachedResultName": "Sheet1"}


def sheets_flow(params: dict[str, Any], items: list[dict[str, Any]] | None = None, version: float = 4.5, **kw):
    return flow("googleSheets", version, {"documentId": DOC_RL, "sheetName": SHEET_RL, **params}, items,
                credentials=CRED, **kw)


def test_read_rows_keys_by_header_with_row_numbers(fake_server):
    FakeSheets(fake_server, {"Sheet1": [["name", "age"], ["Ann", 31], ["", ""], ["Bob", 0, "x"]]})
    out = output(run(sheets_flow({"operation": "read"}), services(fake_server)))
    assert [i["json"] for i in out] == [
        {"row_number": 2, "name": "Ann", "age": 31, "col_3": ""},  # rows are padded to the widest
        {"row_number": 4, "name": "Bob", "age": 0, "col_3": "x"},
    ]
    get = [r for r in fake_server.requests if unquote(r.path) == f"/v4/spreadsheets/{DOC}/values/'Sheet1'"][-1]
    assert get.arg("valueRenderOption") == "UNFORMATTED_VALUE"


def test_read_with_filters_returns_matching_rows(fake_server):
    FakeSheets(fake_server, {"Sheet1": [["name", "city"], ["Ann", "Oslo"], ["Bob", "Rome"], ["Cid", "Oslo"]]})
    params = {"operation": "read", "filtersUI": {"values": [{"lookupColumn": "city", "lookupValue": "Oslo"}]}}
    out = output(run(sheets_flow(params), services(fake_server)))
    assert [i["json"]["name"] for i in out] == ["Ann", "Cid"]
    first = output(run(sheets_flow({**params, "options": {"returnFirstMatch": True}}), services(fake_server)))
    assert [i["json"] for i in first] == [{"row_number": 2, "name": "Ann", "city": "Oslo"}]


def test_append_auto_map_writes_after_last_row_and_adds_columns(fake_server):
    fake = FakeSheets(fake_server, {"Sheet1": [["name", "age"], ["Ann", 31]]})
    items = [{"name": "Bob", "age": 40, "tags": ["a"]}, {"name": "Cid"}]
    params = {"operation": "append", "columns": {"mappingMode": "autoMapInputData", "value": {}}}
    out = output(run(sheets_flow(params, items), services(fake_server)))
    assert [i["json"] for i in out] == items
    assert fake.grids["Sheet1"] == [["name", "age", "tags"], ["Ann", 31], ["Bob", 40, '["a"]'], ["Cid", "", ""]]
    assert fake.batch_requests[0] == {"appendDimension": {"sheetId": "0", "dimension": "ROWS", "length": 1}}
    assert fake.value_options[-1] == "USER_ENTERED"


def test_append_define_below_outputs_the_mapped_values(fake_server):
    fake = FakeSheets(fake_server, {"Sheet1": [["name", "age"]]})
    columns = {"mappingMode": "defineBelow", "value": {"name": "Dee", "age": "22"},
               "schema": [{"id": "name"}, {"id": "age"}], "matchingColumns": []}
    out = output(run(sheets_flow({"operation": "append", "columns": columns}, [{"x": 1}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"name": "Dee", "age": "22"}]
    assert fake.grids["Sheet1"][1] == ["Dee", "22"]


def test_append_or_update_updates_matches_and_appends_the_rest(fake_server):
    fake = FakeSheets(fake_server, {"Sheet1": [["id", "name"], [1, "Ann"], [2, "Bob"]]})
    params = {"operation": "appendOrUpdate",
              "columns": {"mappingMode": "autoMapInputData", "value": {}, "matchingColumns": ["id"],
                          "schema": [{"id": "id"}, {"id": "name"}]}}
    items = [{"id": 2, "name": "Bobby"}, {"id": 3, "name": "Cid"}]
    out = output(run(sheets_flow(params, items), services(fake_server)))
    assert [i["json"] for i in out] == items
    assert fake.grids["Sheet1"] == [["id", "name"], [1, "Ann"], [2, "Bobby"], [3, "Cid"]]


def test_update_by_key_and_error_for_missing_column(fake_server):
    fake = FakeSheets(fake_server, {"Sheet1": [["id", "name"], ["a", "Ann"], ["b", "Bob"]]})
    columns = {"mappingMode": "defineBelow", "value": {"id": "b", "name": "Bea"}, "matchingColumns": ["id"],
               "schema": [{"id": "id"}, {"id": "name"}]}
    out = output(run(sheets_flow({"operation": "update", "columns": columns}, [{}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"id": "b", "name": "Bea"}]
    assert fake.grids["Sheet1"][2] == ["b", "Bea"]
    unknown = {**columns, "matchingColumns": ["zzz"], "value": {"zzz": "q", "name": "x"}}
    err = error_of(run(sheets_flow({"operation": "update", "columns": unknown}, [{}]), services(fake_server)))
    assert err["message"] == 'Could not find column for key "zzz"'
    renamed = {**columns, "schema": [{"id": "key"}, {"id": "name"}]}
    err = error_of(run(sheets_flow({"operation": "appendOrUpdate", "columns": renamed}, [{}]), services(fake_server)))
    assert err["message"] == "Column names were updated after the node's setup"


def test_clear_delete_and_create_sheet(fake_server):
    fake = FakeSheets(fake_server, {"Sheet1": [["h"], ["1"], ["2"]], "Other": []})
    out = output(run(sheets_flow({"operation": "clear", "clear": "wholeSheet"}, [{"k": 1}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"k": 1}]
    assert all(row == [] for row in fake.grids["Sheet1"])
    out = output(run(sheets_flow({"operation": "delete", "toDelete": "rows", "startIndex": 3, "numberToDelete": 2},
                                 [{}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"success": True}]
    assert fake.batch_requests[-1] == {"deleteDimension": {"range": {"sheetId": "0", "dimension": "ROWS",
                                                                     "startIndex": 2, "endIndex": 4}}}
    out = output(run(sheets_flow({"operation": "create", "title": "New", "options": {"tabColor": "#ff0000"}}, [{}]),
                     services(fake_server)))
    assert out[0]["json"]["title"] == "New" and out[0]["json"]["sheetId"] == 777
    assert "replies" not in out[0]["json"]
    assert fake.batch_requests[-1]["addSheet"]["properties"]["tabColor"] == {"red": 1.0, "green": 0.0, "blue": 0.0}


def test_unknown_sheet_and_continue_on_fail(fake_server):
    FakeSheets(fake_server, {"Sheet1": [["a"]]})
    params = {"operation": "read", "sheetName": {"__rl": True, "mode": "name", "value": "Nope"}}
    err = error_of(run(sheets_flow(params), services(fake_server)))
    assert err["message"] == "Sheet with name Nope not found"
    out = output(run(sheets_flow(params, [{"q": 1}], on_error="continueRegularOutput"), services(fake_server)))
    assert [i["json"] for i in out] == [{"error": "Sheet with name Nope not found"}]


def test_oauth_refresh_on_401(fake_server):
    calls = []

    def handler(req: Request):
        calls.append(req.headers["authorization"])
        if req.headers["authorization"] != "Bearer fresh":
            return 401, {}, {"error": {"code": 401, "message": "Invalid Credentials"}}
        return 200, {}, {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}}]}

    fake_server.route("GET", f"/v4/spreadsheets/{DOC}", handler)
    fake_server.route("GET", f"/v4/spreadsheets/{DOC}/values/*", (200, {}, {"values": [["a"], ["1"]]}))
    token = {"access_token": "stale"}

    def resolve(kind, ref):
        return {"oauthTokenData": dict(token)}

    def refresh(kind, ref):
        token["access_token"] = "fresh"
        return {"oauthTokenData": dict(token)}

    svc = Services(credentials=resolve, refresh_credentials=refresh, base_urls={"sheets": fake_server.url})
    out = output(run(sheets_flow({"operation": "read"}), svc))
    assert [i["json"] for i in out] == [{"row_number": 2, "a": "1"}]
    assert calls[:2] == ["Bearer stale", "Bearer fresh"]


@pytest.mark.parametrize("version", [3, 4, 4.1, 4.7])
def test_versions_register(version, fake_server):
    FakeSheets(fake_server, {"Sheet1": [["a"], [1]]})
    out = output(run(sheets_flow({"operation": "read"}, version=version), services(fake_server)))
    assert [i["json"]["a"] for i in out] == [1]
