"""Keap (n8n-nodes-base.keap v1): the Keap (Infusionsoft) CRM REST API v1.

Base: configured ``keap`` base URL, else https://api.infusionsoft.com/crm/rest/v1; credential
keapOAuth2Api. Supported: contact upsert/get/getAll/delete, contactTag create/getAll/delete,
contactNote create/get/getAll/update/delete, company create/getAll. ``delete`` answers
``{success: true}`` as in n8n; getAll with returnAll follows the API's ``next`` URL 50 at a time
until ``count`` rows are read (stopping on an empty page or a missing ``next``, where n8n would
loop). As in n8n the query string object is shared by the items of one run, and the node has no
continue-on-fail handling of its own (the engine passes the input through). Not supported yet:
ecommerceOrder, ecommerceProduct, email, file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Keap"
Qs = dict[str, Any]
Handler = Callable[[NodeContext, Api, int, Qs], Any]

#: contact upsert additional field -> API body key (n8n's order)
_CONTACT_FIELDS = (("anniversary", "anniversary"), ("contactType", "contact_type"), ("familyName", "family_name"),
                   ("givenName", "given_name"), ("jobTitle", "job_title"), ("leadSourceId", "lead_source_id"),
                   ("middleName", "middle_name"), ("OptInReason", "opt_in_reason"), ("ownerId", "owner_id"),
                   ("preferredLocale", "preferred_locale"), ("preferredName", "preferred_name"),
                   ("sourceType", "source_type"), ("spouseName", "spouse_name"), ("timezone", "time_zone"),
                   ("website", "website"))


def _words(value: str) -> list[str]:
    """change-case's word split (lower/upper boundaries, non-alphanumerics)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value)
    text = re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", text)
    return [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]


def snake_case(value: str) -> str:
    """change-case ``snakeCase`` (``contactId`` -> ``contact_id``)."""
    return "_".join(w.lower() for w in _words(value))


def pascal_case(value: str) -> str:
    """change-case ``pascalCase`` (``emailAndName`` -> ``EmailAndName``)."""
    return "".join(w[:1].upper() + w[1:].lower() for w in _words(str(value)))


def keys_to_snake(element: dict[str, Any]) -> dict[str, Any]:
    """n8n's ``keysToSnakeCase`` for one object (keys already snake stay in place)."""
    out = dict(element)
    for key in list(element):
        snake = snake_case(key)
        if key != snake:
            value = out.pop(key)
            out[snake] = value
    return out


def _int(value: Any) -> int | str:
    """``parseInt(value, 10)`` (``NaN`` kept as the text n8n would put into the URL)."""
    match = re.match(r"\s*([+-]?\d+)", str(value))
    return int(match.group(1)) if match else "NaN"


def _values(ctx: NodeContext, name: str, key: str, i: int) -> Any:
    return (ctx.param(name, i, {}) or {}).get(key)


def _page(api: Api, path: str, i: int, qs: Qs, limit: Any, key: str) -> Any:
    qs["limit"] = limit
    return (api.call("GET", path, i, qs=qs) or {}).get(key)


def _all(api: Api, path: str, i: int, qs: Qs, key: str) -> list[Any]:
    """keapApiRequestAllItems: ``limit=50``, then the ``next`` URL until ``count`` rows."""
    qs["limit"] = 50
    rows: list[Any] = []
    url: str | None = None
    while True:
        if url:
            parts = urlsplit(url)
            merged = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **qs}
            data = api.call("GET", "", i, qs=merged, url=urlunsplit(parts._replace(query=""))) or {}
        else:
            data = api.call("GET", path, i, qs=qs) or {}
        page = data.get(key) or []
        rows.extend(page)
        url = data.get("next")
        if not (len(rows) < (data.get("count") or 0)) or not page or not url:
            return rows


