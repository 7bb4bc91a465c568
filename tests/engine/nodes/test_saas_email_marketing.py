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
