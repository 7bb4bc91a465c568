"""ClickUp (n8n-nodes-base.clickUp v1): the ClickUp API v2, as n8n 1.121's node does it.

Base: configured ``clickUp`` base URL, else https://api.clickup.com/api/v2. ``authentication``
``accessToken`` (the default) uses clickUpApi (``Authorization: <accessToken>``, no ``Bearer``);
any other value (n8n tests ``=== 'accessToken'``) uses clickUpOAuth2Api (Bearer). Every request
carries ``Content-Type: application/json``; an empty body is not sent; query arrays are sent as
``key[0]=..`` (n8n's request helper). As in n8n, one query object is shared by all items of a run.

Supported resources/operations:

- task: create, update, get, getAll (``page`` from 0 until an empty page, or until ``limit``
  rows without returnAll), member, setCustomField, delete; taskTag add/remove; taskList
  add/remove; taskDependency create/delete;
- checklist create/delete/update; checklistItem create/delete/update; comment create/delete/
  getAll/update; folder create/delete/get/getAll/update; list create/customFields/delete/get/
  getAll/member/update; spaceTag create/delete/getAll/update;
- goal create/delete/get/getAll/update; goalKeyResult create/delete/update;
- timeEntry create/delete/get/getAll/start/stop/update (dates ``moment.tz(value, workflow
  zone).valueOf()``, durations in minutes x 60000); timeEntryTag add/getAll/remove.

Dates of other fields are ``new Date(value).getTime()`` (``null`` when invalid, as JSON.stringify
writes NaN); ``timeEstimate`` is multiplied by 6000 as n8n does. delete/remove/add operations
answer ``{success: true}``. Under continue-on-fail a failing item becomes n8n's
``{error: <message>, json: {}}``. The hidden ``guest`` resource and anything else fail with "not
supported yet".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int, js_string
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.date_time import parse_js_date
from automatelanka.engine.nodes.zoom import moment_parse

DISPLAY = "ClickUp"
_HEADERS = {"Content-Type": "application/json"}
_DEFAULT_OPERATION = {"list": "customFields", "taskList": "add", "taskTag": "add", "timeEntryTag": "add"}


# -- JavaScript conversions ----------------------------------------------------------------------

def _truthy(value: Any) -> bool:
    """JavaScript truthiness (``{}`` and ``[]`` are true)."""
    return True if isinstance(value, dict | list) else bool(value)


def _num(value: float | None) -> int | float | None:
    """A JS number as JSON writes it (NaN/Infinity -> ``None``, integral floats as ints)."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return int(value) if float(value).is_integer() else value


def to_number(value: Any) -> float | None:
    """``Number(value)`` (``None`` for NaN)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return 0.0
    try:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", text):
            return float(int(text, 0))
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?Infinity", text):
            return float(text.replace("Infinity", "inf"))
    except ValueError:
        return None
    return None


def date_ms(value: Any) -> int | float | None:
    """``new Date(value).getTime()`` with the server's local time UTC (``None`` for NaN)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _num(float(value))
    return _num(parse_js_date(str(value)))


def moment_tz_ms(value: Any, zone_name: str) -> int | None:
    """``moment.tz(value, zone).valueOf()`` (``None`` for an invalid date)."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    parsed = moment_parse(value, zone)
    return None if parsed is None else int(parsed.astimezone(UTC).timestamp() * 1000)


def validate_json(value: Any) -> Any:
    """n8n's ``validateJSON``: ``JSON.parse`` or ``None`` (undefined) when invalid."""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _csv_ints(value: Any) -> list[int | None]:
    return [js_parse_int(part) for part in str(value).split(",")]


def _times(factor: int) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        number = to_number(value)
        return _num(number * factor) if number is not None else None
    return convert


def _same(value: Any) -> Any:
    return value


def _copy(fields: dict[str, Any], body: dict[str, Any],
          spec: tuple[tuple[str, str, Callable[[Any], Any]], ...]) -> dict[str, Any]:
    """``if (fields.name) body.key = convert(fields.name)`` for each entry of ``spec``."""
    for name, key, convert in spec:
        if _truthy(fields.get(name)):
            body[key] = convert(fields[name])
    return body