def _list(path_of: Callable[[NodeContext, int], str], key: str, fill: Callable[[NodeContext, int, Qs], None]):
    def run(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
        fill(ctx, i, qs)
        path = path_of(ctx, i)
        if ctx.param("returnAll", i, False):
            return _all(api, path, i, qs, key)
        return _page(api, path, i, qs, ctx.param("limit", i, 100), key)
    return run


def _contact_upsert(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {"duplicate_option": pascal_case(ctx.param("duplicateOption", i, "email"))}
    for name, key in _CONTACT_FIELDS:
        if fields.get(name):
            body[key] = fields[name]
    if fields.get("ipAddress"):
        body["origin"] = {"ip_address": fields["ipAddress"]}
    if fields.get("companyId"):
        body["company"] = {"id": fields["companyId"]}
    if fields.get("optInReason"):
        body["opt_in_reason"] = fields["optInReason"]
    addresses = _values(ctx, "addressesUi", "addressesValues", i)
    if addresses:
        body["addresses"] = [keys_to_snake(a) for a in addresses]
    for ui, key, target in (("emailsUi", "emailsValues", "email_addresses"), ("faxesUi", "faxesValues", "fax_numbers"),
                            ("socialAccountsUi", "socialAccountsValues", "social_accounts"),
                            ("phonesUi", "phonesValues", "phone_numbers")):
        value = _values(ctx, ui, key, i)
        if value:
            body[target] = value
    return api.call("PUT", "/contacts", i, body=body)


def _contact_get(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    options = ctx.param("options", i, {}) or {}
    if options.get("fields"):
        qs["optional_properties"] = options["fields"]
    return api.call("GET", f"/contacts/{_int(ctx.param('contactId', i))}", i, qs=qs)


def _contact_filters(ctx: NodeContext, i: int, qs: Qs) -> None:
    options = ctx.param("options", i, {}) or {}
    for name, key in (("email", "email"), ("givenName", "given_name"), ("familyName", "family_name"),
                      ("order", "order"), ("orderDirection", "order_direction"), ("since", "since"),
                      ("until", "until")):
        if options.get(name):
            qs[key] = options[name]


def _snake_into(param: str) -> Callable[[NodeContext, int, Qs], None]:
    def fill(ctx: NodeContext, i: int, qs: Qs) -> None:
        qs.update(keys_to_snake(ctx.param(param, i, {}) or {}))
        if param == "options" and "fields" in qs:
            qs["optional_properties"] = qs.pop("fields")
    return fill


def _delete(path: Callable[[NodeContext, int], str], with_tags: bool = False) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
        if with_tags:
            qs["ids"] = ctx.param("tagIds", i)
        api.call("DELETE", path(ctx, i), i, qs=qs if with_tags else None)
        return {"success": True}
    return run


def _tag_create(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    body = {"tagIds": ctx.param("tagIds", i, [])}
    return api.call("POST", f"/contacts/{_int(ctx.param('contactId', i))}/tags", i, body=body)


def _note_body(ctx: NodeContext, i: int, body: dict[str, Any]) -> dict[str, Any]:
    fields = keys_to_snake(ctx.param("additionalFields", i, {}) or {})
    if fields.get("type"):
        fields["type"] = pascal_case(fields["type"])
    body.update(fields)
    return body


def _note_create(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    body = _note_body(ctx, i, {"user_id": ctx.param("userId", i), "contact_id": _int(ctx.param("contactId", i))})
    return api.call("POST", "/notes", i, body=body)


def _note_update(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    body = _note_body(ctx, i, {})
    return api.call("PATCH", f"/notes/{ctx.param('noteId', i)}", i, body=body or None)


def _company_create(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
    body: dict[str, Any] = {"company_name": ctx.param("companyName", i)}
    body.update(keys_to_snake(ctx.param("additionalFields", i, {}) or {}))
    addresses = _values(ctx, "addressesUi", "addressesValues", i)
    if addresses:
        body["address"] = keys_to_snake(addresses[0])
    faxes = _values(ctx, "faxesUi", "faxesValues", i)
    if faxes:
        body["fax_number"] = faxes[0]
    phones = _values(ctx, "phonesUi", "phonesValues", i)
    if phones:
        body["phone_number"] = phones[0]
    return api.call("POST", "/companies", i, body=body)


def _contact_path(suffix: str = "") -> Callable[[NodeContext, int], str]:
    return lambda ctx, i: f"/contacts/{_int(ctx.param('contactId', i))}{suffix}"


def _note_path(ctx: NodeContext, i: int) -> str:
    return f"/notes/{ctx.param('noteId', i)}"


_OPERATIONS: dict[tuple[str, str], Handler] = {
    ("contact", "upsert"): _contact_upsert,
    ("contact", "get"): _contact_get,
    ("contact", "getAll"): _list(lambda ctx, i: "/contacts", "contacts", _contact_filters),
    ("contact", "delete"): _delete(_contact_path()),
    ("contactTag", "create"): _tag_create,
    ("contactTag", "getAll"): _list(_contact_path("/tags"), "tags", lambda ctx, i, qs: None),
    ("contactTag", "delete"): _delete(_contact_path("/tags"), with_tags=True),
    ("contactNote", "create"): _note_create,
    ("contactNote", "get"): lambda ctx, api, i, qs: api.call("GET", _note_path(ctx, i), i),
    ("contactNote", "getAll"): _list(lambda ctx, i: "/notes", "notes", _snake_into("filters")),
    ("contactNote", "update"): _note_update,
    ("contactNote", "delete"): _delete(_note_path),
    ("company", "create"): _company_create,
    ("company", "getAll"): _list(lambda ctx, i: "/companies", "companies", _snake_into("options")),
}

_DEFAULT_OPERATION = {"company": "create", "contact": "upsert", "contactNote": "create", "contactTag": "create"}


@register("n8n-nodes-base.keap", versions=(1,), display_name="Keap")
def keap(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "company")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, base_url(ctx, "keap", "https://api.infusionsoft.com/crm/rest/v1"), "keapOAuth2Api")
    qs: Qs = {}
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        result = handler(ctx, api, i, qs)
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
