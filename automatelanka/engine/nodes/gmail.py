"""Gmail (v2, 2.1, 2.2; n8n's GmailV2): messages, drafts, labels, threads.

Messages are composed with :mod:`_mail` and sent base64url-encoded as the API wants; "simple"
outputs replace ``labelIds`` by ``labels`` and lift the metadata headers to top-level keys;
raw outputs are parsed like mailparser (attachments as binary with ``downloadAttachments``).
"""

from __future__ import annotations

import base64
import html
from datetime import datetime
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _mail
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

VERSIONS = (2, 2.1, 2.2)
ME = "/gmail/v1/users/me"
SIMPLE_HEADERS = ["From", "To", "Cc", "Bcc", "Subject"]


class Gmail:
    """Gmail API calls with n8n's error messages."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.api = GoogleApi(ctx, "gmailOAuth2", "gmail")
        self.resource = ctx.param("resource", 0, "message")
        self._labels: list[dict[str, Any]] | None = None

    def call(self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None,
             item_index: int = 0) -> Any:
        try:
            return self.api.json(method, path, body=body, params=params, item_index=item_index)
        except NodeApiError as exc:
            code = exc.http_code
            if code == "404":
                name = "label ID" if self.resource == "label" else self.resource
                exc.message = f"{name[0].upper()}{name[1:]} not found"
                exc.description = ""
            elif code == "409" and self.resource == "label":
                exc.message, exc.description = "Label name exists already", ""
            elif code == "400" and "Invalid id value" in str(exc.description or ""):
                exc.message = f"Invalid {self.resource} ID"
                exc.description = (f"{self.resource.capitalize()} IDs should look something like this: "
                                   "182b676d244938bd")
            elif code == "400" and exc.description:
                exc.message, exc.description = str(exc.description), ""
            raise

    def labels(self) -> list[dict[str, Any]]:
        if self._labels is None:
            data = self.call("GET", f"{ME}/labels")
            self._labels = [{"id": lb.get("id"), "name": lb.get("name")} for lb in data.get("labels") or []]
        return self._labels

    def simplify(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``simplifyOutput``: labels by name, metadata headers as keys."""
        labels = self.labels()
        out = []
        for message in messages or []:
            if message.get("labelIds"):
                ids = message["labelIds"]
                message["labels"] = [lb for lb in labels if lb["id"] in ids]
                del message["labelIds"]
            payload = message.get("payload")
            if isinstance(payload, dict) and payload.get("headers"):
                for header in payload["headers"] or []:
                    message[header.get("name")] = header.get("value")
                del payload["headers"]
            out.append(message)
        return out

    def parse_raw(self, data: dict[str, Any], prefix: str) -> Item:
        """``parseRawEmail``: the mailparser view of ``data.raw`` plus id/threadId/labelIds/sizeEstimate."""
        raw = base64.urlsafe_b64decode(_pad(str(data.get("raw") or "")))
        mail, attachments = _mail.parse(raw)
        json: dict[str, Any] = {k: data.get(k) for k in ("id", "threadId", "labelIds", "sizeEstimate")}
        for key, value in mail.items():
            if key not in ("attachments", "headers"):
                json[key] = value
            elif key == "headers":
                json["headers"] = value
        if "date" in json:
            json["date"] = _mail.iso_date(json["date"])
        item: Item = {"json": {k: v for k, v in json.items() if v is not None or k == "date"}}
        if self.ctx.param("options", 0, {}).get("downloadAttachments"):
            files = {f"{prefix}{i}": binmod.prepare_binary(a["content"], a["filename"], a["contentType"])
                     for i, a in enumerate(attachments)}
            if files:
                item["binary"] = files
        return item


def _pad(text: str) -> str:
    return text + "=" * (-len(text) % 4)


