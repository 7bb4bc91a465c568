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


# -- SendGrid ---------------------------------------------------------------------------------------

SG = {"sendGridApi": {"apiKey": "sg-key"}}


def sg(server, params, **kw):
    return run_service("n8n-nodes-base.sendGrid", 1, params, credentials=SG,
                       base_urls={"sendgrid": server.url}, **kw)


def authed(handler):
    """SendGrid answers 401 with its errors array unless the bearer key is right."""
    def run(req):
        if req.headers.get("authorization") != "Bearer sg-key":
            return 401, {}, {"errors": [{"field": None, "message": "authorization required"}]}
        return handler(req)
    return run


def test_sendgrid_contact_upsert_batches_all_items(fake_server):
    fake_server.route("PUT", "/marketing/contacts", authed(lambda req: (202, {}, {"job_id": "job-1"})))
    params = {"resource": "contact", "email": "={{ $json.Email }}",
              "additionalFields": {"firstName": "={{ $json.n }}", "alternateEmails": "x@y.z,",
                                   "addressUi": {"addressValues": {"address1": "1 Main", "address2": "Apt 2"}},
                                   "listIdsUi": {"listIdValues": {"listIds": ["l-1"]}},
                                   "customFieldsUi": {"customFieldValues": [{"fieldId": "e1_T", "fieldValue": "v"}]}}}
    items = output(sg(fake_server, params, items=[{"json": {"Email": "a@x.test", "n": "A"}},
                                                  {"json": {"Email": "b@x.test", "n": ""}}]))
    assert items == [{"job_id": "job-1"}]  # n8n pushes the bare response (no json wrapper)
    assert len(fake_server.requests) == 1
    common = {"address_line_2": "Apt 2", "address_line_1": "1 Main", "alternate_emails": ["x@y.z"],
              "custom_fields": {"e1_T": "v"}}
    assert fake_server.last().json == {"list_ids": ["l-1"], "contacts": [
        {"email": "a@x.test", **common, "first_name": "A"}, {"email": "b@x.test", **common}]}
    # without list ids the key is left out (undefined); an error is one unpaired item
    output(sg(fake_server, {"resource": "contact", "email": "c@x.test", "additionalFields": {}}))
    assert fake_server.last().json == {"contacts": [{"email": "c@x.test"}]}
    items = output(run_service("n8n-nodes-base.sendGrid", 1, {"resource": "contact", "email": "c@x.test"},
                               credentials={"sendGridApi": {"apiKey": "bad"}}, base_urls={"sendgrid": fake_server.url},
                               continue_on_fail=True))
    # the executor pairs it with the single input item, as n8n's assignPairedItems does
    assert items == [{"json": {"error": "Authorization failed - please check your credentials"},
                      "pairedItem": {"item": 0}}]


def test_sendgrid_contact_get_by_id_and_email(fake_server):
    contact = {"id": "c-1", "email": "a@x.test"}
    fake_server.route("GET", "/marketing/contacts/c-1", authed(lambda req: (200, {}, contact)))
    fake_server.route("POST", "/marketing/contacts/search",
                      authed(lambda req: (200, {}, {"result": [contact] if "a@x.test" in req.json["query"] else [],
                                                    "contact_count": 1})))
    items = output(sg(fake_server, {"resource": "contact", "operation": "get", "contactId": "c-1"}))
    assert items == [{"json": contact, "pairedItem": {"item": 0}}]
    params = {"resource": "contact", "operation": "get", "by": "email", "email": "={{ $json.e }}"}
    items = output(sg(fake_server, params, items=[{"json": {"e": "a@x.test"}}, {"json": {"e": "z@x.test"}}]))
    assert items == [{"json": contact, "pairedItem": {"item": 0}}, {"json": {}, "pairedItem": {"item": 1}}]
    assert fake_server.last().json == {"query": "email LIKE 'z@x.test' "}


def test_sendgrid_contact_get_all_limit_search_and_delete(fake_server):
    rows = [{"id": str(n)} for n in range(5)]
    fake_server.route("GET", "/marketing/contacts",
                      authed(lambda req: (200, {}, {"result": rows, "contact_count": 5, "_metadata": {"self": "x"}})))
    fake_server.route("POST", "/marketing/contacts/search",
                      authed(lambda req: (200, {}, {"result": rows[:1], "_metadata": {"self": "x"}})))
    items = output(sg(fake_server, {"resource": "contact", "operation": "getAll", "limit": 2}))
    assert items == [{"json": {"id": "0"}, "pairedItem": {"item": 0}}, {"json": {"id": "1"}, "pairedItem": {"item": 0}}]
    items = output(sg(fake_server, {"resource": "contact", "operation": "getAll", "returnAll": True,
                                    "filters": {"query": "first_name = 'A'"}}))
    assert [it["json"] for it in items] == [{"id": "0"}]
    assert fake_server.last().json == {"query": "first_name = 'A'"}
    fake_server.route("DELETE", "/marketing/contacts", authed(lambda req: (202, {}, {"job_id": "j-del"})))
    items = output(sg(fake_server, {"resource": "contact", "operation": "delete", "ids": "a, b",
                                    "deleteAll": "={{ $itemIndex === 0 }}"}, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"job_id": "j-del"}, "pairedItem": {"item": 0}},
                     {"json": {"job_id": "j-del"}, "pairedItem": {"item": 1}}]
    # n8n's qs object is shared by the items: delete_all_contacts stays set for item 1
    assert [r.query for r in fake_server.requests[-2:]] == [{"delete_all_contacts": ["true"], "ids": ["a,b"]}] * 2


