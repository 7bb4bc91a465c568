"""Mautic (n8n-nodes-base.mautic v1, mauticTool) over the Mautic REST API.

Base: configured ``mautic`` base URL, else the credential's ``url``; requests go to ``/api/...``
with mauticApi (basic username + password) or mauticOAuth2Api. Answers carrying ``errors`` fail
even with a 2xx status, as in n8n.
Implemented: contact create/get/getAll/update/delete/sendEmail/editDoNotContactList/
editContactPoint (``rawData: false`` gives ``fields.all``), company get/getAll/delete,
contactSegment/campaignContact/companyContact add/remove, segmentEmail send.
"""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential, find_error_message
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Mautic"
_CONTACT_FIELDS = (("ipAddress", "ipAddress"), ("lastActive", "lastActive"), ("ownerId", "owner"))
_CONTACT_EXTRA = (("b2bOrb2c", "b2b_or_b2c"), ("crmId", "crm_id"), ("fax", "fax"), ("hasPurchased", "haspurchased"),
                  ("mobile", "mobile"), ("phone", "phone"), ("prospectOrCustomer", "prospect_or_customer"),
                  ("sandbox", "sandbox"), ("stage", "stage"), ("tags", "tags"), ("website", "website"))


class _Mautic:
    def __init__(self, ctx: NodeContext) -> None:
        oauth = ctx.param("authentication", 0, "credentials") != "credentials"
        kind = "mauticOAuth2Api" if oauth else "mauticApi"
        fields = credential(ctx, kind) or {}
        base = str(ctx.state.services.base_urls.get("mautic") or fields.get("url") or "").rstrip("/")
        if oauth:
            self.api = Api(ctx, f"{base}/api", kind, fields=fields)
        else:
            self.api = Api(ctx, f"{base}/api", fields=fields,
                           auth={"basic": (fields.get("username") or "", fields.get("password") or "")})

    def call(self, method: str, endpoint: str, i: int, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        data = self.api.call(method, endpoint, i, body=body if body else None, qs=qs or None)
        if isinstance(data, dict) and data.get("errors"):
            raise NodeApiError(find_error_message(data) or "Mautic request failed",
                               context={"errorResponse": data}, item_index=i)
        return data

    def listing(self, ctx: NodeContext, prop: str, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """Every row (``returnAll``) or the first ``limit`` rows of a list endpoint."""
        if ctx.param("returnAll", i, False):
            return self.all_items(prop, endpoint, i, qs)
        page = self.call("GET", endpoint, i, qs={**qs, "limit": ctx.param("limit", i, 30), "start": 0}) or {}
        values = page.get(prop) or {}
        return list(values.values() if isinstance(values, dict) else values)

    def all_items(self, prop: str, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        qs = {**qs, "limit": 30, "start": 0}
        out: list[Any] = []
        while True:
            page = self.call("GET", endpoint, i, qs=qs) or {}
            values = page.get(prop) or {}
            out.extend(values.values() if isinstance(values, dict) else values)
            qs["start"] += qs["limit"]
            if page.get("total") is None or len(out) - int(str(page["total"]) or 0) >= 0:
                return out


def _snake(text: str) -> str:
    """change-case's snakeCase for simple identifiers (``dateAdded`` -> ``date_added``)."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", str(text))
    return "_".join(w.lower() for w in words)


def _contact_body(ctx: NodeContext, fields: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    for key, target in _CONTACT_FIELDS:
        if fields.get(key):
            body[target] = fields[key]
    address = (fields.get("addressUi") or {}).get("addressValues") if fields.get("addressUi") else None
    if address:
        for key, target in (("address1", "address1"), ("address2", "address2"), ("city", "city"),
                            ("state", "state"), ("country", "country"), ("zipCode", "zipcode")):
            body[target] = address.get(key)
    social = (fields.get("socialMediaUi") or {}).get("socialMediaValues") if fields.get("socialMediaUi") else None
    if social:
        for key, target in (("facebook", "facebook"), ("foursquare", "foursquare"), ("instagram", "instagram"),
                            ("linkedIn", "linkedin"), ("skype", "skype"), ("twitter", "twitter")):
            body[target] = social.get(key)
    custom = (fields.get("customFieldsUi") or {}).get("customFieldValues") if fields.get("customFieldsUi") else None
    if custom:
        for value in custom:
            body[str(value.get("fieldId"))] = value.get("fieldValue")
    for key, target in _CONTACT_EXTRA:
        if fields.get(key):
            body[target] = fields[key]
    return {k: v for k, v in body.items() if v is not None}


def _parse(text: Any, i: int) -> dict[str, Any]:
    if isinstance(text, dict):
        return dict(text)
    try:
        return dict(json.loads(text))
    except (TypeError, ValueError):
        raise NodeError("Invalid JSON", item_index=i) from None


def _raw(ctx: NodeContext, i: int, rows: list[Any]) -> list[Any]:
    if (ctx.param("options", i, {}) or {}).get("rawData") is False:
        return [((row or {}).get("fields") or {}).get("all") for row in rows]
    return rows


def _contact_create(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    if ctx.param("jsonParameters", i, False):
        body = _parse(ctx.param("bodyJson", i, ""), i)
    else:
        body = {"email": ctx.param("email", i, ""), "firstname": ctx.param("firstName", i, ""),
                "lastname": ctx.param("lastName", i, ""), "company": ctx.param("company", i, ""),
                "position": ctx.param("position", i, ""), "title": ctx.param("title", i, "")}
    body = _contact_body(ctx, ctx.param("additionalFields", i, {}) or {}, body)
    return _raw(ctx, i, [(m.call("POST", "/contacts/new", i, body) or {}).get("contact")])


def _contact_update(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {}
    for key, target in (("email", "email"), ("firstName", "firstname"), ("lastName", "lastname"),
                        ("company", "company"), ("position", "position"), ("title", "title")):
        if fields.get(key):
            body[target] = fields[key]
    if fields.get("bodyJson"):
        body = _parse(fields["bodyJson"], i)
    body = _contact_body(ctx, fields, body)
    path = f"/contacts/{ctx.param('contactId', i, '')}/edit"
    return _raw(ctx, i, [(m.call("PATCH", path, i, body) or {}).get("contact")])


def _contact_get(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    return _raw(ctx, i, [(m.call("GET", f"/contacts/{ctx.param('contactId', i, '')}", i) or {}).get("contact")])


def _contact_delete(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    path = f"/contacts/{ctx.param('contactId', i, '')}/delete"
    return _raw(ctx, i, [(m.call("DELETE", path, i) or {}).get("contact")])


def _contact_get_all(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    qs = dict(ctx.param("options", i, {}) or {})
    if qs.get("orderBy"):
        qs["orderBy"] = _snake(qs["orderBy"])
    return _raw(ctx, i, m.listing(ctx, "contacts", "/contacts", i, qs))


def _contact_send_email(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    path = f"/emails/{ctx.param('campaignEmailId', i, '')}/contact/{ctx.param('contactId', i, '')}/send"
    return m.call("POST", path, i)


def _contact_dnc(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    action = ctx.param("action", i, "add")
    body = dict(ctx.param("additionalFields", i, {}) or {}) if action == "add" else {}
    path = f"/contacts/{ctx.param('contactId', i, '')}/dnc/{ctx.param('channel', i, 'email')}/{action}"
    return (m.call("POST", path, i, body) or {}).get("contact")


def _contact_points(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    direction = "plus" if ctx.param("action", i, "add") == "add" else "minus"
    return m.call("POST", f"/contacts/{ctx.param('contactId', i, '')}/points/{direction}/{ctx.param('points', i, 0)}", i)


def _company_one(method: str, suffix: str) -> Any:
    def run(m: _Mautic, ctx: NodeContext, i: int) -> Any:
        data = (m.call(method, f"/companies/{ctx.param('companyId', i, '')}{suffix}", i) or {}).get("company")
        return ((data or {}).get("fields") or {}).get("all") if ctx.param("simple", i, True) else data
    return run


def _company_get_all(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    qs = dict(ctx.param("additionalFields", i, {}) or {})
    rows = m.listing(ctx, "companies", "/companies", i, qs)
    if ctx.param("simple", i, True):
        return [((row or {}).get("fields") or {}).get("all") for row in rows]
    return rows


def _link(collection: str, id_param: str, action: str) -> Any:
    def run(m: _Mautic, ctx: NodeContext, i: int) -> Any:
        path = f"/{collection}/{ctx.param(id_param, i, '')}/contact/{ctx.param('contactId', i, '')}/{action}"
        return m.call("POST", path, i)
    return run


def _segment_email_send(m: _Mautic, ctx: NodeContext, i: int) -> Any:
    return m.call("POST", f"/emails/{ctx.param('segmentEmailId', i, '')}/send", i)


OPERATIONS = {
    ("contact", "create"): _contact_create, ("contact", "update"): _contact_update, ("contact", "get"): _contact_get,
    ("contact", "getAll"): _contact_get_all, ("contact", "delete"): _contact_delete,
    ("contact", "sendEmail"): _contact_send_email, ("contact", "editDoNotContactList"): _contact_dnc,
    ("contact", "editContactPoint"): _contact_points,
    ("company", "get"): _company_one("GET", ""), ("company", "delete"): _company_one("DELETE", "/delete"),
    ("company", "getAll"): _company_get_all,
    ("contactSegment", "add"): _link("segments", "segmentId", "add"),
    ("contactSegment", "remove"): _link("segments", "segmentId", "remove"),
    ("campaignContact", "add"): _link("campaigns", "campaignId", "add"),
    ("campaignContact", "remove"): _link("campaigns", "campaignId", "remove"),
    ("companyContact", "add"): _link("companies", "companyId", "add"),
    ("companyContact", "remove"): _link("companies", "companyId", "remove"),
    ("segmentEmail", "send"): _segment_email_send,
}
_DEFAULT_OPERATION = {"contactSegment": "add", "campaignContact": "add", "companyContact": "create",
                      "segmentEmail": "send"}


@register("n8n-nodes-base.mautic", versions=(1,), display_name="Mautic")
@register("n8n-nodes-base.mauticTool", versions=(1,), display_name="Mautic Tool")
def mautic(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "contact")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Mautic(ctx)
    return [per_item(ctx, lambda i, _item: handler(client, ctx, i), pair_errors=False)]
