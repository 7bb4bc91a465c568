"""WhatsApp Business Cloud (n8n-nodes-base.whatsApp v1, 1.1) over the Graph API.

Base: configured ``whatsApp`` base URL, else https://graph.facebook.com/v13.0; bearer
``accessToken`` (whatsAppApi). Implemented: message send (text; image/audio/video/document by link
or WhatsApp media id, with caption/filename), message sendTemplate (name|language, components),
media mediaUrlGet and mediaDelete. Uploading n8n binary media, location/contacts messages and
send-and-wait raise "not supported yet". Each item's output is the API's answer, as n8n's
declarative node returns it.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "WhatsApp Business Cloud"
_MEDIA = ("image", "audio", "video", "document")


def sanitize_phone(number: Any) -> str:
    return re.sub(r"[\-()+]", "", str(number or ""))


def _components(raw: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if not raw or not raw.get("component"):
        return None
    out = []
    for component in raw["component"]:
        comp: dict[str, Any] = {"type": component.get("type")}
        if component.get("type") == "body":
            params = []
            for p in ((component.get("bodyParameters") or {}).get("parameter") or []):
                if p.get("type") == "text":
                    params.append(p)
                elif p.get("type") == "currency":
                    params.append({"type": "currency", "currency": {
                        "code": p.get("code"), "fallback_value": p.get("fallback_value"),
                        "amount_1000": (p.get("amount_1000") or 0) * 1000}})
                elif p.get("type") == "date_time":
                    params.append({"type": "date_time", "date_time": {"fallback_value": p.get("date_time")}})
                else:
                    params.append(None)
            comp["parameters"] = params
        elif component.get("type") == "button":
            if component.get("index") is not None:
                comp["index"] = str(component["index"])
            comp["sub_type"] = component.get("sub_type")
            comp["parameters"] = [(component.get("buttonParameters") or {}).get("parameter")]
        elif component.get("type") == "header":
            comp["parameters"] = [{"type": "image", "image": {"link": p.get("imageLink")}} if p.get("type") == "image"
                                  else p for p in ((component.get("headerParameters") or {}).get("parameter") or [])]
        out.append(comp)
    return out


def _send_error(exc: NodeError, message_type: str) -> NodeError:
    """n8n's sendErrorPostReceive messages for 500 and 400 answers."""
    if exc.http_code == "500":
        return NodeApiError("Sending failed", http_code="500",
                            description="If you’re sending to a new test number, try sending a message to it "
                                        "from within the Meta developer portal first.")
    if exc.http_code == "400" and exc.description:
        text = re.sub(r"^\(#\d+\) ", "", exc.description)
        if text.endswith("is not a valid whatsapp business account media attachment ID"):
            return NodeApiError(f"Invalid {message_type} ID", description=text, http_code="400")
        if text.endswith("is not a valid URI."):
            return NodeApiError(f"Invalid {message_type} URL", description=text, http_code="400")
    return exc


def _message(ctx: NodeContext, api: Api, operation: str, i: int) -> Any:
    p = ctx.param
    body: dict[str, Any] = {"messaging_product": p("messagingProduct", i, "whatsapp"),
                            "to": sanitize_phone(p("recipientPhoneNumber", i, ""))}
    message_type = "template" if operation == "sendTemplate" else p("messageType", i, "text")
    body["type"] = message_type
    if operation == "sendTemplate":
        name, _, language = str(p("template", i, "")).partition("|")
        body["template"] = {"name": name, "language": {"code": language}}
        components = _components(p("components", i, {}))
        if components is not None:
            body["template"]["components"] = components
    elif message_type == "text":
        body["text"] = {"body": p("textBody", i, "")}
        extra = p("additionalFields", i, {}) or {}
        if "previewUrl" in extra:
            body["text"]["preview_url"] = extra["previewUrl"]
    elif message_type in _MEDIA:
        path = p("mediaPath", i, "useMediaLink")
        if path == "useMedian8n":
            raise unsupported(DISPLAY, "message", "send with n8n binary media")
        media: dict[str, Any] = ({"link": p("mediaLink", i, "")} if path == "useMediaLink"
                                 else {"id": p("mediaId", i, "")})
        extra = p("additionalFields", i, {}) or {}
        if message_type == "document" and extra.get("mediaFilename"):
            media["filename"] = extra["mediaFilename"]
        if message_type != "audio" and extra.get("mediaCaption"):
            media["caption"] = extra["mediaCaption"]
        body[message_type] = media
    else:
        raise unsupported(DISPLAY, "message", f"send {message_type}")
    try:
        return api.call("POST", f"{p('phoneNumberId', i)}/messages", i, body=body)
    except NodeError as exc:
        raise _send_error(exc, message_type) from None


@register("n8n-nodes-base.whatsApp", versions=(1, 1.1), display_name="WhatsApp Business Cloud")
@register("n8n-nodes-base.whatsAppTool", versions=(1, 1.1), display_name="WhatsApp Business Cloud Tool")
def whatsapp(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "sendTemplate" if resource == "message" else "mediaUpload")
    supported = {("message", "send"), ("message", "sendTemplate"), ("media", "mediaUrlGet"),
                 ("media", "mediaDelete")}
    if (resource, operation) not in supported:
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "whatsAppApi") or {}
    api = Api(ctx, base_url(ctx, "whatsApp", "https://graph.facebook.com/v13.0"), fields=fields,
              auth={"bearer": str(fields.get("accessToken") or "")})

    def run(i: int, _item: dict[str, Any]) -> Any:
        if resource == "message":
            return _message(ctx, api, operation, i)
        media_id = ctx.param("mediaGetId" if operation == "mediaUrlGet" else "mediaDeleteId", i, "")
        return api.call("GET" if operation == "mediaUrlGet" else "DELETE", f"/{media_id}", i)

    return [per_item(ctx, run)]
