"""Microsoft Teams (n8n-nodes-base.microsoftTeams v1, 1.1, 2; microsoftTeamsTool v2) over Microsoft Graph.

Base: configured ``microsoftTeams`` base URL, else the ``microsoft`` one without its ``/v1.0``, else
https://graph.microsoft.com (paths carry ``/v1.0`` or ``/beta`` as n8n's); microsoftTeamsOAuth2Api
token (refreshed once on 401).
Supported (v1, 1.1 and v2): channel create/delete/get/getAll/update, channelMessage create (reply
with ``makeReply``; the "Powered by this n8n workflow" link by default from v1.1)/getAll, chatMessage
create/get/getAll. getAll follows every ``@odata.nextLink`` then cuts to ``limit`` as n8n does.
v2 error shapes: Graph's ``error.message`` as the message ("<Resource> not found" for NotFound),
channel get/delete and chatMessage get failing with n8n's fixed "doesn't exist" messages.
task (Planner) create/delete/get/getAll/update (delete/update send the task's etag as ``If-Match``;
v2's getAll for a member reads ``/me`` first). Not supported yet: chatMessage sendAndWait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential, find_error_message
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Microsoft Teams"
CREDENTIAL = "microsoftTeamsOAuth2Api"
GRAPH = "https://graph.microsoft.com"


def graph_root(ctx: NodeContext) -> str:
    """The Graph root (no version segment)."""
    urls = ctx.state.services.base_urls
    if urls.get("microsoftTeams"):
        return urls["microsoftTeams"].rstrip("/")
    configured = (urls.get("microsoft") or "").rstrip("/")
    if configured:
        return configured[: -len("/v1.0")] if configured.endswith("/v1.0") else configured
    return GRAPH


class _Teams:
    """n8n's microsoftApiRequest of this node (v2 maps Graph errors like its transport)."""

    def __init__(self, ctx: NodeContext, version: float) -> None:
        self.ctx = ctx
        self.version = version
        self.api = Api(ctx, graph_root(ctx), CREDENTIAL, fields=credential(ctx, CREDENTIAL) or {})

    def call(self, method: str, path: str, i: int, body: Any = None, url: str | None = None) -> Any:
        try:
            return self.api.call(method, path, i, body=body, url=url)
        except NodeApiError as exc:
            if self.version >= 2:
                self._v2_error(exc)
            raise

    def _v2_error(self, exc: NodeApiError) -> None:
        body = (exc.context or {}).get("errorResponse")
        inner = body.get("error") if isinstance(body, dict) else None
        if not isinstance(inner, dict):
            return
        message = inner.get("message")
        if inner.get("code") == "NotFound" and message == "Resource not found":
            resource = str(self.ctx.param("resource", 0, "channel"))
            message = f"{resource[:1].upper()}{resource[1:]} not found"
        if message:
            exc.message = str(message)
        exc.description = find_error_message(inner)

    def if_match(self, method: str, path: str, i: int, body: Any = None) -> Any:
        """A Planner write: the task's ``@odata.etag`` is read first and sent as ``If-Match``."""
        task = self.call("GET", path, i) or {}
        etag = task.get("@odata.etag") if isinstance(task, dict) else None
        headers = {"If-Match": str(etag)} if etag is not None else {}
        try:
            return self.api.call(method, path, i, body=body, headers=headers)
        except NodeApiError as exc:
            if self.version >= 2:
                self._v2_error(exc)
            raise

    def all_items(self, path: str, i: int) -> list[Any]:
        """Every page of ``value`` (``@odata.nextLink`` until there is none)."""
        out: list[Any] = []
        next_link: str | None = None
        while True:
            page = self.call("GET", path, i, url=next_link) or {}
            next_link = page.get("@odata.nextLink")
            out.extend(page.get("value") or [])
            if next_link is None:
                return out


def _id(ctx: NodeContext, name: str, i: int) -> str:
    value = resource_value(ctx.param(name, i, ""))
    return "" if value is None else str(value)


def _list(teams: _Teams, ctx: NodeContext, path: str, i: int) -> list[Any]:
    rows = teams.all_items(path, i)
    if ctx.param("returnAll", i, False):
        return rows
    return rows[: int(ctx.param("limit", i, 100 if teams.version >= 2 else 50))]


