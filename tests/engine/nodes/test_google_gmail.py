"""Gmail node and Gmail Trigger against a local fake of the Gmail v1 API."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

TOKEN = "ya29.gmail"
CRED = {"gmailOAuth2": {"id": "1", "name": "Gmail"}}
LABELS = {"labels": [{"id": "INBOX", "name": "INBOX", "type": "system"},
                     {"id": "Label_1", "name": "Invoices", "type": "user"}]}
RAW = (b"From: Ann <ann@example.com>\r\nTo: me@example.com\r\nSubject: Hello there\r\n"
       b"Date: Tue, 05 Mar 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
       b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi, see https://x.io\r\n"
       b"--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"a.csv\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"a,b\n1,2\n") + b"\r\n--XX--\r\n")


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def metadata(mid: str, internal: str = "1709632800000") -> dict:
    return {"id": mid, "threadId": "t" + mid, "labelIds": ["INBOX", "Label_1"], "snippet": "Hi &amp; bye",
            "internalDate": internal, "sizeEstimate": 100,
            "payload": {"mimeType": "multipart/mixed", "headers": [
                {"name": "From", "value": "Ann <ann@example.com>"}, {"name": "Subject", "value": "Hello"}]}}


def fake_gmail(server: FakeServer) -> None:
    def auth(handler):
        def wrapped(req: Request):
            assert req.headers["authorization"] == f"Bearer {TOKEN}"
            return handler(req)
        return wrapped

    server.route("GET", "/gmail/v1/users/me/labels", auth(lambda r: (200, {}, LABELS)))
    server.route("GET", "/gmail/v1/users/me/profile", auth(lambda r: (200, {}, {"emailAddress": "me@example.com"})))
    server.route("POST", "/gmail/v1/users/me/messages/send",
                 auth(lambda r: (200, {}, {"id": "sent1", "threadId": r.json.get("threadId") or "t9",
                                           "labelIds": ["SENT"]})))
    server.route("GET", "/gmail/v1/users/me/messages",
                 auth(lambda r: (200, {}, {"messages": [{"id": "m1", "threadId": "tm1"},
                                                        {"id": "m2", "threadId": "tm2"}][:int(r.arg("maxResults", "100"))],
                                           "resultSizeEstimate": 2})))

    def get_message(req: Request):
        mid = req.path.rsplit("/", 1)[1]
        if mid == "missing":
            return 404, {}, {"error": {"code": 404, "message": "Requested entity was not found."}}
        if req.arg("format") == "raw":
            return 200, {}, {"id": mid, "threadId": "t" + mid, "labelIds": ["INBOX"], "sizeEstimate": 9,
                             "raw": base64.urlsafe_b64encode(RAW).decode().rstrip("=")}
        assert req.query.get("metadataHeaders", ["From", "To", "Cc", "Bcc", "Subject"]) == [
            "From", "To", "Cc", "Bcc", "Subject"]
        data = metadata(mid)
        if mid == "m1":
            data["payload"]["headers"].append({"name": "Message-ID", "value": "<orig@example.com>"})
        return 200, {}, data

    server.route("GET", "/gmail/v1/users/me/messages/*", auth(get_message))
    server.route("POST", "/gmail/v1/users/me/messages/*",
                 auth(lambda r: (200, {}, {"id": r.path.split("/")[-2], "labelIds": ["INBOX"], **r.json})))


def services(server: FakeServer, **kw) -> Services:
    return Services(credentials=creds({"gmailOAuth2": {"oauthTokenData": {"access_token": TOKEN}}}),
                    base_urls={"google": server.url}, **kw)


def gmail_flow(params, items=None, version=2.1, **kw):
    return flow("gmail", version, params, items if items is not None else [{}], credentials=CRED, **kw)


def sent_message(server: FakeServer):
    raw = server.last("POST", "/gmail/v1/users/me/messages/send").json["raw"]
    return message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=policy.default)


def test_send_builds_the_mime_message(fake_server):
    fake_gmail(fake_server)
    params = {"sendTo": "a@x.com, Bob <b@x.com>", "subject": "Report", "emailType": "text", "message": " Body ",
              "options": {"ccList": "c@x.com", "appendAttribution": False, "senderName": "Bot"}}
    out = output(run(gmail_flow(params), services(fake_server)))
    assert [i["json"] for i in out] == [{"id": "sent1", "threadId": "t9", "labelIds": ["SENT"]}]
    msg = sent_message(fake_server)
    assert msg["Subject"] == "Report" and msg["From"] == "Bot <me@example.com>"
    assert "a@x.com" in msg["To"] and "b@x.com" in msg["To"] and "c@x.com" in msg["Cc"]
    assert msg.get_content().strip() == "Body"


def test_send_appends_attribution_from_2_1_and_rejects_bad_addresses(fake_server):
    fake_gmail(fake_server)
    params = {"sendTo": "a@x.com", "subject": "S", "emailType": "text", "message": "Hi"}
    run(gmail_flow(params), services(fake_server))
    assert "This email was sent automatically with n8n" in sent_message(fake_server).get_content()
    err = error_of(run(gmail_flow({**params, "sendTo": "nobody"}), services(fake_server)))
    assert err["message"] == "Invalid email address (item 0)"


def test_get_all_simple_maps_labels_and_headers(fake_server):
    fake_gmail(fake_server)
    params = {"operation": "getAll", "limit": 2, "filters": {"sender": "ann@example.com", "readStatus": "unread"}}
    out = output(run(gmail_flow(params), services(fake_server)))
    first = out[0]["json"]
    assert first["labels"] == [{"id": "INBOX", "name": "INBOX"}, {"id": "Label_1", "name": "Invoices"}]
    assert first["From"] == "Ann <ann@example.com>" and first["Subject"] == "Hello"
    assert "labelIds" not in first and "headers" not in first["payload"]
    assert first["snippet"] == "Hi &amp;amp; bye"  # n8n escapes snippets
    listing = fake_server.last("GET", "/gmail/v1/users/me/messages")
    assert listing.arg("q") == "from:ann@example.com is:unread" and listing.arg("maxResults") == "2"
    assert [i["pairedItem"] for i in out] == [{"item": 0}, {"item": 0}]


def test_get_raw_parses_the_email_and_downloads_attachments(fake_server):
    fake_gmail(fake_server)
    params = {"operation": "get", "messageId": "m7", "simple": False, "options": {"downloadAttachments": True}}
    out = output(run(gmail_flow(params), services(fake_server)))
    js = out[0]["json"]
    assert js["id"] == "m7" and js["subject"] == "Hello there"
    assert js["from"]["value"] == [{"address": "ann@example.com", "name": "Ann"}]
    assert js["from"]["text"] == '"Ann" <ann@example.com>'
    assert js["date"] == "2024-03-05T10:00:00.000Z"
    assert js["text"].strip() == "Hi, see https://x.io"
    assert js["textAsHtml"] == '<p>Hi, see <a href="https://x.io">https://x.io</a></p>'
    assert js["html"] is False and js["headers"]["subject"] == "Subject: Hello there"
    assert out[0]["binary"]["attachment_0"]["fileName"] == "a.csv"
    assert base64.b64decode(out[0]["binary"]["attachment_0"]["data"]) == b"a,b\n1,2\n"


def test_labels_reply_and_not_found(fake_server):
    fake_gmail(fake_server)
    out = output(run(gmail_flow({"operation": "addLabels", "messageId": "m3", "labelIds": ["Label_1"]}),
                     services(fake_server)))
    assert out[0]["json"]["addLabelIds"] == ["Label_1"]
    out = output(run(gmail_flow({"operation": "reply", "messageId": "m1", "emailType": "text", "message": "ok",
                                 "options": {"appendAttribution": False}}), services(fake_server)))
    msg = sent_message(fake_server)
    assert msg["In-Reply-To"] == "<orig@example.com>" and "ann@example.com" in msg["To"]
    assert fake_server.last("POST", "/gmail/v1/users/me/messages/send").json["threadId"] == "tm1"
    err = error_of(run(gmail_flow({"operation": "get", "messageId": "missing"}), services(fake_server)))
    assert err["message"] == "Message not found (item 0)"
    out = output(run(gmail_flow({"operation": "get", "messageId": "missing"}, on_error="continueRegularOutput"),
                     services(fake_server)))
    assert out[0]["json"] == {"error": "Message not found (item 0)"}
    out = output(run(gmail_flow({"resource": "label", "operation": "getAll", "returnAll": True}),
                     services(fake_server)))
    assert [i["json"]["name"] for i in out] == ["INBOX", "Invoices"]


def test_trigger_manual_polls_newest_and_cli_passes_through(fake_server):
    fake_gmail(fake_server)
    wf = {"name": "t", "settings": {"executionOrder": "v1"}, "connections": {},
          "nodes": [{"name": "T", "type": "n8n-nodes-base.gmailTrigger", "typeVersion": 1.2, "position": [0, 0],
                     "parameters": {"simple": True, "filters": {}, "options": {}}, "credentials": CRED}]}
    out = output(run(wf, services(fake_server), mode="manual"), "T")
    assert [i["json"]["id"] for i in out] == ["m1"]
    assert fake_server.last("GET", "/gmail/v1/users/me/messages").arg("maxResults") == "1"
    out = output(run(wf, services(fake_server)), "T")
    assert [i["json"] for i in out] == [{}]


def test_trigger_poll_remembers_duplicates():
    from automatelanka.engine.nodes._poll import POLLERS
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow

    with FakeServer() as server:
        fake_gmail(server)
        wf = Workflow({"nodes": [{"name": "T", "type": "n8n-nodes-base.gmailTrigger", "typeVersion": 1.2,
                                  "position": [0, 0], "parameters": {"simple": True}, "credentials": CRED}],
                       "connections": {}})
        state = ExecutionState(workflow=wf, mode="trigger", services=services(server))
        node = wf.nodes["T"]
        from automatelanka.engine.params import node_parameters
        ctx = NodeContext(state, node, node_parameters(node), [[]], [], 0, [None])
        first = POLLERS["n8n-nodes-base.gmailTrigger"](ctx)
        assert [i["json"]["id"] for i in first] == ["m1", "m2"]
        assert "after:" in server.last("GET", "/gmail/v1/users/me/messages").arg("q")
        cursor = state.static_data["node:T"]["T"]
        assert cursor["lastTimeChecked"] == 1709632800 and cursor["possibleDuplicates"] == ["m1", "m2"]
        assert POLLERS["n8n-nodes-base.gmailTrigger"](ctx) is None  # the same messages again
