"""SIGNL4 (n8n-nodes-base.signl4 v1): send and resolve alerts through the team's inbound webhook.

Base: configured ``signl4`` base URL, else https://connect.signl4.com/webhook; the request goes to
``<base>/<teamSecret>`` (signl4Api credential) with ``Accept: */*`` as multipart/form-data, as n8n's
``SIGNL4ApiRequest`` sends ``formData``:

- alert send: ``message``, then ``title``, ``service``, ``X-S4-Location`` (``lat,lon``),
  ``X-S4-AlertingScenario``, ``X-S4-Filtering``, ``X-S4-ExternalID`` when set, ``X-S4-Status: new``,
  ``X-S4-SourceSystem: n8n`` and an optional binary ``attachment`` (png, jpg, jpeg, bmp, gif, mp3, wav);
- alert resolve: ``X-S4-ExternalID``, ``X-S4-Status: resolved``, ``X-S4-SourceSystem: n8n``.

The output is the webhook's answer (e.g. ``{eventId}``), one item per answer, without pairedItem
(n8n collects the answers and calls ``returnJsonArray`` once); a continue-on-fail error item is
``{error: message}``. These are all the node's operations; anything else fails with "not supported yet".
"""

from __future__ import annotations

import secrets
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import MISSING, js_string
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes._svc import binary_bytes, json_array, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "SIGNL4"
_EXTENSIONS = ("png", "jpg", "jpeg", "bmp", "gif", "mp3", "wav")

Files = dict[str, tuple[Any, bytes, Any]]


def _send_form(ctx: NodeContext, i: int, item: dict[str, Any]) -> tuple[dict[str, str], Files]:
    fields = ctx.param("additionalFields", i, {}) or {}
    data: dict[str, str] = {"message": js_string(ctx.param("message", i, ""))}
    for name in ("title", "service"):
        if fields.get(name):
            data[name] = js_string(fields[name])
    location = (fields.get("locationFieldsUi") or {}).get("locationFieldsValues") \
        if fields.get("locationFieldsUi") else None
    if location:
        data["X-S4-Location"] = f"{js_string(location.get('latitude', MISSING))}," \
                                f"{js_string(location.get('longitude', MISSING))}"
    if fields.get("alertingScenario"):
        data["X-S4-AlertingScenario"] = js_string(fields["alertingScenario"])
    if fields.get("filtering"):
        data["X-S4-Filtering"] = js_string(fields["filtering"])
    if fields.get("externalId"):
        data["X-S4-ExternalID"] = js_string(fields["externalId"])
    data["X-S4-Status"] = "new"
    data["X-S4-SourceSystem"] = "n8n"
    files: Files = {}
    attachments = fields.get("attachmentsUi") or {}
    if attachments.get("attachmentsBinary"):
        prop = (attachments["attachmentsBinary"] or {}).get("property")
        content, entry = binary_bytes(item, str(prop), i)
        if entry.get("fileExtension") not in _EXTENSIONS:
            raise NodeError(f"Invalid extension, just {','.join(_EXTENSIONS)} are supported}}", item_index=i)
        files["attachment"] = (entry.get("fileName"), content, entry.get("mimeType"))
    return data, files


def _resolve_form(ctx: NodeContext, i: int) -> dict[str, str]:
    return {"X-S4-ExternalID": js_string(ctx.param("externalId", i, "")), "X-S4-Status": "resolved",
            "X-S4-SourceSystem": "n8n"}


def _multipart(data: dict[str, str], files: Files) -> tuple[bytes, str]:
    """A multipart/form-data body as form-data (n8n's ``formData``) builds it, fields then files."""
    boundary = f"--------------------------{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + value.encode() + b"\r\n")
    for name, (file_name, content, mime) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        if file_name:
            head += f'; filename="{file_name}"'
        head += f"\r\nContent-Type: {mime or 'application/octet-stream'}\r\n\r\n"
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _post(ctx: NodeContext, i: int, data: dict[str, str], files: Files) -> Any:
    """``SIGNL4ApiRequest('POST', '', {}, {formData})``: multipart to the team's webhook URL."""
    secret = js_string((credential(ctx, "signl4Api") or {}).get("teamSecret", MISSING))
    url = f"{base_url(ctx, 'signl4', 'https://connect.signl4.com/webhook')}/{secret}"
    body, content_type = _multipart(data, files)
    response = request(ctx, "POST", url, item_index=i, content=body,
                       headers={"Accept": "*/*", "Content-Type": content_type})
    return decode(response)


@register("n8n-nodes-base.signl4", versions=(1,), display_name="SIGNL4")
@register("n8n-nodes-base.signl4Tool", versions=(1,), display_name="SIGNL4 Tool")
def signl4(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "alert")
    operation = ctx.param("operation", 0, "send")
    if resource != "alert" or operation not in ("send", "resolve"):
        raise unsupported(DISPLAY, resource, operation)

    def run(i: int, item: dict[str, Any]) -> Any:
        if operation == "send":
            data, files = _send_form(ctx, i, item)
        else:
            data, files = _resolve_form(ctx, i), {}
        answer = _post(ctx, i, data, files)
        if answer is None:
            return None
        return json_array(answer)

    return [per_item(ctx, run, ready=True, pair_errors=False)]
