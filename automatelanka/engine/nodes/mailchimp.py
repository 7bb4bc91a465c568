"""Mailchimp (n8n-nodes-base.mailchimp v1): members, member tags, list groups and campaigns (API 3.0).

Auth (``authentication``): ``apiKey`` (default) uses mailchimpApi, ``Authorization: apikey <key>``
against ``https://<dc>.api.mailchimp.com/3.0`` where ``<dc>`` is the key's part after the last ``-``
(a key without ``-`` fails with "The API key is not valid!"); any other value uses
mailchimpOAuth2Api: every request first reads the account's ``api_endpoint`` from the credential's
``metadataUrl`` (``Authorization: OAuth <token>``), then sends ``Bearer <token>`` to
``<api_endpoint>/3.0``. A configured ``mailchimp`` base URL replaces the API base in both modes.

Supported, as n8n 1.121 does them (including its quirks: the query object is shared by all items
of a run, ``listId`` is sent in member bodies, timestamps use moment's ``YYYY-MM-DD HH:MM:SS``,
campaign ``excludeFields`` fails with a TypeError, getAll with returnAll pages by offset/count 500
until an empty page):

- member: create, delete, get, getAll, update;
- memberTag: create, delete;
- listGroup: getAll;
- campaign: delete, get, getAll, replicate, resend, send.

The Mailchimp Trigger node is not implemented here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, oauth2_token, request
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Mailchimp"
HOST = "api.mailchimp.com/3.0"
METADATA_URL = "https://login.mailchimp.com/oauth2/metadata"
#: GenericFunctions' campaignFieldsMetadata (what ``fields: ['*']`` asks for).
CAMPAIGN_FIELDS_ALL = (
    "*", "campaigns.id", "campaigns.web_id", "campaigns.type", "campaigns.create_time", "campaigns.archive_url",
    "campaigns.long_archive_url", "campaigns.status", "campaigns.emails_sent", "campaigns.send_time",
    "campaigns.content_type", "campaigns.needs_block_refresh", "campaigns.resendable", "campaigns.recipients",
    "campaigns.recipients.list_id", "campaigns.recipients.list_is_active", "campaigns.recipients.list_name",
    "campaigns.recipients.segment_text", "campaigns.recipients.recipient_count", "campaigns.settings",
    "campaigns.settings.subject_line", "campaigns.settings.preview_text", "campaigns.settings.title",
    "campaigns.settings.from_name", "campaigns.settings.reply_to", "campaigns.settings.use_conversation",
    "campaigns.settings.to_name", "campaigns.settings.folder_id", "campaigns.settings.authenticate",
    "campaigns.settings.auto_footer", "campaigns.settings.inline_css", "campaigns.settings.auto_tweet",
    "campaigns.settings.fb_comments", "campaigns.settings.timewarp", "campaigns.settings.template_id",
    "campaigns.settings.drag_and_drop", "campaigns.tracking", "campaigns.tracking.opens",
    "campaigns.tracking.html_clicks", "campaigns.tracking.text_clicks", "campaigns.tracking.goal_tracking",
    "campaigns.tracking.ecomm360", "campaigns.tracking.google_analytics", "campaigns.tracking.clicktale",
    "campaigns.report_summary", "campaigns.report_summary.opens", "campaigns.report_summary.unique_opens",
    "campaigns.report_summary.open_rate", "campaigns.report_summary.clicks",
    "campaigns.report_summary.subscriber_clicks", "campaigns.report_summary.click_rate",
    "campaigns.report_summary.click_rate.ecommerce", "campaigns.report_summary.click_rate.ecommerce.total_orders",
    "campaigns.report_summary.click_rate.ecommerce.total_spent",
    "campaigns.report_summary.click_rate.ecommerce.total_revenue",
    "campaigns.report_summary.delivery_status.enabled", "campaigns._links",
)
CAMPAIGN_FIELDS_DEFAULT = ("campaigns.id", "campaigns.status", "campaigns.tracking", "campaigns.settings.from_name",
                           "campaigns.settings.title", "campaigns.settings.reply_to")
#: option name -> member body key (create options and update fields)
_MEMBER_FIELDS = (("emailType", "email_type"), ("language", "language"), ("vip", "vip"),
                  ("ipSignup", "ip_signup"), ("ipOptIn", "ip_opt"))


class _Mailchimp:
    """n8n's ``mailchimpApiRequest`` / ``mailchimpApiRequestAllItems`` for one run."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.oauth = ctx.param("authentication", 0, "apiKey") != "apiKey"
        #: n8n declares ``qs`` once per execution: options of one item stay for the next ones.
        self.qs: dict[str, Any] = {}

    def _api(self, i: int) -> Api:
        headers = {"Accept": "application/json"}
        if not self.oauth:
            key = str((credential(self.ctx, "mailchimpApi") or {}).get("apiKey") or "")
            if "-" not in key:
                raise NodeError("The API key is not valid!", item_index=i)
            base = base_url(self.ctx, "mailchimp", f"https://{key.split('-')[-1]}.{HOST}")
            return Api(self.ctx, base, auth={"header": ("Authorization", f"apikey {key}")}, headers=headers)
        fields = credential(self.ctx, "mailchimpOAuth2Api") or {}
        meta = decode(request(self.ctx, "GET", str(fields.get("metadataUrl") or METADATA_URL), item_index=i,
                              headers={"Accept": "application/json",
                                       "Authorization": f"OAuth {oauth2_token(fields)}"}))
        endpoint = meta.get("api_endpoint") if isinstance(meta, dict) else None
        base = base_url(self.ctx, "mailchimp", f"{endpoint}/3.0")
        return Api(self.ctx, base, "mailchimpOAuth2Api", fields=fields, headers=headers)

    def call(self, endpoint: str, method: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        return self._api(i).call(method, endpoint, i, body=body or None, qs=dict(qs) if qs else None)

    def all_items(self, endpoint: str, prop: str, i: int) -> list[Any]:
        qs = self.qs
        qs["offset"] = 0
        qs["count"] = 500
        rows: list[Any] = []
        while True:
            data = self.call(endpoint, "GET", i, qs=qs)
            page = data.get(prop) if isinstance(data, dict) else None
            if isinstance(page, list):
                rows.extend(page)
            qs["offset"] += qs["count"]
            if not page:
                return rows

    def page(self, endpoint: str, prop: str, i: int, limit_default: int) -> Any:
        """returnAll: every page; else one request with ``count=limit`` and its ``prop``."""
        if self.ctx.param("returnAll", i, False):
            return self.all_items(endpoint, prop, i)
        self.qs["count"] = self.ctx.param("limit", i, limit_default)
        data = self.call(endpoint, "GET", i, qs=self.qs)
        return data.get(prop) if isinstance(data, dict) else None


# -- helpers ------------------------------------------------------------------------------------

def _truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays are true even when empty)."""
    if isinstance(value, dict | list):
        return True
    if isinstance(value, float) and value != value:
        return False
    return bool(value)


def _parse_float(value: Any) -> float | None:
    """JS ``parseFloat`` (NaN as ``None``, which JSON sends as ``null``)."""
    match = re.match(r"\s*([+-]?(?:Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))", str(value))
    if not match or "Infinity" in match.group(1):
        return None
    number = float(match.group(1))
    return int(number) if number.is_integer() else number


def _validate_json(value: Any) -> Any:
    """GenericFunctions' ``validateJSON``: the parsed value, or ``''`` when it does not parse."""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        return ""
    try:
        return json.loads(value)
    except ValueError:
        return ""


