"""Trigger and entry-point nodes (spec §6.1).

Inside the engine every trigger passes the seed items through (``[{json:{}}]`` from the executor,
or the request item the platform hands a webhook/form trigger). Types whose n8n class has a
``trigger``/``poll`` method are registered with ``trigger=True`` so the executor can pick the
start node as n8n's ``getStartNode`` does (§3.2).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._webhook import (
    UNSET,
    HttpResponse,
    WebhookRequest,
    WebhookResult,
    webhook_method,
)
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.workflow import Node


def _pass_through(ctx: NodeContext) -> NodeOutput:
    return [list(ctx.input(0))]


@register("n8n-nodes-base.manualTrigger", versions=(1,), trigger=True, inputs=0,
          display_name="Manual Trigger")
def manual_trigger(ctx: NodeContext) -> NodeOutput:
    """Emits the seed (``[{}]`` in manual mode as in every other mode)."""
    return _pass_through(ctx) if ctx.input(0) else [[{"json": {}}]]


@register("n8n-nodes-base.scheduleTrigger", versions=(1, 1.1, 1.2, 1.3), trigger=True, inputs=0,
          display_name="Schedule Trigger")
def schedule_trigger(ctx: NodeContext) -> NodeOutput:
    """Manual mode emits a fire item (timestamp...); other modes pass the seed through."""
    if ctx.state.mode == "manual":
        return [[{"json": schedule_fire_item(ctx.timezone)}]]
    return _pass_through(ctx)


@register("n8n-nodes-base.cron", versions=(1,), trigger=True, inputs=0, display_name="Cron")
def cron(ctx: NodeContext) -> NodeOutput:
    return _pass_through(ctx)


@register("n8n-nodes-base.interval", versions=(1,), trigger=True, inputs=0, display_name="Interval")
def interval(ctx: NodeContext) -> NodeOutput:
    return _pass_through(ctx)


@register("n8n-nodes-base.start", versions=(1,), inputs=0, display_name="Start")
def start(ctx: NodeContext) -> NodeOutput:
    return _pass_through(ctx)


@register("n8n-nodes-base.errorTrigger", versions=(1,), inputs=0, display_name="Error Trigger")
def error_trigger(ctx: NodeContext) -> NodeOutput:
    return _pass_through(ctx)


def _webhook_outputs(node: Node) -> int:
    """One output per HTTP method when ``multipleMethods`` is set."""
    if node.parameters.get("multipleMethods") is True:
        methods = node.parameters.get("httpMethod", ["GET", "POST"])
        return len(methods) if isinstance(methods, list) and methods else 1
    return 1


@register("n8n-nodes-base.webhook", versions=(1, 1.1, 2, 2.1), inputs=0, outputs=_webhook_outputs,
          display_name="Webhook")
def webhook(ctx: NodeContext) -> NodeOutput:
    """Inside the engine n8n hands a webhook node's input straight to output 0; with
    ``multipleMethods`` the platform's request method picks the output, as n8n's webhook() does."""
    outputs = _pass_through(ctx)
    method = ctx.state.trigger.get("method") if not ctx.source else None
    methods = ctx.node.parameters.get("httpMethod")
    if ctx.node.parameters.get("multipleMethods") is True and method and isinstance(methods, list):
        index = next((i for i, m in enumerate(methods) if str(m).upper() == str(method).upper()), None)
        if index is not None and outputs:
            routed: NodeOutput = [[] for _ in methods]
            routed[index] = outputs[0]
            return routed
    return outputs


@register("n8n-nodes-base.formTrigger", versions=(1, 2, 2.1, 2.2, 2.3), inputs=0,
          display_name="n8n Form Trigger")
def form_trigger(ctx: NodeContext) -> NodeOutput:
    return _pass_through(ctx)


def form_path(node: dict[str, Any]) -> str:
    """The Form Trigger's webhook path (``isFullPath``), served at ``/form/<path>`` and
    ``/webhook/<path>``: v1 ``<path>/n8n-form``; v2 and v2.1 the ``path`` parameter, v2.2+
    ``options.path``, else the node's webhookId."""
    params = node.get("parameters") if isinstance(node.get("parameters"), dict) else {}
    version = float(node.get("typeVersion") or 1)
    if version < 2:
        return f"{params.get('path') or ''}/n8n-form"
    options = params.get("options") if isinstance(params.get("options"), dict) else {}
    path = params.get("path") if version <= 2.1 else options.get("path")
    return str(path or node.get("webhookId") or "")


