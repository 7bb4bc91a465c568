"""Gmail v1 (n8n's GmailV1): message send/reply/get/getAll/delete, messageLabel add/remove,
label create/delete/get/getAll, draft create/get/getAll/delete.

Addresses come as lists (``toList``, ``additionalFields.ccList``...); get/getAll take
``additionalFields.format`` (``resolved``: the raw message parsed as mailparser does; ``ids``,
``full``, ``metadata``, ``minimal``, ``raw``: the API's answer). As in n8n, one query object is
shared by all items of a run (a reply's ``format=metadata`` stays on later requests).
"""

from __future__ import annotations

import base64
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _mail
from automatelanka.engine.nodes._google import not_supported
from automatelanka.engine.nodes._svc import json_array
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.gmail import ME, Gmail, _query_list


def _addresses(values: Any) -> str:
    return "".join(f"<{email}>, " for email in (values or []))


def _attachments(ctx: NodeContext, fields: dict[str, Any], i: int) -> list[tuple[str, bytes, str]] | None:
    """The binary attachments named in ``attachmentsUi`` (``None`` when the option is not set)."""
    ui = fields.get("attachmentsUi")
    if not ui:
        return None
    out = []
    item = ctx.input(0)[i]
    if ui.get("attachmentsBinary") and item.get("binary"):
        for entry in ui["attachmentsBinary"]:
            for name in str(entry.get("property") or "").split(","):
                data = binmod.assert_binary(item, name, i)
                out.append((data.get("fileName") or "unknown", binmod.binary_bytes(data),
                            data.get("mimeType") or "application/octet-stream"))
    return out


def _raw(ctx: NodeContext, i: int, *, to: str, fields: dict[str, Any], attachments: list[Any] | None,
         subject: str, in_reply_to: str = "", references: str = "") -> str:
    """``encodeEmail``: the MIME message base64url-encoded without padding."""
    html = str(ctx.param("htmlMessage", i, "") or "") if ctx.param("includeHtml", i, False) else ""
    msg = _mail.compose(from_=str(fields.get("senderName") or ""), to=to, cc=_addresses(fields.get("ccList")),
                        bcc=_addresses(fields.get("bccList")), subject=subject,
                        text=str(ctx.param("message", i, "") or ""), html=html or None,
                        attachments=attachments or [], in_reply_to=in_reply_to, references=references)
    return base64.urlsafe_b64encode(msg.as_bytes()).decode().rstrip("=")


@register("n8n-nodes-base.gmail", versions=(1,), display_name="Gmail")
@register("n8n-nodes-base.gmailTool", versions=(1,), display_name="Gmail Tool")
def gmail_v1(ctx: NodeContext) -> NodeOutput:
    gm = Gmail(ctx)
    resource = gm.resource
    operation = ctx.param("operation", 0, "send")
    qs: dict[str, Any] = {}
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        try:
            result = _run(ctx, gm, resource, operation, i, qs)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            exc.item_index = i
            raise
        for row in json_array(result):
            row["pairedItem"] = {"item": i}
            out.append(row)
    return [out]


def _run(ctx: NodeContext, gm: Gmail, resource: str, operation: str, i: int, qs: dict[str, Any]) -> Any:
    if resource == "label":
        return _label(ctx, gm, operation, i, qs)
    if resource == "messageLabel" and operation in ("add", "remove"):
        key = "addLabelIds" if operation == "add" else "removeLabelIds"
        return gm.call("POST", f"{ME}/messages/{ctx.param('messageId', i, '')}/modify",
                       body={key: ctx.param("labelIds", i, [])}, params=_query_list(qs), item_index=i)
    if resource == "message":
        return _message(ctx, gm, operation, i, qs)
    if resource == "draft":
        return _draft(ctx, gm, operation, i, qs)
    raise not_supported(ctx, "Gmail", resource, operation)


def _label(ctx: NodeContext, gm: Gmail, operation: str, i: int, qs: dict[str, Any]) -> Any:
    if operation == "create":
        body = {"labelListVisibility": ctx.param("labelListVisibility", i, "labelShow"),
                "messageListVisibility": ctx.param("messageListVisibility", i, "show"),
                "name": ctx.param("name", i, "")}
        return gm.call("POST", f"{ME}/labels", body=body, params=_query_list(qs), item_index=i)
    if operation == "delete":
        gm.call("DELETE", f"{ME}/labels/{ctx.param('labelId', i, '')}", params=_query_list(qs), item_index=i)
        return {"success": True}
    if operation == "get":
        return gm.call("GET", f"{ME}/labels/{ctx.param('labelId', i, '')}", params=_query_list(qs), item_index=i)
    if operation == "getAll":
        labels = gm.call("GET", f"{ME}/labels", params=_query_list(qs), item_index=i).get("labels") or []
        return labels if ctx.param("returnAll", i, False) else labels[:int(ctx.param("limit", i, 50))]
    raise not_supported(ctx, "Gmail", "label", operation)


def _fetch_qs(qs: dict[str, Any], fmt: str) -> None:
    qs["format"] = "raw" if fmt == "resolved" else fmt


