"""Supabase (n8n-nodes-base.supabase v1): table rows over PostgREST (``<host>/rest/v1/<table>``).

Base: configured ``supabase`` base URL, else the supabaseApi credential's ``host``; the
``serviceRole`` key goes in ``apikey`` and ``Authorization: Bearer``; ``Prefer:
return=representation`` makes writes answer the rows. Row create (one bulk POST for all items),
get, getAll (pages of 1000 via ``offset``), update, delete; filters built manually (PostgREST
operators, quoted components) or as a filter string with ``$n`` parameters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base, json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Supabase"
_RESERVED = re.compile(r'[,.():"&?=\\]')
_CONDITIONS = {"eq", "gt", "gte", "ilike", "is", "lt", "lte", "like", "neq"}
_SEARCH = {"fts", "plfts", "phfts", "wfts"}


def js_string(value: Any) -> str:
    """``String(value)`` for JSON values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def quote_component(value: Any) -> str:
    text = js_string(value)
    if not _RESERVED.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _operator(condition: dict[str, Any]) -> str:
    kind = js_string(condition.get("condition"))
    if kind != "fullText":
        if kind not in _CONDITIONS:
            raise NodeError(f'Unsupported filter condition: "{kind}"')
        return kind
    search = js_string(condition.get("searchFunction"))
    if search not in _SEARCH:
        raise NodeError(f'Unsupported search function: "{search}"')
    return search


def _or_part(condition: dict[str, Any]) -> str:
    return (f"{quote_component(condition.get('keyName'))}.{_operator(condition)}."
            f"{quote_component(condition.get('keyValue'))}")


def encode_uri(text: str) -> str:
    return quote(text, safe=";,/?:@&=+$-_.!~*'()#")


def _filter_string_endpoint(ctx: NodeContext, endpoint: str, i: int) -> str:
    template = encode_uri(str(ctx.param("filterString", i, "")))
    values = ctx.param("filterStringParameters.values", i, []) or []
    if values:
        def sub(match: re.Match[str]) -> str:
            position = int(match.group(1)) - 1
            if position < 0 or position >= len(values):
                raise NodeError(f"Filters (String) references parameter ${match.group(1)}, but only "
                                f"{len(values)} parameter(s) were provided", item_index=i)
            return quote(quote_component(values[position].get("value")), safe="-_.!~*'()")
        template = re.sub(r"\$(\d+)", sub, template)
    return f"{endpoint}?{template}"


def _path_segment(value: Any) -> str:
    if value is None:
        raise NodeError("Invalid identifier: a value is required")
    text = js_string(value)
    if text in ("", ".", ".."):
        raise NodeError(f'Invalid identifier: "{text}" is not allowed')
    return quote(text, safe="-_.!~*'()")


def _record(ctx: NodeContext, item: dict[str, Any], i: int) -> dict[str, Any]:
    if ctx.param("dataToSend", 0, "defineBelow") == "autoMapInputData":
        ignore = [c.strip() for c in str(ctx.param("inputsToIgnore", i, "")).split(",")]
        return {k: v for k, v in (item.get("json") or {}).items() if k not in ignore}
    return {str(f.get("fieldId")): f.get("fieldValue") for f in ctx.param("fieldsUi.fieldValues", i, []) or []}


def _manual_filters(ctx: NodeContext, i: int, required: bool) -> dict[str, Any]:
    match = ctx.param("matchType", 0, "anyFilter")
    keys = ctx.param("filters.conditions", i, []) or []
    if required and not keys:
        raise NodeError("At least one select condition must be defined", item_index=i)
    qs: dict[str, Any] = {}
    if match == "allFilters":
        for key in keys:
            qs[quote_component(key.get("keyName"))] = f"{_operator(key)}.{js_string(key.get('keyValue'))}"
    elif match == "anyFilter":
        qs["or"] = f"({','.join(_or_part(k) for k in keys)})"
    return qs


@register("n8n-nodes-base.supabase", versions=(1,), display_name="Supabase")
@register("n8n-nodes-base.supabaseTool", versions=(1,), display_name="Supabase Tool")
def supabase(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "row")
    operation = ctx.param("operation", 0, "create")
    if resource != "row" or operation not in ("create", "get", "getAll", "update", "delete"):
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "supabaseApi") or {}
    key = str(fields.get("serviceRole") or "")
    headers = {"Prefer": "return=representation"}
    if ctx.param("useCustomSchema", 0, False):
        schema = ctx.param("schema", 0, "public")
        headers["Accept-Profile" if operation in ("get", "getAll") else "Content-Profile"] = schema
    api = Api(ctx, f"{api_base(ctx, 'supabase', '', fields, 'host')}/rest/v1", "supabaseApi", fields=fields,
              auth={"headers": {"apikey": key, "Authorization": f"Bearer {key}"}}, headers=headers)
    table = _path_segment(ctx.param("tableId", 0))
    items = ctx.input(0)
    out: list[dict[str, Any]] = []

    def emit(data: Any, paired: Any) -> None:
        for row in json_array(data if data is not None else {}):
            row["pairedItem"] = paired
            out.append(row)

    def call(method: str, endpoint: str, i: int, **kwargs: Any) -> Any:
        try:
            return api.call(method, endpoint, i, **kwargs)
        except NodeError as exc:
            if exc.description:
                exc.message = f"{exc.message}: {exc.description}"
            raise

    if operation == "create":
        records = [_record(ctx, item, i) for i, item in enumerate(items)]
        try:
            created = call("POST", f"/{table}", 0, body=records) or []
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            emit({"error": exc.description}, [{"item": k} for k in range(len(records))])
            return [out]
        for i, row in enumerate(created):
            emit(row, {"item": i})
        return [out]
    endpoint = f"/{table}"
    for i, item in enumerate(items):
        try:
            qs: dict[str, Any] = {}
            if operation == "get":
                keys = ctx.param("filters.conditions", i, []) or []
                qs = {quote_component(k.get("keyName")): f"eq.{js_string(k.get('keyValue'))}" for k in keys}
                if not keys:
                    raise NodeError("At least one select condition must be defined", item_index=i)
                emit(call("GET", endpoint, i, qs=qs), {"item": i})
                continue
            filter_type = ctx.param("filterType", 0, "manual")
            path = endpoint
            if filter_type == "manual":
                if operation == "getAll":
                    keys = ctx.param("filters.conditions", i, []) or []
                    if keys:
                        word = "and" if ctx.param("matchType", 0, "anyFilter") == "allFilters" else "or"
                        qs[word] = f"({','.join(_or_part(k) for k in keys)})"
                else:
                    qs = _manual_filters(ctx, i, True)
            elif filter_type == "string":
                path = _filter_string_endpoint(ctx, endpoint, i)
            if operation == "getAll":
                return_all = ctx.param("returnAll", 0, False)
                if not return_all:
                    qs["limit"] = ctx.param("limit", 0, 50)
                rows: list[Any] = []
                while True:
                    page = call("GET", path, i, qs=qs) or []
                    rows.extend(page)
                    qs["offset"] = len(rows)
                    if len(page) < 1000:
                        break
                emit(rows, {"item": i})
            elif operation == "update":
                emit(call("PATCH", path, i, body=_record(ctx, item, i) or None, qs=qs), {"item": i})
            else:
                emit(call("DELETE", path, i, qs=qs), {"item": i})
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            emit({"error": exc.message if operation == "get" else exc.description}, {"item": i})
    return [out]
