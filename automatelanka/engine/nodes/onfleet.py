"""Onfleet (n8n-nodes-base.onfleet v1): tasks and destinations over the Onfleet API v2.

Base: configured ``onfleet`` base URL, else https://onfleet.com/api/v2; onfleetApi (basic auth
``apiKey`` with an empty password, ``User-Agent: n8n-onfleet``). Supported:

- task create (several input items -> one ``POST tasks/batch`` whose ``tasks`` are the output, as
  n8n does; the task body is ``{destination, recipients: [recipient], ...additionalFields}`` with
  ``completeAfter``/``completeBefore`` as epoch ms and the raw ``recipient`` collection kept, as n8n
  sends it), get (ids of 8 characters or fewer via ``tasks/shortId``), getAll (``tasks/all`` with
  ``from`` defaulting to a week ago, ``to``, ``state``; returnAll follows ``lastId``, else the first
  page cut to ``limit``; filters/returnAll/limit of item 0, listed once per input item as in n8n), update (the id of item 0, as n8n reads it), delete and complete
  (``{success: true}``), clone (``options`` with overrides);
- destination create and get.

Output items are n8n's ``returnJsonArray`` of all results (the engine pairs them where
unambiguous); under continueOnFail a failing item adds ``{error: "<ErrorName>: <message>"}``.
Not supported yet: the organization, admin, recipient, hub, worker, webhook, container and team
resources.
"""

from __future__ import annotations

import time
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, js_date_ms
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Onfleet"
DEFAULT_BASE = "https://onfleet.com/api/v2"
_WEEK_MS = 604800 * 1000


def _api(ctx: NodeContext) -> Api:
    fields = credential(ctx, "onfleetApi") or {}
    return Api(ctx, base_url(ctx, "onfleet", DEFAULT_BASE), auth={"basic": (fields.get("apiKey") or "", "")},
               headers={"Content-Type": "application/json", "User-Agent": "n8n-onfleet"})


def _epoch(value: Any) -> Any:
    """``new Date(value).getTime()`` (``None`` -> JSON null for an invalid date, like NaN)."""
    return js_date_ms(value)


# -- bodies ---------------------------------------------------------------------------------------

def _format_address(unparsed: Any, address: Any, number: Any, street: Any, city: Any, country: Any,
                    extra: dict[str, Any]) -> dict[str, Any]:
    if unparsed:
        destination: dict[str, Any] = {"address": {"unparsed": address}}
    else:
        destination = {"address": {"number": number, "street": street, "city": city, "country": country}}
    for name, key in (("addressName", "name"), ("addressApartment", "apartment"), ("addressState", "state"),
                      ("addressPostalCode", "postalCode")):
        if extra.get(name):
            destination["address"][key] = extra[name]
    if extra.get("addressNotes"):
        destination["notes"] = extra["addressNotes"]
    return _drop_undefined(destination)


def _drop_undefined(value: Any) -> Any:
    """JSON.stringify drops undefined properties (parameters that were never read)."""
    if isinstance(value, dict):
        return {k: _drop_undefined(v) for k, v in value.items() if v is not _UNDEF}
    return value


_UNDEF = object()
_ADDRESS_KEYS = ("unparsed", "address", "addressNumber", "addressStreet", "addressCity", "addressCountry")


def _shared_destination(ctx: NodeContext, i: int) -> Any:
    collection = ctx.param("destination", i, {}) or {}
    destination = collection.get("destinationProperties") or {}
    if not destination:
        return []
    parts = [destination.get(key, _UNDEF) for key in _ADDRESS_KEYS]
    extra = {k: v for k, v in destination.items() if k not in _ADDRESS_KEYS}
    return _format_address(*parts, extra)


def _own_destination(ctx: NodeContext, i: int) -> dict[str, Any]:
    unparsed = ctx.param("unparsed", i, False)
    parts: list[Any] = [_UNDEF] * 5
    if unparsed:
        parts[0] = ctx.param("address", i, "")
    else:
        parts[1:] = [ctx.param(name, i, "") for name in _ADDRESS_KEYS[2:]]
    return _format_address(unparsed, *parts, ctx.param("additionalFields", i, {}) or {})


