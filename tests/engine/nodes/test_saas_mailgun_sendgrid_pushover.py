"""Mailgun, SendGrid and Pushover nodes against local fakes of their APIs."""

from __future__ import annotations

import base64
from email.parser import BytesParser
from email.policy import HTTP

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)


def multipart(req) -> list[tuple[str, str | None, str | None, bytes]]:
    """The parts of a multipart/form-data request: (name, file name, content type, content)."""
    ctype = req.headers["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + req.body)
    parts = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition")
        parts.append((part.get_param("name", header="content-disposition"), part.get_filename(),
                      part.get_content_type() if "Content-Type" in part else None,
                      part.get_payload(decode=True)))
        assert disposition.startswith("form-data")
    return parts


def fields(req) -> list[tuple[str, str]]:
    """The text fields of a multipart request, in order."""
    return [(name, data.decode()) for name, file_name, _ctype, data in multipart(req) if file_name is None]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# -- Pushover ---------------------------------------------------------------------------------------

PO = {"pushoverApi": {"apiKey": "po-token"}}


def po(server, params, **kw):
    return run_service("n8n-nodes-base.pushover", 1, params, credentials=PO,
                       base_urls={"pushover": server.url}, **kw)


def pushover_api(req):
    """Pushover's messages endpoint: form fields, token and user required."""
    form = dict(fields(req))
    if form.get("token") != "po-token":
        return 400, {}, {"token": "invalid", "errors": ["application token is invalid"], "status": 0,
                         "request": "r-bad"}
    if form.get("user") != "u-key":
        return 400, {}, {"user": "invalid", "errors": ["user identifier is invalid"], "status": 0,
                         "request": "r-bad"}
    return 200, {}, {"status": 1, "request": "r-1"}


def test_pushover_push_defaults_and_additional_fields(fake_server):
    fake_server.route("POST", "/messages.json", pushover_api)
    params = {"userKey": "u-key", "message": "={{ 'Temp ' + $json.t }}", "priority": 0,
              "additionalFields": {"title": "Today's Weather", "html": True, "url": "https://x.test"}}
    items = output(po(fake_server, params, items=[{"json": {"t": 21}}, {"json": {"t": 22}}]))
    assert items == [{"json": {"status": 1, "request": "r-1"}, "pairedItem": {"item": 0}},
                     {"json": {"status": 1, "request": "r-1"}, "pairedItem": {"item": 1}}]
    assert fields(fake_server.last()) == [("user", "u-key"), ("message", "Temp 22"), ("priority", "0"),
                                          ("title", "Today's Weather"), ("html", "1"), ("url", "https://x.test"),
                                          ("token", "po-token")]
    # priority left at its default (-2), no additional fields
    output(po(fake_server, {"userKey": "u-key", "message": "hi", "additionalFields": {}}))
    assert fields(fake_server.last()) == [("user", "u-key"), ("message", "hi"), ("priority", "-2"),
                                          ("token", "po-token")]


def test_pushover_emergency_priority_and_attachment(fake_server):
    fake_server.route("POST", "/messages.json", pushover_api)
    params = {"userKey": "u-key", "message": "alarm", "priority": 2, "retry": 60, "expire": 600,
              "additionalFields": {"html": False,
                                   "attachmentsUi": {"attachmentsValues": {"binaryPropertyName": "data"}}}}
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(b"PNGDATA").decode(), "fileName": "cat.png",
                                            "mimeType": "image/png"}}}
    items = output(po(fake_server, params, items=[item]))
    assert items == [{"json": {"status": 1, "request": "r-1"}, "pairedItem": {"item": 0}}]
    parts = multipart(fake_server.last())
    assert [(p[0], p[1]) for p in parts] == [("user", None), ("message", None), ("priority", None),
                                             ("retry", None), ("expire", None), ("html", None),
                                             ("attachment", "cat.png"), ("token", None)]
    assert parts[5][3] == b"" and parts[6][2] == "image/png" and parts[6][3] == b"PNGDATA"


