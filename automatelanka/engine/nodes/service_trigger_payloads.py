"""Webhook methods of more service triggers, each as n8n 1.123's ``webhook()`` shapes its items:
Acuity Scheduling, Affinity, AWS SNS, Copper, Eventbrite, Facebook, JotForm, KoBoToolbox, Wise
and Wufoo. Where n8n fetches the full object from the service (``resolveData``), so does the
method, through the node's credential; what n8n does here and the platform cannot (confirming an
SNS subscription, KoBoToolbox attachment downloads) fails loudly rather than delivering something
else. Imported by :mod:`service_triggers`, which registers the types.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.nodes._svc import resource_value
from automatelanka.engine.nodes._webhook import (
    WebhookRequest,
    WebhookResult,
    credential_fields,
    empty_answer,
    json_array,
    node_static,
    text_answer,
    webhook_method,
)
from automatelanka.engine.nodes.base import NodeContext

_BASE = "n8n-nodes-base."


def _body(req: WebhookRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def _get_json(ctx: NodeContext, url: str, *, auth: dict[str, Any] | None = None,
              oauth2: tuple[str, dict[str, Any]] | None = None) -> Any:
    from automatelanka.engine.nodes._http import request

    return request(ctx, "GET", url, auth=auth, oauth2=oauth2).json()


def _api_base(ctx: NodeContext, service: str, default: str) -> str:
    from automatelanka.engine.nodes._svc import api_base

    return api_base(ctx, service, default)


# --- Acuity Scheduling ------------------------------------------------------------------------------


@webhook_method(_BASE + "acuitySchedulingTrigger")
def acuity(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The body as received, or (``resolveData``, the default) ``GET /<type>s/<id>``."""
    body = _body(req)
    if not ctx.param("resolveData", 0, True):
        return WebhookResult(json_array(req.body))
    event_type = str(ctx.param("event", 0, "") or "").split(".")[0]
    url = f"{_api_base(ctx, 'acuity', 'https://acuityscheduling.com/api/v1')}/{event_type}s/{_js(body.get('id'))}"
    if ctx.param("authentication", 0, "apiKey") == "apiKey":
        fields = credential_fields(ctx, "acuitySchedulingApi") or _missing("acuitySchedulingApi")
        return WebhookResult(json_array(_get_json(ctx, url, auth={"basic": (str(fields.get("userId") or ""),
                                                                             str(fields.get("apiKey") or ""))})))
    fields = credential_fields(ctx, "acuitySchedulingOAuth2Api") or _missing("acuitySchedulingOAuth2Api")
    return WebhookResult(json_array(_get_json(ctx, url, oauth2=("acuitySchedulingOAuth2Api", fields))))


def _js(value: Any) -> str:
    """A value in a JavaScript template string."""
    if value is None:
        return "undefined"
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _missing(credential_type: str) -> dict[str, Any]:
    raise NodeError(f'Node does not have any credentials set for "{credential_type}"')


# --- Affinity -----------------------------------------------------------------------------------------

AFFINITY_RESOURCES = {"person": "persons", "list": "lists", "note": "notes", "organization": "organizatitons",
                      "list_entry": "list-entries", "field": "fields", "file": "files"}


