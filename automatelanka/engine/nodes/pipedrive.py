"""Pipedrive (n8n-nodes-base.pipedrive v1) over the REST API v1.

Base: configured ``pipedrive`` base URL, else https://api.pipedrive.com/v1; the pipedriveApi
``apiToken`` goes in the ``api_token`` query parameter, or pipedriveOAuth2Api. Implemented:
activity, deal, note, organization, person create/delete/get/getAll/update, deal/organization/
person search (``result_score`` + item unless ``rawData``), deal duplicate, dealActivity getAll,
dealProduct getAll, lead create/delete/get/getAll/update, product getAll. Outputs are the API's
``data`` (``{success: true}`` when it is ``true``); getAll with returnAll walks ``start`` pages.
Custom property name resolution (resolve/encodeProperties) and files are not supported yet.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Pipedrive"
_PATHS = {"activity": ("/activities", "activityId"), "deal": ("/deals", "dealId"), "note": ("/notes", "noteId"),
          "organization": ("/organizations", "organizationId"), "person": ("/persons", "personId"),
          "lead": ("/leads", "leadId")}
_DEFAULT_OPERATION = {"dealActivity": "getAll", "dealProduct": "add", "product": "getAll"}


def _add_fields(target: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key == "customProperties" and isinstance(value, dict) and value.get("property") is not None:
            for prop in value["property"]:
                target[prop.get("name")] = prop.get("value")
        else:
            target[key] = value


def _lead_fields(body: dict[str, Any], fields: dict[str, Any]) -> None:
    rest = {k: v for k, v in fields.items() if k not in ("value", "expected_close_date")}
    body.update(rest)
    if fields.get("value"):
        body["value"] = fields["value"].get("valueProperties")
    if fields.get("expected_close_date"):
        body["expected_close_date"] = str(fields["expected_close_date"]).split("T")[0]


def _request(ctx: NodeContext, resource: str, operation: str, i: int) -> tuple[str, str, dict[str, Any],
                                                                                dict[str, Any], bool]:
    """``(method, endpoint, body, qs, returnAll)`` for one item."""
    p = ctx.param
    body: dict[str, Any] = {}
    qs: dict[str, Any] = {}
    return_all = False
    path, id_name = _PATHS.get(resource, ("", ""))
    if resource == "dealActivity" and operation == "getAll":
        return_all = p("returnAll", i, False)
        if not return_all:
            qs["limit"] = p("limit", i, 100)
        extra = p("additionalFields", i, {}) or {}
        if extra.get("exclude"):
            qs["exclude"] = extra["exclude"]
        if "done" in extra:
            qs["done"] = 1 if extra["done"] is True else 0
        return "GET", f"/deals/{p('dealId', i)}/activities", body, qs, return_all
    if resource == "dealProduct" and operation == "getAll":
        return "GET", f"/deals/{p('dealId', i)}/products", body, qs, False
    if resource == "product" and operation == "getAll":
        return_all = p("returnAll", i, False)
        if not return_all:
            qs["limit"] = p("limit", i, 100)
        return "GET", "/products", body, qs, return_all
    if not path:
        raise unsupported(DISPLAY, resource, operation)
    if operation == "create":
        if resource == "activity":
            body.update(subject=p("subject", i), done=p("done", i, "0"), type=p("type", i, ""))
        elif resource in ("deal", "lead"):
            body["title"] = p("title", i)
            org_key = "org_id" if resource == "deal" else "organization_id"
            if p("associateWith", i, "organization") == "organization":
                body[org_key] = p(org_key, i)
            else:
                body["person_id"] = p("person_id", i)
        elif resource == "note":
            body["content"] = p("content", i)
        else:
            body["name"] = p("name", i)
        if resource == "lead":
            _lead_fields(body, p("additionalFields", i, {}) or {})
        else:
            _add_fields(body, p("additionalFields", i, {}) or {})
        return "POST", path, body, qs, False
    if operation in ("delete", "get"):
        return ("DELETE" if operation == "delete" else "GET"), f"{path}/{p(id_name, i)}", body, qs, False
    if operation == "duplicate" and resource == "deal":
        return "POST", f"/deals/{p('dealId', i)}/duplicate", body, qs, False
    if operation == "update":
        if resource == "lead":
            _lead_fields(body, p("updateFields", i, {}) or {})
            return "PATCH", f"{path}/{p(id_name, i)}", body, qs, False
        _add_fields(body, p("updateFields", i, {}) or {})
        if resource in ("deal", "organization", "person") and body.get("label") == "null":
            body["label"] = None
        return "PUT", f"{path}/{p(id_name, i)}", body, qs, False
    if operation == "getAll":
        return_all = p("returnAll", i, False)
        if not return_all:
            qs["limit"] = p("limit", i, 100)
        _get_all_qs(ctx, resource, i, qs)
        return "GET", path, body, qs, return_all
    if operation == "search" and resource in ("deal", "organization", "person"):
        qs["term"] = p("term", i)
        return_all = p("returnAll", i, False)
        if resource == "deal":
            qs["exact_match"] = p("exactMatch", i, False)
        if not return_all:
            qs["limit"] = p("limit", i, 100)
        extra = p("additionalFields", i, {}) or {}
        if extra.get("fields"):
            fields = extra["fields"]
            qs["fields"] = ",".join(fields) if resource != "person" and isinstance(fields, list) else fields
        if resource != "deal" and extra.get("exactMatch"):
            qs["exact_match"] = extra["exactMatch"]
        if extra.get("organizationId") and resource != "organization":
            qs["organization_id"] = js_parse_int(extra["organizationId"])
        if extra.get("includeFields") and resource != "organization":
            qs["include_fields"] = extra["includeFields"]
        if resource == "deal" and extra.get("personId"):
            qs["person_id"] = js_parse_int(extra["personId"])
        if resource == "deal" and extra.get("status"):
            qs["status"] = extra["status"]
        return "GET", f"{path}/search", body, qs, return_all
    raise unsupported(DISPLAY, resource, operation)


def _get_all_qs(ctx: NodeContext, resource: str, i: int, qs: dict[str, Any]) -> None:
    if resource == "activity":
        _add_fields(qs, ctx.param("additionalFields", i, {}) or {})
        if qs.get("filterId"):
            qs["filter_id"] = qs.pop("filterId")
        if qs.get("type"):
            qs["type"] = ",".join(qs["type"])
    elif resource == "note":
        _add_fields(qs, ctx.param("additionalFields", i, {}) or {})
    elif resource == "lead":
        qs.update(ctx.param("filters", i, {}) or {})
    elif resource == "organization":
        filters = ctx.param("filters", i, {}) or {}
        if filters.get("filterId"):
            qs["filter_id"] = filters["filterId"]
        if filters.get("firstChar"):
            qs["first_char"] = str(filters["firstChar"])[:1]
    elif resource == "person":
        extra = ctx.param("additionalFields", i, {}) or {}
        for name, key in (("filterId", "filter_id"), ("firstChar", "first_char"), ("sort", "sort")):
            if extra.get(name):
                qs[key] = extra[name]


class _Client:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        base = base_url(ctx, "pipedrive", "https://api.pipedrive.com/v1")
        if ctx.param("authentication", 0, "apiToken") == "apiToken":
            fields = credential(ctx, "pipedriveApi") or {}
            self.api = Api(ctx, base, "pipedriveApi", fields=fields,
                           auth={"query": ("api_token", str(fields.get("apiToken") or ""))},
                           headers={"Accept": "application/json"})
        else:
            self.api = Api(ctx, base, "pipedriveOAuth2Api", headers={"Accept": "application/json"})

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any]) -> dict[str, Any]:
        data = self.api.call(method, endpoint, i, body=body or None, qs=qs) or {}
        if isinstance(data, dict) and data.get("success") is False:
            raise NodeApiError(str(data.get("error") or "Pipedrive request failed"), item_index=i)
        return {"additionalData": data.get("additional_data"),
                "data": [] if data.get("data") is None else data.get("data")}

    def all(self, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any]) -> dict[str, Any]:
        qs = {**qs, "limit": 100, "start": 0}
        out: list[Any] = []
        while True:
            page = self.call(method, endpoint, i, body, qs)
            data = page["data"]
            out.extend(data["items"] if isinstance(data, dict) and data.get("items") else data)
            pagination = ((page.get("additionalData") or {}).get("pagination") or {})
            qs["start"] = pagination.get("next_start")
            if pagination.get("more_items_in_collection") is not True:
                return {"data": out}


@register("n8n-nodes-base.pipedrive", versions=(1,), display_name="Pipedrive")
@register("n8n-nodes-base.pipedriveTool", versions=(1,), display_name="Pipedrive Tool")
def pipedrive(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "deal")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    if resource == "file" or (resource == "dealProduct" and operation != "getAll"):
        raise unsupported(DISPLAY, resource, operation)
    if operation in ("get", "getAll", "update") and resource in ("activity", "deal", "organization", "person",
                                                                 "product"):
        flag = "encodeProperties" if operation == "update" else "resolveProperties"
        if ctx.param(flag, 0, False):
            raise unsupported(DISPLAY, resource, f"{operation} with {flag}")
    client = _Client(ctx)
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            method, endpoint, body, qs, return_all = _request(ctx, resource, operation, i)
            page = client.all(method, endpoint, i, body, qs) if return_all else client.call(method, endpoint, i,
                                                                                          body, qs)
            data = page["data"]
            if operation == "search" and isinstance(data, dict) and data.get("items"):
                data = data["items"]
                if (ctx.param("additionalFields", i, {}) or {}).get("rawData") is not True:
                    data = [{"result_score": row.get("result_score"), **(row.get("item") or {})} for row in data]
            if isinstance(data, dict) and data.get("data") is True:
                data = {"success": True}
            rows = data if isinstance(data, list) else [data]
            out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
        except NodeError as exc:
            if ctx.continue_on_fail and "not supported yet" not in exc.message:
                out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
    return [out]