def _moment(value: Any) -> str:
    """``moment(value).format('YYYY-MM-DD HH:MM:SS')`` (n8n's format: MM is the month, SS centiseconds)."""
    from automatelanka.engine.luxon_format import LDateTime
    from automatelanka.engine.nodes.date_time import moment_format, parse_js_date

    if isinstance(value, int | float) and not isinstance(value, bool):
        ms: float | None = float(value)
    else:
        ms = parse_js_date(str(value))
    if ms is None or ms != ms:
        return "Invalid date"
    return moment_format(LDateTime(ms), "YYYY-MM-DD HH:MM:SS")


def _member_fields(body: dict[str, Any], fields: dict[str, Any]) -> None:
    for name, key in _MEMBER_FIELDS:
        if _truthy(fields.get(name)):
            body[key] = fields[name]
    for name, key in (("timestampOpt", "timestamp_opt"), ("timestampSignup", "timestamp_signup")):
        if _truthy(fields.get(name)):
            body[key] = _moment(fields[name])


def _ui_fields(body: dict[str, Any], location: Any, merge: Any, groups: Any) -> None:
    """Location, merge fields and groups from the fixed collections (UI mode)."""
    values = (location or {}).get("locationFieldsValues") if isinstance(location, dict) else None
    if _truthy(values):
        body["location"] = {key: _parse_float(values[key]) for key in values if key in ("latitude", "longitude")}
    rows = (merge or {}).get("mergeFieldsValues") if isinstance(merge, dict) else None
    if _truthy(rows):
        body["merge_fields"] = {str(row.get("name")): row.get("value") for row in rows or []}
    rows = (groups or {}).get("groupsValues") if isinstance(groups, dict) else None
    if _truthy(rows):
        body["interests"] = {str(row.get("categoryFieldId")): row.get("value", False) for row in rows or []}


