"""Hacker News (n8n-nodes-base.hackerNews v1) over the Algolia HN API.

Base URL: configured ``hackerNews`` base URL, else http://hn.algolia.com/api/v1. ``all:getAll``
searches (one item per hit); ``article:get`` drops ``children`` unless ``includeComments``;
``user:get`` returns the user. With ``returnAll`` n8n requests the same first page (100 hits)
until the count of collected hits (summed as n8n sums it) reaches ``nbHits``: reproduced here.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import base_url, request
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register


def _get(ctx: NodeContext, endpoint: str, qs: dict[str, Any], i: int) -> Any:
    base = base_url(ctx, "hackerNews", "http://hn.algolia.com/api/v1")
    params = {k: v for k, v in qs.items() if v is not None}
    return request(ctx, "GET", f"{base}/{endpoint}", params=params or None, item_index=i).json()


def _all_items(ctx: NodeContext, endpoint: str, qs: dict[str, Any], i: int) -> list[Any]:
    qs = {**qs, "hitsPerPage": 100}
    out: list[Any] = []
    received = 0
    while True:
        data = _get(ctx, endpoint, qs, i)
        hits = data.get("hits") or []
        out.extend(hits)
        received += len(out)
        if not hits or not data.get("nbHits", 0) > received:
            return out


@register("n8n-nodes-base.hackerNews", versions=(1,), display_name="Hacker News")
def hacker_news(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "article")
    operation = ctx.param("operation", 0, "get" if resource != "all" else "getAll")

    def one(i: int, _item: Item) -> Any:
        fields = ctx.param("additionalFields", i, {}) or {}
        if resource == "all":
            if operation != "getAll":
                raise NodeError(f"The operation '{operation}' is unknown!", item_index=i)
            qs: dict[str, Any] = {"query": fields.get("keyword"), "tags": ",".join(fields.get("tags") or [])}
            if ctx.param("returnAll", i, False):
                return _all_items(ctx, "search", qs, i)
            qs["hitsPerPage"] = ctx.param("limit", i, 100)
            return _get(ctx, "search", qs, i).get("hits")
        if operation != "get":
            raise NodeError(f"The operation '{operation}' is unknown!", item_index=i)
        if resource == "article":
            data = _get(ctx, f"items/{ctx.param('articleId', i, '')}", {}, i)
            if not fields.get("includeComments") and isinstance(data, dict):
                data.pop("children", None)
            return data
        if resource == "user":
            return _get(ctx, f"users/{ctx.param('username', i, '')}", {}, i)
        raise NodeError(f"The resource '{resource}' is unknown!", item_index=i)

    return [per_item(ctx, one)]
