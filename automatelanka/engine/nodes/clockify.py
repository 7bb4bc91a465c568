"""Clockify (n8n-nodes-base.clockify v1): the REST API v1 with the API-key credential.

Base: configured ``clockify`` base URL, else https://api.clockify.me/api/v1; clockifyApi (header
``X-Api-Key``; every request also carries ``Content-Type: application/json``). Supported, as n8n's
node does them:

- client create/delete/get/getAll/update; project create/delete/get/getAll/update;
- tag create/delete/getAll/update (delete answers ``{success: true}``);
- task create/delete/get/getAll/update (``estimate`` ``H:M`` sent as ``PTxHyM``);
- timeEntry create/delete/get/update (delete answers ``{success: true}``; start/end converted with
  the workflow time zone to UTC ``YYYY-MM-DDTHH:mm:ssZ``; an update without ``start`` reads the
  entry's start first); user getAll; workspace getAll.

As in n8n, one query object is shared by all items of a run: getAll merges its additional fields
(or filters) into it, ``limit`` goes into the query string, and pagination uses ``page-size=50``
and ``page`` until an empty page (or until ``limit`` rows); task getAll without returnAll sends one
request with ``page-size=<limit>``; workspace getAll is one request cut to ``limit``. Under
continue-on-fail a failing item becomes n8n's ``{json: {}, error: <message>}``. n8n joins paths
as ``/api/v1//workspaces/...``; they are sent with one slash. Other operations fail with "not
supported yet".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Clockify"
PAGE_SIZE = 50
_DEFAULT_OPERATION = {"client": "create", "project": "create", "tag": "create", "task": "create",
                      "timeEntry": "create", "user": "getAll", "workspace": "getAll"}


def moment_utc(value: Any, zone: str) -> str:
    """``moment.tz(value, zone).utc().format()`` (``Invalid date`` when moment cannot read it)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return "Invalid date"
    if parsed.tzinfo is None:
        try:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone or "UTC"))
        except (KeyError, ValueError):
            parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truthy(value: Any) -> bool:
    """JavaScript truthiness (``{}`` and ``[]`` are true)."""
    if isinstance(value, dict | list):
        return True
    return bool(value)


def _entry_start(entry: Any, i: int) -> Any:
    """``const { timeInterval: { start } } = entry`` with V8's errors."""
    if entry is None:
        raise NodeError("Cannot destructure property 'timeInterval' of 'null' as it is null.", item_index=i)
    interval = entry.get("timeInterval") if isinstance(entry, dict) else None
    if interval is None:
        raise NodeError("Cannot read properties of undefined (reading 'start')", item_index=i)
    return interval.get("start") if isinstance(interval, dict) else None


def _estimate(body: dict[str, Any]) -> None:
    """Task ``estimate`` ``"H:M"`` -> ``"PTxHyM"`` (n8n's split on ``:``)."""
    if _truthy(body.get("estimate")):
        parts = str(body["estimate"]).split(":")
        hour = parts[0]
        minute = parts[1] if len(parts) > 1 else "undefined"
        body["estimate"] = f"PT{hour}H{minute}M"


def _project_estimate(body: dict[str, Any]) -> None:
    if _truthy(body.get("estimateUi")):
        estimate = body["estimateUi"].get("estimateValues") if isinstance(body["estimateUi"], dict) else None
        if estimate is None:
            body.pop("estimate", None)
        else:
            body["estimate"] = estimate
        del body["estimateUi"]


