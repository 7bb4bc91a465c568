"""FileMaker (n8n-nodes-base.filemaker v1): records over the FileMaker Data API v1.

Base: configured ``filemaker`` base URL, else https://<host>/fmi/data/v1 from the fileMaker
credential (host, db, login, password). As in n8n, the node logs in once (``POST
/databases/<db>/sessions`` with basic auth) and sends ``Authorization: Bearer <token>``, then logs
out (``DELETE /databases/<db>/sessions/<token>``) after the items. Actions: create, edit (PATCH;
``modId`` is not sent, as in n8n), delete, duplicate, find (``_find`` with queries, sort, offset,
limit, response layout), records (offset/limit/portals; "Sort Data?" fails as in n8n), record
(by id), performscript. Scripts before/presort/after are passed with n8n's quirks (the after
script's parameter is its name). Each item outputs the Data API answer as is; an error answer
(non-2xx JSON) is output too, like n8n. Differences: an unknown action fails as "not supported
yet" before login (n8n logs in first); a transport error fails the item instead of giving an
empty item.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._rest import query_pairs
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "FileMaker"
NOT_JSON = "DataAPI response body is not valid JSON. Is the DataAPI enabled?"
ACTIONS = ("record", "records", "find", "create", "edit", "performscript", "duplicate", "delete")


class _Plain(NodeError):
    """A JS runtime error n8n rewraps as 'The action "<message>" is not implemented yet!'."""

    def __init__(self, raw: str, item_index: int) -> None:
        super().__init__(f'The action "{raw}" is not implemented yet!')
        self.raw = raw
        self.raw_index = item_index


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _decode(response: Any) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _token(ctx: NodeContext, url: str, fields: dict[str, Any]) -> str:
    """``getToken``: a Data API session token (errors as n8n words them)."""
    login, password = fields.get("login") or "", fields.get("password") or ""
    body = {"fmDataSource": [{"database": fields.get("host") or "", "username": login, "password": password}]}
    try:
        response = request(ctx, "POST", f"{url}/databases/{_text(fields.get('db'))}/sessions",
                           auth={"basic": (login, password)}, json=body, never_error=True)
    except NodeError as exc:
        raise NodeError(exc.message) from None
    data = _decode(response)
    if response.status_code == 502:
        raise NodeError("The server is not responding. Is the DataAPI enabled?")
    if response.status_code >= 400:
        messages = data.get("messages") if isinstance(data, dict) else None
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            raise NodeError(f"{_text(messages[0].get('code'))} - {_text(messages[0].get('message'))}")
        raise NodeError("Cannot read properties of undefined (reading '0')")
    if isinstance(data, str):
        raise NodeError(NOT_JSON)
    token = ((data or {}).get("response") or {}).get("token") if isinstance(data, dict) else None
    return _text(token)


def _scripts(ctx: NodeContext, i: int) -> dict[str, Any]:
    """n8n's ``parseScripts`` (including its quirks)."""
    after = ctx.param("setScriptAfter", i, False)
    before = ctx.param("setScriptBefore", i, False)
    presort = ctx.param("setScriptSort", i, False)
    if not after and before and presort:
        return {}
    scripts: dict[str, Any] = {}
    if after:
        scripts["script"] = ctx.param("scriptAfter", i, "")
        scripts["script.param"] = ctx.param("scriptAfter", i, "")
    if before:
        scripts["script.prerequest"] = ctx.param("scriptBefore", i, "")
        scripts["script.prerequest.param"] = ctx.param("scriptBeforeParam", i, "")
    if presort:
        scripts["script.presort"] = ctx.param("scriptSort", i, "")
        scripts["script.presort.param"] = ctx.param("scriptSortParam", i, "")
    return scripts


def _sort(ctx: NodeContext, i: int) -> list[dict[str, Any]] | None:
    if not ctx.param("setSort", i, False):
        return None
    rules = (ctx.param("sortParametersUi", i, {}) or {}).get("rules") or []
    return [{"fieldName": r.get("name", ""), "sortOrder": r.get("value", "ascend")} for r in rules]


def _portals(ctx: NodeContext, i: int) -> str:
    portals = ctx.param("portals", i, []) if ctx.param("getPortals", i, False) else []
    return json.dumps(portals, separators=(",", ":"))


