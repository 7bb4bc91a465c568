"""MailerLite (n8n-nodes-base.mailerLite v1, v2): subscriber create/get/getAll/update.

Base: configured ``mailerLite`` base URL, else https://api.mailerlite.com/api/v2 (v1, classic API)
or https://connect.mailerlite.com/api (v2). mailerLiteApi: ``X-MailerLite-ApiKey`` when the
credential's ``classicApi`` (default true), else bearer ``apiKey``. Create/update send the
additional/update fields as they are, with ``customFieldsUi`` turned into a ``fields`` object
(create starts from ``fields: []``). v2 outputs the answer's ``data`` for create/get/getAll (update
outputs the whole answer, as n8n). getAll: v1 pages ``limit=1000&offset`` until an empty page,
v2 follows ``meta.next_cursor`` while ``links.next``; otherwise one request with ``limit``. The
query object is shared between items, as in n8n. The node has no other resource or operation.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "MailerLite"
_URLS = {1: "https://api.mailerlite.com/api/v2", 2: "https://connect.mailerlite.com/api"}


def _api(ctx: NodeContext, version: int) -> Api:
    fields = credential(ctx, "mailerLiteApi") or {}
    key = str(fields.get("apiKey") or "")
    auth = {"header": ("X-MailerLite-ApiKey", key)} if fields.get("classicApi", True) is True else {"bearer": key}
    return Api(ctx, base_url(ctx, "mailerLite", _URLS[version]), fields=fields, auth=auth)


def _with_custom_fields(body: dict[str, Any]) -> dict[str, Any]:
    ui = body.get("customFieldsUi")
    if ui:
        values = ui.get("customFieldsValues") if isinstance(ui, dict) else None
        if values:
            body["fields"] = {row.get("fieldId"): row.get("value") for row in values}
            del body["customFieldsUi"]
    return body


def _create(ctx: NodeContext, api: Api, i: int, version: int, _qs: dict[str, Any]) -> Any:
    body: dict[str, Any] = {"email": ctx.param("email", i, ""), "fields": []}
    body.update(ctx.param("additionalFields", i, {}) or {})
    answer = api.call("POST", "/subscribers", i, body=_with_custom_fields(body))
    return answer.get("data") if version == 2 and isinstance(answer, dict) else answer


def _get(ctx: NodeContext, api: Api, i: int, version: int, _qs: dict[str, Any]) -> Any:
    answer = api.call("GET", f"/subscribers/{ctx.param('subscriberId', i, '')}", i)
    return answer.get("data") if version == 2 and isinstance(answer, dict) else answer


def _update(ctx: NodeContext, api: Api, i: int, version: int, _qs: dict[str, Any]) -> Any:
    name = "updateFields" if version == 1 else "additionalFields"
    body = _with_custom_fields(dict(ctx.param(name, i, {}) or {}))
    return api.call("PUT", f"/subscribers/{ctx.param('subscriberId', i, '')}", i, body=body or None)


def _get_all(ctx: NodeContext, api: Api, i: int, version: int, qs: dict[str, Any]) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    if version == 1:
        qs.update(filters)
    elif filters.get("status"):
        qs["filter[status]"] = filters["status"]
    if not ctx.param("returnAll", i, False):
        qs["limit"] = ctx.param("limit", i, 50)
        answer = api.call("GET", "/subscribers", i, qs=qs)
        return answer.get("data") if version == 2 and isinstance(answer, dict) else answer
    return _all_pages(api, i, version, qs)


def _all_pages(api: Api, i: int, version: int, qs: dict[str, Any]) -> list[Any]:
    rows: list[Any] = []
    qs["limit"] = 1000
    qs["offset"] = 0
    while True:
        answer = api.call("GET", "/subscribers", i, qs=qs)
        if version == 1:
            page = answer if isinstance(answer, list) else []
            rows.extend(page)
            qs["offset"] += qs["limit"]
            if not page:
                return rows
        else:
            answer = answer if isinstance(answer, dict) else {}
            rows.extend(answer.get("data") or [])
            qs["cursor"] = (answer.get("meta") or {}).get("next_cursor")
            if (answer.get("links") or {}).get("next") is None:
                return rows


_OPERATIONS = {"create": _create, "get": _get, "getAll": _get_all, "update": _update}


@register("n8n-nodes-base.mailerLite", versions=(1, 2), display_name="MailerLite")
@register("n8n-nodes-base.mailerLiteTool", versions=(2,), display_name="MailerLite Tool")
def mailer_lite(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "subscriber")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource == "subscriber" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    version = 1 if ctx.node.type_version < 2 else 2
    api = _api(ctx, version)
    qs: dict[str, Any] = {}
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i, version, qs))]