def attachments_of(ctx: NodeContext, options: dict[str, Any], index: int) -> list[tuple[str, bytes, str]]:
    """``prepareEmailAttachments``: binary properties named in ``attachmentsUi``."""
    out = []
    ui = options.get("attachmentsUi") or {}
    item = ctx.input(0)[index]
    for entry in ui.get("attachmentsBinary") or []:
        for name in str(entry.get("property") or "").split(","):
            data = binmod.assert_binary(item, name.strip(), index)
            out.append((data.get("fileName") or "unknown", binmod.binary_bytes(data),
                        data.get("mimeType") or "application/octet-stream"))
    return out


def email_body(ctx: NodeContext, index: int, attribution: bool = False) -> tuple[str, str]:
    """(text, html) per ``emailType`` with n8n's attribution footer when asked."""
    kind = ctx.param("emailType", index, "text")
    message = str(ctx.param("message", index, "") or "").strip()
    if attribution:
        note = "This email was sent automatically with "
        link = "https://n8n.io/?utm_source=n8n-internal&utm_medium=powered_by&utm_campaign=n8n-nodes-base.gmail"
        if kind == "html":
            message = (f"\n\t\t\t{message}\n\t\t\t<br>\n\t\t\t<br>\n\t\t\t---\n\t\t\t<br>\n\t\t\t<em>{note}"
                       f'<a href="{link}" target="_blank">n8n</a></em>\n\t\t\t')
        else:
            message = f"{message}\n\n---\n{note}n8n\nhttps://n8n.io"
    return ("", message) if kind == "html" else (message, "")


def emails(ctx: NodeContext, value: Any, field: str, index: int) -> str:
    try:
        return _mail.email_list(str(value), field)
    except ValueError as exc:
        raise ctx.error("Invalid email address", index, description=str(exc)) from None


def raw_message(**kwargs: Any) -> str:
    msg = _mail.compose(**kwargs)
    return base64.urlsafe_b64encode(msg.as_bytes()).decode().rstrip("=")


def prepare_query(ctx: NodeContext, filters: dict[str, Any], index: int) -> dict[str, Any]:
    """``prepareQuery``: sender/readStatus/received dates folded into ``q``."""
    qs = dict(filters)
    if qs.get("labelIds") == "":
        del qs["labelIds"]
    query = qs.get("q") or ""

    def add(part: str) -> None:
        nonlocal query
        query = f"{query} {part}" if query else part

    if qs.get("sender"):
        add(f"from:{qs.pop('sender')}")
    if qs.get("readStatus") and qs["readStatus"] != "both":
        add(f"is:{qs.pop('readStatus')}")
    qs.pop("readStatus", None)
    for key, label in (("receivedAfter", "after"), ("receivedBefore", "before")):
        if qs.get(key):
            add(f"{label}:{_timestamp(ctx, qs.pop(key), label, index)}")
    if query:
        qs["q"] = query
    return qs


def _timestamp(ctx: NodeContext, value: Any, label: str, index: int) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if len(str(int(value))) < 12 else int(value) // 1000
    text = str(value)
    try:
        return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        pass
    if text.isdigit():
        return int(text) if len(text) < 12 else int(text) // 1000
    raise ctx.error(f"Invalid date/time in 'Received {label.capitalize()}' field", index,
                    description=f"'{text}' isn't a valid date and time. If you're using an expression, be sure "
                                "to set an ISO date string or a timestamp.")


def _query_list(qs: dict[str, Any]) -> list[tuple[str, Any]]:
    """Query pairs with arrays repeated (``arrayFormat: repeat``)."""
    out: list[tuple[str, Any]] = []
    for key, value in qs.items():
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            out.append((key, "true" if v is True else "false" if v is False else v))
    return out


@register("n8n-nodes-base.gmail", versions=VERSIONS, display_name="Gmail")
@register("n8n-nodes-base.gmailTool", versions=VERSIONS, display_name="Gmail Tool")
def gmail(ctx: NodeContext) -> NodeOutput:
    gm = Gmail(ctx)
    resource = gm.resource
    operation = ctx.param("operation", 0, "send")

    def one(i: int, _item: Item) -> list[Item]:
        try:
            result = _run(ctx, gm, resource, operation, i)
        except NodeError as exc:
            exc.message = f"{exc.message} (item {i})"
            raise
        return [{**(entry if isinstance(entry, dict) and "json" in entry else {"json": entry}), "pairedItem": {"item": i}}
                for entry in (result if isinstance(result, list) else [result])]

    out = per_item(ctx, one, error_index="always", ready=True)
    if resource in ("draft", "message", "thread") and operation in ("get", "getAll"):
        for item in out:
            if item["json"].get("snippet"):
                item["json"]["snippet"] = html.escape(item["json"]["snippet"])
    return [out]


