"""Phantombuster (n8n-nodes-base.phantombuster v1): agents over the API v2.

Base: configured ``phantombuster`` base URL, else https://api.phantombuster.com/api/v2;
phantombusterApi (``X-Phantombuster-Key: apiKey``). Resource agent: delete (``{success: true}``),
get, getAll (``fetch-all`` cut to ``limit`` unless returnAll), getOutput (``fetch-output``; with
resolveData the container's result object, parsed, one item per element), launch (arguments and
bonus argument from JSON or key/value lists; with resolveData the launched container). Like n8n,
getOutput's query string carries over from item to item. There is no other resource or operation
in n8n; an unknown one fails as "not supported yet".
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Phantombuster"
BASE = "https://api.phantombuster.com/api/v2"


def _json_param(value: Any, name: str, i: int) -> Any:
    """n8n's ``validateJSON``: ``JSON.parse`` or "<name> must provide a valid JSON"."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise NodeError(f"{name} must provide a valid JSON", item_index=i)
    try:
        return json.loads(str(value))
    except ValueError:
        raise NodeError(f"{name} must provide a valid JSON", item_index=i) from None


def _pairs(collection: Any, key: str) -> dict[str, Any]:
    """``{key: value}`` from a key/value fixedCollection."""
    rows = (collection or {}).get(key) or [] if isinstance(collection, dict) else []
    return {str(row.get("key", "")): row.get("value", "") for row in rows if isinstance(row, dict)}


def _launch(ctx: NodeContext, api: Api, i: int, _qs: dict[str, Any]) -> Any:
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    body: dict[str, Any] = {"id": ctx.param("agentId", i, "")}
    if ctx.param("jsonParameters", i, False):
        if fields.get("argumentsJson"):
            body["arguments"] = _json_param(fields.pop("argumentsJson"), "Arguments", i)
        if fields.get("bonusArgumentJson"):
            body["bonusArgument"] = _json_param(fields.pop("bonusArgumentJson"), "Bonus Argument", i)
    else:
        body["arguments"] = _pairs(fields.pop("argumentsUi", None), "argumentValues")
        body["bonusArgument"] = _pairs(fields.pop("bonusArgumentUi", None), "bonusArgumentValue")
    body.update(fields)
    data = api.call("POST", "/agents/launch", i, body=body)
    if ctx.param("resolveData", i, True):
        data = api.call("GET", "/containers/fetch", i, qs={"id": _get(data, "containerId")})
    return data


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _get_output(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    agent_id = ctx.param("agentId", i, "")
    resolve = ctx.param("resolveData", i, True)
    qs.update(ctx.param("additionalFields", i, {}) or {})
    qs["id"] = agent_id
    data = api.call("GET", "/agents/fetch-output", i, qs=qs)
    if not resolve:
        return data
    result = _get(api.call("GET", "/containers/fetch-result-object", i, qs={"id": _get(data, "containerId")}),
                  "resultObject")
    if result is None:
        return {}
    try:
        return json.loads(result) if isinstance(result, str) else result
    except ValueError as exc:
        raise NodeError(f"Unexpected token in JSON at position {exc.pos}: {exc.msg}", item_index=i) from None


def _get_all(ctx: NodeContext, api: Api, i: int, _qs: dict[str, Any]) -> Any:
    rows = api.call("GET", "/agents/fetch-all", i) or []
    if not ctx.param("returnAll", i, False) and isinstance(rows, list):
        rows = rows[: int(ctx.param("limit", 0, 25) or 0)]
    return rows


def _delete(ctx: NodeContext, api: Api, i: int, _qs: dict[str, Any]) -> Any:
    api.call("POST", "/agents/delete", i, body={"id": ctx.param("agentId", i, "")})
    return {"success": True}


def _fetch(ctx: NodeContext, api: Api, i: int, _qs: dict[str, Any]) -> Any:
    return api.call("GET", "/agents/fetch", i, qs={"id": ctx.param("agentId", i, "")})


_OPERATIONS = {"delete": _delete, "get": _fetch, "getAll": _get_all, "getOutput": _get_output, "launch": _launch}


@register("n8n-nodes-base.phantombuster", versions=(1,), display_name="Phantombuster")
@register("n8n-nodes-base.phantombusterTool", versions=(1,), display_name="Phantombuster Tool")
def phantombuster(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "agent")
    operation = ctx.param("operation", 0, "launch")
    handler = _OPERATIONS.get(operation) if resource == "agent" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "phantombusterApi") or {}
    api = Api(ctx, base_url(ctx, "phantombuster", BASE), auth={"header": ("X-Phantombuster-Key",
                                                                         str(fields.get("apiKey") or ""))})
    qs: dict[str, Any] = {}
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i, qs))]
