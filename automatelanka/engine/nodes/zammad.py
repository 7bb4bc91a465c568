"""Zammad (n8n-nodes-base.zammad v1): users, organizations, groups and tickets over REST ``/api/v1``.

Base: configured ``zammad`` base URL, else the credential's ``baseUrl`` (a trailing slash dropped),
plus ``/api/v1``. ``authentication: tokenAuth`` (default) uses zammadTokenAuthApi
(``Authorization: Token token=<accessToken>``), ``basicAuth`` zammadBasicAuthApi (username/password);
``allowUnauthorizedCerts`` turns TLS verification off. Supported, as in n8n 1.121:

- user create/update/delete/get/getAll (``/users/search`` with ``query`` ('' when empty) and sort,
  ``_preferences`` removed)/getSelf (``/users/me``);
- organization and group create/update/delete/get/getAll;
- ticket create (then its articles from ``/ticket_articles/by_ticket/<id>`` as ``articles``)/delete/
  get (with ``articles``)/getAll.

getAll pages with ``per_page=20&page=1,2,...`` until an empty page; with a limit it stops once more
than ``limit`` rows were read (n8n's ``>``) and cuts. delete answers ``{success: true}``; an empty
update fails as in n8n; custom fields come from ``customFieldsUi.customFieldPairs``. A 'Object already
exists!' answer is reported as 'An entity with this name already exists.'. Continue-on-fail error items
are ``{error: message}`` without pairedItem. Every operation of the node is covered; anything else
fails with "not supported yet".
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Zammad"
_EXISTS = "Object already exists!"
_PLURAL = {"user": "users", "organization": "organizations", "group": "groups", "ticket": "tickets"}


class _Zammad:
    """``zammadApiRequest`` / ``zammadApiRequestAllItems`` with the node's credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.basic = ctx.param("authentication", 0, "tokenAuth") == "basicAuth"
        self._api: Api | None = None
        self._verify = True

    def _client(self) -> Api:
        if self._api is None:
            kind = "zammadBasicAuthApi" if self.basic else "zammadTokenAuthApi"
            fields = credential(self.ctx, kind) or {}
            base = api_base(self.ctx, "zammad", str(fields.get("baseUrl") or ""), fields)
            auth = ({"basic": (fields.get("username") or "", fields.get("password") or "")} if self.basic
                    else {"header": ("Authorization", f"Token token={fields.get('accessToken') or ''}")})
            self._verify = not fields.get("allowUnauthorizedCerts")
            self._api = Api(self.ctx, f"{base}/api/v1", None, fields=fields, auth=auth)
        return self._api

    def call(self, method: str, path: str, i: int, *, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        api = self._client()
        try:
            return api.call(method, path, i, body=body or None, qs=dict(qs) if qs else None,
                            verify=self._verify)
        except NodeApiError as exc:
            detail = (exc.context or {}).get("errorResponse")
            if isinstance(detail, dict) and detail.get("error") == _EXISTS:
                detail["error"] = "An entity with this name already exists."
                if exc.description == _EXISTS:
                    exc.description = detail["error"]
            raise

    def all_items(self, path: str, i: int, qs: dict[str, Any], limit: int) -> list[Any]:
        query = {**qs, "per_page": 20, "page": 1}
        rows: list[Any] = []
        while True:
            page = self.call("GET", path, i, qs=query)
            page = page if isinstance(page, list) else []
            rows.extend(page)
            if limit and len(rows) > limit:
                return rows[:limit]
            query["page"] += 1
            if not page:
                return rows


def _custom_fields(fields: dict[str, Any], body: dict[str, Any]) -> None:
    """``customFieldsUi?.customFieldPairs.forEach(pair => body[pair.name] = pair.value)``."""
    if "customFieldsUi" not in fields or fields["customFieldsUi"] is None:
        return
    ui = fields["customFieldsUi"]
    pairs = ui.get("customFieldPairs") if isinstance(ui, dict) else None
    if not isinstance(pairs, list):
        raise NodeError("Cannot read properties of undefined (reading 'forEach')")
    for pair in pairs:
        body[str(pair.get("name"))] = pair.get("value")


def _fill(fields: dict[str, Any], body: dict[str, Any], *, address: bool) -> dict[str, Any]:
    """Address details, custom fields, then the remaining fields (n8n's ``Object.assign`` order)."""
    if address and isinstance(fields.get("addressUi"), dict):
        body.update(fields["addressUi"].get("addressDetails") or {})
    _custom_fields(fields, body)
    body.update({k: v for k, v in fields.items() if k not in ("addressUi", "customFieldsUi")})
    return body


def _create(resource: str):
    def run(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
        if resource == "user":
            body = {"firstname": ctx.param("firstname", i, ""), "lastname": ctx.param("lastname", i, "")}
        else:
            body = {"name": ctx.param("name", i, "")}
        fields = ctx.param("additionalFields", i, {}) or {}
        _fill(fields, body, address=resource == "user")
        return zm.call("POST", f"/{_PLURAL[resource]}", i, body=body)
    return run


def _update(resource: str):
    def run(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
        record_id = ctx.param("id", i, "")
        fields = ctx.param("updateFields", i, {}) or {}
        if not fields:
            raise NodeError(f"Please enter at least one field to update for the {resource}")
        body = _fill(fields, {}, address=resource == "user")
        return zm.call("PUT", f"/{_PLURAL[resource]}/{record_id}", i, body=body)
    return run


def _delete(resource: str):
    def run(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
        zm.call("DELETE", f"/{_PLURAL[resource]}/{ctx.param('id', i, '')}", i)
        return {"success": True}
    return run


def _get(resource: str):
    def run(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
        record_id = ctx.param("id", i, "")
        data = zm.call("GET", f"/{_PLURAL[resource]}/{record_id}", i)
        if resource == "ticket":
            _with_articles(zm, data, record_id, i)
        return data
    return run


def _with_articles(zm: _Zammad, data: Any, ticket_id: Any, i: int) -> None:
    articles = zm.call("GET", f"/ticket_articles/by_ticket/{ticket_id}", i)
    if isinstance(data, dict):
        data["articles"] = articles


def _limit(ctx: NodeContext, i: int) -> int:
    return 0 if ctx.param("returnAll", i, False) else int(ctx.param("limit", i, 50) or 0)


def _get_all(resource: str):
    def run(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
        return zm.all_items(f"/{_PLURAL[resource]}", i, {}, _limit(ctx, i))
    return run


def _user_get_all(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    qs: dict[str, Any] = {}
    sort = filters.get("sortUi")
    if isinstance(sort, dict):
        qs.update(sort.get("sortDetails") or {})
    qs.update({k: v for k, v in filters.items() if k != "sortUi"})
    qs["query"] = qs.get("query") or ""
    rows = zm.all_items("/users/search", i, qs, _limit(ctx, i))
    return [{k: v for k, v in row.items() if k != "_preferences"} if isinstance(row, dict) else row
            for row in rows]


def _ticket_create(zm: _Zammad, ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"article": {}, "title": ctx.param("title", i, ""),
                            "group": ctx.param("group", i, ""), "customer": ctx.param("customer", i, "")}
    article = ctx.param("article", i, {}) or {}
    if not article:
        raise NodeError("Article is required", item_index=i)
    details = dict(article.get("articleDetails") or {})
    visibility = details.pop("visibility", None)
    body["article"] = {**details, "internal": visibility == "internal"}
    data = zm.call("POST", "/tickets", i, body=body)
    _with_articles(zm, data, data.get("id") if isinstance(data, dict) else None, i)
    return data


_OPERATIONS: dict[tuple[str, str], Any] = {
    ("user", "getAll"): _user_get_all,
    ("user", "getSelf"): lambda zm, ctx, i: zm.call("GET", "/users/me", i),
    ("ticket", "create"): _ticket_create,
}
for _resource in ("user", "organization", "group"):
    _OPERATIONS[(_resource, "create")] = _create(_resource)
    _OPERATIONS[(_resource, "update")] = _update(_resource)
for _resource in ("user", "organization", "group", "ticket"):
    _OPERATIONS[(_resource, "delete")] = _delete(_resource)
    _OPERATIONS[(_resource, "get")] = _get(_resource)
    _OPERATIONS.setdefault((_resource, "getAll"), _get_all(_resource))


@register("n8n-nodes-base.zammad", versions=(1,), display_name="Zammad")
@register("n8n-nodes-base.zammadTool", versions=(1,), display_name="Zammad Tool")
def zammad(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "user")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    zm = _Zammad(ctx)
    return [per_item(ctx, lambda i, _item: handler(zm, ctx, i), pair_errors=False)]