class Clockify:
    """One run of the node: the API, the shared query object and the operations."""

    def __init__(self, ctx: NodeContext, resource: str, operation: str) -> None:
        self.ctx = ctx
        self.resource = resource
        self.operation = operation
        fields = credential(ctx, "clockifyApi") or {}
        self.api = Api(ctx, base_url(ctx, "clockify", "https://api.clockify.me/api/v1"), "clockifyApi",
                       fields=fields, auth={"header": ("X-Api-Key", str(fields.get("apiKey") or ""))},
                       headers={"Content-Type": "application/json"})
        #: n8n's ``qs``: one object for the whole run, mutated by getAll.
        self.qs: dict[str, Any] = {}

    # -- plumbing -----------------------------------------------------------------------------------

    def p(self, name: str, i: int, default: Any = "") -> Any:
        return self.ctx.param(name, i, default)

    def fields(self, name: str, i: int) -> dict[str, Any]:
        value = self.ctx.param(name, i, {})
        return dict(value) if isinstance(value, dict) else {}

    def ws(self, i: int, *parts: str) -> str:
        """``workspaces/<workspaceId>/<parts...>`` with each part a parameter name or literal."""
        segments = [f"workspaces/{js_string(self.p('workspaceId', i, []))}"]
        segments.extend(js_string(self.p(part[1:], i)) if part.startswith("$") else part for part in parts)
        return "/".join(segments)

    def call(self, method: str, path: str, i: int, body: dict[str, Any] | None = None) -> Any:
        sent = None if method == "GET" else {k: v for k, v in (body or {}).items() if v is not None}
        return self.api.call(method, path, i, body=sent, qs=dict(self.qs))

    def all_items(self, path: str, i: int) -> list[Any]:
        """n8n's ``clockifyApiRequestAllItems``: pages of 50 until an empty one or ``limit`` rows."""
        self.qs["page-size"] = PAGE_SIZE
        self.qs["page"] = 1
        rows: list[Any] = []
        while True:
            page = self.call("GET", path, i)
            page = page if isinstance(page, list) else []
            rows.extend(page)
            limit = self.qs.get("limit")
            if limit and len(rows) >= float(limit):
                return rows
            self.qs["page"] += 1
            if not page:
                return rows

    def listing(self, path: str, i: int, extra: str = "additionalFields") -> list[Any]:
        """getAll of clients, projects, tags, users: all pages, or pages up to ``limit`` then cut."""
        return_all = self.p("returnAll", i, False)
        self.qs.update(self.fields(extra, i))
        if return_all:
            return self.all_items(path, i)
        self.qs["limit"] = self.p("limit", i, 100)
        return self.all_items(path, i)[: int(self.qs["limit"])]

    # -- operations ---------------------------------------------------------------------------------

    def client(self, i: int) -> Any:
        op = self.operation
        if op == "create":
            return self.call("POST", self.ws(i, "clients"), i, {"name": self.p("name", i)})
        if op == "update":
            body = {"name": self.p("name", i), **self.fields("updateFields", i)}
            return self.call("PUT", self.ws(i, "clients", "$clientId"), i, body)
        if op == "getAll":
            return self.listing(self.ws(i, "clients"), i)
        return self.call("DELETE" if op == "delete" else "GET", self.ws(i, "clients", "$clientId"), i, {})

    def project(self, i: int) -> Any:
        op = self.operation
        if op in ("create", "update"):
            body = {"name": self.p("name", i)} if op == "create" else {}
            body.update(self.fields("additionalFields" if op == "create" else "updateFields", i))
            _project_estimate(body)
            if op == "create":
                return self.call("POST", self.ws(i, "projects"), i, body)
            return self.call("PUT", self.ws(i, "projects", "$projectId"), i, body)
        if op == "getAll":
            return self.listing(self.ws(i, "projects"), i)
        return self.call("DELETE" if op == "delete" else "GET", self.ws(i, "projects", "$projectId"), i, {})

    def tag(self, i: int) -> Any:
        op = self.operation
        if op == "create":
            return self.call("POST", self.ws(i, "tags"), i, {"name": self.p("name", i)})
        if op == "delete":
            self.call("DELETE", self.ws(i, "tags", "$tagId"), i, {})
            return {"success": True}
        if op == "getAll":
            return self.listing(self.ws(i, "tags"), i)
        return self.call("PUT", self.ws(i, "tags", "$tagId"), i, self.fields("updateFields", i))

    def task(self, i: int) -> Any:
        op = self.operation
        tasks = self.ws(i, "projects", "$projectId", "tasks")
        if op in ("create", "update"):
            body = {"name": self.p("name", i)} if op == "create" else {}
            body.update(self.fields("additionalFields" if op == "create" else "updateFields", i))
            _estimate(body)
            if op == "create":
                return self.call("POST", tasks, i, body)
            return self.call("PUT", f"{tasks}/{js_string(self.p('taskId', i))}", i, body)
        if op == "getAll":
            return_all = self.p("returnAll", i, False)
            self.qs.update(self.fields("filters", i))
            if return_all:
                return self.all_items(tasks, i)
            self.qs["page-size"] = self.p("limit", i, 100)
            return self.call("GET", tasks, i)
        return self.call("DELETE" if op == "delete" else "GET", f"{tasks}/{js_string(self.p('taskId', i))}", i, {})

    def time_entry(self, i: int) -> Any:
        op = self.operation
        zone = self.ctx.timezone or "UTC"
        if op == "create":
            body: dict[str, Any] = {"start": moment_utc(self.p("start", i), zone)}
            body.update(self.fields("additionalFields", i))
            if _truthy(body.get("end")):
                body["end"] = moment_utc(body["end"], zone)
            if _truthy(body.get("customFieldsUi")):
                ui = body["customFieldsUi"]
                body["customFields"] = ui.get("customFieldsValues") if isinstance(ui, dict) else None
            return self.call("POST", self.ws(i, "time-entries"), i, body)
        path = self.ws(i, "time-entries", "$timeEntryId")
        if op == "delete":
            self.call("DELETE", path, i, {})
            return {"success": True}
        if op == "get":
            return self.call("GET", path, i)
        body = self.fields("updateFields", i)
        if _truthy(body.get("end")):
            body["end"] = moment_utc(body["end"], zone)
        if _truthy(body.get("start")):
            body["start"] = moment_utc(body["start"], zone)
        else:
            body["start"] = _entry_start(self.call("GET", path, i), i)
        return self.call("PUT", path, i, body)

    def user(self, i: int) -> Any:
        return self.listing(self.ws(i, "users"), i)

    def workspace(self, i: int) -> Any:
        return_all = self.p("returnAll", i, False)
        rows = self.call("GET", "workspaces", i)
        if not return_all:
            self.qs["limit"] = self.p("limit", i, 100)
            if isinstance(rows, list):
                rows = rows[: int(self.qs["limit"])]
        return rows


_OPERATIONS: dict[str, tuple[Callable[[Clockify, int], Any], tuple[str, ...]]] = {
    "client": (Clockify.client, ("create", "delete", "get", "getAll", "update")),
    "project": (Clockify.project, ("create", "delete", "get", "getAll", "update")),
    "tag": (Clockify.tag, ("create", "delete", "getAll", "update")),
    "task": (Clockify.task, ("create", "delete", "get", "getAll", "update")),
    "timeEntry": (Clockify.time_entry, ("create", "delete", "get", "update")),
    "user": (Clockify.user, ("getAll",)),
    "workspace": (Clockify.workspace, ("getAll",)),
}


@register("n8n-nodes-base.clockify", versions=(1,), display_name="Clockify")
@register("n8n-nodes-base.clockifyTool", versions=(1,), display_name="Clockify Tool")
def clockify(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "project")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler, operations = _OPERATIONS.get(resource, (None, ()))
    if handler is None or operation not in operations:
        raise unsupported(DISPLAY, resource, operation)
    node = Clockify(ctx, resource, operation)
    out: list[dict[str, Any]] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            result = handler(node, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": exc.message, "json": {}})  # n8n pushes this shape, unpaired
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
