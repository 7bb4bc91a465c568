"""Ghost (n8n-nodes-base.ghost v1): posts over the Admin API (v2) and the Content API (v3).

Base: the credential's ``url`` (or the configured ``ghost`` base URL) + ``/ghost/api/v2`` (Admin) or
``/ghost/api/v3`` (Content). ghostAdminApi signs a 5-minute HS256 JWT with the hex secret of
``apiKey`` (``id:secret``; ``kid`` = id, ``aud`` = ``/v2/admin/``) sent as ``Authorization: Ghost
<token>``; ghostContentApi adds ``key=<apiKey>`` to the query.

Supported: Admin API post create/delete/get (by id or slug)/getAll/update; Content API post
get/getAll. getAll pages with ``limit=50&page=N`` following ``meta.pagination.next`` when
``returnAll``; otherwise one request with ``limit``. As in n8n the query object is shared by every
item of a run (``source=html`` and options carry over), arrays go as ``key[0]=..`` (``qs``
indices), ``published_at`` is converted from the workflow timezone to UTC, and delete answers an
empty item. Ghost has no other resources in n8n; anything else fails as not supported.
"""

from __future__ import annotations

import json
import time
import warnings
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, _qs_value
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.zoom import moment_parse

DISPLAY = "Ghost"
PAGE_SIZE = 50


def admin_token(api_key: str, now: float | None = None) -> str:
    """The JWT n8n's ghostAdminApi credential signs (``jsonwebtoken.sign({}, secret, ...)``)."""
    import jwt

    key_id, _, secret = str(api_key or "").partition(":")
    try:
        secret_bytes = bytes.fromhex(secret)
    except ValueError:
        raise NodeError("The Ghost Admin API key must be '<id>:<hex secret>'") from None
    if not secret:
        raise NodeError("The Ghost Admin API key must be '<id>:<hex secret>'")
    iat = int(time.time() if now is None else now)
    with warnings.catch_warnings():  # jsonwebtoken signs short keys without complaint
        warnings.simplefilter("ignore")
        return jwt.encode({"iat": iat, "exp": iat + 300, "aud": "/v2/admin/"}, secret_bytes, algorithm="HS256",
                          headers={"kid": key_id})


def qs_pairs(qs: dict[str, Any]) -> list[tuple[str, str]]:
    """Query pairs as the ``qs`` library writes them (``arrayFormat: indices``, null -> ``key=``)."""
    out: list[tuple[str, str]] = []
    for key, value in qs.items():
        if isinstance(value, list):
            out.extend((f"{key}[{n}]", _qs_value(v)) for n, v in enumerate(value))
        else:
            out.append((key, "" if value is None else _qs_value(value)))
    return out


