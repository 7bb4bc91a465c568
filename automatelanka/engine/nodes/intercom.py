"""Intercom (n8n-nodes-base.intercom v1): users over the Intercom REST API.

Base: configured ``intercom`` base URL, else https://api.intercom.io; intercomApi (bearer ``apiKey``,
``Accept: application/json``). User ``create``/``update`` (POST /users with n8n's body: identifier,
additional fields in snake_case, ``avatar`` object, ``companies`` as ``{company_id}``, custom
attributes from ``customAttributesUi`` or valid ``customAttributesJson``; update adds the ``updateBy``
key), ``get`` (GET /users/<id>, or GET /users?user_id=...), ``getAll`` (GET /users with the filters;
``per_page`` = limit and the ``users`` list, or with ``returnAll`` pages of 60 following
``pages.next``). Answers are output as they are; errors are n8n's NodeApiError, or ``{error}`` items
under continue-on-fail. Not supported yet: user delete, the lead and company resources.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Intercom"
#: additional field -> body key, in n8n's order (avatar and companies are handled apart)
_FIELDS = (("email", "email"), ("userId", "user_id"), ("phone", "phone"), ("name", "name"),
           ("unsubscribedFromEmails", "unsubscribed_from_emails"), ("updateLastRequestAt", "update_last_request_at"),
           ("sessionCount", "session_count"))
_UTM = (("utmSource", "utm_source"), ("utmMedium", "utm_medium"), ("utmCampaign", "utm_campaign"),
        ("utmTerm", "utm_term"), ("utmContent", "utm_content"))
_ID_KEYS = {"userId": "user_id", "id": "id", "email": "email"}


def _custom_attributes(ctx: NodeContext, i: int) -> Any:
    if not ctx.param("jsonParameters", i, False):
        rows = (ctx.param("customAttributesUi", i, {}) or {}).get("customAttributesValues")
        return {row.get("name"): row.get("value") for row in rows} if rows else None
    text = ctx.param("customAttributesJson", i, "")
    try:
        parsed = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    return parsed or None


def _save(ctx: NodeContext, api: Api, i: int, operation: str) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    if operation == "create":
        kind = ctx.param("identifierType", i, "")
        if kind in ("email", "userId"):
            body[_ID_KEYS[kind]] = ctx.param("idValue", i, "")
    for name, key in _FIELDS:
        if fields.get(name):
            body[key] = fields[name]
    if fields.get("avatar"):
        body["avatar"] = {"type": "avatar", "image_url": fields["avatar"]}
    for name, key in _UTM:
        if fields.get(name):
            body[key] = fields[name]
    if fields.get("companies"):
        body["companies"] = [{"company_id": company} for company in fields["companies"]]
    custom = _custom_attributes(ctx, i)
    if custom:
        body["custom_attributes"] = custom
    if operation == "update":
        key = _ID_KEYS.get(ctx.param("updateBy", 0, "id"))
        value = ctx.param("value", i, "")
        if key:
            body[key] = value
    return api.call("POST", "/users", i, body=body)


def _get(ctx: NodeContext, api: Api, i: int) -> Any:
    select_by = ctx.param("selectBy", 0, "")
    value = ctx.param("value", i, "")
    if select_by == "id":
        return api.call("GET", f"/users/{value}", i)
    return api.call("GET", "/users", i, qs={"user_id": value} if select_by == "userId" else None)


def _get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    qs: dict[str, Any] = dict(ctx.param("filters", i, {}) or {})
    if not ctx.param("returnAll", i, False):
        qs["per_page"] = ctx.param("limit", i, 50)
        answer = api.call("GET", "/users", i, qs=qs)
        return answer.get("users") if isinstance(answer, dict) else None
    qs["per_page"] = 60
    rows: list[Any] = []
    url: str | None = None
    while True:
        answer = api.call("GET", "/users", i, qs=qs, url=url) or {}
        pages = answer.get("pages") or {}
        url = pages.get("next")
        rows.extend(answer.get("users") or [])
        if url is None:
            return rows


_OPERATIONS = {"create": lambda ctx, api, i: _save(ctx, api, i, "create"),
               "update": lambda ctx, api, i: _save(ctx, api, i, "update"), "get": _get, "getAll": _get_all}


@register("n8n-nodes-base.intercom", versions=(1,), display_name="Intercom")
@register("n8n-nodes-base.intercomTool", versions=(1,), display_name="Intercom Tool")
def intercom(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "user")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource == "user" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "intercomApi") or {}
    api = Api(ctx, base_url(ctx, "intercom", "https://api.intercom.io"), fields=fields,
              auth={"bearer": str(fields.get("apiKey") or "")}, headers={"Accept": "application/json"})
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i))]