def _indices(qs: dict[str, Any]) -> list[tuple[str, Any]]:
    """Query pairs as n8n's request helper sends them (arrays ``key[0]``, ``key[1]``...)."""
    pairs: list[tuple[str, Any]] = []
    for key, value in qs.items():
        if isinstance(value, list):
            pairs.extend((f"{key}[{n}]", v) for n, v in enumerate(value))
        elif value is not None:
            pairs.append((key, value))
    return pairs


def _splice(data: Any, prop: str, limit: Any) -> list[Any]:
    """``responseData.<prop>.splice(0, limit)`` (V8's TypeError when the property is missing)."""
    rows = data.get(prop) if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise NodeError("Cannot read properties of undefined (reading 'splice')")
    count = to_number(limit)
    return rows[: int(count)] if count is not None and count > 0 else []


def _prop(data: Any, prop: str) -> Any:
    """``responseData.<prop>``."""
    return data.get(prop) if isinstance(data, dict) else None


# -- the client ----------------------------------------------------------------------------------

class _ClickUp:
    """One node run: the API client, the shared query object and the operations."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.qs: dict[str, Any] = {}
        kind = ctx.param("authentication", 0, "accessToken")
        cred = "clickUpApi" if kind == "accessToken" else "clickUpOAuth2Api"
        self.api = Api(ctx, base_url(ctx, "clickUp", "https://api.clickup.com/api/v2"), cred, headers=_HEADERS)

    def p(self, name: str, i: int, default: Any = None) -> Any:
        return self.ctx.param(name, i, default)

    def s(self, name: str, i: int) -> str:
        """A parameter as a path segment (``${value}``)."""
        return js_string(self.ctx.param(name, i, ""))

    def fields(self, name: str, i: int) -> dict[str, Any]:
        value = self.ctx.param(name, i, {})
        return value if isinstance(value, dict) else {}

    def req(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
            qs: dict[str, Any] | None = None) -> Any:
        pairs = _indices(qs) if qs else None
        return self.api.call(method, path, i, body=body or None, qs=pairs or None)

    def all_items(self, prop: str, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """n8n's ``clickupApiRequestAllItems``: ``page`` from 0 until an empty page or ``qs.limit`` rows."""
        rows: list[Any] = []
        qs["page"] = 0
        while True:
            data = self.req("GET", path, i, qs=qs)
            page = _prop(data, prop)
            if isinstance(page, list):
                rows.extend(page)
            qs["page"] += 1
            limit = to_number(qs.get("limit"))
            if limit and limit <= len(rows):
                return rows
            if not isinstance(page, list) or not page:
                return rows


Handler = Callable[[_ClickUp, int], Any]
_OPS: dict[tuple[str, str], Handler] = {}


def op(resource: str, *operations: str) -> Callable[[Handler], Handler]:
    def decorate(fn: Handler) -> Handler:
        for operation in operations:
            _OPS[(resource, operation)] = fn
        return fn
    return decorate


def _success(method: str, template: str, *names: str) -> Handler:
    """An operation that sends one request and answers ``{success: true}``."""
    def run(c: _ClickUp, i: int) -> Any:
        c.req(method, template.format(*(c.s(n, i) for n in names)), i)
        return {"success": True}
    return run


def _plain(method: str, template: str, *names: str, prop: str | None = None) -> Handler:
    """An operation that sends one request and answers the response (or its ``prop``)."""
    def run(c: _ClickUp, i: int) -> Any:
        data = c.req(method, template.format(*(c.s(n, i) for n in names)), i)
        return _prop(data, prop) if prop else data
    return run


# -- task ----------------------------------------------------------------------------------------

_TASK_DATES = (("dueDate", "due_date", date_ms), ("dueDateTime", "due_date_time", _same),
               ("timeEstimate", "time_estimate", _times(6000)), ("startDate", "start_date", date_ms),
               ("startDateTime", "start_date_time", _same), ("notifyAll", "notify_all", _same),
               ("parentId", "parent", _same))


