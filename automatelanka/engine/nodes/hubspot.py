"""HubSpot (n8n-nodes-base.hubspot v1, v2, 2.1, 2.2) over HubSpot's v1/v3 REST APIs.

Base URL: configured ``hubspot`` base URL, else https://api.hubapi.com. Credentials by the
``authentication`` parameter: ``apiKey`` (hubspotApi, ``hapikey`` query), ``appToken``
(hubspotAppToken, bearer) or ``oAuth2`` (hubspotOAuth2Api). Implemented: contact
upsert/get/getAll/getRecentlyCreatedUpdated/delete/search, company
create/update/get/getAll/getRecentlyCreatedUpdated/searchByDomain/delete, deal
create/update/get/getAll/getRecentlyCreatedUpdated/delete/search, engagement
create/get/getAll/delete, ticket create/update/get/getAll/delete; outputs are HubSpot's answers
as n8n returns them (deletes without a body answer ``{vid, deleted: true}``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _hubspot_fields as fields_map
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api, dispatch, js_date_ms
from automatelanka.engine.nodes._svc import resource_value
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "HubSpot"
_CREDENTIALS = {"apiKey": "hubspotApi", "appToken": "hubspotAppToken", "oAuth2": "hubspotOAuth2Api"}


def _api(ctx: NodeContext) -> Api:
    kind = ctx.param("authentication", 0, "apiKey")
    credential_type = _CREDENTIALS.get(kind, "hubspotOAuth2Api")
    base = base_url(ctx, "hubspot", "https://api.hubapi.com")
    if credential_type == "hubspotApi":
        from automatelanka.engine.nodes._http import credential

        fields = credential(ctx, credential_type) or {}
        return Api(ctx, base, credential_type, fields=fields, auth={"query": ("hapikey", str(fields.get("apiKey") or ""))})
    if credential_type == "hubspotAppToken":
        from automatelanka.engine.nodes._http import credential

        fields = credential(ctx, credential_type) or {}
        return Api(ctx, base, credential_type, fields=fields, auth={"bearer": str(fields.get("appToken") or "")})
    return Api(ctx, base, credential_type)


def _all_items(api: Api, i: int, prop: str, method: str, endpoint: str, body: dict[str, Any] | None,
               qs: dict[str, Any]) -> list[Any]:
    """hubspotApiRequestAllItems: follow offset / vid-offset / paging.next.after."""
    qs = {**qs, "limit": qs.get("limit") or 250, "count": 100}
    body = dict(body) if body is not None else None
    if body is not None:
        body["limit"] = body.get("limit") or 100
    out: list[Any] = []
    while True:
        data = api.call(method, endpoint, i, body=body if method != "GET" else None, qs=qs) or {}
        qs["offset"] = data.get("offset")
        qs["vidOffset"] = data.get("vid-offset")
        paging = data.get("paging")
        if paging and body is not None:
            body["after"] = ((paging.get("next") or {}).get("after"))
        out.extend(data.get(prop) or [])
        if endpoint.endswith("/tickets/paged") and qs.get("limit") and qs["limit"] <= len(out):
            return out
        if not (data.get("hasMore") or data.get("has-more") or paging):
            return out


def _snake(text: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", str(text)).lower()


def _properties_qs(collection: dict[str, Any], qs: dict[str, Any], key: str = "properties") -> None:
    values = (collection.get("propertiesCollection") or {}).get("propertiesValues")
    if not values:
        return
    props = values.get("properties")
    qs[key] = props if isinstance(props, list) else str(props or "").split(",")
    qs["propertyMode"] = _snake(values.get("propertyMode") or "")


def _convert(value: Any, kind: str) -> Any:
    if kind == "str":
        return str(value)
    if kind == "date":
        return js_date_ms(value)
    if kind == "join":
        return ";".join(str(v) for v in value) if isinstance(value, list) else value
    return value


def _named(values: dict[str, Any], mapping: dict[str, tuple[str, str]], key: str) -> list[dict[str, Any]]:
    """``[{key: property, value}]`` for the set fields, in n8n's order, then custom properties."""
    out = [{key: prop, "value": _convert(values[name], kind)}
           for name, (prop, kind) in mapping.items() if values.get(name)]
    for custom in ((values.get("customPropertiesUi") or {}).get("customPropertiesValues") or []):
        out.append({key: custom.get("property"), "value": custom.get("value")})
    return out


def _deleted(data: Any, record_id: Any) -> Any:
    return {"vid": record_id, "deleted": True} if data is None else data


