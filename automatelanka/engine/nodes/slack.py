"""Slack (n8n-nodes-base.slack v1, v2-2.4) over the Web API, and the Slack Trigger.

Base URL: configured ``slack`` base URL, else https://slack.com/api. Authentication: the
``slackApi`` access token, or the ``slackOAuth2Api`` credential (user token when present, as
n8n's ``authed_user.access_token``). Slack answers ``200 {ok: false, error}`` for failures: these
become ``Slack error response: "<error>"`` like n8n. v2 renames ``ts`` to ``message_timestamp``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._svc import binary_bytes, per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Slack"


class _Slack:
    """One node run's Slack API access."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.v2 = (ctx.node.type_version or 1) >= 2
        self.base = base_url(ctx, "slack", "https://slack.com/api")
        self.oauth = ctx.param("authentication", 0, "accessToken") != "accessToken"
        if self.oauth:
            fields = dict(credential(ctx, "slackOAuth2Api") or {})
            tokens = fields.get("oauthTokenData") or {}
            user_token = (tokens.get("authed_user") or {}).get("access_token") if isinstance(tokens, dict) else None
            if user_token:
                fields["oauthTokenData"] = {**tokens, "access_token": user_token}
            self.auth_kwargs: dict[str, Any] = {"oauth2": ("slackOAuth2Api", fields)}
        else:
            fields = credential(ctx, "slackApi") or {}
            self.auth_kwargs = {"auth": {"bearer": str(fields.get("accessToken") or "")}}

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        url = endpoint if endpoint.startswith("http") else f"{self.base}{endpoint}"
        if body and "data" not in kwargs and "files" not in kwargs:
            kwargs["json"] = body
            kwargs["headers"] = {"Content-Type": "application/json; charset=utf-8"}
        params = {k: _qs_value(v) for k, v in (qs or {}).items()} or None
        response = request(self.ctx, method, url, item_index=i, params=params, **self.auth_kwargs, **kwargs)
        try:
            data = response.json()
        except ValueError:
            return {}
        if isinstance(data, dict) and data.get("ok") is False:
            raise self._error(data, i)
        if self.v2 and isinstance(data, dict) and "ts" in data:
            data["message_timestamp"] = data.pop("ts")
        return data

    def _error(self, data: dict[str, Any], i: int) -> NodeError:
        error = data.get("error")
        if error == "paid_teams_only":
            resource = self.ctx.param("resource", 0, "message")
            return NodeError(f"Your current Slack plan does not include the resource '{resource}'", item_index=i,
                             description="Hint: Upgrade to a Slack plan that includes the functionality you want "
                                         "to use." if self.v2 else
                                         "Hint: Upgrate to the Slack plan that includes the funcionality you want "
                                         "to use.")
        if self.v2 and error == "missing_scope":
            return NodeError("Your Slack credential is missing required Oauth Scopes", item_index=i,
                             description=f"Add the following scope(s) to your Slack App: {data.get('needed')}")
        if self.v2 and error == "not_admin":
            return NodeError("Need higher Role Level for this Operation (e.g. Owner or Admin Rights)", item_index=i,
                             description="Hint: Check the Role of your Slack App Integration. For more information "
                                         "see the Slack Documentation - https://slack.com/help/articles/"
                                         "360018112273-Types-of-roles-in-Slack")
        shown = error if self.v2 else data
        return NodeError("Slack error response: " + json.dumps(shown, separators=(",", ":"), ensure_ascii=False),
                         item_index=i)

    def all_items(self, prop: str, method: str, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """slackApiRequestAllItems: cursor / page pagination."""
        qs = dict(qs)
        qs["page"] = 1
        if "files.list" in endpoint:
            qs["count"] = 100
        else:
            qs.setdefault("limit", 100)
        out: list[Any] = []
        while True:
            data = self.call(method, endpoint, i, None, qs)
            meta = data.get("response_metadata") or {}
            qs["cursor"] = meta.get("next_cursor")
            if qs["cursor"] is None:
                qs.pop("cursor")
            qs["page"] += 1
            chunk = data.get(prop)
            if isinstance(chunk, dict) and "matches" in chunk:
                out.extend(chunk.get("matches") or [])
            elif isinstance(chunk, list):
                out.extend(chunk)
            paging = data.get("paging") or {}
            inner = (chunk.get("paging") or {}) if isinstance(chunk, dict) else {}
            if meta.get("next_cursor"):
                continue
            if _more(paging) or _more(inner):
                continue
            return out


def _more(paging: dict[str, Any]) -> bool:
    pages, page = paging.get("pages"), paging.get("page")
    return pages is not None and page is not None and page < pages


def _qs_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ensure_object(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else {}
        except ValueError:
            raise NodeError(f"The value in the \"{name}\" parameter is not valid JSON") from None
    return value


def _epoch(value: Any) -> float:
    text = str(value).replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def _to_str(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)


# -- v2 ----------------------------------------------------------------------------------------------


def _target(ctx: NodeContext, i: int, select: str) -> Any:
    if select == "channel":
        return resource_value(ctx.param("channelId", i))
    user = ctx.param("user", i)
    target = resource_value(user)
    if isinstance(user, dict) and user.get("mode") == "username":
        target = str(target)
        target = target if target.startswith("@") else f"@{target}"
    return target


def _message_content(ctx: NodeContext, i: int) -> dict[str, Any]:
    version = ctx.node.type_version or 2
    include = (ctx.param("otherOptions", i, {}) or {}).get("includeLinkToWorkflow", version >= 2.1)
    wf_id = ctx.state.workflow.id or ""
    instance = getattr(ctx.state.services, "instance_id", "") or ""
    base = ctx.state.services.webhook_base_url.rstrip("/") + "/"
    automated = (f"_Automated with this <{base}workflow/{wf_id}?utm_source=n8n-internal&utm_medium=powered_by"
                 f"&utm_campaign={quote('n8n-nodes-base.slack', safe='')}{'_' + instance if instance else ''}"
                 "|n8n workflow>_")
    message_type = ctx.param("messageType", i, "text")
    text = ctx.param("text", i, "")
    if message_type == "text":
        return {"text": f"{text}\n{automated}" if include else text}
    if message_type == "block":
        content = _ensure_object(ctx.param("blocksUi", i, {}), "blocksUi")
        content = dict(content) if isinstance(content, dict) else {}
        if include and isinstance(content.get("blocks"), list):
            content["blocks"] = [*content["blocks"], {"type": "section", "text": {"type": "mrkdwn",
                                                                                  "text": automated}}]
        if text:
            content["text"] = text
        return content
    if message_type == "attachment":
        attachments = []
        for attachment in ctx.param("attachments", i, []) or []:
            attachment = dict(attachment)
            if isinstance(attachment.get("fields"), dict) and attachment["fields"].get("item"):
                attachment["fields"] = attachment["fields"]["item"]
            attachments.append(attachment)
        if include:
            attachments.append({"text": automated})
        return {"attachments": attachments}
    raise NodeError(f'The message type "{message_type}" is not known!', item_index=i)


def _message_v2(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    p = ctx.param
    if operation == "post":
        select = p("select", i, "")
        target = _target(ctx, i, select)
        options = dict(p("otherOptions", i, {}) or {})
        body: dict[str, Any] = {"channel": target, **_message_content(ctx, i)}
        send_as = options.get("sendAsUser")
        if not api.oauth and send_as not in ("", None):
            body["username"] = send_as
        action = "postMessage"
        ephemeral = options.get("ephemeral")
        if ephemeral:
            if select == "channel":
                user = (ephemeral.get("ephemeralValues") or {}).get("user") or {}
                value = user.get("value")
                body["user"] = f"@{value}" if user.get("mode") == "username" and not str(value).startswith("@") \
                    else value
                action = "postEphemeral"
            elif select == "user":
                body["user"] = target
                action = "postEphemeral"
        replies = (options.get("thread_ts") or {}).get("replyValues") if isinstance(options.get("thread_ts"), dict) \
            else None
        if replies:
            if replies.get("thread_ts"):
                body["thread_ts"] = replies["thread_ts"]
            if "reply_broadcast" in replies:
                body["reply_broadcast"] = replies["reply_broadcast"]
        options.pop("thread_ts", None)
        options.pop("ephemeral", None)
        bot = options.pop("botProfile", None)
        if bot:
            values = bot.get("imageValues") or {}
            if values.get("profilePhotoType") == "image":
                body["icon_url"] = values.get("icon_url")
            else:
                body["icon_emoji"] = values.get("icon_emoji")
        body.update(options)
        user_param = p("user", i)
        if select == "user" and action == "postEphemeral" and isinstance(user_param, dict) \
                and user_param.get("mode") == "username":
            raise NodeError('You cannot send ephemeral messages using User type "By username". Please use '
                            '"From List" or "By ID".', item_index=i)
        return api.call("POST", f"/chat.{action}", i, body)
    if operation == "update":
        body = {"channel": resource_value(p("channelId", i)), "ts": _to_str(p("ts", i)), **_message_content(ctx, i)}
        body.update(p("updateFields", i, {}) or {})
        return api.call("POST", "/chat.update", i, body)
    if operation == "delete":
        select = p("select", i, "")
        body = {"channel": _target(ctx, i, select), "ts": _to_str(p("timestamp", i))}
        return api.call("POST", "/chat.delete", i, body)
    if operation == "getPermalink":
        qs = {"channel": resource_value(p("channelId", i)), "message_ts": _to_str(p("timestamp", i))}
        return api.call("GET", "/chat.getPermalink", i, None, qs)
    if operation == "search":
        query = str(p("query", i, ""))
        sort = p("sort", i, "desc")
        for channel in (p("options", i, {}) or {}).get("searchChannel") or []:
            query += f" in:{channel}"
        qs = {"query": query, "sort": "score" if sort == "relevance" else "timestamp",
              "sort_dir": "asc" if sort == "asc" else "desc"}
        if p("returnAll", i, False):
            return api.all_items("messages", "GET", "/search.messages", i, qs)
        qs["count"] = p("limit", i, 25)
        return (api.call("POST", "/search.messages", i, None, qs).get("messages") or {}).get("matches")
    raise unsupported(DISPLAY, "message", operation)


_CHANNEL_SIMPLE = {  # operation -> (endpoint, extra body parameter, answer key or None)
    "archive": ("/conversations.archive", None, None),
    "close": ("/conversations.close", None, None),
    "join": ("/conversations.join", None, "channel"),
    "leave": ("/conversations.leave", None, None),
    "unarchive": ("/conversations.unarchive", None, None),
    "rename": ("/conversations.rename", "name", "channel"),
    "setPurpose": ("/conversations.setPurpose", "purpose", "channel"),
    "setTopic": ("/conversations.setTopic", "topic", "channel"),
}


def _channel(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    p = ctx.param
    channel = resource_value(p("channelId", i, ""))
    if operation in _CHANNEL_SIMPLE:
        endpoint, extra, key = _CHANNEL_SIMPLE[operation]
        body = {"channel": channel}
        if extra:
            body[extra] = p(extra, i)
        data = api.call("POST", endpoint, i, body)
        return data.get(key) if key else data
    if operation == "create":
        name = str(channel)
        name = name[1:] if name.startswith("#") else name
        body = {"name": name, "is_private": p("channelVisibility", i, "public") == "private"}
        if not api.v2:
            body = {"name": name, **(p("additionalFields", i, {}) or {})}
            body["is_private"] = bool(body.pop("isPrivate", False)) if "isPrivate" in body else body.get(
                "is_private", False)
        return api.call("POST", "/conversations.create", i, body).get("channel")
    if operation == "kick":
        return api.call("POST", "/conversations.kick", i, {"channel": channel, "user": p("userId", i)})
    if operation == "get":
        return api.call("POST", "/conversations.info", i, None, {"channel": channel}).get("channel")
    if operation == "invite":
        users = p("userIds", i, []) or []
        return api.call("POST", "/conversations.invite", i,
                        {"channel": channel, "users": ",".join(str(u) for u in users)}).get("channel")
    if operation in ("getAll", "history", "replies", "member"):
        return _channel_lists(ctx, api, operation, channel, i)
    raise unsupported(DISPLAY, "channel", operation)


def _channel_lists(ctx: NodeContext, api: _Slack, operation: str, channel: Any, i: int) -> Any:
    p = ctx.param
    qs: dict[str, Any] = {}
    filters = p("filters", i, {}) or {}
    if operation == "getAll":
        if filters.get("types"):
            qs["types"] = ",".join(filters["types"])
        if filters.get("excludeArchived"):
            qs["exclude_archived"] = filters["excludeArchived"]
        if p("returnAll", i, False):
            return api.all_items("channels", "GET", "/conversations.list", i, qs)
        qs["limit"] = p("limit", i, 50)
        return api.call("GET", "/conversations.list", i, None, qs).get("channels")
    if operation == "member":
        qs["channel"] = channel
        if p("returnAll", 0, False):
            members = api.all_items("members", "GET", "/conversations.members", i, qs)
        else:
            qs["limit"] = p("limit", i, 100)
            members = api.call("GET", "/conversations.members", i, None, qs).get("members") or []
        if p("resolveData", 0, False):
            return [api.call("GET", "/users.info", i, None, {"user": m}).get("user") for m in members]
        return [{"member": m} for m in members]
    qs["channel"] = channel
    endpoint = "/conversations.history" if operation == "history" else "/conversations.replies"
    if operation == "replies":
        qs["ts"] = _to_str(p("ts", i))
    if filters.get("inclusive"):
        qs["inclusive"] = filters["inclusive"]
    for key in ("latest", "oldest"):
        if filters.get(key):
            qs[key] = _epoch(filters[key])
    if p("returnAll", i, False):
        messages = api.all_items("messages", "GET", endpoint, i, qs)
    else:
        qs["limit"] = p("limit", i, 50)
        messages = api.call("GET", endpoint, i, None, qs).get("messages")
    if operation == "history" and (ctx.node.type_version or 1) >= 2.4 and isinstance(messages, list):
        messages = sorted(messages, key=lambda m: -float(m.get("ts") or 0))
    return messages


def _reaction(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    channel = resource_value(ctx.param("channelId", i, ""))
    timestamp = _to_str(ctx.param("timestamp", i))
    if operation in ("add", "remove"):
        body = {"channel": channel, "name": ctx.param("name", i), "timestamp": timestamp}
        return api.call("POST", f"/reactions.{operation}", i, body)
    if operation == "get":
        return api.call("GET", "/reactions.get", i, None, {"channel": channel, "timestamp": timestamp})
    raise unsupported(DISPLAY, "reaction", operation)


def _user(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    user = resource_value(ctx.param("user", i, ""))
    if operation == "info":
        return api.call("GET", "/users.info", i, None, {"user": user}).get("user")
    if operation == "getPresence":
        return api.call("GET", "/users.getPresence", i, None, {"user": user})
    if operation == "getProfile":
        return api.call("GET", "/users.profile.get", i, None, {"user": user}).get("profile")
    if operation == "getAll":
        if ctx.param("returnAll", i, False):
            return api.all_items("members", "GET", "/users.list", i, {})
        return api.call("GET", "/users.list", i, None, {"limit": ctx.param("limit", i, 50)}).get("members")
    raise unsupported(DISPLAY, "user", operation)


def _user_group(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    p = ctx.param
    if operation == "create":
        body = {"name": p("name", i), **(p("Options", i, {}) or {})}
        return api.call("POST", "/usergroups.create", i, body).get("usergroup")
    if operation in ("enable", "disable"):
        body = {"usergroup": p("userGroupId", i), **(p("option" if operation == "enable" else "options", i, {}) or {})}
        return api.call("POST", f"/usergroups.{operation}", i, body).get("usergroup")
    if operation == "update":
        body = {"usergroup": p("userGroupId", i), **(p("updateFields", i, {}) or {})}
        return api.call("POST", "/usergroups.update", i, body).get("usergroup")
    if operation == "getAll":
        groups = api.call("GET", "/usergroups.list", i, None, dict(p("options", i, {}) or {})).get("usergroups") or []
        return groups if p("returnAll", i, False) else groups[: p("limit", i, 50)]
    raise unsupported(DISPLAY, "userGroup", operation)


def _file(ctx: NodeContext, api: _Slack, operation: str, i: int, item: dict[str, Any]) -> Any:
    p = ctx.param
    version = ctx.node.type_version or 1
    if operation == "get":
        return api.call("GET", "/files.info", i, None, {"file": p("fileId", i)}).get("file")
    if operation == "getAll":
        qs: dict[str, Any] = {}
        filters = p("filters", i, {}) or {}
        for key, name in (("channelId", "channel"), ("showFilesHidden", "show_files_hidden_by_limit"),
                          ("tsFrom", "ts_from"), ("tsTo", "ts_to"), ("userId", "user")):
            if filters.get(key):
                qs[name] = filters[key]
        if filters.get("types"):
            qs["types"] = ",".join(filters["types"])
        if p("returnAll", i, False):
            return api.all_items("files", "GET", "/files.list", i, qs)
        qs["count"] = p("limit", i, 50)
        return api.call("GET", "/files.list", i, None, qs).get("files")
    if operation != "upload":
        raise unsupported(DISPLAY, "file", operation)
    options = p("options", i, {}) or {}
    body: dict[str, Any] = {}
    if options.get("channelIds"):
        body["channels"] = ",".join(options["channelIds"])
    if options.get("channelId"):
        body["channel_id"] = options["channelId"]
    if options.get("initialComment"):
        body["initial_comment"] = options["initialComment"]
    if options.get("threadTs"):
        body["thread_ts"] = options["threadTs"]
    if options.get("title") and version <= 2.1:
        body["title"] = options["title"]
    if p("binaryData", i, False) or version > 2.1:
        data, entry = binary_bytes(item, p("binaryPropertyName", i, "data"), i)
        upload = (entry.get("fileName"), data, entry.get("mimeType"))
        if version <= 2.1:
            return api.call("POST", "/files.upload", i, None, data=body, files={"file": upload}).get("file")
        target = api.call("GET", "/files.getUploadURLExternal", i, None,
                          {"filename": options.get("fileName") or entry.get("fileName"), "length": len(data)})
        api.call("POST", target["upload_url"], i, None, files={"file": upload})
        body["files"] = [{"id": target.get("file_id"), "title": options.get("title") or entry.get("fileName")}]
        return api.call("POST", "/files.completeUploadExternal", i, body).get("files")
    body["content"] = p("fileContent", i, "")
    return api.call("POST", "/files.upload", i, None, data=body).get("file")


# -- v1 message ---------------------------------------------------------------------------------------


def _message_v1(ctx: NodeContext, api: _Slack, operation: str, i: int) -> Any:
    p = ctx.param
    if operation in ("post", "postEphemeral"):
        body: dict[str, Any] = {"channel": p("channel", i), "text": p("text", i)}
        action = "postMessage"
        if operation == "postEphemeral":
            body["user"] = p("user", i)
            action = "postEphemeral"
        send_as = (p("otherOptions", i, {}) or {}).get("sendAsUser")
        if not api.oauth and send_as != "":
            body["username"] = send_as
        if not p("jsonParameters", i, False):
            attachments = []
            for attachment in p("attachments", i, []) or []:
                attachment = dict(attachment)
                if "fields" in attachment:
                    if isinstance(attachment["fields"], dict) and "item" in attachment["fields"]:
                        attachment["fields"] = attachment["fields"]["item"]
                    else:
                        del attachment["fields"]
                attachments.append(attachment)
            body["attachments"] = attachments
            if (p("blocksUi", i, {}) or {}).get("blocksValues"):
                raise unsupported(DISPLAY, "message", "post with Blocks UI (v1)")
        else:
            attachments_json = p("attachmentsJson", i, "")
            blocks_json = p("blocksJson", i, "")
            for value, what in ((attachments_json, "Attachments"), (blocks_json, "Blocks")):
                if value != "" and isinstance(value, str):
                    try:
                        json.loads(value)
                    except ValueError:
                        raise NodeError(f"{what} it is not a valid json", item_index=i) from None
            if attachments_json != "":
                body["attachments"] = attachments_json
            if blocks_json != "":
                body["blocks"] = blocks_json
        body.update(p("otherOptions", i, {}) or {})
        return api.call("POST", f"/chat.{action}", i, body)
    if operation == "update":
        body = {"channel": p("channelId", i), "text": p("text", i), "ts": p("ts", i)}
        attachments = []
        for attachment in p("attachments", i, []) or []:
            attachment = dict(attachment)
            if isinstance(attachment.get("fields"), dict) and "item" in attachment["fields"]:
                attachment["fields"] = attachment["fields"]["item"]
            attachments.append(attachment)
        body["attachments"] = attachments
        body.update(p("updateFields", i, {}) or {})
        return api.call("POST", "/chat.update", i, body)
    if operation == "delete":
        return api.call("POST", "/chat.delete", i, {"channel": p("channelId", i), "ts": p("timestamp", i)})
    if operation == "getPermalink":
        qs = {"channel": p("channelId", i), "message_ts": p("timestamp", i)}
        return api.call("GET", "/chat.getPermalink", i, None, qs)
    raise unsupported(DISPLAY, "message", operation)


@register("n8n-nodes-base.slack", versions=(1, 2, 2.1, 2.2, 2.3, 2.4), display_name=DISPLAY)
@register("n8n-nodes-base.slackTool", versions=(1, 2, 2.1, 2.2, 2.3, 2.4), display_name=DISPLAY)
def slack(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "post")
    if resource == "message" and operation == "sendAndWait":
        raise unsupported(DISPLAY, resource, operation)
    api = _Slack(ctx)

    def run(i: int, item: dict[str, Any]) -> Any:
        if resource == "message":
            return (_message_v2 if api.v2 else _message_v1)(ctx, api, operation, i)
        if resource == "channel":
            return _channel(ctx, api, operation, i)
        if resource == "reaction":
            return _reaction(ctx, api, operation, i)
        if resource == "user":
            return _user(ctx, api, operation, i)
        if resource == "userGroup":
            return _user_group(ctx, api, operation, i)
        if resource == "file":
            return _file(ctx, api, operation, i, item)
        raise unsupported(DISPLAY, resource, operation)

    return [per_item(ctx, run, pair_errors=False)]


@register("n8n-nodes-base.slackTrigger", versions=(1,), inputs=0, display_name="Slack Trigger")
def slack_trigger(ctx: NodeContext) -> NodeOutput:
    """Webhook trigger: the daemon delivers the event as the seed item; pass it through."""
    return [list(ctx.input(0))]