def _json_fields(ctx: NodeContext, body: dict[str, Any], i: int) -> None:
    for param, key in (("locationJson", "location"), ("mergeFieldsJson", "merge_fields"), ("groupJson", "interests")):
        value = _validate_json(ctx.param(param, i, ""))
        if _truthy(value):
            body[key] = value


# -- member -------------------------------------------------------------------------------------

def _member_create(m: _Mailchimp, i: int) -> Any:
    ctx = m.ctx
    list_id = ctx.param("list", i, "")
    body: dict[str, Any] = {"listId": list_id, "email_address": ctx.param("email", i, ""),
                            "status": ctx.param("status", i, "")}
    options = ctx.param("options", i, {}) or {}
    _member_fields(body, options)
    if _truthy(options.get("tags")):
        body["tags"] = str(options["tags"]).split(",")
    if not ctx.param("jsonParameters", i, False):
        _ui_fields(body, ctx.param("locationFieldsUi", i, {}), ctx.param("mergeFieldsUi", i, {}),
                   ctx.param("groupsUi", i, {}))
    else:
        _json_fields(ctx, body, i)
    return m.call(f"/lists/{list_id}/members", "POST", i, body=body)


def _member_update(m: _Mailchimp, i: int) -> Any:
    ctx = m.ctx
    list_id = ctx.param("list", i, "")
    email = ctx.param("email", i, "")
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {"listId": list_id, "email_address": email}
    if _truthy(fields.get("skipMergeValidation")):
        m.qs["skip_merge_validation"] = fields["skipMergeValidation"]  # set, but n8n does not send it
    if _truthy(fields.get("status")):
        body["status"] = fields["status"]
    _member_fields(body, fields)
    if not ctx.param("jsonParameters", i, False):
        _ui_fields(body, fields.get("locationFieldsUi"), fields.get("mergeFieldsUi"), fields.get("groupsUi"))
    else:
        _json_fields(ctx, body, i)
    return m.call(f"/lists/{list_id}/members/{email}", "PUT", i, body=body)


def _member_delete(m: _Mailchimp, i: int) -> Any:
    path = f"/lists/{m.ctx.param('list', i, '')}/members/{m.ctx.param('email', i, '')}/actions/delete-permanent"
    m.call(path, "POST", i)
    return {"success": True}


def _member_get(m: _Mailchimp, i: int) -> Any:
    options = m.ctx.param("options", i, {}) or {}
    for name, key in (("fields", "fields"), ("excludeFields", "exclude_fields")):
        if _truthy(options.get(name)):
            m.qs[key] = options[name]
    path = f"/lists/{m.ctx.param('list', i, '')}/members/{m.ctx.param('email', i, '')}"
    return m.call(path, "GET", i, qs=m.qs)


def _member_get_all(m: _Mailchimp, i: int) -> Any:
    list_id = m.ctx.param("list", i, "")
    options = m.ctx.param("options", i, {}) or {}
    for name, key in (("beforeLastChanged", "before_last_changed"), ("beforeTimestampOpt", "before_timestamp_opt"),
                      ("emailType", "email_type"), ("status", "status"), ("sinceLastChanged", "since_last_changed")):
        if _truthy(options.get(name)):
            m.qs[key] = options[name]
    return m.page(f"/lists/{list_id}/members", "members", i, 500)


