"""Freshdesk (n8n-nodes-base.freshdesk v1): tickets and contacts over the Freshdesk API v2.

Base: configured ``freshdesk`` base URL, else ``https://{domain}.freshdesk.com/api/v2``; credential
freshdeskApi (``Authorization`` = base64 of ``apiKey:X`` without a scheme, as n8n sends it).
Supported: ticket create/get/getAll/update/delete, contact create/get/getAll/update/delete. Empty
answers become ``{success: true}``; ticket getAll with returnAll reads 100 a page following the
``Link: <...>; rel="next"`` header. The query object is shared by the items of a run as in n8n;
continue-on-fail gives ``{error: message}`` items paired with their input.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Freshdesk"
Qs = dict[str, Any]
Handler = Callable[[NodeContext, Api, int, Qs], Any]

STATUS = {"Open": 2, "Pending": 3, "Resolved": 4, "Closed": 5}
PRIORITY = {"Low": 1, "Medium": 2, "High": 3, "Urgent": 4}
SOURCE = {"Email": 1, "Portal": 2, "Phone": 3, "Chat": 7, "Mobihelp": 8, "FeedbackWidget": 9, "OutboundEmail": 10}
_REQUESTER_KEYS = {"email": "email", "facebookId": "facebook_id", "phone": "phone", "twitterId": "twitter_id",
                   "uniqueExternalId": "unique_external_id"}
#: ticket option -> body key, in n8n's order after name/subject/type/description
_TICKET_FIELDS = (("agent", "responder_id"), ("company", "company_id"), ("product", "product_id"),
                  ("group", "group_id"), ("frDueBy", "fr_due_by"), ("emailConfigId", "email_config_id"),
                  ("dueBy", "due_by"))


def _capitalize(value: Any) -> str:
    return value[:1].upper() + value[1:] if isinstance(value, str) else ""


def _is_nan(value: Any) -> bool:
    """JavaScript ``isNaN(value)`` for strings and numbers."""
    if isinstance(value, bool) or value is None:
        return value is None
    if isinstance(value, int | float):
        return value != value
    text = str(value).strip()
    if not text:
        return False
    if "_" in text:
        return True
    try:
        float(int(text, 16) if text.lower().startswith("0x") else text)
    except ValueError:
        return True
    return text.lower().lstrip("+-") in ("nan", "inf", "infinity") and text.lstrip("+-") != "Infinity"


def _requester(body: dict[str, Any], kind: Any, value: Any, i: int, check: Callable[[Any], bool]) -> None:
    if kind == "requesterId":
        if check(value):
            raise NodeError("Requester Id must be a number", item_index=i)
        body["requester_id"] = js_parse_int(value)
    elif kind in _REQUESTER_KEYS:
        body[_REQUESTER_KEYS[kind]] = value


def _ticket_fields(body: dict[str, Any], fields: dict[str, Any], create: bool) -> None:
    for name, key in _TICKET_FIELDS:
        if fields.get(name):
            body[key] = fields[name]
    for name, key in (("tags", "tags"), ("ccEmails", "cc_emails")):
        if fields.get(name):
            body[key] = str(fields[name]).split(",")


def _ticket_create(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    options = ctx.param("options", i, {}) or {}
    body: dict[str, Any] = {"status": STATUS.get(_capitalize(ctx.param("status", i, "pending"))),
                            "priority": PRIORITY.get(_capitalize(ctx.param("priority", i, "low"))),
                            "source": SOURCE.get(_capitalize(ctx.param("source", i, "portal")))}
    body = {k: v for k, v in body.items() if v is not None}
    _requester(body, ctx.param("requester", i, "requesterId"), ctx.param("requesterIdentificationValue", i, ""),
               i, _is_nan)
    if options.get("name"):
        body["name"] = options["name"]
    body["subject"] = options.get("subject") or "null"
    if options.get("type"):
        body["type"] = options["type"]
    body["description"] = options.get("description") or "null"
    _ticket_fields(body, options, True)
    return api.call("POST", "/tickets", i, body=body)


def _ticket_update(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {}
    if fields.get("requester"):
        _requester(body, fields["requester"], fields.get("requesterIdentificationValue"), i,
                   lambda v: js_parse_int(v) is None)
    for name, table in (("status", STATUS), ("priority", PRIORITY), ("source", SOURCE)):
        if fields.get(name) and _capitalize(fields[name]) in table:
            body[name] = table[_capitalize(fields[name])]
    for name in ("name", "type"):
        if fields.get(name):
            body[name] = fields[name]
    _ticket_fields(body, fields, False)
    return api.call("PUT", f"/tickets/{ctx.param('ticketId', i)}", i, body=body or None)


def _ticket_get_all(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    options = ctx.param("options", i, {}) or {}
    for name, key in (("requesterId", "requester_id"), ("requesterEmail", "email"), ("companyId", "company_id"),
                      ("updatedSince", "updated_since"), ("orderBy", "order_by"), ("order", "order_type")):
        if options.get(name):
            qs[key] = options[name]
    if options.get("include"):
        qs["include"] = ",".join(options["include"])
    if not ctx.param("returnAll", i, False):
        qs["per_page"] = ctx.param("limit", i, 5)
        return api.call("GET", "/tickets", i, qs=qs)
    qs["per_page"] = 100
    rows: list[Any] = []
    url: str | None = None
    while True:
        if url:
            parts = urlsplit(url)
            merged = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **qs}
            response = api.response("GET", "", i, qs=merged, url=urlunsplit(parts._replace(query="")))
        else:
            response = api.response("GET", "/tickets", i, qs=qs)
        rows.extend(decode(response) or [])
        link = response.headers.get("link")
        if link:
            url = link.split(";")[0].replace("<", "", 1).replace(">", "", 1)
        if not (link and 'rel="next"' in link):
            return rows


def _contact_fields(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    if fields.get("customFields"):
        metadata = fields.pop("customFields").get("customField") or []
        fields["custom_fields"] = {data.get("name"): data.get("value") for data in metadata}
    return fields


def _contact_create(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    body = _contact_fields(ctx, i)
    body["name"] = ctx.param("name", i)
    email = ctx.param("email", i, "")
    if email:
        body["email"] = email
    return api.call("POST", "/contacts", i, body=body)


def _by_id(method: str, path: str, id_name: str) -> Handler:
    return lambda ctx, api, i, qs: api.call(method, f"{path}/{ctx.param(id_name, i)}", i)


_OPERATIONS: dict[tuple[str, str], Handler] = {
    ("ticket", "create"): _ticket_create,
    ("ticket", "update"): _ticket_update,
    ("ticket", "get"): _by_id("GET", "/tickets", "ticketId"),
    ("ticket", "getAll"): _ticket_get_all,
    ("ticket", "delete"): _by_id("DELETE", "/tickets", "ticketId"),
    ("contact", "create"): _contact_create,
    ("contact", "delete"): _by_id("DELETE", "/contacts", "contactId"),
    ("contact", "get"): _by_id("GET", "/contacts", "contactId"),
    ("contact", "getAll"): lambda ctx, api, i, qs: api.call("GET", "/contacts", i,
                                                            qs=ctx.param("filters", i, {}) or None),
    ("contact", "update"): lambda ctx, api, i, qs: api.call("PUT", f"/contacts/{ctx.param('contactId', i)}", i,
                                                            body=_contact_fields(ctx, i) or None),
}


def _api(ctx: NodeContext) -> Api:
    fields = credential(ctx, "freshdeskApi") or {}
    configured = ctx.state.services.base_urls.get("freshdesk")
    base = configured or f"https://{fields.get('domain')}.freshdesk.com/api/v2"
    token = base64.b64encode(f"{fields.get('apiKey')}:X".encode()).decode()
    return Api(ctx, base, None, fields=fields, auth={"headers": {"Authorization": token}})


@register("n8n-nodes-base.freshdesk", versions=(1,), display_name="Freshdesk")
def freshdesk(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "ticket")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = _api(ctx)
    qs: Qs = {}

    def run(i: int, _item: dict[str, Any]) -> Any:
        result = handler(ctx, api, i, qs)
        return {"success": True} if result is None else result

    return [per_item(ctx, run)]
