"""Webhook-based triggers of SaaS services (Shopify, Calendly, Stripe, HubSpot, Jira, ...).

In n8n these classes have ``webhook``/``webhookMethods`` (no ``poll``/``trigger``): the service
calls n8n, and the webhook method turns the request into the trigger's items. Here the platform
(daemon) calls the type's webhook method (:mod:`._webhook`, declared below, each checked against
n8n 1.123's ``webhook()``) and delivers its items as the seed, so each node passes its input
through, like the Webhook node inside the engine. Registered with every typeVersion n8n has.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._webhook import (
    HttpResponse,
    WebhookRequest,
    WebhookResult,
    basic_auth,
    credential_fields,
    empty_answer,
    hmac_b64,
    hmac_hex,
    js_includes,
    json_array,
    node_static,
    text_answer,
    unauthorized,
    webhook_method,
)
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas import MISSING
from automatelanka.engine.schemas.jsvalue import truthy

#: (type name, display name, typeVersions) of n8n's webhook-based service triggers.
WEBHOOK_TRIGGERS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("activeCampaignTrigger", "ActiveCampaign Trigger", (1,)),
    ("acuitySchedulingTrigger", "Acuity Scheduling Trigger", (1,)),
    ("affinityTrigger", "Affinity Trigger", (1,)),
    ("asanaTrigger", "Asana Trigger", (1,)),
    ("autopilotTrigger", "Autopilot Trigger", (1,)),
    ("awsSnsTrigger", "AWS SNS Trigger", (1,)),
    ("bitbucketTrigger", "Bitbucket Trigger", (1, 1.1)),
    ("boxTrigger", "Box Trigger", (1,)),
    ("calTrigger", "Cal.com Trigger", (1, 2)),
    ("calendlyTrigger", "Calendly Trigger", (1,)),
    ("chargebeeTrigger", "Chargebee Trigger", (1,)),
    ("ciscoWebexTrigger", "Webex by Cisco Trigger", (1,)),
    ("clickUpTrigger", "ClickUp Trigger", (1,)),
    ("convertKitTrigger", "ConvertKit Trigger", (1,)),
    ("copperTrigger", "Copper Trigger", (1,)),
    ("crowdDevTrigger", "crowd.dev Trigger", (1,)),
    ("customerIoTrigger", "Customer.io Trigger", (1,)),
    ("emeliaTrigger", "Emelia Trigger", (1,)),
    ("eventbriteTrigger", "Eventbrite Trigger", (1,)),
    ("facebookLeadAdsTrigger", "Facebook Lead Ads Trigger", (1,)),
    ("facebookTrigger", "Facebook Trigger", (1,)),
    ("figmaTrigger", "Figma Trigger (Beta)", (1,)),
    ("flowTrigger", "Flow Trigger", (1,)),
    ("formIoTrigger", "Form.io Trigger", (1,)),
    ("formstackTrigger", "Formstack Trigger", (1,)),
    ("getResponseTrigger", "GetResponse Trigger", (1,)),
    ("gitlabTrigger", "GitLab Trigger", (1,)),
    ("gumroadTrigger", "Gumroad Trigger", (1,)),
    ("helpScoutTrigger", "Help Scout Trigger", (1,)),
    ("hubspotTrigger", "HubSpot Trigger", (1,)),
    ("invoiceNinjaTrigger", "Invoice Ninja Trigger", (1, 2)),
    ("jiraTrigger", "Jira Trigger", (1, 1.1)),
    ("jotFormTrigger", "Jotform Trigger", (1,)),
    ("keapTrigger", "Keap Trigger", (1,)),
    ("koBoToolboxTrigger", "KoBoToolbox Trigger", (1,)),
    ("lemlistTrigger", "Lemlist Trigger", (1,)),
    ("linearTrigger", "Linear Trigger", (1,)),
    ("loneScaleTrigger", "LoneScale Trigger", (1,)),
    ("mailchimpTrigger", "Mailchimp Trigger", (1,)),
    ("mailerLiteTrigger", "MailerLite Trigger", (1, 2)),
    ("mailjetTrigger", "Mailjet Trigger", (1,)),
    ("mauticTrigger", "Mautic Trigger", (1,)),
    ("microsoftTeamsTrigger", "Microsoft Teams Trigger", (1,)),
    ("netlifyTrigger", "Netlify Trigger", (1,)),
    ("onfleetTrigger", "Onfleet Trigger", (1,)),
    ("payPalTrigger", "PayPal Trigger", (1,)),
    ("pipedriveTrigger", "Pipedrive Trigger", (1, 1.1)),
    ("postmarkTrigger", "Postmark Trigger", (1,)),
    ("pushcutTrigger", "Pushcut Trigger", (1,)),
    ("sendInBlueTrigger", "Brevo Trigger", (1,)),
    ("shopifyTrigger", "Shopify Trigger", (1,)),
    ("stravaTrigger", "Strava Trigger", (1,)),
    ("stripeTrigger", "Stripe Trigger", (1,)),
    ("surveyMonkeyTrigger", "SurveyMonkey Trigger", (1,)),
    ("taigaTrigger", "Taiga Trigger", (1,)),
    ("theHiveProjectTrigger", "TheHive 5 Trigger", (1,)),
    ("theHiveTrigger", "TheHive Trigger", (1, 2)),
    ("trelloTrigger", "Trello Trigger", (1,)),
    ("twilioTrigger", "Twilio Trigger", (1,)),
    ("venafiTlsProtectCloudTrigger", "Venafi TLS Protect Cloud Trigger", (1,)),
    ("webflowTrigger", "Webflow Trigger", (1, 2)),
    ("whatsAppTrigger", "WhatsApp Trigger", (1,)),
    ("wiseTrigger", "Wise Trigger", (1,)),
    ("wooCommerceTrigger", "WooCommerce Trigger", (1,)),
    ("workableTrigger", "Workable Trigger", (1,)),
    ("wufooTrigger", "Wufoo Trigger", (1,)),
    ("zendeskTrigger", "Zendesk Trigger", (1,)),
)


def _pass_through(ctx: NodeContext) -> NodeOutput:
    """The delivered webhook items, unchanged."""
    return [list(ctx.input(0))]


for _name, _display, _versions in WEBHOOK_TRIGGERS:
    register(f"n8n-nodes-base.{_name}", versions=_versions, inputs=0, display_name=_display)(_pass_through)


# --- webhook methods ---------------------------------------------------------------------------------

_BASE = "n8n-nodes-base."
#: ``returnJsonArray(req.body)`` / ``returnJsonArray(this.getBodyData())``: one item per element.
BODY_TYPES = ("activeCampaignTrigger", "autopilotTrigger", "boxTrigger", "calendlyTrigger", "crowdDevTrigger",
              "customerIoTrigger", "emeliaTrigger", "flowTrigger", "gumroadTrigger", "invoiceNinjaTrigger",
              "lemlistTrigger", "linearTrigger", "loneScaleTrigger", "mailjetTrigger", "mauticTrigger",
              "postmarkTrigger", "pushcutTrigger", "twilioTrigger", "workableTrigger")


_ABSENT = object()


def _get(value: Any, key: str) -> Any:
    """``value[key]`` as JavaScript reads it (None for undefined)."""
    return value.get(key) if isinstance(value, dict) else None


@webhook_method(*(_BASE + name for name in BODY_TYPES))
def body_items(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "sendInBlueTrigger", path="webhooks")
def brevo(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "convertKitTrigger")
def convert_kit(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    return WebhookResult(json_array([req.body]))


@webhook_method(_BASE + "gitlabTrigger")
def request_parts(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """``{body, headers, query}`` of the request."""
    return WebhookResult(json_array([{"body": req.body, "headers": dict(req.headers), "query": req.query}]))


@webhook_method(_BASE + "calTrigger")
def cal(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    body = req.body if isinstance(req.body, dict) else {}
    out = {k: body[k] for k in ("triggerEvent", "createdAt") if k in body}
    payload = body.get("payload")
    if isinstance(payload, dict):
        out.update(payload)
    return WebhookResult(json_array(out))


def _event_filter(ctx: NodeContext, event: Any) -> bool:
    """Chargebee/Stripe: an event type that is defined and listened to (``events`` has it or ``*``)."""
    events = ctx.param("events", 0, []) or []
    return event is not None and (js_includes(events, "*") or js_includes(events, event))


@webhook_method(_BASE + "chargebeeTrigger")
def chargebee(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if not _event_filter(ctx, _get(req.body, "event_type")):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "stripeTrigger")
def stripe(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if not _stripe_signature_ok(ctx, req):
        return unauthorized()
    if not _event_filter(ctx, _get(req.body, "type")):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


def _stripe_signature_ok(ctx: NodeContext, req: WebhookRequest) -> bool:
    """StripeTriggerHelpers.verifySignature: skipped without ``signatureSecret`` in the credential."""
    import time

    fields = credential_fields(ctx, "stripeApi") or {}
    secret = fields.get("signatureSecret")
    if not secret:
        return True
    header = req.header("stripe-signature")
    if not header:
        return False
    timestamp = signature = None
    for element in header.split(","):
        if element.startswith("t="):
            timestamp = element[2:]
        elif element.startswith("v1="):
            signature = element[3:]
    if not timestamp or not signature or not isinstance(secret, str) or not req.raw_body:
        return False
    try:
        if abs(int(time.time()) - int(timestamp)) > 300:
            return False
    except ValueError:
        return False
    expected = hmac_hex("sha256", secret, timestamp.encode() + b"." + req.raw_body)
    import hmac as _hmac

    return _hmac.compare_digest(expected, signature)


@webhook_method(_BASE + "figmaTrigger")
def figma(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if _get(req.body, "event_type") == "PING":
        return empty_answer()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "formIoTrigger")
def form_io(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    response = _get(req.body, "request")
    if ctx.param("simple", 0, True):
        if not isinstance(response, dict):
            raise NodeError("Cannot read properties of undefined (reading 'data')")
        response = response.get("data")
    return WebhookResult(json_array(response))


@webhook_method(_BASE + "formstackTrigger")
def formstack(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    response = req.body
    if ctx.param("simple", 0, True) and isinstance(response, dict):
        response = {k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in response.items()}
    return WebhookResult(json_array([response]))


@webhook_method(_BASE + "getResponseTrigger", default="GET")
def get_response(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    list_ids = ctx.param("listIds", 0, []) or []
    if not js_includes(list_ids, "*") and not js_includes(list_ids, req.query.get("CAMPAIGN_ID")):
        return WebhookResult()
    return WebhookResult(json_array(req.query))


@webhook_method(_BASE + "mailerLiteTrigger")
def mailer_lite(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """v1 emits ``body.events``, v2 ``body.fields``."""
    return WebhookResult(json_array(_get(req.body, "fields" if ctx.node.type_version >= 2 else "events")))


@webhook_method(_BASE + "microsoftTeamsTrigger")
def microsoft_teams(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Graph's validation handshake; else each notification's ``resourceData``. n8n puts each event
    on its own output of the one-output trigger, so only the first one reaches the next node."""
    token = req.query.get("validationToken")
    if token:
        return text_answer(token)
    events = _get(req.body, "value")
    if not isinstance(events, list):
        raise NodeError("Cannot read properties of undefined (reading 'map')")
    if not events:
        return WebhookResult([])
    event = events[0]
    data = _get(event, "resourceData")
    return WebhookResult([{"json": data if data is not None else event}])