class Ghost:
    """Requests to one Ghost site with the node's Admin or Content API credential."""

    def __init__(self, ctx: NodeContext, source: str) -> None:
        self.ctx = ctx
        self.admin = source != "contentApi"
        kind = "ghostAdminApi" if self.admin else "ghostContentApi"
        self.fields = credential(ctx, kind) or {}
        site = base_url(ctx, "ghost", str(self.fields.get("url") or ""))
        self.api = Api(ctx, f"{site}/ghost/api/{'v2' if self.admin else 'v3'}", None, fields=self.fields)

    def call(self, method: str, path: str, i: int, *, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        query = dict(qs or {})
        headers: dict[str, str] = {}
        if self.admin:
            headers["Authorization"] = f"Ghost {admin_token(str(self.fields.get('apiKey') or ''))}"
        else:
            query["key"] = self.fields.get("apiKey")
        return self.api.call(method, path, i, body=body, qs=qs_pairs(query), headers=headers)

    def all_items(self, prop: str, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """``ghostApiRequestAllItems``: pages of 50 until ``meta.pagination.next`` is null."""
        qs["limit"] = PAGE_SIZE
        qs["page"] = 1
        rows: list[Any] = []
        while True:
            data = self.call("GET", path, i, qs=qs) or {}
            qs["page"] = ((data.get("meta") or {}).get("pagination") or {}).get("next")
            rows.extend(data.get(prop) or [])
            if qs["page"] is None:
                return rows


def _posts(data: Any) -> Any:
    return data.get("posts") if isinstance(data, dict) else None


def _utc(value: Any, zone: str) -> str:
    """``moment.tz(value, zone).utc().format()``."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    try:
        tz = ZoneInfo(zone or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    parsed = moment_parse(value, tz)
    return "Invalid date" if parsed is None else parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_json(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _finish_post(ctx: NodeContext, post: dict[str, Any], i: int) -> None:
    if post.get("published_at"):
        post["published_at"] = _utc(post["published_at"], ctx.timezone)
    if post.get("status") == "scheduled" and "published_at" not in post:
        raise NodeError("Published at must be define when status is scheduled", item_index=i)


def _create(ctx: NodeContext, ghost: Ghost, i: int, qs: dict[str, Any]) -> Any:
    post: dict[str, Any] = {"title": ctx.param("title", i, "")}
    fmt = ctx.param("contentFormat", i, "html")
    content = ctx.param("content", i, "")
    if fmt == "html":
        post["html"] = content
        qs["source"] = "html"
    else:
        if not _valid_json(content):
            raise NodeError("Content must be a valid JSON", item_index=i)
        post["lexical" if fmt == "lexical" else "mobiledoc"] = content
    post.pop("content", None)
    post.update(ctx.param("additionalFields", i, {}) or {})
    _finish_post(ctx, post, i)
    return _posts(ghost.call("POST", "/admin/posts", i, body={"posts": [post]}, qs=qs))


def _update(ctx: NodeContext, ghost: Ghost, i: int, qs: dict[str, Any]) -> Any:
    post_id = ctx.param("postId", i, "")
    fmt = ctx.param("contentFormat", i, "html")
    fields = dict(ctx.param("updateFields", i, {}) or {})
    post: dict[str, Any] = {}
    if fmt == "html":
        post["html"] = fields.pop("content", None) or ""
        qs["source"] = "html"
    else:
        text = fields.pop("contentJson", None)
        if not _valid_json(text or None):
            raise NodeError("Content must be a valid JSON", item_index=i)
        post["lexical" if fmt == "lexical" else "mobiledoc"] = text
    post.update(fields)
    current = ghost.call("GET", f"/admin/posts/{post_id}", i, qs={"fields": "id, updated_at"})
    _finish_post(ctx, post, i)
    posts = _posts(current) or [{}]
    post["updated_at"] = posts[0].get("updated_at") if isinstance(posts[0], dict) else None
    return _posts(ghost.call("PUT", f"/admin/posts/{post_id}", i, body={"posts": [post]}, qs=qs))


def _delete(ctx: NodeContext, ghost: Ghost, i: int, qs: dict[str, Any]) -> Any:
    data = ghost.call("DELETE", f"/admin/posts/{ctx.param('postId', i, '')}", i)
    # n8n wraps the empty answer twice ({json: {json: undefined}}): an empty item.
    return {} if data is None or data == "" else data


def _get(ctx: NodeContext, ghost: Ghost, i: int, qs: dict[str, Any]) -> Any:
    area = "admin" if ghost.admin else "content"
    identifier = str(ctx.param("identifier", i, ""))
    qs.update(ctx.param("options", i, {}) or {})
    path = f"/{area}/posts/slug/{identifier}" if ctx.param("by", i, "id") == "slug" else f"/{area}/posts/{identifier}"
    return _posts(ghost.call("GET", path, i, qs=qs))


def _get_all(ctx: NodeContext, ghost: Ghost, i: int, qs: dict[str, Any]) -> Any:
    path = "/admin/posts" if ghost.admin else "/content/posts"
    qs.update(ctx.param("options", i, {}) or {})
    if ctx.param("returnAll", 0, False):
        return ghost.all_items("posts", path, i, qs)
    qs["limit"] = ctx.param("limit", 0, 50)
    return _posts(ghost.call("GET", path, i, qs=qs))


_ADMIN = {"create": _create, "delete": _delete, "get": _get, "getAll": _get_all, "update": _update}
_CONTENT = {"get": _get, "getAll": _get_all}


@register("n8n-nodes-base.ghost", versions=(1,), display_name="Ghost")
@register("n8n-nodes-base.ghostTool", versions=(1,), display_name="Ghost Tool")
def ghost(ctx: NodeContext) -> NodeOutput:
    source = ctx.param("source", 0, "contentApi")
    resource = ctx.param("resource", 0, "post")
    operation = ctx.param("operation", 0, "get")
    table = _CONTENT if source == "contentApi" else _ADMIN if source == "adminApi" else {}
    handler = table.get(operation) if resource == "post" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = Ghost(ctx, source)
    qs: dict[str, Any] = {}
    return [per_item(ctx, lambda i, _item: handler(ctx, client, i, qs))]