@webhook_method("n8n-nodes-base.formTrigger", setup="GET", route=form_path)
def form_webhook(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """n8n's ``formWebhook``: bots refused when ``options.ignoreBots``, basic auth (v2+), the
    response-mode checks; GET renders the form page; POST (a submission) gives one item with each
    field's value under its label, ``submittedAt`` (workflow time zone from v2.1 unless
    ``options.useWorkflowTimezone`` says otherwise, else UTC), ``formMode`` and
    ``formQueryParameters``, uploaded files as binary, and answers ``{"status": 200}`` (``onReceived``;
    ``lastNode`` answers nothing once the run is over, ``responseNode`` what that node sends)."""
    from automatelanka.engine.nodes._form_submission import form_return_item

    options = ctx.param("options", 0, {}) or {}
    if (options.get("ignoreBots") and is_bot(req.header("user-agent"))) or (
            ctx.node.type_version > 1 and not _form_auth_ok(ctx, req)):
        return WebhookResult(response=HttpResponse(401, None, {"WWW-Authenticate": 'Basic realm="Enter credentials"'}))
    _check_response_mode(ctx)
    mode = "test" if req.mode == "manual" else "production"
    if req.method == "GET":
        return WebhookResult(response=HttpResponse(200, _form_page(ctx, req, options, mode),
                                                   {"content-type": "text/html; charset=utf-8"}))
    use_zone = options.get("useWorkflowTimezone")
    if use_zone is None and ctx.node.type_version > 2:
        use_zone = True
    item = form_return_item(ctx, req, ctx.param("formFields.values", 0, []) or [], mode, bool(use_zone))
    # n8n answers webhookResponse only in onReceived mode; lastNode / responseNode answer after the run
    on_received = ctx.param("responseMode", 0, "onReceived") == "onReceived"
    return WebhookResult([item], webhook_response={"status": 200} if on_received else UNSET)


#: What ``isbot`` recognises, in short: crawlers, link previewers, headless browsers, HTTP libraries.
BOT_PATTERN = re.compile(
    r"bot\b|bot[/_;-]|crawl|spider|slurp|preview|facebookexternalhit|embedly|headless|lighthouse|pingdom|"
    r"^curl/|^wget/|python-requests|python-urllib|^go-http-client|^java/|^okhttp|^axios/|whatsapp|"
    r"^mozilla/5\.0 \(compatible; [a-z]+/[0-9.]+; \+https?://", re.I)


def is_bot(user_agent: str | None) -> bool:
    """``isbot(user-agent)`` (an approximation of its pattern list; no user agent: not a bot)."""
    return bool(user_agent) and BOT_PATTERN.search(user_agent or "") is not None


def _form_page(ctx: NodeContext, req: WebhookRequest, options: dict[str, Any], mode: str) -> str:
    """The GET answer: ``renderForm`` with what ``formWebhook`` gathers."""
    from automatelanka.engine.nodes import _form_page as page

    response_mode = ctx.param("responseMode", 0, "")
    submitted_text, redirect_url = None, None
    respond = options.get("respondWithOptions")
    if respond:
        values = (respond.get("values") or {}) if isinstance(respond, dict) else {}
        if values.get("respondWith") == "text":
            submitted_text = values.get("formSubmittedText")
        if values.get("respondWith") == "redirect":
            redirect_url = values.get("redirectUrl")
    else:
        submitted_text = options.get("formSubmittedText")
    workflow = ctx.state.workflow
    if any(_is_form_page(workflow.nodes[n]) for n in workflow.descendants(ctx.node.name) if n in workflow.nodes):
        redirect_url, response_mode = None, "responseNode"
    return page.render(page.form_data(
        title=str(ctx.param("formTitle", 0, "") or ""),
        description=page.sanitize_html(str(ctx.param("formDescription", 0, "") or "")),
        fields=ctx.param("formFields.values", 0, []) or [], query=req.query, test=mode == "test",
        response_mode=str(response_mode or ""), submitted_text=submitted_text, redirect_url=redirect_url,
        attribution=options.get("appendAttribution") is not False,
        button_label=str(options.get("buttonLabel") or "Submit"), custom_css=options.get("customCss"),
        auth_token=_form_auth_token(ctx) if ctx.node.type_version > 1 else None))


def _is_form_page(node: Any) -> bool:
    """``isFormConnected``: an n8n Form node or a Wait node resuming on a form after the trigger."""
    return node.type == "n8n-nodes-base.form" or (
        node.type == "n8n-nodes-base.wait" and (node.parameters or {}).get("resume") == "form")


def _basic_auth_credential(ctx: NodeContext) -> dict[str, Any]:
    from automatelanka.engine.errors import NodeError
    from automatelanka.engine.nodes._webhook import credential_fields

    try:
        return credential_fields(ctx, "httpBasicAuth") or {}
    except NodeError:
        return {}


def _form_auth_token(ctx: NodeContext) -> str | None:
    """``generateFormPostBasicAuthToken``: HMAC-SHA256 of ``<node id>-<webhookId>`` keyed with
    ``user:password`` (the page sends it back as ``x-auth-token``)."""
    if ctx.param("authentication", 0, "none") == "none":
        return None
    expected = _basic_auth_credential(ctx)
    if not expected.get("user") or not expected.get("password"):
        return None
    from automatelanka.engine.nodes._webhook import hmac_hex

    node = ctx.node
    return hmac_hex("sha256", f"{expected['user']}:{expected['password']}",
                    f"{_js_text(node.id)}-{_js_text(node.webhook_id)}")


def _js_text(value: Any) -> str:
    return "undefined" if value is None else str(value)


def _form_auth_ok(ctx: NodeContext, req: WebhookRequest) -> bool:
    """validateWebhookAuthentication for ``authentication: basicAuth``: the Authorization header,
    else the page's ``x-auth-token`` (any failure answers 401)."""
    if ctx.param("authentication", 0, "none") != "basicAuth":
        return True
    import hmac

    from automatelanka.engine.nodes._webhook import basic_auth

    expected = _basic_auth_credential(ctx)
    if not expected.get("user") or not expected.get("password"):
        return False
    given = basic_auth(req.header("authorization"))
    if given is None:
        token, wanted = req.header("x-auth-token") or "", _form_auth_token(ctx) or ""
        return bool(token) and len(token) == len(wanted) and hmac.compare_digest(token.encode(), wanted.encode())
    return given == (expected["user"], expected["password"])


def _check_response_mode(ctx: NodeContext) -> None:
    """validateResponseModeConfiguration: Respond to Webhook nodes after the form, per version."""
    from automatelanka.engine.errors import NodeError

    mode = ctx.param("responseMode", 0, "onReceived")
    workflow = ctx.state.workflow
    responds = any(workflow.nodes[n].type == "n8n-nodes-base.respondToWebhook"
                   for n in workflow.descendants(ctx.node.name) if n in workflow.nodes)
    version = ctx.node.type_version
    if not responds and mode == "responseNode":
        raise NodeError("No Respond to Webhook node found in the workflow")
    if responds and mode != "responseNode" and version <= 2.1:
        raise NodeError("Unused Respond to Webhook node found in the workflow")
    if responds and version > 2.1:
        raise NodeError('The "Respond to Webhook" node is not supported in workflows initiated by the '
                        '"n8n Form Trigger"')


@register("n8n-nodes-base.executeWorkflowTrigger", versions=(1, 1.1), inputs=0,
          display_name="Execute Workflow Trigger")
def execute_workflow_trigger(ctx: NodeContext) -> NodeOutput:
    """passthrough returns the caller's items; other modes keep only the declared fields."""
    default = "workflowInputs" if ctx.node.type_version >= 1.1 else "passthrough"
    source = ctx.param("inputSource", 0, default) if ctx.node.type_version >= 1.1 else "passthrough"
    items = ctx.input(0)
    if source == "passthrough":
        return [list(items)]
    names = _declared_fields(ctx, source)
    out: list[Item] = []
    for index, item in enumerate(items):
        body = {name: None for name in names}
        body.update({k: v for k, v in (item.get("json") or {}).items() if k in body})
        new: Item = {"json": body, "index": index}
        if item.get("binary") is not None:
            new["binary"] = item["binary"]
        out.append(new)
    return [out]


def _declared_fields(ctx: NodeContext, source: str) -> list[str]:
    """Field names declared by ``workflowInputs.values`` or by the keys of ``jsonExample``."""
    if source == "workflowInputs":
        values = (ctx.param("workflowInputs", 0, {}) or {}).get("values") or []
        return [str(v.get("name")) for v in values if isinstance(v, dict)]
    if source == "jsonExample":
        raw = ctx.param("jsonExample", 0, "")
        try:
            example = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise ctx.error(f"Invalid JSON example: {exc}") from exc
        if not isinstance(example, dict):
            kind = "array" if isinstance(example, list) else type(example).__name__
            raise ctx.error(f"Invalid JSON schema type. Only object type is supported, but got {kind}")
        return list(example)
    raise ctx.error("Internal Error: Invalid input source")


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def schedule_fire_item(timezone: str, now: datetime | None = None) -> dict[str, Any]:
    """The json a Schedule Trigger emits when it fires (moment formats as n8n uses them)."""
    moment = (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone))
    offset = moment.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    hour12 = moment.hour % 12 or 12
    ampm = "am" if moment.hour < 12 else "pm"
    clock = f"{hour12}:{moment:%M:%S} {ampm}"
    return {
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}{offset}",
        "Readable date": f"{moment:%B} {_ordinal(moment.day)} {moment.year}, {clock}",
        "Readable time": clock,
        "Day of week": _DAYS[moment.weekday()],
        "Year": f"{moment.year:04d}",
        "Month": f"{moment:%B}",
        "Day of month": f"{moment.day:02d}",
        "Hour": f"{moment.hour:02d}",
        "Minute": f"{moment.minute:02d}",
        "Second": f"{moment.second:02d}",
        "Timezone": f"{timezone} (UTC{offset})",
    }
