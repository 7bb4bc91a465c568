"""SendGrid (n8n-nodes-base.sendGrid v1): contacts, lists and mail over the SendGrid v3 API.

Base: configured ``sendgrid`` base URL, else https://api.sendgrid.com/v3; sendGridApi (bearer
``apiKey``). Everything the node has is supported:

- contact/upsert: ONE ``PUT /marketing/contacts`` for all input items (``{list_ids, contacts}``,
  list ids from the last item that sets them); the answer (``{job_id}``) is pushed as a bare item,
  as n8n's node does (``returnData.push(responseData)``), and an error becomes one unpaired
  ``{json: {error}}`` item under continue-on-fail;
- contact/get by id (``GET /marketing/contacts/<id>``) or email (``POST /marketing/contacts/search``
  with ``email LIKE '<email>' ``, first result); contact/getAll (``GET /marketing/contacts``, or the
  search endpoint with ``filters.query``), contact/delete (``ids``, ``delete_all_contacts``);
- list/create, get (``contact_sample``), getAll, update (PATCH), delete (``delete_contacts``,
  ``{success: true}``);
- mail/send: ``POST /mail/send`` (personalizations, dynamic templates, base64 attachments, cc/bcc,
  headers, categories, ip pool, reply-to list, ``send_at`` in the workflow's time zone); output
  ``{messageId}`` from the ``X-Message-Id`` header.

Query parameters are shared by all items of a run, as n8n's ``qs`` object is (once an item sets
``delete_all_contacts`` it stays set). Paging (getAll): n8n 1.121's ``sendGridApiRequestAllItems``
never uses the ``_metadata.next`` URL it reads, so it requests the first page again forever when
the API reports another page; this engine fails with a clear error in that case instead of
hanging. A search by email with no match gives an item with empty json (n8n's ``{json: undefined}``).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "SendGrid"
#: additionalFields of contact/upsert -> contact keys (after the address lines)
_CONTACT_FIELDS = (("city", "city"), ("country", "country"), ("firstName", "first_name"),
                   ("lastName", "last_name"), ("postalCode", "postal_code"),
                   ("stateProvinceRegion", "state_province_region"))


class SendGrid:
    """The node's requests: ``sendGridApiRequest`` and ``sendGridApiRequestAllItems``."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.api = Api(ctx, base_url(ctx, "sendgrid", "https://api.sendgrid.com/v3"), "sendGridApi")
        #: n8n's ``qs``: one object for the whole run
        self.qs: dict[str, Any] = {}

    def call(self, endpoint: str, method: str, i: int, body: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, endpoint, i, body=body or None, qs=self.qs)

    def all_items(self, endpoint: str, method: str, i: int, body: dict[str, Any] | None = None) -> list[Any]:
        data = self.call(endpoint, method, i, body)
        metadata = data.get("_metadata") if isinstance(data, dict) else None
        if not isinstance(metadata, dict):
            raise NodeError("Cannot read properties of undefined (reading 'next')", item_index=i)
        if metadata.get("next") is not None:
            raise NodeError("SendGrid: the API reports more pages, which this node cannot read",
                            description="n8n's SendGrid node re-requests the first page forever when a "
                                        "'_metadata.next' page exists (it never follows that URL).",
                            item_index=i)
        rows = data.get("result")
        return list(rows) if isinstance(rows, list) else []


def _limited(ctx: NodeContext, i: int, rows: list[Any]) -> list[Any]:
    if ctx.param("returnAll", i, False):
        return rows
    return rows[: int(ctx.param("limit", i, 100) or 0)]


# -- contact ----------------------------------------------------------------------------------------

