"""Asana (n8n-nodes-base.asana v1, asanaTool) over the Asana REST API 1.0.

Base: configured ``asana`` base URL, else ``https://app.asana.com/api/1.0``; bodies are sent as
``{"data": {...}}`` (none on GET/DELETE). Auth: asanaApi (``Authorization: Bearer <accessToken>``,
``authentication: accessToken``, the default) or asanaOAuth2Api (any other value).

Implemented, as in n8n 1.121: task create/delete/get/getAll/move/update/search, subtask
create/getAll, taskComment add/remove, taskTag add/remove, taskProject add/remove, user
get/getAll, project create/delete/get/getAll/update. ``returnAll`` pages follow ``next_page.uri``
(pages of 100) until ``next_page`` is null; otherwise ``limit`` goes to the API (subtasks are cut
locally). ``completed_since``/``modified_since`` are moment-formatted in the workflow's timezone.
As in n8n, a continue-on-fail error is the bare item ``{error: message}`` (no ``json`` key).
Anything else fails with "not supported yet".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Asana"
SUCCESS = {"success": True}
#: GenericFunctions.getTaskFields() snake-cased, as ``opt_fields`` ``*`` sends them ('*' becomes '').
ALL_TASK_FIELDS = ",".join((
    "", "gid", "resource_type", "name", "approval_status", "assignee_status", "completed", "completed_at",
    "completed_by", "created_at", "dependencies", "dependents", "due_at", "due_on", "external", "html_notes",
    "liked", "likes", "memberships", "modified_at", "notes", "num_likes", "resource_subtype", "start_on",
    "assignee", "custom_fields", "followers", "parent", "permalink_url", "projects", "tags", "workspace"))


def moment_format(value: Any, zone: str) -> str:
    """``moment.tz(value, zone).format()``: ``YYYY-MM-DDTHH:mm:ss+HH:MM`` ("Invalid date" if unparsable)."""
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return "Invalid date"
    tz = ZoneInfo(zone)
    moment = moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{offset[:3]}:{offset[3:5]}"


def opt_fields(value: Any, i: int) -> str:
    """n8n's ``opt_fields``: ``*`` selects every task field, else the names joined by commas."""
    if isinstance(value, list | str) and "*" in value:
        return ALL_TASK_FIELDS
    if not isinstance(value, list):
        raise NodeError("qs.opt_fields.join is not a function", item_index=i)
    return ",".join("" if v is None else str(v) for v in value)


