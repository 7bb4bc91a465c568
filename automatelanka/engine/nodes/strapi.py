"""Strapi (n8n-nodes-base.strapi v1): entries of a content type over Strapi's REST API, v3 and v4.

Base: the credential's ``url`` (a configured ``strapi`` base URL overrides it), with ``/api`` in
front of every path when the credential's ``apiVersion`` is ``v4`` (default ``v3``). Credentials:
``authentication: password`` (default) logs in once per run with strapiApi's email/password
(``POST /auth/local``, ``/api/auth/local`` on v4) and sends ``Authorization: Bearer <jwt>``;
``token`` sends strapiTokenApi's ``apiToken`` as a bearer token.

Entry create/get/getAll/update/delete, as n8n does them: create/update send the item's
``columns`` (v3) or, when any column is present, the whole item as ``{data: item}`` (v4); get/update
unwrap ``data`` on v4; getAll pages with ``_start``/``_limit`` (v3, 20 a page) or
``pagination[page]``/``pagination[pageSize]`` (v4) until an empty page, or asks for ``limit``,
with sort, where (``_where``/``filters``, qs-style brackets) and publication state. The query
object is shared by all items of a run, as in n8n. Strapi has no other resource.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import api_base, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Strapi"
PAGE_SIZE = 20
_MISSING = object()


def qs_pairs(qs: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Query pairs as the ``qs`` library writes them with ``arrayFormat: indices``."""
    out: list[tuple[str, str]] = []
    for key, value in qs.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, list):
            out.extend(qs_pairs({str(index): entry for index, entry in enumerate(value)}, name))
        elif isinstance(value, dict):
            out.extend(qs_pairs(value, name))
        else:
            out.append((name, "" if value is None else js_string(value)))
    return out


class Strapi:
    """Requests to one Strapi server with the node's credential (and login JWT)."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.password = ctx.param("authentication", 0, "password") == "password"
        kind = "strapiApi" if self.password else "strapiTokenApi"
        self.fields = credential(ctx, kind) or {}
        self.version = self.fields.get("apiVersion") or "v3"
        url = api_base(ctx, "strapi", "", self.fields, key="url")
        if not url:
            raise NodeError(f"The {kind} credential has no URL", description="Set the Strapi server URL in it.")
        self.url = url
        if self.password:
            token = self._login()
            self.api = Api(ctx, self.root, headers={"Authorization": f"Bearer {js_string(token)}"})
        else:
            self.api = Api(ctx, self.root, auth={"bearer": js_string(self.fields.get("apiToken", ""))})

    @property
    def v4(self) -> bool:
        return self.version == "v4"

    @property
    def root(self) -> str:
        return f"{self.url}/api" if self.v4 else self.url

    def _login(self) -> Any:
        """GenericFunctions.getToken: the login's ``jwt`` (a plain request: its errors are not wrapped)."""
        body = {"identifier": self.fields.get("email", ""), "password": self.fields.get("password", "")}
        response = request(self.ctx, "POST", f"{self.root}/auth/local", json=body, never_error=True,
                           headers={"content-type": "application/json"})
        data = decode(response)
        if response.status_code >= 400:
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            raise NodeApiError(f"{response.status_code} - {text}", http_code=str(response.status_code),
                               context={"errorResponse": data})
        return data.get("jwt") if isinstance(data, dict) else None

    def call(self, method: str, path: str, i: int, qs: dict[str, Any], body: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, path, i, body=body or None, qs=qs_pairs(qs) or None)

    def all_items(self, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """strapiApiRequestAllItems: pages of 20 until an empty one (mutates ``qs`` as n8n does)."""
        rows: list[Any] = []
        if self.v4:
            qs["pagination[pageSize]"] = PAGE_SIZE
            qs["pagination[page]"] = 1
        else:
            qs["_limit"] = PAGE_SIZE
            qs["_start"] = 0
        while True:
            page = self.call("GET", path, i, qs)
            if self.v4:
                page = page.get("data") if isinstance(page, dict) else None
                qs["pagination[page]"] += 1
            else:
                qs["_start"] += qs["_limit"]
            page = page if isinstance(page, list) else []
            rows.extend(page)
            if not page:
                return rows


def _body(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any]) -> dict[str, Any]:
    """The item's listed columns (v3), or ``{data: item}`` when any is listed (v4)."""
    columns = [c.strip() for c in js_string(ctx.param("columns", i, "")).split(",")]
    data = item.get("json") or {}
    body: dict[str, Any] = {}
    for key in data:
        if key in columns:
            if strapi.v4:
                body["data"] = data
            else:
                body[key] = data[key]
    return body


