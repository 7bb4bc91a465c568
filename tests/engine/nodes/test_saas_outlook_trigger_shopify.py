"""Microsoft Outlook Trigger (polling Graph) and Shopify (REST Admin API) against local fakes."""

from __future__ import annotations

import base64
import re

import pytest
from fakes import FakeServer
from svc_harness import error, output, run_service

from automatelanka.engine.executor import execute
from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.params import node_parameters
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

pytest_plugins = ("fakes",)

# -- Microsoft Outlook Trigger ---------------------------------------------------------------------

OUTLOOK = "n8n-nodes-base.microsoftOutlookTrigger"
GRAPH_CREDS = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "graph-token"}}}
MSG = {"id": "m1", "conversationId": "c1", "subject": "Hello", "bodyPreview": "Hi there",
       "from": {"emailAddress": {"address": "boss@x.com", "name": "Boss"}},
       "toRecipients": [{"emailAddress": {"address": "me@x.com"}}], "categories": [], "hasAttachments": False,
       "receivedDateTime": "2025-01-01T10:00:00Z"}
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)"


def _services(server: FakeServer, creds=GRAPH_CREDS) -> Services:
    return Services(credentials=lambda kind, ref: dict(creds[kind]), base_urls={"microsoft": server.url})


def _trigger_workflow(params: dict, creds=GRAPH_CREDS) -> dict:
    return {"name": "t", "settings": {"executionOrder": "v1", "timezone": "UTC"}, "connections": {},
            "nodes": [{"name": "T", "type": OUTLOOK, "typeVersion": 1, "position": [0, 0], "parameters": params,
                       "credentials": {k: {"id": "1", "name": k} for k in creds}}]}


def _poll_context(server: FakeServer, params: dict, creds=GRAPH_CREDS) -> tuple[NodeContext, ExecutionState]:
    wf = Workflow(_trigger_workflow(params, creds))
    state = ExecutionState(workflow=wf, mode="trigger", services=_services(server, creds))
    node = wf.nodes["T"]
    return NodeContext(state, node, node_parameters(node), [[]], [], 0, [None]), state


def test_outlook_trigger_manual_fetches_newest_simplified(fake_server):
    def messages(req):
        assert req.headers["authorization"] == "Bearer graph-token"
        assert req.query == {"$top": ["1"], "$filter": ["(from/emailAddress/address eq 'boss@x.com' or "
                                                        "from/emailAddress/name eq 'boss@x.com')"],
                             "$select": ["id,conversationId,subject,bodyPreview,from,toRecipients,categories,"
                                         "hasAttachments"]}
        return 200, {}, {"value": [MSG]}

    fake_server.route("GET", "/me/messages", messages)
    wf = _trigger_workflow({"filters": {"sender": "boss@x.com"}, "options": {}})
    items = output(execute(wf, services=_services(fake_server), mode="manual"), "T")
    assert items == [{"json": {"id": "m1", "conversationId": "c1", "subject": "Hello", "bodyPreview": "Hi there",
                               "from": "boss@x.com", "to": ["me@x.com"], "categories": [],
                               "hasAttachments": False}, "pairedItem": {"item": 0}}]
    # outside manual mode the trigger passes its seed item through (the daemon polls instead)
    assert [it["json"] for it in output(execute(wf, services=_services(fake_server)), "T")] == [{}]


def test_outlook_trigger_manual_api_error(fake_server):
    fake_server.route("GET", "/me/messages", (401, {}, {"error": {"code": "InvalidAuthenticationToken",
                                                                  "message": "Access token has expired."}}))
    wf = _trigger_workflow({"output": "raw"})
    err = error(execute(wf, services=_services(fake_server), mode="manual"), "T")
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Access token has expired." and err["httpCode"] == "401"
    fake_server.route("GET", "/me/messages", (400, {}, {"error": {"code": "BadRequest",
                                                                  "message": "Invalid filter clause"}}))
    err = error(execute(_trigger_workflow({"filters": {"custom": "bogus"}}), services=_services(fake_server),
                        mode="manual"), "T")
    assert err["message"] == "Invalid filter clause"  # n8n puts the API's text in place of "Bad request"
    assert fake_server.last().arg("$filter") == "bogus"


