"""Agile CRM (n8n-nodes-base.agileCrm v1): contacts, companies and deals over the REST API.

Base: configured ``agileCrm`` base URL, else ``https://{subdomain}.agilecrm.com/dev``; credential
agileCrmApi (basic auth ``email``/``apiKey``, ``Accept: application/json``). Supported: contact and
company get/getAll/create/update/delete, deal get/getAll/create/update/delete. getAll of contacts and
companies posts the dynamic filter as a form (``filterJson``, ``page_size``, ``global_sort_key``;
returnAll follows ``cursor``), with ``simple`` flattening properties; update sends n8n's sequence of
edit-properties / lead-score / tags / add-star requests and answers the last response. As in n8n
the output items are unpaired and the node has no continue-on-fail handling of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api, js_date_ms
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Agile CRM"
Handler = Callable[[NodeContext, Api, int, str], Any]


def _call(api: Api, method: str, endpoint: str, i: int, body: Any = None, qs: Any = None,
          form: bool = False) -> Any:
    """agileCrmApiRequest: no body on GET/DELETE; ``form`` sends it url-encoded."""
    if form:
        return api.call(method, endpoint, i, qs=qs, data={k: _form(v) for k, v in (body or {}).items()})
    return api.call(method, endpoint, i, qs=qs, body=None if method in ("GET", "DELETE") else (body or {}))


def _form(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _all(api: Api, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any],
         form: bool = False) -> list[Any]:
    """agileCrmApiRequestAllItems: follow the last row's ``cursor``."""
    rows: list[Any] = []
    while True:
        page = _call(api, method, endpoint, i, body, qs, form) or []
        if not page:
            return rows
        rows.extend(page)
        last = page[-1]
        if not isinstance(last, dict) or "cursor" not in last:
            return rows
        (body if form else qs)["cursor"] = last["cursor"]


def _json_fields(ctx: NodeContext, i: int, message: str) -> dict[str, Any]:
    text = ctx.param("additionalFieldsJson", i, "")
    if text == "":
        return {}
    try:
        return json.loads(text) if isinstance(text, str) else dict(text)
    except ValueError:
        raise NodeError(message, item_index=i) from None


def _prop(name: str, value: Any, subtype: Any = None, kind: str = "SYSTEM") -> dict[str, Any]:
    prop: dict[str, Any] = {"type": kind}
    if subtype is not None:
        prop["subtype"] = subtype
    prop.update({"name": name, "value": value})
    return prop


def _multi(fields: dict[str, Any], option: str, key: str, name: str, value_key: str) -> list[dict[str, Any]]:
    values = (fields.get(option) or {}).get(key) or []
    return [_prop(name, p.get(value_key), p.get("subtype")) for p in values]


def _properties(resource: str, fields: dict[str, Any], update: bool) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = []
    if resource == "contact":
        for name, key in (("first_name", "firstName"), ("last_name", "lastName"), ("company", "company"),
                          ("title", "title")):
            if fields.get(key):
                props.append(_prop(name, fields[key]))
        props += _multi(fields, "emailOptions", "emailProperties", "email", "email")
        props += _multi(fields, "addressOptions", "addressProperties", "address", "address")
        props += _multi(fields, "phoneOptions", "phoneProperties", "phone", "number")
    else:
        if fields.get("email"):
            props.append(_prop("email", fields["email"]))
        props += _multi(fields, "addressOptions", "addressProperties", "address", "address")
        if fields.get("phone"):
            props.append(_prop("phone", fields["phone"]))
        if fields.get("name") and not update:
            props.append(_prop("name", fields["name"]))
    props += _multi(fields, "websiteOptions", "websiteProperties", "website", "url")
    if fields.get("name") and update:
        props.append(_prop("name", fields["name"]))
    for p in (fields.get("customProperties") or {}).get("customProperty") or []:
        props.append(_prop(p.get("name"), p.get("value"), p.get("subtype"), "CUSTOM"))
    return props


def _contact_body(ctx: NodeContext, i: int, resource: str, update: bool) -> dict[str, Any]:
    if ctx.param("jsonParameters", i, False):
        return _json_fields(ctx, i, "Additional fields must be a valid JSON")
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    if resource == "company" and not update:
        body["type"] = "COMPANY"
    if fields.get("starValue"):
        body["star_value"] = fields["starValue"]
    if fields.get("tags"):
        body["tags"] = fields["tags"]
    if update and resource == "contact" and fields.get("leadScore"):
        body["lead_score"] = fields["leadScore"]
    body["properties"] = _properties(resource, fields, update)
    return body


def _update(api: Api, i: int, payload: dict[str, Any]) -> Any:
    """agileCrmApiRequestUpdate: one PUT per changed aspect, the last answer returned."""
    done: list[str] = []
    last: Any = None
    steps = (("properties", "api/contacts/edit-properties"), ("lead_score", "api/contacts/edit/lead-score"),
             ("tags", "api/contacts/edit/tags"), ("star_value", "api/contacts/edit/add-star"))
    for key, endpoint in steps:
        if not payload.get(key) and not (key == "properties" and isinstance(payload.get(key), list)):
            continue
        try:
            last = api.call("PUT", endpoint, i, body={"id": payload.get("id"), key: payload[key]})
        except NodeApiError as exc:
            if not done:
                raise
            reason = (exc.context.get("reason") or {}).get("message") or exc.message
            raise NodeApiError(f"Not all properties updated. Updated properties: {', '.join(done)}",
                               description=reason, http_code=exc.http_code, item_index=i) from None
        if key == "properties":
            done += [str(p.get("name")) if isinstance(p, dict) else "undefined" for p in payload[key]]
        elif key == "tags":
            done += [f"(Tag) {t}" for t in payload[key]]
        else:
            done.append(key)
    return last


