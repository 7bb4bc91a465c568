"""Google Sheets Trigger: manual runs and the poll path against local fakes of Sheets v4 and Drive v3."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fakes import FakeServer
from gdb_harness import creds, error_of, output, run
from test_google_sheets import DOC, TOKEN, FakeSheets

from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.state import Services

CRED = {"googleSheetsTriggerOAuth2Api": {"id": "1", "name": "Sheets trigger"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


class Revisions:
    """Drive revisions of the document; each revision's xlsx export is a snapshot of the grid."""

    def __init__(self, server: FakeServer, sheets: FakeSheets) -> None:
        self.server, self.sheets = server, sheets
        self.snapshots: list[bytes] = []
        server.route("GET", f"/drive/v3/files/{DOC}/revisions", self.listing)
        server.route("GET", "/export/*", self.export)
        self.snapshot()

    def snapshot(self) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Sheet1"
        for row in self.sheets.grids["Sheet1"]:
            sheet.append([None if cell == "" else cell for cell in row])
        data = io.BytesIO()
        book.save(data)
        self.snapshots.append(data.getvalue())

    def listing(self, req):
        assert req.headers["authorization"] == f"Bearer {TOKEN}"
        assert req.arg("fields") == "revisions(id, exportLinks), nextPageToken" and req.arg("pageSize") == "1000"
        return 200, {}, {"revisions": [{"id": str(i + 1), "exportLinks": {
            XLSX: f"{self.server.url}/export/{i + 1}", "text/csv": f"{self.server.url}/csv/{i + 1}"}}
            for i in range(len(self.snapshots))]}

    def export(self, req):
        assert req.arg("mimeType") == XLSX
        return 200, {"Content-Type": XLSX}, self.snapshots[int(req.path.rsplit("/", 1)[1]) - 1]


def services(server: FakeServer) -> Services:
    return Services(credentials=creds({"googleSheetsTriggerOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}),
                    base_urls={"sheets": server.url, "google": server.url})


def trigger(**parameters: Any) -> dict:
    params = {"documentId": {"__rl": True, "mode": "id", "value": DOC},
              "sheetName": {"__rl": True, "mode": "list", "value": "gid=0"}, **parameters}
    return {"name": "t", "settings": {"executionOrder": "v1"}, "connections": {},
            "nodes": [{"name": "T", "type": "n8n-nodes-base.googleSheetsTrigger", "typeVersion": 1,
                       "position": [0, 0], "parameters": params, "credentials": CRED}]}


def poll(wf: dict, static: dict, server: FakeServer):
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.params import node_parameters
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow

    workflow = Workflow(wf)
    state = ExecutionState(workflow=workflow, mode="trigger", services=services(server))
    state.static_data = static
    node = workflow.nodes["T"]
    ctx = NodeContext(state, node, node_parameters(node), [[]], [], 0, [None])
    result = POLLERS["n8n-nodes-base.googleSheetsTrigger"](ctx)
    return None if result is None else [item["json"] for item in result]


def test_row_added_manual_returns_every_row(fake_server):
    FakeSheets(fake_server, {"Sheet1": [["name", "n"], ["Ann", 0], ["Bob", 2]]})
    out = output(run(trigger(event="rowAdded"), services(fake_server), mode="manual"), "T")
    assert [i["json"] for i in out] == [{"name": "Ann", "n": ""}, {"name": "Bob", "n": 2}]  # 0 || '' as n8n
    out = output(run(trigger(event="rowAdded"), services(fake_server)), "T")
    assert [i["json"] for i in out] == [{}]  # outside manual mode the seed passes through


def test_row_added_poll_emits_rows_past_the_cursor(fake_server):
    sheets = FakeSheets(fake_server, {"Sheet1": [["name", "n"], ["Ann", 1]]})
    wf, static = trigger(event="rowAdded"), {}
    assert poll(wf, static, fake_server) is None
    assert static["node:T"] == {"documentId": DOC, "sheetId": 0, "lastIndexChecked": 1}
    sheets.grids["Sheet1"] += [["Bob", 2], ["Cid", 3]]
    assert poll(wf, static, fake_server) == [{"name": "Bob", "n": 2}, {"name": "Cid", "n": 3}]
    assert poll(wf, static, fake_server) is None


def test_any_update_compares_with_previous_revision(fake_server):
    sheets = FakeSheets(fake_server, {"Sheet1": [["name", "n"], ["Ann", 1], ["Bob", 2]]})
    revisions = Revisions(fake_server, sheets)
    wf, static = trigger(event="anyUpdate"), {}
    assert poll(wf, static, fake_server) is None  # first poll records the revision
    assert static["node:T"]["lastRevision"] == 1
    assert poll(wf, static, fake_server) is None  # no newer revision
    sheets.grids["Sheet1"][2][1] = 5
    sheets.grids["Sheet1"].append(["Cid", 3])
    revisions.snapshot()
    assert poll(wf, static, fake_server) == [
        {"row_number": 3, "change_type": "updated", "name": "Bob", "n": 5},
        {"row_number": 4, "change_type": "added", "name": "Cid", "n": 3},
    ]
    assert static["node:T"]["lastRevisionLink"] == f"{fake_server.url}/export/2"


def test_row_update_both_reports_differences(fake_server):
    sheets = FakeSheets(fake_server, {"Sheet1": [["name", "n"], ["Ann", 1], ["Bob", 2]]})
    revisions = Revisions(fake_server, sheets)
    wf, static = trigger(event="rowUpdate", includeInOutput="both"), {}
    poll(wf, static, fake_server)
    sheets.grids["Sheet1"][1][0] = "Anna"
    sheets.grids["Sheet1"].append(["Cid", 3])  # an added row is not an update
    revisions.snapshot()
    assert poll(wf, static, fake_server) == [{
        "previous": {"row_number": 2, "name": "Ann", "n": 1},
        "current": {"row_number": 2, "name": "Anna", "n": 1},
        "differences": {"row_number": 2, "name": {"previous": "Ann", "current": "Anna"}},
    }]


def test_any_update_manual_returns_the_sheet_and_empty_header_fails(fake_server):
    sheets = FakeSheets(fake_server, {"Sheet1": [["name"], ["Ann"]]})
    Revisions(fake_server, sheets)
    out = output(run(trigger(), services(fake_server), mode="manual"), "T")
    assert [i["json"] for i in out] == [{"name": "Ann"}]
    sheets.grids["Sheet1"] = []
    failed = run(trigger(event="rowAdded"), services(fake_server), mode="manual")
    assert error_of(failed, "T")["message"] == "Could not retrieve the columns from key row"
