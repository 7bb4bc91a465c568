"""Google Calendar (v1–1.3): event create/get/getAll/update/delete, calendar availability.

Not yet: ``nextOccurrence`` for recurring events (v < 1.3) and ``recurringEventHandling: next``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

VERSIONS = (1, 1.1, 1.2, 1.3)
_HAS_TZ = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def rl(value: Any) -> str:
    return str(value.get("value") or "") if isinstance(value, dict) else str(value or "")


def calendar_id(ctx: NodeContext, i: int) -> str:
    return quote(unquote(rl(ctx.param("calendar", i, ""))), safe="!~*'()")


def to_utc(value: Any, zone: str) -> str:
    """moment.tz(value, zone).utc().format(): ``YYYY-MM-DDTHH:mm:ssZ``."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(f"Invalid date: {text}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_zone(value: Any, zone: str) -> str:
    text = str(value)
    return text if _HAS_TZ.search(text) else to_utc(text, zone)


@register("n8n-nodes-base.googleCalendar", versions=VERSIONS, display_name="Google Calendar")
@register("n8n-nodes-base.googleCalendarTool", versions=VERSIONS, display_name="Google Calendar Tool")
def google_calendar(ctx: NodeContext) -> NodeOutput:
    api = GoogleApi(ctx, "googleCalendarOAuth2Api", "calendar")
    resource = ctx.param("resource", 0, "event")
    operation = ctx.param("operation", 0, "create" if resource == "event" else "availability")
    qs: dict[str, Any] = {}  # n8n shares the query object across items

    def one(i: int, _item: Item) -> list[Item]:
        result = _run(ctx, api, resource, operation, i, qs)
        return [{"json": r, "pairedItem": {"item": i}} for r in (result if isinstance(result, list) else [result])]

    return [per_item(ctx, one, error_index="always", ready=True)]


def _run(ctx: NodeContext, api: GoogleApi, resource: str, operation: str, i: int, qs: dict[str, Any]) -> Any:
    zone = ctx.timezone
    if resource == "calendar" and operation == "availability":
        cal = unquote(rl(ctx.param("calendar", i, "")))
        options = ctx.param("options", i, {}) or {}
        body = {"timeMin": to_utc(ctx.param("timeMin", i, ""), "UTC"), "timeMax": to_utc(ctx.param("timeMax", i, ""), "UTC"),
                "items": [{"id": cal}], "timeZone": rl(options.get("timezone")) or zone}
        data = api.json("POST", "/calendar/v3/freeBusy", body=body, item_index=i)
        entry = (data.get("calendars") or {}).get(cal) or {}
        if entry.get("errors"):
            raise NodeError(str(entry["errors"]), item_index=i)
        fmt = options.get("outputFormat") or "availability"
        if fmt == "availability":
            return {"available": not entry.get("busy")}
        return entry.get("busy") or [] if fmt == "bookedSlots" else data
    if resource != "event":
        raise not_supported(ctx, "Google Calendar", resource, operation)
    cal = calendar_id(ctx, i)
    base = f"/calendar/v3/calendars/{cal}/events"
    if operation == "create":
        fields = ctx.param("additionalFields", i, {}) or {}
        for key in ("maxAttendees", "sendNotifications", "sendUpdates"):
            if fields.get(key):
                qs[key] = fields[key]
        body = _event_body(ctx, i, fields, zone, ctx.param("start", i, ""), ctx.param("end", i, ""))
        if not ctx.param("useDefaultReminders", i, True):
            body["reminders"] = {"useDefault": False}
            reminders = (ctx.param("remindersUi", i, {}) or {}).get("remindersValues")
            if reminders:
                body["reminders"]["overrides"] = reminders
        return api.json("POST", base, body=body, params=dict(qs), item_index=i)
    if operation == "delete":
        options = ctx.param("options", i, {}) or {}
        if options.get("sendUpdates"):
            qs["sendUpdates"] = options["sendUpdates"]
        api.json("DELETE", f"{base}/{ctx.param('eventId', i, '')}", item_index=i)
        return {"success": True}
    if operation == "get":
        options = ctx.param("options", i, {}) or {}
        if options.get("maxAttendees"):
            qs["maxAttendees"] = options["maxAttendees"]
        if rl(options.get("timeZone")):
            qs["timeZone"] = rl(options.get("timeZone"))
        return api.json("GET", f"{base}/{ctx.param('eventId', i, '')}", params=dict(qs), item_index=i)
    if operation == "getAll":
        return _get_all(ctx, api, base, i, qs, zone)
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        event_id = ctx.param("eventId", i, "")
        body = _event_body(ctx, i, fields, zone, fields.get("start"), fields.get("end"), update=True)
        return api.json("PATCH", f"{base}/{event_id}", body=body, params=dict(qs), item_index=i)
    raise not_supported(ctx, "Google Calendar", resource, operation)


