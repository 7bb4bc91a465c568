"""Gmail v1 (legacy parameters) against a local fake of the Gmail API."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

TOKEN = "ya29.gmailv1"
CRED = {"gmailOAuth2": {"id": "1", "name": "Gmail"}}
RAW = (b"From: Ann <ann@example.com>\r\nTo: me@example.com\r\nSubject: Hello there\r\n"
       b"Date: Tue, 05 Mar 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\nHi!\r\n")


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def authed(handler):
    def wrapped(req: Request):
        assert req.headers["authorization"] == f"Bearer {TOKEN}"
        return handler(req)
    return wrapped


def go(server, params, items=None, **kw):
    services = Services(credentials=creds({"gmailOAuth2": {"oauthTokenData": {"access_token": TOKEN}}}),
                        base_urls={"google": server.url})
    return run(flow("gmail", 1, params, items if items is not None else [{}], credentials=CRED, **kw), services)


def decoded(req: Request, key: str = "raw"):
    raw = req.json[key] if key == "raw" else req.json["message"]["raw"]
    return message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=policy.default)


def test_send_with_address_lists(fake_server):
    fake_server.route("POST", "/gmail/v1/users/me/messages/send",
                      authed(lambda r: (200, {}, {"id": "s1", "threadId": "t1", "labelIds": ["SENT"]})))
    out = output(go(fake_server, {"resource": "message", "operation": "send", "toList": ["a@x.io", "b@x.io"],
                                  "subject": "Hi", "message": "Body", "includeHtml": True, "htmlMessage": "<b>Body</b>",
                                  "additionalFields": {"ccList": ["c@x.io"], "senderName": "Me <me@x.io>"}}))
    assert out == [{"json": {"id": "s1", "threadId": "t1", "labelIds": ["SENT"]}, "pairedItem": {"item": 0}}]
    msg = decoded(fake_server.last("POST"))
    assert msg["To"] == "a@x.io, b@x.io" and msg["Cc"] == "c@x.io" and msg["Subject"] == "Hi"
    assert msg["From"] == "Me <me@x.io>"
    assert msg.get_body(("html",)).get_content().strip() == "<b>Body</b>"
    assert msg.get_body(("plain",)).get_content().strip() == "Body"


def test_get_all_resolved_parses_raw(fake_server):
    fake_server.route("GET", "/gmail/v1/users/me/messages",
                      authed(lambda r: (200, {}, {"messages": [{"id": "m1", "threadId": "t1"}]})))

    def one(req: Request):
        assert req.arg("format") == "raw" and req.arg("q") == "is:unread"
        return 200, {}, {"id": "m1", "threadId": "t1", "labelIds": ["INBOX"], "sizeEstimate": 9,
                         "raw": base64.urlsafe_b64encode(RAW).decode()}

    fake_server.route("GET", "/gmail/v1/users/me/messages/m1", authed(one))
    out = output(go(fake_server, {"resource": "message", "operation": "getAll", "limit": 5,
                                  "additionalFields": {"q": "is:unread"}}))
    listing = fake_server.requests[0]
    assert listing.arg("maxResults") == "5" and listing.arg("q") == "is:unread"
    json = out[0]["json"]
    assert json["id"] == "m1" and json["subject"] == "Hello there" and json["text"] == "Hi!\n"
    assert json["from"]["value"] == [{"address": "ann@example.com", "name": "Ann"}]
    assert json["date"] == "2024-03-05T10:00:00.000Z"


def test_get_all_ids_format(fake_server):
    fake_server.route("GET", "/gmail/v1/users/me/messages",
                      authed(lambda r: (200, {}, {"messages": [{"id": "m1", "threadId": "t1"},
                                                               {"id": "m2", "threadId": "t2"}]})))
    out = output(go(fake_server, {"resource": "message", "operation": "getAll", "returnAll": True,
                                  "additionalFields": {"format": "ids"}}))
    assert [o["json"] for o in out] == [{"id": "m1", "threadId": "t1"}, {"id": "m2", "threadId": "t2"}]
    assert fake_server.requests[0].arg("maxResults") == "100"


def test_message_label_remove_and_delete(fake_server):
    fake_server.route("POST", "/gmail/v1/users/me/messages/m1/modify",
                      authed(lambda r: (200, {}, {"id": "m1", "labelIds": ["INBOX"]})))
    out = output(go(fake_server, {"resource": "messageLabel", "operation": "remove", "messageId": "m1",
                                  "labelIds": ["UNREAD"]}))
    assert fake_server.last("POST").json == {"removeLabelIds": ["UNREAD"]}
    assert out[0]["json"] == {"id": "m1", "labelIds": ["INBOX"]}
    fake_server.route("DELETE", "/gmail/v1/users/me/messages/m1", authed(lambda r: (204, {}, None)))
    out = output(go(fake_server, {"resource": "message", "operation": "delete", "messageId": "m1"}))
    assert out[0]["json"] == {"success": True}


def test_reply_threads_to_the_sender(fake_server):
    fake_server.route("GET", "/gmail/v1/users/me/messages/m1", authed(lambda r: (200, {}, {
        "id": "m1", "payload": {"headers": [{"name": "From", "value": "Ann <ann@example.com>"},
                                            {"name": "Subject", "value": "Question"}]}})))
    fake_server.route("POST", "/gmail/v1/users/me/messages/send",
                      authed(lambda r: (200, {}, {"id": "s2", "threadId": r.json["threadId"]})))
    out = output(go(fake_server, {"resource": "message", "operation": "reply", "messageId": "m1", "threadId": "t1",
                                  "message": "Answer"}))
    assert out[0]["json"] == {"id": "s2", "threadId": "t1"}
    assert fake_server.requests[0].arg("format") == "metadata"
    msg = decoded(fake_server.last("POST"))
    assert msg["To"] == "ann@example.com" and msg["Subject"] == "Question" and msg["In-Reply-To"] == "m1"


def test_missing_message_is_not_found(fake_server):
    fake_server.route("GET", "/gmail/v1/users/me/messages/nope",
                      (404, {}, {"error": {"code": 404, "message": "Requested entity was not found."}}))
    execution = go(fake_server, {"resource": "message", "operation": "get", "messageId": "nope"})
    assert error_of(execution)["message"] == "Message not found"


def test_label_create_and_get_all_limit(fake_server):
    fake_server.route("POST", "/gmail/v1/users/me/labels", authed(lambda r: (200, {}, {"id": "Label_9", **r.json})))
    out = output(go(fake_server, {"resource": "label", "operation": "create", "name": "Todo"}))
    assert out[0]["json"] == {"id": "Label_9", "labelListVisibility": "labelShow", "messageListVisibility": "show",
                              "name": "Todo"}
    fake_server.route("GET", "/gmail/v1/users/me/labels", authed(lambda r: (200, {}, {"labels": [
        {"id": "A"}, {"id": "B"}, {"id": "C"}]})))
    out = output(go(fake_server, {"resource": "label", "operation": "getAll", "limit": 2}))
    assert [o["json"]["id"] for o in out] == ["A", "B"]