@op("task", "create")
def _task_create(c: _ClickUp, i: int) -> Any:
    list_id = c.s("list", i)
    fields = c.fields("additionalFields", i)
    body: dict[str, Any] = {"name": c.p("name", i, "")}
    if _truthy(fields.get("customFieldsJson")):
        custom = validate_json(fields["customFieldsJson"])
        if custom is None:
            raise NodeError("Custom Fields: Invalid JSON", item_index=i)
        body["custom_fields"] = custom
    for name in ("content", "assignees", "tags", "status", "priority"):
        if _truthy(fields.get(name)):
            body[name] = fields[name]
    _copy(fields, body, _TASK_DATES)
    if _truthy(fields.get("markdownContent")):
        body.pop("content", None)
        if fields.get("content") is not None:
            body["markdown_content"] = fields["content"]
    return c.req("POST", f"/list/{list_id}/task", i, body)


@op("task", "update")
def _task_update(c: _ClickUp, i: int) -> Any:
    task_id = c.s("id", i)
    fields = c.fields("updateFields", i)
    body: dict[str, Any] = {"assignees": {"add": [], "rem": []}}
    _copy(fields, body, (("content", "content", _same), ("priority", "priority", _same)))
    _copy(fields, body, (*_TASK_DATES[:6], ("name", "name", _same), ("parentId", "parent", _same)))
    if _truthy(fields.get("addAssignees")):
        body["assignees"]["add"] = _csv_ints(fields["addAssignees"])
    if _truthy(fields.get("removeAssignees")):
        body["assignees"]["rem"] = _csv_ints(fields["removeAssignees"])
    if _truthy(fields.get("status")):
        body["status"] = fields["status"]
    if _truthy(fields.get("markdownContent")):
        body.pop("content", None)
        if fields.get("content") is not None:
            body["markdown_content"] = fields["content"]
    return c.req("PUT", f"/task/{task_id}", i, body)


@op("task", "get")
def _task_get(c: _ClickUp, i: int) -> Any:
    task_id = c.s("id", i)
    if c.p("includeSubtasks", i, False):
        c.qs["include_subtasks"] = True
    if c.p("includeMarkdownDescription", i, False):
        c.qs["include_markdown_description"] = True
    return c.req("GET", f"/task/{task_id}", i, qs=c.qs)


_TASK_FILTERS = (("archived", "archived", _same), ("subtasks", "subtasks", _same),
                 ("includeClosed", "include_closed", _same), ("orderBy", "order_by", _same),
                 ("statuses", "statuses", _same), ("assignees", "assignees", _same), ("tags", "tags", _same),
                 ("dueDateGt", "due_date_gt", date_ms), ("dueDateLt", "due_date_lt", date_ms),
                 ("dateCreatedGt", "date_created_gt", date_ms), ("dateCreatedLt", "date_created_lt", date_ms),
                 ("dateUpdatedGt", "date_updated_gt", date_ms), ("dateUpdatedLt", "date_updated_lt", date_ms))


@op("task", "getAll")
def _task_get_all(c: _ClickUp, i: int) -> Any:
    return_all = c.p("returnAll", i, True)
    filters = c.fields("filters", i)
    _copy(filters, c.qs, _TASK_FILTERS)
    custom_ui = filters.get("customFieldsUi")
    if _truthy(custom_ui):
        values = custom_ui.get("customFieldsValues") if isinstance(custom_ui, dict) else None
        if _truthy(values):
            custom = [{"field_id": v.get("fieldId"), "operator": "=" if v.get("operator") == "equal"
                       else v.get("operator"), "value": v.get("value")} for v in values]
            c.qs["custom_fields"] = json.dumps(custom, separators=(",", ":"), ensure_ascii=False)
    path = f"/list/{c.s('list', i)}/task"
    if return_all:
        return c.all_items("tasks", path, i, c.qs)
    c.qs["limit"] = c.p("limit", i, 50)
    rows = c.all_items("tasks", path, i, c.qs)
    count = to_number(c.qs["limit"])
    return rows[: int(count)] if count is not None and count > 0 else []


def _members(template: str, name: str) -> Handler:
    def run(c: _ClickUp, i: int) -> Any:
        path = template.format(c.s(name, i))
        if c.p("returnAll", i, True):
            return _prop(c.req("GET", path, i, qs=c.qs), "members")
        c.qs["limit"] = c.p("limit", i, 50)
        return _splice(c.req("GET", path, i, qs=c.qs), "members", c.qs["limit"])
    return run


