"""Copper (n8n-nodes-base.copper v1): the Copper CRM developer API v1.

Base: configured ``copper`` base URL, else https://api.copper.com/developer_api/v1; credential
copperApi (headers ``X-PW-AccessToken``, ``X-PW-Application: developer_api``, ``X-PW-UserEmail``).
Supported: company, person and lead create/get/getAll/update/delete, customerSource getAll, user
getAll. Bodies are built with n8n's ``adjust*Fields`` (fixed collections flattened). Listings work as
n8n's ``handleListing``: the filter fields go into the query string (n8n passes them as ``qs``) with
``page_size=200``, ``returnAll``/``limit`` are read from item 0 and the limit is applied after the
read; n8n re-requests the same page while ``X-PW-Total`` exceeds the rows read (it never advances the
page), which here fails clearly instead of looping. Under continue-on-fail an error becomes
``{json: {}, error: "NodeApiError: ..."}`` as in n8n. Not supported yet: opportunity, project, task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Copper"
Handler = Callable[[NodeContext, Api, int], Any]

#: fixed collection field -> inner values key
_COLLECTIONS = {"address": "addressFields", "phone_numbers": "phoneFields", "emails": "emailFields",
                "email": "emailFields"}
#: which collections each resource flattens (n8n's adjustCompanyFields/adjustPersonFields/adjustLeadFields)
_ADJUST = {"company": ("address", "phone_numbers"), "person": ("address", "phone_numbers", "emails"),
           "lead": ("address", "phone_numbers", "email")}
_PATHS = {"company": ("/companies", "companyId"), "person": ("/people", "personId"), "lead": ("/leads", "leadId")}


def adjust_fields(resource: str, fields: dict[str, Any]) -> dict[str, Any]:
    """n8n's ``adjust*Fields``: each present fixed collection moved to the end, flattened."""
    out = dict(fields)
    for key in _ADJUST[resource]:
        if out.get(key):
            value = out.pop(key)
            out[key] = value.get(_COLLECTIONS[key]) if isinstance(value, dict) else None
    return out


def _listing(ctx: NodeContext, api: Api, i: int, path: str, qs: dict[str, Any]) -> list[Any]:
    """n8n's ``handleListing`` (one request; fails where n8n would re-request the same page forever)."""
    qs["page_size"] = 200
    response = api.response("POST" if path.endswith("/search") else "GET", path, i, qs=qs)
    rows = decode(response) or []
    total = response.headers.get("x-pw-total")
    if total is not None and _number(total) > len(rows):
        raise NodeError(f"Copper: {total} records match but one page holds {len(rows)}; n8n re-requests the "
                        "same page without advancing, so this listing is not supported yet", item_index=i)
    if ctx.param("returnAll", 0, False):
        return rows
    return rows[: int(ctx.param("limit", 0, 5))]


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _record(resource: str, operation: str) -> Handler:
    path, id_name = _PATHS[resource]

    def run(ctx: NodeContext, api: Api, i: int) -> Any:
        if operation == "create":
            body = {"name": ctx.param("name", i)}
            body.update(adjust_fields(resource, ctx.param("additionalFields", i, {}) or {}))
            return api.call("POST", path, i, body=body)
        if operation == "getAll":
            return _listing(ctx, api, i, f"{path}/search", dict(ctx.param("filterFields", i, {}) or {}))
        record = f"{path}/{ctx.param(id_name, i)}"
        if operation == "update":
            body = adjust_fields(resource, ctx.param("updateFields", i, {}) or {})
            return api.call("PUT", record, i, body=body or None)
        return api.call("GET" if operation == "get" else "DELETE", record, i)
    return run


_OPERATIONS: dict[tuple[str, str], Handler] = {
    (resource, operation): _record(resource, operation)
    for resource in _PATHS for operation in ("create", "get", "getAll", "update", "delete")
}
_OPERATIONS[("customerSource", "getAll")] = lambda ctx, api, i: _listing(ctx, api, i, "/customer_sources", {})
_OPERATIONS[("user", "getAll")] = lambda ctx, api, i: _listing(ctx, api, i, "/users/search", {})


def _api(ctx: NodeContext) -> Api:
    fields = credential(ctx, "copperApi") or {}
    headers = {"X-PW-AccessToken": str(fields.get("apiKey") or ""), "X-PW-Application": "developer_api",
               "X-PW-UserEmail": str(fields.get("email") or "")}
    return Api(ctx, base_url(ctx, "copper", "https://api.copper.com/developer_api/v1"), None, fields=fields,
               auth={"headers": headers})


@register("n8n-nodes-base.copper", versions=(1,), display_name="Copper")
def copper(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "company")
    operation = ctx.param("operation", 0, "getAll" if resource in ("customerSource", "user") else "create")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = _api(ctx)
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            result = handler(ctx, api, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": f"{exc.name}: {exc.message}", "json": {}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
