"""NocoDB (n8n-nodes-base.nocoDb v1, v2, v3, nocoDbTool): rows over the NocoDB REST API.

Base: configured ``nocodb`` base URL, else the credential's ``host``. Auth: nocoDb (``xc-auth``
header) or nocoDbApiToken (``xc-token``). The ``version`` parameter (defaults to the typeVersion)
picks the API: 1 ``/nc/<project>/api/v1/<table>``, 2 ``/api/v1/db/data/noco/<project>/<table>``,
3 ``/api/v2/tables/<table>/records``. create/update/delete send one bulk request for all items
(outputs as n8n builds them: the sent rows with ids / ``{success}`` per row / the API's rows);
get and getAll run per item. Binary attachment fields and attachment downloads are not supported yet.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "NocoDB"


class _NocoDb:
    def __init__(self, ctx: NodeContext) -> None:
        kind = ctx.param("authentication", 0, "nocoDb")
        fields = credential(ctx, kind) or {}
        header = "xc-token" if kind == "nocoDbApiToken" else "xc-auth"
        host = ctx.state.services.base_urls.get("nocodb") or fields.get("host") or ""
        self.api = Api(ctx, str(host).rstrip("/"), fields=fields,
                       auth={"header": (header, str(fields.get("apiToken") or ""))})
        self.version = int(ctx.param("version", 0, int(ctx.node.type_version)) or 1)
        self.base_id = ctx.param("projectId", 0, "")
        self.table = ctx.param("table", 0, "")

    def rows_path(self, bulk: bool = False) -> str:
        if self.version == 1:
            return f"/nc/{self.base_id}/api/v1/{self.table}" + ("/bulk" if bulk else "")
        if self.version == 2:
            kind = "bulk/noco" if bulk else "noco"
            return f"/api/v1/db/data/{kind}/{self.base_id}/{self.table}"
        return f"/api/v2/tables/{self.table}/records"

    def call(self, method: str, path: str, i: int = 0, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, path, i, body=body if body else None, qs=qs or None)


def _fields(ctx: NodeContext, item: dict[str, Any], i: int, row: dict[str, Any]) -> dict[str, Any]:
    if ctx.param("dataToSend", i, "defineBelow") == "autoMapInputData":
        ignore = [c.strip() for c in str(ctx.param("inputsToIgnore", i, "")).split(",")]
        for key, value in (item.get("json") or {}).items():
            if key not in ignore:
                row[key] = value
        return row
    for field in (ctx.param("fieldsUi", i, {}) or {}).get("fieldValues") or []:
        if field.get("binaryData"):
            if field.get("binaryProperty"):
                raise unsupported(DISPLAY, "row", "binary attachment fields")
            continue
        row[field.get("fieldName")] = field.get("fieldValue")
    return row


def _primary_key(ctx: NodeContext, nc: _NocoDb, operation: str) -> str:
    if nc.version == 1 or (nc.version == 3 and operation == "update"):
        return "id"
    key = ctx.param("primaryKey", 0, "id")
    return ctx.param("customPrimaryKey", 0, "") if key == "custom" else key


def _create(ctx: NodeContext, nc: _NocoDb) -> list[Any]:
    body = [_fields(ctx, item, i, {}) for i, item in enumerate(ctx.input(0))]
    data = nc.call("POST", nc.rows_path(bulk=True), 0, body)
    if nc.version == 3:
        return [{**row, **(data[n] if isinstance(data, list) and n < len(data) else {})} for n, row in enumerate(body)]
    last = data[0] if isinstance(data, list) and data else None
    for n in range(len(body) - 1, -1, -1):
        body[n]["id"] = last
        last = last - 1 if isinstance(last, int | float) else last
    return body


def _bulk_result(ctx: NodeContext, data: Any, body: list[dict[str, Any]], verb: str) -> list[Any]:
    out = []
    for index, result in enumerate(data or []):
        if result == 0:
            message = f'The row with the ID "{body[index].get("id")}" could not be {verb}. It probably doesn\'t exist.'
            if ctx.continue_on_fail:
                out.append({"error": message})
                continue
            raise NodeApiError(message, item_index=index)
        out.append({"success": True})
    return out


def _update(ctx: NodeContext, nc: _NocoDb) -> list[Any]:
    key = _primary_key(ctx, nc, "update")
    body = []
    for i, item in enumerate(ctx.input(0)):
        row = {} if nc.version == 3 else {key: ctx.param("id", i, "")}
        body.append(_fields(ctx, item, i, row))
    data = nc.call("PUT" if nc.version == 1 else "PATCH", nc.rows_path(bulk=True), 0, body)
    if nc.version == 1:
        return body
    if nc.version == 2:
        return _bulk_result(ctx, data, body, "updated")
    return [{**row, **(data[n] if isinstance(data, list) and n < len(data) else {})} for n, row in enumerate(body)]


def _delete(ctx: NodeContext, nc: _NocoDb) -> list[Any]:
    key = _primary_key(ctx, nc, "delete")
    body = [{key: ctx.param("id", i, "")} for i in range(len(ctx.input(0)))]
    data = nc.call("DELETE", nc.rows_path(bulk=True), 0, body)
    if nc.version == 1:
        return [item.get("json") for item in ctx.input(0)]
    if nc.version == 2:
        return _bulk_result(ctx, data, body, "deleted")
    return list(data or [])


def _get_all(ctx: NodeContext, nc: _NocoDb) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        qs = dict(ctx.param("options", i, {}) or {})
        if qs.get("sort"):
            qs["sort"] = ",".join(f"{'' if p.get('direction') == 'asc' else '-'}{p.get('field')}"
                                  for p in (qs["sort"].get("property") or []))
        if qs.get("fields"):
            qs["fields"] = ",".join(qs["fields"])
        try:
            if ctx.param("returnAll", 0, False):
                rows = _all_pages(nc, qs, i)
            else:
                qs["limit"] = ctx.param("limit", 0, 50)
                rows = nc.call("GET", nc.rows_path(), i, qs=qs)
                if nc.version in (2, 3):
                    rows = (rows or {}).get("list")
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": f"{type(exc).__name__}: {exc.message}"}})
                return out
            raise
        for row in json_array(rows if rows is not None else []):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return out


def _all_pages(nc: _NocoDb, qs: dict[str, Any], i: int) -> list[Any]:
    qs = {**qs, "limit": 100, "offset": qs.get("offset") or 0}
    out: list[Any] = []
    while True:
        page = nc.call("GET", nc.rows_path(), i, qs=qs)
        if nc.version == 1:
            out.extend(page or [])
            if not page:
                return out
        else:
            out.extend((page or {}).get("list") or [])
            if ((page or {}).get("pageInfo") or {}).get("isLastPage") is True:
                return out
        qs["offset"] += qs["limit"]


def _get(ctx: NodeContext, nc: _NocoDb) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        row_id = ctx.param("id", i, "")
        try:
            data = nc.call("GET", f"{nc.rows_path()}/{row_id}", i)
            if nc.version == 2 and not data:
                message = f'The row with the ID "{row_id}" could not be queried. It probably doesn\'t exist.'
                if ctx.continue_on_fail:
                    out.append({"json": {"error": message}})
                    continue
                raise NodeApiError(message, item_index=i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": f"{type(exc).__name__}: {exc.message}"}, "pairedItem": {"item": i}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(data):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return out


@register("n8n-nodes-base.nocoDb", versions=(1, 2, 3), display_name="NocoDB")
@register("n8n-nodes-base.nocoDbTool", versions=(1, 2, 3), display_name="NocoDB Tool")
def nocodb(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "row")
    operation = ctx.param("operation", 0, "get")
    handlers = {"create": _create, "update": _update, "delete": _delete}
    if resource != "row" or operation not in (*handlers, "get", "getAll"):
        raise unsupported(DISPLAY, resource, operation)
    if operation in ("get", "getAll") and ctx.param("downloadAttachments", 0, False):
        raise unsupported(DISPLAY, resource, f"{operation} with downloadAttachments")
    nc = _NocoDb(ctx)
    if operation == "getAll":
        return [_get_all(ctx, nc)]
    if operation == "get":
        return [_get(ctx, nc)]
    return [json_array(handlers[operation](ctx, nc))]