@webhook_method(_BASE + "netlifyTrigger")
def netlify(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    response = req.body
    event = ctx.param("event", 0, "")
    if event == "submissionCreated" and ctx.param("simple", 0, True):
        response = _get(response, "data")
    return WebhookResult(json_array(response))


@webhook_method(_BASE + "onfleetTrigger", setup="GET")
def onfleet(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if req.webhook_name == "setup":
        check = req.query.get("check")
        return WebhookResult(response=HttpResponse(200, "" if check is None else str(check),
                                                   {"content-type": "text/plain; charset=utf-8"}))
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "taigaTrigger")
def taiga(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    operations = ctx.param("operations", 0, ["all"]) or []
    resources = ctx.param("resources", 0, ["all"]) or []
    if not js_includes(operations, "all") and not js_includes(operations, _get(req.body, "action")):
        return WebhookResult()
    if not js_includes(resources, "all") and not js_includes(resources, _get(req.body, "type")):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


def _hive_event(ctx: NodeContext, body: Any, operation_key: str) -> str | None:
    operation, object_type = _get(body, operation_key), _get(body, "objectType")
    if not operation or not object_type:
        return None
    if operation_key == "operation":  # TheHive 3 says Creation
        operation = str(operation).replace("Creation", "Create", 1)
    event = f"{str(object_type).lower()}_{str(operation).lower()}"
    events = ctx.param("events", 0, []) or []
    return event if "*" in events or event in events else None


@webhook_method(_BASE + "theHiveTrigger")
def the_hive(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    event = _hive_event(ctx, req.body, "operation")
    if event is None:
        return WebhookResult()
    return WebhookResult(json_array([{"event": event, "body": req.body, "headers": dict(req.headers),
                                      "query": req.query}]))


@webhook_method(_BASE + "theHiveProjectTrigger")
def the_hive_project(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    event = _hive_event(ctx, req.body, "action")
    if event is None:
        return WebhookResult()
    for rule in ctx.param("filters.values", 0, []) or []:
        actual = _lodash_get(req.body, str(rule.get("field", "")))
        expected, operator = rule.get("value"), rule.get("operator")
        if (operator == "equal" and actual != expected) or (operator == "notEqual" and actual == expected):
            return WebhookResult()
        if operator == "includes" and str(expected) not in _js_string(actual):
            return WebhookResult()
    if ctx.param("options.outputOnlyData", 0, False):
        return WebhookResult(json_array([req.body]))
    return WebhookResult(json_array([{"event": event, "body": req.body, "headers": dict(req.headers),
                                      "query": req.query}]))


def _lodash_get(value: Any, path: str) -> Any:
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _js_string(value: Any) -> str:
    from automatelanka.engine.schemas.jsvalue import to_js_string

    return "undefined" if value is None else to_js_string(value)


@webhook_method(_BASE + "trelloTrigger", setup="HEAD")
def trello(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if req.webhook_name == "setup":
        return empty_answer()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "venafiTlsProtectCloudTrigger")
def venafi(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    events = _get(req.body, "events")
    first = events[0] if isinstance(events, list) and events else None
    message = _get(first, "message")
    if isinstance(message, str) and "TESTING CONNECTION..." in message:
        return empty_answer()
    trigger_on = ctx.param("triggerOn", 0, []) or []
    if not js_includes(trigger_on, "*") and not js_includes(trigger_on, _get(first, "eventName")):
        return WebhookResult()
    return WebhookResult(json_array(events))


@webhook_method(_BASE + "zendeskTrigger")
def zendesk(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """ZendeskTriggerHelpers.verifySignature: skipped without a stored ``webhookSecret``."""
    secret = node_static(ctx).get("webhookSecret")
    if secret:
        signature = req.header("x-zendesk-webhook-signature")
        timestamp = req.header("x-zendesk-webhook-signature-timestamp")
        if not signature or not timestamp or not req.raw_body or \
                hmac_b64("sha256", secret, timestamp.encode() + req.raw_body) != signature:
            return unauthorized()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "asanaTrigger")
def asana(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The X-Hook-Secret handshake (echoed, kept in static data); else one item per event."""
    secret = req.header("x-hook-secret")
    if secret is not None:
        node_static(ctx)["hookSecret"] = secret
        return empty_answer(200, {"X-Hook-Secret": secret})
    events = _get(req.body, "events")
    if not isinstance(events, list) or not events:
        return WebhookResult()
    return WebhookResult(json_array(events))


@webhook_method(_BASE + "keapTrigger")
def keap(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    secret = req.header("x-hook-secret")
    if secret:
        return empty_answer(200, {"x-hook-secret": secret})
    if ctx.param("rawData", 0, False):
        return WebhookResult(json_array(req.body))
    keys = _get(req.body, "object_keys")
    if not isinstance(keys, list):
        raise NodeError("bodyData.object_keys is not iterable")
    body = req.body if isinstance(req.body, dict) else {}
    out = []
    for data in keys:  # keys JavaScript leaves undefined are absent from the item
        data = data if isinstance(data, dict) else {}
        entry = {"eventKey": body.get("event_key", _ABSENT), "objectType": body.get("object_type", _ABSENT),
                 "id": data.get("id", _ABSENT), "timestamp": data.get("timestamp", _ABSENT),
                 "apiUrl": data.get("apiUrl", _ABSENT)}
        out.append({k: v for k, v in entry.items() if v is not _ABSENT})
    return WebhookResult(json_array(out))


@webhook_method(_BASE + "bitbucketTrigger")
def bitbucket(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Only deliveries of the hook registered on activation (``x-hook-uuid`` = stored webhookId)."""
    if req.header("x-hook-uuid") != node_static(ctx).get("webhookId"):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


def _static_secret(ctx: NodeContext) -> str:
    """``webhookData.secret`` for createHmac: without one n8n's createHmac throws (500)."""
    secret = node_static(ctx).get("secret")
    if not isinstance(secret, str):
        raise NodeError('The "key" argument must be of type string. Received undefined')
    return secret


@webhook_method(_BASE + "clickUpTrigger")
def click_up(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    import json

    body = json.dumps(req.body, ensure_ascii=False, separators=(",", ":"))
    if req.header("x-signature") != hmac_hex("sha256", _static_secret(ctx), body):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "helpScoutTrigger")
def help_scout(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    signature = req.header("x-helpscout-signature")
    if signature is None:
        return WebhookResult()
    if signature != hmac_b64("sha1", _static_secret(ctx), req.raw_body):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "wooCommerceTrigger")
def woo_commerce(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Signed with the secret n8n generated when it created the WooCommerce webhook."""
    if req.header("x-wc-webhook-id") is None:
        return WebhookResult()
    if req.header("x-wc-webhook-signature") != hmac_b64("sha256", _static_secret(ctx), req.raw_body):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "mailchimpTrigger", setup="GET")
def mailchimp(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    if req.webhook_name == "setup":
        return empty_answer()
    static = node_static(ctx)
    if _get(req.body, "id") != static.get("id"):
        return WebhookResult()
    kind = _get(req.body, "type")
    events, sources = static.get("events"), static.get("sources")
    if not isinstance(events, list) or not isinstance(sources, list):
        raise NodeError("Cannot read properties of undefined (reading 'includes')")
    if kind not in events and kind not in sources:
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "jiraTrigger")
def jira(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Optional query-parameter auth (httpQueryAuth, value base64-encoded); the query joins the body."""
    import base64

    if ctx.node.type_version == 1:
        authenticate = ctx.param("incomingAuthentication", 0, "none") == "queryAuth"
    else:
        authenticate = bool(ctx.param("authenticateWebhook", 0, False))
    body = req.body if isinstance(req.body, dict) else {}
    query = dict(req.query)
    if authenticate:
        try:
            auth = credential_fields(ctx, "httpQueryAuth")
        except NodeError:
            auth = None
        if not auth or not auth.get("name") or not auth.get("value"):
            return WebhookResult(response=HttpResponse(403, {"message": "Auth settings are not valid, some data are "
                                                                        "missing"}))
        name = str(auth["name"])
        value = base64.b64encode(str(auth["value"]).encode()).decode()
        if query.get(name) != value:
            return WebhookResult(response=HttpResponse(403, {"message": "Provided authentication data is not valid"}))
        del query[name]
    return WebhookResult(json_array({**body, **query}))


@webhook_method(_BASE + "pipedriveTrigger")
def pipedrive(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Optional HTTP basic auth (httpBasicAuth credential), answered as n8n's authorizationError."""
    if ctx.param("incomingAuthentication", 0, "none") == "basicAuth":
        try:
            auth = credential_fields(ctx, "httpBasicAuth")
        except NodeError:
            auth = None
        if not auth or not auth.get("user") or not auth.get("password"):
            return _auth_error(500, "No authentication data defined on node!")
        given = basic_auth(req.header("authorization"))
        if given is None:
            return _auth_error(401)
        if given != (auth.get("user"), auth.get("password")):
            return _auth_error(403)
    return WebhookResult(json_array(req.body))


def _auth_error(status: int, message: str | None = None) -> WebhookResult:
    """Pipedrive's authorizationError: a WWW-Authenticate challenge on 401, the message as text."""
    headers = {"WWW-Authenticate": 'Basic realm="Webhook"'} if status == 401 else {}
    text = message or {401: "Authorization problem!", 403: "Authorization data is wrong!"}.get(status, "")
    return WebhookResult(response=HttpResponse(status, text, {**headers, "content-type": "text/html; charset=utf-8"}))


@webhook_method(_BASE + "shopifyTrigger")
def shopify(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Shopify's HMAC-SHA256 (base64) of the raw body with the credential's secret, and the topic."""
    authentication = ctx.param("authentication", 0, "apiKey")
    secret = ""
    for auth, cred_type, key in (("apiKey", "shopifyApi", "sharedSecret"),
                                 ("accessToken", "shopifyAccessTokenApi", "appSecretKey"),
                                 ("oAuth2", "shopifyOAuth2Api", "clientSecret")):
        if authentication == auth:
            from automatelanka.engine.nodes._http import credential

            secret = str((credential(ctx, cred_type) or {}).get(key) or "")
    names = ("x-shopify-topic", "x-shopify-hmac-sha256", "x-shopify-shop-domain", "x-shopify-api-version")
    if any(req.header(name) is None for name in names):
        return WebhookResult()
    if req.header("x-shopify-hmac-sha256") != hmac_b64("sha256", secret, req.raw_body):
        return WebhookResult()
    if ctx.param("topic", 0, "") != req.header("x-shopify-topic"):
        return WebhookResult()
    return WebhookResult(json_array(req.body))


@webhook_method(_BASE + "hubspotTrigger", setup="GET")
def hubspot(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """HubSpot's v1 signature (sha256 of client secret + JSON body); objectId renamed per object."""
    import hashlib
    import json

    from automatelanka.engine.nodes._http import credential

    fields = credential(ctx, "hubspotDeveloperApi") or {}
    signature = req.header("x-hubspot-signature")
    if signature is None:
        return WebhookResult()
    payload = f"{fields.get('clientSecret', '')}{json.dumps(req.body, ensure_ascii=False, separators=(',', ':'))}"
    if hashlib.sha256(payload.encode()).hexdigest() != signature:
        return WebhookResult()
    if not isinstance(req.body, list):
        return WebhookResult(json_array(req.body))
    events = req.body
    out = []
    for event in events:
        event = dict(event)
        kind = str(event.get("subscriptionType"))
        for word, key in (("contact", "contactId"), ("company", "companyId"), ("deal", "dealId"),
                          ("ticket", "ticketId")):
            if word in kind:
                event[key] = event.get("objectId")
        event.pop("objectId", None)
        out.append(event)
    return WebhookResult(json_array(out))


@webhook_method(_BASE + "stravaTrigger", setup="GET")
def strava(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """The hub.challenge handshake; object/event filters. ``resolveData`` (default on) fetches the
    object from Strava's API, which this engine does not call: such deliveries fail (500)."""
    obj, event = ctx.param("object", 0, "*"), ctx.param("event", 0, "*")
    if req.webhook_name == "setup" and req.query.get("hub.challenge"):
        return WebhookResult(response=HttpResponse(200, {"hub.challenge": req.query["hub.challenge"]}))
    body = req.body
    objects = ["activity", "athlete"] if obj == "*" else [obj]
    events = ["create", "update", "delete"] if event == "*" else [event]
    if obj != "*" and _get(body, "object_type") not in objects:
        return WebhookResult()
    if event != "*" and _get(body, "aspect_type") not in events:
        return WebhookResult()
    if ctx.param("resolveData", 0, True) and _get(body, "aspect_type") != "delete":
        raise NodeError("Strava Trigger: 'Resolve Data' needs the Strava API, which is not supported yet")
    return WebhookResult(json_array(body))


@webhook_method(_BASE + "webflowTrigger")
def webflow(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """v1: the body; v2 first checks Webflow's signature with the webflowOAuth2Api client secret
    (none, or another credential type: 401, as n8n)."""
    if ctx.node.type_version >= 2 and not _webflow_signature_ok(ctx, req):
        return unauthorized()
    return WebhookResult(json_array(req.body))


def _webflow_signature_ok(ctx: NodeContext, req: WebhookRequest) -> bool:
    import hmac as _hmac
    import time

    try:
        fields = credential_fields(ctx, "webflowOAuth2Api")
    except NodeError:
        return False
    secret = (fields or {}).get("clientSecret")
    if not isinstance(secret, str) or not secret:
        return False
    timestamp, signature = req.header("x-webflow-timestamp"), req.header("x-webflow-signature")
    if not timestamp or not timestamp.isdigit() or signature is None:
        return False
    if abs(time.time() * 1000 - int(timestamp)) > 5 * 60 * 1000:
        return False
    expected = hmac_hex("sha256", secret, timestamp.encode() + b":" + req.raw_body)
    return _hmac.compare_digest(expected, signature)


@webhook_method(_BASE + "whatsAppTrigger", setup="GET")
def whatsapp(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """Meta's hub.challenge (verify token = the node's id), the X-Hub-Signature-256 check with the
    app secret, then one item per change value (``field`` added), status updates filtered."""
    from automatelanka.engine.nodes._http import credential

    fields = credential(ctx, "whatsAppTriggerApi") or {}
    if req.webhook_name == "setup" and req.query.get("hub.challenge"):
        if ctx.node.id != req.query.get("hub.verify_token"):
            return WebhookResult()
        return text_answer(req.query["hub.challenge"])
    expected = "sha256=" + hmac_hex("sha256", str(fields.get("clientSecret") or ""), req.raw_body)
    if req.header("x-hub-signature-256") != expected:
        return WebhookResult()
    if _get(req.body, "object") != "whatsapp_business_account":
        return WebhookResult()
    events = [{**(_get(change, "value") or {}), "field": _get(change, "field")}
              for entry in _get(req.body, "entry") or [] for change in (_get(entry, "changes") or [])]
    allowed = ctx.param("options", 0, {}).get("messageStatusUpdates") if isinstance(
        ctx.param("options", 0, {}), dict) else None
    kept = _filter_statuses(events, allowed)
    if not kept:
        return WebhookResult()
    return WebhookResult(json_array(kept))


def _filter_statuses(events: list[dict[str, Any]], allowed: Any) -> list[dict[str, Any]]:
    """WhatsAppTrigger's filterStatuses."""
    if allowed is None:
        return events
    if not allowed:
        return [e for e in events if not truthy(e.get("statuses", MISSING))]
    if "all" not in allowed:
        return [e for e in events if not (isinstance(e.get("statuses"), list) and e["statuses"])
                or any(_get(s, "status") in allowed for s in e["statuses"])]
    return events

from automatelanka.engine.nodes import service_trigger_payloads as _payloads  # noqa: E402,F401  (their webhook methods)
