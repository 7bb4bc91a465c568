"""Mailjet (n8n-nodes-base.mailjet v1): email send/sendTemplate and SMS send.

Base: configured ``mailjet`` base URL, else https://api.mailjet.com. Email uses mailjetEmailApi
(basic ``apiKey:secretKey``; the credential's ``sandboxMode`` goes into the body as ``SandboxMode``),
SMS uses mailjetSmsApi (bearer ``token``). Email send/sendTemplate post one message to
``/v3.1/send`` (``{Messages: [message], SandboxMode}``) and output one item per entry of the
answer's ``Messages``; SMS send posts ``{From, To, Text}`` to ``/v4/sms-send`` and outputs the
answer. Errors are n8n's NodeApiError, or ``{error}`` items under continue-on-fail. The node has
no other operation.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Mailjet"
_HEADERS = {"Accept": "application/json"}


def _emails(value: Any) -> list[dict[str, str]]:
    return [{"Email": email} for email in ("" if value is None else str(value)).split(",")]


def _variables(ctx: NodeContext, i: int) -> Any:
    if ctx.param("jsonParameters", i, False):
        text = ctx.param("variablesJson", i, "")
        try:
            return json.loads(text) if isinstance(text, str) else text
        except ValueError:
            raise NodeError("Parameter 'Variables (JSON)' has a invalid JSON", item_index=i) from None
    ui = ctx.param("variablesUi", i, {}) or {}
    return {row.get("name", ""): row.get("value", "") for row in ui.get("variablesValues") or []}


def _message(ctx: NodeContext, i: int, template: bool) -> dict[str, Any]:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {"From": {"Email": ctx.param("fromEmail", i, "")}, "Subject": ctx.param("subject", i, ""),
                            "To": _emails(ctx.param("toEmail", i, "")), "Cc": [], "Bcc": [], "Variables": {}}
    if template:
        body["TemplateID"] = js_parse_int(ctx.param("templateId", i, ""))
    body["Variables"] = _variables(ctx, i)
    if not template:
        if ctx.param("html", i, ""):
            body["HTMLPart"] = ctx.param("html", i, "")
        if ctx.param("text", i, ""):
            body["TextPart"] = ctx.param("text", i, "")
    if fields.get("bccEmail"):
        body["Bcc"].extend(_emails(fields["bccEmail"]))
    cc = fields.get("ccEmail" if template else "ccAddresses")
    if cc:
        body["Cc"].extend(_emails(cc))
    order = ("replyTo", "trackOpens", "trackClicks") if template else ("trackOpens", "replyTo", "trackClicks")
    for name in order:
        if fields.get(name):
            if name == "replyTo":
                body["ReplyTo"] = {"Email": fields[name]}
            else:
                body[name[0].upper() + name[1:]] = fields[name]
    if fields.get("fromName"):
        body["From"]["Name"] = fields["fromName"]
    if fields.get("templateLanguage"):
        body["TemplateLanguage"] = fields["templateLanguage"]
    if fields.get("priority"):
        body["Priority"] = fields["priority"]
    return body


def _send_email(ctx: NodeContext, i: int, template: bool) -> Any:
    fields = credential(ctx, "mailjetEmailApi") or {}
    api = Api(ctx, base_url(ctx, "mailjet", "https://api.mailjet.com"), fields=fields, headers=_HEADERS,
              auth={"basic": (str(fields.get("apiKey") or ""), str(fields.get("secretKey") or ""))})
    body = {"Messages": [_message(ctx, i, template)], "SandboxMode": fields.get("sandboxMode", False)}
    answer = api.call("POST", "/v3.1/send", i, body=body)
    return answer.get("Messages") if isinstance(answer, dict) else None


def _send_sms(ctx: NodeContext, i: int) -> Any:
    fields = credential(ctx, "mailjetSmsApi") or {}
    api = Api(ctx, base_url(ctx, "mailjet", "https://api.mailjet.com"), fields=fields, headers=_HEADERS,
              auth={"bearer": str(fields.get("token") or "")})
    body = {"From": ctx.param("from", i, ""), "To": ctx.param("to", i, ""), "Text": ctx.param("text", i, "")}
    return api.call("POST", "/v4/sms-send", i, body=body)


def _run(ctx: NodeContext, resource: str, operation: str, i: int) -> Any:
    if resource == "email":
        result = _send_email(ctx, i, operation == "sendTemplate")
    else:
        result = _send_sms(ctx, i)
    return {} if result is None else result


@register("n8n-nodes-base.mailjet", versions=(1,), display_name="Mailjet")
@register("n8n-nodes-base.mailjetTool", versions=(1,), display_name="Mailjet Tool")
def mailjet(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "email")
    operation = ctx.param("operation", 0, "send")
    if (resource, operation) not in (("email", "send"), ("email", "sendTemplate"), ("sms", "send")):
        raise unsupported(DISPLAY, resource, operation)
    return [per_item(ctx, lambda i, _item: _run(ctx, resource, operation, i))]