@webhook_method(_BASE + "affinityTrigger")
def affinity(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """``sample.webhook`` starts nothing; else the object itself (``GET /<resource>/<id>``) with
    the event ``type`` added (n8n's resource map, its ``organizatitons`` typo included)."""
    body = _body(req)
    if body.get("type") == "sample.webhook":
        return WebhookResult()
    data: Any = {}
    if body.get("type") and body.get("body"):
        resource = str(body["type"]).split(".")[0]
        fields = credential_fields(ctx, "affinityApi") or _missing("affinityApi")
        token = base64.b64encode(f":{fields.get('apiKey') or ''}".encode()).decode()
        item_id = body["body"].get("id") if isinstance(body["body"], dict) else None
        url = (f"{_api_base(ctx, 'affinity', 'https://api.affinity.co')}/"
               f"{AFFINITY_RESOURCES.get(resource, 'undefined')}/{_js(item_id)}")
        data = _get_json(ctx, url, auth={"header": ("Authorization", f"Basic {token}")})
        if isinstance(data, dict):
            data["type"] = body["type"]
    return WebhookResult(json_array(data))


# --- AWS SNS ------------------------------------------------------------------------------------------


@webhook_method(_BASE + "awsSnsTrigger")
def aws_sns(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The raw body parsed as JSON (SNS sends text/plain); an UnsubscribeConfirmation starts
    nothing. n8n confirms a SubscriptionConfirmation for its topic with a signed SNS call, which
    is not done here: that request fails (confirm through the message's SubscribeURL)."""
    try:
        body = json.loads(req.raw_body or b"")
    except ValueError as exc:
        raise NodeError(f"Unexpected token in JSON: {exc}") from None
    topic = resource_value(ctx.param("topic", 0, ""))
    if isinstance(body, dict) and body.get("Type") == "SubscriptionConfirmation" and body.get("TopicArn") == topic:
        raise NodeError("Confirming an SNS subscription is not supported: open the message's SubscribeURL")
    if isinstance(body, dict) and body.get("Type") == "UnsubscribeConfirmation":
        return WebhookResult()
    return WebhookResult(json_array(body))


# --- Copper -------------------------------------------------------------------------------------------


@webhook_method(_BASE + "copperTrigger")
def copper(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Only requests carrying the secret n8n derives from the credential (md5 of ``email,apiKey``)."""
    fields = credential_fields(ctx, "copperApi") or _missing("copperApi")
    secret = hashlib.md5(f"{_js(fields.get('email'))},{_js(fields.get('apiKey'))}".encode()).hexdigest()
    if _body(req).get("secret") != secret:
        return WebhookResult()
    return WebhookResult(json_array(req.body))


# --- Eventbrite ---------------------------------------------------------------------------------------

EVENTBRITE = "https://www.eventbriteapi.com/"


@webhook_method(_BASE + "eventbriteTrigger")
def eventbrite(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """``api_url`` must be an Eventbrite API URL; the body as received, or (``resolveData``) the
    object fetched from that URL; Eventbrite's test ping gives n8n's placeholder item."""
    body = _body(req)
    api_url = body.get("api_url")
    if not isinstance(api_url, str) or not api_url.startswith(EVENTBRITE):
        raise NodeApiError("The received data does not contain a valid Eventbrite API URL!")
    if not ctx.param("resolveData", 0, True):
        return WebhookResult(json_array(req.body))
    if "api-endpoint-to-fetch-object-details" in api_url:
        return WebhookResult(json_array({"placeholder": "Test received. To display actual data of object get the "
                                                        "webhook triggered by performing the action which triggers it."}))
    base = _api_base(ctx, "eventbrite", EVENTBRITE.rstrip("/")).rstrip("/") + "/"
    url = base + api_url[len(EVENTBRITE):]
    if ctx.param("authentication", 0, "privateKey") == "privateKey":
        fields = credential_fields(ctx, "eventbriteApi") or _missing("eventbriteApi")
        return WebhookResult(json_array(_get_json(ctx, url, auth={"bearer": fields.get("apiKey") or ""})))
    fields = credential_fields(ctx, "eventbriteOAuth2Api") or _missing("eventbriteOAuth2Api")
    return WebhookResult(json_array(_get_json(ctx, url, oauth2=("eventbriteOAuth2Api", fields))))


# --- Facebook -----------------------------------------------------------------------------------------


@webhook_method(_BASE + "facebookTrigger", setup="GET")
def facebook(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The ``hub.challenge`` handshake (GET), the ``X-Hub-Signature`` check when the app secret
    is set, then one item per ``entry``."""
    fields = credential_fields(ctx, "facebookGraphAppApi") or _missing("facebookGraphAppApi")
    if req.webhook_name == "setup" and req.query.get("hub.challenge"):
        return text_answer(req.query["hub.challenge"])
    secret = fields.get("appSecret")
    if secret is None:  # createHmac('sha1', undefined) throws
        raise NodeError('The "key" argument must be of type string')
    if secret != "":
        expected = "sha1=" + hmac.new(str(secret).encode(), req.raw_body, hashlib.sha1).hexdigest()
        if req.header("x-hub-signature") != expected:
            return WebhookResult()
    return WebhookResult(json_array(_body(req).get("entry")))


# --- JotForm ------------------------------------------------------------------------------------------


@webhook_method(_BASE + "jotFormTrigger")
def jotform(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """JotForm posts multipart fields with the answers as JSON in ``rawRequest``: the fields
    (``onlyAnswers``: the answers) and, with ``resolveData``, answers keyed by question text
    (``GET /form/<id>/questions``)."""
    from automatelanka.engine.nodes._form_submission import parse_multipart

    data, _ = parse_multipart(req.header("content-type") or "", req.raw_body)
    try:
        raw = json.loads(data.get("rawRequest") or "")
    except ValueError as exc:
        raise NodeError(f"Unexpected token in JSON: {exc}") from None
    data["rawRequest"] = raw
    only_answers = ctx.param("onlyAnswers", 0, True)
    if not ctx.param("resolveData", 0, True):
        return WebhookResult(json_array(raw if only_answers else data))
    fields = credential_fields(ctx, "jotFormApi") or _missing("jotFormApi")
    from automatelanka.engine.nodes._http import request

    base = _api_base(ctx, "jotform", f"https://{fields.get('apiDomain') or 'api.jotform.com'}")
    form_id = ctx.param("form", 0, "")
    content = request(ctx, "GET", f"{base}/form/{_js(form_id)}/questions",
                      headers={"APIKEY": str(fields.get("apiKey") or "")}).json().get("content") or {}
    names = {q.get("name"): q.get("text") for q in content.values() if isinstance(q, dict)}
    answers: dict[str, Any] = {}
    for key, value in (raw.items() if isinstance(raw, dict) else []):
        if "_" not in key:
            continue
        name = "_".join(key.split("_")[1:])
        if name in names and names[name] is not None:
            answers[str(names[name])] = value
    if only_answers:
        return WebhookResult(json_array(answers))
    data["rawRequest"] = answers
    return WebhookResult(json_array(data))


# --- KoBoToolbox --------------------------------------------------------------------------------------


@webhook_method(_BASE + "koBoToolboxTrigger")
def kobo_toolbox(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The submission as one item; ``formatOptions.reformat`` (n8n's ``formatSubmission``) and
    attachment downloads are not done here and fail the request."""
    options = ctx.param("formatOptions", 0, {}) or {}
    if options.get("reformat") or options.get("download"):
        raise NodeError("KoBoToolbox Trigger: 'Reformat' and 'Download Attachments' are not supported yet")
    return WebhookResult(json_array([req.body]))


# --- Wise ---------------------------------------------------------------------------------------------

WISE_LIVE_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvO8vXV+JksBzZAY6GhSO
XdoTCfhXaaiZ+qAbtaDBiu2AGkGVpmEygFmWP4Li9m5+Ni85BhVvZOodM9epgW3F
bA5Q1SexvAF1PPjX4JpMstak/QhAgl1qMSqEevL8cmUeTgcMuVWCJmlge9h7B1CS
D4rtlimGZozG39rUBDg6Qt2K+P4wBfLblL0k4C4YUdLnpGYEDIth+i8XsRpFlogx
CAFyH9+knYsDbR43UJ9shtc42Ybd40Afihj8KnYKXzchyQ42aC8aZ/h5hyZ28yVy
Oj3Vos0VdBIs/gAyJ/4yyQFCXYte64I7ssrlbGRaco4nKF3HmaNhxwyKyJafz19e
HwIDAQAB
-----END PUBLIC KEY-----"""
WISE_TEST_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpb91cEYuyJNQepZAVfP
ZIlPZfNUefH+n6w9SW3fykqKu938cR7WadQv87oF2VuT+fDt7kqeRziTmPSUhqPU
ys/V2Q1rlfJuXbE+Gga37t7zwd0egQ+KyOEHQOpcTwKmtZ81ieGHynAQzsn1We3j
wt760MsCPJ7GMT141ByQM+yW1Bx+4SG3IGjXWyqOWrcXsxAvIXkpUD/jK/L958Cg
nZEgz0BSEh0QxYLITnW1lLokSx/dTianWPFEhMC9BgijempgNXHNfcVirg1lPSyg
z7KqoKUN0oHqWLr2U1A+7kqrl6O2nx3CKs1bj1hToT1+p4kcMoHXA7kA+VBLUpEs
VwIDAQAB
-----END PUBLIC KEY-----"""


@webhook_method(_BASE + "wiseTrigger")
def wise(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """A test notification is answered 200; else ``X-Signature`` must verify (RSA-SHA1 with Wise's
    live or sandbox key, by the credential's environment)."""
    fields = credential_fields(ctx, "wiseApi") or _missing("wiseApi")
    if req.header("x-test-notification") == "true":
        return empty_answer()
    key = WISE_TEST_KEY if fields.get("environment") == "test" else WISE_LIVE_KEY
    if not _rsa_sha1_ok(key, req.raw_body, req.header("x-signature") or ""):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


def _rsa_sha1_ok(public_key: str, data: bytes, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_public_key(public_key.encode())
    try:
        signature = base64.b64decode(re.sub(r"[^A-Za-z0-9+/=]", "", signature_b64))
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # type: ignore[union-attr,call-arg]
    except (InvalidSignature, ValueError):
        return False
    return True


# --- Wufoo --------------------------------------------------------------------------------------------


def _json_field(body: dict[str, Any], name: str) -> Any:
    try:
        return json.loads(body.get(name) or "")
    except ValueError:
        raise NodeError(f"Invalid JSON in request body field '{name}'") from None


@webhook_method(_BASE + "wufooTrigger")
def wufoo(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The handshake key must match the one kept at registration; the entries keyed by field
    title (files as their URL, address/likert/name parts by label, checkboxes as the checked
    values); without ``onlyAnswers`` with the entry's metadata and structures."""
    body = _body(req)
    if body.get("HandshakeKey") != node_static(ctx).get("handshakeKey"):
        return WebhookResult()
    structure = _json_field(body, "FieldStructure")
    entries: dict[str, Any] = {}
    for field in (structure or {}).get("Fields") or []:
        kind, subfields = field.get("Type"), field.get("SubFields") or []
        if kind == "file":
            entries[field.get("Title")] = body.get(f"{field.get('ID')}-url")
        elif kind in ("address", "likert", "shortname"):
            entries[field.get("Title")] = {s.get("Label"): body.get(s.get("ID")) for s in subfields}
        elif kind == "checkbox":
            entries[field.get("Title")] = [body.get(s.get("ID")) for s in subfields if body.get(s.get("ID")) != ""]
        else:
            entries[field.get("Title")] = body.get(field.get("ID"))
    if ctx.param("onlyAnswers", 0, True):
        return WebhookResult(json_array(entries))
    return WebhookResult(json_array([{
        "createdBy": body.get("CreatedBy"), "entryId": body.get("EntryId"), "dateCreated": body.get("DateCreated"),
        "formId": body.get("FormId"), "formStructure": _json_field(body, "FormStructure"),
        "fieldStructure": structure, "entries": entries}]))
