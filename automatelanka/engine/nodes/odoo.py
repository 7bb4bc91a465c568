"""Odoo (n8n-nodes-base.odoo v1): records over Odoo's JSON-RPC API.

Auth: the ``odooApi`` credential (``url``, ``username``, ``password``, optional ``db``; without
``db`` the first label of the URL's host name, as n8n's ``odooGetDBName``). Every call is a POST of
``{jsonrpc: "2.0", method: "call", params: {service, method, args}, id}`` to ``<url>/jsonrpc``
(``services.base_urls["odoo"]`` overrides the URL). The node first logs in once
(``common.login`` -> uid, outside the per-item loop as n8n), then per item calls
``object.execute(db, uid, password, model, method, ...)``.

Resources: ``contact`` (res.partner; the ``address`` fields are flattened into the record),
``opportunity`` (crm.lead), ``note`` (note.note, ``memo``) and ``custom`` (any model, field
name/value pairs, ``filterRequest`` domain filters). Operations on each: create (-> ``{id}``),
get (``read``, one item per record), getAll (``search_read`` with offset 0 and ``limit``, 0 under
``returnAll``), update (``write`` -> ``{id}``), delete (``unlink`` -> ``{success: true}``); an ID
that is not a positive integer fails with n8n's "Please specify a valid ID" before any request.

A JSON-RPC ``error`` answer fails with its ``error.data.message``; under continue-on-fail a failing
item becomes ``{error: message}`` paired with its input. Anything else fails with "not supported yet".
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Odoo"
_HEADERS = {"User-Agent": "n8n", "Connection": "keep-alive", "Accept": "*/*", "Content-Type": "application/json"}
_MODELS = {"contact": "res.partner", "opportunity": "crm.lead", "note": "note.note"}
_METHODS = {"create": "create", "get": "read", "getAll": "search_read", "update": "write", "delete": "unlink"}
_FILTER_OPERATORS = {"equal": "=", "notEqual": "!=", "greaterThen": ">", "lesserThen": "<", "greaterOrEqual": ">=",
                     "lesserOrEqual": "<=", "like": "like", "in": "in", "notIn": "not in", "childOf": "child_of"}
#: the record-id parameter of each resource
_ID_PARAM = {"contact": "contactId", "opportunity": "opportunityId", "note": "noteId", "custom": "customResourceId"}


def db_name(database: Any, url: str) -> str:
    """n8n's ``odooGetDBName``: the configured database, else the host name's first label."""
    if database:
        return str(database)
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not urlsplit(url).scheme or host is None:
        raise NodeError("Invalid URL")
    return host.split(".")[0] if host else ""


def _js_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class _Odoo:
    """A logged-in JSON-RPC session (``odooJSONRPCRequest`` and the CRUD helpers)."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = credential(ctx, "odooApi") or {}
        url = re.sub(r"/$", "", str(fields.get("url") or ""))
        configured = ctx.state.services.base_urls.get("odoo")
        self.api = Api(ctx, configured.rstrip("/") if configured else url, headers=_HEADERS)
        self.password = fields.get("password")
        self.db = db_name(fields.get("db"), url or str(configured or ""))
        self.uid = self.rpc("common", "login", [self.db, fields.get("username"), self.password], 0)

    def rpc(self, service: str, method: str, args: list[Any], i: int) -> Any:
        body = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args},
                "id": random.randrange(100)}
        answer = self.api.call("POST", "/jsonrpc", i, body=body)
        if isinstance(answer, dict) and answer.get("error"):
            data = answer["error"].get("data") if isinstance(answer["error"], dict) else None
            if not isinstance(data, dict):  # n8n reads response.error.data.message
                raise NodeApiError("Cannot read properties of undefined (reading 'message')", item_index=i)
            raise NodeApiError(_js_str(data.get("message")), item_index=i, context={"errorResponse": data})
        return answer.get("result") if isinstance(answer, dict) else None

    def execute(self, model: str, method: str, args: list[Any], i: int) -> Any:
        return self.rpc("object", "execute", [self.db, self.uid, self.password, model, method, *args], i)


def _valid_id(value: Any, i: int) -> int:
    text = _js_str(value)
    if not re.fullmatch(r"\d+", text) or int(text) == 0:
        raise NodeApiError(f"Please specify a valid ID: {text}", item_index=i)
    return int(text)


def _model(ctx: NodeContext, resource: str, i: int) -> str:
    if resource == "custom":
        name = _js_str(ctx.param("customResource", i, ""))
        return _MODELS.get(name, name)
    return _MODELS[resource]


