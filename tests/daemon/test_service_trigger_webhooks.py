# ruff: noqa: F811  (fixtures imported from ._execution)
"""Service and form triggers through the real daemon: each request goes through the trigger type's
webhook method (n8n's ``webhook()``), whose items are the trigger node's output, or which answers
without a run (filtered events, pings, verification handshakes). The workflows are saved, not
activated, and called at their test URL (``/webhook-test/<webhookId>/<path>``), which serves the
saved workflow as n8n's test webhooks do (activation registers the hook with the service)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from ._execution import ann, create, wait_run, wclient  # noqa: F401


def _workflow(node_type: str, version: float, parameters: dict[str, Any], *, static: dict[str, Any] | None = None,
              credentials: dict[str, Any] | None = None) -> tuple[dict[str, Any], str]:
    hook = str(uuid.uuid4())
    node = {"id": "node-1", "name": "Trigger", "type": f"n8n-nodes-base.{node_type}", "typeVersion": version,
            "position": [0, 0], "webhookId": hook, "parameters": parameters}
    if credentials:
        node["credentials"] = credentials
    definition: dict[str, Any] = {"name": f"{node_type} {hook[:8]}", "nodes": [node], "connections": {}}
    if static is not None:
        definition["staticData"] = {"node:Trigger": static}
    return definition, hook


def _runs(client, headers) -> list[dict[str, Any]]:
    return client.get("/api/runs", params={"limit": 50}, headers=headers).json()["items"]


def _output(client, headers) -> list[Any]:
    """The trigger node's output items (json) of the one run."""
    [listed] = _runs(client, headers)
    run = wait_run(client, headers, listed["id"])
    assert run["status"] == "success", run
    [node] = [n for n in run["nodes"] if n["node_name"] == "Trigger"]
    return [item["json"] for item in node["outputs"]["main"][0]]


def _credential(client, headers, cred_type: str, name: str, data: dict[str, Any]) -> dict[str, str]:
    r = client.post("/api/credentials", json={"type": cred_type, "name": name, "data": data}, headers=headers)
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"], "name": name}


# -- Telegram ---------------------------------------------------------------------------------------


def test_telegram_checks_the_secret_token_and_outputs_the_update(wclient, ann) -> None:
    h = ann.headers
    bot = {"telegramApi": _credential(wclient, h, "telegramApi", "bot", {"accessToken": "1:A"})}
    definition, hook = _workflow("telegramTrigger", 1.2, {"updates": ["message"],
                                                          "additionalFields": {"chatIds": "42, 7"}}, credentials=bot)
    wf_id = create(wclient, h, definition)
    url = f"/webhook-test/{hook}/webhook"
    update = {"update_id": 7, "message": {"message_id": 1, "text": "hi bot", "chat": {"id": 42}, "from": {"id": 3}}}
    r = wclient.post(url, json=update)  # no X-Telegram-Bot-Api-Secret-Token
    assert (r.status_code, r.json()) == (403, {"message": "Provided secret is not valid"})
    secret = {"X-Telegram-Bot-Api-Secret-Token": f"{wf_id}_node-1"}
    r = wclient.post(url, json={**update, "message": {**update["message"], "chat": {"id": 5}}}, headers=secret)
    assert (r.status_code, r.json()) == (200, {"message": "Webhook call received"})  # chat not listed
    assert _runs(wclient, h) == []
    r = wclient.post(url, json=update, headers=secret)
    assert (r.status_code, r.json()) == (200, {"message": "Workflow was started"})
    assert _output(wclient, h) == [update]


def test_telegram_v1_has_no_secret_check(wclient, ann) -> None:
    bot = {"telegramApi": _credential(wclient, ann.headers, "telegramApi", "bot", {"accessToken": "1:A"})}
    definition, hook = _workflow("telegramTrigger", 1, {"updates": ["*"]}, credentials=bot)
    create(wclient, ann.headers, definition)
    update = {"update_id": 1, "channel_post": {"text": "x"}}
    assert wclient.post(f"/webhook-test/{hook}/webhook", json=update).status_code == 200
    assert _output(wclient, ann.headers) == [update]


def test_telegram_without_its_credential_fails_as_n8n_does(wclient, ann) -> None:
    # TelegramTrigger.webhook() starts with getCredentials('telegramApi'): n8n answers 500
    definition, hook = _workflow("telegramTrigger", 1, {"updates": ["*"]})
    create(wclient, ann.headers, definition)
    r = wclient.post(f"/webhook-test/{hook}/webhook", json={"update_id": 1})
    assert r.status_code == 500
    assert r.json()["message"] == "Workflow Webhook Error: Workflow could not be started!"
    assert _runs(wclient, ann.headers) == []


# -- Form Trigger -----------------------------------------------------------------------------------

