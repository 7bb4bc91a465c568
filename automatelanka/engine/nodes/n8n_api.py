"""n8n (n8n-nodes-base.n8n v1): the n8n public REST API (``<baseUrl>/workflows``, ``/executions``,
``/credentials``) of the n8nApi credential (``apiKey`` sent as ``X-N8N-API-KEY``).

Base URL: configured ``n8n`` base URL, else the credential's ``baseUrl``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import api_base, per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "n8n"


def _json_param(ctx: NodeContext, name: str, i: int) -> dict[str, Any]:
    raw = ctx.param(name, i, "{}")
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw or "{}")
    except ValueError:
        raise NodeError(f"The '{name}' property must be valid JSON, but cannot be parsed", item_index=i) from None


@register("n8n-nodes-base.n8n", versions=(1,), display_name=DISPLAY)
@register("n8n-nodes-base.n8nTool", versions=(1,), display_name=DISPLAY)
def n8n_api(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "workflow")
    operation = ctx.param("operation", 0, "getAll")
    fields = credential(ctx, "n8nApi") or {}
    base = api_base(ctx, "n8n", "", fields)
    if not base:
        raise NodeError("The n8nApi credential has no base URL")
    auth = {"header": ("X-N8N-API-KEY", str(fields.get("apiKey") or ""))}
    p = ctx.param

    def call(method: str, path: str, i: int, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {"auth": auth}
        if body is not None:
            kwargs["json"] = body
        if qs:
            kwargs["params"] = {k: ("true" if v is True else "false" if v is False else v)
                                for k, v in qs.items() if v is not None}
        response = request(ctx, method, f"{base}{path}", item_index=i, **kwargs)
        return response.json() if response.content else {}

    def listing(path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        return_all = p("returnAll", i, False)
        if not return_all:
            qs["limit"] = p("limit", i, 100)
        rows: list[Any] = []
        cursor = None
        while True:
            data = call("GET", path, i, None, {**qs, "cursor": cursor})
            rows.extend(data.get("data") or [])
            cursor = data.get("nextCursor")
            if not (return_all and cursor):
                return rows

    def seg(value: Any) -> str:
        return quote(str(resource_value(value)), safe="")

    def run(i: int, _item: dict[str, Any]) -> Any:
        if resource == "workflow":
            if operation == "getAll":
                filters = p("filters", i, {}) or {}
                qs: dict[str, Any] = {}
                if "activeWorkflows" in filters:
                    qs["active"] = filters["activeWorkflows"]
                for key in ("tags", "name", "projectId"):
                    if filters.get(key):
                        qs[key] = filters[key]
                if filters.get("excludePinnedData"):
                    qs["excludePinnedData"] = True
                return listing("/workflows", i, qs)
            if operation in ("get", "delete", "activate", "deactivate"):
                path = f"/workflows/{seg(p('workflowId', i))}"
                if operation == "get":
                    return call("GET", path, i)
                if operation == "delete":
                    return call("DELETE", path, i)
                return call("POST", f"{path}/{operation}", i)
            if operation == "create":
                body = _json_param(ctx, "workflowObject", i)
                return call("POST", "/workflows", i, {
                    "name": body.get("name") or "My workflow", "nodes": body.get("nodes") or [],
                    "settings": body.get("settings") or {}, "connections": body.get("connections") or {},
                    "staticData": body.get("staticData") or None})
            if operation == "update":
                body = _json_param(ctx, "workflowObject", i)
                update = {k: body[k] for k in ("name", "nodes", "settings", "connections", "staticData")
                          if body.get(k)}
                return call("PUT", f"/workflows/{seg(p('workflowId', i))}", i, update)
        if resource == "execution":
            if operation == "getAll":
                filters = p("filters", i, {}) or {}
                qs = {}
                if filters.get("workflowId"):
                    qs["workflowId"] = resource_value(filters["workflowId"])
                if filters.get("status"):
                    qs["status"] = filters["status"]
                options = p("options", i, {}) or {}
                if "activeWorkflows" in options:
                    qs["includeData"] = options["activeWorkflows"]
                return listing("/executions", i, qs)
            if operation in ("get", "delete"):
                path = f"/executions/{seg(p('executionId', i))}"
                if operation == "get":
                    options = p("options", i, {}) or {}
                    qs = {"includeData": options["activeWorkflows"]} if "activeWorkflows" in options else {}
                    return call("GET", path, i, None, qs)
                return call("DELETE", path, i)
        if resource == "credential":
            if operation == "create":
                body = {"name": p("name", i), "type": p("credentialTypeName", i),
                        "data": _json_param(ctx, "data", i)}
                return call("POST", "/credentials", i, body)
            if operation == "delete":
                return call("DELETE", f"/credentials/{seg(p('credentialId', i))}", i)
            if operation == "getSchema":
                return call("GET", f"/credentials/schema/{seg(p('credentialTypeName', i))}", i)
        raise unsupported(DISPLAY, resource, operation)

    return [per_item(ctx, run)]