_OPS[("task", "member")] = _members("/task/{}/member", "id")
_OPS[("list", "member")] = _members("/list/{}/member", "id")


@op("task", "setCustomField")
def _task_set_custom_field(c: _ClickUp, i: int) -> Any:
    task_id = c.s("task", i)
    field_id = c.s("field", i)
    value = c.p("value", i, "")
    if c.p("jsonParse", i, False):
        value = validate_json(value)
        if value is None:
            raise NodeError("Value is invalid JSON!", item_index=i)
    elif to_number(value) is not None:
        value = js_parse_int(value)
    return c.req("POST", f"/task/{task_id}/field/{field_id}", i, {"value": value})


_OPS[("task", "delete")] = _success("DELETE", "/task/{}", "id")


def _task_tag(method: str) -> Handler:
    def run(c: _ClickUp, i: int) -> Any:
        task_id, name = c.s("taskId", i), c.s("tagName", i)
        c.req(method, f"/task/{task_id}/tag/{name}", i, qs=c.fields("additionalFields", i))
        return {"success": True}
    return run


_OPS[("taskTag", "add")] = _task_tag("POST")
_OPS[("taskTag", "remove")] = _task_tag("DELETE")
_OPS[("taskList", "add")] = _success("POST", "/list/{1}/task/{0}", "taskId", "listId")
_OPS[("taskList", "remove")] = _success("DELETE", "/list/{1}/task/{0}", "taskId", "listId")


@op("taskDependency", "create")
def _dependency_create(c: _ClickUp, i: int) -> Any:
    c.req("POST", f"/task/{c.s('task', i)}/dependency", i, {"depends_on": c.p("dependsOnTask", i, "")})
    return {"success": True}


@op("taskDependency", "delete")
def _dependency_delete(c: _ClickUp, i: int) -> Any:
    task_id = c.s("task", i)
    c.qs["depends_on"] = c.p("dependsOnTask", i, "")
    c.req("DELETE", f"/task/{task_id}/dependency", i, qs=c.qs)
    return {"success": True}


# -- checklist, comment, folder ------------------------------------------------------------------

@op("checklist", "create")
def _checklist_create(c: _ClickUp, i: int) -> Any:
    data = c.req("POST", f"/task/{c.s('task', i)}/checklist", i, {"name": c.p("name", i, "")})
    return _prop(data, "checklist")


@op("checklist", "update")
def _checklist_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {}, (("name", "name", _same), ("position", "position", _same)))
    return _prop(c.req("PUT", f"/checklist/{c.s('checklist', i)}", i, body), "checklist")


_OPS[("checklist", "delete")] = _success("DELETE", "/checklist/{}", "checklist")


@op("checklistItem", "create")
def _checklist_item_create(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("additionalFields", i), {"name": c.p("name", i, "")}, (("assignee", "assignee", js_parse_int),))
    data = c.req("POST", f"/checklist/{c.s('checklist', i)}/checklist_item", i, body)
    return _prop(data, "checklist")


@op("checklistItem", "update")
def _checklist_item_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {}, (("name", "name", _same), ("parent", "parent", _same),
                                                   ("assignee", "assignee", js_parse_int),
                                                   ("resolved", "resolved", _same)))
    path = f"/checklist/{c.s('checklist', i)}/checklist_item/{c.s('checklistItem', i)}"
    return _prop(c.req("PUT", path, i, body), "checklist")


_OPS[("checklistItem", "delete")] = _success("DELETE", "/checklist/{}/checklist_item/{}", "checklist",
                                             "checklistItem")


@op("comment", "create")
def _comment_create(c: _ClickUp, i: int) -> Any:
    on, target = c.s("commentOn", i), c.s("id", i)
    body = _copy(c.fields("additionalFields", i), {"comment_text": c.p("commentText", i, "")},
                 (("assignee", "assignee", js_parse_int), ("notifyAll", "notify_all", _same)))
    return c.req("POST", f"/{on}/{target}/comment", i, body)


@op("comment", "getAll")
def _comment_get_all(c: _ClickUp, i: int) -> Any:
    on, target = c.s("commentsOn", i), c.s("id", i)
    c.qs["limit"] = c.p("limit", i, 50)
    return _splice(c.req("GET", f"/{on}/{target}/comment", i, qs=c.qs), "comments", c.qs["limit"])