def _run(ctx: NodeContext, gm: Gmail, resource: str, operation: str, i: int) -> Any:
    if resource == "message":
        return _message(ctx, gm, operation, i)
    if resource == "label":
        return _label(ctx, gm, operation, i)
    if resource == "draft":
        return _draft(ctx, gm, operation, i)
    if resource == "thread":
        return _thread(ctx, gm, operation, i)
    raise not_supported(ctx, "Gmail", resource, operation)


def _fetch(gm: Gmail, path: str, simple: bool, prefix: str, fmt_full: str = "raw") -> Any:
    if simple:
        params = _query_list({"format": "metadata", "metadataHeaders": SIMPLE_HEADERS})
        return gm.simplify([gm.call("GET", path, params=params)])[0]
    data = gm.call("GET", path, params={"format": fmt_full})
    return gm.parse_raw(data, prefix)


def _message(ctx: NodeContext, gm: Gmail, operation: str, i: int) -> Any:
    version = ctx.node.type_version
    if operation == "send":
        options = ctx.param("options", i, {}) or {}
        to = emails(ctx, ctx.param("sendTo", i, ""), "To", i)
        sender = ""
        if options.get("senderName"):
            profile = gm.call("GET", f"{ME}/profile")
            sender = f"{options['senderName']} <{profile.get('emailAddress')}>"
        attribution = options.get("appendAttribution")
        if attribution is None:
            attribution = version >= 2.1
        text, html_body = email_body(ctx, i, bool(attribution))
        raw = raw_message(from_=sender, to=to, cc=emails(ctx, options["ccList"], "CC", i) if options.get("ccList") else "",
                          bcc=emails(ctx, options["bccList"], "BCC", i) if options.get("bccList") else "",
                          reply_to=emails(ctx, options["replyTo"], "ReplyTo", i) if options.get("replyTo") else "",
                          subject=str(ctx.param("subject", i, "")), text=text, html=html_body,
                          attachments=attachments_of(ctx, options, i))
        return gm.call("POST", f"{ME}/messages/send", body={"raw": raw}, item_index=i)
    if operation == "reply":
        return _reply(ctx, gm, str(ctx.param("messageId", i, "")), ctx.param("options", i, {}) or {}, i)
    if operation == "get":
        options = ctx.param("options", i, {}) or {}
        prefix = options.get("dataPropertyAttachmentsPrefixName") or "attachment_"
        return [_fetch(gm, f"{ME}/messages/{ctx.param('messageId', i, '')}", ctx.param("simple", i, True), prefix)]
    if operation == "getAll":
        return _get_all(ctx, gm, "messages", i)
    message_id = ctx.param("messageId", i, "")
    if operation == "delete":
        gm.call("DELETE", f"{ME}/messages/{message_id}", item_index=i)
        return {"success": True}
    bodies = {"markAsRead": {"removeLabelIds": ["UNREAD"]}, "markAsUnread": {"addLabelIds": ["UNREAD"]},
              "addLabels": {"addLabelIds": ctx.param("labelIds", i, [])},
              "removeLabels": {"removeLabelIds": ctx.param("labelIds", i, [])}}
    if operation in bodies:
        return gm.call("POST", f"{ME}/messages/{message_id}/modify", body=bodies[operation], item_index=i)
    raise not_supported(ctx, "Gmail", "message", operation)


