"""Baserow (n8n-nodes-base.baserow v1, baserowTool): rows over the Baserow REST API.

Base: configured ``baserow`` base URL, else the baserowApi ``host`` (default
https://api.baserow.io). As n8n does, each run first gets a JWT from ``/api/user/token-auth/``
(username + password) and reads the table's fields, so rows come back keyed by field names
(``field_<id>`` -> name) and auto-mapped input names are sent as ``field_<id>``.
Implemented: row create/get/getAll/update/delete.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Baserow"


class _Baserow:
    def __init__(self, ctx: NodeContext, table: Any) -> None:
        fields = credential(ctx, "baserowApi") or {}
        host = ctx.state.services.base_urls.get("baserow") or fields.get("host") or "https://api.baserow.io"
        login = Api(ctx, host, fields=fields)
        token = (login.call("POST", "/api/user/token-auth/", body={"username": fields.get("username") or "",
                                                                   "password": fields.get("password") or ""}) or {})
        self.api = Api(ctx, host, fields=fields, headers={"Authorization": f"JWT {token.get('token')}"})
        table_fields = self.api.call("GET", f"/api/database/fields/table/{table}/") or []
        self.id_to_name = {f"field_{f.get('id')}": f.get("name") for f in table_fields}
        self.name_to_id = {f.get("name"): f"field_{f.get('id')}" for f in table_fields}

    def ids_to_names(self, row: Any) -> Any:
        if isinstance(row, dict):
            for key in list(row):
                if key in self.id_to_name:
                    value = row.pop(key)
                    row[self.id_to_name[key]] = value
        return row

    def names_to_ids(self, row: dict[str, Any]) -> None:
        for key in list(row):
            if key in self.name_to_id:
                value = row.pop(key)
                row[self.name_to_id[key]] = value


def _body(ctx: NodeContext, br: _Baserow, i: int, item: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if ctx.param("dataToSend", 0, "defineBelow") == "autoMapInputData":
        ignore = [c.strip() for c in str(ctx.param("inputsToIgnore", i, "")).split(",")]
        for key, value in (item.get("json") or {}).items():
            if key in ignore:
                continue
            body[key] = value
            br.names_to_ids(body)
    else:
        for field in (ctx.param("fieldsUi", i, {}) or {}).get("fieldValues") or []:
            body[f"field_{field.get('fieldId')}"] = field.get("fieldValue")
    return body


def _get_all(ctx: NodeContext, br: _Baserow, table: Any, i: int) -> list[Any]:
    options = ctx.param("additionalOptions", i, {}) or {}
    qs: dict[str, Any] = {}
    order = (options.get("order") or {}).get("fields")
    if order:
        qs["order_by"] = ",".join(f"{o.get('direction', '')}{o.get('field')}" for o in order)
    for flt in (options.get("filters") or {}).get("fields") or []:
        qs[f"filter__field_{flt.get('field')}__{flt.get('operator')}"] = flt.get("value")
    if options.get("filterType"):
        qs["filter_type"] = options["filterType"]
    if options.get("search"):
        qs["search"] = options["search"]
    return_all = ctx.param("returnAll", 0, False)
    limit = int(ctx.param("limit", 0, 50) or 0)
    qs.update(page=1, size=100)
    rows: list[Any] = []
    while True:
        page = br.api.call("GET", f"/api/database/rows/table/{table}/", i, qs=qs) or {}
        rows.extend(page.get("results") or [])
        if not return_all and len(rows) > limit:
            rows = rows[:limit]
            break
        qs["page"] += 1
        if page.get("next") is None:
            break
    return [br.ids_to_names(row) for row in rows]


def _one(ctx: NodeContext, br: _Baserow, operation: str, table: Any, i: int, item: dict[str, Any]) -> Any:
    if operation == "getAll":
        return _get_all(ctx, br, table, i)
    if operation == "create":
        return br.ids_to_names(br.api.call("POST", f"/api/database/rows/table/{table}/", i,
                                           body=_body(ctx, br, i, item) or None))
    row_path = f"/api/database/rows/table/{table}/{ctx.param('rowId', i, '')}/"
    if operation == "get":
        return br.ids_to_names(br.api.call("GET", row_path, i))
    if operation == "update":
        return br.ids_to_names(br.api.call("PATCH", row_path, i, body=_body(ctx, br, i, item) or None))
    br.api.call("DELETE", row_path, i)
    return {"success": True}


@register("n8n-nodes-base.baserow", versions=(1,), display_name="Baserow")
@register("n8n-nodes-base.baserowTool", versions=(1,), display_name="Baserow Tool")
def baserow(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "getAll")
    resource = ctx.param("resource", 0, "row")
    if resource != "row" or operation not in ("create", "get", "getAll", "update", "delete"):
        raise unsupported(DISPLAY, resource, operation)
    table = ctx.param("tableId", 0, "")
    br = _Baserow(ctx, table)
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            result = _one(ctx, br, operation, table, i, item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                # n8n pushes this odd item shape (error and itemIndex beside an empty json).
                out.append({"error": exc.message, "json": {}, "itemIndex": i})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
