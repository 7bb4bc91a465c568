"""Rocket.Chat (n8n-nodes-base.rocketchat v1): chat postMessage over the REST API v1.

Base: configured ``rocketchat`` base URL, else the rocketchatApi credential's ``domain`` (as it is,
n8n adds no slash handling), plus ``/api/v1/chat.postMessage``. Auth: ``X-Auth-Token: <authKey>``
and ``X-User-Id: <userId>``. The body is ``{channel, text}`` plus the alias/avatar/emoji options
and attachments, either from the attachments collection (n8n's key mapping; the ``messageLink``
option is dropped, as n8n looks for ``messageLinks``) or from ``attachmentsJson`` (invalid JSON
becomes ``[]``, as n8n's ``validateJSON``). The API answer is the output item. chat/postMessage is
the node's only operation; anything else fails as not supported.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "RocketChat"
#: attachment option -> API key (n8n's mapping; ``messageLinks`` never matches the ``messageLink`` option)
_ATTACHMENT_KEYS = {
    "color": "color", "text": "text", "ts": "ts", "messageLinks": "message_link", "thumbUrl": "thumb_url",
    "collapsed": "collapsed", "authorName": "author_name", "authorLink": "author_link",
    "authorIcon": "author_icon", "title": "title", "titleLink": "title_link",
    "titleLinkDownload": "title_link_download", "imageUrl": "image_url", "audioUrl": "audio_url",
    "videoUrl": "video_url",
}


def _fields(value: Any, i: int) -> list[dict[str, Any]] | None:
    """The ``fields`` of an attachment (``None``: n8n sets none)."""
    rows = value.get("fieldsValues") if isinstance(value, dict) else None
    if rows is None:
        raise NodeError("Cannot read properties of undefined (reading 'length')", item_index=i)
    if not isinstance(rows, list) or not rows:
        return None
    return [{key: row[key] for key in row if key in ("short", "title", "value")} for row in rows]


def _attachments(rows: list[Any], i: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in rows:
        attachment: dict[str, Any] = {}
        for option, value in (row or {}).items():
            if option in _ATTACHMENT_KEYS:
                attachment[_ATTACHMENT_KEYS[option]] = value
            elif option == "fields":
                fields = _fields(value, i)
                if fields is not None:
                    attachment["fields"] = fields
        out.append(attachment)
    return out


def _validate_json(value: Any) -> Any:
    """n8n's ``validateJSON``: the parsed value, or ``[]`` when it is not valid JSON."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return []
    return []


def _post_message(ctx: NodeContext, api: Api, i: int) -> Any:
    p = ctx.param
    options = p("options", i, {}) or {}
    body: dict[str, Any] = {"channel": p("channel", i, ""), "text": p("text", i, "")}
    for key in ("alias", "avatar", "emoji"):
        if options.get(key):
            body[key] = options[key]
    if not p("jsonParameters", i, False):
        rows = p("attachments", i, [])
        if isinstance(rows, list) and rows:
            body["attachments"] = _attachments(rows, i)
    else:
        body["attachments"] = _validate_json(p("attachmentsJson", i, ""))
    return api.call("POST", "/chat.postMessage", i, body=body)


@register("n8n-nodes-base.rocketchat", versions=(1,), display_name="RocketChat")
@register("n8n-nodes-base.rocketchatTool", versions=(1,), display_name="RocketChat Tool")
def rocketchat(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "chat")
    operation = ctx.param("operation", 0, "postMessage")
    if (resource, operation) != ("chat", "postMessage"):
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "rocketchatApi") or {}
    configured = ctx.state.services.base_urls.get("rocketchat")
    base = configured.rstrip("/") if configured else str(fields.get("domain") or "")
    api = Api(ctx, f"{base}/api/v1", "rocketchatApi", fields=fields,
              auth={"headers": {"X-Auth-Token": str(fields.get("authKey") or ""),
                                "X-User-Id": str(fields.get("userId") or "")}})
    return [per_item(ctx, lambda i, _item: _post_message(ctx, api, i))]