def _content_type(ctx: NodeContext, i: int) -> str:
    return js_string(ctx.param("contentType", i, ""))


def _create(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any], qs: dict[str, Any]) -> Any:
    return strapi.call("POST", f"/{_content_type(ctx, i)}", i, qs, _body(strapi, ctx, i, item))


def _delete(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any], qs: dict[str, Any]) -> Any:
    entry = js_string(ctx.param("entryId", i, ""))
    return strapi.call("DELETE", f"/{_content_type(ctx, i)}/{entry}", i, qs)


def _get(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any], qs: dict[str, Any]) -> Any:
    entry = js_string(ctx.param("entryId", i, ""))
    response = strapi.call("GET", f"/{_content_type(ctx, i)}/{entry}", i, qs)
    return _unwrap(strapi, response)


def _update(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any], qs: dict[str, Any]) -> Any:
    content_type = _content_type(ctx, i)
    update_key = js_string(ctx.param("updateKey", i, "id"))
    entry = (item.get("json") or {}).get(update_key, _MISSING)
    entry_id = "undefined" if entry is _MISSING else js_string(entry)
    body = _body(strapi, ctx, i, item)
    return _unwrap(strapi, strapi.call("PUT", f"/{content_type}/{entry_id}", i, qs, body))


def _unwrap(strapi: Strapi, response: Any) -> Any:
    if strapi.v4:
        return response.get("data") if isinstance(response, dict) else None
    return response


def _where(options: dict[str, Any], i: int) -> Any:
    """validateJSON(options.where), or n8n's error for text that is not JSON."""
    text = options["where"]
    try:
        return json.loads(text if isinstance(text, str) else js_string(text))
    except ValueError:
        raise NodeError("Query must be a valid JSON", item_index=i) from None


def _get_all(strapi: Strapi, ctx: NodeContext, i: int, item: dict[str, Any], qs: dict[str, Any]) -> Any:
    return_all = ctx.param("returnAll", i, False)
    path = f"/{_content_type(ctx, i)}"
    options = ctx.param("options", i, {}) or {}
    prefix = "" if strapi.v4 else "_"
    sort = options.get("sort")
    if sort:
        qs[f"{prefix}sort"] = ",".join(js_string(s) for s in sort) if isinstance(sort, list) else sort
    if options.get("where"):
        qs["filters" if strapi.v4 else "_where"] = _where(options, i)
    if options.get("publicationState"):
        qs[f"{prefix}publicationState"] = options["publicationState"]
    if return_all:
        return strapi.all_items(path, i, qs)
    if strapi.v4:
        qs["pagination[pageSize]"] = ctx.param("limit", i, 50)
        response = strapi.call("GET", path, i, qs)
        return response.get("data") if isinstance(response, dict) else None
    qs["_limit"] = ctx.param("limit", i, 50)
    return strapi.call("GET", path, i, qs)


_OPERATIONS = {"create": _create, "delete": _delete, "get": _get, "getAll": _get_all, "update": _update}


@register("n8n-nodes-base.strapi", versions=(1,), display_name="Strapi")
@register("n8n-nodes-base.strapiTool", versions=(1,), display_name="Strapi Tool")
def strapi(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "entry")
    operation = ctx.param("operation", 0, "get")
    handler = _OPERATIONS.get(operation) if resource == "entry" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = Strapi(ctx)
    qs: dict[str, Any] = {}  # one query object for the whole run, as in n8n's execute()
    return [per_item(ctx, lambda i, item: handler(client, ctx, i, item, qs))]
