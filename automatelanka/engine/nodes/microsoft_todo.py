"""Microsoft To Do (n8n-nodes-base.microsoftToDo v1): lists, tasks and linked resources over Graph.

Base: configured ``microsoftToDo`` base URL, else https://graph.microsoft.com/v1.0/me; credential
microsoftToDoOAuth2Api. Supported: task create/get/getAll/update/delete, list create/get/getAll/
update/delete, linkedResource create/get/getAll/update/delete. Task ``content`` becomes an html
``body``; due/reminder dates are ``moment.tz(value, workflow zone).format()`` with the zone, and
update sets ``isReminderOn`` as n8n does. getAll with returnAll follows ``@odata.nextLink`` with
``$top=100``; deletes answer ``{success: true}``. The query object is shared by a run's items as in
n8n; continue-on-fail gives ``{error: message}`` items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.asana import moment_format
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Microsoft To Do"
Qs = dict[str, Any]
Handler = Callable[[NodeContext, Api, int, Qs], Any]
SUCCESS = {"success": True}


def _get_all(api: Api, path: str, i: int, qs: Qs, ctx: NodeContext) -> Any:
    if not ctx.param("returnAll", i, False):
        qs["$top"] = ctx.param("limit", i, 50)
        return (api.call("GET", path, i, qs=qs) or {}).get("value")
    qs["$top"] = 100
    rows: list[Any] = []
    url: str | None = None
    while True:
        if url:
            parts = urlsplit(url)
            merged = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **qs}
            data = api.call("GET", "", i, qs=merged, url=urlunsplit(parts._replace(query=""))) or {}
        else:
            data = api.call("GET", path, i, qs=qs) or {}
        url = data.get("@odata.nextLink")
        if url and "$top" in url:
            qs.pop("$top", None)
        rows.extend(data.get("value") or [])
        if url is None:
            return rows


def _task_body(ctx: NodeContext, body: dict[str, Any], update: bool) -> dict[str, Any]:
    zone = ctx.timezone
    if body.get("content"):
        body["body"] = {"content": body["content"], "contentType": "html"}
    if body.get("dueDateTime"):
        body["dueDateTime"] = {"dateTime": moment_format(body["dueDateTime"], zone), "timeZone": zone}
    if body.get("reminderDateTime"):
        body["reminderDateTime"] = {"dateTime": moment_format(body["reminderDateTime"], zone), "timeZone": zone}
        body["isReminderOn"] = True
    elif update:
        body["isReminderOn"] = False
    return body


def _task(operation: str) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
        tasks = f"/todo/lists/{ctx.param('taskListId', i)}/tasks"
        if operation == "create":
            body = _task_body(ctx, {"title": ctx.param("title", i), **(ctx.param("additionalFields", i, {}) or {})},
                              False)
            return api.call("POST", tasks, i, body=body, qs=qs)
        if operation == "getAll":
            return _get_all(api, f"{tasks}/", i, qs, ctx)
        task = f"{tasks}/{ctx.param('taskId', i)}"
        if operation == "update":
            body = _task_body(ctx, dict(ctx.param("updateFields", i, {}) or {}), True)
            return api.call("PATCH", task, i, body=body, qs=qs)
        if operation == "delete":
            api.call("DELETE", task, i, qs=qs)
            return SUCCESS
        return api.call("GET", task, i, qs=qs)
    return run


def _list(operation: str) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
        if operation == "create":
            return api.call("POST", "/todo/lists/", i, body={"displayName": ctx.param("displayName", i)}, qs=qs)
        if operation == "getAll":
            return _get_all(api, "/todo/lists", i, qs, ctx)
        path = f"/todo/lists/{ctx.param('listId', i)}"
        if operation == "update":
            return api.call("PATCH", path, i, body={"displayName": ctx.param("displayName", i)}, qs=qs)
        if operation == "delete":
            api.call("DELETE", path, i, qs=qs)
            return SUCCESS
        return api.call("GET", path, i, qs=qs)
    return run


def _linked(operation: str) -> Handler:
    def run(ctx: NodeContext, api: Api, i: int, qs: Qs) -> Any:
        base = f"/todo/lists/{ctx.param('taskListId', i)}/tasks/{ctx.param('taskId', i)}/linkedResources"
        if operation == "create":
            body = {"applicationName": ctx.param("applicationName", i), "displayName": ctx.param("displayName", i),
                    **(ctx.param("additionalFields", i, {}) or {})}
            return api.call("POST", base, i, body=body, qs=qs)
        if operation == "getAll":
            return _get_all(api, base, i, qs, ctx)
        path = f"{base}/{ctx.param('linkedResourceId', i)}"
        if operation == "update":
            return api.call("PATCH", path, i, body=dict(ctx.param("updateFields", i, {}) or {}) or None, qs=qs)
        if operation == "delete":
            api.call("DELETE", path, i, qs=qs)
            return SUCCESS
        return api.call("GET", path, i, qs=qs)
    return run


_OPS = ("create", "get", "getAll", "update", "delete")
_OPERATIONS: dict[tuple[str, str], Handler] = {
    **{("task", op): _task(op) for op in _OPS},
    **{("list", op): _list(op) for op in _OPS},
    **{("linkedResource", op): _linked(op) for op in _OPS},
}


@register("n8n-nodes-base.microsoftToDo", versions=(1,), display_name="Microsoft To Do")
def microsoft_todo(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, "get")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, base_url(ctx, "microsoftToDo", "https://graph.microsoft.com/v1.0/me"), "microsoftToDoOAuth2Api")
    qs: Qs = {}
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i, qs))]
