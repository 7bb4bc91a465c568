"""Google Tasks (n8n-nodes-base.googleTasks v1) against the Tasks API v1.

Every operation n8n has (resource ``task``):

- ``create``: POST /tasks/v1/lists/<task list>/tasks ``{title, status?, notes?, due?, completed?,
  deleted?}`` with ``parent`` / ``previous`` in the query string;
- ``delete``: DELETE /tasks/v1/lists/<list>/tasks/<taskId>, output ``{success: true}``;
- ``get``: GET /tasks/v1/lists/<list>/tasks/<taskId>;
- ``getAll``: GET /tasks/v1/lists/<list>/tasks with ``showCompleted`` (default true) /
  ``showDeleted`` / ``showHidden`` and the completed/due/updated bounds; ``returnAll`` pages with
  ``maxResults=100`` + ``pageToken``, else one request with ``maxResults=<limit>`` (default 20);
  one item per task (an empty list, which the API sends without ``items``, gives one empty item as
  n8n's ``returnJsonArray(undefined)``);
- ``update``: PATCH /tasks/v1/lists/<list>/tasks/<taskId> (``previous`` in the query string).

As in n8n the query-string object is shared by all the items of one run (a ``parent`` set for one
item is also sent for the following ones). Authentication: always the googleTasksOAuth2Api
credential (the node has no service-account option). Base URL: configured ``google``, else
https://www.googleapis.com. Any other resource/operation fails with the "not supported yet" error.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleTasks"
DISPLAY = "Google Tasks"
#: additionalFields / updateFields key -> body key, in n8n's order
_BODY_FIELDS = (("status", "status"), ("notes", "notes"), ("title", "title"), ("dueDate", "due"),
                ("completed", "completed"), ("deleted", "deleted"))
_BOUNDS = ("completedMax", "completedMin", "dueMin", "dueMax")


@register(NODE_TYPE, versions=(1,), display_name=DISPLAY)
@register(NODE_TYPE + "Tool", versions=(1,), display_name=DISPLAY + " Tool")
def google_tasks(ctx: NodeContext) -> NodeOutput:
    api = GoogleApi(ctx, "googleTasksOAuth2Api", "tasks")
    api.auth = "oAuth2"  # the node only offers OAuth2
    resource = ctx.param("resource", 0, "task")
    operation = ctx.param("operation", 0, "create")
    qs: dict[str, Any] = {}  # shared across items, as n8n's `const qs = {}` outside the loop

    def one(i: int, _item: Item) -> list[Item]:
        if resource != "task" or operation not in _OPERATIONS:
            raise unsupported(DISPLAY, resource, operation)
        data = _OPERATIONS[operation](ctx, api, qs, i)
        return _items(data, i)

    return [per_item(ctx, one, error_index="never", ready=True)]


def _items(data: Any, i: int) -> list[Item]:
    """``constructExecutionMetaData(returnJsonArray(data), {itemData: {item: i}})``."""
    rows = data if isinstance(data, list) else [data if data is not None else {}]
    return [{"json": row, "pairedItem": {"item": i}} for row in rows]


def _path(ctx: NodeContext, i: int, with_task: bool = True) -> str:
    path = f"/tasks/v1/lists/{ctx.param('task', i, '')}/tasks"
    return f"{path}/{ctx.param('taskId', i, '')}" if with_task else path


def _body(fields: dict[str, Any], keys: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {key: fields[name] for name, key in keys if fields.get(name)}


def _create(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    path = _path(ctx, i, with_task=False)
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {"title": ctx.param("title", i, "")}
    for name in ("parent", "previous"):
        if fields.get(name):
            qs[name] = fields[name]
    body.update(_body(fields, tuple(pair for pair in _BODY_FIELDS if pair[0] != "title")))
    return api.json("POST", path, body=body, params=dict(qs), item_index=i, headers=_JSON)


def _delete(ctx: NodeContext, api: GoogleApi, _qs: dict[str, Any], i: int) -> Any:
    api.json("DELETE", _path(ctx, i), item_index=i, headers=_JSON)
    return {"success": True}


def _get(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    return api.json("GET", _path(ctx, i), params=dict(qs), item_index=i, headers=_JSON)


def _get_all(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    return_all = ctx.param("returnAll", i, False)
    path = _path(ctx, i, with_task=False)
    options = dict(ctx.param("additionalFields", i, {}) or {})
    show = {"showCompleted": options.pop("showCompleted", True), "showDeleted": options.pop("showDeleted", False),
            "showHidden": options.pop("showHidden", False)}
    for name in _BOUNDS:
        if options.get(name):
            qs[name] = options[name]
    qs.update(show)
    if options.get("updatedMin"):
        qs["updatedMin"] = options["updatedMin"]
    if return_all:
        return _all_pages(api, path, qs, i)
    qs["maxResults"] = ctx.param("limit", i, 20)
    return (api.json("GET", path, params=dict(qs), item_index=i, headers=_JSON) or {}).get("items")


def _all_pages(api: GoogleApi, path: str, qs: dict[str, Any], i: int) -> list[Any]:
    """``googleApiRequestAllItems('items', ...)`` on the shared query object."""
    out: list[Any] = []
    qs["maxResults"] = 100
    qs.pop("pageToken", None)
    while True:
        page = api.json("GET", path, params=dict(qs), item_index=i, headers=_JSON) or {}
        out.extend(page.get("items") or [])
        token = page.get("nextPageToken")
        if token is None or token == "":
            qs.pop("pageToken", None)
            return out
        qs["pageToken"] = token


def _update(ctx: NodeContext, api: GoogleApi, qs: dict[str, Any], i: int) -> Any:
    path = _path(ctx, i)
    fields = ctx.param("updateFields", i, {}) or {}
    if fields.get("previous"):
        qs["previous"] = fields["previous"]
    body = _body(fields, _BODY_FIELDS)
    return api.json("PATCH", path, body=body, params=dict(qs), item_index=i, headers=_JSON)


_JSON = {"Content-Type": "application/json"}
_OPERATIONS = {"create": _create, "delete": _delete, "get": _get, "getAll": _get_all, "update": _update}