def _query(ctx: NodeContext, i: int) -> list[dict[str, Any]] | None:
    queries = (ctx.param("queries", i, {}) or {}).get("query")
    if queries is None:
        return None
    out = []
    for entry in queries:
        query: dict[str, Any] = {"omit": "true" if entry.get("omit") else "false"}
        for field in ((entry.get("fields") or {}).get("field") or []):
            query[field.get("name", "")] = field.get("value", "")
        out.append(query)
    return out


def _fields(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = (ctx.param("fieldsParametersUi", i, {}) or {}).get("fields") or []
    return {f.get("name", ""): f.get("value", "") for f in fields}


def _build(ctx: NodeContext, action: str, layout_url: str, i: int) -> dict[str, Any]:
    """Method, path, query and body of ``action`` for item ``i``."""
    recid = lambda: _text(ctx.param("recid", i, ""))  # noqa: E731
    json_header = {"Content-Type": "application/json"}
    if action == "record":
        return {"method": "GET", "url": f"{layout_url}/records/{recid()}",
                "qs": {"portal": _portals(ctx, i), **_scripts(ctx, i)}}
    if action == "records":
        spec = {"method": "GET", "url": f"{layout_url}/records",
                "qs": {"_offset": ctx.param("offset", i, 1), "_limit": ctx.param("limit", i, 100),
                       "portal": _portals(ctx, i), **_scripts(ctx, i)}}
        if _sort(ctx, i) is not None:
            raise _Plain("Cannot set properties of undefined (setting 'sort')", i)
        return spec
    if action == "find":
        body = {"query": _query(ctx, i), "offset": ctx.param("offset", i, 1), "limit": ctx.param("limit", i, 100),
                "layout.response": ctx.param("responseLayout", i, ""), **_scripts(ctx, i)}
        sort = _sort(ctx, i)
        if sort:
            body["sort"] = sort
        return {"method": "POST", "url": f"{layout_url}/_find", "json": body}
    if action in ("create", "edit"):
        body = {"fieldData": _fields(ctx, i), "portalData": {}, **_scripts(ctx, i)}
        url = f"{layout_url}/records" if action == "create" else f"{layout_url}/records/{recid()}"
        return {"method": "POST" if action == "create" else "PATCH", "url": url, "json": body,
                "headers": json_header}
    if action == "performscript":
        return {"method": "GET", "url": f"{layout_url}/script/{_text(ctx.param('script', i, ''))}",
                "qs": {"script.param": ctx.param("scriptParam", i, "")}}
    if action == "duplicate":
        return {"method": "POST", "url": f"{layout_url}/records/{recid()}", "qs": _scripts(ctx, i),
                "headers": json_header}
    return {"method": "DELETE", "url": f"{layout_url}/records/{recid()}", "qs": _scripts(ctx, i)}


def _run(ctx: NodeContext, action: str, db_url: str, token: str, i: int) -> dict[str, Any]:
    spec = _build(ctx, action, f"{db_url}/layouts/{_text(ctx.param('layout', i, ''))}", i)
    headers = {"Authorization": f"Bearer {token}", **spec.get("headers", {})}
    kwargs: dict[str, Any] = {"headers": headers}
    if spec.get("qs"):
        kwargs["params"] = query_pairs(spec["qs"])
    if "json" in spec:
        kwargs["json"] = spec["json"]
    response = request(ctx, spec["method"], spec["url"], item_index=i, never_error=True, **kwargs)
    data = _decode(response)
    if isinstance(data, str):
        raise NodeError(NOT_JSON, item_index=i)
    return {"json": data if data is not None else {}, "pairedItem": {"item": i}}


@register("n8n-nodes-base.filemaker", versions=(1,), display_name="FileMaker")
@register("n8n-nodes-base.filemakerTool", versions=(1,), display_name="FileMaker Tool")
def filemaker(ctx: NodeContext) -> NodeOutput:
    action = ctx.param("action", 0, "record")
    if action not in ACTIONS:
        raise unsupported(DISPLAY, "", str(action))
    fields = credential(ctx, "fileMaker") or {}
    url = base_url(ctx, "filemaker", f"https://{_text(fields.get('host'))}/fmi/data/v1")
    db_url = f"{url}/databases/{_text(fields.get('db'))}"
    token = _token(ctx, url, fields)
    items = per_item(ctx, lambda i, _item: _run(ctx, action, db_url, token, i), ready=True,
                     error_text=lambda exc: getattr(exc, "raw", exc.message), error_index="never")
    request(ctx, "DELETE", f"{db_url}/sessions/{token}")
    return [items]
