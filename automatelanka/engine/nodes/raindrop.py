"""Raindrop (n8n-nodes-base.raindrop v1, and its Tool variant): bookmarks over the REST API v1.

Base: configured ``raindrop`` base URL, else https://api.raindrop.io/rest/v1; raindropOAuth2Api
(bearer, one refresh on 401), ``user-agent: n8n``. Supported: bookmark create/get/getAll/update/
delete, collection create/get/getAll (parent or children)/update/delete, user get (self or by id),
tag getAll/delete. The API's ``item``/``items``/``user`` is unwrapped as in n8n; getAll cuts to
``limit`` (one request, no paging). Output items are not paired (n8n returns
``returnJsonArray(all results)``); an error item under continue-on-fail is ``{json: {error}}``.
Not supported: collection update with a ``cover`` (multipart upload of a binary), other operations.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Raindrop"
_HEADERS = {"user-agent": "n8n", "Content-Type": "application/json"}


def _tags(value: Any) -> list[str]:
    return [tag.strip() for tag in str(value).split(",")]


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _limit(ctx: NodeContext, i: int, rows: Any, *, return_all_index: int | None = None) -> Any:
    """``rows.slice(0, limit)`` unless returnAll (n8n reads limit of item 0)."""
    index = i if return_all_index is None else return_all_index
    if ctx.param("returnAll", index, False):
        return rows
    return (rows or [])[: int(ctx.param("limit", 0, 5))]


def _bookmark_create(ctx: NodeContext, api: Api, i: int) -> Any:
    body: dict[str, Any] = {"link": ctx.param("link", i, ""), "collection": {"$id": ctx.param("collectionId", i, "")}}
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    body.update(fields)
    if fields.get("pleaseParse") is True:
        body["pleaseParse"] = {}
    if fields.get("tags"):
        body["tags"] = _tags(fields["tags"])
    return _get(api.call("POST", "/raindrop", i, body=body), "item")


def _bookmark_update(ctx: NodeContext, api: Api, i: int) -> Any:
    bookmark_id = ctx.param("bookmarkId", i, "")
    fields = dict(ctx.param("updateFields", i, {}) or {})
    if not fields:
        raise NodeError("Please enter at least one field to update for the bookmark.", item_index=i)
    body: dict[str, Any] = dict(fields)
    if fields.get("collectionId"):
        body["collection"] = {"$id": fields["collectionId"]}
    if fields.get("pleaseParse") is True:
        body["pleaseParse"] = {}
    if fields.get("tags"):
        body["tags"] = _tags(fields["tags"])
    return _get(api.call("PUT", f"/raindrop/{bookmark_id}", i, body=body), "item")


def _collection_create(ctx: NodeContext, api: Api, i: int) -> Any:
    body: dict[str, Any] = {"title": ctx.param("title", i, "")}
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    body.update(fields)
    if fields.get("cover"):
        body["cover"] = [body["cover"]]
    if fields.get("parentId"):
        body["parent.$id"] = js_parse_int(fields["parentId"])
    return _get(api.call("POST", "/collection", i, body=body), "item")


def _collection_update(ctx: NodeContext, api: Api, i: int) -> Any:
    collection_id = ctx.param("collectionId", i, "")
    fields = dict(ctx.param("updateFields", i, {}) or {})
    if not fields:
        raise NodeError("Please enter at least one field to update for the collection.", item_index=i)
    if fields.get("cover"):
        raise unsupported(DISPLAY, "collection", "update with a cover upload")
    body: dict[str, Any] = {}
    if fields.get("parentId"):
        body["parent.$id"] = js_parse_int(fields.pop("parentId"))
    body.update({k: v for k, v in fields.items() if k != "binaryPropertyName"})
    return _get(api.call("PUT", f"/collection/{collection_id}", i, body=body), "item")


def _collection_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    path = "/collections" if ctx.param("type", i, "parent") == "parent" else "/collections/childrens"
    return _limit(ctx, i, _get(api.call("GET", path, i), "items"), return_all_index=0)


def _user_get(ctx: NodeContext, api: Api, i: int) -> Any:
    path = "/user" if ctx.param("self", i, True) is not False else f"/user/{ctx.param('userId', i, '')}"
    return _get(api.call("GET", path, i), "user")


def _tag_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    body = {"tags": str(ctx.param("tags", i, "")).split(",")}
    fields = ctx.param("additionalFields", i, {}) or {}
    path = f"/tags/{fields['collectionId']}" if fields.get("collectionId") else "/tags"
    return api.call("DELETE", path, i, body=body)


def _tag_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    path = f"/tags/{filters['collectionId']}" if filters.get("collectionId") else "/tags"
    return _limit(ctx, i, _get(api.call("GET", path, i), "items"))


_OPERATIONS = {
    ("bookmark", "create"): _bookmark_create, ("bookmark", "update"): _bookmark_update,
    ("bookmark", "get"): lambda ctx, api, i: _get(api.call("GET", f"/raindrop/{ctx.param('bookmarkId', i, '')}", i),
                                                  "item"),
    ("bookmark", "delete"): lambda ctx, api, i: api.call("DELETE", f"/raindrop/{ctx.param('bookmarkId', i, '')}", i),
    ("bookmark", "getAll"): lambda ctx, api, i: _limit(
        ctx, i, _get(api.call("GET", f"/raindrops/{ctx.param('collectionId', i, '')}", i), "items")),
    ("collection", "create"): _collection_create, ("collection", "update"): _collection_update,
    ("collection", "get"): lambda ctx, api, i: _get(
        api.call("GET", f"/collection/{ctx.param('collectionId', i, '')}", i), "item"),
    ("collection", "delete"): lambda ctx, api, i: api.call(
        "DELETE", f"/collection/{ctx.param('collectionId', i, '')}", i),
    ("collection", "getAll"): _collection_get_all,
    ("user", "get"): _user_get,
    ("tag", "delete"): _tag_delete, ("tag", "getAll"): _tag_get_all,
}


@register("n8n-nodes-base.raindrop", versions=(1,), display_name="Raindrop")
@register("n8n-nodes-base.raindropTool", versions=(1,), display_name="Raindrop Tool")
def raindrop(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "collection")
    operation = ctx.param("operation", 0, "get")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, base_url(ctx, "raindrop", "https://api.raindrop.io/rest/v1"), "raindropOAuth2Api",
              headers=_HEADERS)
    results: list[Any] = []
    for i in range(len(ctx.input(0))):
        try:
            data = handler(ctx, api, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                results.append({"error": exc.message})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        if isinstance(data, list):
            results.extend(data)
        else:
            results.append(data)
    return [json_array(results)]
