"""Zendesk (n8n-nodes-base.zendesk v1, zendeskTool) over the Zendesk Support API v2.

Base: configured ``zendesk`` base URL, else ``https://<subdomain>.zendesk.com/api/v2``; paths end
in ``.json``. Auth: zendeskApi (basic ``<email>/token`` + apiToken) or zendeskOAuth2Api.
Implemented: ticket create/get/getAll/update/delete/recover, ticketField get/getAll, user
create/get/getAll/update/delete/search/getOrganizations/getRelatedData, organization
create/get/getAll/update/delete/count/getRelatedData. As in n8n the query object is shared by
the items of a run and continue-on-fail error items carry no pairedItem.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Zendesk"


class _Zendesk:
    def __init__(self, ctx: NodeContext) -> None:
        oauth = ctx.param("authentication", 0, "apiToken") != "apiToken"
        kind = "zendeskOAuth2Api" if oauth else "zendeskApi"
        fields = credential(ctx, kind) or {}
        configured = ctx.state.services.base_urls.get("zendesk")
        base = configured or f"https://{fields.get('subdomain') or ''}.zendesk.com/api/v2"
        if oauth:
            self.api = Api(ctx, base, kind, fields=fields)
        else:
            self.api = Api(ctx, base, fields=fields,
                           auth={"basic": (f"{fields.get('email') or ''}/token", fields.get("apiToken") or "")})
        self.qs: dict[str, Any] = {}

    def call(self, method: str, resource: str, i: int, body: Any = None, qs: dict[str, Any] | None = None,
             url: str | None = None) -> Any:
        path = resource if "webhooks" in resource else f"{resource}.json"
        pairs = _brackets(qs) if qs else None
        if url and pairs:
            # request's qs is appended to a next_page URL's own query (httpx would replace it).
            from urllib.parse import parse_qsl, urlsplit

            parts = urlsplit(url)
            pairs = parse_qsl(parts.query, keep_blank_values=True) + pairs
            url = parts._replace(query="").geturl()
        return self.api.call(method, path, i, body=body or None, qs=pairs, url=url) or {}

    def all_items(self, prop: str, resource: str, i: int, qs: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        url = None
        while True:
            page = self.call("GET", resource, i, qs=qs, url=url)
            url = page.get("next_page")
            out.extend(page.get(prop) or [])
            limit = qs.get("limit")
            if limit and int(limit) <= len(out):
                return out
            if url is None:
                return out


def _brackets(qs: dict[str, Any]) -> list[tuple[str, Any]]:
    """``qs`` with arrays as ``key[]=v`` (qs' arrayFormat: brackets)."""
    out: list[tuple[str, Any]] = []
    for key, value in qs.items():
        if isinstance(value, list):
            out.extend((f"{key}[]", v) for v in value)
        else:
            out.append((key, value))
    return out


def _json_fields(ctx: NodeContext, name: str, i: int) -> dict[str, Any]:
    text = ctx.param(name, i, "")
    if text == "":
        return {}
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise NodeError("Additional fields must be a valid JSON", item_index=i) from None


def _ticket_fields(fields: dict[str, Any], body: dict[str, Any]) -> None:
    for key, target in (("type", "type"), ("externalId", "external_id"), ("subject", "subject"),
                        ("status", "status"), ("recipient", "recipient"), ("group", "group_id"), ("tags", "tags")):
        if fields.get(key):
            body[target] = fields[key]
    if fields.get("customFieldsUi"):
        body["custom_fields"] = fields["customFieldsUi"].get("customFieldsValues")


def _ticket_create(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"comment": {"body": ctx.param("description", i, "")}}
    if ctx.param("jsonParameters", i, False):
        body.update(_json_fields(ctx, "additionalFieldsJson", i))
    else:
        _ticket_fields(ctx.param("additionalFields", i, {}) or {}, body)
    return z.call("POST", "/tickets", i, {"ticket": body}).get("ticket")


def _ticket_update(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {}
    if ctx.param("jsonParameters", i, False):
        body.update(_json_fields(ctx, "updateFieldsJson", i))
    else:
        fields = ctx.param("updateFields", i, {}) or {}
        _ticket_fields(fields, body)
        if fields.get("assigneeEmail"):
            body["assignee_email"] = fields["assigneeEmail"]
        if fields.get("internalNote"):
            body["comment"] = {"html_body": fields["internalNote"], "public": False}
        if fields.get("publicReply"):
            body["comment"] = {"body": fields["publicReply"], "public": True}
    return z.call("PUT", f"/tickets/{ctx.param('id', i, '')}", i, {"ticket": body}).get("ticket")


def _ticket_path(ctx: NodeContext, i: int) -> str:
    kind = "tickets" if ctx.param("ticketType", i, "regular") == "regular" else "suspended_tickets"
    return f"/{kind}/{ctx.param('id', i, '')}"


def _ticket_get(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    data = z.call("GET", _ticket_path(ctx, i), i)
    return data.get("ticket") or data.get("suspended_ticket")


def _ticket_get_all(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    regular = ctx.param("ticketType", i, "regular") == "regular"
    options = ctx.param("options", i, {}) or {}
    query = "type:ticket"
    if options.get("query"):
        query += f" {options['query']}"
    if options.get("status"):
        query += f" status:{options['status']}"
    if options.get("group"):
        query += f" group:{options['group']}"
    z.qs["query"] = query
    if options.get("sortBy"):
        z.qs["sort_by"] = options["sortBy"]
    if options.get("sortOrder"):
        z.qs["sort_order"] = options["sortOrder"]
    endpoint, prop = ("/search", "results") if regular else ("/suspended_tickets", "suspended_tickets")
    if ctx.param("returnAll", i, False):
        return z.all_items(prop, endpoint, i, z.qs)
    z.qs["per_page"] = ctx.param("limit", i, 100)
    data = z.call("GET", endpoint, i, qs=z.qs)
    return data.get("results") or data.get("suspended_tickets")


def _ticket_delete(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    z.call("DELETE", _ticket_path(ctx, i), i)
    return {"success": True}


def _ticket_recover(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    return z.call("PUT", f"/suspended_tickets/{ctx.param('id', i, '')}/recover", i).get("ticket")


def _ticket_field_get(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    return z.call("GET", f"/ticket_fields/{ctx.param('ticketFieldId', i, '')}", i).get("ticket_field")


def _ticket_field_get_all(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    if ctx.param("returnAll", i, False):
        return z.all_items("ticket_fields", "/ticket_fields", i, z.qs)
    limit = ctx.param("limit", i, 100)
    z.qs["limit"] = limit
    return z.all_items("ticket_fields", "/ticket_fields", i, z.qs)[: int(limit)]


def _user_fields(body: dict[str, Any]) -> None:
    """``userFieldsUi`` -> ``user_fields`` (n8n keeps the UI key when it has no value list)."""
    ui = body.get("userFieldsUi")
    if ui and isinstance(ui, dict) and ui.get("userFieldValues") is not None:
        body["user_fields"] = {v.get("field"): v.get("value") for v in ui["userFieldValues"]}
        del body["userFieldsUi"]


def _user_create(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body = {"name": ctx.param("name", i, ""), **(ctx.param("additionalFields", i, {}) or {})}
    _user_fields(body)
    return z.call("POST", "/users", i, {"user": body}).get("user")


def _user_update(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body = dict(ctx.param("updateFields", i, {}) or {})
    _user_fields(body)
    return z.call("PUT", f"/users/{ctx.param('id', i, '')}", i, {"user": body}).get("user")


def _user_list(endpoint: str) -> Any:
    def run(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
        z.qs.update(ctx.param("filters", i, {}) or {})
        if ctx.param("returnAll", i, False):
            return z.all_items("users", endpoint, i, z.qs)
        z.qs["per_page"] = ctx.param("limit", i, 100)
        return z.call("GET", endpoint, i, qs=z.qs).get("users")
    return run


def _simple(method: str, path: str, prop: str | None) -> Any:
    def run(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
        data = z.call(method, path.format(id=ctx.param("id", i, "")), i)
        return {"success": True} if prop is None else data.get(prop)
    return run


def _org_body(ctx: NodeContext, name: str, i: int, body: dict[str, Any]) -> dict[str, Any]:
    rest = dict(ctx.param(name, i, {}) or {})
    ui = rest.pop("organizationFieldsUi", None)
    body.update(rest)
    values = (ui or {}).get("organizationFieldValues") if isinstance(ui, dict) else None
    if values:
        body["organization_fields"] = {v.get("field"): v.get("value") for v in values}
    return body


def _org_create(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body = _org_body(ctx, "additionalFields", i, {"name": ctx.param("name", i, "")})
    return z.call("POST", "/organizations", i, {"organization": body}).get("organization")


def _org_update(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    body = _org_body(ctx, "updateFields", i, {})
    return z.call("PUT", f"/organizations/{ctx.param('id', i, '')}", i, {"organization": body}).get("organization")


def _org_get_all(z: _Zendesk, ctx: NodeContext, i: int) -> Any:
    if ctx.param("returnAll", i, False):
        return z.all_items("organizations", "/organizations", i, z.qs)
    z.qs["per_page"] = ctx.param("limit", i, 100)
    return z.call("GET", "/organizations", i, qs=z.qs).get("organizations")


OPERATIONS = {
    ("ticket", "create"): _ticket_create, ("ticket", "update"): _ticket_update, ("ticket", "get"): _ticket_get,
    ("ticket", "getAll"): _ticket_get_all, ("ticket", "delete"): _ticket_delete,
    ("ticket", "recover"): _ticket_recover,
    ("ticketField", "get"): _ticket_field_get, ("ticketField", "getAll"): _ticket_field_get_all,
    ("user", "create"): _user_create, ("user", "update"): _user_update,
    ("user", "get"): _simple("GET", "/users/{id}", "user"), ("user", "getAll"): _user_list("/users"),
    ("user", "search"): _user_list("/users/search"),
    ("user", "getOrganizations"): _simple("GET", "/users/{id}/organizations", "organizations"),
    ("user", "delete"): _simple("DELETE", "/users/{id}", "user"),
    ("user", "getRelatedData"): _simple("GET", "/users/{id}/related", "user_related"),
    ("organization", "create"): _org_create, ("organization", "update"): _org_update,
    ("organization", "delete"): _simple("DELETE", "/organizations/{id}", None),
    ("organization", "count"): _simple("GET", "/organizations/count", "count"),
    ("organization", "get"): _simple("GET", "/organizations/{id}", "organization"),
    ("organization", "getAll"): _org_get_all,
    ("organization", "getRelatedData"): _simple("GET", "/organizations/{id}/related", "organization_related"),
}
_DEFAULT_OPERATION = {"ticketField": "get"}


@register("n8n-nodes-base.zendesk", versions=(1,), display_name="Zendesk")
@register("n8n-nodes-base.zendeskTool", versions=(1,), display_name="Zendesk Tool")
def zendesk(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "ticket")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Zendesk(ctx)
    return [per_item(ctx, lambda i, _item: handler(client, ctx, i), pair_errors=False)]
