"""Microsoft Outlook (n8n-nodes-base.microsoftOutlook v1, v2; microsoftOutlookTool v2) over Microsoft Graph.

Base: configured ``microsoft`` base URL, else https://graph.microsoft.com/v1.0; requests go to
``/me`` (or ``/users/<userPrincipalName>`` when the credential's ``useShared`` is on) with the
microsoftOutlookOAuth2Api token (refreshed once on 401).
v2: message send/get/getAll/reply/move/delete/update, draft create/send, folder create/getAll,
folderMessage getAll, event create/getAll/delete, contact create/getAll (simple/raw/fields
outputs, attachment downloads). v1: message send/get/getAll/reply/move/delete/update, draft
create/send, folderMessage getAll (v1 emits unpaired items and ``{error}`` items as n8n's v1 does).
"""

from __future__ import annotations

import copy
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Microsoft Outlook"
CREDENTIAL = "microsoftOutlookOAuth2Api"
_SIMPLE_MESSAGE = "id,conversationId,subject,bodyPreview,from,toRecipients,categories,hasAttachments"
_RECIPIENT_KEYS = ("bccRecipients", "ccRecipients", "replyTo", "sender", "toRecipients")


class _Graph:
    """Graph requests relative to the mailbox (``/me`` or a shared ``/users/<upn>``)."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = credential(ctx, CREDENTIAL) or {}
        root = base_url(ctx, "microsoft", "https://graph.microsoft.com/v1.0")
        if fields.get("useShared") and fields.get("userPrincipalName"):
            mailbox = f"{root}/users/{fields['userPrincipalName']}"
        else:
            mailbox = f"{root}/me"
        self.api = Api(ctx, mailbox, CREDENTIAL, fields=fields)

    def call(self, method: str, path: str, i: int, body: Any = None, qs: dict[str, Any] | None = None,
             url: str | None = None) -> Any:
        try:
            return self.api.call(method, path, i, body=body, qs=qs or None, url=url)
        except NodeApiError as exc:
            # n8n replaces a "Bad request" message by the API's own description.
            if exc.message.lower().startswith("bad request") and exc.description:
                exc.message, exc.description = exc.description, ""
            raise

    def all_items(self, prop: str, path: str, i: int, qs: dict[str, Any] | None = None) -> list[Any]:
        """Follow ``@odata.nextLink`` (the first request carries ``$top=100``)."""
        query = {**(qs or {}), "$top": 100}
        out: list[Any] = []
        next_link: str | None = None
        while True:
            page = self.call("GET", path, i, qs=None if next_link else query, url=next_link) or {}
            out.extend(page.get(prop) or [])
            next_link = page.get("@odata.nextLink")
            if next_link is None:
                return out

    def raw(self, path: str, i: int) -> Any:
        return self.api.response("GET", path, i)


def _recipient(email: Any) -> dict[str, Any]:
    return {"emailAddress": {"address": email}}


def create_message(fields: dict[str, Any]) -> dict[str, Any]:
    """n8n v2's createMessage: body object, custom headers and recipient lists for Graph."""
    fields = dict(fields)
    message: dict[str, Any] = {}
    if fields.get("bodyContent") or fields.get("bodyContentType"):
        message["body"] = {"content": fields.pop("bodyContent", None), "contentType": fields.pop("bodyContentType", None)}
        message["body"] = {k: v for k, v in message["body"].items() if v is not None}
    headers = fields.get("internetMessageHeaders")
    if isinstance(headers, dict) and "headers" in headers:
        fields["internetMessageHeaders"] = headers["headers"]
    for key, value in fields.items():
        if key in _RECIPIENT_KEYS:
            if isinstance(value, list):
                message[key] = [_recipient(v) for v in value]
            elif isinstance(value, str):
                message[key] = [_recipient(v.strip()) for v in value.split(",")]
            else:
                raise NodeError(f'The "{key}" field must be a string or an array of strings')
            continue
        if key == "from":
            if value:
                message[key] = _recipient(value)
            continue
        message[key] = value
    return message