def _get_all(ctx: NodeContext, gm: Gmail, kind: str, i: int) -> list[Any]:
    options = ctx.param("options", i, {}) or {}
    qs = prepare_query(ctx, ctx.param("filters", i, {}) or {}, i)
    if kind == "messages":
        qs.update({k: v for k, v in options.items()})
    listing = _list(ctx, gm, kind, qs, i)
    if kind == "threads":
        return listing
    simple = ctx.param("simple", i, True)
    prefix = options.get("dataPropertyAttachmentsPrefixName") or "attachment_"
    fetch_qs = dict(qs)
    if simple:
        fetch_qs.update({"format": "metadata", "metadataHeaders": SIMPLE_HEADERS})
    else:
        fetch_qs["format"] = "raw"
    full = []
    for entry in listing:
        data = gm.call("GET", f"{ME}/messages/{entry.get('id')}", params=_query_list(fetch_qs))
        full.append(data if simple else gm.parse_raw(data, prefix))
    return gm.simplify(full) if simple else full


def _list(ctx: NodeContext, gm: Gmail, kind: str, qs: dict[str, Any], i: int) -> list[Any]:
    if ctx.param("returnAll", i, False):
        out: list[Any] = []
        query = {**qs, "maxResults": 100}
        while True:
            page = gm.call("GET", f"{ME}/{kind}", params=_query_list(query))
            out.extend(page.get(kind) or [])
            if not page.get("nextPageToken"):
                return out
            query["pageToken"] = page["nextPageToken"]
    page = gm.call("GET", f"{ME}/{kind}", params=_query_list({**qs, "maxResults": ctx.param("limit", i, 50)}))
    return page.get(kind) or []


def _reply(ctx: NodeContext, gm: Gmail, message_id: str, options: dict[str, Any], i: int) -> Any:
    if options.get("replyToSenderOnly") and options.get("replyToRecipientsOnly"):
        raise ctx.error('Both "Reply to Sender Only" and "Reply to Recipient Only" cannot be enabled at the same '
                        "time. Please select only one option.", i)
    original = gm.call("GET", f"{ME}/messages/{message_id}", params={"format": "metadata"}, item_index=i)
    headers = (original.get("payload") or {}).get("headers") or []

    def header(name: str) -> str:
        return next((h.get("value") or "" for h in headers if str(h.get("name", "")).lower() == name), "")

    subject, global_id = header("subject"), header("message-id")
    me = gm.call("GET", f"{ME}/profile").get("emailAddress") or ""
    to: list[str] = []
    reply_header = "from"
    if ctx.node.type_version >= 2.2 and any(str(h.get("name", "")).lower() == "reply-to" for h in headers):
        reply_header = "reply-to"
    for h in headers:
        name = str(h.get("name") or "").lower()
        value = str(h.get("value") or "")
        if name == reply_header and not options.get("replyToRecipientsOnly"):
            to.append(value if "<" in value and ">" in value else f"<{value}>")
        if name == "to" and not options.get("replyToSenderOnly"):
            for email in value.split(","):
                if me and me in email:
                    continue
                to.append(email if "<" in email and ">" in email else f"<{email}>")
    unique = list(dict.fromkeys(to))
    sender = f"{options['senderName']} <{me}>" if options.get("senderName") else ""
    text, html_body = email_body(ctx, i)
    raw = raw_message(from_=sender, to=", ".join(unique),
                      cc=emails(ctx, options["ccList"], "CC", i) if options.get("ccList") else "",
                      bcc=emails(ctx, options["bccList"], "BCC", i) if options.get("bccList") else "",
                      subject=subject, text=text, html=html_body, attachments=attachments_of(ctx, options, i),
                      in_reply_to=global_id, references=global_id)
    return gm.call("POST", f"{ME}/messages/send", body={"raw": raw, "threadId": original.get("threadId")},
                   item_index=i)


