"""Mailjet, MailerLite, Brevo (sendInBlue) and Intercom nodes against local fakes."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

MJ = {"mailjetEmailApi": {"apiKey": "mk", "secretKey": "ms", "sandboxMode": False}}


def mj(server, params, **kw):
    return run_service("n8n-nodes-base.mailjet", 1, params, credentials=kw.pop("credentials", MJ),
                       base_urls={"mailjet": server.url}, **kw)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_mailjet_send_email(fake_server):
    answer = {"Messages": [{"Status": "success", "To": [{"Email": "a@x.io", "MessageID": 1}]},
                           {"Status": "success", "To": [{"Email": "b@x.io", "MessageID": 2}]}]}
    fake_server.route("POST", "/v3.1/send", (200, {}, answer))
    params = {"fromEmail": "me@x.io", "toEmail": "a@x.io,b@x.io", "subject": "Hi", "text": "Hello", "html": "",
              "variablesUi": {"variablesValues": [{"name": "v", "value": "1"}]},
              "additionalFields": {"ccAddresses": "c@x.io", "fromName": "Me", "trackOpens": "enabled"}}
    items = output(mj(fake_server, params))
    assert items == [{"json": m, "pairedItem": {"item": 0}} for m in answer["Messages"]]
    req = fake_server.last()
    assert req.headers["authorization"] == _basic("mk", "ms")
    assert req.json == {"Messages": [{"From": {"Email": "me@x.io", "Name": "Me"}, "Subject": "Hi",
                                      "To": [{"Email": "a@x.io"}, {"Email": "b@x.io"}], "Cc": [{"Email": "c@x.io"}],
                                      "Bcc": [], "Variables": {"v": "1"}, "TextPart": "Hello",
                                      "TrackOpens": "enabled"}], "SandboxMode": False}


def test_mailjet_send_template_and_sms(fake_server):
    fake_server.route("POST", "/v3.1/send", (200, {}, {"Messages": [{"Status": "success"}]}))
    params = {"operation": "sendTemplate", "fromEmail": "me@x.io", "toEmail": "a@x.io", "templateId": "42",
              "jsonParameters": True, "variablesJson": '{"name": "Ann"}', "additionalFields": {"replyTo": "r@x.io"}}
    items = output(mj(fake_server, params, credentials={"mailjetEmailApi": {**MJ["mailjetEmailApi"],
                                                                            "sandboxMode": True}}))
    assert [it["json"] for it in items] == [{"Status": "success"}]
    assert fake_server.last().json == {"Messages": [{"From": {"Email": "me@x.io"}, "Subject": "",
                                                     "To": [{"Email": "a@x.io"}], "Cc": [], "Bcc": [],
                                                     "Variables": {"name": "Ann"}, "TemplateID": 42,
                                                     "ReplyTo": {"Email": "r@x.io"}}], "SandboxMode": True}
    fake_server.route("POST", "/v4/sms-send", (200, {}, {"ID": "s1", "Status": {"Code": 2}}))
    items = output(mj(fake_server, {"resource": "sms", "from": "MJ", "to": "+33600000000", "text": "yo"},
                      credentials={"mailjetSmsApi": {"token": "tok"}}))
    assert items == [{"json": {"ID": "s1", "Status": {"Code": 2}}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer tok"
    assert req.json == {"From": "MJ", "To": "+33600000000", "Text": "yo"}


def test_mailjet_errors(fake_server):
    fake_server.route("POST", "/v3.1/send", (401, {}, {"ErrorMessage": "API key authentication/authorization failure",
                                                       "StatusCode": 401}))
    params = {"fromEmail": "me@x.io", "toEmail": "a@x.io", "text": "x"}
    err = error(mj(fake_server, params))
    assert err["message"].startswith("Authorization failed")
    items = output(mj(fake_server, params, continue_on_fail=True))
    assert items[0]["pairedItem"] == {"item": 0} and items[0]["json"]["error"].startswith("Authorization failed")
    bad = {**params, "jsonParameters": True, "variablesJson": "{nope"}
    assert error(mj(fake_server, bad))["message"] == "Parameter 'Variables (JSON)' has a invalid JSON"
    assert "not supported yet" in error(mj(fake_server, {"resource": "sms", "operation": "list"}))["message"]


ML = {"mailerLiteApi": {"apiKey": "ml-key", "classicApi": True}}


def ml(server, params, version=2, **kw):
    return run_service("n8n-nodes-base.mailerLite", version, params, credentials=kw.pop("credentials", ML),
                       base_urls={"mailerLite": server.url}, **kw)


def test_mailerlite_v1_create_update_get(fake_server):
    sub = {"id": 7, "email": "h@n8n.io", "name": "Harshil", "fields": [{"key": "city", "value": "Berlin"}]}
    fake_server.route("POST", "/subscribers", (200, {}, sub))
    items = output(ml(fake_server, {"email": "h@n8n.io", "additionalFields": {"name": "Harshil"}}, version=1))
    assert items == [{"json": sub, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["x-mailerlite-apikey"] == "ml-key"
    assert req.json == {"email": "h@n8n.io", "fields": [], "name": "Harshil"}
    fake_server.route("PUT", "/subscribers/h@n8n.io", (200, {}, sub))
    params = {"operation": "update", "subscriberId": "h@n8n.io",
              "updateFields": {"customFieldsUi": {"customFieldsValues": [{"fieldId": "city", "value": "Berlin"}]}}}
    assert output(ml(fake_server, params, version=1))[0]["json"] == sub
    assert fake_server.last().json == {"fields": {"city": "Berlin"}}
    fake_server.route("GET", "/subscribers/h@n8n.io", (200, {}, sub))
    assert output(ml(fake_server, {"operation": "get", "subscriberId": "h@n8n.io"}, version=1))[0]["json"] == sub


def test_mailerlite_v1_get_all_pages_and_limit(fake_server):
    def page(req):
        offset = int(req.arg("offset"))
        assert req.arg("limit") == "1000" and req.arg("type") == "active"
        return (200, {}, [{"id": offset + 1}, {"id": offset + 2}] if offset < 2000 else [])
    fake_server.route("GET", "/subscribers", page)
    params = {"operation": "getAll", "returnAll": True, "filters": {"type": "active"}}
    items = output(ml(fake_server, params, version=1))
    assert [it["json"]["id"] for it in items] == [1, 2, 1001, 1002]
    assert len([r for r in fake_server.requests if r.path == "/subscribers"]) == 3
    fake_server.route("GET", "/subscribers", (200, {}, [{"id": 1}]))
    items = output(ml(fake_server, {"operation": "getAll", "limit": 5}, version=1))
    assert items == [{"json": {"id": 1}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"limit": ["5"]}


def test_mailerlite_v2_create_and_get_all_cursor(fake_server):
    sub = {"id": "9", "email": "a@x.io", "fields": {"country": "LK"}}
    fake_server.route("POST", "/subscribers", (201, {}, {"data": sub}))
    params = {"email": "a@x.io",
              "additionalFields": {"customFieldsUi": {"customFieldsValues": [{"value": "LK", "fieldId": "country"}]}}}
    items = output(ml(fake_server, params, credentials={"mailerLiteApi": {"apiKey": "k2", "classicApi": False}}))
    assert items == [{"json": sub, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer k2"
    assert req.json == {"email": "a@x.io", "fields": {"country": "LK"}}

    def page(req):
        assert req.arg("filter[status]") == "active"
        if req.arg("cursor") is None:
            return (200, {}, {"data": [{"id": "1"}], "meta": {"next_cursor": "c2"}, "links": {"next": "u"}})
        assert req.arg("cursor") == "c2"
        return (200, {}, {"data": [{"id": "2"}], "meta": {"next_cursor": None}, "links": {"next": None}})
    fake_server.route("GET", "/subscribers", page)
    items = output(ml(fake_server, {"operation": "getAll", "returnAll": True, "filters": {"status": "active"}}))
    assert [it["json"] for it in items] == [{"id": "1"}, {"id": "2"}]
    fake_server.route("PUT", "/subscribers/9", (200, {}, {"data": sub}))
    items = output(ml(fake_server, {"operation": "update", "subscriberId": "9", "additionalFields": {"status": "active"}}))
    assert items[0]["json"] == {"data": sub}


def test_mailerlite_errors(fake_server):
    fake_server.route("GET", "/subscribers/x", (404, {}, {"message": "Resource not found."}))
    err = error(ml(fake_server, {"operation": "get", "subscriberId": "x"}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(ml(fake_server, {"operation": "get", "subscriberId": "x"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}}]
    assert "not supported yet" in error(ml(fake_server, {"resource": "group", "operation": "get"}))["message"]


BR = {"sendInBlueApi": {"apiKey": "br-key"}}


def br(server, params, **kw):
    return run_service("n8n-nodes-base.sendInBlue", 1, params, credentials=BR,
                       base_urls={"sendInBlue": server.url}, **kw)


def test_brevo_contact_create_and_upsert(fake_server):
    fake_server.route("POST", "/v3/contacts", (201, {}, {"id": 42}))
    params = {"resource": "contact", "email": "a@x.io",
              "createContactAttributes": {"attributesValues": [{"fieldName": "NOM", "fieldValue": "Doe"},
                                                               {"fieldName": "PRENOM", "fieldValue": "Ann"}]}}
    assert output(br(fake_server, params)) == [{"json": {"id": 42}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["api-key"] == "br-key"
    assert req.json == {"email": "a@x.io", "attributes": {"NOM": "Doe", "PRENOM": "Ann"}}
    fake_server.route("POST", "/v3/contacts", (204, {}, None))
    assert output(br(fake_server, {"resource": "contact", "operation": "upsert", "email": "a@x.io",
                                   "requestOptions": {}})) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"email": "a@x.io", "updateEnabled": True}


def test_brevo_contact_get_update_delete(fake_server):
    contact = {"id": 42, "email": "a+b@x.io", "attributes": {"NOM": "Doe"}}
    fake_server.route("GET", "/v3/contacts/a%2Bb%40x.io", (200, {}, contact))
    items = output(br(fake_server, {"resource": "contact", "operation": "get", "identifier": "a+b@x.io"}))
    assert items == [{"json": contact, "pairedItem": {"item": 0}}]
    assert fake_server.last().path == "/v3/contacts/a%2Bb%40x.io"
    fake_server.route("PUT", "/v3/contacts/42", (204, {}, None))
    params = {"resource": "contact", "operation": "update", "identifier": "42",
              "updateAttributes": {"updateAttributesValues": [{"fieldName": "NOM", "fieldValue": "Roe"}]}}
    assert output(br(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"attributes": {"NOM": "Roe"}}
    fake_server.route("DELETE", "/v3/contacts/42", (204, {}, None))
    params = {"resource": "contact", "operation": "delete", "identifier": "42"}
    assert output(br(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]


def test_brevo_contact_get_all(fake_server):
    def page(req):
        offset = int(req.arg("offset", "0"))
        size = 1000 if offset == 0 else 1
        return (200, {}, {"contacts": [{"id": offset + n} for n in range(size)], "count": 1001})
    fake_server.route("GET", "/v3/contacts", page)
    params = {"resource": "contact", "operation": "getAll", "returnAll": True, "options": {"sort": "asc"}}
    items = output(br(fake_server, params))
    assert len(items) == 1001 and items[-1] == {"json": {"id": 1000}, "pairedItem": {"item": 0}}
    assert fake_server.last().query == {"sort": ["asc"], "limit": ["1000"], "offset": ["1000"]}
    fake_server.route("GET", "/v3/contacts", (200, {}, {"contacts": [{"id": 1}], "count": 1}))
    items = output(br(fake_server, {"resource": "contact", "operation": "getAll", "limit": 5}))
    assert items == [{"json": {"id": 1}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"limit": ["5"]}


def test_brevo_errors(fake_server):
    fake_server.route("GET", "/v3/contacts/nobody", (404, {}, {"code": "document_not_found",
                                                               "message": "Contact does not exist"}))
    params = {"resource": "contact", "operation": "get", "identifier": "nobody"}
    assert error(br(fake_server, params))["message"] == "The resource you are requesting could not be found"
    items = output(br(fake_server, params, continue_on_fail=True))
    text = "The resource you are requesting could not be found"
    assert items == [{"json": {"error": text}, "error": {"message": text}, "pairedItem": {"item": 0}}]
    assert "not supported yet" in error(br(fake_server, {"resource": "sender", "operation": "getAll"}))["message"]


IC = {"intercomApi": {"apiKey": "ic-key"}}


def ic(server, params, **kw):
    return run_service("n8n-nodes-base.intercom", 1, params, credentials=IC,
                       base_urls={"intercom": server.url}, **kw)


def test_intercom_user_create_and_update(fake_server):
    user = {"type": "user", "id": "5a", "email": "a@x.io"}
    fake_server.route("POST", "/users", (200, {}, user))
    params = {"identifierType": "email", "idValue": "a@x.io",
              "additionalFields": {"name": "Ann", "avatar": "https://i/a.png", "companies": ["c1"], "utmSource": "ad"},
              "customAttributesUi": {"customAttributesValues": [{"name": "plan", "value": "pro"}]}}
    assert output(ic(fake_server, params)) == [{"json": user, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer ic-key" and req.headers["accept"] == "application/json"
    assert req.json == {"email": "a@x.io", "name": "Ann", "avatar": {"type": "avatar", "image_url": "https://i/a.png"},
                        "utm_source": "ad", "companies": [{"company_id": "c1"}], "custom_attributes": {"plan": "pro"}}
    params = {"operation": "update", "updateBy": "email", "value": "a@x.io", "jsonParameters": True,
              "customAttributesJson": '{"plan": "free"}', "additionalFields": {"phone": "+94"}}
    assert output(ic(fake_server, params))[0]["json"] == user
    assert fake_server.last().json == {"phone": "+94", "custom_attributes": {"plan": "free"}, "email": "a@x.io"}
    output(ic(fake_server, {"operation": "update", "value": "5a", "additionalFields": {}}))
    assert fake_server.last().json == {"id": "5a"}


def test_intercom_user_get_and_get_all(fake_server):
    fake_server.route("GET", "/users/5a", (200, {}, {"id": "5a"}))
    assert output(ic(fake_server, {"operation": "get", "selectBy": "id", "value": "5a"}))[0]["json"] == {"id": "5a"}
    fake_server.route("GET", "/users", (200, {}, {"id": "5b", "user_id": "u1"}))
    output(ic(fake_server, {"operation": "get", "selectBy": "userId", "value": "u1"}))
    assert fake_server.last().query == {"user_id": ["u1"]}

    def users(req):
        if req.arg("page") == "2":
            return (200, {}, {"users": [{"id": "2"}], "pages": {"next": None}})
        assert req.arg("per_page") == "60" and req.arg("segment_id") == "s1"
        return (200, {}, {"users": [{"id": "1"}], "pages": {"next": f"{fake_server.url}/users?page=2"}})
    fake_server.route("GET", "/users", users)
    items = output(ic(fake_server, {"operation": "getAll", "returnAll": True, "filters": {"segment_id": "s1"}}))
    assert [it["json"] for it in items] == [{"id": "1"}, {"id": "2"}]
    fake_server.route("GET", "/users", (200, {}, {"users": [{"id": "1"}], "pages": {"next": None}}))
    items = output(ic(fake_server, {"operation": "getAll", "limit": 3}))
    assert items == [{"json": {"id": "1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"per_page": ["3"]}


def test_intercom_errors(fake_server):
    fake_server.route("POST", "/users", (401, {}, {"type": "error.list", "errors": [{"code": "unauthorized",
                                                                                      "message": "Access Token Invalid"}]}))
    err = error(ic(fake_server, {"operation": "update", "value": "5a"}))
    assert err["message"].startswith("Authorization failed")
    items = output(ic(fake_server, {"operation": "update", "value": "5a"}, continue_on_fail=True))
    assert items[0]["pairedItem"] == {"item": 0} and items[0]["json"]["error"] == err["message"]
    assert "not supported yet" in error(ic(fake_server, {"resource": "lead", "operation": "create"}))["message"]
    assert "not supported yet" in error(ic(fake_server, {"operation": "delete", "id": "5a"}))["message"]
