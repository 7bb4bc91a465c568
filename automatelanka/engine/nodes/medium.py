"""Medium (n8n-nodes-base.medium v1, also as mediumTool): posts and publications over API v1.

Base: configured ``medium`` base URL, else https://api.medium.com/v1; mediumApi (``Authorization:
Bearer <accessToken>``, ``authentication: accessToken``, the default) or mediumOAuth2Api. Every request
sends n8n's ``Accept: application/json`` and ``Accept-Charset: utf-8`` headers.

- post/create: ``{tags, title, contentFormat, content}`` plus the truthy additional fields
  (canonicalUrl, publishStatus, license, notifyFollowers); ``tags`` is split on commas and trimmed, with
  n8n's errors for a tag over 25 characters or more than 5 tags. Under a publication it posts to
  ``/publications/{publicationId}/posts`` and outputs the whole answer (``{data: {...}}``, as n8n does);
  otherwise it reads ``GET /me`` and posts to ``/users/{id}/posts``, outputting ``data``.
- publication/getAll: ``GET /me`` then ``GET /users/{id}/publications``; ``data`` as one item per
  publication, cut to ``limit`` (default 100) unless ``returnAll``.

Results of all items go out through ``returnJsonArray`` (pairedItem left to the engine); under
continue-on-fail a failing item becomes ``{error: message}``. Other resource/operation pairs fail with
"not supported yet".
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Medium"
_HEADERS = {"Accept": "application/json", "Accept-Charset": "utf-8"}


def _tags(text: str, i: int) -> list[str]:
    """n8n's tag parsing: comma separated, trimmed, at most 5 of at most 25 characters."""
    tags: list[str] = []
    for name in text.split(","):
        tag = name.strip()
        if len(tag) > 25:
            raise NodeError(f'The tag "{tag}" is to long. Maximum lenght of a tag is 25 characters.',
                            item_index=i)
        tags.append(tag)
    if len(tags) > 5:
        raise NodeError("To many tags got used. Maximum 5 can be set.", item_index=i)
    return tags


def _user_id(api: Api, i: int) -> Any:
    me = api.call("GET", "/me", i)
    data = me.get("data") if isinstance(me, dict) else None
    if not isinstance(data, dict):
        raise NodeError("Cannot read properties of undefined (reading 'id')", item_index=i)
    return data.get("id")


def _create_post(ctx: NodeContext, api: Api, i: int) -> Any:
    body: dict[str, Any] = {"tags": [], "title": ctx.param("title", i, ""),
                            "contentFormat": ctx.param("contentFormat", i, ""),
                            "content": ctx.param("content", i, "")}
    fields = ctx.param("additionalFields", i, {}) or {}
    if fields.get("tags"):
        body["tags"] = _tags(str(fields["tags"]), i)
    for name in ("canonicalUrl", "publishStatus", "license", "notifyFollowers"):
        if fields.get(name):
            body[name] = fields[name]
    if ctx.param("publication", i, False):
        return api.call("POST", f"/publications/{ctx.param('publicationId', i, '')}/posts", i, body=body)
    author = _user_id(api, i)
    answer = api.call("POST", f"/users/{author}/posts", i, body=body)
    return answer.get("data") if isinstance(answer, dict) else None


def _get_publications(ctx: NodeContext, api: Api, i: int) -> Any:
    user = _user_id(api, i)
    answer = api.call("GET", f"/users/{user}/publications", i)
    rows = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(rows, list):
        raise NodeError("Cannot read properties of undefined (reading 'splice')", item_index=i)
    if not ctx.param("returnAll", i, False):
        rows = rows[: int(ctx.param("limit", i, 100) or 0)]
    return rows


_OPERATIONS = {("post", "create"): _create_post, ("publication", "getAll"): _get_publications}


@register("n8n-nodes-base.medium", versions=(1,), display_name="Medium")
@register("n8n-nodes-base.mediumTool", versions=(1,), display_name="Medium Tool")
def medium(ctx: NodeContext) -> NodeOutput:
    auth = ctx.param("authentication", 0, "accessToken")
    base = base_url(ctx, "medium", "https://api.medium.com/v1")
    if auth == "accessToken":
        fields = credential(ctx, "mediumApi") or {}
        api = Api(ctx, base, fields=fields, auth={"bearer": str(fields.get("accessToken") or "")},
                  headers=dict(_HEADERS))
    else:
        api = Api(ctx, base, "mediumOAuth2Api", headers=dict(_HEADERS))
    results: list[Any] = []
    for i in range(len(ctx.input(0))):
        resource = ctx.param("resource", i, "post")
        operation = ctx.param("operation", i, "create" if resource == "post" else "publication")
        handler = _OPERATIONS.get((resource, operation))
        if handler is None:
            raise unsupported(DISPLAY, resource, operation)
        try:
            data = handler(ctx, api, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                results.append({"error": exc.message})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        results.extend(data if isinstance(data, list) else [data])
    return [json_array(results)]
