"""Mailgun (n8n-nodes-base.mailgun v1): send an email through the Mailgun messages API.

Base: configured ``mailgun`` base URL, else ``https://<apiDomain>`` from the mailgunApi credential
(api.mailgun.net or api.eu.mailgun.net); basic auth ``api:<apiKey>``. Each item sends
``POST /v3/<emailDomain>/messages`` as multipart/form-data with ``from``, ``to``, ``subject``,
``text``, ``html`` (always, empty or not), ``cc``/``bcc`` when set and one ``attachment`` file per
binary property named in ``attachments`` (only when the item has binary data, as in n8n; file name
``unknown`` when the binary has none). The API's answer (``{id, message}``) is the output item;
failures are n8n's NodeApiError, or ``{error}`` items under continue-on-fail. The node has no
other operation.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, per_item
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.pushover import file_part, form_parts


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _form(ctx: NodeContext, i: int, item: dict[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {"from": ctx.param("fromEmail", i, ""), "to": ctx.param("toEmail", i, ""),
                            "subject": ctx.param("subject", i, ""), "text": ctx.param("text", i, ""),
                            "html": ctx.param("html", i, "")}
    for name, key in (("ccEmail", "cc"), ("bccEmail", "bcc")):
        value = _text(ctx.param(name, i, ""))
        if value:
            form[key] = value
    names = _text(ctx.param("attachments", i, ""))
    if names and item.get("binary"):
        files = []
        for prop in (part.strip() for part in names.split(",")):
            data, meta = binary_bytes(item, prop, i)
            files.append(file_part("attachment", data, meta.get("fileName") or "unknown"))
        if files:
            form["attachment"] = files
    return form


def _send(ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    fields = credential(ctx, "mailgunApi") or {}
    api = Api(ctx, base_url(ctx, "mailgun", f"https://{fields.get('apiDomain') or 'api.mailgun.net'}"),
              "mailgunApi", fields=fields)
    form = _form(ctx, i, item)
    return api.call("POST", f"/v3/{fields.get('emailDomain') or ''}/messages", i, files=form_parts(form))


@register("n8n-nodes-base.mailgun", versions=(1,), display_name="Mailgun")
@register("n8n-nodes-base.mailgunTool", versions=(1,), display_name="Mailgun Tool")
def mailgun(ctx: NodeContext) -> NodeOutput:
    return [per_item(ctx, lambda i, item: _send(ctx, i, item))]