def _format_recipient(name: Any, phone: Any, extra: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    recipient: dict[str, Any] = {"name": name, "phone": phone}
    if extra.get("recipientNotes"):
        recipient["notes"] = extra["recipientNotes"]
    if extra.get("recipientSkipSMSNotifications"):
        recipient["skipSMSNotifications"] = extra["recipientSkipSMSNotifications"]
    if "recipientSkipPhoneNumberValidation" in options:
        recipient["skipPhoneNumberValidation"] = options["recipientSkipPhoneNumberValidation"] or False
    return _drop_undefined(recipient)


def _shared_recipient(ctx: NodeContext, i: int) -> dict[str, Any] | None:
    data = (ctx.param("additionalFields", i, {}) or {}).get("recipient") or {}
    options = ctx.param("options", i, {}) or {}
    recipient = data.get("recipientProperties") or {}
    if not recipient:
        return None
    extra = {k: v for k, v in recipient.items() if k not in ("recipientName", "recipientPhone")}
    return _format_recipient(recipient.get("recipientName", _UNDEF), recipient.get("recipientPhone", _UNDEF),
                             extra, options)


def _with_window(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``completeAfter``/``completeBefore`` as epoch ms, then the other fields."""
    for name in ("completeAfter", "completeBefore"):
        if fields.get(name):
            data[name] = _epoch(fields[name])
    data.update({k: v for k, v in fields.items() if k not in ("completeAfter", "completeBefore")})
    return data


def _task_create_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    data = {"destination": _shared_destination(ctx, i), "recipients": [_shared_recipient(ctx, i)]}
    return _with_window(data, fields)


def _task_update_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = dict(ctx.param("updateFields", i, {}) or {})
    if not fields:
        raise NodeError("Select at least one field to be updated", item_index=i)
    return _with_window({}, fields)


def _task_clone_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    fields = ctx.param("overrideFields", i, {}) or {}
    options: dict[str, Any] = {name: fields[name] for name in ("includeMetadata", "includeBarcodes",
                                                              "includeDependencies") if fields.get(name)}
    overrides: dict[str, Any] = {}
    if fields.get("notes"):
        overrides["notes"] = fields["notes"]
    if fields.get("pickupTask") is not None:
        overrides["pickupTask"] = fields["pickupTask"]
    if fields.get("serviceTime"):
        overrides["serviceTime"] = fields["serviceTime"]
    for name in ("completeAfter", "completeBefore"):
        if fields.get(name):
            overrides[name] = _epoch(fields[name])
    if overrides:
        options["overrides"] = overrides
    return {"options": options}


def _task_list_query(ctx: NodeContext) -> dict[str, Any]:
    filters = ctx.param("filters", 0, {}) or {}
    qs: dict[str, Any] = {"from": _epoch(filters["from"]) if filters.get("from")
                          else int(time.time() * 1000) - _WEEK_MS}
    if filters.get("to"):
        qs["to"] = _epoch(filters["to"])
    if filters.get("state"):
        state = ",".join(str(s) for s in filters["state"])
        qs["state"] = "0,1,2,3" if "all" in state else state
    return qs


# -- operations -----------------------------------------------------------------------------------

def _task(ctx: NodeContext, api: Api, operation: str, i: int) -> list[Any]:
    if operation == "create":
        return [api.call("POST", "/tasks", i, body=_task_create_body(ctx, i))]
    if operation == "get":
        task_id = ctx.param("id", i, "")
        short = "/shortId" if len(str(task_id)) <= 8 else ""
        return [api.call("GET", f"/tasks{short}/{task_id}", i)]
    if operation == "clone":
        return [api.call("POST", f"/tasks/{ctx.param('id', i, '')}/clone", i, body=_task_clone_body(ctx, i))]
    if operation == "delete":
        api.call("DELETE", f"/tasks/{ctx.param('id', i, '')}", i)
        return [{"success": True}]
    if operation == "getAll":
        return _task_list(ctx, api, i)
    if operation == "complete":
        details: dict[str, Any] = {"success": ctx.param("success", i, True)}
        notes = (ctx.param("additionalFields", i, {}) or {}).get("notes")
        if notes:
            details["notes"] = notes
        api.call("POST", f"/tasks/{ctx.param('id', i, '')}/complete", i, body={"completionDetails": details})
        return [{"success": True}]
    # update: n8n reads the id of item 0
    path = f"/tasks/{ctx.param('id', 0, '')}"
    return [api.call("PUT", path, i, body=_task_update_body(ctx, i))]


def _task_list(ctx: NodeContext, api: Api, i: int) -> list[Any]:
    qs = _task_list_query(ctx)
    if not ctx.param("returnAll", 0, False):
        page = api.call("GET", "/tasks/all", i, qs=qs) or {}
        return list(page.get("tasks") or [])[: int(ctx.param("limit", 0, 64))]
    rows: list[Any] = []
    while True:
        page = api.call("GET", "/tasks/all", i, qs=qs) or {}
        rows.extend(page.get("tasks") or [])
        if page.get("lastId") is None:
            return rows
        qs["lastId"] = page["lastId"]


def _destination(ctx: NodeContext, api: Api, operation: str, i: int) -> list[Any]:
    if operation == "create":
        return [api.call("POST", "/destinations", i, body=_own_destination(ctx, i))]
    return [api.call("GET", f"/destinations/{ctx.param('id', i, '')}", i)]


_SUPPORTED = {"task": ("create", "get", "clone", "delete", "getAll", "complete", "update"),
              "destination": ("create", "get")}


@register("n8n-nodes-base.onfleet", versions=(1,), display_name="Onfleet")
def onfleet(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, "get")
    if operation not in _SUPPORTED.get(resource, ()):
        raise unsupported(DISPLAY, resource, operation)
    api = _api(ctx)
    items = ctx.input(0)
    if resource == "task" and operation == "create" and len(items) > 1:
        body = {"tasks": [_task_create_body(ctx, i) for i in range(len(items))]}
        created = (api.call("POST", "/tasks/batch", 0, body=body) or {}).get("tasks")
        return [json_array(created) if created is not None else []]
    handler = _task if resource == "task" else _destination
    results: list[Any] = []
    for i in range(len(items)):
        try:
            results.extend(handler(ctx, api, operation, i))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            results.append({"error": f"{exc.name}: {exc.message}"})
    return [json_array(results)]