def _message_body(ctx: NodeContext, message: Any, content_type: Any, include_link: bool) -> dict[str, Any]:
    """n8n's prepareMessage (the workflow link turns the message into HTML)."""
    if include_link:
        base = ctx.state.services.webhook_base_url.rstrip("/") + "/"
        instance = getattr(ctx.state.services, "instance_id", "") or ""
        link = (f"{base}workflow/{ctx.state.workflow.id or ''}?utm_source=n8n-internal&utm_medium=powered_by"
                f"&utm_campaign={quote('n8n-nodes-base.microsoftTeams', safe='')}"
                f"{'_' + instance if instance else ''}")
        content_type = "html"
        message = f"{message}<br><br><em> Powered by <a href=\"{link}\">this n8n workflow</a> </em>"
    return {"body": {"contentType": content_type, "content": message}}


def _content_type(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    return ctx.param("contentType" if teams.version >= 2 else "messageType", i, "text")


# -- channel -------------------------------------------------------------------------------------

def _channel_create(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"displayName": ctx.param("name", i, "")}
    options = ctx.param("options", i, {}) or {}
    if options.get("description"):
        body["description"] = options["description"]
    if options.get("type"):
        body["membershipType"] = options["type"]
    return teams.call("POST", f"/v1.0/teams/{_id(ctx, 'teamId', i)}/channels", i, body)


def _channel_path(ctx: NodeContext, i: int) -> str:
    return f"/v1.0/teams/{_id(ctx, 'teamId', i)}/channels/{_id(ctx, 'channelId', i)}"


def _doesnt_exist(what: str, parameter: str, run: Callable[[], Any]) -> Any:
    """v2's wrapper: any failure becomes "The <what> you are trying to ... doesn't exist"."""
    try:
        return run()
    except NodeError:
        raise NodeError(f"The {what} doesn't exist",
                        description=f"Check that the '{parameter}' parameter is correctly set") from None


def _channel_delete(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    def run() -> Any:
        teams.call("DELETE", _channel_path(ctx, i), i)
        return {"success": True}
    if teams.version >= 2:
        return _doesnt_exist("channel you are trying to delete", "Channel", run)
    return run()


def _channel_get(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    def run() -> Any:
        return teams.call("GET", _channel_path(ctx, i), i)
    if teams.version >= 2:
        return _doesnt_exist("channel you are trying to get", "Channel", run)
    return run()


def _channel_update(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    if teams.version >= 2:
        name = ctx.param("name", i, "")
        description = (ctx.param("options", i, {}) or {}).get("description", "")
    else:
        fields = ctx.param("updateFields", i, {}) or {}
        name, description = fields.get("name"), fields.get("description")
    body: dict[str, Any] = {}
    if name:
        body["displayName"] = name
    if description:
        body["description"] = description
    teams.call("PATCH", _channel_path(ctx, i), i, body)
    return {"success": True}


# -- messages ------------------------------------------------------------------------------------

def _channel_message_create(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    include = options.get("includeLinkToWorkflow")
    if include is None:
        include = teams.version >= 1.1
    body = _message_body(ctx, ctx.param("message", i, ""), _content_type(teams, ctx, i), bool(include))
    path = f"/beta/teams/{_id(ctx, 'teamId', i)}/channels/{_id(ctx, 'channelId', i)}/messages"
    if options.get("makeReply"):
        path = f"{path}/{options['makeReply']}/replies"
    return teams.call("POST", path, i, body)


def _chat_message_create(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    include = options.get("includeLinkToWorkflow") is not False
    if teams.version < 2:
        include = include and teams.version >= 1.1
    body = _message_body(ctx, ctx.param("message", i, ""), _content_type(teams, ctx, i), include)
    return teams.call("POST", f"/v1.0/chats/{_id(ctx, 'chatId', i)}/messages", i, body)


def _chat_message_get(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    def run() -> Any:
        return teams.call("GET", f"/v1.0/chats/{_id(ctx, 'chatId', i)}/messages/{ctx.param('messageId', i, '')}", i)
    if teams.version >= 2:
        return _doesnt_exist("message you are trying to get", "Message ID", run)
    return run()


# -- task (Planner) ------------------------------------------------------------------------------

_ASSIGNMENT = {"@odata.type": "microsoft.graph.plannerAssignment", "orderHint": " !"}


def _task_create(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    if teams.version >= 2:
        body: dict[str, Any] = {"planId": _id(ctx, "planId", i), "bucketId": _id(ctx, "bucketId", i),
                                "title": ctx.param("title", i, "")}
        options = dict(ctx.param("options", i, {}) or {})
        if options.get("assignedTo"):
            options["assignedTo"] = resource_value(options["assignedTo"])
    else:
        body = {"planId": ctx.param("planId", i, ""), "bucketId": ctx.param("bucketId", i, ""),
                "title": ctx.param("title", i, "")}
        options = dict(ctx.param("additionalFields", i, {}) or {})
    body.update(options)
    if body.get("assignedTo"):
        body["assignments"] = {str(body["assignedTo"]): dict(_ASSIGNMENT)}
        del body["assignedTo"]
    if teams.version < 2 and isinstance(body.get("labels"), list):
        body["appliedCategories"] = [{str(label): True} for label in body["labels"]]
    return teams.call("POST", "/v1.0/planner/tasks", i, body)


def _task_update(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    fields = dict(ctx.param("updateFields", i, {}) or {})
    if teams.version >= 2:
        task_id = _id(ctx, "taskId", i)
        for key in list(fields):
            if key == "groupId":
                del fields["groupId"]
            elif key == "assignedTo":
                fields["assignments"] = {str(resource_value(fields.pop("assignedTo"))): dict(_ASSIGNMENT)}
            elif key in ("bucketId", "planId"):
                fields[key] = resource_value(fields[key])
    else:
        task_id = str(ctx.param("taskId", i, ""))
        if fields.get("assignedTo"):
            fields["assignments"] = {str(fields["assignedTo"]): dict(_ASSIGNMENT)}
            del fields["assignedTo"]
        if fields.get("groupId"):
            del fields["groupId"]
        if isinstance(fields.get("labels"), list):
            fields["appliedCategories"] = [{str(label): True} for label in fields["labels"]]
    teams.if_match("PATCH", f"/v1.0/planner/tasks/{task_id}", i, fields)
    return {"success": True}


def _task_delete(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    teams.if_match("DELETE", f"/v1.0/planner/tasks/{ctx.param('taskId', i, '')}", i)
    return {"success": True}


def _task_get_all(teams: _Teams, ctx: NodeContext, i: int) -> Any:
    if ctx.param("tasksFor", i, "member") == "member":
        if teams.version >= 2:
            member = (teams.call("GET", "/v1.0/me", i) or {}).get("id")
        else:
            member = ctx.param("memberId", i, "")
        return _list(teams, ctx, f"/v1.0/users/{member}/planner/tasks", i)
    plan = _id(ctx, "planId", i) if teams.version >= 2 else ctx.param("planId", i, "")
    return _list(teams, ctx, f"/v1.0/planner/plans/{plan}/tasks", i)


_OPERATIONS: dict[tuple[str, str], Callable[[_Teams, NodeContext, int], Any]] = {
    ("channel", "create"): _channel_create,
    ("channel", "delete"): _channel_delete,
    ("channel", "deleteChannel"): _channel_delete,
    ("channel", "get"): _channel_get,
    ("channel", "getAll"): lambda t, ctx, i: _list(t, ctx, f"/v1.0/teams/{_id(ctx, 'teamId', i)}/channels", i),
    ("channel", "update"): _channel_update,
    ("channelMessage", "create"): _channel_message_create,
    ("channelMessage", "getAll"): lambda t, ctx, i: _list(
        t, ctx, f"/beta/teams/{_id(ctx, 'teamId', i)}/channels/{_id(ctx, 'channelId', i)}/messages", i),
    ("chatMessage", "create"): _chat_message_create,
    ("chatMessage", "get"): _chat_message_get,
    ("chatMessage", "getAll"): lambda t, ctx, i: _list(t, ctx, f"/v1.0/chats/{_id(ctx, 'chatId', i)}/messages", i),
    ("task", "create"): _task_create,
    ("task", "delete"): _task_delete,
    ("task", "deleteTask"): _task_delete,
    ("task", "get"): lambda t, ctx, i: t.call("GET", f"/v1.0/planner/tasks/{ctx.param('taskId', i, '')}", i),
    ("task", "getAll"): _task_get_all,
    ("task", "update"): _task_update,
}


@register("n8n-nodes-base.microsoftTeams", versions=(1, 1.1, 2), display_name=DISPLAY)
@register("n8n-nodes-base.microsoftTeamsTool", versions=(2,), display_name=f"{DISPLAY} Tool")
def microsoft_teams(ctx: NodeContext) -> NodeOutput:
    version = float(ctx.node.type_version or 2)
    resource = ctx.param("resource", 0, "channel")
    operation = ctx.param("operation", 0, "create")
    # v1 names the deletes "delete", v2 "deleteChannel" / "deleteTask".
    if operation == ("delete" if version >= 2 else {"channel": "deleteChannel", "task": "deleteTask"}.get(resource)):
        raise unsupported(DISPLAY, resource, operation)
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    teams = _Teams(ctx, version)
    return [per_item(ctx, lambda i, _item: handler(teams, ctx, i))]
