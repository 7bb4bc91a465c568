"""Webhook methods of Acuity, Affinity, AWS SNS, Copper, Eventbrite, Facebook, JotForm, KoBoToolbox,
Wise and Wufoo triggers (n8n 1.123's webhook(), one by one). ``resolveData`` fetches go to a local
fake of the service's API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes._webhook import WebhookRequest, webhook_spec
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

pytest_plugins = ("fakes",)


def call(node_type: str, body: Any = None, *, params: dict[str, Any] | None = None, raw: bytes | None = None,
         creds: dict[str, dict[str, Any]] | None = None, base_urls: dict[str, str] | None = None,
         method: str = "POST", query: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
         static: dict[str, Any] | None = None):
    node = {"id": "n1", "name": "T", "type": f"n8n-nodes-base.{node_type}", "typeVersion": 1, "position": [0, 0],
            "parameters": params or {}, "credentials": {k: {"id": "1", "name": k} for k in creds or {}}}
    wf = Workflow({"id": "wf", "nodes": [node], "connections": {}})
    services = Services(credentials=lambda kind, ref: dict((creds or {})[kind]), base_urls=base_urls or {})
    state = ExecutionState(workflow=wf, mode="webhook", static_data={"node:T": static or {}}, services=services)
    ctx = NodeContext(state, wf.nodes["T"], params or {}, [[]], [], 0, [None])
    spec = webhook_spec(f"n8n-nodes-base.{node_type}")
    assert spec is not None
    raw = raw if raw is not None else json.dumps(body).encode()
    req = WebhookRequest(method=method, headers={k.lower(): v for k, v in (headers or {}).items()},
                         query=query or {}, body=body if body is not None else {}, raw_body=raw,
                         webhook_name=spec.name_for(method))
    return spec.method(ctx, req)


def jsons(result: Any) -> list[Any]:
    return [item["json"] for item in result.items]


def test_acuity_as_received_or_resolved(fake_server) -> None:
    body = {"action": "scheduled", "id": "42", "calendarID": "1"}
    assert jsons(call("acuitySchedulingTrigger", body, params={"resolveData": False})) == [body]
    fake_server.route("GET", "/appointments/42", (200, {}, {"id": 42, "firstName": "Ada"}))
    out = call("acuitySchedulingTrigger", body, params={"event": "appointment.scheduled"},
               creds={"acuitySchedulingApi": {"userId": "7", "apiKey": "k"}}, base_urls={"acuity": fake_server.url})
    assert jsons(out) == [{"id": 42, "firstName": "Ada"}]
    assert fake_server.requests[-1].headers["authorization"] == "Basic " + base64.b64encode(b"7:k").decode()


def test_affinity_ignores_samples_and_fetches_the_object(fake_server) -> None:
    assert call("affinityTrigger", {"type": "sample.webhook"}).items is None
    fake_server.route("GET", "/persons/9", (200, {}, {"id": 9, "first_name": "Ada"}))
    out = call("affinityTrigger", {"type": "person.created", "body": {"id": 9}}, creds={"affinityApi": {"apiKey": "a"}},
               base_urls={"affinity": fake_server.url})
    assert jsons(out) == [{"id": 9, "first_name": "Ada", "type": "person.created"}]
    assert fake_server.requests[-1].headers["authorization"] == "Basic " + base64.b64encode(b":a").decode()


def test_aws_sns_parses_the_raw_text_body() -> None:
    message = {"Type": "Notification", "TopicArn": "arn:t", "Message": "hi"}
    assert jsons(call("awsSnsTrigger", json.dumps(message), raw=json.dumps(message).encode())) == [message]
    unsub = {"Type": "UnsubscribeConfirmation"}
    assert call("awsSnsTrigger", raw=json.dumps(unsub).encode()).items is None
    confirm = {"Type": "SubscriptionConfirmation", "TopicArn": "arn:t", "Token": "x"}
    with pytest.raises(NodeError, match="SubscribeURL"):
        call("awsSnsTrigger", raw=json.dumps(confirm).encode(), params={"topic": "arn:t"})


def test_copper_needs_the_derived_secret() -> None:
    creds = {"copperApi": {"email": "a@b.c", "apiKey": "k"}}
    secret = hashlib.md5(b"a@b.c,k").hexdigest()
    assert call("copperTrigger", {"secret": "nope", "ids": [1]}, creds=creds).items is None
    assert jsons(call("copperTrigger", {"secret": secret, "ids": [1]}, creds=creds)) == [{"secret": secret, "ids": [1]}]


def test_eventbrite_checks_the_api_url_and_resolves_it(fake_server) -> None:
    with pytest.raises(NodeError, match="valid Eventbrite API URL"):
        call("eventbriteTrigger", {"api_url": "https://evil.example/x"})
    ping = {"api_url": "https://www.eventbriteapi.com/v3/api-endpoint-to-fetch-object-details/"}
    assert "placeholder" in jsons(call("eventbriteTrigger", ping))[0]
    body = {"api_url": "https://www.eventbriteapi.com/v3/orders/5/", "config": {"action": "order.placed"}}
    assert jsons(call("eventbriteTrigger", body, params={"resolveData": False})) == [body]
    fake_server.route("GET", "/v3/orders/5/", (200, {}, {"id": "5", "status": "placed"}))
    out = call("eventbriteTrigger", body, creds={"eventbriteApi": {"apiKey": "tok"}},
               base_urls={"eventbrite": fake_server.url})
    assert jsons(out) == [{"id": "5", "status": "placed"}]
    assert fake_server.requests[-1].headers["authorization"] == "Bearer tok"


def test_facebook_challenge_signature_and_entries() -> None:
    creds = {"facebookGraphAppApi": {"accessToken": "t", "appSecret": "s3"}}
    setup = call("facebookTrigger", method="GET", query={"hub.challenge": "c1", "hub.verify_token": "v"}, creds=creds)
    assert (setup.response.status, setup.response.body) == (200, "c1")
    body = {"object": "page", "entry": [{"id": "1"}, {"id": "2"}]}
    raw = json.dumps(body).encode()
    assert call("facebookTrigger", body, raw=raw, creds=creds, headers={"X-Hub-Signature": "sha1=bad"}).items is None
    sig = "sha1=" + hmac.new(b"s3", raw, hashlib.sha1).hexdigest()
    assert jsons(call("facebookTrigger", body, raw=raw, creds=creds, headers={"X-Hub-Signature": sig})) == [
        {"id": "1"}, {"id": "2"}]


def _jotform_body(raw_request: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    boundary = "XyZ"
    parts = [("formID", "77"), ("submissionID", "s1"), ("rawRequest", json.dumps(raw_request))]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in parts)
    return (body + f"--{boundary}--\r\n").encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_jotform_answers_raw_or_by_question_text(fake_server) -> None:
    raw, headers = _jotform_body({"q3_name": "Ada", "q4_email": "ada@x.io", "slug": "s"})
    out = call("jotFormTrigger", {}, raw=raw, headers=headers, params={"resolveData": False})
    assert jsons(out) == [{"q3_name": "Ada", "q4_email": "ada@x.io", "slug": "s"}]
    full = jsons(call("jotFormTrigger", {}, raw=raw, headers=headers, params={"resolveData": False,
                                                                             "onlyAnswers": False}))[0]
    assert full["formID"] == "77" and full["rawRequest"]["q3_name"] == "Ada"
    fake_server.route("GET", "/form/77/questions", (200, {}, {"responseCode": 200, "content": {
        "3": {"name": "name", "text": "Your name"}, "4": {"name": "email", "text": "E-mail"}}}))
    out = call("jotFormTrigger", {}, raw=raw, headers=headers, params={"form": "77"},
               creds={"jotFormApi": {"apiKey": "jk", "apiDomain": "api.jotform.com"}},
               base_urls={"jotform": fake_server.url})
    assert jsons(out) == [{"Your name": "Ada", "E-mail": "ada@x.io"}]
    assert fake_server.requests[-1].headers["apikey"] == "jk"


def test_kobo_toolbox_delivers_the_submission_and_refuses_what_it_cannot_do() -> None:
    sub = {"_id": 1, "group/q1": "yes"}
    assert jsons(call("koBoToolboxTrigger", sub)) == [sub]
    with pytest.raises(NodeError, match="not supported"):
        call("koBoToolboxTrigger", sub, params={"formatOptions": {"reformat": True}})


def test_wise_answers_test_notifications_and_verifies_signatures(monkeypatch) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from automatelanka.engine.nodes import service_trigger_payloads as payloads

    creds = {"wiseApi": {"apiToken": "t", "environment": "live"}}
    test = call("wiseTrigger", {}, creds=creds, headers={"X-Test-Notification": "true"})
    assert (test.items, test.response.status, test.response.body) == (None, 200, None)
    body = {"event_type": "transfers#state-change"}
    raw = json.dumps(body).encode()
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = base64.b64encode(forged.sign(raw, padding.PKCS1v15(), hashes.SHA1())).decode()
    assert call("wiseTrigger", body, raw=raw, creds=creds, headers={"X-Signature": signature}).items is None
    # signed with the key Wise's live key stands for here: delivered
    pem = forged.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setattr(payloads, "WISE_LIVE_KEY", pem.decode())
    assert jsons(call("wiseTrigger", body, raw=raw, creds=creds, headers={"X-Signature": signature})) == [body]


def test_wufoo_entries_by_field_title() -> None:
    fields = {"Fields": [
        {"ID": "Field1", "Title": "Name", "Type": "shortname",
         "SubFields": [{"ID": "Field1", "Label": "First"}, {"ID": "Field2", "Label": "Last"}]},
        {"ID": "Field3", "Title": "Toppings", "Type": "checkbox",
         "SubFields": [{"ID": "Field3", "Label": "A"}, {"ID": "Field4", "Label": "B"}]},
        {"ID": "Field5", "Title": "CV", "Type": "file"},
        {"ID": "Field6", "Title": "Age", "Type": "number"}]}
    body = {"HandshakeKey": "hk", "Field1": "Ada", "Field2": "L", "Field3": "A", "Field4": "", "Field5": "cv.pdf",
            "Field5-url": "https://w/cv.pdf", "Field6": "36", "FieldStructure": json.dumps(fields),
            "FormStructure": json.dumps({"Name": "F"}), "EntryId": "3", "CreatedBy": "public",
            "DateCreated": "2026-01-01", "FormId": "f1"}
    assert call("wufooTrigger", {**body, "HandshakeKey": "other"}, static={"handshakeKey": "hk"}).items is None
    entries = {"Name": {"First": "Ada", "Last": "L"}, "Toppings": ["A"], "CV": "https://w/cv.pdf", "Age": "36"}
    assert jsons(call("wufooTrigger", body, static={"handshakeKey": "hk"})) == [entries]
    [full] = jsons(call("wufooTrigger", body, static={"handshakeKey": "hk"}, params={"onlyAnswers": False}))
    assert full["entries"] == entries and full["formStructure"] == {"Name": "F"} and full["entryId"] == "3"
