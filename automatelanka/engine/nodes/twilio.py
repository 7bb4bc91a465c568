"""Twilio (n8n-nodes-base.twilio v1): send an SMS/WhatsApp message, make a call.

Requests: form-encoded POST to ``<base>/2010-04-01/Accounts/<accountSid>/Messages.json`` or
``/Calls.json`` (base: configured ``twilio`` base URL, else https://api.twilio.com) with basic
auth (account SID + auth token, or API key SID + secret when ``authType`` is ``apiKey``). Each
item's output is Twilio's JSON answer; under continue-on-fail ``{error: message}``.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes.base import NodeContext, register

_XML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}


def escape_xml(text: str) -> str:
    return "".join(_XML.get(ch, ch) for ch in text)


def _body(ctx: NodeContext, resource: str, operation: str, i: int) -> tuple[str, dict[str, Any]]:
    options = ctx.param("options", i, {}) or {}
    if resource == "sms":
        if operation != "send":
            raise NodeError(f'The operation "{operation}" is not known!', item_index=i)
        sender, to = ctx.param("from", i), ctx.param("to", i)
        if ctx.param("toWhatsapp", i, False):
            sender, to = f"whatsapp:{sender}", f"whatsapp:{to}"
        return "/Messages.json", {"From": sender, "To": to, "Body": ctx.param("message", i),
                                  "StatusCallback": options.get("statusCallback", "")}
    if resource == "call":
        if operation != "make":
            raise NodeError(f'The operation "{operation}" is not known!', item_index=i)
        message = str(ctx.param("message", i, ""))
        twiml = message if ctx.param("twiml", i, False) else f"<Response><Say>{escape_xml(message)}</Say></Response>"
        return "/Calls.json", {"From": ctx.param("from", i), "To": ctx.param("to", i), "Twiml": twiml,
                               "StatusCallback": options.get("statusCallback", "")}
    raise NodeError(f'The resource "{resource}" is not known!', item_index=i)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@register("n8n-nodes-base.twilio", versions=(1,), display_name="Twilio")
@register("n8n-nodes-base.twilioTool", versions=(1,), display_name="Twilio Tool")
def twilio(ctx: NodeContext) -> NodeOutput:
    fields = credential(ctx, "twilioApi") or {}
    if fields.get("authType") == "apiKey":
        auth = {"basic": (fields.get("apiKeySid") or "", fields.get("apiKeySecret") or "")}
    else:
        auth = {"basic": (fields.get("accountSid") or "", fields.get("authToken") or "")}
    root = f"{base_url(ctx, 'twilio', 'https://api.twilio.com')}/2010-04-01/Accounts/{fields.get('accountSid') or ''}"
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            endpoint, body = _body(ctx, ctx.param("resource", i, "sms"), ctx.param("operation", i, "send"), i)
            response = request(ctx, "POST", root + endpoint, auth=auth, item_index=i,
                               data={k: _form_value(v) for k, v in body.items()})
            out.append({"json": decode(response)})
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
    return [out]
