"""Pushover (n8n-nodes-base.pushover v1): message push over the Pushover API.

Base: configured ``pushover`` base URL, else https://api.pushover.net/1; pushoverApi (``apiKey``
appended to the form body as ``token``, as the credential's ``authenticate`` does). message/push
sends ``POST /messages.json`` as multipart/form-data (n8n's request helper turns the JSON body into
form fields because the node sets ``Content-Type: multipart/form-data``): ``user``, ``message``,
``priority`` (plus ``retry``/``expire`` for priority 2), the additional fields in their saved
order (``html`` as ``"1"``/``""``), an optional ``attachment`` file, then ``token``. The node outputs
the API's answer (``{status, request}``) paired with its item. There is no other operation.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Pushover"
#: One multipart part: (field name, (file name or None, content, content type or None)).
Part = tuple[str, tuple[str | None, Any, str | None]]


def form_value(value: Any) -> str:
    """A form-data field value as node's ``form-data`` writes it (numbers via ``'' + value``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def file_part(name: str, data: bytes, file_name: str | None) -> Part:
    """A file part: ``form-data`` names its type from the file name (else application/octet-stream)."""
    mime = (binary.mime_from_name(file_name) if file_name else None) or "application/octet-stream"
    return name, (file_name, data, mime)


def form_parts(fields: dict[str, Any]) -> list[Part]:
    """n8n's ``createFormDataObject``: arrays become repeated fields; files are already parts."""
    parts: list[Part] = []
    for key, value in fields.items():
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, tuple):
                parts.append(entry)
            else:
                parts.append((key, (None, form_value(entry), None)))
    return parts


def _push_body(ctx: NodeContext, i: int, item: dict[str, Any]) -> dict[str, Any]:
    additional = dict(ctx.param("additionalFields", i, {}) or {})
    if "html" in additional:
        additional["html"] = "1" if additional["html"] else ""
    priority = ctx.param("priority", i, -2)
    body: dict[str, Any] = {"user": ctx.param("userKey", i, ""), "message": ctx.param("message", i, ""),
                            "priority": priority}
    if priority == 2 and not isinstance(priority, bool):
        body["retry"] = ctx.param("retry", i, 30)
        body["expire"] = ctx.param("expire", i, 30)
    body.update(additional)
    attachments = body.pop("attachmentsUi", None)
    values = attachments.get("attachmentsValues") if isinstance(attachments, dict) else None
    if isinstance(values, dict):
        prop = str(values.get("binaryPropertyName") or "")
        data, meta = binary_bytes(item, prop, i)
        body["attachment"] = file_part("attachment", data, meta.get("fileName"))
    return body


def _push(ctx: NodeContext, api: Api, i: int, item: dict[str, Any]) -> Any:
    body = _push_body(ctx, i, item)
    body["token"] = str(api.fields.get("apiKey") or "")
    return api.call("POST", "/messages.json", i, files=form_parts(body))


@register("n8n-nodes-base.pushover", versions=(1,), display_name="Pushover")
@register("n8n-nodes-base.pushoverTool", versions=(1,), display_name="Pushover Tool")
def pushover(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "push")
    if (resource, operation) != ("message", "push"):
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, base_url(ctx, "pushover", "https://api.pushover.net/1"),
              fields=credential(ctx, "pushoverApi") or {})
    return [per_item(ctx, lambda i, item: _push(ctx, api, i, item))]
