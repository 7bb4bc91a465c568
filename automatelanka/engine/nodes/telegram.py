"""Telegram (n8n-nodes-base.telegram v1-1.2) over the Bot API, and the Telegram Trigger.

Requests go to ``<base>/bot<token>/<method>`` (base: configured ``telegram`` base URL, else the
telegramApi credential's ``baseUrl``, else https://api.telegram.org). Each item's output is the
API's whole answer (``{ok, result}``), as n8n's node returns it.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any
from urllib.parse import quote

from automatelanka.engine.binary import mime_from_name, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import (
    api_base,
    binary_bytes,
    description_or_message,
    per_item,
    unsupported,
)
from automatelanka.engine.nodes._webhook import WebhookRequest, WebhookResult, json_array, webhook_method
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Telegram"
_URL_RE = re.compile(r"(https?|ftp|file)://\S+|www\.\S+|\S+\.\S+")
_ATTRIBUTION = "This message was sent automatically with "
#: message operation -> (Bot API method, body key of the file parameter)
_FILE_SENDS = {"sendAnimation": "animation", "sendAudio": "audio", "sendDocument": "document",
               "sendPhoto": "photo", "sendSticker": "sticker", "sendVideo": "video"}
_CHAT_METHODS = {"get": "getChat", "administrators": "getChatAdministrators", "leave": "leaveChat",
                 "member": "getChatMember", "setDescription": "setChatDescription", "setTitle": "setChatTitle"}


def _utm_link(ctx: NodeContext) -> str:
    instance = getattr(ctx.state.services, "instance_id", "") or ""
    link = ("https://n8n.io/?utm_source=n8n-internal&utm_medium=powered_by&utm_campaign="
            + quote("n8n-nodes-base.telegram", safe=""))
    return f"{link}_{instance}" if instance else link


def _reply_markup(ctx: NodeContext, i: int, body: dict[str, Any], operation: str) -> None:
    """n8n's addAdditionalFields tail: the reply markup options."""
    option = ""
    if operation != "sendMediaGroup":
        option = ctx.param("replyMarkup", i, "none")
        if option == "none":
            return
    body["reply_markup"] = {}
    if option in ("inlineKeyboard", "replyKeyboard"):
        key = "keyboard" if option == "replyKeyboard" else "inline_keyboard"
        keyboard = ctx.param(option, i, {}) or {}
        rows_out: list[list[dict[str, Any]]] = []
        for row in keyboard.get("rows") or []:
            buttons = (row.get("row") or {}).get("buttons")
            if buttons is None:
                continue
            rows_out.append([{"text": b.get("text"), **(b.get("additionalFields") or {})} for b in buttons])
        body["reply_markup"][key] = rows_out
    elif option in ("forceReply", "replyKeyboardRemove"):
        body["reply_markup"] = ctx.param(option, i, {}) or {}
    if option == "replyKeyboard":
        body["reply_markup"].update(ctx.param("replyKeyboardOptions", i, {}) or {})


def _additional_fields(ctx: NodeContext, i: int, body: dict[str, Any], operation: str) -> None:
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    version = ctx.node.type_version or 1
    if operation == "sendMessage":
        if version >= 1.1 and "appendAttribution" not in fields:
            fields["appendAttribution"] = True
        if not fields.get("parse_mode"):
            fields["parse_mode"] = "Markdown"
        if not _URL_RE.search(str(body.get("text", ""))):
            body["disable_web_page_preview"] = True
        if fields.get("appendAttribution"):
            link = _utm_link(ctx)
            if fields["parse_mode"] == "Markdown":
                body["text"] = f"{body['text']}\n\n_{_ATTRIBUTION}_[n8n]({link})"
            elif fields["parse_mode"] == "HTML":
                body["text"] = (f'{body["text"]}\n\n<em>{_ATTRIBUTION}</em><a href="{link}" '
                                'target="_blank">n8n</a>')
        if version >= 1.2 and "disable_web_page_preview" not in fields:
            body["disable_web_page_preview"] = True
        fields.pop("appendAttribution", None)
    body.update(fields)
    _reply_markup(ctx, i, body, operation)