@op("comment", "update")
def _comment_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {}, (("commentText", "comment_text", _same),
                                                   ("assignee", "assignee", js_parse_int),
                                                   ("resolved", "resolved", _same)))
    c.req("PUT", f"/comment/{c.s('comment', i)}", i, body)
    return {"success": True}


_OPS[("comment", "delete")] = _success("DELETE", "/comment/{}", "comment")


@op("folder", "create")
def _folder_create(c: _ClickUp, i: int) -> Any:
    return c.req("POST", f"/space/{c.s('space', i)}/folder", i, {"name": c.p("name", i, "")})


@op("folder", "getAll")
def _folder_get_all(c: _ClickUp, i: int) -> Any:
    filters = c.fields("filters", i)
    space = c.s("space", i)
    _copy(filters, c.qs, (("archived", "archived", _same),))
    c.qs["limit"] = c.p("limit", i, 50)
    return _splice(c.req("GET", f"/space/{space}/folder", i, qs=c.qs), "folders", c.qs["limit"])


@op("folder", "update")
def _folder_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {}, (("name", "name", _same),))
    return c.req("PUT", f"/folder/{c.s('folder', i)}", i, body)


_OPS[("folder", "delete")] = _success("DELETE", "/folder/{}", "folder")
_OPS[("folder", "get")] = _plain("GET", "/folder/{}", "folder")


# -- list, space tag -----------------------------------------------------------------------------

_LIST_FIELDS = (("content", "content", _same), ("dueDate", "due_date", date_ms),
                ("dueDateTime", "due_date_time", _same), ("priority", "priority", _same),
                ("assignee", "assignee", js_parse_int), ("status", "status", _same))


@op("list", "create")
def _list_create(c: _ClickUp, i: int) -> Any:
    space = c.s("space", i)
    folderless = c.p("folderless", i, False)
    body = _copy(c.fields("additionalFields", i), {"name": c.p("name", i, "")}, _LIST_FIELDS)
    if folderless:
        return c.req("POST", f"/space/{space}/list", i, body)
    return c.req("POST", f"/folder/{c.s('folder', i)}/list", i, body)


@op("list", "getAll")
def _list_get_all(c: _ClickUp, i: int) -> Any:
    filters = c.fields("filters", i)
    space = c.s("space", i)
    folderless = c.p("folderless", i, False)
    _copy(filters, c.qs, (("archived", "archived", _same),))
    path = f"/space/{space}/list" if folderless else f"/folder/{c.s('folder', i)}/list"
    c.qs["limit"] = c.p("limit", i, 50)
    return _splice(c.req("GET", path, i, qs=c.qs), "lists", c.qs["limit"])


@op("list", "update")
def _list_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {}, (("name", "name", _same), *_LIST_FIELDS[:5],
                                                   ("unsetStatus", "unset_status", _same)))
    return c.req("PUT", f"/list/{c.s('list', i)}", i, body)


_OPS[("list", "customFields")] = _plain("GET", "/list/{}/field", "list", prop="fields")
_OPS[("list", "delete")] = _success("DELETE", "/list/{}", "list")
_OPS[("list", "get")] = _plain("GET", "/list/{}", "list")


def _space_tag_body(c: _ClickUp, i: int, name_param: str) -> dict[str, Any]:
    return {"tag": {"name": c.p(name_param, i, ""), "tag_bg": c.p("backgroundColor", i, "#000000"),
                    "tag_fg": c.p("foregroundColor", i, "#000000")}}


@op("spaceTag", "create")
def _space_tag_create(c: _ClickUp, i: int) -> Any:
    space = c.s("space", i)
    c.req("POST", f"/space/{space}/tag", i, _space_tag_body(c, i, "name"))
    return {"success": True}


@op("spaceTag", "update")
def _space_tag_update(c: _ClickUp, i: int) -> Any:
    space, name = c.s("space", i), c.s("name", i)
    c.req("PUT", f"/space/{space}/tag/{name}", i, _space_tag_body(c, i, "newName"))
    return {"success": True}


@op("spaceTag", "getAll")
def _space_tag_get_all(c: _ClickUp, i: int) -> Any:
    data = c.req("GET", f"/space/{c.s('space', i)}/tag", i)
    if c.p("returnAll", i, True):
        return _prop(data, "tags")
    return _splice(data, "tags", c.p("limit", i, 50))