def test_outlook_trigger_poll_window_paging_and_cursor(fake_server):
    def messages(req):
        if req.arg("page") == "2":
            assert "$filter" not in req.query  # nextLink carries the query already
            return 200, {}, {"value": [{**MSG, "id": "m2"}]}
        assert req.arg("$top") == "100"
        assert req.arg("$select") == "body,toRecipients,subject,bodyPreview"
        flt = req.arg("$filter")
        assert re.fullmatch(rf"hasAttachments eq true and receivedDateTime ge ({ISO}) "
                            rf"and receivedDateTime lt ({ISO})", flt), flt
        return 200, {}, {"value": [MSG], "@odata.nextLink": f"{fake_server.url}/me/messages?page=2"}

    fake_server.route("GET", "/me/messages", messages)
    params = {"output": "fields", "fields": ["body", "toRecipients", "subject", "bodyPreview"],
              "filters": {"hasAttachments": True, "foldersToInclude": []}, "options": {}}
    ctx, state = _poll_context(fake_server, params)
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00.000Z"}
    items = POLLERS[OUTLOOK](ctx)
    assert items == [{"json": MSG}, {"json": {**MSG, "id": "m2"}}]
    first = fake_server.requests[0].arg("$filter")
    assert "receivedDateTime ge 2025-01-01T00:00:00.000Z and receivedDateTime lt " in first
    cursor = state.static_data["node:T"]["lastTimeChecked"]
    assert re.fullmatch(ISO, cursor) and cursor != "2025-01-01T00:00:00.000Z"
    assert first.endswith(f"lt {cursor}")


def test_outlook_trigger_poll_nothing_new_moves_cursor_and_folder_filter(fake_server):
    fake_server.route("GET", "/me/messages", (200, {}, {"value": []}))
    ctx, state = _poll_context(fake_server, {"output": "raw", "filters": {"foldersToInclude": ["F1", "F2"],
                                                                          "readStatus": "unread"}})
    assert POLLERS[OUTLOOK](ctx) is None
    flt = fake_server.last().arg("$filter")
    # first poll: start == end == now
    match = re.fullmatch(rf"parentFolderId eq 'F1' or parentFolderId eq 'F2' and isRead eq false and "
                         rf"receivedDateTime ge ({ISO}) and receivedDateTime lt ({ISO})", flt)
    assert match and match.group(1) == match.group(3)
    assert "$select" not in fake_server.last().query
    assert state.static_data["node:T"]["lastTimeChecked"] == match.group(1)


def test_outlook_trigger_poll_error_first_time_raises_then_is_swallowed(fake_server):
    fake_server.route("GET", "/me/messages", (500, {}, {"error": {"code": "Boom", "message": "Server down"}}))
    ctx, state = _poll_context(fake_server, {"output": "raw"})
    with pytest.raises(Exception):  # noqa: B017 - no cursor yet: n8n rethrows
        POLLERS[OUTLOOK](ctx)
    assert "lastTimeChecked" not in state.static_data.get("node:T", {})
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00.000Z"}
    assert POLLERS[OUTLOOK](ctx) is None  # logged by n8n, cursor moved on
    assert state.static_data["node:T"]["lastTimeChecked"] != "2025-01-01T00:00:00.000Z"


def test_outlook_trigger_downloads_attachments_shared_mailbox(fake_server):
    upn = "shared@x.com"
    creds = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "t"}, "useShared": True,
                                           "userPrincipalName": upn}}
    msg = {**MSG, "hasAttachments": True}

    def messages(req):
        assert req.arg("$select") == "subject,hasAttachments"
        return 200, {}, {"value": [msg]}

    fake_server.route("GET", f"/users/{upn}/messages", messages)
    fake_server.route("GET", f"/users/{upn}/messages/m1/attachments",
                      (200, {}, {"value": [{"id": "a1", "name": "r.txt", "contentType": "text/plain"}]}))
    fake_server.route("GET", f"/users/{upn}/messages/m1/attachments/a1/$value", (200, {}, b"REPORT"))
    wf = _trigger_workflow({"output": "fields", "fields": ["subject"],
                            "options": {"downloadAttachments": True, "attachmentsPrefix": "file_"}}, creds)
    items = output(execute(wf, services=_services(fake_server, creds), mode="manual"), "T")
    assert len(items) == 1 and items[0]["json"] == msg
    entry = items[0]["binary"]["file_0"]
    assert entry["fileName"] == "r.txt" and entry["mimeType"] == "text/plain"
    assert base64.b64decode(entry["data"]) == b"REPORT"
