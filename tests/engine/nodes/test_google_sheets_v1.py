"""Google Sheets v1/v2 (legacy range-based node) against the stateful Sheets fake."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, flow, output, run
from test_google_sheets import DOC, TOKEN, FakeSheets

from automatelanka.engine.state import Services

CRED = {"googleSheetsOAuth2Api": {"id": "1", "name": "Sheets"}}


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def sheets(server: FakeServer, grid: list[list[Any]]) -> FakeSheets:
    fake = FakeSheets(server, {"Sheet1": grid})

    def values_post(req: Request):
        rest = req.path[len(f"/v4/spreadsheets/{DOC}/values/"):]
        if not rest.endswith(":append"):
            return fake.handle(req)
        assert req.headers["authorization"] == f"Bearer {TOKEN}"
        name = unquote(rest[:-len(":append")]).split("!")[0]
        fake.value_options.append(req.arg("valueInputOption") or "")
        fake.grids[name].extend(req.json["values"])
        return 200, {}, {"spreadsheetId": DOC, "updates": {"updatedRows": len(req.json["values"])}}

    server.route("POST", f"/v4/spreadsheets/{DOC}/values/*", values_post)
    return fake


def services(server: FakeServer) -> Services:
    return Services(credentials=creds({"googleSheetsOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}),
                    base_urls={"sheets": server.url})


def legacy(params: dict[str, Any], items: list[dict[str, Any]] | None = None, version: float = 2):
    base = {"sheetId": DOC, "range": "Sheet1!A:C", **params}
    if version == 1:
        base.setdefault("authentication", "oAuth2")
    return flow("googleSheets", version, base, items, credentials=CRED)


GRID = [["id", "name", "city"], [1, "Ann", "Oslo"], [2, "Bob", "Rome"], [3, "Cid", "Oslo"]]


@pytest.mark.parametrize("version", [1, 2])
def test_read_uses_key_row_and_data_start_row(fake_server, version):
    sheets(fake_server, [list(r) for r in GRID])
    out = output(run(legacy({}, version=version), services(fake_server)))
    assert [i["json"] for i in out] == [{"id": 1, "name": "Ann", "city": "Oslo"},
                                        {"id": 2, "name": "Bob", "city": "Rome"},
                                        {"id": 3, "name": "Cid", "city": "Oslo"}]
    req = fake_server.last("GET")
    assert unquote(req.path).endswith("/values/Sheet1!A:C") and req.arg("valueRenderOption") == "UNFORMATTED_VALUE"
    raw = output(run(legacy({"rawData": True, "dataProperty": "rows"}), services(fake_server)))
    assert raw[0]["json"] == {"rows": GRID}


def test_append_writes_values_as_strings_in_header_order(fake_server):
    fake = sheets(fake_server, [list(r) for r in GRID])
    items = [{"city": "Kandy", "id": 4, "name": "Dee", "extra": True}]
    out = output(run(legacy({"operation": "append"}, items), services(fake_server)))
    assert [i["json"] for i in out] == items  # the input passes through
    assert fake.grids["Sheet1"][-1] == ["4", "Dee", "Kandy"]
    assert fake.value_options[-1] == "RAW"


def test_lookup_returns_first_match_per_item(fake_server):
    sheets(fake_server, [list(r) for r in GRID])
    params = {"operation": "lookup", "lookupColumn": "city", "lookupValue": "Oslo"}
    out = output(run(legacy(params, [{"x": 1}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"id": 1, "name": "Ann", "city": "Oslo"}]
    out = output(run(legacy({**params, "options": {"returnAllMatches": True}}, [{"x": 1}]), services(fake_server)))
    assert [i["json"]["name"] for i in out] == ["Ann", "Cid"]
    none = output(run(legacy({**params, "lookupValue": "Paris"}, [{"x": 1}]), services(fake_server)))
    assert none == []


def test_update_and_upsert_by_key(fake_server):
    fake = sheets(fake_server, [list(r) for r in GRID])
    items = [{"id": 2, "city": "Milan"}, {"id": 9, "name": "Zed"}]
    run(legacy({"operation": "update", "key": "id"}, items), services(fake_server))
    assert fake.grids["Sheet1"][2] == [2, "Bob", "Milan"]
    assert len(fake.grids["Sheet1"]) == 4  # update does not append unknown keys
    run(legacy({"operation": "upsert", "key": "id"}, items), services(fake_server))
    assert fake.grids["Sheet1"][-1] == ["9", "Zed", ""]


def test_clear_passes_items_through(fake_server):
    fake = sheets(fake_server, [list(r) for r in GRID])
    out = output(run(legacy({"operation": "clear", "range": "Sheet1!A2:C3"}, [{"a": 1}]), services(fake_server)))
    assert [i["json"] for i in out] == [{"a": 1}]
    assert fake.grids["Sheet1"][1] == [] and fake.grids["Sheet1"][3] == [3, "Cid", "Oslo"]