def _page(ctx: NodeContext, api: Api, i: int, prop: str, endpoint: str, qs: dict[str, Any],
          limit_key: str = "count", method: str = "GET", body: dict[str, Any] | None = None) -> Any:
    if ctx.param("returnAll", 0, False):
        return _all_items(api, i, prop, method, endpoint, body, qs)
    limit = ctx.param("limit", 0, 100)
    if body is not None:
        body["limit"] = limit
    else:
        qs[limit_key] = limit
    data = api.call(method, endpoint, i, body=body, qs=qs) or {}
    return data.get(prop)


def _search(ctx: NodeContext, api: Api, i: int, object_type: str) -> Any:
    extra = dict(ctx.param("additionalFields", i, {}) or {})
    body: dict[str, Any] = {"sorts": [{"propertyName": extra.get("sortBy") or "createdate",
                                       "direction": extra.get("direction") or "DESCENDING"}]}
    groups = (ctx.param("filterGroupsUi", i, {}) or {}).get("filterGroupsValues")
    if groups:
        body["filterGroups"] = []
        for group in groups:
            if group.get("filtersUi"):
                filters = []
                for raw in group["filtersUi"].get("filterValues") or []:
                    item = {k: v for k, v in raw.items() if k != "type"}
                    if item.get("propertyName") is not None:
                        item["propertyName"] = str(item["propertyName"]).split("|")[0]
                    filters.append(item)
                body["filterGroups"].append({"filters": filters})
        if len(body["filterGroups"]) > 3:
            raise NodeError("You can only have 3 filter groups", item_index=i)
    body.update(extra)
    return _page(ctx, api, i, "results", f"/crm/v3/objects/{object_type}/search", {}, method="POST", body=body)


# -- contact ----------------------------------------------------------------------------------


def _contact_upsert(ctx: NodeContext, api: Api, i: int) -> Any:
    email = ctx.param("email", i)
    extra = ctx.param("additionalFields", i, {}) or {}
    data = api.call("POST", f"/contacts/v1/contact/createOrUpdate/email/{email}", i,
                    body={"properties": _named(extra, fields_map._CONTACT, "property")}) or {}
    if extra.get("associatedCompanyId"):
        api.call("PUT", "/crm-associations/v1/associations/create-batch", i,
                 body=[{"fromObjectId": data.get("vid"), "toObjectId": extra["associatedCompanyId"],
                        "category": "HUBSPOT_DEFINED", "definitionId": 1}])
    if (ctx.node.type_version or 1) < 2:
        resolve = ctx.param("resolveData", i, True)
    else:
        resolve = not (ctx.param("options", i, {}) or {}).get("resolveData")
    if resolve:
        is_new = data.get("isNew")
        qs = {"property": extra["properties"]} if extra.get("properties") else {}
        data = api.call("GET", f"/contacts/v1/contact/vid/{data.get('vid')}/profile", i, qs=qs) or {}
        data["isNew"] = is_new
    return data


def _contact_qs(ctx: NodeContext, values: dict[str, Any], key: str) -> dict[str, Any]:
    qs: dict[str, Any] = {}
    if values.get("formSubmissionMode"):
        qs["formSubmissionMode"] = values["formSubmissionMode"]
    if values.get("listMemberships"):
        qs["showListMemberships"] = values["listMemberships"]
    if (ctx.node.type_version or 1) < 2:
        if values.get("properties"):
            qs["property"] = values["properties"]
        if values.get("propertyMode"):
            qs["propertyMode"] = _snake(values["propertyMode"])
    else:
        _properties_qs(values, qs, key)
    return qs


def _contact_get(ctx: NodeContext, api: Api, i: int) -> Any:
    contact_id = resource_value(ctx.param("contactId", i))
    qs = _contact_qs(ctx, ctx.param("additionalFields", i, {}) or {}, "properties")
    return api.call("GET", f"/contacts/v1/contact/vid/{contact_id}/profile", i, qs=qs)


def _contact_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    qs = _contact_qs(ctx, ctx.param("additionalFields", i, {}) or {}, "property")
    return _page(ctx, api, i, "contacts", "/contacts/v1/lists/all/contacts/all", qs)


def _contact_recent(ctx: NodeContext, api: Api, i: int) -> Any:
    name = "filters" if (ctx.node.type_version or 1) < 2 else "additionalFields"
    qs = _contact_qs(ctx, ctx.param(name, i, {}) or {}, "properties")
    return _page(ctx, api, i, "contacts", "/contacts/v1/lists/recently_updated/contacts/recent", qs)


def _contact_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    contact_id = resource_value(ctx.param("contactId", i))
    return _deleted(api.call("DELETE", f"/contacts/v1/contact/vid/{contact_id}", i), contact_id)


