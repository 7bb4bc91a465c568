"""Brevo (n8n-nodes-base.sendInBlue v1): contacts, following the declarative node's routing.

Base: configured ``sendInBlue`` base URL, else https://api.brevo.com; sendInBlueApi (``api-key``
header). Contact ``create`` (POST /v3/contacts ``{email, attributes}``; the answer is output),
``upsert`` (the same with ``updateEnabled: true``; ``{success: true}``), ``get`` (GET
/v3/contacts/<encodeURIComponent(identifier)>), ``delete`` and ``update`` (PUT ``{attributes}``)
answering ``{success: true}``, ``getAll`` (GET /v3/contacts with ``limit``, ``sort``,
``modifiedSince``; items from ``contacts``; with ``returnAll`` offset pages of 1000 while a page is
full). Attribute names build ``attributes.<fieldName>`` as n8n's ``send.property``. As n8n's routing
node, the node sets no ``pairedItem`` (the executor pairs items as n8n does) and a failed item
under continue-on-fail is ``{json: {}, error}``.
Not supported yet: the attribute, email and sender resources.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Brevo"
_PAGE = 1000
_SUCCESS = {"success": True}


def _encode(value: Any) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return quote(str(value), safe="-_.!~*'()")


def _attributes(collection: Any, key: str) -> dict[str, Any]:
    """The body built by the rows' ``send.property: attributes.<fieldName>`` (``{}`` without rows)."""
    rows = (collection or {}).get(key) if isinstance(collection, dict) else None
    attributes: dict[str, Any] = {}
    for row in rows or []:
        attributes[str(row.get("fieldName", ""))] = row.get("fieldValue", "")
    return {"attributes": attributes} if attributes else {}


def _create(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    body = {"email": ctx.param("email", i, ""),
            **_attributes(ctx.param("createContactAttributes", i, {}), "attributesValues")}
    return [api.call("POST", "/v3/contacts", i, body=body)]


def _upsert(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    body = {"email": ctx.param("email", i, ""),
            **_attributes(ctx.param("upsertAttributes", i, {}), "upsertAttributesValues"), "updateEnabled": True}
    api.call("POST", "/v3/contacts", i, body=body)
    return [dict(_SUCCESS)]


def _get(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    return [api.call("GET", f"/v3/contacts/{_encode(ctx.param('identifier', i, ''))}", i)]


def _delete(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    api.call("DELETE", f"/v3/contacts/{_encode(ctx.param('identifier', i, ''))}", i)
    return [dict(_SUCCESS)]


def _update(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    body = _attributes(ctx.param("updateAttributes", i, {}), "updateAttributesValues")
    api.call("PUT", f"/v3/contacts/{_encode(ctx.param('identifier', i, ''))}", i, body=body)
    return [dict(_SUCCESS)]


def _contacts(answer: Any) -> list[Any]:
    rows = answer.get("contacts") if isinstance(answer, dict) else None
    return list(rows) if isinstance(rows, list) else []


def _get_all(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    qs: dict[str, Any] = {}
    sort = (ctx.param("options", i, {}) or {}).get("sort")
    since = (ctx.param("filters", i, {}) or {}).get("modifiedSince")
    if not ctx.param("returnAll", i, False):
        qs["limit"] = ctx.param("limit", i, 50)
    if sort:
        qs["sort"] = sort
    if since:
        qs["modifiedSince"] = since
    if not ctx.param("returnAll", i, False):
        return _contacts(api.call("GET", "/v3/contacts", i, qs=qs))
    rows: list[Any] = []
    offset = 0
    while True:
        page = _contacts(api.call("GET", "/v3/contacts", i, qs={**qs, "limit": _PAGE, "offset": offset}))
        rows.extend(page)
        offset += _PAGE
        if len(page) != _PAGE:
            return rows


_OPERATIONS = {"create": _create, "upsert": _upsert, "get": _get, "delete": _delete, "update": _update,
               "getAll": _get_all}


def _items(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"json": row if row not in (None, "") else {}} for row in rows]


@register("n8n-nodes-base.sendInBlue", versions=(1,), display_name="Brevo")
@register("n8n-nodes-base.sendInBlueTool", versions=(1,), display_name="Brevo Tool")
def send_in_blue(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "email")
    operation = ctx.param("operation", 0, "create" if resource == "contact" else "send")
    handler = _OPERATIONS.get(operation) if resource == "contact" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "sendInBlueApi") or {}
    api = Api(ctx, base_url(ctx, "sendInBlue", "https://api.brevo.com"), fields=fields,
              auth={"header": ("api-key", str(fields.get("apiKey") or ""))})
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            out.extend(_items(handler(ctx, api, i)))
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {}, "error": {"message": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
    return [out]