FORM_FIELDS = {"values": [
    {"fieldLabel": "Name", "requiredField": True},
    {"fieldLabel": "Age", "fieldType": "number"},
    {"fieldLabel": "Colours", "fieldType": "checkbox", "fieldOptions": {"values": [{"option": "red"}]}},
    {"fieldLabel": "Notes", "fieldType": "textarea"},
    {"fieldLabel": "CV file", "fieldType": "file"},
]}


def test_form_submission_gives_labels_submitted_at_and_form_mode(wclient, ann) -> None:
    h = ann.headers
    definition, hook = _workflow("formTrigger", 2.2, {"formTitle": "Contact", "formFields": FORM_FIELDS,
                                                      "options": {}})
    create(wclient, h, definition)
    before = time.time()
    r = wclient.post(f"/form-test/{hook}?ref=ad", data={"field-0": "  Ada ", "field-1": "36",
                                                           "field-2": '["red"]', "field-3": " keep "},
                     files={"field-4": ("cv.txt", b"hello", "text/plain")})
    assert (r.status_code, r.json()) == (200, {"status": 200}), r.text
    [item] = _output(wclient, h)
    submitted = item.pop("submittedAt")
    assert item == {"Name": "Ada", "Age": 36, "Colours": ["red"], "Notes": " keep ",
                    # multipleFiles defaults to true: a list even for one file
                    "CV file": [{"filename": "cv.txt", "mimetype": "text/plain", "size": 5}],
                    "formMode": "test", "formQueryParameters": {"ref": "ad"}}
    # v2.2: the workflow's time zone (UTC here: luxon writes Z), to the millisecond
    assert submitted.endswith("Z") and len(submitted) == 24 and submitted[:4] == time.strftime("%Y", time.gmtime(before))


def test_form_v1_without_a_field_value_gives_null_and_a_urlencoded_post_fails(wclient, ann) -> None:
    h = ann.headers
    definition, _ = _workflow("formTrigger", 1, {"path": "f", "formTitle": "T", "formFields": FORM_FIELDS})
    create(wclient, h, definition)
    r = wclient.post("/form-test/f/n8n-form", data={"field-0": "Bo"}, files={"none": ("", b"", "x/y")})
    assert r.status_code == 200, r.text
    [item] = _output(wclient, h)
    assert {k: item[k] for k in ("Name", "Age", "Colours", "Notes", "CV file", "formMode")} == {
        "Name": "Bo", "Age": None, "Colours": None, "Notes": None, "CV file": None, "formMode": "test"}
    r = wclient.post("/webhook-test/f/n8n-form", data={"field-0": "Bo"})  # not multipart/form-data
    assert r.status_code == 500
    assert r.json() == {"code": 0, "message": "Workflow Form Error: Workflow could not be started!"}
    assert len(_runs(wclient, h)) == 1


# -- Typeform ---------------------------------------------------------------------------------------

TYPEFORM = {"event_type": "form_response", "form_response": {
    "form_id": "f1",
    "definition": {"fields": [{"id": "q1", "title": "Your {{field:x}} name?"}, {"id": "q2", "title": "Colour"}]},
    "answers": [{"type": "text", "text": "Ada", "field": {"id": "q1", "type": "short_text"}},
                {"type": "choice", "choice": {"label": "Red"}, "field": {"id": "q2", "type": "multiple_choice"}}]}}


def test_typeform_answers_by_question_title(wclient, ann) -> None:
    definition, hook = _workflow("typeformTrigger", 1.1, {"formId": "f1"})
    create(wclient, ann.headers, definition)
    assert wclient.post(f"/webhook-test/{hook}/webhook", json=TYPEFORM).status_code == 200
    assert _output(wclient, ann.headers) == [{"Your [field:x] name?": "Ada", "Colour": "Red"}]


def test_typeform_raw_answers_by_field_id_in_v1_1(wclient, ann) -> None:
    definition, hook = _workflow("typeformTrigger", 1.1, {"formId": "f1", "simplifyAnswers": False})
    create(wclient, ann.headers, definition)
    assert wclient.post(f"/webhook-test/{hook}/webhook", json=TYPEFORM).status_code == 200
    answers = TYPEFORM["form_response"]["answers"]
    assert _output(wclient, ann.headers) == [{"q1": answers[0], "q2": answers[1]}]


# -- GitHub -----------------------------------------------------------------------------------------


def _github(secret: str | None, body: bytes, event: str = "push") -> dict[str, str]:
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event}
    if secret:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return headers