def _message(ctx: NodeContext, gm: Gmail, operation: str, i: int, qs: dict[str, Any]) -> Any:
    if operation in ("send", "reply"):
        fields = ctx.param("additionalFields", i, {}) or {}
        to = _addresses(ctx.param("toList", i, []))
        attachments = _attachments(ctx, fields, i)
        if attachments is not None:
            qs.clear()
            qs.update({"userId": "me", "uploadType": "media"})
        if operation == "send":
            raw = _raw(ctx, i, to=to, fields=fields, attachments=attachments, subject=str(ctx.param("subject", i, "")))
            return gm.call("POST", f"{ME}/messages/send", body={"raw": raw}, params=_query_list(qs), item_index=i)
        message_id = str(ctx.param("messageId", i, ""))
        qs["format"] = "metadata"
        original = gm.call("GET", f"{ME}/messages/{message_id}", params=_query_list(qs), item_index=i)
        headers = (original.get("payload") or {}).get("headers") or []
        if to == "":
            sender = next((h.get("value") for h in headers if h.get("name") == "From"), None)
            if sender is not None:
                to = f"<{_extract_email(str(sender))}>,"
        subject = next((h.get("value") for h in headers if h.get("name") == "Subject"), "") or ""
        references = next((h.get("value") for h in headers if h.get("name") == "References"), "") or ""
        raw = _raw(ctx, i, to=to, fields=fields, attachments=attachments, subject=subject, in_reply_to=message_id,
                   references=references)
        return gm.call("POST", f"{ME}/messages/send", body={"raw": raw, "threadId": ctx.param("threadId", i, "")},
                       params=_query_list(qs), item_index=i)
    if operation == "get":
        fields = ctx.param("additionalFields", i, {}) or {}
        fmt = fields.get("format") or "resolved"
        _fetch_qs(qs, fmt)
        data = gm.call("GET", f"{ME}/messages/{ctx.param('messageId', i, '')}", params=_query_list(qs), item_index=i)
        if fmt == "resolved":
            return gm.parse_raw(data, fields.get("dataPropertyAttachmentsPrefixName") or "attachment_")
        return {"json": data}
    if operation == "getAll":
        return _get_all(ctx, gm, "messages", i, qs)
    if operation == "delete":
        gm.call("DELETE", f"{ME}/messages/{ctx.param('messageId', i, '')}", params=_query_list(qs), item_index=i)
        return {"success": True}
    raise not_supported(ctx, "Gmail", "message", operation)


def _extract_email(text: str) -> str:
    if "<" in text:
        data = text.split("<")[1]
        return data[:-1]
    return text


def _get_all(ctx: NodeContext, gm: Gmail, kind: str, i: int, qs: dict[str, Any]) -> list[Any]:
    """``messages``/``drafts`` listing, each entry fetched in ``additionalFields.format``."""
    fields = ctx.param("additionalFields", i, {}) or {}
    qs.update(fields)
    if kind == "messages" and "labelIds" in qs and qs["labelIds"] in ("", []):
        del qs["labelIds"]
    listed: list[Any]
    if ctx.param("returnAll", i, False):
        listed = []
        qs["maxResults"] = 100
        while True:
            page = gm.call("GET", f"{ME}/{kind}", params=_query_list(qs), item_index=i)
            qs["pageToken"] = page.get("nextPageToken")
            listed.extend(page.get(kind) or [])
            if not page.get("nextPageToken"):
                break
        qs.pop("pageToken", None)
    else:
        qs["maxResults"] = ctx.param("limit", i, 10)
        listed = gm.call("GET", f"{ME}/{kind}", params=_query_list(qs), item_index=i).get(kind) or []
    fmt = fields.get("format") or "resolved"
    if fmt == "ids":
        return listed
    _fetch_qs(qs, fmt)
    prefix = fields.get("dataPropertyAttachmentsPrefixName") or "attachment_"
    out = []
    for entry in listed:
        data = gm.call("GET", f"{ME}/{kind}/{entry.get('id')}", params=_query_list(qs), item_index=i)
        if fmt != "resolved":
            out.append(data)
        elif kind == "drafts":
            out.append(_draft_item(gm, data, prefix))
        else:
            out.append(gm.parse_raw(data, prefix))
    return out


def _draft_item(gm: Gmail, data: dict[str, Any], prefix: str) -> Item:
    item = gm.parse_raw(data.get("message") or {}, prefix)
    item["json"]["messageId"] = item["json"].get("id")
    item["json"]["id"] = data.get("id")
    return item


def _draft(ctx: NodeContext, gm: Gmail, operation: str, i: int, qs: dict[str, Any]) -> Any:
    if operation == "create":
        fields = ctx.param("additionalFields", i, {}) or {}
        attachments = _attachments(ctx, fields, i)
        if attachments is not None:
            qs.clear()
            qs.update({"userId": "me", "uploadType": "media"})
        raw = _raw(ctx, i, to=_addresses(fields.get("toList")), fields=fields, attachments=attachments,
                   subject=str(ctx.param("subject", i, "")))
        return gm.call("POST", f"{ME}/drafts", body={"message": {"raw": raw}}, params=_query_list(qs), item_index=i)
    if operation == "get":
        fields = ctx.param("additionalFields", i, {}) or {}
        fmt = fields.get("format") or "resolved"
        _fetch_qs(qs, fmt)
        data = gm.call("GET", f"{ME}/drafts/{ctx.param('messageId', i, '')}", params=_query_list(qs), item_index=i)
        if fmt == "resolved":
            return _draft_item(gm, data, fields.get("dataPropertyAttachmentsPrefixName") or "attachment_")
        return {"json": data}
    if operation == "delete":
        gm.call("DELETE", f"{ME}/drafts/{ctx.param('messageId', i, '')}", params=_query_list(qs), item_index=i)
        return {"success": True}
    if operation == "getAll":
        return _get_all(ctx, gm, "drafts", i, qs)
    raise not_supported(ctx, "Gmail", "draft", operation)
