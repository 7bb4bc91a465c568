"""ServiceNow (n8n-nodes-base.serviceNow v1): the Table and Attachment REST APIs.

Base: configured ``servicenow`` base URL, else ``https://<subdomain>.service-now.com/api``; auth per
``authentication``: ``basicAuth`` -> serviceNowBasicApi (user/password), anything else (default
``oAuth2``) -> serviceNowOAuth2Api, as n8n's GenericFunctions decide. Supported:

- incident create/delete/get/getAll/update; user create/delete/get (by id or user name)/getAll/update;
  tableRecord create/delete/get/getAll/update (columns, auto-map input or nothing);
- businessService, configurationItems, department, dictionary, userGroup, userRole getAll;
- attachment upload (binary body), delete, get and getAll (with ``download`` to binary).

getAll without returnAll sends ``sysparm_limit``; returnAll pages by 100 with ``sysparm_offset``
using n8n's iteration count from ``X-Total-Count``. delete answers ``{success: true}``. Anything else
fails with "not supported yet".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "ServiceNow"
PAGE = 100

#: resource -> table of the resources that only list records
_LIST_TABLES = {"businessService": "cmdb_ci_service", "configurationItems": "cmdb_ci",
                "department": "cmn_department", "dictionary": "sys_dictionary",
                "userGroup": "sys_user_group", "userRole": "sys_user_role"}


def _api(ctx: NodeContext) -> Api:
    """The API client of the node's credential (resolved per item, as n8n does per request)."""
    if ctx.param("authentication", 0, "oAuth2") == "basicAuth":
        fields = credential(ctx, "serviceNowBasicApi") or {}
        kind = "serviceNowBasicApi"
        auth: dict[str, Any] | None = {"basic": (fields.get("user") or "", fields.get("password") or "")}
    else:
        kind = "serviceNowOAuth2Api"
        fields = credential(ctx, kind) or {}
        auth = None
    default = f"https://{fields.get('subdomain') or ''}.service-now.com/api"
    return Api(ctx, base_url(ctx, "servicenow", default), kind, fields=fields, auth=auth)


def _options(ctx: NodeContext, i: int) -> dict[str, Any]:
    """``options`` as the query string (``sysparm_fields`` lists joined with commas)."""
    qs = dict(ctx.param("options", i, {}) or {})
    fields = qs.get("sysparm_fields")
    if fields and not isinstance(fields, str):
        qs["sysparm_fields"] = ",".join(str(f) for f in fields)
    return qs


def _call(api: Api, method: str, path: str, i: int, *, body: Any = None, qs: Any = None, **kw: Any) -> Any:
    """One request; an empty body is not sent and ``qs.limit`` is dropped (serviceNowApiRequest)."""
    qs = {k: v for k, v in (qs or {}).items() if k != "limit" or not v}
    return api.call(method, path, i, body=body or None, qs=qs, **kw)


def _result(data: Any) -> Any:
    return data.get("result") if isinstance(data, dict) else None


