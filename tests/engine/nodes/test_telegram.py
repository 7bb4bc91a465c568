"""Telegram node against a local fake Bot API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

TOKEN = "123:abc"
CREDS = {"telegramApi": {"accessToken": TOKEN, "baseUrl": "https://api.telegram.org"}}
MESSAGE = {"message_id": 7, "from": {"id": 1, "is_bot": True, "first_name": "bot"},
           "chat": {"id": 42, "type": "private"}, "date": 1700000000, "text": "hi"}


def run(server, version, params, **kw):
    return run_service("n8n-nodes-base.telegram", version, params, credentials=CREDS,
                       base_urls={"telegram": server.url}, **kw)


def test_send_message_v12_adds_attribution_and_returns_api_answer(fake_server):
    fake_server.route("POST", f"/bot{TOKEN}/sendMessage", (200, {}, {"ok": True, "result": MESSAGE}))
    ex = run(fake_server, 1.2, {"chatId": "42", "text": "hi"}, items=[{"json": {}}, {"json": {}}])
    items = output(ex)
    assert [it["json"] for it in items] == [{"ok": True, "result": MESSAGE}] * 2
    assert [it["pairedItem"] for it in items] == [{"item": 0}, {"item": 1}]
    body = fake_server.last().json
    assert body["chat_id"] == "42"
    assert body["parse_mode"] == "Markdown"
    assert body["disable_web_page_preview"] is True
    assert body["text"].startswith("hi\n\n_This message was sent automatically with _[n8n](https://n8n.io/")
    assert "reply_markup" not in body


def test_send_message_v1_inline_keyboard_without_attribution(fake_server):
    fake_server.route("POST", f"/bot{TOKEN}/sendMessage", (200, {}, {"ok": True, "result": MESSAGE}))
    params = {"chatId": "42", "text": "see https://x.io", "replyMarkup": "inlineKeyboard",
              "inlineKeyboard": {"rows": [{"row": {"buttons": [
                  {"text": "Yes", "additionalFields": {"callback_data": "y"}},
                  {"text": "Site", "additionalFields": {"url": "https://x.io"}}]}}]},
              "additionalFields": {"parse_mode": "HTML"}}
    run(fake_server, 1, params)
    body = fake_server.last().json
    assert body["text"] == "see https://x.io"
    assert "disable_web_page_preview" not in body
    assert body["parse_mode"] == "HTML"
    assert body["reply_markup"] == {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"},
                                                         {"text": "Site", "url": "https://x.io"}]]}


def test_send_photo_binary_is_multipart(fake_server):
    fake_server.route("POST", f"/bot{TOKEN}/sendPhoto", (200, {}, {"ok": True, "result": MESSAGE}))
    png = b"\x89PNG\r\n\x1a\nrest"
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(png).decode(), "mimeType": "image/png",
                                            "fileName": "a.png"}}}
    run(fake_server, 1.2, {"operation": "sendPhoto", "chatId": "42", "binaryData": True,
                           "additionalFields": {"caption": "pic"}}, items=[item])
    req = fake_server.last()
    assert req.headers["content-type"].startswith("multipart/form-data")
    assert b'name="photo"; filename="a.png"' in req.body
    assert png in req.body
    assert b'name="caption"\r\n\r\npic' in req.body
    assert b'name="chat_id"\r\n\r\n42' in req.body


def test_file_get_download_adds_binary(fake_server):
    fake_server.route("POST", f"/bot{TOKEN}/getFile", (200, {}, {"ok": True, "result": {
        "file_id": "F", "file_unique_id": "U", "file_size": 3, "file_path": "documents/file_1.txt"}}))
    fake_server.route("GET", f"/file/bot{TOKEN}/documents/file_1.txt", (200, {}, b"abc"))
    items = output(run(fake_server, 1.2, {"resource": "file", "fileId": "F"}))
    assert items[0]["json"]["result"]["file_path"] == "documents/file_1.txt"
    data = items[0]["binary"]["data"]
    assert base64.b64decode(data["data"]) == b"abc"
    assert data["fileName"] == "file_1.txt" and data["mimeType"] == "text/plain"
    assert fake_server.last("POST").json == {"file_id": "F"}


def test_chat_administrators_split_into_items(fake_server):
    admins = [{"user": {"id": 1}, "status": "creator"}, {"user": {"id": 2}, "status": "administrator"}]
    fake_server.route("POST", f"/bot{TOKEN}/getChatAdministrators", (200, {}, {"ok": True, "result": admins}))
    items = output(run(fake_server, 1.2, {"resource": "chat", "operation": "administrators", "chatId": "-1"}))
    assert [it["json"] for it in items] == admins


def test_api_error_fails_and_continue_on_fail_keeps_description(fake_server):
    answer = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    fake_server.route("POST", f"/bot{TOKEN}/deleteMessage", (400, {}, answer))
    params = {"operation": "deleteMessage", "chatId": "1", "messageId": "2"}
    err = error(run(fake_server, 1.2, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Bad Request: chat not found"
    items = output(run(fake_server, 1.2, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad Request: chat not found"}, "pairedItem": {"item": 0}}]
