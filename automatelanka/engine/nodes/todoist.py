"""Todoist (n8n-nodes-base.todoist v1, v2, 2.1): tasks over the REST API v2.

Base: configured ``todoist`` base URL, else https://api.todoist.com/rest/v2; todoistApi (bearer
``apiKey``, ``authentication: apiKey``) or todoistOAuth2Api. Task create/get/getAll/update/close/
reopen/delete; close/reopen/delete/update answer ``{success: true}`` as in n8n. Other resources
(project, section, comment, label, reminder) and task move are not supported yet.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Todoist"
#: option/update field -> API body key (in n8n's order after the first few)
_FIELDS = (("dueString", "due_string"), ("section", "section_id"), ("dueLang", "due_lang"),
           ("parentId", "parent_id"), ("order", "order"), ("dueDate", "due_date"), ("assigneeId", "assignee_id"),
           ("duration", "duration"), ("durationUnit", "duration_unit"), ("deadlineDate", "deadline_date"))


def _due_datetime(value: Any) -> str:
    return re.sub(r"\.000Z$", "Z", str(value))


def _create(ctx: NodeContext, api: Api, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    priority = options.get("priority")
    body: dict[str, Any] = {"content": ctx.param("content", i), "project_id": resource_value(ctx.param("project", i)),
                            "priority": int(priority) if isinstance(priority, str) and priority.strip().isdigit()
                            else (priority if priority is not None else 1)}
    if options.get("description"):
        body["description"] = options["description"]
    if options.get("dueDateTime"):
        body["due_datetime"] = _due_datetime(options["dueDateTime"])
    labels = ctx.param("labels", i, [])
    for name, key in _FIELDS[:1]:
        if options.get(name):
            body[key] = options[name]
    if labels:
        body["labels"] = labels
    for name, key in _FIELDS[1:]:
        if options.get(name):
            body[key] = options[name]
    return api.call("POST", "/tasks", i, body=body)


def _update(ctx: NodeContext, api: Api, i: int) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {}
    for name in ("content", "priority", "description"):
        if fields.get(name):
            body[name] = fields[name]
    if fields.get("dueDateTime"):
        body["due_datetime"] = _due_datetime(fields["dueDateTime"])
    if fields.get("dueString"):
        body["due_string"] = fields["dueString"]
    if isinstance(fields.get("labels"), list) and fields["labels"]:
        body["labels"] = fields["labels"]
    for name, key in _FIELDS[2:]:
        if fields.get(name):
            body[key] = fields[name]
    api.call("POST", f"/tasks/{ctx.param('taskId', i)}", i, body=body or None)
    return {"success": True}


def _get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    qs = {key: filters[name] for name, key in (("projectId", "project_id"), ("sectionId", "section_id"),
                                               ("labelId", "label"), ("filter", "filter"), ("lang", "lang"),
                                               ("ids", "ids")) if filters.get(name)}
    rows = api.call("GET", "/tasks", i, qs=qs) or []
    if not ctx.param("returnAll", i, False):
        rows = rows[: int(ctx.param("limit", i, 50))]
    return rows


def _simple(method: str, suffix: str):
    def run(ctx: NodeContext, api: Api, i: int) -> Any:
        api.call(method, f"/tasks/{ctx.param('taskId', i)}{suffix}", i)
        return {"success": True}
    return run


_OPERATIONS = {
    "create": _create, "update": _update, "getAll": _get_all,
    "get": lambda ctx, api, i: api.call("GET", f"/tasks/{ctx.param('taskId', i)}", i),
    "close": _simple("POST", "/close"), "reopen": _simple("POST", "/reopen"), "delete": _simple("DELETE", ""),
}


@register("n8n-nodes-base.todoist", versions=(1, 2, 2.1), display_name="Todoist")
@register("n8n-nodes-base.todoistTool", versions=(1, 2, 2.1), display_name="Todoist Tool")
def todoist(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource == "task" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    kind = ctx.param("authentication", 0, "apiKey")
    api = Api(ctx, base_url(ctx, "todoist", "https://api.todoist.com/rest/v2"),
              "todoistApi" if kind == "apiKey" else "todoistOAuth2Api")
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i))]