# -- memberTag, listGroup -----------------------------------------------------------------------

def _member_tag(status: str):
    def run(m: _Mailchimp, i: int) -> Any:
        ctx = m.ctx
        list_id, email = ctx.param("list", i, ""), ctx.param("email", i, "")
        tags = ctx.param("tags", i, []) or []
        options = ctx.param("options", i, {}) or {}
        body: dict[str, Any] = {"tags": []}
        if _truthy(options.get("isSyncing")):
            body["is_syncing"] = options["isSyncing"]
        body["tags"] = [{"name": tag, "status": status} for tag in (list(tags) if isinstance(tags, str | list) else [])]
        m.call(f"/lists/{list_id}/members/{email}/tags", "POST", i, body=body)
        return {"success": True}
    return run


def _list_group_get_all(m: _Mailchimp, i: int) -> Any:
    path = f"/lists/{m.ctx.param('list', i, '')}/interest-categories/{m.ctx.param('groupCategory', i, '')}/interests"
    return m.page(path, "interests", i, 500)


# -- campaign -----------------------------------------------------------------------------------

def _campaign_get_all(m: _Mailchimp, i: int) -> Any:
    options = m.ctx.param("options", i, {}) or {}
    qs = m.qs
    for name, key in (("status", "status"), ("beforeCreateTime", "before_create_time"),
                      ("beforeSendTime", "before_send_time")):
        if _truthy(options.get(name)):
            qs[key] = options[name]
    if _truthy(options.get("excludeFields")):
        # n8n reads ``options.exclude_fields`` here, which is never set.
        raise NodeError("Cannot read properties of undefined (reading 'join')", item_index=i)
    fields = options.get("fields")
    if _truthy(fields):
        if not isinstance(fields, list):
            raise NodeError("options.fields.join is not a function", item_index=i)
        qs["fields"] = ",".join(CAMPAIGN_FIELDS_ALL if "*" in fields else (str(f) for f in fields))
    else:
        qs["fields"] = ",".join(CAMPAIGN_FIELDS_DEFAULT)
    for name, key in (("listId", "list_id"), ("sinceCreateTime", "since_create_time"),
                      ("sinceSendTime", "since_send_time"), ("sortDirection", "sort_dir"),
                      ("sortField", "sort_field")):
        if _truthy(options.get(name)):
            qs[key] = options[name]
    return m.page("/campaigns", "campaigns", i, 10)


def _campaign(method: str, suffix: str, success: bool):
    def run(m: _Mailchimp, i: int) -> Any:
        data = m.call(f"/campaigns/{m.ctx.param('campaignId', i, '')}{suffix}", method, i)
        return {"success": True} if success else data
    return run


_OPERATIONS = {
    ("member", "create"): _member_create, ("member", "delete"): _member_delete, ("member", "get"): _member_get,
    ("member", "getAll"): _member_get_all, ("member", "update"): _member_update,
    ("memberTag", "create"): _member_tag("active"), ("memberTag", "delete"): _member_tag("inactive"),
    ("listGroup", "getAll"): _list_group_get_all,
    ("campaign", "getAll"): _campaign_get_all, ("campaign", "send"): _campaign("POST", "/actions/send", True),
    ("campaign", "get"): _campaign("GET", "", False), ("campaign", "delete"): _campaign("DELETE", "", True),
    ("campaign", "replicate"): _campaign("POST", "/actions/replicate", False),
    ("campaign", "resend"): _campaign("POST", "/actions/create-resend", False),
}
_DEFAULT_OPERATION = {"member": "create", "memberTag": "create", "listGroup": "getAll", "campaign": "getAll"}


@register("n8n-nodes-base.mailchimp", versions=(1,), display_name="Mailchimp")
@register("n8n-nodes-base.mailchimpTool", versions=(1,), display_name="Mailchimp Tool")
def mailchimp(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "member")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Mailchimp(ctx)
    # n8n pushes ``{json: {error}}`` without pairedItem for a failed item under continueOnFail.
    return [per_item(ctx, lambda i, _item: handler(client, i), pair_errors=False)]
