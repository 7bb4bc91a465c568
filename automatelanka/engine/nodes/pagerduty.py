"""PagerDuty (n8n-nodes-base.pagerDuty v1): incidents, incident notes, log entries and users (REST v2).

Base: configured ``pagerDuty`` base URL, else https://api.pagerduty.com; every request carries
``Accept: application/vnd.pagerduty+json;version=2``. ``authentication: apiToken`` (the default) uses
pagerDutyApi (``Authorization: Token token=<apiToken>``); any other value uses pagerDutyOAuth2Api
(bearer), as n8n's ``pagerDutyApiRequest`` does. Supported, as in n8n 1.121:

- incident create/get/getAll/update (create/update send ``From: <email>``; the output is
  ``responseData.incident``; getAll's options are snake-cased, comma lists split, arrays sent as
  ``key[]=v``);
- incidentNote create (the whole answer, ``{note: ...}``)/getAll;
- logEntry get/getAll; user get.

returnAll pages with ``limit=100`` and ``offset`` 0, 1, 2, ... while ``more`` is true (n8n adds one to
the offset per page); otherwise ``limit`` (default 100) is sent and the list is returned. Every
resource/operation of the node is covered; anything else fails with "not supported yet".
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "PagerDuty"
_ACCEPT = "application/vnd.pagerduty+json;version=2"
_DEFAULT_OPERATION = {"incident": "create", "incidentNote": "create", "logEntry": "get", "user": "get"}


def _snake(key: str) -> str:
    """change-case's ``snakeCase`` for the camelCase option names of this node."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


