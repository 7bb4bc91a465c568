"""Google Contacts (n8n-nodes-base.googleContacts v1) against the People API v1.

Every operation n8n has (resource ``contact``):

- ``create``: POST /people:createContact (names, organizations, phones, addresses, relations,
  events and birthday as ``{day, month, year}`` strings, emails, biography, custom fields, groups);
  ``contactId`` is added from ``resourceName``;
- ``delete``: DELETE /people/<id>:deleteContact, output ``{success: true}``;
- ``get``: GET /people/<id>?personFields=... (``*`` is every field), simplified by n8n's
  ``cleanData`` unless ``rawData``;
- ``getAll``: first n8n's two cache warm-up calls (searchContacts with an empty query and
  me/connections), then GET /people/me/connections (or /people:searchContacts with ``useQuery``,
  ``readMask`` instead of ``personFields``); ``returnAll`` pages with ``pageSize`` 100 and
  ``pageToken``, else one page of ``pageSize`` = ``limit``;
- ``update``: the etag (given, or read with GET personFields=Names), then PATCH
  /people/<id>:updateContact with ``updatePersonFields``.

As in n8n the query object is shared by all items of a run. Authentication: the
googleContactsOAuth2Api credential. Base URL: configured ``googleContacts``, else ``google``, else
https://people.googleapis.com/v1. Another resource/operation fails with "not supported yet".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import SCOPES, GoogleApi
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleContacts"
DISPLAY = "Google Contacts"
DEFAULT_URL = "https://people.googleapis.com/v1"
SCOPES.setdefault("contacts", ["https://www.googleapis.com/auth/contacts"])
ALL_FIELDS = ["addresses", "biographies", "birthdays", "coverPhotos", "emailAddresses", "events", "genders",
              "imClients", "interests", "locales", "memberships", "metadata", "names", "nicknames",
              "occupations", "organizations", "phoneNumbers", "photos", "relations", "residences",
              "sipAddresses", "skills", "urls", "userDefined"]
_TYPED = ("emailAddresses", "phoneNumbers", "relations", "events", "addresses")
_NAME_FIELDS = ("givenName", "familyName", "middleName", "honorificPrefix", "honorificSuffix")
#: (collection key, value key, body key) of the fixedCollections copied into the body.
_LISTS = (("companyUi", "companyValues", "organizations"), ("phoneUi", "phoneValues", "phoneNumbers"),
          ("addressesUi", "addressesValues", "addresses"), ("relationsUi", "relationsValues", "relations"),
          ("eventsUi", "eventsValues", "events"), ("birthday", "", "birthdays"),
          ("emailsUi", "emailsValues", "emailAddresses"), ("biographies", "", "biographies"),
          ("customFieldsUi", "customFieldsValues", "userDefined"), ("group", "", "memberships"))


def contacts_base(ctx: NodeContext) -> str:
    urls = ctx.state.services.base_urls
    return (urls.get("googleContacts") or urls.get("google") or DEFAULT_URL).rstrip("/")


@register(NODE_TYPE, versions=(1,), display_name=DISPLAY)
def google_contacts(ctx: NodeContext) -> NodeOutput:
    api = GoogleApi(ctx, "googleContactsOAuth2Api", "contacts")
    api.base = contacts_base(ctx)
    resource = ctx.param("resource", 0, "contact")
    operation = ctx.param("operation", 0, "create")
    qs: dict[str, Any] = {}
    if resource == "contact" and operation == "getAll":
        api.json("GET", "/people:searchContacts", params={"query": "", "readMask": "names"})
        api.json("GET", "/people/me/connections", params={"personFields": "names"})

    def one(i: int, _item: Item) -> Any:
        if resource != "contact":
            raise unsupported(DISPLAY, resource, operation)
        if operation == "create":
            return _create(ctx, api, qs, i)
        if operation == "delete":
            api.json("DELETE", f"/people/{ctx.param('contactId', i, '')}:deleteContact", item_index=i)
            return {"success": True}
        if operation == "get":
            return _get(ctx, api, qs, i)
        if operation == "getAll":
            return _get_all(ctx, api, qs, i)
        if operation == "update":
            return _update(ctx, api, qs, i)
        raise unsupported(DISPLAY, resource, operation)

    return [per_item(ctx, one)]


def _with_id(data: dict[str, Any]) -> dict[str, Any]:
    """``responseData.contactId = responseData.resourceName.split('/')[1]``."""
    parts = str(data.get("resourceName", "")).split("/")
    data["contactId"] = parts[1] if len(parts) > 1 else None
    return data


def _person_fields(fields: list[str]) -> str:
    return ",".join(ALL_FIELDS) if "*" in fields else ",".join(str(f) for f in fields)


def _date_parts(ctx: NodeContext, value: Any) -> dict[str, str]:
    """``moment(value).format('MM/DD/YYYY')`` split into ``{day, month, year}`` strings."""
    text = str(value or "").strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.now()
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(ctx.timezone))
    return {"day": f"{moment.day:02d}", "month": f"{moment.month:02d}", "year": f"{moment.year:04d}"}


def _fill(ctx: NodeContext, body: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    """Copy the collections of ``fields`` into ``body``; the person fields it set (in n8n's order)."""
    touched: list[str] = []
    for key, values_key, target in _LISTS:
        value = fields.get(key)
        if not value:
            continue
        if key == "eventsUi":
            body[target] = [{"date": _date_parts(ctx, ev.get("date")), "type": ev.get("type")}
                            for ev in value.get(values_key) or []]
        elif key == "birthday":
            body[target] = [{"date": _date_parts(ctx, value)}]
        elif key == "biographies":
            body[target] = [{"value": value, "contentType": "TEXT_PLAIN"}]
        elif key == "group":
            body[target] = [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in value]
        else:
            body[target] = value.get(values_key) if isinstance(value, dict) else None
        touched.append(target)
    return touched


def _create(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    name: dict[str, Any] = {"familyName": ctx.param("familyName", i, ""), "givenName": ctx.param("givenName", i, ""),
                            "middleName": ""}
    for key in ("middleName", "honorificPrefix", "honorificSuffix"):
        if extra.get(key):
            name[key] = extra[key]
    body: dict[str, Any] = {"names": [name]}
    _fill(ctx, body, extra)
    return _with_id(api.json("POST", "/people:createContact", body=body, params=dict(qs), item_index=i))


def _get(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    contact = ctx.param("contactId", i, "")
    qs["personFields"] = _person_fields(ctx.param("fields", i, []) or [])
    data = api.json("GET", f"/people/{contact}", params=dict(qs), item_index=i)
    if not ctx.param("rawData", i, False):
        data = clean_data(data)[0]
    return _with_id(data)


def _get_all(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    p = ctx.param
    use_query = bool(p("useQuery", i, False))
    endpoint = "/people:searchContacts" if use_query else "/people/me/connections"
    if use_query:
        qs["query"] = p("query", i, "")
    options = p("options", i, {}) or {}
    if options.get("sortOrder"):
        qs["sortOrder"] = options["sortOrder"]
    qs["personFields"] = _person_fields(p("fields", i, []) or [])
    if use_query:
        qs["readMask"] = qs.pop("personFields")
    if p("returnAll", i, False):
        rows = _all_items(api, "results" if use_query else "connections", endpoint, qs, i)
        if use_query:
            rows = [r.get("person") for r in rows]
    else:
        qs["pageSize"] = p("limit", i, 100)
        page = api.json("GET", endpoint, params=dict(qs), item_index=i)
        rows = page.get("connections") or [r.get("person") for r in page.get("results") or []] or []
    if not p("rawData", i, False):
        rows = clean_data(rows)
    return [_with_id(row) for row in rows]


def _all_items(api: GoogleApi, prop: str, endpoint: str, qs: dict[str, Any], i: int) -> list[Any]:
    """``googleApiRequestAllItems``: pageSize 100, ``pageToken`` until no ``nextPageToken``."""
    out: list[Any] = []
    qs["pageSize"] = 100
    while True:
        page = api.json("GET", endpoint, params=dict(qs), item_index=i)
        token = page.get("nextPageToken")
        if token is None:
            qs.pop("pageToken", None)
        else:
            qs["pageToken"] = token
        out.extend(page.get(prop) or [])
        if token is None or token == "":
            return out


def _update(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    contact = ctx.param("contactId", i, "")
    fields = ctx.param("updateFields", i, {}) or {}
    etag = fields.get("etag")
    if not etag:
        etag = api.json("GET", f"/people/{contact}", params={"personFields": "Names"}, item_index=i).get("etag")
    qs["personFields"] = _person_fields(ctx.param("fields", i, []) or [])
    name = {key: fields[key] for key in _NAME_FIELDS if fields.get(key)}
    body: dict[str, Any] = {"etag": etag, "names": [name]}
    touched = _fill(ctx, body, fields)
    touched.append("names")
    qs["updatePersonFields"] = ",".join(touched)
    return _with_id(api.json("PATCH", f"/people/{contact}:updateContact", body=body, params=dict(qs),
                             item_index=i))


# -- n8n's cleanData -------------------------------------------------------------------------------


def _mdy(date: dict[str, Any]) -> str:
    def js(value: Any) -> str:
        return "undefined" if value is None else str(value)

    return f"{js(date.get('month'))}/{js(date.get('day'))}/{js(date.get('year'))}"


def _without_metadata(value: Any) -> Any:
    return {k: v for k, v in value.items() if k != "metadata"} if isinstance(value, dict) else value


def _clean_value(key: str, value: Any) -> Any:
    if key == "photos":
        return [photo.get("url") for photo in value]
    if key == "names":
        return _without_metadata(value[0]) if value else None
    if key == "memberships":
        return [((m.get("metadata") or {}).get("source") or {}).get("id") for m in value]
    if key == "birthdays":
        dates = [_mdy(b.get("date") or {}) for b in value]
        return dates[0] if dates else None
    if key in ("userDefined", "organizations", "biographies"):
        return [_without_metadata(v) for v in value]
    return value


def _typed(key: str, value: list[dict[str, Any]]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for data in value:
        kind = data.get("type")
        bucket = grouped.setdefault("undefined" if kind is None else str(kind), [])
        if key == "relations":
            bucket.append(data.get("person"))
        elif key == "events":
            bucket.append(_mdy(data.get("date") or {}))
        elif key == "addresses":
            bucket.append({k: v for k, v in data.items() if k not in ("metadata", "type")})
        else:
            bucket.append(data.get("value"))
    return grouped


def clean_data(data: Any) -> list[dict[str, Any]]:
    """n8n's ``cleanData``: flatten a person (or persons) into the node's simple shape."""
    rows = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for row in rows:
        obj: dict[str, Any] = {}
        for key, value in row.items():
            if key == "metadata":
                continue
            if key in _TYPED:
                grouped = _typed(key, value or [])
                if grouped:
                    obj[key] = grouped
            else:
                obj[key] = _clean_value(key, value)
        out.append(obj)
    return out