# -- company ----------------------------------------------------------------------------------


def _company_create(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    body = [{"name": "name", "value": ctx.param("name", i)}, *_named(extra, fields_map._COMPANY_CREATE, "name")]
    return api.call("POST", "/companies/v2/companies", i, body={"properties": body})


def _company_update(ctx: NodeContext, api: Api, i: int) -> Any:
    company_id = resource_value(ctx.param("companyId", i))
    update = ctx.param("updateFields", i, {}) or {}
    body = _named(update, fields_map._COMPANY_UPDATE, "name")
    return api.call("PUT", f"/companies/v2/companies/{company_id}", i, body={"properties": body})


def _company_get(ctx: NodeContext, api: Api, i: int) -> Any:
    company_id = resource_value(ctx.param("companyId", i))
    extra = ctx.param("additionalFields", i, {}) or {}
    qs = {"includeMergeAudits": extra["includeMergeAudits"]} if extra.get("includeMergeAudits") else {}
    return api.call("GET", f"/companies/v2/companies/{company_id}", i, qs=qs)


def _company_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    qs: dict[str, Any] = {}
    if options.get("formSubmissionMode"):
        qs["formSubmissionMode"] = options["formSubmissionMode"]
    if options.get("listMerberships"):
        qs["showListMemberships"] = options["listMerberships"]
    _properties_qs(options, qs)
    return _page(ctx, api, i, "companies", "/companies/v2/companies/paged", qs, "limit")


def _company_recent(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    qs: dict[str, Any] = {}
    if extra.get("since"):
        qs["since"] = js_date_ms(extra["since"])
    _properties_qs(extra, qs)
    return _page(ctx, api, i, "results", "/companies/v2/companies/recent/modified", qs)


def _company_by_domain(ctx: NodeContext, api: Api, i: int) -> Any:
    domain = str(ctx.param("domain", i, ""))
    domain = domain.replace("https://", "", 1) if "https://" in domain else domain.replace("http://", "", 1)
    options = ctx.param("options", i, {}) or {}
    body: dict[str, Any] = {"requestOptions": {"properties": options["properties"]} if options.get("properties") else {}}
    return _page(ctx, api, i, "results", f"/companies/v2/domains/{domain}/companies", {}, method="POST", body=body)


def _company_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    company_id = resource_value(ctx.param("companyId", i))
    return _deleted(api.call("DELETE", f"/crm/v3/objects/companies/{company_id}", i), company_id)


# -- deal -------------------------------------------------------------------------------------

_DEAL_FIELDS = (("dealName", "dealname"), ("dealOwner", "hubspot_owner_id"), ("closeDate", "closedate"),
                ("amount", "amount"), ("dealType", "dealtype"), ("pipeline", "pipeline"),
                ("description", "description"))


def _deal_properties(values: dict[str, Any], props: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for name, prop in _DEAL_FIELDS:
        value = values.get(name)
        if not value:
            continue
        if name == "dealOwner":
            value = value.get("value") if isinstance(value, dict) else value
        elif name == "closeDate":
            value = js_date_ms(value)
        props.append({"name": prop, "value": value})
    for custom in ((values.get("customPropertiesUi") or {}).get("customPropertiesValues") or []):
        props.append({"name": custom.get("property"), "value": custom.get("value")})
    return props


def _deal_create(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    stage = ctx.param("stage", i)
    props: list[dict[str, Any]] = [{"name": "dealstage", "value": stage}] if stage else []
    association: dict[str, Any] = {}
    if extra.get("associatedCompany"):
        association["associatedCompanyIds"] = extra["associatedCompany"]
    if extra.get("associatedVids"):
        association["associatedVids"] = extra["associatedVids"]
    body = {"properties": _deal_properties(extra, props), "associations": association}
    return api.call("POST", "/deals/v1/deal", i, body=body)


def _deal_update(ctx: NodeContext, api: Api, i: int) -> Any:
    update = ctx.param("updateFields", i, {}) or {}
    deal_id = resource_value(ctx.param("dealId", i))
    props: list[dict[str, Any]] = [{"name": "dealstage", "value": update["stage"]}] if update.get("stage") else []
    return api.call("PUT", f"/deals/v1/deal/{deal_id}", i, body={"properties": _deal_properties(update, props)})


def _deal_get(ctx: NodeContext, api: Api, i: int) -> Any:
    deal_id = resource_value(ctx.param("dealId", i))
    return api.call("GET", f"/deals/v1/deal/{deal_id}", i)


def _deal_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    qs: dict[str, Any] = {}
    if filters.get("includeAssociations"):
        qs["includeAssociations"] = filters["includeAssociations"]
    _properties_qs(filters, qs)
    for key in ("properties", "propertiesWithHistory"):
        if filters.get(key):
            value = filters[key]
            qs[key] = value if isinstance(value, list) else str(value).split(",")
    return _page(ctx, api, i, "deals", "/deals/v1/deal/paged", qs, "limit")


def _deal_recent(ctx: NodeContext, api: Api, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    qs: dict[str, Any] = {}
    if filters.get("since"):
        qs["since"] = js_date_ms(filters["since"])
    if filters.get("includePropertyVersions"):
        qs["includePropertyVersions"] = filters["includePropertyVersions"]
    return _page(ctx, api, i, "results", "/deals/v1/deal/recent/created", qs)


def _deal_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    deal_id = resource_value(ctx.param("dealId", i))
    return _deleted(api.call("DELETE", f"/deals/v1/deal/{deal_id}", i), deal_id)


# -- engagement -------------------------------------------------------------------------------


def _emails(values: list[Any]) -> list[dict[str, str]]:
    return [{"email": e} for v in values for e in str(v).split(",")]


def _unix(value: Any) -> int | None:
    ms = js_date_ms(value)
    return None if ms is None else ms // 1000


def _metadata(kind: str, meta: dict[str, Any]) -> dict[str, Any]:
    def pick(*keys: str) -> dict[str, Any]:
        return {k: meta[k] for k in keys if meta.get(k)}

    if kind == "email":
        sender = {k: meta[src] for src, k in (("fromEmail", "email"), ("firstName", "firstName"),
                                               ("lastName", "lastName")) if meta.get(src)}
        return {"from": sender, "cc": _emails(meta.get("cc") or []), "bcc": _emails(meta.get("bcc") or []),
                **pick("subject", "html", "text")}
    if kind == "task":
        return pick("body", "subject", "status", "forObjectType")
    if kind == "meeting":
        out = pick("body")
        for key in ("startTime", "endTime"):
            if meta.get(key):
                out[key] = _unix(meta[key])
        return {**out, **pick("title", "internalMeetingNotes")}
    if kind == "call":
        return pick("toNumber", "fromNumber", "status", "durationMilliseconds", "recordingUrl", "body")
    return {}


def _engagement_create(ctx: NodeContext, api: Api, i: int) -> Any:
    kind = str(ctx.param("type", i))
    meta = ctx.param("metadata", i, {}) or {}
    associations = (ctx.param("additionalFields", i, {}) or {}).get("associations") or {}
    if not meta:
        raise NodeError("At least one metadata field needs to set", item_index=i)
    owner = associations.get("ownerId")
    engagement: dict[str, Any] = {"type": kind.upper()}
    if isinstance(owner, int | float) and not isinstance(owner, bool):
        engagement["ownerId"] = owner
    if kind == "task" and (ctx.node.type_version or 1) >= 2.2:
        due = ctx.param("dueDate", i, None)
        if due:
            engagement["timestamp"] = js_date_ms(due) if not isinstance(due, datetime) else int(due.timestamp() * 1000)
    assoc = {key: str(associations[key]).split(",")
             for key in ("companyIds", "contactIds", "dealIds", "ownerIds", "ticketIds") if associations.get(key)}
    body = {"engagement": engagement, "metadata": _metadata(kind, meta), "associations": assoc}
    return api.call("POST", "/engagements/v1/engagements", i, body=body)


def _engagement_get(ctx: NodeContext, api: Api, i: int) -> Any:
    return api.call("GET", f"/engagements/v1/engagements/{resource_value(ctx.param('engagementId', i))}", i)


def _engagement_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    return _page(ctx, api, i, "results", "/engagements/v1/engagements/paged", {}, "limit")


def _engagement_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    engagement_id = resource_value(ctx.param("engagementId", i))
    return _deleted(api.call("DELETE", f"/engagements/v1/engagements/{engagement_id}", i), engagement_id)


# -- ticket -----------------------------------------------------------------------------------


def _ticket_associate(api: Api, i: int, values: dict[str, Any], object_id: Any) -> None:
    for key, definition in (("associatedCompanyIds", 26), ("associatedContactIds", 16)):
        if values.get(key):
            api.call("PUT", "/crm-associations/v1/associations/create-batch", i,
                     body=[{"fromObjectId": object_id, "toObjectId": target, "category": "HUBSPOT_DEFINED",
                            "definitionId": definition} for target in values[key]])


def _ticket_create(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    body = [{"name": "hs_pipeline", "value": ctx.param("pipelineId", i)},
            {"name": "hs_pipeline_stage", "value": ctx.param("stageId", i)},
            {"name": "subject", "value": ctx.param("ticketName", i)},
            *_named({k: v for k, v in extra.items() if k != "customPropertiesUi"}, fields_map._TICKET_CREATE, "name")]
    data = api.call("POST", "/crm-objects/v1/objects/tickets", i, body=body) or {}
    _ticket_associate(api, i, extra, data.get("objectId"))
    return data


def _ticket_update(ctx: NodeContext, api: Api, i: int) -> Any:
    update = ctx.param("updateFields", i, {}) or {}
    ticket_id = resource_value(ctx.param("ticketId", i))
    body = _named({k: v for k, v in update.items() if k != "customPropertiesUi"}, fields_map._TICKET_UPDATE, "name")
    data = api.call("PUT", f"/crm-objects/v1/objects/tickets/{ticket_id}", i, body=body) or {}
    _ticket_associate(api, i, update, data.get("objectId"))
    return data


def _ticket_qs(values: dict[str, Any]) -> dict[str, Any]:
    qs: dict[str, Any] = {}
    if values.get("properties"):
        qs["properties"] = values["properties"]
    if values.get("propertiesWithHistory"):
        qs["propertiesWithHistory"] = str(values["propertiesWithHistory"]).split(",")
    return qs


def _ticket_get(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    qs = _ticket_qs(extra)
    if extra.get("includeDeleted"):
        qs["includeDeleted"] = extra["includeDeleted"]
    return api.call("GET", f"/crm-objects/v1/objects/tickets/{resource_value(ctx.param('ticketId', i))}", i, qs=qs)


def _ticket_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    qs = _ticket_qs(ctx.param("additionalFields", i, {}) or {})
    if ctx.param("returnAll", 0, False):
        return _all_items(api, i, "objects", "GET", "/crm-objects/v1/objects/tickets/paged", None, qs)
    qs["limit"] = ctx.param("limit", 0, 100)
    rows = _all_items(api, i, "objects", "GET", "/crm-objects/v1/objects/tickets/paged", None, qs)
    return rows[: qs["limit"]]


def _ticket_delete(ctx: NodeContext, api: Api, i: int) -> Any:
    ticket_id = resource_value(ctx.param("ticketId", i))
    api.call("DELETE", f"/crm-objects/v1/objects/tickets/{ticket_id}", i)
    return {"vid": ticket_id, "deleted": True}


_OPERATIONS = {
    ("contact", "upsert"): _contact_upsert, ("contact", "get"): _contact_get,
    ("contact", "getAll"): _contact_get_all, ("contact", "getRecentlyCreatedUpdated"): _contact_recent,
    ("contact", "delete"): _contact_delete,
    ("contact", "search"): lambda ctx, api, i: _search(ctx, api, i, "contacts"),
    ("company", "create"): _company_create, ("company", "update"): _company_update,
    ("company", "get"): _company_get, ("company", "getAll"): _company_get_all,
    ("company", "getRecentlyCreatedUpdated"): _company_recent, ("company", "searchByDomain"): _company_by_domain,
    ("company", "delete"): _company_delete,
    ("deal", "create"): _deal_create, ("deal", "update"): _deal_update, ("deal", "get"): _deal_get,
    ("deal", "getAll"): _deal_get_all, ("deal", "getRecentlyCreatedUpdated"): _deal_recent,
    ("deal", "delete"): _deal_delete, ("deal", "search"): lambda ctx, api, i: _search(ctx, api, i, "deals"),
    ("engagement", "create"): _engagement_create, ("engagement", "get"): _engagement_get,
    ("engagement", "getAll"): _engagement_get_all, ("engagement", "delete"): _engagement_delete,
    ("ticket", "create"): _ticket_create, ("ticket", "update"): _ticket_update, ("ticket", "get"): _ticket_get,
    ("ticket", "getAll"): _ticket_get_all, ("ticket", "delete"): _ticket_delete,
}


@register("n8n-nodes-base.hubspot", versions=(1, 2, 2.1, 2.2), display_name="HubSpot")
@register("n8n-nodes-base.hubspotTool", versions=(1, 2, 2.1, 2.2), display_name="HubSpot Tool")
def hubspot(ctx: NodeContext) -> NodeOutput:
    version = ctx.node.type_version or 1
    resource = ctx.param("resource", 0, "deal" if version < 2 else "contact")
    operation = ctx.param("operation", 0)
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        return [dispatch(ctx, DISPLAY, {}, resource, operation)]
    api = _api(ctx)
    return [dispatch(ctx, DISPLAY, {(resource, operation): lambda c, i, _item: handler(c, api, i)},
                     resource, operation)]

