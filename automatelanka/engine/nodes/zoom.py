"""Zoom (n8n-nodes-base.zoom v1): meetings over the Zoom API v2.

Base: configured ``zoom`` base URL, else https://api.zoom.us/v2. ``authentication`` ``accessToken``
(the default) uses zoomApi (``Authorization: Bearer <accessToken>``); any other value (n8n tests
``=== 'accessToken'``) uses zoomOAuth2Api. Every request carries ``Content-Type: application/json``;
an empty body or query is not sent.

Supported, as n8n's node does them (resource ``meeting``, the only one n8n offers):

- create: ``POST /users/me/meetings`` (``settings`` mapped to snake_case; ``startTime`` is
  ``moment(startTime).format('YYYY-MM-DDTHH:mm:ss')`` when a time zone is set, else
  ``moment.tz(startTime, <workflow zone>).format()``; the server's local time is UTC);
- get: ``GET /meetings/{id}`` (``show_previous_occurrences``, ``occurrence_id``);
- getAll: ``GET /users/me/meetings`` with ``type``; without returnAll one request with
  ``page_size=<limit>`` answering ``meetings``; with returnAll ``page_number`` from 0 until the
  answer's ``page_count`` equals its ``page_number`` (1 s apart, Zoom's free-plan rate limit);
  unlike n8n, paging also stops on a page without meetings (n8n would request forever);
- update: ``PATCH /meetings/{id}`` and delete: ``DELETE /meetings/{id}`` answer ``{success: true}``.

Under continue-on-fail a failing item becomes n8n's ``{json: {}, error: <message>, itemIndex: i}``.
Other resources/operations fail with "not supported yet".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.date_time import parse_js_date

DISPLAY = "Zoom"
#: Seconds between pages of getAll with returnAll (n8n waits 1 s; tests set 0).
PAGE_WAIT = 1.0
_HEADERS = {"Content-Type": "application/json"}
#: settings option -> API key, in n8n's order
_SETTINGS = (("cnMeeting", "cn_meeting"), ("inMeeting", "in_meeting"), ("joinBeforeHost", "join_before_host"),
             ("muteUponEntry", "mute_upon_entry"), ("watermark", "watermark"), ("audio", "audio"),
             ("alternativeHosts", "alternative_hosts"), ("participantVideo", "participant_video"),
             ("hostVideo", "host_video"), ("autoRecording", "auto_recording"),
             ("registrationType", "registration_type"))


def _truthy(value: Any) -> bool:
    """JavaScript truthiness (``{}`` and ``[]`` are true)."""
    return True if isinstance(value, dict | list) else bool(value)


def moment_parse(value: Any, zone: ZoneInfo | None) -> datetime | None:
    """``moment(value)`` (``zone=None``: local time, UTC) or ``moment.tz(value, zone)``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        ms = parse_js_date(text)  # moment's fallback to new Date(): an instant
        return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone or UTC)
    return parsed


def moment_local_format(value: Any) -> str:
    """``moment(value).format('YYYY-MM-DDTHH:mm:ss')`` on a server whose local time is UTC."""
    parsed = moment_parse(value, None)
    return "Invalid date" if parsed is None else parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def moment_tz_format(value: Any, zone_name: str) -> str:
    """``moment.tz(value, zone).format()``: ``YYYY-MM-DDTHH:mm:ss±HH:MM`` (``Z`` at offset 0)."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    parsed = moment_parse(value, zone)
    if parsed is None:
        return "Invalid date"
    local = parsed.astimezone(zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0:
        suffix = "Z"
    else:
        sign = "+" if minutes > 0 else "-"
        suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + suffix


def _settings(fields: dict[str, Any]) -> dict[str, Any]:
    settings = fields.get("settings") or {}
    return {key: settings[name] for name, key in _SETTINGS if isinstance(settings, dict) and _truthy(settings.get(name))}


def _meeting_body(fields: dict[str, Any], topic: Any, start_time: Callable[[Any], Any]) -> dict[str, Any]:
    """The create/update body in n8n's key order (``topic`` is None on update)."""
    body: dict[str, Any] = {}
    if _truthy(fields.get("settings")):
        body["settings"] = _settings(fields)
    if topic is not None:
        body["topic"] = topic
    elif _truthy(fields.get("topic")):
        body["topic"] = fields["topic"]
    if _truthy(fields.get("type")):
        body["type"] = fields["type"]
    if _truthy(fields.get("startTime")):
        body["start_time"] = start_time(fields["startTime"])
    for name, key in (("duration", "duration"), ("scheduleFor", "schedule_for"), ("timeZone", "timezone"),
                      ("password", "password"), ("agenda", "agenda")):
        if _truthy(fields.get(name)):
            body[key] = fields[name]
    return body


