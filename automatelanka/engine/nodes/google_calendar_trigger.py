"""Google Calendar Trigger (n8n-nodes-base.googleCalendarTrigger v1): polls Calendar v3 events.

Every ``triggerOn`` n8n has: ``eventCreated``, ``eventUpdated``, ``eventCancelled`` (events listed
with ``updatedMin=<last check>&orderBy=updated``, ``showDeleted`` only for cancelled) and
``eventStarted``, ``eventEnded`` (``singleEvents=true&timeMin=<last check>&timeMax=<now>&orderBy=
startTime``); the ``matchTerm`` option is sent as ``q``. Requests go to
``/calendar/v3/calendars/<calendarId>/events`` with the googleCalendarOAuth2Api token (base:
configured ``google`` URL, else https://www.googleapis.com).

- outside manual mode: every page (``maxResults=100``, ``pageToken``), then n8n's filters: created
  strictly inside (last check, now); updated/cancelled: ``created`` and ``updated`` differ at
  second precision (cancelled: and ``status == "cancelled"``); started/ended: ``start.dateTime`` /
  ``end.dateTime`` inside [last check, now]. The cursor ``lastTimeChecked`` (``YYYY-MM-DDTHH:mm:ssZ``)
  moves to now after every successful poll; an API error raises and leaves it;
- manual mode: the first event only (``maxResults=1``, no time window, no filter); none raises
  "No data with the current filter could be found".

Missing poll times, event or calendar fail with n8n's messages. Items are unpaired
(``returnJsonArray``). Nothing is unsupported in this node's parameters.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleCalendarTrigger"
#: The ``id`` mode's extractValue regex (an email address).
_ID_REGEX = r"(^[a-zA-Z0-9.!#$%&’*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)"
_CHANGE_EVENTS = ("eventCreated", "eventUpdated", "eventCancelled")
_TIME_EVENTS = ("eventStarted", "eventEnded")


def moment_utc(moment: datetime) -> str:
    """``moment(x).utc().format()``: ``YYYY-MM-DDTHH:mm:ssZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(value: Any, now: datetime) -> datetime | None:
    """``moment(value)``: ``undefined`` is now, an unparsable value is an invalid date (None)."""
    if value is None:
        return now
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def calendar_id(ctx: NodeContext) -> str:
    """``getNodeParameter('calendarId', '', {extractValue: true})`` encoded once, as n8n does."""
    value = ctx.param("calendarId", 0, "")
    if isinstance(value, dict):
        text = "" if value.get("value") is None else str(value.get("value"))
        if value.get("mode") == "id" and text:
            match = re.search(_ID_REGEX, text)
            if match is None:
                raise NodeError("ERROR: Calendar parameter's value is invalid. This is likely because the URL "
                                "entered is incorrect", description="Please check the URL provided for Calendar")
            text = match.group(1)
    else:
        text = "" if value is None else str(value)
    return quote(unquote(text), safe="!~*'()")


@register(NODE_TYPE, versions=(1,), trigger=True, inputs=0, display_name="Google Calendar Trigger")
def google_calendar_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


def _check(ctx: NodeContext, trigger_on: str, calendar: str) -> None:
    poll_times = ctx.param("pollTimes", 0, {"item": [{"mode": "everyMinute"}]}) or {}
    if not (poll_times.get("item") if isinstance(poll_times, dict) else None):
        raise NodeError("Please set a poll time")
    if trigger_on == "":
        raise NodeError("Please select an event")
    if calendar == "":
        raise NodeError("Please select a calendar")


def _query(trigger_on: str, match_term: str, start_raw: str, start: datetime | None, end: str) -> dict[str, Any]:
    """n8n's query: ``updatedMin`` is the stored cursor as is, ``timeMin`` it reformatted."""
    qs: dict[str, Any] = {"showDeleted": False}
    if match_term != "":
        qs["q"] = match_term
    if trigger_on in _CHANGE_EVENTS:
        qs.update({"updatedMin": start_raw, "orderBy": "updated", "showDeleted": trigger_on == "eventCancelled"})
    elif trigger_on in _TIME_EVENTS:
        time_min = moment_utc(start) if start is not None else "Invalid date"
        qs.update({"singleEvents": True, "timeMin": time_min, "timeMax": end, "orderBy": "startTime"})
    return qs


def _second(moment: datetime | None) -> str:
    """``moment(x).format('YYYY-MM-DDTHH:mm:ss')`` for comparing (an invalid date prints as such)."""
    return "Invalid date" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _filter(events: list[Any], trigger_on: str, start: datetime | None, end: datetime) -> list[Any]:
    """n8n's client-side filters of a (non-manual) poll (an invalid cursor date matches no time)."""
    def at(event: Any, key: str) -> datetime | None:
        return parse_moment(event.get(key), datetime.now(UTC))

    if trigger_on == "eventCreated":
        return [e for e in events if start is not None and (m := at(e, "created")) is not None and start < m < end]
    if trigger_on in ("eventUpdated", "eventCancelled"):
        events = [e for e in events if _second(at(e, "created")) != _second(at(e, "updated"))]
        if trigger_on == "eventCancelled":
            events = [e for e in events if e.get("status") == "cancelled"]
        return events
    if trigger_on in _TIME_EVENTS:
        key = "start" if trigger_on == "eventStarted" else "end"
        kept = []
        for event in events:
            moment = parse_moment((event.get(key) or {}).get("dateTime"), datetime.now(UTC))
            if start is not None and moment is not None and start <= moment <= end:
                kept.append(event)
        return kept
    return events


@poller(NODE_TYPE)
def poll_calendar(ctx: NodeContext) -> list[Item] | None:
    """Events created/updated/cancelled/started/ended since ``lastTimeChecked`` (n8n's poll)."""
    trigger_on = ctx.param("triggerOn", 0, "") or ""
    calendar = calendar_id(ctx)
    static = node_static(ctx)
    match_term = (ctx.param("options", 0, {}) or {}).get("matchTerm", "")
    _check(ctx, trigger_on, calendar)
    end_moment = datetime.now(UTC).replace(microsecond=0)
    end = moment_utc(end_moment)
    start_raw = static.get("lastTimeChecked") or end
    start_moment = parse_moment(start_raw, end_moment)
    qs = _query(trigger_on, match_term or "", start_raw, start_moment, end)
    api = GoogleApi(ctx, "googleCalendarOAuth2Api", "calendar")
    api.auth = "oAuth2"
    path = f"/calendar/v3/calendars/{calendar}/events"
    manual = ctx.state.mode == "manual"
    if manual:
        for key in ("updatedMin", "timeMin", "timeMax"):
            qs.pop(key, None)
        qs["maxResults"] = 1
        events = api.json("GET", path, params=qs).get("items") or []
    else:
        events = _filter(api.all_items("items", "GET", path, params=qs), trigger_on, start_moment, end_moment)
    static["lastTimeChecked"] = end
    if events:
        return [{"json": event} for event in events]
    if manual:
        message = "No data with the current filter could be found"
        raise NodeApiError(message, description=message)
    return None