def test_sendgrid_get_all_next_page_is_an_error(fake_server):
    fake_server.route("GET", "/marketing/lists", authed(lambda req: (200, {}, {
        "result": [{"id": "l-1"}], "_metadata": {"self": "s", "next": "https://api.sendgrid.com/v3/x?page_token=2"}})))
    err = error(sg(fake_server, {"resource": "list", "operation": "getAll", "returnAll": True}))
    assert err["message"] == "SendGrid: the API reports more pages, which this node cannot read"


def test_sendgrid_lists(fake_server):
    lst = {"id": "l-1", "name": "News", "contact_count": 0}
    fake_server.route("POST", "/marketing/lists", authed(lambda req: (201, {}, {**lst, "name": req.json["name"]})))
    fake_server.route("GET", "/marketing/lists", authed(lambda req: (200, {}, {"result": [lst, lst],
                                                                               "_metadata": {"self": "s"}})))
    fake_server.route("GET", "/marketing/lists/l-1", authed(lambda req: (200, {}, lst)))
    fake_server.route("PATCH", "/marketing/lists/l-1", authed(lambda req: (200, {}, {**lst, **req.json})))
    fake_server.route("DELETE", "/marketing/lists/l-1", authed(lambda req: (204, {}, None)))
    assert output(sg(fake_server, {"name": "News"}))[0]["json"] == lst
    assert fake_server.last().json == {"name": "News"}
    assert len(output(sg(fake_server, {"operation": "getAll", "limit": 1}))) == 1
    assert output(sg(fake_server, {"operation": "get", "listId": "l-1", "contactSample": True}))[0]["json"] == lst
    assert fake_server.last().query == {"contact_sample": ["true"]}
    items = output(sg(fake_server, {"operation": "update", "listId": "l-1", "name": "Renamed"}))
    assert items[0]["json"]["name"] == "Renamed" and fake_server.last().method == "PATCH"
    items = output(sg(fake_server, {"operation": "delete", "listId": "l-1"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"delete_contacts": ["false"]}


def test_sendgrid_mail_send(fake_server):
    fake_server.route("POST", "/mail/send", authed(lambda req: (202, {"X-Message-Id": "m-1"}, None)))
    item = {"json": {"html": "<p>Hi</p>"},
            "binary": {"data": {"data": base64.b64encode(b"abc").decode(), "fileName": "a.txt", "mimeType": "text/plain"}}}
    params = {"resource": "mail", "fromEmail": " me@x.test ", "fromName": "Me", "toEmail": "a@x.test, b@x.test",
              "subject": "Report", "contentType": "text/html", "contentValue": "={{ $json.html }}",
              "additionalFields": {"attachments": "data", "ccEmail": "c@x.test", "bccEmail": "d@x.test",
                                   "categories": "a, b", "ipPoolName": "pool", "replyToEmail": "r@x.test",
                                   "headers": {"details": [{"key": "X-A", "value": "1"}]},
                                   "sendAt": "2025-01-01T00:00:00Z", "enableSandbox": True}}
    items = output(sg(fake_server, params, items=[item]))
    assert items == [{"json": {"messageId": "m-1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {
        "personalizations": [{"to": [{"email": "a@x.test"}, {"email": "b@x.test"}], "subject": "Report",
                              "bcc": [{"email": "d@x.test"}], "cc": [{"email": "c@x.test"}], "send_at": 1735689600}],
        "from": {"email": "me@x.test", "name": "Me"}, "mail_settings": {"sandbox_mode": {"enable": True}},
        "content": [{"type": "text/html", "value": "<p>Hi</p>"}],
        "attachments": [{"content": "YWJj", "filename": "a.txt", "type": "text/plain"}],
        "headers": {"X-A": "1"}, "categories": ["a", " b"], "ip_pool_name": "pool",
        "reply_to_list": [{"email": "r@x.test"}]}
    params = {"resource": "mail", "fromEmail": "me@x.test", "toEmail": "a@x.test", "dynamicTemplate": True,
              "templateId": "d-1", "dynamicTemplateFields": {"fields": [{"key": "name", "value": "Ann"}]},
              "additionalFields": {}}
    output(sg(fake_server, params))
    assert fake_server.last().json == {
        "personalizations": [{"to": [{"email": "a@x.test"}], "dynamic_template_data": {"name": "Ann"}}],
        "from": {"email": "me@x.test", "name": ""}, "mail_settings": {"sandbox_mode": {"enable": False}},
        "template_id": "d-1"}


def test_sendgrid_mail_error_and_unsupported(fake_server):
    fake_server.route("POST", "/mail/send", lambda req: (400, {}, {"errors": [
        {"message": "The from email does not contain a valid address.", "field": "from.email"}]}))
    params = {"resource": "mail", "fromEmail": "bad", "toEmail": "a@x.test", "additionalFields": {}}
    err = error(sg(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "The from email does not contain a valid address."
    items = output(sg(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]
    err = error(sg(fake_server, {"resource": "segment", "operation": "get"}))
    assert err["message"] == "SendGrid: operation 'segment/get' is not supported yet"
