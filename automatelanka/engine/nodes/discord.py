"""Discord (n8n-nodes-base.discord v1, v2) over webhooks and the REST API v10.

v1 posts to a webhook URL (``{success: true}`` per item). v2 authenticates with a bot token
(discordBotApi: ``Authorization: Bot <token>``), OAuth2 (discordOAuth2Api: the guild must be one of
the user's, calls use the app's bot token) or a webhook (discordWebhookApi: message send). Base
URL: configured ``discord`` base URL, else https://discord.com/api/v10. File attachments and
sendAndWait are not supported yet.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, oauth2_request, request
from automatelanka.engine.nodes._svc import json_array, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Discord"
_MESSAGE_FIELDS = ("id", "channel_id", "author", "content", "timestamp", "type")
_CREDENTIALS = {"botToken": "discordBotApi", "oAuth2": "discordOAuth2Api", "webhook": "discordWebhookApi"}


class _Api:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.auth = ctx.param("authentication", 0, "botToken")
        self.kind = _CREDENTIALS.get(self.auth, "discordBotApi")
        self.fields = credential(ctx, self.kind) or {}
        self.base = base_url(ctx, "discord", "https://discord.com/api/v10")

    def call(self, method: str, endpoint: str, i: int, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {"item_index": i, "params": qs or None}
        if body is not None:
            kwargs["json"] = body
        if self.kind == "discordWebhookApi":
            response = request(self.ctx, method, str(self.fields.get("webhookUri") or ""), **kwargs)
        elif self.kind == "discordOAuth2Api" and endpoint == "/users/@me/guilds":
            response = oauth2_request(self.ctx, self.kind, method, f"{self.base}{endpoint}", **kwargs)
        else:
            token = self.fields.get("botToken") or ""
            response = request(self.ctx, method, f"{self.base}{endpoint}",
                               auth={"header": ("Authorization", f"Bot {token}")}, **kwargs)
        if not response.content:
            return {"success": True}
        data = response.json()
        return data if data not in (None, "", {}) or isinstance(data, list) else {"success": True}


def _prepare_options(options: dict[str, Any], guild_id: str) -> dict[str, Any]:
    options = dict(options)
    flags = options.get("flags")
    if flags:
        if len(flags) == 2:
            options["flags"] = (1 << 2) + (1 << 12)
        elif "SUPPRESS_EMBEDS" in flags:
            options["flags"] = 1 << 2
        elif "SUPPRESS_NOTIFICATIONS" in flags:
            options["flags"] = 1 << 12
    if options.get("message_reference"):
        options["message_reference"] = {"message_id": options["message_reference"], "guild_id": guild_id}
    return options


def _embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for embed in embeds:
        data: dict[str, Any] = {}
        if embed.get("inputMethod") == "json":
            raw = embed.get("json")
            try:
                data = raw if isinstance(raw, dict) else json.loads(raw)
            except (TypeError, ValueError):
                raise NodeError("Not a valid JSON") from None
        else:
            data = {k: v for k, v in embed.items() if k != "inputMethod" and v != ""}
        if data.get("author"):
            data["author"] = {"name": data["author"]}
        if isinstance(data.get("color"), str) and data["color"]:
            data["color"] = int(data["color"].replace("#", ""), 16)
        if data.get("video"):
            data["video"] = {"url": data["video"], "width": 1270, "height": 720}
        for key in ("thumbnail", "image"):
            if data.get(key):
                data[key] = {"url": data[key]}
        if data:
            out.append(data)
    return out


def _message_body(ctx: NodeContext, i: int, guild_id: str) -> dict[str, Any]:
    if ((ctx.param("files", i, {}) or {}).get("values")):
        raise NodeError("Discord: file attachments are not supported yet")
    body = {"content": ctx.param("content", i, ""), **_prepare_options(ctx.param("options", i, {}) or {}, guild_id)}
    embeds = (ctx.param("embeds", i, {}) or {}).get("values")
    if embeds:
        body["embeds"] = _embeds(embeds)
    return body


def _pick(data: Any, keys: tuple[str, ...]) -> Any:
    return {k: data[k] for k in keys if isinstance(data, dict) and k in data}


def _error_item(exc: NodeError, i: int) -> dict[str, Any]:
    description: Any = exc.description
    with contextlib.suppress(ValueError):
        description = json.loads(description) if isinstance(description, str) else description
    return {"json": {"error": exc.message, "description": description}, "pairedItem": {"item": i}}


def _paged(api: _Api, endpoint: str, i: int, cursor: str, last_id: Any) -> list[Any]:
    qs: dict[str, Any] = {"limit": 100}
    out: list[Any] = []
    while True:
        page = api.call("GET", endpoint, i, qs=qs)
        if not isinstance(page, list) or not page:
            return out
        qs[cursor] = last_id(page[-1])
        out.extend(page)


def _v2_item(ctx: NodeContext, api: _Api, resource: str, operation: str, guild_id: str, user_guilds: list[Any],
             i: int) -> Any:
    p = ctx.param

    def channel_id() -> str:
        cid = str(resource_value(p("channelId", i, "")) or "")
        if api.auth == "oAuth2":
            guild = None
            try:
                guild = api.call("GET", f"/channels/{cid}", i).get("guild_id")
            except NodeError:
                guild = None
            if not guild:
                raise NodeError(f"Could not find server for channel with the id {cid}")
            _check_guild(guild, user_guilds)
        return cid

    if resource == "webhook" and operation == "sendLegacy":
        options = _prepare_options(p("options", i, {}) or {}, "")
        if ((p("files", i, {}) or {}).get("values")):
            raise NodeError("Discord: file attachments are not supported yet")
        qs = {"wait": options.pop("wait")} if options.get("wait") else None
        body = {"content": p("content", i, ""), **options}
        embeds = (p("embeds", i, {}) or {}).get("values")
        if embeds:
            body["embeds"] = _embeds(embeds)
        return api.call("POST", "", i, body, qs)
    if resource == "message":
        if operation == "send":
            body = _message_body(ctx, i, guild_id)
            if p("sendTo", i, "channel") == "user":
                user_id = resource_value(p("userId", i, ""))
                cid = (api.call("POST", "/users/@me/channels", i, {"recipient_id": user_id}) or {}).get("id")
                if not cid:
                    raise NodeError("Could not create a channel to send direct message to")
            else:
                cid = channel_id()
            if not cid:
                raise NodeError("Channel ID is required")
            return api.call("POST", f"/channels/{cid}/messages", i, body)
        cid = channel_id()
        simplify = (p("options", i, {}) or {}).get("simplify", False)
        if operation == "getAll":
            if p("returnAll", i, False):
                rows = _paged(api, f"/channels/{cid}/messages", i, "before", lambda m: m.get("id"))
            else:
                rows = api.call("GET", f"/channels/{cid}/messages", i, qs={"limit": p("limit", 0, 50)})
            return [_pick(r, _MESSAGE_FIELDS) for r in rows] if simplify else rows
        message_id = p("messageId", i, "")
        if operation == "get":
            data = api.call("GET", f"/channels/{cid}/messages/{message_id}", i)
            return _pick(data, _MESSAGE_FIELDS) if simplify else data
        if operation == "react":
            emoji = quote(str(p("emoji", i, "")), safe="")
            api.call("PUT", f"/channels/{cid}/messages/{message_id}/reactions/{emoji}/@me", i)
            return {"success": True}
        if operation == "deleteMessage":
            api.call("DELETE", f"/channels/{cid}/messages/{message_id}", i)
            return {"success": True}
    if resource == "channel":
        if operation in ("create", "update"):
            options = dict(p("options", i, {}) or {})
            if options.get("categoryId"):
                options["parent_id"] = resource_value(options.pop("categoryId"))
            if operation == "create":
                body = {"name": p("name", i, ""), "type": p("type", i, "0"), **options}
                return api.call("POST", f"/guilds/{guild_id}/channels", i, body)
            return api.call("PATCH", f"/channels/{channel_id()}", i, {"name": p("name", i, ""), **options})
        if operation == "get":
            return api.call("GET", f"/channels/{channel_id()}", i)
        if operation == "deleteChannel":
            return api.call("DELETE", f"/channels/{channel_id()}", i)
    if resource == "member" and operation in ("roleAdd", "roleRemove"):
        user_id = resource_value(p("userId", i, ""))
        for role in p("role", i, []) or []:
            api.call("PUT" if operation == "roleAdd" else "DELETE", f"/guilds/{guild_id}/members/{user_id}/roles/{role}",
                     i)
        return {"success": True}
    raise unsupported(DISPLAY, resource, operation)


def _once(ctx: NodeContext, api: _Api, resource: str, operation: str, guild_id: str) -> Any:
    """Operations n8n runs once for the node (channel getAll, member getAll)."""
    p = ctx.param
    if resource == "channel":
        rows = api.call("GET", f"/guilds/{guild_id}/channels", 0)
        if not p("returnAll", 0, False):
            rows = rows[:p("limit", 0, 50)]
        wanted = (p("options", 0, {}) or {}).get("filter")
        return [r for r in rows if r.get("type") in wanted] if wanted else rows
    after = p("after", 0, "")
    if p("returnAll", 0, False):
        qs: dict[str, Any] = {"limit": 100}
        if after:
            qs["after"] = after
        rows = []
        while True:
            page = api.call("GET", f"/guilds/{guild_id}/members", 0, qs=qs)
            if not isinstance(page, list) or not page:
                break
            qs["after"] = (page[-1].get("user") or {}).get("id")
            rows.extend(page)
    else:
        qs = {"limit": p("limit", 0, 50)}
        if after:
            qs["after"] = after
        rows = api.call("GET", f"/guilds/{guild_id}/members", 0, qs=qs)
    if (p("options", 0, {}) or {}).get("simplify"):
        rows = [_pick(r, ("user", "roles", "permissions")) for r in rows]
    return rows


def _check_guild(guild_id: str, user_guilds: list[Any]) -> None:
    if not any(isinstance(g, dict) and g.get("id") == guild_id for g in user_guilds):
        raise NodeError(f"You do not have access to the guild with the id {guild_id}")


def _v2(ctx: NodeContext) -> NodeOutput:
    api = _Api(ctx)
    resource = "webhook" if api.auth == "webhook" else ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "sendLegacy" if resource == "webhook" else "send")
    if operation == "sendAndWait":
        raise unsupported(DISPLAY, resource, operation)
    guild_id, user_guilds = "", []
    if resource != "webhook":
        guild_id = str(resource_value(ctx.param("guildId", 0, "")) or "")
        if api.auth == "oAuth2":
            user_guilds = api.call("GET", "/users/@me/guilds", 0)
            _check_guild(guild_id, user_guilds)
    out: list[Item] = []
    if (resource, operation) in (("channel", "getAll"), ("member", "getAll")):
        try:
            rows = _once(ctx, api, resource, operation, guild_id)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            return [[_error_item(exc, 0)]]
        return [[{**row, "pairedItem": {"item": 0}} for row in json_array(rows)]]
    for i in range(len(ctx.input(0))):
        try:
            data = _v2_item(ctx, api, resource, operation, guild_id, user_guilds, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append(_error_item(exc, i))
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        out.extend({**row, "pairedItem": {"item": i}} for row in json_array(data))
    return [out]


def _v1(ctx: NodeContext) -> NodeOutput:
    if not ctx.param("webhookUri", 0, ""):
        raise NodeError("Webhook uri is required.")
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        uri = ctx.param("webhookUri", i, "")
        options = ctx.param("options", i, {}) or {}
        body: dict[str, Any] = {"content": ctx.param("text", i, "")}
        if not body["content"] and not options.get("embeds"):
            raise NodeError("Either content or embeds must be set.", item_index=i)
        for key, target in (("embeds", "embeds"), ("components", "components"), ("allowed_mentions",
                            "allowed_mentions"), ("payloadJson", "payload_json"), ("attachments", "attachments")):
            if options.get(key):
                try:
                    body[target] = json.loads(options[key]) if isinstance(options[key], str) else options[key]
                except ValueError:
                    raise NodeError(f"{'Embeds' if key == 'embeds' else key.capitalize()} must be valid JSON.",
                                    item_index=i) from None
        if "embeds" in body and not isinstance(body["embeds"], list):
            raise NodeError("Embeds must be valid JSON.", item_index=i)
        for key, target in (("username", "username"), ("avatarUrl", "avatar_url"), ("flags", "flags"), ("tts", "tts")):
            if options.get(key):
                body[target] = options[key]
        body = {k: v for k, v in body.items() if v}
        request(ctx, "POST", str(uri), item_index=i, json=body,
                headers={"content-type": "application/json; charset=utf-8"})
        out.append({"json": {"success": True}, "pairedItem": {"item": i}})
    return [out]


@register("n8n-nodes-base.discord", versions=(1, 2), display_name="Discord")
@register("n8n-nodes-base.discordTool", versions=(2,), display_name="Discord Tool")
def discord(ctx: NodeContext) -> NodeOutput:
    return _v1(ctx) if ctx.node.type_version < 2 else _v2(ctx)