def _name_value_fields(value: Any) -> dict[str, Any] | None:
    """``processNameValueFields``: ``{fields: [{fieldName, fieldValue}]}`` -> ``{name: value}``."""
    rows = value.get("fields") if isinstance(value, dict) else None
    if rows is None:
        return None
    return {_js_str(row.get("fieldName", "")): row.get("fieldValue", "") for row in rows}


def _filters(value: Any) -> list[list[Any]]:
    """``processFilters``: each filter as ``[fieldName, operator, value]`` (empty -> no domain)."""
    rows = value.get("filter") if isinstance(value, dict) else None
    if not rows:
        return []
    return [[row.get("fieldName", ""), _FILTER_OPERATORS.get(row.get("operator", "equal")), row.get("value", "")]
            for row in rows]


def _with_address(fields: dict[str, Any]) -> dict[str, Any]:
    """A contact's ``address.value`` fields merged into the record (``address`` itself dropped)."""
    fields = dict(fields)
    if fields.get("address"):
        address = fields["address"].get("value") if isinstance(fields["address"], dict) else None
        if address:
            fields.update(address)
        fields.pop("address", None)
    return fields


def _record(ctx: NodeContext, resource: str, i: int, *, update: bool) -> dict[str, Any] | None:
    """The field values of a create / update for ``resource``."""
    if resource == "custom":
        return _name_value_fields(ctx.param("fieldsToCreateOrUpdate", i, {}))
    if resource == "note":
        return {"memo": ctx.param("memo", i, "")}
    if update:
        fields = dict(ctx.param("updateFields", i, {}) or {})
        return _with_address(fields) if resource == "contact" else fields
    extra = dict(ctx.param("additionalFields", i, {}) or {})
    if resource == "contact":
        return {"name": ctx.param("contactName", i, ""), **_with_address(extra)}
    return {"name": ctx.param("opportunityName", i, ""), **extra}


def _create(ctx: NodeContext, odoo: _Odoo, resource: str, i: int) -> Any:
    record = _record(ctx, resource, i, update=False)
    return {"id": odoo.execute(_model(ctx, resource, i), "create", [record or {}], i)}


def _get(ctx: NodeContext, odoo: _Odoo, resource: str, i: int) -> Any:
    model = _model(ctx, resource, i)
    record_id = _valid_id(ctx.param(_ID_PARAM[resource], i, ""), i)
    fields = (ctx.param("options", i, {}) or {}).get("fieldsList") or []
    return odoo.execute(model, "read", [[record_id], fields], i)


def _get_all(ctx: NodeContext, odoo: _Odoo, resource: str, i: int) -> Any:
    model = _model(ctx, resource, i)
    return_all = ctx.param("returnAll", i, False)
    fields = (ctx.param("options", i, {}) or {}).get("fieldsList") or []
    domain = _filters(ctx.param("filterRequest", i, {})) if resource == "custom" else []
    limit = 0 if return_all else ctx.param("limit", i, 50)
    return odoo.execute(model, "search_read", [domain, fields, 0, limit], i)


def _update(ctx: NodeContext, odoo: _Odoo, resource: str, i: int) -> Any:
    model = _model(ctx, resource, i)
    raw_id = ctx.param(_ID_PARAM[resource], i, "")
    record = _record(ctx, resource, i, update=True)
    if record is None:  # Object.keys(undefined)
        raise NodeApiError("Cannot convert undefined or null to object", item_index=i)
    if not record:
        raise NodeApiError("Please specify at least one field to update", item_index=i)
    odoo.execute(model, "write", [[_valid_id(raw_id, i)], record], i)
    return {"id": raw_id}


def _delete(ctx: NodeContext, odoo: _Odoo, resource: str, i: int) -> Any:
    model = _model(ctx, resource, i)
    record_id = _valid_id(ctx.param(_ID_PARAM[resource], i, ""), i)
    odoo.execute(model, "unlink", [[record_id]], i)
    return {"success": True}


_OPERATIONS: dict[str, Callable[[NodeContext, _Odoo, str, int], Any]] = {
    "create": _create, "get": _get, "getAll": _get_all, "update": _update, "delete": _delete}


@register("n8n-nodes-base.odoo", versions=(1,), display_name=DISPLAY)
def odoo(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "contact")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource in _ID_PARAM else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    session = _Odoo(ctx)
    return [per_item(ctx, lambda i, _item: handler(ctx, session, resource, i))]