class _Asana:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        base = base_url(ctx, "asana", "https://app.asana.com/api/1.0")
        if ctx.param("authentication", 0, "accessToken") == "accessToken":
            fields = credential(ctx, "asanaApi") or {}
            self.api = Api(ctx, base, fields=fields, auth={"bearer": str(fields.get("accessToken") or "")})
        else:
            self.api = Api(ctx, base, "asanaOAuth2Api")

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, url: str | None = None) -> Any:
        """asanaApiRequest: ``{data: body}`` except on GET/HEAD/DELETE."""
        payload = None if method in ("GET", "HEAD", "DELETE") else {"data": body or {}}
        return self.api.call(method, endpoint, i, body=payload, qs=qs or None, url=url)

    def data(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        """``responseData.data`` of one request."""
        response = self.call(method, endpoint, i, body, qs)
        if not isinstance(response, dict):
            if response is None:
                raise NodeError("Cannot read properties of undefined (reading 'data')", item_index=i)
            return {}
        return response.get("data")

    def all_items(self, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """asanaApiRequestAllItems: pages of 100 following ``next_page.uri`` until it is null."""
        query: dict[str, Any] | None = {**qs, "limit": 100}
        url = None
        out: list[Any] = []
        while True:
            page = self.call("GET", endpoint, i, qs=query, url=url) or {}
            out.extend(page.get("data") or [])
            following = page.get("next_page")
            url = following.get("uri") if isinstance(following, dict) else None
            query = None
            if following is None or not url:
                return out


def _limited(ctx: NodeContext, client: _Asana, endpoint: str, i: int, qs: dict[str, Any]) -> Any:
    if ctx.param("returnAll", i, False):
        return client.all_items(endpoint, i, qs)
    qs["limit"] = ctx.param("limit", i, 100)
    return client.data("GET", endpoint, i, qs=qs)


def _collection(ctx: NodeContext, name: str, i: int) -> dict[str, Any]:
    value = ctx.param(name, i, {})
    return dict(value) if isinstance(value, dict) else {}


# -- task / subtask ---------------------------------------------------------------------------


def _task_create(ctx: NodeContext, client: _Asana, i: int) -> Any:
    body = {"name": ctx.param("name", i, ""), "workspace": ctx.param("workspace", i, ""),
            **_collection(ctx, "otherProperties", i)}
    return client.data("POST", "/tasks", i, body)


def _task_get_all(ctx: NodeContext, client: _Asana, i: int) -> Any:
    qs = _collection(ctx, "filters", i)
    if qs.get("opt_fields"):
        qs["opt_fields"] = opt_fields(qs["opt_fields"], i)
    for key in ("modified_since", "completed_since"):
        if qs.get(key):
            qs[key] = moment_format(qs[key], ctx.timezone)
    return _limited(ctx, client, "/tasks", i, qs)


def _task_move(ctx: NodeContext, client: _Asana, i: int) -> Any:
    section = ctx.param("section", i, "")
    client.call("POST", f"/sections/{section}/addTask", i, {"task": ctx.param("id", i, "")})
    return SUCCESS


def _task_search(ctx: NodeContext, client: _Asana, i: int) -> Any:
    workspace = ctx.param("workspace", i, "")
    return client.data("GET", f"/workspaces/{workspace}/tasks/search", i,
                       qs=_collection(ctx, "searchTaskProperties", i))


def _subtask_get_all(ctx: NodeContext, client: _Asana, i: int) -> Any:
    task = ctx.param("taskId", i, "")
    qs = _collection(ctx, "options", i)
    if qs.get("opt_fields"):
        qs["opt_fields"] = opt_fields(qs["opt_fields"], i)
    rows = client.data("GET", f"/tasks/{task}/subtasks", i, qs=qs)
    if not ctx.param("returnAll", i, False) and isinstance(rows, list):
        rows = rows[: max(int(ctx.param("limit", i, 100) or 0), 0)]
    return rows


def _by_id(method: str, path: str, key: str = "id") -> Callable[[NodeContext, _Asana, int], Any]:
    def run(ctx: NodeContext, client: _Asana, i: int) -> Any:
        return client.data(method, path.format(ctx.param(key, i, "")), i)
    return run


def _posted(path: str, field: str, extra: str | None = None) -> Callable[[NodeContext, _Asana, int], Any]:
    """POST ``{field: <param field>}`` (plus the ``extra`` collection) to ``path``; answer success."""
    def run(ctx: NodeContext, client: _Asana, i: int) -> Any:
        task = ctx.param("id", i, "")
        body = {field: ctx.param(field, i, "")}
        if extra:
            body.update(_collection(ctx, extra, i))
        client.call("POST", path.format(task), i, body)
        return SUCCESS
    return run


def _comment_add(ctx: NodeContext, client: _Asana, i: int) -> Any:
    task = ctx.param("id", i, "")
    key = "html_text" if ctx.param("isTextHtml", i, False) else "text"
    body = {key: ctx.param("text", i, ""), **_collection(ctx, "additionalFields", i)}
    return client.data("POST", f"/tasks/{task}/stories", i, body)


def _comment_remove(ctx: NodeContext, client: _Asana, i: int) -> Any:
    client.call("DELETE", f"/stories/{ctx.param('id', i, '')}", i)
    return SUCCESS


# -- project ------------------------------------------------------------------------------------


def _project_create(ctx: NodeContext, client: _Asana, i: int) -> Any:
    fields = _collection(ctx, "additionalFields", i)
    team = ctx.param("team", i, "")
    body = {"name": ctx.param("name", i, ""), "workspace": ctx.param("workspace", i, "")}
    qs = {key: fields[key] for key in ("color", "due_on", "notes") if fields.get(key)}
    return client.data("POST", f"/teams/{team}/projects", i, body, qs)


def _project_delete(ctx: NodeContext, client: _Asana, i: int) -> Any:
    client.call("DELETE", f"/projects/{ctx.param('id', i, '')}", i)
    return SUCCESS


def _project_get_all(ctx: NodeContext, client: _Asana, i: int) -> Any:
    workspace = ctx.param("workspace", i, "")
    fields = _collection(ctx, "additionalFields", i)
    qs: dict[str, Any] = {"team": fields["team"]} if fields.get("team") else {"workspace": workspace}
    if fields.get("archived"):
        qs["archived"] = fields["archived"]
    return _limited(ctx, client, "/projects", i, qs)


def _project_update(ctx: NodeContext, client: _Asana, i: int) -> Any:
    project = ctx.param("id", i, "")
    fields = _collection(ctx, "updateFields", i)
    qs: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for key in ("color", "due_on", "name", "notes", "owner", "team"):
        if fields.get(key):
            (body if key in ("name", "owner", "team") else qs)[key] = fields[key]
    return client.data("PUT", f"/projects/{project}", i, body, qs)


Handler = Callable[[NodeContext, _Asana, int], Any]
OPERATIONS: dict[tuple[str, str], Handler] = {
    ("task", "create"): _task_create,
    ("task", "delete"): _by_id("DELETE", "/tasks/{}"),
    ("task", "get"): _by_id("GET", "/tasks/{}"),
    ("task", "getAll"): _task_get_all,
    ("task", "move"): _task_move,
    ("task", "update"): lambda ctx, client, i: client.data(
        "PUT", f"/tasks/{ctx.param('id', i, '')}", i, _collection(ctx, "otherProperties", i)),
    ("task", "search"): _task_search,
    ("subtask", "create"): lambda ctx, client, i: client.data(
        "POST", f"/tasks/{ctx.param('taskId', i, '')}/subtasks", i,
        {"name": ctx.param("name", i, ""), **_collection(ctx, "otherProperties", i)}),
    ("subtask", "getAll"): _subtask_get_all,
    ("taskComment", "add"): _comment_add,
    ("taskComment", "remove"): _comment_remove,
    ("taskTag", "add"): _posted("/tasks/{}/addTag", "tag"),
    ("taskTag", "remove"): _posted("/tasks/{}/removeTag", "tag"),
    ("taskProject", "add"): _posted("/tasks/{}/addProject", "project", "additionalFields"),
    ("taskProject", "remove"): _posted("/tasks/{}/removeProject", "project"),
    ("user", "get"): _by_id("GET", "/users/{}", "userId"),
    ("user", "getAll"): _by_id("GET", "/workspaces/{}/users", "workspace"),
    ("project", "create"): _project_create,
    ("project", "delete"): _project_delete,
    ("project", "get"): _by_id("GET", "/projects/{}"),
    ("project", "getAll"): _project_get_all,
    ("project", "update"): _project_update,
}
_DEFAULT_OPERATION = {"task": "create", "subtask": "create", "taskComment": "add", "taskProject": "add",
                      "taskTag": "add", "user": "get", "project": "get"}


@register("n8n-nodes-base.asana", versions=(1,), display_name="Asana")
@register("n8n-nodes-base.asanaTool", versions=(1,), display_name="Asana Tool")
def asana(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Asana(ctx)
    out: list[dict[str, Any]] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            result = handler(ctx, client, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": exc.message})  # n8n pushes it without a json key
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