def test_pushover_api_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", "/messages.json", pushover_api)
    params = {"userKey": "nobody", "message": "hi", "additionalFields": {}}
    err = error(po(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "user identifier is invalid"
    items = output(po(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]


def test_pushover_missing_attachment_and_unsupported(fake_server):
    params = {"userKey": "u-key", "message": "hi",
              "additionalFields": {"attachmentsUi": {"attachmentsValues": {"binaryPropertyName": "data"}}}}
    err = error(po(fake_server, params))
    assert err["message"] == "No binary data exists on item!"
    assert fake_server.requests == []
    err = error(po(fake_server, {"resource": "message", "operation": "list"}))
    assert err["message"] == "Pushover: operation 'message/list' is not supported yet"


# -- Mailgun ----------------------------------------------------------------------------------------

MG = {"mailgunApi": {"apiDomain": "api.eu.mailgun.net", "emailDomain": "mg.example.com", "apiKey": "key-1"}}


def mg(server, params, **kw):
    return run_service("n8n-nodes-base.mailgun", 1, params, credentials=MG,
                       base_urls={"mailgun": server.url}, **kw)


def mailgun_api(req):
    """Mailgun's send endpoint: basic auth api:<key>, multipart form with from/to."""
    if req.headers.get("authorization") != basic("api", "key-1"):
        return 401, {"Content-Type": "text/plain"}, "Forbidden"
    form = dict(fields(req))
    if not form.get("to"):
        return 400, {}, {"message": "'to' parameter is missing"}
    return 200, {}, {"id": "<20250101.1@mg.example.com>", "message": "Queued. Thank you."}


def test_mailgun_send_text_and_cc(fake_server):
    fake_server.route("POST", "/v3/mg.example.com/messages", mailgun_api)
    params = {"fromEmail": "Admin <admin@example.com>", "toEmail": "a@x.test,b@x.test", "ccEmail": "c@x.test",
              "subject": "=Hello {{ $json.name }}", "text": "Body"}
    items = output(mg(fake_server, params, items=[{"json": {"name": "Ann"}}]))
    assert items == [{"json": {"id": "<20250101.1@mg.example.com>", "message": "Queued. Thank you."},
                      "pairedItem": {"item": 0}}]
    assert fields(fake_server.last()) == [("from", "Admin <admin@example.com>"), ("to", "a@x.test,b@x.test"),
                                          ("subject", "Hello Ann"), ("text", "Body"), ("html", ""),
                                          ("cc", "c@x.test")]


def test_mailgun_attachments(fake_server):
    fake_server.route("POST", "/v3/mg.example.com/messages", mailgun_api)
    item = {"json": {}, "binary": {
        "a": {"data": base64.b64encode(b"%PDF").decode(), "fileName": "r.pdf", "mimeType": "application/pdf"},
        "b": {"data": base64.b64encode(b"raw").decode(), "mimeType": "application/octet-stream"}}}
    params = {"fromEmail": "f@x.test", "toEmail": "t@x.test", "bccEmail": "z@x.test", "html": "<b>hi</b>",
              "attachments": "a, b"}
    output(mg(fake_server, params, items=[item]))
    parts = multipart(fake_server.last())
    assert [(p[0], p[1], p[2]) for p in parts] == [
        ("from", None, None), ("to", None, None), ("subject", None, None), ("text", None, None),
        ("html", None, None), ("bcc", None, None), ("attachment", "r.pdf", "application/pdf"),
        ("attachment", "unknown", "application/octet-stream")]
    assert parts[6][3] == b"%PDF" and parts[7][3] == b"raw"
    # no binary on the item: attachments are skipped, as in n8n
    output(mg(fake_server, params))
    assert [p[0] for p in multipart(fake_server.last())] == ["from", "to", "subject", "text", "html", "bcc"]
    # binary present but the named property missing: n8n's assertBinaryData error
    err = error(mg(fake_server, {**params, "attachments": "nope"}, items=[item]))
    assert err["message"] == "The item has no binary field 'nope' [item 0]"


def test_mailgun_api_errors(fake_server):
    fake_server.route("POST", "/v3/mg.example.com/messages", mailgun_api)
    err = error(mg(fake_server, {"fromEmail": "f@x.test", "toEmail": ""}))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "'to' parameter is missing"
    items = output(run_service("n8n-nodes-base.mailgun", 1, {"fromEmail": "f@x.test", "toEmail": "t@x.test"},
                               credentials={"mailgunApi": {**MG["mailgunApi"], "apiKey": "wrong"}},
                               base_urls={"mailgun": fake_server.url}, continue_on_fail=True,
                               items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"error": "Authorization failed - please check your credentials"},
                      "pairedItem": {"item": 0}},
                     {"json": {"error": "Authorization failed - please check your credentials"},
                      "pairedItem": {"item": 1}}]