def test_github_needs_the_stored_secret_answers_ping_and_outputs_the_request(wclient, ann) -> None:
    h = ann.headers
    push = json.dumps({"ref": "refs/heads/main", "action": "opened"}).encode()
    unsigned, _ = _workflow("githubTrigger", 1, {"owner": "o", "repository": "r", "events": ["push"]})
    create(wclient, h, unsigned)
    hook = unsigned["nodes"][0]["webhookId"]
    r = wclient.post(f"/webhook-test/{hook}/webhook", content=push, headers=_github("s3cret", push))
    assert (r.status_code, r.text) == (401, "Unauthorized")  # no webhookSecret stored: n8n refuses

    definition, hook = _workflow("githubTrigger", 1, {"owner": "o", "repository": "r", "events": ["push"]},
                                 static={"webhookId": 1, "webhookSecret": "s3cret"})
    create(wclient, h, definition)
    url = f"/webhook-test/{hook}/webhook?x=1"
    assert wclient.post(url, content=push, headers=_github("wrong", push)).status_code == 401
    ping = json.dumps({"zen": "Keep it simple.", "hook_id": 9}).encode()
    r = wclient.post(url, content=ping, headers=_github("s3cret", ping, "ping"))
    assert (r.status_code, r.text) == (200, "OK")
    assert _runs(wclient, h) == []
    r = wclient.post(url, content=push, headers=_github("s3cret", push))
    assert r.json() == {"message": "Workflow was started"}
    [item] = _output(wclient, h)
    assert item["body"] == json.loads(push) and item["query"] == {"x": "1"}
    assert item["headers"]["x-github-event"] == "push" and set(item) == {"body", "headers", "query"}


# -- Stripe, Shopify, WhatsApp, HubSpot: filters and signatures with the node's credential ----------


def test_stripe_filters_events_and_checks_the_signature_secret(wclient, ann) -> None:
    h = ann.headers
    cred = _credential(wclient, h, "stripeApi", "Stripe", {"secretKey": "sk_test_1", "signatureSecret": "whsec_1"})
    definition, hook = _workflow("stripeTrigger", 1, {"events": ["charge.succeeded"]},
                                 credentials={"stripeApi": cred})
    create(wclient, h, definition)
    url = f"/webhook-test/{hook}/webhook"

    def signed(body: bytes, secret: str = "whsec_1") -> dict[str, str]:
        t = str(int(time.time()))
        sig = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return {"Content-Type": "application/json", "Stripe-Signature": f"t={t},v1={sig}"}

    other = json.dumps({"id": "evt_1", "type": "customer.created"}).encode()
    charge = json.dumps({"id": "evt_2", "type": "charge.succeeded", "data": {"object": {"amount": 5}}}).encode()
    assert (wclient.post(url, content=charge, headers=signed(charge, "nope")).text) == "Unauthorized"
    r = wclient.post(url, content=other, headers=signed(other))
    assert (r.status_code, r.json()) == (200, {"message": "Webhook call received"})
    assert _runs(wclient, h) == []
    assert wclient.post(url, content=charge, headers=signed(charge)).status_code == 200
    assert _output(wclient, h) == [json.loads(charge)]


def test_shopify_checks_hmac_and_topic(wclient, ann) -> None:
    h = ann.headers
    cred = _credential(wclient, h, "shopifyAccessTokenApi", "Shop",
                       {"shopSubdomain": "s", "accessToken": "t", "appSecretKey": "app-secret"})
    definition, hook = _workflow("shopifyTrigger", 1, {"topic": "orders/create", "authentication": "accessToken"},
                                 credentials={"shopifyAccessTokenApi": cred})
    create(wclient, h, definition)
    body = json.dumps([{"id": 1}, {"id": 2}]).encode()

    def headers(topic: str, key: str = "app-secret") -> dict[str, str]:
        digest = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
        return {"Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": digest,
                "X-Shopify-Shop-Domain": "s.myshopify.com", "X-Shopify-Api-Version": "2024-01"}

    url = f"/webhook-test/{hook}/webhook"
    assert wclient.post(url, content=body, headers=headers("orders/create", "bad")).json() == {
        "message": "Webhook call received"}
    assert wclient.post(url, content=body, headers=headers("orders/paid")).json() == {
        "message": "Webhook call received"}
    assert _runs(wclient, h) == []
    assert wclient.post(url, content=body, headers=headers("orders/create")).status_code == 200
    assert _output(wclient, h) == [{"id": 1}, {"id": 2}]  # an array body: one item per element