def _build(ctx: NodeContext, resource: str, operation: str, i: int) -> tuple[str, dict[str, Any]]:
    """The Bot API method and JSON body for one item."""
    p = ctx.param
    body: dict[str, Any] = {}
    if resource == "callback" and operation in ("answerQuery", "answerInlineQuery"):
        if operation == "answerQuery":
            body["callback_query_id"] = p("queryId", i)
        else:
            body["inline_query_id"] = p("queryId", i)
            body["results"] = p("results", i)
        body.update(p("additionalFields", i, {}) or {})
        return ("answerCallbackQuery" if operation == "answerQuery" else "answerInlineQuery"), body
    if resource == "chat" and operation in _CHAT_METHODS:
        body["chat_id"] = p("chatId", i)
        if operation == "member":
            body["user_id"] = p("userId", i)
        elif operation == "setDescription":
            body["description"] = p("description", i)
        elif operation == "setTitle":
            body["title"] = p("title", i)
        return _CHAT_METHODS[operation], body
    if resource == "file" and operation == "get":
        return "getFile", {"file_id": p("fileId", i)}
    if resource != "message":
        raise NodeError(f'The resource "{resource}" is not known!', item_index=i)
    if operation == "editMessageText":
        if p("messageType", i, "message") == "inlineMessage":
            body["inline_message_id"] = p("inlineMessageId", i)
        else:
            body["chat_id"] = p("chatId", i)
            body["message_id"] = p("messageId", i)
        body["text"] = p("text", i)
        _additional_fields(ctx, i, body, operation)
        return operation, body
    if operation in ("deleteMessage", "pinChatMessage", "unpinChatMessage"):
        body["chat_id"] = p("chatId", i)
        body["message_id"] = p("messageId", i)
        if operation == "pinChatMessage" and (p("additionalFields", i, {}) or {}).get("disable_notification"):
            body["disable_notification"] = True
        return operation, body
    if operation in _FILE_SENDS:
        body["chat_id"] = p("chatId", i)
        body[_FILE_SENDS[operation]] = p("file", i, "")
        _additional_fields(ctx, i, body, operation)
        return operation, body
    if operation == "sendChatAction":
        return operation, {"chat_id": p("chatId", i), "action": p("action", i)}
    if operation == "sendLocation":
        body.update(chat_id=p("chatId", i), latitude=p("latitude", i), longitude=p("longitude", i))
        _additional_fields(ctx, i, body, operation)
        return operation, body
    if operation == "sendMessage":
        body.update(chat_id=p("chatId", i), text=p("text", i))
        _additional_fields(ctx, i, body, operation)
        return operation, body
    if operation == "sendMediaGroup":
        body["chat_id"] = p("chatId", i)
        body.update(p("additionalFields", i, {}) or {})
        media = []
        for entry in (p("media", i, {}) or {}).get("media") or []:
            entry = dict(entry)
            entry.update(entry.pop("additionalFields", None) or {})
            media.append(entry)
        body["media"] = media
        return operation, body
    raise unsupported(DISPLAY, resource, operation)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@register("n8n-nodes-base.telegram", versions=(1, 1.1, 1.2), display_name=DISPLAY)