def _label(ctx: NodeContext, gm: Gmail, operation: str, i: int) -> Any:
    if operation == "create":
        options = ctx.param("options", i, {}) or {}
        body = {"labelListVisibility": options.get("labelListVisibility", "labelShow"),
                "messageListVisibility": options.get("messageListVisibility", "show"),
                "name": ctx.param("name", i, "")}
        return gm.call("POST", f"{ME}/labels", body=body, item_index=i)
    if operation == "delete":
        gm.call("DELETE", f"{ME}/labels/{ctx.param('labelId', i, '')}", item_index=i)
        return {"success": True}
    if operation == "get":
        return gm.call("GET", f"{ME}/labels/{ctx.param('labelId', i, '')}", item_index=i)
    if operation == "getAll":
        labels = gm.call("GET", f"{ME}/labels", item_index=i).get("labels") or []
        if not ctx.param("returnAll", i, False):
            labels = labels[:int(ctx.param("limit", i, 50))]
        return labels
    raise not_supported(ctx, "Gmail", "label", operation)


def _draft(ctx: NodeContext, gm: Gmail, operation: str, i: int) -> Any:
    if operation == "create":
        options = ctx.param("options", i, {}) or {}
        thread_id = options.get("threadId") if isinstance(options.get("threadId"), str) else None
        extra: dict[str, str] = {}
        if thread_id:
            thread = gm.call("GET", f"{ME}/threads/{thread_id}", params={"format": "metadata"}, item_index=i)
            last = ((thread.get("messages") or [{}])[-1].get("payload") or {}).get("headers") or []
            msg_id = next((h.get("value") for h in last if str(h.get("name", "")).lower() == "message-id"), None)
            if msg_id:
                extra = {"In-Reply-To": msg_id, "References": msg_id}
        text, html_body = email_body(ctx, i)
        raw = raw_message(from_=options.get("fromAlias") or "",
                          to=emails(ctx, options["sendTo"], "To", i) if options.get("sendTo") else "",
                          cc=emails(ctx, options["ccList"], "CC", i) if options.get("ccList") else "",
                          bcc=emails(ctx, options["bccList"], "BCC", i) if options.get("bccList") else "",
                          reply_to=emails(ctx, options["replyTo"], "ReplyTo", i) if options.get("replyTo") else "",
                          subject=str(ctx.param("subject", i, "")), text=text, html=html_body,
                          attachments=attachments_of(ctx, options, i), extra_headers=extra)
        message: dict[str, Any] = {"raw": raw}
        if thread_id:
            message["threadId"] = thread_id
        return gm.call("POST", f"{ME}/drafts", body={"message": message}, item_index=i)
    if operation == "delete":
        gm.call("DELETE", f"{ME}/drafts/{ctx.param('messageId', i, '')}", item_index=i)
        return {"success": True}
    options = ctx.param("options", i, {}) or {}
    prefix = options.get("dataPropertyAttachmentsPrefixName") or "attachment_"
    if operation == "get":
        ids = [ctx.param("messageId", i, "")]
    elif operation == "getAll":
        ids = [d.get("id") for d in _list(ctx, gm, "drafts", dict(options), i)]
    else:
        raise not_supported(ctx, "Gmail", "draft", operation)
    out = []
    for draft_id in ids:
        data = gm.call("GET", f"{ME}/drafts/{draft_id}", params={"format": "raw"}, item_index=i)
        item = gm.parse_raw(data.get("message") or {}, prefix)
        item["json"]["messageId"] = item["json"].get("id")
        item["json"]["id"] = data.get("id")
        out.append(item)
    return out


def _thread(ctx: NodeContext, gm: Gmail, operation: str, i: int) -> Any:
    thread_id = ctx.param("threadId", i, "")
    if operation == "get":
        simple = ctx.param("simple", i, True)
        params = ({"format": "metadata", "metadataHeaders": SIMPLE_HEADERS} if simple else {"format": "full"})
        data = gm.call("GET", f"{ME}/threads/{thread_id}", params=_query_list(params), item_index=i)
        if (ctx.param("options", i, {}) or {}).get("returnOnlyMessages", False):
            return gm.simplify(data.get("messages") or [])
        data["messages"] = gm.simplify(data.get("messages") or [])
        return [data]
    if operation == "getAll":
        qs = prepare_query(ctx, ctx.param("filters", i, {}) or {}, i)
        return _list(ctx, gm, "threads", qs, i)
    if operation == "delete":
        gm.call("DELETE", f"{ME}/threads/{thread_id}", item_index=i)
        return {"success": True}
    if operation == "reply":
        return _reply(ctx, gm, str(ctx.param("messageId", i, "")), ctx.param("options", i, {}) or {}, i)
    if operation in ("trash", "untrash"):
        return gm.call("POST", f"{ME}/threads/{thread_id}/{operation}", item_index=i)
    if operation in ("addLabels", "removeLabels"):
        key = "addLabelIds" if operation == "addLabels" else "removeLabelIds"
        return gm.call("POST", f"{ME}/threads/{thread_id}/modify", body={key: ctx.param("labelIds", i, [])},
                       item_index=i)
    raise not_supported(ctx, "Gmail", "thread", operation)