class _PagerDuty:
    """``pagerDutyApiRequest`` / ``pagerDutyApiRequestAllItems`` bound to the node's credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.oauth2 = ctx.param("authentication", 0, "apiToken") != "apiToken"
        self._api: Api | None = None

    def _client(self) -> Api:
        """The REST client, built at the first request (credential errors belong to that item)."""
        if self._api is None:
            base = base_url(self.ctx, "pagerDuty", "https://api.pagerduty.com")
            if self.oauth2:
                self._api = Api(self.ctx, base, "pagerDutyOAuth2Api", headers={"Accept": _ACCEPT})
            else:
                token = str((credential(self.ctx, "pagerDutyApi") or {}).get("apiToken") or "")
                self._api = Api(self.ctx, base, None, headers={"Accept": _ACCEPT},
                                auth={"header": ("Authorization", f"Token token={token}")})
        return self._api

    def call(self, method: str, path: str, i: int, *, body: Any = None, qs: Any = None,
             email: Any = None) -> Any:
        extra: dict[str, Any] = {"headers": {"From": str(email)}} if email is not None else {}
        return self._client().call(method, path, i, body=body or None, qs=_brackets(qs or {}), **extra)

    def all_items(self, prop: str, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        query = {**qs, "limit": 100, "offset": 0}
        rows: list[Any] = []
        while True:
            data = self.call("GET", path, i, qs=query)
            query["offset"] += 1
            rows.extend(_prop(data, prop) or [])
            if not _prop(data, "more"):
                return rows


def _prop(data: Any, key: str) -> Any:
    """``responseData[key]`` (``None`` when the answer is not an object)."""
    return data.get(key) if isinstance(data, dict) else None


def _brackets(qs: dict[str, Any]) -> list[tuple[str, Any]]:
    """qs ``arrayFormat: brackets``: ``{a: [1, 2]}`` -> ``a[]=1&a[]=2``."""
    pairs: list[tuple[str, Any]] = []
    for key, value in qs.items():
        if isinstance(value, list):
            pairs.extend((f"{key}[]", v) for v in value)
        else:
            pairs.append((key, value))
    return pairs


def _list_or_limit(pd: _PagerDuty, ctx: NodeContext, prop: str, path: str, i: int, qs: dict[str, Any]) -> Any:
    if ctx.param("returnAll", 0, False):
        return pd.all_items(prop, path, i, qs)
    return _prop(pd.call("GET", path, i, qs={**qs, "limit": ctx.param("limit", 0, 100)}), prop)


def _conference_bridge(ctx: NodeContext, i: int) -> dict[str, Any] | None:
    bridge = (ctx.param("conferenceBridgeUi", i, {}) or {}).get("conferenceBridgeValues")
    if not bridge:
        return None
    return {k: v for k, v in (("conference_number", bridge.get("conferenceNumber")),
                              ("conference_url", bridge.get("conferenceUrl"))) if v is not None}


def _reference(fields: dict[str, Any], name: str, key: str, kind: str, body: dict[str, Any]) -> None:
    if fields.get(name):
        body[key] = {"id": fields[name], "type": kind}


def _details(fields: dict[str, Any], body: dict[str, Any]) -> None:
    if fields.get("details"):
        body["body"] = {"type": "incident_body", "details": fields["details"]}


def _incident_create(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    email = ctx.param("email", i, "")
    bridge = _conference_bridge(ctx, i)
    body: dict[str, Any] = {"type": "incident", "title": ctx.param("title", i, ""),
                            "service": {"id": ctx.param("serviceId", i, ""), "type": "service_reference"}}
    _details(fields, body)
    _reference(fields, "priorityId", "priority", "priority_reference", body)
    _reference(fields, "escalationPolicyId", "escalation_policy", "escalation_policy_reference", body)
    if fields.get("urgency"):
        body["urgency"] = fields["urgency"]
    if fields.get("incidentKey"):
        body["incident_key"] = fields["incidentKey"]
    if bridge is not None:
        body["conference_bridge"] = bridge
    data = pd.call("POST", "/incidents", i, body={"incident": body}, email=email)
    return _prop(data, "incident")


def _incident_update(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    incident_id = ctx.param("incidentId", i, "")
    email = ctx.param("email", i, "")
    bridge = _conference_bridge(ctx, i)
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {"type": "incident"}
    if fields.get("title"):
        body["title"] = fields["title"]
    if fields.get("escalationLevel"):
        body["escalation_level"] = fields["escalationLevel"]
    _details(fields, body)
    _reference(fields, "priorityId", "priority", "priority_reference", body)
    _reference(fields, "escalationPolicyId", "escalation_policy", "escalation_policy_reference", body)
    for name in ("urgency", "resolution", "status"):
        if fields.get(name):
            body[name] = fields[name]
    if bridge is not None:
        body["conference_bridge"] = bridge
    data = pd.call("PUT", f"/incidents/{incident_id}", i, body={"incident": body}, email=email)
    return _prop(data, "incident")


def _incident_get_all(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    options = dict(ctx.param("options", 0, {}) or {})
    for name in ("userIds", "teamIds"):
        if options.get(name):
            options[name] = str(options[name]).split(",")
    if options.get("include"):
        options["include"] = [_snake(str(v)) for v in options["include"]]
    qs = {_snake(k): v for k, v in options.items()}
    return _list_or_limit(pd, ctx, "incidents", "/incidents", i, qs)


def _get(path: str, id_param: str, prop: str):
    def run(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
        return _prop(pd.call("GET", f"{path}/{ctx.param(id_param, i, '')}", i), prop)
    return run


def _note_create(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    incident_id = ctx.param("incidentId", i, "")
    body = {"note": {"content": ctx.param("content", i, "")}}
    return pd.call("POST", f"/incidents/{incident_id}/notes", i, body=body, email=ctx.param("email", i, ""))


def _note_get_all(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    return _list_or_limit(pd, ctx, "notes", f"/incidents/{ctx.param('incidentId', i, '')}/notes", i, {})


def _log_entry_get_all(pd: _PagerDuty, ctx: NodeContext, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    qs = {_snake(k): v for k, v in options.items()}
    return _list_or_limit(pd, ctx, "log_entries", "/log_entries", i, qs)


_OPERATIONS = {
    ("incident", "create"): _incident_create,
    ("incident", "get"): _get("/incidents", "incidentId", "incident"),
    ("incident", "getAll"): _incident_get_all,
    ("incident", "update"): _incident_update,
    ("incidentNote", "create"): _note_create,
    ("incidentNote", "getAll"): _note_get_all,
    ("logEntry", "get"): _get("/log_entries", "logEntryId", "log_entry"),
    ("logEntry", "getAll"): _log_entry_get_all,
    ("user", "get"): _get("/users", "userId", "user"),
}


@register("n8n-nodes-base.pagerDuty", versions=(1,), display_name="PagerDuty")
@register("n8n-nodes-base.pagerDutyTool", versions=(1,), display_name="PagerDuty Tool")
def pager_duty(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "incident")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    pd = _PagerDuty(ctx)
    return [per_item(ctx, lambda i, _item: handler(pd, ctx, i))]
