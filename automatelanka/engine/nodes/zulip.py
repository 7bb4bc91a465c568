"""Zulip (n8n-nodes-base.zulip v1): messages, streams and users over the Zulip REST API.

Base: configured ``zulip`` base URL, else the credential's ``url`` + ``/api/v1``; credential zulipApi
(basic auth ``email``/``apiKey``); bodies are sent url-encoded (``form``), also on GET as n8n does.
Supported: message sendPrivate/sendStream/update/get/delete, stream getAll/getSubscribed/delete,
user get/getAll/create/update/deactivate. List answers are unwrapped (``streams``,
``subscriptions``, ``members``); continue-on-fail gives ``{error: message}`` items. Not supported
yet: message updateFile, stream create/update.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Zulip"
Handler = Callable[[NodeContext, Api, int], Any]


def _form(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _call(api: Api, method: str, path: str, i: int, body: dict[str, Any] | None = None) -> Any:
    """zulipApiRequest: a non-empty body goes as an url-encoded form."""
    if body:
        return api.call(method, path, i, data={k: _form(v) for k, v in body.items()})
    return api.call(method, path, i)


def _snake(value: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(value))
    return "_".join(w for w in re.split(r"[^A-Za-z0-9]+", text) if w).lower()


def _send_private(ctx: NodeContext, api: Api, i: int) -> Any:
    to = ",".join("" if v is None else str(v) for v in (ctx.param("to", i, []) or []))
    return _call(api, "POST", "/messages", i, {"type": "private", "to": to, "content": ctx.param("content", i)})


def _send_stream(ctx: NodeContext, api: Api, i: int) -> Any:
    body = {"type": "stream", "to": ctx.param("stream", i), "topic": ctx.param("topic", i),
            "content": ctx.param("content", i)}
    return _call(api, "POST", "/messages", i, body)


def _message_update(ctx: NodeContext, api: Api, i: int) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {}
    if fields.get("content"):
        body["content"] = fields["content"]
    if fields.get("propagateMode"):
        body["propagate_mode"] = _snake(fields["propagateMode"])
    if fields.get("topic"):
        body["topic"] = fields["topic"]
    return _call(api, "PATCH", f"/messages/{ctx.param('messageId', i)}", i, body)


def _flags(ctx: NodeContext, i: int, names: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    fields = ctx.param("additionalFields", i, {}) or {}
    return {key: fields[name] for name, key in names if fields.get(name)}


_STREAM_FLAGS = (("includePublic", "include_public"), ("includeSubscribed", "include_subscribed"),
                 ("includeAllActive", "include_all_active"), ("includeDefault", "include_default"),
                 ("includeOwnersubscribed", "include_owner_subscribed"))


def _user_flags(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    # clientGravatar: n8n sends ``additionalFields.client_gravatar``, never set, so nothing is sent
    if fields.get("includeCustomProfileFields"):
        body["include_custom_profile_fields"] = fields["includeCustomProfileFields"]
    return body


def _user_create(ctx: NodeContext, api: Api, i: int) -> Any:
    body = {"email": ctx.param("email", i), "password": ctx.param("password", i),
            "full_name": ctx.param("fullName", i), "short_name": ctx.param("shortName", i)}
    return _call(api, "POST", "/users", i, body)


def _user_update(ctx: NodeContext, api: Api, i: int) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    if fields.get("fullName"):
        body["full_name"] = json.dumps(fields["fullName"])
    for name, key in (("isAdmin", "is_admin"), ("isGuest", "is_guest"), ("role", "role")):
        if fields.get(name):
            body[key] = fields[name]
    if fields.get("profileData"):
        body["profile_data"] = fields["profileData"].get("properties")
    return _call(api, "PATCH", f"/users/{ctx.param('userId', i)}", i, body)


def _key(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


_OPERATIONS: dict[tuple[str, str], Handler] = {
    ("message", "sendPrivate"): _send_private,
    ("message", "sendStream"): _send_stream,
    ("message", "update"): _message_update,
    ("message", "get"): lambda ctx, api, i: _call(api, "GET", f"/messages/{ctx.param('messageId', i)}", i),
    ("message", "delete"): lambda ctx, api, i: _call(api, "DELETE", f"/messages/{ctx.param('messageId', i)}", i),
    ("stream", "getAll"): lambda ctx, api, i: _key(_call(api, "GET", "/streams", i, _flags(ctx, i, _STREAM_FLAGS)),
                                                   "streams"),
    ("stream", "getSubscribed"): lambda ctx, api, i: _key(
        _call(api, "GET", "/users/me/subscriptions", i,
              _flags(ctx, i, (("includeSubscribers", "include_subscribers"),))), "subscriptions"),
    ("stream", "delete"): lambda ctx, api, i: _call(api, "DELETE", f"/streams/{ctx.param('streamId', i)}", i),
    ("user", "get"): lambda ctx, api, i: _call(api, "GET", f"/users/{ctx.param('userId', i)}", i,
                                               _user_flags(ctx, i)),
    ("user", "getAll"): lambda ctx, api, i: _key(_call(api, "GET", "/users", i, _user_flags(ctx, i)), "members"),
    ("user", "create"): _user_create,
    ("user", "update"): _user_update,
    ("user", "deactivate"): lambda ctx, api, i: _call(api, "DELETE", f"/users/{ctx.param('userId', i)}", i),
}

_DEFAULT_OPERATION = {"message": "sendPrivate", "stream": "create", "user": "create"}


def _api(ctx: NodeContext) -> Api:
    fields = credential(ctx, "zulipApi") or {}
    configured = ctx.state.services.base_urls.get("zulip")
    base = configured or re.sub(r"/$", "", str(fields.get("url") or "")) + "/api/v1"
    return Api(ctx, base, None, fields=fields,
               auth={"basic": (str(fields.get("email") or ""), str(fields.get("apiKey") or ""))})


@register("n8n-nodes-base.zulip", versions=(1,), display_name="Zulip")
def zulip(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "sendPrivate"))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = _api(ctx)
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i))]