def _truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays are truthy even when empty)."""
    return isinstance(value, dict | list) or bool(value)


def _member(value: Any, key: str, i: int) -> Any:
    """``value[key]`` where n8n reads a property of a possibly undefined object."""
    if not isinstance(value, dict):
        raise NodeError(f"Cannot read properties of undefined (reading '{key}')", item_index=i)
    return value.get(key)


def _contact(ctx: NodeContext, i: int) -> tuple[dict[str, Any], bool, Any]:
    """One contact of an upsert, whether it sets list ids, and those ids."""
    fields = ctx.param("additionalFields", i, {}) or {}
    contact: dict[str, Any] = {"email": ctx.param("email", i, "")}
    if _truthy(fields.get("addressUi")):
        address = fields["addressUi"].get("addressValues")
        line1, line2 = _member(address, "address1", i), address.get("address2")
        if line2:
            contact["address_line_2"] = line2
        if line1 is not None:  # undefined is dropped by JSON.stringify
            contact["address_line_1"] = line1
    for name, key in _CONTACT_FIELDS:
        if fields.get(name):
            contact[key] = fields[name]
    if fields.get("alternateEmails"):
        emails = [mail for mail in str(fields["alternateEmails"]).split(",") if mail]
        if emails:
            contact["alternate_emails"] = emails
    sets_lists = _truthy(fields.get("listIdsUi"))
    lists = _member(fields["listIdsUi"].get("listIdValues"), "listIds", i) if sets_lists else None
    if _truthy(fields.get("customFieldsUi")):
        custom = fields["customFieldsUi"].get("customFieldValues")
        if custom:
            contact["custom_fields"] = {str(entry.get("fieldId")): entry.get("fieldValue") for entry in custom}
    return contact, sets_lists, lists


def _upsert(ctx: NodeContext, sg: SendGrid) -> list[dict[str, Any]]:
    try:
        contacts: list[dict[str, Any]] = []
        lists: Any = None
        for i in range(len(ctx.input(0))):
            contact, sets_lists, item_lists = _contact(ctx, i)
            if sets_lists:
                lists = item_lists
            contacts.append(contact)
        body: dict[str, Any] = {"contacts": contacts} if lists is None else {"list_ids": lists, "contacts": contacts}
        data = sg.call("/marketing/contacts", "PUT", 0, body)
    except NodeError as exc:
        if ctx.continue_on_fail:
            return [{"json": {"error": exc.message}}]
        raise
    return [data] if isinstance(data, dict) else [{"json": data}]


def _contact_get(ctx: NodeContext, sg: SendGrid, i: int, by: str) -> Any:
    if by == "id":
        data = sg.call(f"/marketing/contacts/{ctx.param('contactId', i, '')}", "GET", i)
    else:
        query = f"email LIKE '{ctx.param('email', i, '')}' "
        data = sg.call("/marketing/contacts/search", "POST", i, {"query": query})
    if isinstance(data, dict) and _truthy(data.get("result")):
        data = data["result"]
    if isinstance(data, list):
        data = data[0] if data else {}
    return data


def _contact_get_all(ctx: NodeContext, sg: SendGrid, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    if filters.get("query"):
        rows = sg.all_items("/marketing/contacts/search", "POST", i, {"query": filters["query"]})
    else:
        rows = sg.all_items("/marketing/contacts", "GET", i)
    return _limited(ctx, i, rows)


def _contact_delete(ctx: NodeContext, sg: SendGrid, i: int) -> Any:
    if ctx.param("deleteAll", i, False):
        sg.qs["delete_all_contacts"] = "true"
    sg.qs["ids"] = "".join(str(ctx.param("ids", i, "")).split())
    return sg.call("/marketing/contacts", "DELETE", i)


# -- list -------------------------------------------------------------------------------------------

def _list_get(ctx: NodeContext, sg: SendGrid, i: int) -> Any:
    sg.qs["contact_sample"] = ctx.param("contactSample", i, False)
    return sg.call(f"/marketing/lists/{ctx.param('listId', i, '')}", "GET", i)


def _list_delete(ctx: NodeContext, sg: SendGrid, i: int) -> Any:
    sg.qs["delete_contacts"] = ctx.param("deleteContacts", i, False)
    sg.call(f"/marketing/lists/{ctx.param('listId', i, '')}", "DELETE", i)
    return {"success": True}


# -- mail -------------------------------------------------------------------------------------------

def _emails(text: Any) -> list[dict[str, str]]:
    return [{"email": entry.strip()} for entry in str(text).split(",")]


def _unix(ctx: NodeContext, value: Any, i: int) -> int:
    """``moment.tz(sendAt, timezone).unix()``."""
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise NodeError(f"Invalid date: {value}", item_index=i) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(ctx.timezone))
    return int(parsed.timestamp() // 1)


def _attachments(item: dict[str, Any], names: str, i: int) -> list[dict[str, Any]]:
    out = []
    for prop in (name.strip() for name in names.split(",")):
        data, meta = binary_bytes(item, prop, i)
        out.append({"content": base64.b64encode(data).decode(), "filename": meta.get("fileName") or "unknown",
                    "type": meta.get("mimeType")})
    return out


def _mail_body(ctx: NodeContext, i: int, item: dict[str, Any]) -> dict[str, Any]:
    to = str(ctx.param("toEmail", i, ""))
    extra = ctx.param("additionalFields", i, {}) or {}
    personalization: dict[str, Any] = {"to": _emails(to) if "," in to else [{"email": to.strip()}]}
    body: dict[str, Any] = {"personalizations": [personalization],
                            "from": {"email": str(ctx.param("fromEmail", i, "")).strip(),
                                     "name": ctx.param("fromName", i, "")},
                            "mail_settings": {"sandbox_mode": {"enable": extra.get("enableSandbox") or False}}}
    if ctx.param("dynamicTemplate", i, False):
        body["template_id"] = ctx.param("templateId", i, [])
        fields = (ctx.param("dynamicTemplateFields", i, {}) or {}).get("fields")
        if fields:
            personalization["dynamic_template_data"] = {str(f.get("key")): f.get("value") for f in fields}
    else:
        personalization["subject"] = ctx.param("subject", i, "")
        body["content"] = [{"type": ctx.param("contentType", i, "text/plain"),
                            "value": ctx.param("contentValue", i, "")}]
    if extra.get("attachments"):
        files = _attachments(item, str(extra["attachments"]), i)
        if files:
            body["attachments"] = files
    if extra.get("bccEmail"):
        personalization["bcc"] = _emails(extra["bccEmail"])
    if extra.get("ccEmail"):
        personalization["cc"] = _emails(extra["ccEmail"])
    headers = extra.get("headers")
    if headers is not None:
        if not isinstance(headers, dict) or not isinstance(headers.get("details"), list):
            raise NodeError("Cannot read properties of undefined (reading 'length')", item_index=i)
        if headers["details"]:
            body["headers"] = {str(h.get("key")): h.get("value") for h in headers["details"]}
    if extra.get("categories"):
        body["categories"] = str(extra["categories"]).split(",")
    if extra.get("ipPoolName"):
        body["ip_pool_name"] = extra["ipPoolName"]
    if extra.get("sendAt"):
        personalization["send_at"] = _unix(ctx, extra["sendAt"], i)
    if extra.get("replyToEmail"):
        body["reply_to_list"] = _emails(extra["replyToEmail"])
    return body


def _mail_send(ctx: NodeContext, sg: SendGrid, i: int, item: dict[str, Any]) -> Any:
    response = sg.api.response("POST", "/mail/send", i, body=_mail_body(ctx, i, item), qs=sg.qs)
    decode(response)
    message_id = response.headers.get("x-message-id")
    return {} if message_id is None else {"messageId": message_id}


_OPERATIONS = {
    ("contact", "getAll"): lambda ctx, sg, i, item: _contact_get_all(ctx, sg, i),
    ("contact", "delete"): lambda ctx, sg, i, item: _contact_delete(ctx, sg, i),
    ("list", "getAll"): lambda ctx, sg, i, item: _limited(ctx, i, sg.all_items("/marketing/lists", "GET", i)),
    ("list", "get"): lambda ctx, sg, i, item: _list_get(ctx, sg, i),
    ("list", "create"): lambda ctx, sg, i, item: sg.call("/marketing/lists", "POST", i,
                                                         {"name": ctx.param("name", i, "")}),
    ("list", "delete"): lambda ctx, sg, i, item: _list_delete(ctx, sg, i),
    ("list", "update"): lambda ctx, sg, i, item: sg.call(f"/marketing/lists/{ctx.param('listId', i, '')}", "PATCH",
                                                         i, {"name": ctx.param("name", i, "")}),
    ("mail", "send"): _mail_send,
}
_DEFAULT_OPERATION = {"contact": "upsert", "list": "create", "mail": "send"}


@register("n8n-nodes-base.sendGrid", versions=(1,), display_name="SendGrid")
@register("n8n-nodes-base.sendGridTool", versions=(1,), display_name="SendGrid Tool")
def send_grid(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "list")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    if (resource, operation) == ("contact", "upsert"):
        return [_upsert(ctx, SendGrid(ctx))]
    if (resource, operation) == ("contact", "get"):
        sg, by = SendGrid(ctx), ctx.param("by", 0, "id")
        return [per_item(ctx, lambda i, _item: _contact_get(ctx, sg, i, by))]
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    sg = SendGrid(ctx)
    return [per_item(ctx, lambda i, item: handler(ctx, sg, i, item))]
