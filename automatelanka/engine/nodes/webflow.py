"""Webflow (n8n-nodes-base.webflow v1, v2): CMS collection items.

Base: configured ``webflow`` base URL, else https://api.webflow.com.

- v1 (Data API v1, header ``accept-version: 1.0.0``): ``authentication`` ``accessToken`` (default;
  webflowApi, ``Authorization: Bearer <accessToken>``) or anything else (webflowOAuth2Api). Item
  create (``POST /collections/{id}/items?live=``, body ``{fields}``), update (``PUT .../items/{itemId}
  ?live=``), delete (the API's answer), get (the answer's ``items``, one item each) and getAll
  (``limit`` or all pages: ``limit=100&offset=`` until ``total`` items are read). Errors under
  continue-on-fail: ``{error}`` without ``pairedItem``.
- v2 (Data API v2 under ``/v2``, webflowOAuth2Api only): item create (``POST
  /collections/{id}/items`` or ``.../items/live``, body ``{fieldData}``), update (``PATCH
  .../items/{itemId}`` or ``.../live``), delete (``{success: statusCode == 204}``), get (the body),
  getAll (``items`` of one page with ``limit``, or all pages by ``pagination.total``). Errors under
  continue-on-fail: ``{message, error}`` without ``pairedItem``.

Other resources do not exist in the node; an unknown operation fails with "not supported yet".
The Webflow Trigger is a separate node type (not handled here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Webflow"
PAGE = 100


def _fields(ctx: NodeContext, i: int) -> dict[str, Any]:
    """``fieldsUi.fieldValues`` as ``{fieldId: fieldValue}`` (later ids win, as in n8n)."""
    rows = ctx.param("fieldsUi.fieldValues", i, []) or []
    return {str(row.get("fieldId")): row.get("fieldValue") for row in rows if isinstance(row, dict)}


def _all_items(api: Api, path: str, i: int, *, v2: bool) -> list[Any]:
    """``webflowApiRequestAllItems``: ``limit=100&offset=`` pages until ``total`` items are read."""
    rows: list[Any] = []
    qs = {"limit": PAGE, "offset": 0}
    while True:
        response = api.response("GET", path, i, qs=dict(qs))
        data = response.json() if response.content else {}
        page = (data or {}).get("items") or []
        rows.extend(page)
        pagination = (data or {}).get("pagination") if v2 else data
        pagination = pagination if isinstance(pagination, dict) else {}
        if (data or {}).get("offset") is not None or pagination.get("offset") is not None:
            qs["offset"] += PAGE
        total = pagination.get("total")
        if not isinstance(total, int | float) or len(rows) >= total:
            return rows
        if not page or pagination.get("offset") is None:
            # n8n would request the same page again forever
            raise NodeError(f"{DISPLAY}: the API reported {total} items but stopped answering more "
                            f"(read {len(rows)})", item_index=i)


# -- v1 ----------------------------------------------------------------------------------------------------


def _v1_api(ctx: NodeContext) -> Api:
    base = base_url(ctx, "webflow", "https://api.webflow.com")
    headers = {"accept-version": "1.0.0"}
    if ctx.param("authentication", 0, "accessToken") == "accessToken":
        fields = credential(ctx, "webflowApi") or {}
        return Api(ctx, base, auth={"bearer": fields.get("accessToken", "")}, headers=headers)
    return Api(ctx, base, "webflowOAuth2Api", headers=headers)


def _v1_create(ctx: NodeContext, api: Api, i: int) -> Any:
    collection = ctx.param("collectionId", i)
    return api.call("POST", f"/collections/{collection}/items", i, body={"fields": _fields(ctx, i)},
                    qs={"live": ctx.param("live", i, False)})


def _v1_update(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    return api.call("PUT", f"/collections/{collection}/items/{item_id}", i, body={"fields": _fields(ctx, i)},
                    qs={"live": ctx.param("live", i, False)})


def _v1_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    return api.call("DELETE", f"/collections/{collection}/items/{item_id}", i)


def _v1_get(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    data = api.call("GET", f"/collections/{collection}/items/{item_id}", i)
    return data.get("items") if isinstance(data, dict) else None


def _v1_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    path = f"/collections/{ctx.param('collectionId', i)}/items"
    if ctx.param("returnAll", 0, False):
        return _all_items(api, path, i, v2=False)
    data = api.call("GET", path, i, qs={"limit": ctx.param("limit", 0, 100)})
    return data.get("items") if isinstance(data, dict) else None


V1_OPERATIONS: dict[str, Callable[[NodeContext, Api, int], Any]] = {
    "create": _v1_create, "update": _v1_update, "delete": _v1_delete, "get": _v1_get, "getAll": _v1_get_all,
}


# -- v2 ----------------------------------------------------------------------------------------------------


def _v2_create(ctx: NodeContext, api: Api, i: int) -> Any:
    collection = ctx.param("collectionId", i)
    live = "/live" if ctx.param("live", i, False) else ""
    return api.call("POST", f"/collections/{collection}/items{live}", i, body={"fieldData": _fields(ctx, i)})


def _v2_update(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    live = "/live" if ctx.param("live", i, False) else ""
    return api.call("PATCH", f"/collections/{collection}/items/{item_id}{live}", i,
                    body={"fieldData": _fields(ctx, i)})


def _v2_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    response = api.response("DELETE", f"/collections/{collection}/items/{item_id}", i)
    return {"success": response.status_code == 204}


def _v2_get(ctx: NodeContext, api: Api, i: int) -> Any:
    collection, item_id = ctx.param("collectionId", i), ctx.param("itemId", i)
    return api.call("GET", f"/collections/{collection}/items/{item_id}", i)


def _v2_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    path = f"/collections/{ctx.param('collectionId', i)}/items"
    if ctx.param("returnAll", i, False):
        return _all_items(api, path, i, v2=True)
    data = api.call("GET", path, i, qs={"limit": ctx.param("limit", i, 100)})
    return data.get("items") if isinstance(data, dict) else None


V2_OPERATIONS: dict[str, Callable[[NodeContext, Api, int], Any]] = {
    "create": _v2_create, "update": _v2_update, "delete": _v2_delete, "get": _v2_get, "getAll": _v2_get_all,
}


def _error_json(exc: NodeError) -> dict[str, Any]:
    """The serialised error object v2 puts next to ``message``."""
    detail: dict[str, Any] = {"message": exc.message, "name": exc.name}
    if exc.description is not None:
        detail["description"] = exc.description
    if exc.http_code is not None:
        detail["httpCode"] = exc.http_code
    return detail


def _run(ctx: NodeContext, api: Api, handler: Callable[[NodeContext, Api, int], Any],
         error_json: Callable[[NodeError], dict[str, Any]]) -> list[dict[str, Any]]:
    """One operation per item; under continue-on-fail an error item without ``pairedItem``."""
    out: list[dict[str, Any]] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            rows = json_array(handler(ctx, api, i))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            out.append({"json": error_json(exc)})
            continue
        out.extend({**row, "pairedItem": {"item": i}} for row in rows)
    return out


@register("n8n-nodes-base.webflow", versions=(1, 2), display_name="Webflow")
def webflow(ctx: NodeContext) -> NodeOutput:
    version = float(ctx.node.type_version or 2)
    resource = ctx.param("resource", 0, "item")
    operation = ctx.param("operation", 0, "get")
    table = V2_OPERATIONS if version >= 2 else V1_OPERATIONS
    handler = table.get(operation) if resource == "item" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    if version < 2:
        return [_run(ctx, _v1_api(ctx), handler, lambda exc: {"error": exc.message})]
    api = Api(ctx, base_url(ctx, "webflow", "https://api.webflow.com") + "/v2", "webflowOAuth2Api")
    return [_run(ctx, api, handler, lambda exc: {"message": exc.message, "error": _error_json(exc)})]