@register("n8n-nodes-base.telegramTool", versions=(1, 1.1, 1.2), display_name=DISPLAY)
def telegram(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "sendMessage")
    if resource == "message" and operation == "sendAndWait":
        raise unsupported(DISPLAY, resource, operation)
    binary_data = bool(ctx.param("binaryData", 0, False))
    fields = credential(ctx, "telegramApi") or {}
    base = api_base(ctx, "telegram", "https://api.telegram.org", fields)
    token = str(fields.get("accessToken") or "")

    def call(method: str, i: int, **kwargs: Any) -> Any:
        return request(ctx, "POST", f"{base}/bot{token}/{method}", item_index=i, **kwargs).json()

    def run(i: int, item: dict[str, Any]) -> Any:
        method, body = _build(ctx, resource, operation, i)
        if binary_data and resource == "message" and operation in _FILE_SENDS:
            prop = ctx.param("binaryPropertyName", i, "data")
            data, entry = binary_bytes(item, prop, i)
            file_name = (ctx.param("additionalFields", i, {}) or {}).get("fileName") or entry.get("fileName")
            if not file_name:
                raise NodeError(f"File name is needed to {operation}. Make sure the property that holds the "
                                "binary data has the file name property set or set it manually in the node "
                                "using the File Name parameter under Additional Fields.", item_index=i)
            body["disable_notification"] = _form_value(body.get("disable_notification", False))
            field = operation.replace("send", "").lower()
            form = {k: _form_value(v) for k, v in body.items() if k != field and v is not None}
            files = {field: (str(file_name), data, entry.get("mimeType") or "application/octet-stream")}
            response = call(method, i, data=form, files=files)
        else:
            response = call(method, i, json=body)
        if resource == "file" and operation == "get" and ctx.param("download", i, False):
            file_path = response["result"]["file_path"]
            raw = request(ctx, "GET", f"{base}/file/bot{token}/{file_path}", item_index=i).content
            name = posixpath.basename(file_path)
            mime = (ctx.param("additionalFields", i, {}) or {}).get("mimeType") or mime_from_name(name) \
                or "application/octet-stream"
            return {"json": response, "binary": {"data": prepare_binary(raw, name, mime)}}
        if resource == "chat" and operation == "administrators":
            return response.get("result")
        return response

    return [per_item(ctx, run, error_text=description_or_message)]


@register("n8n-nodes-base.telegramTrigger", versions=(1, 1.1, 1.2), inputs=0, display_name="Telegram Trigger")
def telegram_trigger(ctx: NodeContext) -> NodeOutput:
    """Webhook trigger: the daemon delivers the update as the seed item; pass it through."""
    return [ctx.input(0)]


def telegram_secret_token(workflow_id: Any, node_id: Any) -> str:
    """``getSecretToken``: ``<workflow id>_<node id>`` with only A-Z a-z 0-9 _ - kept (the
    ``secret_token`` given to setWebhook; Telegram sends it back in a header)."""
    text = f"{'undefined' if workflow_id is None else workflow_id}_{'undefined' if node_id is None else node_id}"
    return re.sub(r"[^a-zA-Z0-9_\-]+", "", text)


def _js_str(value: Any) -> str:
    if value is None:
        return "undefined"
    return json.dumps(value) if isinstance(value, bool) else str(value)


@webhook_method("n8n-nodes-base.telegramTrigger")
def telegram_webhook(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """TelegramTrigger.webhook(): the telegramApi credential is required, v1.1+ checks the secret-token header (403 otherwise), v1.2 keeps
    only the listed chats/users; the item is the update itself. ``additionalFields.download``
    (fetching the photo/file from the Bot API) is not done: the update is delivered without binary."""
    from automatelanka.engine.nodes._http import credential
    from automatelanka.engine.nodes._webhook import HttpResponse

    credential(ctx, "telegramApi")  # n8n's getCredentials first: none connected fails the request (500)
    body = req.body if isinstance(req.body, dict) else {}
    version = ctx.node.type_version
    if version > 1:
        expected = telegram_secret_token(ctx.state.workflow.id, ctx.node.id).encode()
        given = str(req.header("x-telegram-bot-api-secret-token") or "").encode()
        import hmac

        if len(expected) != len(given) or not hmac.compare_digest(expected, given):
            return WebhookResult(response=HttpResponse(403, {"message": "Provided secret is not valid"}))
    fields = ctx.param("additionalFields", 0, {}) or {}
    if version >= 1.2:
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        for option, source in (("chatIds", message.get("chat")), ("userIds", message.get("from"))):
            if fields.get(option):
                wanted = [part.strip() for part in str(fields[option]).split(",")]
                if _js_str(source.get("id") if isinstance(source, dict) else None) not in wanted:
                    return WebhookResult()
    return WebhookResult(json_array([req.body]))