def _create_message_v1(fields: dict[str, Any]) -> dict[str, Any]:
    """n8n v1's createMessage (no trimming; ``sender`` wrapped twice as v1 does)."""
    fields = dict(fields)
    message: dict[str, Any] = {}
    if fields.get("bodyContent") or fields.get("bodyContentType"):
        message["body"] = {k: v for k, v in (("content", fields.pop("bodyContent", None)),
                                             ("contentType", fields.pop("bodyContentType", None))) if v is not None}
    headers = fields.get("internetMessageHeaders")
    if isinstance(headers, dict) and "headers" in headers:
        fields["internetMessageHeaders"] = headers["headers"]
    for key in _RECIPIENT_KEYS:
        if isinstance(fields.get(key), list):
            fields[key] = [_recipient(v) for v in fields[key]]
        elif key in fields and fields[key] is not None:
            fields[key] = [_recipient(v) for v in str(fields[key]).split(",")]
    for key in ("from", "sender"):
        if key in fields and fields[key] is not None:
            fields[key] = _recipient(fields[key])
    message.update(fields)
    return message


def simplify_messages(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """n8n's simplifyOutputMessages."""
    out = []
    for row in rows:
        simple: dict[str, Any] = {k: row[k] for k in ("id", "conversationId", "subject", "bodyPreview") if k in row}
        sender = ((row.get("from") or {}).get("emailAddress") or {}).get("address")
        if sender is not None:
            simple["from"] = sender
        simple["to"] = [(r.get("emailAddress") or {}).get("address") for r in row.get("toRecipients") or []]
        simple.update({k: row[k] for k in ("categories", "hasAttachments") if k in row})
        out.append(simple)
    return out


def _id(ctx: NodeContext, name: str, i: int) -> str:
    value = resource_value(ctx.param(name, i, ""))
    return "" if value is None else str(value)


def _decode_id(value: str) -> str:
    return value.replace("%2F", "-").replace("%3D", "=").replace("%2B", "+")


def _attachments(ctx: NodeContext, item: dict[str, Any], spec: Any, i: int) -> list[dict[str, Any]]:
    out = []
    for attachment in (spec or {}).get("attachments") or []:
        prop = attachment.get("binaryPropertyName")
        if item.get("binary") is None:
            raise NodeError("No binary data exists on item!", item_index=i)
        entry = item["binary"].get(prop)
        if entry is None:
            raise NodeError(f'No binary data property "{prop}" does not exists on item!', item_index=i)
        data = binary.binary_bytes(entry)
        import base64

        out.append({"@odata.type": "#microsoft.graph.fileAttachment", "name": entry.get("fileName"),
                    "contentBytes": base64.b64encode(data).decode()})
    return out


def _download_attachments(graph: _Graph, rows: Any, prefix: str, i: int) -> list[dict[str, Any]]:
    rows = rows if isinstance(rows, list) else [rows]
    out = []
    for row in rows:
        element: dict[str, Any] = {"json": row}
        if row.get("hasAttachments") is True:
            files = {}
            attachments = graph.all_items("value", f"/messages/{row.get('id')}/attachments", i)
            for n, attachment in enumerate(attachments):
                response = graph.raw(f"/messages/{row.get('id')}/attachments/{attachment.get('id')}/$value", i)
                files[f"{prefix}{n}"] = binary.prepare_binary(response.content, attachment.get("name"),
                                                              attachment.get("contentType"))
            if files:
                element["binary"] = files
        out.append(element)
    return out


def _select(ctx: NodeContext, i: int, qs: dict[str, Any], simple: str, download: bool = False) -> str:
    output = ctx.param("output", i, "simple")
    if output == "fields":
        fields = list(ctx.param("fields", i, []) or [])
        if download:
            fields.append("hasAttachments")
        qs["$select"] = ",".join(fields)
    elif output == "simple":
        qs["$select"] = simple
    return output


def _filter_string(values: dict[str, Any]) -> str | None:
    """n8n's prepareFilterString for the message filters."""
    selected = values.get("filters") or {}
    parts: list[str] = []
    if selected.get("foldersToInclude"):
        parts.append(" or ".join(f"parentFolderId eq '{f}'" for f in selected["foldersToInclude"] if f != ""))
    for folder in selected.get("foldersToExclude") or []:
        parts.append(f"parentFolderId ne '{folder}'")
    if selected.get("sender"):
        sender = selected["sender"]
        parts.append(f"(from/emailAddress/address eq '{sender}' or from/emailAddress/name eq '{sender}')")
    if selected.get("hasAttachments"):
        parts.append(f"hasAttachments eq {str(selected['hasAttachments']).lower()}")
    if selected.get("readStatus") and selected["readStatus"] != "both":
        parts.append(f"isRead eq {'true' if selected['readStatus'] == 'read' else 'false'}")
    if selected.get("receivedAfter"):
        parts.append(f"receivedDateTime ge {selected['receivedAfter']}")
    if selected.get("receivedBefore"):
        parts.append(f"receivedDateTime le {selected['receivedBefore']}")
    if selected.get("custom"):
        parts.append(selected["custom"])
    return " and ".join(parts) if parts else None


def _list_messages(graph: _Graph, ctx: NodeContext, i: int, endpoint: str) -> Any:
    qs: dict[str, Any] = {}
    filters = (ctx.param("filtersUI", i, {}) or {}).get("values") or {}
    options = ctx.param("options", i, {}) or {}
    output = _select(ctx, i, qs, _SIMPLE_MESSAGE, bool(options.get("downloadAttachments")))
    if filters.get("filterBy") == "search" and filters.get("search") != "":
        qs["$search"] = f'"{filters.get("search")}"'
    if filters.get("filterBy") == "filters":
        text = _filter_string(filters)
        if text:
            qs["$filter"] = text
    if ctx.param("returnAll", i, False):
        rows = graph.all_items("value", endpoint, i, qs)
    else:
        qs["$top"] = ctx.param("limit", i, 100)
        rows = (graph.call("GET", endpoint, i, qs=qs) or {}).get("value") or []
    if output == "simple":
        rows = simplify_messages(rows)
    if options.get("downloadAttachments"):
        return _download_attachments(graph, rows, options.get("attachmentsPrefix") or "attachment_", i)
    return rows


# -- v2 operations ----------------------------------------------------------------------------


def _message_send(graph: _Graph, ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    extra = copy.deepcopy(ctx.param("additionalFields", i, {}) or {})
    extra["subject"] = ctx.param("subject", i, "")
    extra["bodyContent"] = ctx.param("bodyContent", i, "") or " "
    extra["toRecipients"] = ctx.param("toRecipients", i, "")
    save = extra.pop("saveToSentItems", True)
    attachments = extra.pop("attachments", None)
    message = create_message(extra)
    if attachments:
        message["attachments"] = _attachments(ctx, item, attachments, i)
    graph.call("POST", "/sendMail", i, {"message": message, "saveToSentItems": save})
    return {"success": True}


def _message_get(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    message_id = _id(ctx, "messageId", i)
    options = ctx.param("options", i, {}) or {}
    qs: dict[str, Any] = {}
    output = _select(ctx, i, qs, _SIMPLE_MESSAGE, bool(options.get("downloadAttachments")))
    data = graph.call("GET", f"/messages/{message_id}", i, qs=qs)
    if output == "simple":
        data = simplify_messages([data])
    if options.get("downloadAttachments"):
        rows = _download_attachments(graph, data, options.get("attachmentsPrefix") or "attachment_", i)
    else:
        rows = [{"json": row} for row in (data if isinstance(data, list) else [data])]
    mime = (options.get("getMimeContent") or {}).get("values")
    if mime and rows:
        response = graph.raw(f"/messages/{message_id}/$value", i)
        name = f"{mime.get('outputFileName') or message_id}.eml"
        rows[0]["binary"] = {**(rows[0].get("binary") or {}),
                             mime.get("binaryPropertyName") or "data": binary.prepare_binary(
                                 response.content, name, response.headers.get("content-type"))}
    return rows


def _message_update(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    message_id = _id(ctx, "messageId", i)
    fields = dict(ctx.param("updateFields", i, {}) or {})
    folder = fields.pop("folderId", None)
    folder_id = _decode_id(str(resource_value(folder) or "")) if folder is not None else ""
    data = None
    if folder_id:
        data = graph.call("POST", f"/messages/{message_id}/move", i, {"destinationId": folder_id})
        if not fields:
            return data
    body = create_message(fields)
    if not body:
        raise NodeError("No fields to update got specified", item_index=i)
    return graph.call("PATCH", f"/messages/{message_id}", i, body)


def _message_move(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    graph.call("POST", f"/messages/{_id(ctx, 'messageId', i)}/move", i, {"destinationId": _id(ctx, "folderId", i)})
    return {"success": True}


def _message_delete(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    graph.call("DELETE", f"/messages/{_id(ctx, 'messageId', i)}", i)
    return {"success": True}


def _message_reply(graph: _Graph, ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    message_id = _id(ctx, "messageId", i)
    text = ctx.param("message", i, "")
    save_as_draft = (ctx.param("options", i, {}) or {}).get("saveAsDraft", False)
    extra = dict(ctx.param("additionalFields", i, {}) or {}) if ctx.param("replyToSenderOnly", i, False) else {}
    body: dict[str, Any] = {}
    if not ctx.param("replyToSenderOnly", i, False):
        body["comment"] = text
        action = "createReplyAll"
    else:
        action = "createReply"
        fields = {k: v for k, v in extra.items() if k != "attachments"}
        fields["bodyContent"] = text
        body["message"] = create_message(fields)
    data = graph.call("POST", f"/messages/{message_id}/{action}", i, body) or {}
    for attachment in _attachments(ctx, item, extra.get("attachments"), i) if extra.get("attachments") else []:
        graph.call("POST", f"/messages/{data.get('id')}/attachments", i, attachment)
    if not save_as_draft:
        graph.call("POST", f"/messages/{data.get('id')}/send", i)
    return data


def _draft_create(graph: _Graph, ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    extra = copy.deepcopy(ctx.param("additionalFields", i, {}) or {})
    extra["subject"] = ctx.param("subject", i, "")
    extra["bodyContent"] = ctx.param("bodyContent", i, "") or " "
    attachments = extra.pop("attachments", None)
    body = create_message(extra)
    if attachments:
        body["attachments"] = _attachments(ctx, item, attachments, i)
    return graph.call("POST", "/messages", i, body)


def _draft_send(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    draft_id = _id(ctx, "draftId", i)
    to = ctx.param("to", i, "")
    if to:
        recipients = [s.strip() for s in str(to).split(",") if s.strip()]
        if recipients:
            graph.call("PATCH", f"/messages/{draft_id}", i, {"toRecipients": [_recipient(r) for r in recipients]})
    graph.call("POST", f"/messages/{draft_id}/send", i)
    return {"success": True}


def _folder_create(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    parent = _decode_id(str(resource_value((ctx.param("options", i, {}) or {}).get("folderId")) or ""))
    endpoint = f"/mailFolders/{parent}/childFolders" if parent else "/mailFolders"
    return graph.call("POST", endpoint, i, {"displayName": ctx.param("displayName", i, "")})


def _subfolders(graph: _Graph, folders: list[dict[str, Any]], i: int) -> list[dict[str, Any]]:
    out = list(folders)
    for folder in folders:
        if (folder.get("childFolderCount") or 0) > 0:
            children = (graph.call("GET", f"/mailFolders/{folder.get('id')}/childFolders", i) or {}).get("value") or []
            out.extend(_subfolders(graph, children, i))
    return out


def _folder_get_all(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    options = ctx.param("options", i, {}) or {}
    qs: dict[str, Any] = {}
    if options.get("fields"):
        qs["$select"] = ",".join(options["fields"])
    flt = (ctx.param("filters", i, {}) or {}).get("filter")
    if flt:
        qs["$filter"] = flt
    parent = str(resource_value(options.get("folderId")) or "")
    endpoint = f"/mailFolders/{parent}/childFolders" if parent else "/mailFolders"
    if ctx.param("returnAll", i, False):
        rows = graph.all_items("value", endpoint, i, qs)
    else:
        qs["$top"] = ctx.param("limit", i, 100)
        rows = (graph.call("GET", endpoint, i, qs=qs) or {}).get("value") or []
    if options.get("includeChildFolders"):
        rows = _subfolders(graph, rows, i)
    return rows


def _folder_messages(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    folder = _decode_id(_id(ctx, "folderId", i))
    return _list_messages(graph, ctx, i, f"/mailFolders/{folder}/messages")


def _messages_get_all(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    return _list_messages(graph, ctx, i, "/messages")


def _event_create(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    extra = dict(ctx.param("additionalFields", i, {}) or {})
    calendar = _id(ctx, "calendarId", i)
    if calendar == "":
        raise NodeError("Calendar ID is required", item_index=i)
    zone = extra.pop("timeZone", None) or "UTC"
    if extra.get("body"):
        extra["body"] = {"content": extra["body"], "contentType": "html"}
    start = ctx.param("startDateTime", i, "")
    end = ctx.param("endDateTime", i, "")
    if extra.get("isAllDay"):
        start, end = _all_day(str(start), str(end), zone)
    body = {"subject": ctx.param("subject", i, ""), "start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, **extra}
    return graph.call("POST", f"/calendars/{calendar}/events", i, body)


def _all_day(start: str, end: str, zone: str) -> tuple[str, str]:
    """Whole-day bounds as n8n computes them (start day; end = next day when shorter than 24h)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)

    def day(text: str) -> str:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        parsed = parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)
        return parsed.strftime("%Y-%m-%d")

    start_day, end_day = day(start), day(end)
    first = datetime.fromisoformat(start_day).replace(tzinfo=tz)
    # n8n diffs start - end (negative for a forward range), so the end is always moved to start + 24h.
    if (first - datetime.fromisoformat(end_day).replace(tzinfo=tz)).total_seconds() / 3600 < 24:
        shifted = first + timedelta(hours=24)
        end_day = shifted.isoformat(timespec="milliseconds")
    return start_day, end_day


def _event_get_all(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    qs: dict[str, Any] = {}
    _select(ctx, i, qs, "id,subject,bodyPreview,start,end,organizer,attendees,webLink")
    custom = (ctx.param("filters", i, {}) or {}).get("custom")
    if custom:
        qs["$filter"] = custom
    if ctx.param("fromAllCalendars", i, True):
        found = graph.call("GET", "/calendars", i, qs={"$select": "id"}) or {}
        calendars = [c.get("id") for c in found.get("value") or []]
    else:
        calendars = [_id(ctx, "calendarId", i)]
    limit = ctx.param("limit", i, 100)
    rows: list[Any] = []
    for calendar in calendars:
        endpoint = f"/calendars/{calendar}/events"
        if ctx.param("returnAll", i, False):
            rows.extend(graph.all_items("value", endpoint, i, qs))
        else:
            qs["$top"] = int(limit) - len(rows)
            if qs["$top"] <= 0:
                break
            rows.extend((graph.call("GET", endpoint, i, qs=qs) or {}).get("value") or [])
    return rows


def _event_delete(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    graph.call("DELETE", f"/calendar/events/{_decode_id(_id(ctx, 'eventId', i))}", i)
    return {"success": True}


def _contact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """n8n's prepareContactFields."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None or value == "":
            continue
        if key in ("businessPhones", "categories", "children", "homePhones", "imAddresses") \
                and not isinstance(value, list):
            out[key] = [v.strip() for v in str(value).split(",")]
            continue
        if key in ("businessAddress", "emailAddresses", "homePhones", "otherAddress"):
            if isinstance(value, dict) and value.get("values") is not None:
                out[key] = value["values"]
            continue
        out[key] = value
    return out


def _contact_create(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    body = {"givenName": ctx.param("givenName", i, ""), **_contact_fields(ctx.param("additionalFields", i, {}) or {})}
    surname = ctx.param("surname", i, "")
    if surname:
        body["surname"] = surname
    return graph.call("POST", "/contacts", i, body)


def _contact_get_all(graph: _Graph, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    qs: dict[str, Any] = {}
    _select(ctx, i, qs, "id,displayName,emailAddresses,businessPhones,mobilePhone")
    filters = ctx.param("filters", i, {}) or {}
    parts = []
    if filters.get("emailAddress"):
        parts.append(" and ".join(f"emailAddresses/any(a:a/address eq '{e.strip()}')"
                                  for e in str(filters["emailAddress"]).split(",")))
    if filters.get("custom"):
        parts.append(filters["custom"])
    if parts:
        qs["$filter"] = " and ".join(parts)
    if ctx.param("returnAll", i, False):
        return graph.all_items("value", "/contacts", i, qs)
    qs["$top"] = ctx.param("limit", i, 100)
    return (graph.call("GET", "/contacts", i, qs=qs) or {}).get("value")


V2_OPERATIONS = {
    ("message", "send"): _message_send, ("message", "get"): _message_get, ("message", "getAll"): _messages_get_all,
    ("message", "update"): _message_update, ("message", "move"): _message_move,
    ("message", "delete"): _message_delete, ("message", "reply"): _message_reply,
    ("draft", "create"): _draft_create, ("draft", "send"): _draft_send,
    ("folder", "create"): _folder_create, ("folder", "getAll"): _folder_get_all,
    ("folderMessage", "getAll"): _folder_messages,
    ("event", "create"): _event_create, ("event", "getAll"): _event_get_all, ("event", "delete"): _event_delete,
    ("contact", "create"): _contact_create, ("contact", "getAll"): _contact_get_all,
}
_V2_DEFAULT_OPERATION = {"message": "send", "draft": "create", "folder": "create", "messageAttachment": "add"}


def _v2(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, _V2_DEFAULT_OPERATION.get(resource, "getAll"))
    handler = V2_OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    graph = _Graph(ctx)
    return [per_item(ctx, lambda i, item: handler(graph, ctx, i, item))]


# -- v1 ----------------------------------------------------------------------------------------


def _v1_list(graph: _Graph, ctx: NodeContext, i: int, qs: dict[str, Any], endpoint: str) -> list[Any]:
    extra = ctx.param("additionalFields", i, {}) or {}
    if extra.get("fields"):
        qs["$select"] = extra["fields"]
    if extra.get("filter"):
        qs["$filter"] = extra["filter"]
    if ctx.param("returnAll", i, False):
        rows = graph.all_items("value", endpoint, i, qs)
    else:
        qs["$top"] = ctx.param("limit", i, 100)
        rows = (graph.call("GET", endpoint, i, qs=qs) or {}).get("value") or []
    prefix = extra.get("dataPropertyAttachmentsPrefixName")
    if prefix:
        return _download_attachments(graph, rows, prefix, i)
    return rows


def _v1_one(graph: _Graph, ctx: NodeContext, resource: str, operation: str, i: int, item: dict[str, Any],
            qs: dict[str, Any]) -> Any:
    p = ctx.param
    if resource == "message" and operation == "delete":
        graph.call("DELETE", f"/messages/{p('messageId', i, '')}", i)
        return {"success": True}
    if resource == "message" and operation == "get":
        extra = p("additionalFields", i, {}) or {}
        if extra.get("fields"):
            qs["$select"] = extra["fields"]
        if extra.get("filter"):
            qs["$filter"] = extra["filter"]
        data = graph.call("GET", f"/messages/{p('messageId', i, '')}", i, qs=qs)
        prefix = extra.get("dataPropertyAttachmentsPrefixName")
        return _download_attachments(graph, data, prefix, i) if prefix else data
    if resource == "message" and operation == "update":
        return graph.call("PATCH", f"/messages/{p('messageId', i, '')}", i,
                          _create_message_v1(p("updateFields", i, {}) or {}))
    if resource == "message" and operation == "move":
        graph.call("POST", f"/messages/{p('messageId', i, '')}/move", i, {"destinationId": p("folderId", i, "")})
        return {"success": True}
    if resource == "message" and operation == "getAll":
        return _v1_list(graph, ctx, i, qs, "/messages")
    if resource == "folderMessage" and operation == "getAll":
        return _v1_list(graph, ctx, i, qs, f"/mailFolders/{p('folderId', i, '')}/messages")
    if (resource == "message" and operation == "send") or (resource == "draft" and operation == "create"):
        extra = copy.deepcopy(p("additionalFields", i, {}) or {})
        extra["subject"] = p("subject", i, "")
        extra["bodyContent"] = p("bodyContent", i, "") or " "
        if resource == "message":
            extra["toRecipients"] = p("toRecipients", i, "")
        save = extra.pop("saveToSentItems", True) if resource == "message" else None
        attachments = extra.pop("attachments", None)
        message = _create_message_v1(extra)
        if attachments:
            message["attachments"] = _attachments(ctx, item, attachments, i)
        if resource == "draft":
            return graph.call("POST", "/messages", i, message)
        graph.call("POST", "/sendMail", i, {"message": message, "saveToSentItems": save})
        return {"success": True}
    if resource == "draft" and operation == "send":
        message_id = p("messageId", i, "")
        recipients = (p("additionalFields", i, {}) or {}).get("recipients")
        if recipients:
            emails = [r for r in str(recipients).split(",") if r]
            if emails:
                graph.call("PATCH", f"/messages/{message_id}", i, {"toRecipients": [_recipient(r) for r in emails]})
        graph.call("POST", f"/messages/{message_id}/send", i)
        return {"success": True}
    if resource == "message" and operation == "reply":
        extra = dict(p("additionalFields", i, {}) or {})
        body: dict[str, Any] = {"comment": p("comment", i, "")}
        reply_type = p("replyType", i, "reply")
        action = "createReplyAll" if reply_type == "replyAll" else "createReply"
        if reply_type != "replyAll":
            body["message"] = {k: v for k, v in _create_message_v1(extra).items() if k != "attachments"}
        data = graph.call("POST", f"/messages/{p('messageId', i, '')}/{action}", i, body) or {}
        for attachment in _attachments(ctx, item, extra.get("attachments"), i) if extra.get("attachments") else []:
            graph.call("POST", f"/messages/{data.get('id')}/attachments", i, attachment)
        if p("send", i, True):
            graph.call("POST", f"/messages/{data.get('id')}/send", i)
        return data
    raise unsupported(DISPLAY, resource, operation)


def _v1(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "message")
    operation = ctx.param("operation", 0, "send" if resource == "message" else "create")
    graph = _Graph(ctx)
    qs: dict[str, Any] = {}
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            result = _v1_one(graph, ctx, resource, operation, i, item, qs)
        except NodeError as exc:
            if ctx.continue_on_fail and "not supported yet" not in exc.message:
                out.append({"json": {"error": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        rows = result if isinstance(result, list) else [result]
        out.extend(row if isinstance(row, dict) and "json" in row else {"json": row} for row in rows)
    return [out]


@register("n8n-nodes-base.microsoftOutlook", versions=(1, 2), display_name="Microsoft Outlook")
@register("n8n-nodes-base.microsoftOutlookTool", versions=(2,), display_name="Microsoft Outlook Tool")
def microsoft_outlook(ctx: NodeContext) -> NodeOutput:
    return _v1(ctx) if ctx.node.type_version < 2 else _v2(ctx)
