"""Email Trigger (IMAP) against a scripted IMAP server on 127.0.0.1."""

from __future__ import annotations

import base64

import pytest
from fake_imap import FakeImap
from gdb_harness import creds, error_of, output, run

from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.nodes.email_imap import build_search
from automatelanka.engine.state import Services

PLAIN = (b"From: Ann <ann@example.com>\r\nTo: me@example.com\r\nSubject: =?UTF-8?Q?Caf=C3=A9?= news\r\n"
         b"Date: Tue, 05 Mar 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n"
         b"X-Mailer: fake\r\n\r\nHello Ann\r\nbye\r\n")
MIXED = (b"From: bob@example.com\r\nTo: me@example.com\r\nSubject: Report\r\n"
         b"Date: Wed, 06 Mar 2024 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
         b"--XX\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n"
         b"--YY\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
         + base64.b64encode("Numbers attached, caf\u00e9".encode()) + b"\r\n"
         b"--YY\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Numbers attached</p>\r\n--YY--\r\n"
         b"--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"r.csv\"\r\n"
         b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"a,b\n1,2\n") + b"\r\n--XX--\r\n")
IMAP_CRED = {"imap": {"id": "1", "name": "Mail"}}


@pytest.fixture
def imap():
    with FakeImap() as server:
        server.add(b"From: old@example.com\r\nSubject: seen already\r\n\r\nold\r\n", seen=True)
        server.add(PLAIN)
        server.add(MIXED)
        yield server


def services(server: FakeImap, password: str = "secret") -> Services:
    fields = {"host": " 127.0.0.1 ", "port": server.port, "user": "me@example.com", "password": password,
              "secure": False, "allowUnauthorizedCerts": False}
    return Services(credentials=creds({"imap": fields}))


def trigger(version: float = 2.1, **parameters) -> dict:
    return {"name": "t", "settings": {"executionOrder": "v1"}, "connections": {},
            "nodes": [{"name": "T", "type": "n8n-nodes-base.emailReadImap", "typeVersion": version,
                       "position": [0, 0], "parameters": parameters, "credentials": IMAP_CRED}]}


def poll(wf: dict, state_static: dict, server: FakeImap, mode: str = "trigger"):
    """Call the registered poll path as the daemon does (static data carried between polls)."""
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.params import node_parameters
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow

    workflow = Workflow(wf)
    state = ExecutionState(workflow=workflow, mode=mode, services=services(server))
    state.static_data = state_static
    node = workflow.nodes["T"]
    ctx = NodeContext(state, node, node_parameters(node), [[]], [], 0, [None])
    return POLLERS["n8n-nodes-base.emailReadImap"](ctx)


def test_manual_simple_format_marks_read(imap):
    out = output(run(trigger(), services(imap), mode="manual"), "T")
    assert [item["json"] for item in out] == [
        {"textHtml": "", "textPlain": "Hello Ann\r\nbye\r\n",
         "metadata": {"message-id": "<m1@example.com>", "x-mailer": "fake"}, "attributes": {"uid": 2},
         "from": "Ann <ann@example.com>", "to": "me@example.com", "subject": "Café news",
         "date": "Tue, 05 Mar 2024 10:00:00 +0000"},
        {"textHtml": "<p>Numbers attached</p>", "textPlain": "Numbers attached, café",
         "metadata": {"mime-version": "1.0", "content-type": "multipart/mixed; boundary=XX"},
         "attributes": {"uid": 3}, "from": "bob@example.com", "to": "me@example.com", "subject": "Report",
         "date": "Wed, 06 Mar 2024 09:30:00 +0000"},
    ]
    assert "binary" not in out[1]  # downloadAttachments is off
    search = next(c for c in imap.commands if "UID SEARCH" in c)
    assert search.split("UID SEARCH ")[1].startswith("UNSEEN SINCE ")
    assert any("UID STORE 2,3 +FLAGS (\\Seen)" in c for c in imap.commands)
    assert all("\\Seen" in m.flags for m in imap.mailboxes["INBOX"])


