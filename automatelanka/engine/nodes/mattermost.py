"""Mattermost (n8n-nodes-base.mattermost v1) over the REST API v4.

Requests go to ``<base>/api/v4/<endpoint>`` (base: configured ``mattermost`` base URL, else the
mattermostApi credential's ``baseUrl``) with ``Authorization: Bearer <accessToken>``. Every
resource/operation of n8n's node: message post/postEphemeral/delete, channel
create/delete/members/restore/addUser/statistics/search, reaction create/delete/getAll, user
create/deactive/getAll/getByEmail/getById/invite. Outputs are the API's answers split into items.
Under continue-on-fail a failing item keeps its input json and carries the error (as n8n's router).
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._rest import Api, js_date_ms
from automatelanka.engine.nodes._svc import api_base, json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Mattermost"


def _snake(text: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", str(text)).lower()


def _all(api: Api, i: int, method: str, endpoint: str, qs: dict[str, Any]) -> list[Any]:
    qs = {**qs, "page": 0, "per_page": 100}
    out: list[Any] = []
    while True:
        data = api.call(method, endpoint, i, qs=qs) or []
        qs["page"] += 1
        out.extend(data)
        if len(data) == 0:
            return out


def _attachments(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The node's saved attachment shape turned into the API's (fields/actions unwrapped)."""
    out = []
    for source in raw or []:
        attachment = dict(source)
        for key in ("fields", "actions"):
            if key in attachment:
                if isinstance(attachment[key], dict) and attachment[key].get("item") is not None:
                    attachment[key] = attachment[key]["item"]
                else:
                    del attachment[key]
        actions = []
        for raw_action in attachment.get("actions") or []:
            action = dict(raw_action)
            if action.get("type") == "button":
                del action["type"]
            if action.get("data_source") == "custom":
                del action["data_source"]
            if action.get("options"):
                action["options"] = action["options"].get("option")
            integration = action.get("integration") or {}
            if isinstance(integration, dict) and integration.get("item") is not None:
                integration = dict(integration["item"])
                context = integration.get("context") or {}
                if isinstance(context.get("property"), list):
                    integration["context"] = {p.get("name"): p.get("value") for p in context["property"]}
                action["integration"] = integration
            actions.append(action)
        if "actions" in attachment:
            attachment["actions"] = actions
        out.append(attachment)
    return out


def _operation(ctx: NodeContext, api: Api, resource: str, operation: str, i: int) -> Any:
    p = ctx.param
    if resource == "message":
        if operation == "post":
            body: dict[str, Any] = {"channel_id": p("channelId", i), "message": p("message", i),
                                    "props": {"attachments": _attachments(p("attachments", i, []) or [])}}
            body.update(p("otherOptions", i, {}) or {})
            return api.call("POST", "posts", i, body=body)
        if operation == "postEphemeral":
            return api.call("POST", "posts/ephemeral", i, body={
                "user_id": p("userId", i), "post": {"channel_id": p("channelId", i), "message": p("message", i)}})
        if operation == "delete":
            return api.call("DELETE", f"posts/{p('postId', i)}", i)
    if resource == "channel":
        channel_id = p("channelId", i, "")
        if operation == "create":
            return api.call("POST", "channels", i, body={
                "team_id": p("teamId", i), "display_name": p("displayName", i), "name": p("channel", i),
                "type": "O" if p("type", i, "public") == "public" else "P"})
        if operation == "delete":
            return api.call("DELETE", f"channels/{channel_id}", i)
        if operation == "restore":
            return api.call("POST", f"channels/{channel_id}/restore", i)
        if operation == "addUser":
            return api.call("POST", f"channels/{channel_id}/members", i, body={"user_id": p("userId", i)})
        if operation == "statistics":
            return api.call("GET", f"channels/{channel_id}/stats", i)
        if operation == "search":
            data = api.call("POST", f"teams/{p('teamId', i)}/channels/search", i, body={"term": p("term", i)}) or []
            return data if p("returnAll", 0, True) else data[: p("limit", 0, 100)]
        if operation == "members":
            endpoint = f"channels/{channel_id}/members"
            if p("returnAll", i, True):
                return _all(api, i, "GET", endpoint, {})
            limit = p("limit", i, 0)
            data = api.call("GET", endpoint, i, qs={"per_page": limit}) or []
            if limit:
                data = data[:limit]
            if p("resolveData", i, True):
                ids = [row.get("user_id") for row in data]
                if ids:
                    data = api.call("POST", "users/ids", i, body=ids)
            return data
    if resource == "reaction":
        emoji = str(p("emojiName", i, "")).replace(":", "")
        if operation == "create":
            import time

            return api.call("POST", "reactions", i, body={"user_id": p("userId", i), "post_id": p("postId", i),
                                                          "emoji_name": emoji, "create_at": int(time.time() * 1000)})
        if operation == "delete":
            return api.call("DELETE", f"users/{p('userId', i)}/posts/{p('postId', i)}/reactions/{emoji}", i)
        if operation == "getAll":
            data = api.call("GET", f"posts/{p('postId', i)}/reactions", i)
            if data is None:
                return []
            limit = p("limit", 0, 0)
            return data[:limit] if limit and limit > 0 else data
    if resource == "user":
        return _user(ctx, api, operation, i)
    raise unsupported(DISPLAY, resource, operation)