class _Zoom:
    """One node run: the API client and the operations."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        kind = ctx.param("authentication", 0, "accessToken")
        cred = "zoomApi" if kind == "accessToken" else "zoomOAuth2Api"
        base = base_url(ctx, "zoom", "https://api.zoom.us/v2")
        if cred == "zoomApi":
            fields = credential(ctx, cred) or {}
            self.api = Api(ctx, base, cred, fields=fields, auth={"bearer": fields.get("accessToken", "")},
                           headers=_HEADERS)
        else:
            self.api = Api(ctx, base, cred, headers=_HEADERS)

    def request(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
                qs: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, path, i, body=body or None, qs=qs or None)

    def create(self, i: int) -> Any:
        fields = self.ctx.param("additionalFields", i, {}) or {}
        zone = self.ctx.timezone

        def start_time(value: Any) -> str:
            return moment_local_format(value) if _truthy(fields.get("timeZone")) else moment_tz_format(value, zone)

        body = _meeting_body(fields, self.ctx.param("topic", i, ""), start_time)
        return self.request("POST", "/users/me/meetings", i, body)

    def update(self, i: int) -> Any:
        meeting = js_string(self.ctx.param("meetingId", i, ""))
        fields = self.ctx.param("updateFields", i, {}) or {}
        self.request("PATCH", f"/meetings/{meeting}", i, _meeting_body(fields, None, lambda v: v))
        return {"success": True}

    def get(self, i: int) -> Any:
        meeting = js_string(self.ctx.param("meetingId", i, ""))
        fields = self.ctx.param("additionalFields", i, {}) or {}
        qs: dict[str, Any] = {}
        if _truthy(fields.get("showPreviousOccurrences")):
            qs["show_previous_occurrences"] = fields["showPreviousOccurrences"]
        if _truthy(fields.get("occurrenceId")):
            qs["occurrence_id"] = fields["occurrenceId"]
        return self.request("GET", f"/meetings/{meeting}", i, qs=qs)

    def delete(self, i: int) -> Any:
        meeting = js_string(self.ctx.param("meetingId", i, ""))
        fields = self.ctx.param("additionalFields", i, {}) or {}
        qs: dict[str, Any] = {}
        if _truthy(fields.get("scheduleForReminder")):
            qs["schedule_for_reminder"] = fields["scheduleForReminder"]
        if _truthy(fields.get("occurrenceId")):
            qs["occurrence_id"] = fields["occurrenceId"]
        self.request("DELETE", f"/meetings/{meeting}", i, qs=qs)
        return {"success": True}

    def get_all(self, i: int) -> Any:
        filters = self.ctx.param("filters", i, {}) or {}
        qs: dict[str, Any] = {}
        if _truthy(filters.get("type")):
            qs["type"] = filters["type"]
        if self.ctx.param("returnAll", i, False):
            return self._all_pages("meetings", "/users/me/meetings", i, qs)
        qs["page_size"] = self.ctx.param("limit", i, 30)
        data = self.request("GET", "/users/me/meetings", i, qs=qs)
        return data.get("meetings") if isinstance(data, dict) else None

    def _all_pages(self, prop: str, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """n8n's ``zoomApiRequestAllItems``: ``page_number`` from 0 until page_count == page_number."""
        rows: list[Any] = []
        qs["page_number"] = 0
        while True:
            data = self.request("GET", path, i, qs=qs)
            qs["page_number"] += 1
            page = data.get(prop) if isinstance(data, dict) else None
            if isinstance(page, list):
                rows.extend(page)
            if PAGE_WAIT:
                time.sleep(PAGE_WAIT)
            if not isinstance(data, dict) or data.get("page_count") == data.get("page_number") or not page:
                return rows


_OPERATIONS = {"create": _Zoom.create, "update": _Zoom.update, "get": _Zoom.get, "delete": _Zoom.delete,
               "getAll": _Zoom.get_all}


@register("n8n-nodes-base.zoom", versions=(1,), display_name="Zoom")
@register("n8n-nodes-base.zoomTool", versions=(1,), display_name="Zoom Tool")
def zoom(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "meeting")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource == "meeting" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    out: list[dict[str, Any]] = []
    client: _Zoom | None = None
    for i, _item in enumerate(ctx.input(0)):
        try:
            client = client or _Zoom(ctx)
            result = handler(client, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {}, "error": exc.message, "itemIndex": i})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result) if result is not None else []:
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