def test_simple_with_attachments_and_nothing_action(imap):
    out = output(run(trigger(2, postProcessAction="nothing", downloadAttachments=True,
                             dataPropertyAttachmentsPrefixName="file_"), services(imap), mode="manual"), "T")
    assert list(out[1]["binary"]) == ["file_0"]
    entry = out[1]["binary"]["file_0"]
    assert (entry["fileName"], entry["mimeType"]) == ("r.csv", "text/csv")
    assert base64.b64decode(entry["data"]) == b"a,b\n1,2\n"
    assert not any("STORE" in c for c in imap.commands)
    assert "\\Seen" not in imap.mailboxes["INBOX"][1].flags
    assert not any("SINCE" in c for c in imap.commands)  # v2 searches UNSEEN only


def test_resolved_format_v1(imap):
    out = output(run(trigger(1, format="resolved"), services(imap), mode="manual"), "T")
    first, second = (item["json"] for item in out)
    assert first["subject"] == "Café news" and first["text"] == "Hello Ann\nbye\n"
    assert first["from"]["value"] == [{"address": "ann@example.com", "name": "Ann"}]
    assert first["date"] == "2024-03-05T10:00:00.000Z" and first["messageId"] == "<m1@example.com>"
    assert first["headers"]["subject"] == "Subject: =?UTF-8?Q?Caf=C3=A9?= news"
    assert "attributes" not in first and "attachments" not in first  # v1 has no attributes
    assert second["html"] == "<p>Numbers attached</p>"
    assert second["textAsHtml"] == "<p>Numbers attached, caf&eacute;</p>"  # he.encode, as mailparser
    assert base64.b64decode(out[1]["binary"]["attachment_0"]["data"]) == b"a,b\n1,2\n"


def test_raw_format_and_custom_criteria(imap):
    out = output(run(trigger(2.1, format="raw", options={"customEmailConfig": '["ALL", ["FROM", "ann"]]'}),
                     services(imap), mode="manual"), "T")
    assert [item["json"] for item in out] == [{"raw": "Hello Ann\r\nbye\r\n"}]
    assert any('UID SEARCH ALL FROM "ann" SINCE ' in c for c in imap.commands)


def test_poll_keeps_cursor_and_waits_for_new_mail(imap):
    wf = trigger(2.1, postProcessAction="nothing")
    static: dict = {}
    first = poll(wf, static, imap)
    assert [i["json"]["attributes"]["uid"] for i in first] == [2, 3]
    assert static["node:T"]["lastMessageUid"] == 3
    assert poll(wf, static, imap) is None  # no new mail: nothing searched
    imap.add(b"From: cy@example.com\r\nSubject: third\r\n\r\nthree\r\n")
    third = poll(wf, static, imap)
    assert [i["json"]["subject"] for i in third] == ["third"]
    assert imap.commands[-3].endswith("UID SEARCH UNSEEN UID 3:*") or \
        any(c.endswith("UID SEARCH UNSEEN UID 3:*") for c in imap.commands)
    assert static["node:T"]["lastMessageUid"] == 4


def test_outside_manual_mode_passes_seed_through(imap):
    out = output(run(trigger(), services(imap)), "T")
    assert [item["json"] for item in out] == [{}]
    assert imap.commands == []


def test_login_failure_and_bad_criteria(imap):
    failed = run(trigger(), services(imap, password="wrong"), mode="manual")
    assert error_of(failed, "T")["message"] == "Invalid credentials (Failure)"
    bad = run(trigger(options={"customEmailConfig": "[UNSEEN"}), services(imap), mode="manual")
    assert error_of(bad, "T")["message"] == "Custom email config is not valid JSON."


def test_build_search_node_imap_syntax():
    assert build_search(["UNSEEN", ["SINCE", "05-Mar-2024"], "!FLAGGED"]) == "UNSEEN SINCE 5-Mar-2024 NOT FLAGGED"
    assert build_search([["OR", "SEEN", ["FROM", 'a"b']]]) == 'OR (SEEN) (FROM "a\\"b")'
    assert build_search([["UID", "7:*"], ["LARGER", 10]]) == "UID 7:* LARGER 10"