def _user(ctx: NodeContext, api: Api, operation: str, i: int) -> Any:
    p = ctx.param
    if operation == "create":
        auth_service = p("authService", i)
        body: dict[str, Any] = {"auth_service": auth_service, "username": p("username", i)}
        body.update(p("additionalFields", i, {}) or {})
        if body.get("notificationUi"):
            body["notify_props"] = body["notificationUi"].get("notificationValues")
        if auth_service == "email":
            body["email"] = p("email", i)
            body["password"] = p("password", i)
        else:
            body["auth_data"] = p("authData", i)
        return api.call("POST", "users", i, body=body)
    if operation == "deactive":
        return api.call("DELETE", f"users/{p('userId', i)}", i)
    if operation == "getByEmail":
        return api.call("GET", f"users/email/{p('email', i)}", i)
    if operation == "getById":
        extra = p("additionalFields", i, {}) or {}
        qs = {"since": js_date_ms(extra["since"])} if extra.get("since") else {}
        return api.call("POST", "users/ids", i, body=str(p("userIds", i, "")).split(","), qs=qs)
    if operation == "invite":
        return api.call("POST", f"teams/{p('teamId', i)}/invite/email", i, body=str(p("emails", i, "")).split(","))
    if operation == "getAll":
        return _user_get_all(ctx, api, i)
    raise unsupported(DISPLAY, "user", operation)


def _user_get_all(ctx: NodeContext, api: Api, i: int) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    qs: dict[str, Any] = {}
    for key, name in (("inTeam", "in_team"), ("notInTeam", "not_in_team"), ("inChannel", "in_channel"),
                      ("notInChannel", "not_in_channel")):
        if extra.get(key):
            qs[name] = extra[key]
    sort = extra.get("sort")
    if sort:
        qs["sort"] = _snake(sort)
        if "inTeam" not in extra and "inChannel" not in extra:
            raise NodeError("When sort is defined either 'in team' or 'in channel' must be defined", item_index=i)
        if "inTeam" in extra and _snake(sort) not in ("last_activity_at", "created_at", "username"):
            raise NodeError("When In Team is set the only valid values for sorting are "
                            "last_activity_at,created_at,username", item_index=i)
        if "inChannel" in extra and _snake(sort) not in ("status", "username"):
            raise NodeError("When In Channel is set the only valid values for sorting are status,username",
                            item_index=i)
        if sort == "username":
            qs["sort"] = ""
    if ctx.param("returnAll", i, True):
        return _all(api, i, "GET", "/users", qs)
    qs["per_page"] = ctx.param("limit", i, 100)
    return api.call("GET", "/users", i, qs=qs)


@register("n8n-nodes-base.mattermost", versions=(1,), display_name="Mattermost")
@register("n8n-nodes-base.mattermostTool", versions=(1,), display_name="Mattermost Tool")
def mattermost(ctx: NodeContext) -> NodeOutput:
    from automatelanka.engine.nodes._http import credential

    fields = credential(ctx, "mattermostApi") or {}
    base = api_base(ctx, "mattermost", "", fields)
    api = Api(ctx, f"{base}/api/v4/", "mattermostApi", fields=fields,
              auth={"bearer": str(fields.get("accessToken") or "")},
              headers={"content-type": "application/json; charset=utf-8"})
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        resource = ctx.param("resource", i, "message")
        operation = ctx.param("operation", i, "post")
        operation = {"del": "delete", "desactive": "deactive"}.get(operation, operation)
        try:
            data = _operation(ctx, api, resource, operation, i)
        except NodeError as exc:
            if ctx.continue_on_fail and "not supported yet" not in exc.message:
                out.append({"json": item.get("json"), "error": {"message": exc.message, "name": exc.name}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(data if data is not None else {}):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