def _contact_get_all(ctx: NodeContext, api: Api, i: int, resource: str) -> Any:
    simple = ctx.param("simple", 0, False)
    filter_json: dict[str, Any] = {"contact_type": "PERSON" if resource == "contact" else "COMPANY"}
    filter_type = ctx.param("filterType", i, "none")
    if filter_type == "manual":
        conditions = (ctx.param("filters", i, {}) or {}).get("conditions") or []
        if not conditions:
            raise NodeError("At least one condition must be added.", item_index=i)
        rules = [{"LHS": c.get("field"), "CONDITION": c.get("condition_type"), "RHS": c.get("value"),
                  "RHS_NEW": c.get("value2")} for c in conditions]
        filter_json.update({"or_rules": rules} if ctx.param("matchType", i, "anyFilter") == "anyFilter"
                           else {"rules": rules})
    elif filter_type == "json":
        try:
            filter_json.update(json.loads(ctx.param("filterJson", i, "")))
        except (ValueError, TypeError):
            raise NodeError("Filter (JSON) must be a valid json", item_index=i) from None
    body: dict[str, Any] = {"filterJson": json.dumps(filter_json, separators=(",", ":"))}
    sort = ((ctx.param("options", i, {}) or {}).get("sort") or {}).get("sort") or {}
    if sort.get("direction") == "ASC":
        body["global_sort_key"] = sort.get("field")
    elif sort.get("direction") == "DESC":
        body["global_sort_key"] = f"-{sort.get('field')}"
    endpoint = "api/filters/filter/dynamic-filter"
    if ctx.param("returnAll", 0, False):
        body["page_size"] = 100
        rows = _all(api, "POST", endpoint, i, body, {}, form=True)
    else:
        body["page_size"] = ctx.param("limit", 0, 20)
        rows = _call(api, "POST", endpoint, i, body, form=True)
    if simple:
        rows = [{"id": r.get("id"), **{str(p.get("name")): p.get("value") for p in r.get("properties") or []}}
                for r in rows or []]
    return rows


def _contact(operation: str) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, resource: str) -> Any:
        id_name = "contactId" if resource == "contact" else "companyId"
        if operation in ("get", "delete"):
            return _call(api, operation.upper(), f"api/contacts/{ctx.param(id_name, i)}", i)
        if operation == "getAll":
            return _contact_get_all(ctx, api, i, resource)
        if operation == "create":
            return _call(api, "POST", "api/contacts", i, _contact_body(ctx, i, resource, False))
        payload = {"id": ctx.param(id_name, i), **_contact_body(ctx, i, resource, True)}
        return _update(api, i, payload)
    return run


def _deal_body(ctx: NodeContext, i: int, update: bool) -> dict[str, Any]:
    if ctx.param("jsonParameters", i, False):
        return _json_fields(ctx, i, "Additional fields must be valid JSON" if update
                            else "Additional fields must be a valid JSON")
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    if update:
        body["id"] = ctx.param("dealId", i)
        for key, name in (("expected_value", "expectedValue"), ("name", "name"), ("probability", "probability")):
            if fields.get(name):
                body[key] = fields[name]
    else:
        body["close_date"] = js_date_ms(ctx.param("closeDate", i))
        for key, name in (("expected_value", "expectedValue"), ("milestone", "milestone"),
                          ("probability", "probability"), ("name", "name")):
            body[key] = ctx.param(name, i)
    if fields.get("contactIds"):
        body["contactIds"] = fields["contactIds"]
    if fields.get("customData"):
        body["customData"] = fields["customData"].get("customProperty")
    return body


def _deal(operation: str) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, resource: str) -> Any:
        if operation in ("get", "delete"):
            return _call(api, operation.upper(), f"api/opportunity/{ctx.param('dealId', i)}", i)
        if operation == "getAll":
            if ctx.param("returnAll", 0, False):
                return _all(api, "GET", "api/opportunity", i, {}, {"page_size": 100})
            return _call(api, "GET", "api/opportunity", i, qs={"page_size": ctx.param("limit", 0, 20)})
        if operation == "create":
            return _call(api, "POST", "api/opportunity", i, _deal_body(ctx, i, False))
        return _call(api, "PUT", "api/opportunity/partial-update", i, _deal_body(ctx, i, True))
    return run


_OPS = ("get", "getAll", "create", "update", "delete")
_OPERATIONS: dict[tuple[str, str], Handler] = {
    **{(r, op): _contact(op) for r in ("contact", "company") for op in _OPS},
    **{("deal", op): _deal(op) for op in _OPS},
}


def _api(ctx: NodeContext) -> Api:
    fields = credential(ctx, "agileCrmApi") or {}
    configured = ctx.state.services.base_urls.get("agileCrm")
    base = configured or f"https://{fields.get('subdomain')}.agilecrm.com/dev"
    return Api(ctx, base, None, fields=fields, headers={"Accept": "application/json"},
               auth={"basic": (str(fields.get("email") or ""), str(fields.get("apiKey") or ""))})


@register("n8n-nodes-base.agileCrm", versions=(1,), display_name="Agile CRM")
def agile_crm(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "contact")
    operation = ctx.param("operation", 0, "get")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = _api(ctx)
    rows: list[Any] = []
    for i in range(len(ctx.input(0))):
        result = handler(ctx, api, i, resource)
        if isinstance(result, list):
            rows.extend(result)
        else:
            rows.append(result)
    return [json_array(rows)]