def _all_items(api: Api, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
    """serviceNowRequestAllItems: pages of 100; the page count comes from ``X-Total-Count``."""
    qs = {**qs, "sysparm_limit": PAGE}
    response = api.response("GET", path, i, qs=qs)
    rows = list(_result(decode(response)) or [])
    total = _js_number(response.headers.get("x-total-count"))
    iterations = 0 if math.isnan(total) else math.floor(total / PAGE + 0.5) + (1 if total % PAGE else 0)
    for iteration in range(1, iterations):
        qs = {**qs, "sysparm_limit": PAGE, "sysparm_offset": iteration * PAGE}
        rows.extend(_result(api.call("GET", path, i, qs=qs)) or [])
    return rows


def _js_number(value: Any) -> float:
    try:
        return float(value) if value is not None and str(value).strip() else math.nan
    except ValueError:
        return math.nan


def _get_all(ctx: NodeContext, api: Api, i: int, path: str, qs: dict[str, Any]) -> list[Any]:
    if ctx.param("returnAll", i, False):
        return _all_items(api, path, i, qs)
    qs["sysparm_limit"] = ctx.param("limit", i, 50)
    return _result(_call(api, "GET", path, i, qs=qs)) or []


def _list(table: str) -> Callable[[NodeContext, Api, int], Any]:
    return lambda ctx, api, i: _get_all(ctx, api, i, f"/now/table/{table}", _options(ctx, i))


def _delete(path: Callable[[NodeContext, int], str]) -> Callable[[NodeContext, Api, int], Any]:
    def run(ctx: NodeContext, api: Api, i: int) -> Any:
        _call(api, "DELETE", path(ctx, i), i)
        return {"success": True}
    return run


def _get(path: Callable[[NodeContext, int], str]) -> Callable[[NodeContext, Api, int], Any]:
    return lambda ctx, api, i: _result(_call(api, "GET", path(ctx, i), i, qs=_options(ctx, i)))


def _write(method: str, path: Callable[[NodeContext, int], str], fields: str) -> Callable[[NodeContext, Api, int], Any]:
    """POST/PATCH of ``fields`` (a collection parameter) as the body."""
    return lambda ctx, api, i: _result(_call(api, method, path(ctx, i), i,
                                             body=dict(ctx.param(fields, i, {}) or {})))


def _incident_create(ctx: NodeContext, api: Api, i: int) -> Any:
    body = {"short_description": ctx.param("short_description", i, ""), **(ctx.param("additionalFields", i, {}) or {})}
    return _result(_call(api, "POST", "/now/table/incident", i, body=body))


def _incident_path(ctx: NodeContext, i: int) -> str:
    return f"/now/table/incident/{ctx.param('id', i, '')}"


def _user_path(ctx: NodeContext, i: int) -> str:
    return f"/now/table/sys_user/{ctx.param('id', i, '')}"


def _record_path(ctx: NodeContext, i: int) -> str:
    return f"/now/table/{ctx.param('tableName', i, '')}/{ctx.param('id', i, '')}"


def _user_get(ctx: NodeContext, api: Api, i: int) -> Any:
    qs = _options(ctx, i)
    if ctx.param("getOption", i, "id") == "id":
        return _result(_call(api, "GET", _user_path(ctx, i), i, qs=qs))
    qs["sysparm_query"] = f"user_name={ctx.param('user_name', i, '')}"
    qs["sysparm_limit"] = 1
    return _result(_call(api, "GET", "/now/table/sys_user", i, qs=qs))


def _record_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    """The record's columns per ``dataToSend``: input mapped, defined per column, or nothing."""
    mode = ctx.param("dataToSend", i, "columns")
    if mode == "mapInput":
        ignore = [f.strip() for f in str(ctx.param("inputsToIgnore", i, "") or "").split(",")]
        return {k: v for k, v in ctx.input(0)[i]["json"].items() if k not in ignore}
    if mode == "columns":
        fields = (ctx.param("fieldsToSend", i, {}) or {}).get("field")
        if fields is None:
            raise NodeError("Cannot read properties of undefined (reading 'reduce')", item_index=i)
        return {f.get("column"): f.get("value") for f in fields}
    return {}


def _record_write(method: str, path: Callable[[NodeContext, int], str]) -> Callable[[NodeContext, Api, int], Any]:
    return lambda ctx, api, i: _result(_call(api, method, path(ctx, i), i, body=_record_body(ctx, i)))


def _download(api: Api, endpoint: str, i: int, name: Any, mime: Any) -> dict[str, Any]:
    response = api.response("GET", f"{endpoint}/file", i)
    return binary.prepare_binary(response.content, name or None, mime or None)


def _attachment_get(ctx: NodeContext, api: Api, i: int) -> Any:
    endpoint = f"/now/attachment/{ctx.param('attachmentId', i, '')}"
    meta = _result(_call(api, "GET", endpoint, i))
    item: dict[str, Any] = {"json": meta}
    if ctx.param("download", i, False):
        field = ctx.param("outputField", i, "data")
        item["binary"] = {field: _download(api, endpoint, i, meta.get("file_name"), meta.get("content_type"))}
    return item


def _attachment_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    qs: dict[str, Any] = {"sysparm_query": f"table_name={ctx.param('tableName', i, '')}"}
    if options.get("queryFilter"):
        qs["sysparm_query"] = f"{qs['sysparm_query']}^{options['queryFilter']}"
    rows = _get_all(ctx, api, i, "/now/attachment", qs)
    if not ctx.param("download", i, False):
        return [{"json": row} for row in rows]
    field = ctx.param("outputField", i, "data")
    return [{"json": row, "binary": {field: _download(api, f"/now/attachment/{row.get('sys_id')}", i,
                                                       row.get("file_name"), row.get("content_type"))}}
            for row in rows]


def _attachment_upload(ctx: NodeContext, api: Api, i: int) -> Any:
    prop = ctx.param("inputDataFieldName", i, "data")
    entry = binary.assert_binary(ctx.input(0)[i], prop, i)
    data = binary.binary_bytes(entry)
    qs = {"table_name": ctx.param("tableName", i, ""), "table_sys_id": ctx.param("id", i, ""),
          "file_name": entry.get("fileName") or f"{prop}.{entry.get('fileExtension')}",
          **(ctx.param("options", i, {}) or {})}
    headers = {"Content-Type": entry.get("mimeType") or "application/octet-stream"}
    return _result(api.call("POST", "/now/attachment/file", i, qs=qs, content=data, headers=headers))


_OPERATIONS: dict[tuple[str, str], Callable[[NodeContext, Api, int], Any]] = {
    ("incident", "create"): _incident_create,
    ("incident", "delete"): _delete(_incident_path),
    ("incident", "get"): _get(_incident_path),
    ("incident", "getAll"): _list("incident"),
    ("incident", "update"): _write("PATCH", _incident_path, "updateFields"),
    ("user", "create"): _write("POST", lambda ctx, i: "/now/table/sys_user", "additionalFields"),
    ("user", "delete"): _delete(_user_path),
    ("user", "get"): _user_get,
    ("user", "getAll"): _list("sys_user"),
    ("user", "update"): _write("PATCH", _user_path, "updateFields"),
    ("tableRecord", "create"): _record_write("POST", lambda ctx, i: f"/now/table/{ctx.param('tableName', i, '')}"),
    ("tableRecord", "delete"): _delete(_record_path),
    ("tableRecord", "get"): _get(_record_path),
    ("tableRecord", "getAll"): lambda ctx, api, i: _get_all(
        ctx, api, i, f"/now/table/{ctx.param('tableName', i, '')}", _options(ctx, i)),
    ("tableRecord", "update"): _record_write("PATCH", _record_path),
    ("attachment", "upload"): _attachment_upload,
    ("attachment", "delete"): _delete(lambda ctx, i: f"/now/attachment/{ctx.param('attachmentId', i, '')}"),
    ("attachment", "get"): _attachment_get,
    ("attachment", "getAll"): _attachment_get_all,
    **{(resource, "getAll"): _list(table) for resource, table in _LIST_TABLES.items()},
}

#: n8n's default operation of each resource
_DEFAULT_OPERATION = {"attachment": "upload", "incident": "get", "tableRecord": "get", "user": "get"}


@register("n8n-nodes-base.serviceNow", versions=(1,), display_name="ServiceNow")
@register("n8n-nodes-base.serviceNowTool", versions=(1,), display_name="ServiceNow Tool")
def service_now(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "user")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "getAll"))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    return [per_item(ctx, lambda i, _item: handler(ctx, _api(ctx), i))]