_OPS[("spaceTag", "delete")] = _success("DELETE", "/space/{}/tag/{}", "space", "name")


# -- goal, key result ----------------------------------------------------------------------------

@op("goal", "create")
def _goal_create(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("additionalFields", i), {"name": c.p("name", i, "")},
                 (("dueDate", "due_date", date_ms), ("description", "description", _same),
                  ("multipleOwners", "multiple_owners", _same), ("color", "color", _same),
                  ("owners", "owners", _csv_ints)))
    return _prop(c.req("POST", f"/team/{c.s('team', i)}/goal", i, body), "goal")


@op("goal", "getAll")
def _goal_get_all(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    c.qs["limit"] = c.p("limit", i, 50)
    return _splice(c.req("GET", f"/team/{team}/goal", i, qs=c.qs), "goals", c.qs["limit"])


@op("goal", "update")
def _goal_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {},
                 (("name", "name", _same), ("dueDate", "due_date", date_ms), ("description", "description", _same),
                  ("color", "color", _same), ("addOwners", "add_owners", _csv_ints),
                  ("removeOwners", "rem_owners", _csv_ints)))
    return _prop(c.req("PUT", f"/goal/{c.s('goal', i)}", i, body), "goal")


_OPS[("goal", "delete")] = _success("DELETE", "/goal/{}", "goal")
_OPS[("goal", "get")] = _plain("GET", "/goal/{}", "goal", prop="goal")


@op("goalKeyResult", "create")
def _key_result_create(c: _ClickUp, i: int) -> Any:
    goal, kind = c.s("goal", i), c.p("type", i, "")
    fields = c.fields("additionalFields", i)
    if kind in ("number", "currency") and not _truthy(fields.get("unit")):
        raise NodeError("Unit field must be set", item_index=i)
    if kind in ("number", "percentaje", "automatic", "currency") and (
            fields.get("stepsStart") is None or fields.get("stepsEnd") is None):
        raise NodeError("Steps start and steps end fields must be set", item_index=i)
    body = _copy(fields, {"name": c.p("name", i, ""), "type": kind},
                 (("unit", "unit", _same), ("stepsStart", "steps_start", _same), ("stepsEnd", "steps_end", _same),
                  ("taskIds", "task_ids", lambda v: str(v).split(",")),
                  ("listIds", "list_ids", lambda v: str(v).split(",")), ("owners", "owners", _csv_ints)))
    return _prop(c.req("POST", f"/goal/{goal}/key_result", i, body), "key_result")


@op("goalKeyResult", "update")
def _key_result_update(c: _ClickUp, i: int) -> Any:
    body = _copy(c.fields("updateFields", i), {},
                 (("name", "name", _same), ("note", "note", _same), ("stepsCurrent", "steps_current", _same),
                  ("stepsStart", "steps_start", _same), ("stepsEnd", "steps_end", _same), ("unit", "unit", _same)))
    return _prop(c.req("PUT", f"/key_result/{c.s('keyResult', i)}", i, body), "key_result")


_OPS[("goalKeyResult", "delete")] = _success("DELETE", "/key_result/{}", "keyResult")


# -- time entries --------------------------------------------------------------------------------

@op("timeEntry", "update")
def _time_entry_update(c: _ClickUp, i: int) -> Any:
    team, entry = c.s("team", i), c.s("timeEntry", i)
    body = dict(c.fields("updateFields", i))
    if _truthy(body.get("start")):
        body["start"] = moment_tz_ms(body["start"], c.ctx.timezone)
    if _truthy(body.get("duration")):
        body["duration"] = _times(60000)(body["duration"])
    if _truthy(body.get("task")):
        body["tid"] = body["task"]
        body["custom_task_ids"] = True
    return _prop(c.req("PUT", f"/team/{team}/time_entries/{entry}", i, body), "data")