# -- Gmail Trigger ---------------------------------------------------------------------------------

@register("n8n-nodes-base.gmailTrigger", versions=(1, 1.1, 1.2, 1.3), trigger=True, inputs=0,
          display_name="Gmail Trigger")
def gmail_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


@poller("n8n-nodes-base.gmailTrigger")
def poll_gmail(ctx: NodeContext) -> list[Item] | None:
    """New messages since the last poll (manual mode: the newest one), n8n's duplicate guard."""
    import time

    static = node_static(ctx)
    if ctx.node.type_version > 1:
        static = static.setdefault(ctx.node.name, {})
    manual = ctx.state.mode == "manual"
    now = int(time.time())
    if not manual:
        static.setdefault("lastTimeChecked", now)
    start = static.get("lastTimeChecked", now)
    options = dict(ctx.param("options", 0, {}) or {})
    filters = dict(ctx.param("filters", 0, {}) or {})
    gm = Gmail(ctx)
    all_filters = {**filters, "receivedAfter": start}
    qs: dict[str, Any] = {}
    if manual:
        qs["maxResults"] = 1
        del all_filters["receivedAfter"]
    include_drafts = filters.get("includeDrafts", ctx.node.type_version <= 1.1)
    all_filters.pop("includeDrafts", None)
    qs.update(prepare_query(ctx, all_filters, 0))
    qs.update(options)
    qs.pop("downloadAttachments", None)
    qs.pop("dataPropertyAttachmentsPrefixName", None)
    fetched: list[dict[str, Any]] = []
    out: list[Item] = []
    try:
        messages = gm.call("GET", f"{ME}/messages", params=_query_list(qs)).get("messages") or []
        if not messages:
            return None
        simple = ctx.param("simple", 0, True)
        fetch_qs = ({"format": "metadata", "metadataHeaders": SIMPLE_HEADERS} if simple else {"format": "raw"})
        prefix = options.get("dataPropertyAttachmentsPrefixName") or "attachment_"
        for message in messages:
            full = gm.call("GET", f"{ME}/messages/{message.get('id')}", params=_query_list(fetch_qs))
            fetched.append(dict(full))
            labels = full.get("labelIds") or []
            if not include_drafts and "DRAFT" in labels:
                continue
            if ctx.node.type_version > 1.2 and "SENT" in labels and "INBOX" not in labels:
                continue
            out.append({"json": full} if simple else gm.parse_raw(full, prefix))
        if simple:
            out = [{"json": m} for m in gm.simplify([o["json"] for o in out])]
    except NodeError:
        if manual or not static.get("lastTimeChecked"):
            raise
    if not fetched:
        return None
    invalid: list[str] = []

    def seconds(message: dict[str, Any]) -> float:
        try:
            value = int(message["internalDate"]) / 1000 if message.get("internalDate") else None
        except (TypeError, ValueError):
            value = None
        if not value:
            invalid.append(message.get("id"))
            return float(start)
        return value

    last = max((seconds(m) for m in fetched), default=0)
    duplicates = list(dict.fromkeys(invalid + [m.get("id") for m in fetched if seconds(m) <= last]))
    previous = set(static.get("possibleDuplicates") or [])
    if previous:
        out = [o for o in out if isinstance(o["json"].get("id"), str) and o["json"]["id"] not in previous]
    static["possibleDuplicates"] = duplicates
    static["lastTimeChecked"] = last if last else start
    return out or None