def test_whatsapp_verification_and_message_shaping(wclient, ann) -> None:
    h = ann.headers
    cred = _credential(wclient, h, "whatsAppTriggerApi", "WA", {"clientId": "app", "clientSecret": "wa-secret"})
    definition, hook = _workflow("whatsAppTrigger", 1, {"updates": ["messages"],
                                                        "options": {"messageStatusUpdates": ["read"]}},
                                 credentials={"whatsAppTriggerApi": cred})
    create(wclient, h, definition)
    url = f"/webhook-test/{hook}/webhook"
    r = wclient.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "node-1"})
    assert (r.status_code, r.text) == (200, "1158201444")
    r = wclient.get(url, params={"hub.challenge": "1", "hub.verify_token": "other"})
    assert r.json() == {"message": "Webhook call received"}
    message = {"messaging_product": "whatsapp", "messages": [{"from": "1", "text": {"body": "hi"}}]}
    delivered = {"messaging_product": "whatsapp", "statuses": [{"status": "delivered"}]}
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "e", "changes": [
        {"field": "messages", "value": message}, {"field": "messages", "value": delivered}]}]}).encode()
    sig = "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()
    assert wclient.post(url, content=body, headers={"Content-Type": "application/json",
                                                    "X-Hub-Signature-256": "sha256=0"}).json() == {
        "message": "Webhook call received"}
    assert _runs(wclient, h) == []
    r = wclient.post(url, content=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
    assert r.status_code == 200
    assert _output(wclient, h) == [{**message, "field": "messages"}]  # "delivered" is not a wanted status


def test_hubspot_checks_the_v1_signature_and_names_object_ids(wclient, ann) -> None:
    h = ann.headers
    cred = _credential(wclient, h, "hubspotDeveloperApi", "HS", {"clientId": "c", "clientSecret": "hs-secret",
                                                                 "apiKey": "k", "appId": "1"})
    definition, hook = _workflow("hubspotTrigger", 1, {"eventsUi": {}}, credentials={"hubspotDeveloperApi": cred})
    create(wclient, h, definition)
    events = [{"objectId": 11, "subscriptionType": "contact.creation"},
              {"objectId": 12, "subscriptionType": "deal.propertyChange"}]
    body = json.dumps(events, separators=(",", ":")).encode()
    sig = hashlib.sha256(b"hs-secret" + body).hexdigest()
    url = f"/webhook-test/{hook}/webhook"
    assert wclient.post(url, content=body, headers={"Content-Type": "application/json"}).json() == {
        "message": "Webhook call received"}  # unsigned
    r = wclient.post(url, content=body, headers={"Content-Type": "application/json", "X-HubSpot-Signature": sig})
    assert r.status_code == 200
    assert _output(wclient, h) == [{"subscriptionType": "contact.creation", "contactId": 11},
                                   {"subscriptionType": "deal.propertyChange", "dealId": 12}]


# -- handshakes and pass-through types --------------------------------------------------------------


def test_strava_and_asana_handshakes_start_nothing(wclient, ann) -> None:
    h = ann.headers
    strava, strava_hook = _workflow("stravaTrigger", 1, {"object": "*", "event": "*"})
    asana, asana_hook = _workflow("asanaTrigger", 1, {"resource": "1"})
    create(wclient, h, strava)
    create(wclient, h, asana)
    r = wclient.get(f"/webhook-test/{strava_hook}/webhook", params={"hub.challenge": "abc", "hub.mode": "subscribe"})
    assert (r.status_code, r.json()) == (200, {"hub.challenge": "abc"})
    r = wclient.post(f"/webhook-test/{asana_hook}/webhook", json={}, headers={"X-Hook-Secret": "hs1"})
    assert (r.status_code, r.headers["x-hook-secret"], r.content) == (200, "hs1", b"")
    r = wclient.post(f"/webhook-test/{asana_hook}/webhook", json={"events": []})
    assert r.json() == {"message": "Webhook call received"}
    assert _runs(wclient, h) == []
    events = [{"action": "changed", "resource": {"gid": "1"}}, {"action": "added", "resource": {"gid": "2"}}]
    assert wclient.post(f"/webhook-test/{asana_hook}/webhook", json={"events": events}).status_code == 200
    assert _output(wclient, h) == events


def test_pass_through_types_output_the_body(wclient, ann) -> None:
    """Calendly, Linear, Gumroad, Lemlist, Twilio, Webflow v1, WooCommerce (signed): the body."""
    h = ann.headers
    body = {"event": "invitee.created", "payload": {"email": "a@b.c"}}
    for node_type, version in (("calendlyTrigger", 1), ("linearTrigger", 1), ("lemlistTrigger", 1),
                               ("webflowTrigger", 1)):
        definition, hook = _workflow(node_type, version, {})
        create(wclient, h, definition)
        assert wclient.post(f"/webhook-test/{hook}/webhook", json=body).status_code == 200, node_type
    outputs = []
    for listed in _runs(wclient, h):
        run = wait_run(wclient, h, listed["id"])
        outputs.append([i["json"] for i in run["nodes"][0]["outputs"]["main"][0]])
    assert outputs == [[body]] * 4