def _event_body(ctx: NodeContext, i: int, fields: dict[str, Any], zone: str, start: Any, end: Any,
                update: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if start:
        body["start"] = {"dateTime": to_utc(start, zone), "timeZone": zone}
    if end:
        body["end"] = {"dateTime": to_utc(end, zone), "timeZone": zone}
    attendees = fields.get("attendees")
    if attendees:
        values = attendees if isinstance(attendees, list) else [attendees]
        body["attendees"] = [{"email": a.strip()} for entry in values for a in str(entry).split(",")]
    mapping = {"color": "colorId", "description": "description", "guestsCanInviteOthers": "guestsCanInviteOthers",
               "guestsCanModify": "guestsCanModify", "guestsCanSeeOtherGuests": "guestsCanSeeOtherGuests",
               "id": "id", "location": "location", "summary": "summary", "showMeAs": "transparency",
               "visibility": "visibility"}
    for key, target in mapping.items():
        if fields.get(key):
            body[target] = fields[key]
    if fields.get("allday") == "yes":
        if start:
            body["start"] = {"date": to_utc(start, zone)[:10]}
        if end:
            body["end"] = {"date": to_utc(end, zone)[:10]}
    if not update:
        body["recurrence"] = []
    rule = []
    if fields.get("rrule"):
        body["recurrence"] = [f"RRULE:{fields['rrule']}"]
    else:
        if fields.get("repeatHowManyTimes") and fields.get("repeatUntil"):
            raise ctx.error("You can set either 'Repeat How Many Times' or 'Repeat Until' but not both", i)
        if fields.get("repeatFrecuency"):
            rule.append(f"FREQ={str(fields['repeatFrecuency']).upper()};")
        if fields.get("repeatHowManyTimes"):
            rule.append(f"COUNT={fields['repeatHowManyTimes']};")
        if fields.get("repeatUntil"):
            rule.append(f"UNTIL={to_utc(fields['repeatUntil'], 'UTC').replace('-', '').replace(':', '')}")
        if rule:
            body["recurrence"] = [f"RRULE:{''.join(rule)}"]
    return body


def _get_all(ctx: NodeContext, api: GoogleApi, base: str, i: int, qs: dict[str, Any], zone: str) -> list[Any]:
    options = ctx.param("options", i, {}) or {}
    tz = rl(options.get("timeZone")) or zone
    if ctx.node.type_version >= 1.3:
        for key in ("timeMin", "timeMax"):
            value = ctx.param(key, i, "")
            if value:
                qs[key] = with_zone(value, tz)
        if options.get("recurringEventHandling", "expand") == "expand":
            qs["singleEvents"] = True
    simple = {"iCalUID": "iCalUID", "maxAttendees": "maxAttendees", "orderBy": "orderBy", "query": "q",
              "showDeleted": "showDeleted", "showHiddenInvitations": "showHiddenInvitations",
              "singleEvents": "singleEvents", "fields": "fields"}
    for key, target in simple.items():
        if options.get(key):
            qs[target] = options[key]
    for key in ("timeMax", "timeMin", "updatedMin"):
        if options.get(key):
            qs[key] = with_zone(options[key], tz)
    if rl(options.get("timeZone")):
        qs["timeZone"] = rl(options.get("timeZone"))
    if ctx.param("returnAll", i, False):
        events = api.all_items("items", "GET", base, params=dict(qs), item_index=i)
    else:
        qs["maxResults"] = ctx.param("limit", i, 50)
        events = api.json("GET", base, params=dict(qs), item_index=i).get("items") or []
    if ctx.node.type_version >= 1.3 and options.get("recurringEventHandling") == "first":
        events = [e for e in events if not (e.get("recurrence") and e.get("created") and (
            (qs.get("timeMin") and e["created"] < qs["timeMin"]) or (qs.get("timeMax") and e["created"] > qs["timeMax"])))]
    return events