@op("timeEntry", "getAll")
def _time_entry_get_all(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    return_all = c.p("returnAll", i, False)
    filters = c.fields("filters", i)
    c.qs.update(filters)
    for key in ("start_date", "end_date"):
        if _truthy(filters.get(key)):
            c.qs[key] = moment_tz_ms(c.qs[key], c.ctx.timezone)
    data = c.req("GET", f"/team/{team}/time_entries", i, qs=c.qs)
    if return_all:
        return _prop(data, "data")
    return _splice(data, "data", c.p("limit", i, 5))


@op("timeEntry", "get")
def _time_entry_get(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    path = f"/team/{team}/time_entries/current"
    if not c.p("running", i, False):
        path = f"/team/{team}/time_entries/{c.s('timeEntry', i)}"
    return _prop(c.req("GET", path, i), "data")


@op("timeEntry", "create")
def _time_entry_create(c: _ClickUp, i: int) -> Any:
    team, task = c.s("team", i), c.p("task", i, "")
    start, duration = c.p("start", i, ""), c.p("duration", i, 0)
    body: dict[str, Any] = {"start": moment_tz_ms(start, c.ctx.timezone), "duration": _times(60000)(duration),
                            "tid": task}
    body.update(c.fields("additionalFields", i))
    if _truthy(body.get("tags")):
        try:
            body["tags"] = [json.loads(tag) if isinstance(tag, str) else tag for tag in body["tags"]]
        except ValueError as exc:
            raise NodeError(f"Unexpected token in JSON: {exc}", item_index=i) from None
    return _prop(c.req("POST", f"/team/{team}/time_entries", i, body), "data")


@op("timeEntry", "start")
def _time_entry_start(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    body: dict[str, Any] = {"tid": c.p("task", i, "")}
    body.update(c.fields("additionalFields", i))
    return _prop(c.req("POST", f"/team/{team}/time_entries/start", i, body), "data")


@op("timeEntry", "stop")
def _time_entry_stop(c: _ClickUp, i: int) -> Any:
    data = c.req("POST", f"/team/{c.s('team', i)}/time_entries/stop", i)
    if _truthy(_prop(data, "data")):
        return data["data"]
    raise NodeError("There seems to be nothing to stop.", item_index=i)


_OPS[("timeEntry", "delete")] = _plain("DELETE", "/team/{}/time_entries/{}", "team", "timeEntry", prop="data")


@op("timeEntryTag", "add")
def _time_entry_tag_add(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    body: dict[str, Any] = {"time_entry_ids": str(c.p("timeEntryIds", i, "")).split(",")}
    tags_ui = c.p("tagsUi", i, {})
    if _truthy(tags_ui):
        tags = tags_ui.get("tagsValues") if isinstance(tags_ui, dict) else None
        if tags is None:
            raise NodeError("At least one tag must be set", item_index=i)
        body["tags"] = tags
    c.req("POST", f"/team/{team}/time_entries/tags", i, body)
    return {"success": True}


@op("timeEntryTag", "getAll")
def _time_entry_tag_get_all(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    return_all = c.p("returnAll", i, False)
    data = c.req("GET", f"/team/{team}/time_entries/tags", i)
    if return_all:
        return _prop(data, "data")
    return _splice(data, "data", c.p("limit", i, 5))


@op("timeEntryTag", "remove")
def _time_entry_tag_remove(c: _ClickUp, i: int) -> Any:
    team = c.s("team", i)
    ids = str(c.p("timeEntryIds", i, "")).split(",")
    names = c.p("tagNames", i, []) or []
    try:
        tags = [(json.loads(tag) if isinstance(tag, str) else tag).get("name") for tag in names]
    except (ValueError, AttributeError) as exc:
        raise NodeError(f"Unexpected token in JSON: {exc}", item_index=i) from None
    c.req("DELETE", f"/team/{team}/time_entries/tags", i, {"time_entry_ids": ids, "tags": tags})
    return {"success": True}


# -- the node ------------------------------------------------------------------------------------

@register("n8n-nodes-base.clickUp", versions=(1,), display_name="ClickUp")
@register("n8n-nodes-base.clickUpTool", versions=(1,), display_name="ClickUp Tool")
def clickup(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = _OPS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    out: list[dict[str, Any]] = []
    client: _ClickUp | None = None
    for i, _item in enumerate(ctx.input(0)):
        try:
            client = client or _ClickUp(ctx)
            result = handler(client, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": exc.message, "json": {}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result) if result is not None else []:
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
