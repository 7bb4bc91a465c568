"""Schedule triggers: rules to cron, next fire times, and firing each tick exactly once.

Every rule (Schedule Trigger ``rule.interval[]`` entry or Cron node ``triggerTimes.item[]``) is
reduced to a six-field cron expression, seconds first, evaluated with croniter in the workflow's
timezone (``settings.timezone``, else the configured default). ``fire_due`` claims each tick
with ``UPDATE schedules SET next_fire_at = :next WHERE id = :id AND next_fire_at = :expected`` so
two schedulers on one database fire it once. Ticks missed while no scheduler ran are skipped
(``catch_up=False``, the default) instead of replayed in a burst.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from sqlalchemy import Connection, Engine

from automatelanka.services import limits
from automatelanka.services.execution import writing
from automatelanka.services.limits import PlanLimitExceeded
from automatelanka.store.repositories import schedules as repo
from automatelanka.store.types import utcnow

SCHEDULE_TYPE = "n8n-nodes-base.scheduleTrigger"
CRON_TYPE = "n8n-nodes-base.cron"
#: A tick found this late (a scheduler was down) counts as missed.
GRACE = timedelta(seconds=60)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def schedule_rule_cron(rule: dict[str, Any]) -> str:
    """One ``rule.interval[]`` entry of a Schedule Trigger as ``sec min hour dom month dow``."""
    kind = rule.get("field") or "days"
    minute = _int(rule.get("triggerAtMinute"), 0)
    hour = _int(rule.get("triggerAtHour"), 0)
    if kind == "seconds":
        return f"*/{max(1, _int(rule.get('secondsInterval'), 30))} * * * * *"
    if kind == "minutes":
        return f"0 */{max(1, _int(rule.get('minutesInterval'), 5))} * * * *"
    if kind == "hours":
        return f"0 {minute} */{max(1, _int(rule.get('hoursInterval'), 1))} * * *"
    if kind == "days":
        return f"0 {minute} {hour} */{max(1, _int(rule.get('daysInterval'), 1))} * *"
    if kind == "weeks":
        days = rule.get("triggerAtDay")
        days = days if isinstance(days, list) and days else [0]
        return f"0 {minute} {hour} * * {','.join(str(_int(d, 0) % 7) for d in days)}"
    if kind == "months":
        dom = _int(rule.get("triggerAtDayOfMonth"), 1)
        return f"0 {minute} {hour} {dom} */{max(1, _int(rule.get('monthsInterval'), 1))} *"
    if kind == "cronExpression":
        return normalize_cron(str(rule.get("expression") or ""))
    raise ValueError(f"unknown schedule interval {kind!r}")


def cron_item_cron(item: dict[str, Any]) -> str:
    """One ``triggerTimes.item[]`` entry of the legacy Cron node."""
    mode = item.get("mode") or "everyDay"
    hour, minute = _int(item.get("hour"), 14), _int(item.get("minute"), 0)
    if mode == "everyMinute":
        return "0 * * * * *"
    if mode == "everyHour":
        return f"0 {minute} * * * *"
    if mode == "everyDay":
        return f"0 {minute} {hour} * * *"
    if mode == "everyWeek":
        return f"0 {minute} {hour} * * {_int(item.get('weekday'), 1)}"
    if mode == "everyMonth":
        return f"0 {minute} {hour} {_int(item.get('dayOfMonth'), 1)} * *"
    if mode == "everyX":
        value = max(1, _int(item.get("value"), 2))
        return f"0 */{value} * * * *" if item.get("unit", "hours") == "minutes" else f"0 0 */{value} * * *"
    if mode == "custom":
        return normalize_cron(str(item.get("cronExpression") or ""))
    raise ValueError(f"unknown cron mode {mode!r}")


def normalize_cron(expression: str) -> str:
    """A 5-field (minute first) or 6-field (seconds first, as n8n) cron expression as 6 fields."""
    fields = expression.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ValueError(f"invalid cron expression {expression!r}: expected 5 or 6 fields")
    normalized = " ".join(fields)
    if not croniter.is_valid(normalized, second_at_beginning=True):
        raise ValueError(f"invalid cron expression {expression!r}")
    return normalized


def rules_of(definition: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """``(node_name, rule_index, cron, node_type)`` for every enabled schedule/cron node."""
    out = []
    for node in definition.get("nodes") or []:
        if not isinstance(node, dict) or node.get("disabled"):
            continue
        params = node.get("parameters") or {}
        if node.get("type") == SCHEDULE_TYPE:
            entries = ((params.get("rule") or {}).get("interval")) or [{"field": "days"}]
            for i, entry in enumerate(entries):
                out.append((node["name"], i, schedule_rule_cron(entry or {}), SCHEDULE_TYPE))
        elif node.get("type") == CRON_TYPE:
            entries = ((params.get("triggerTimes") or {}).get("item")) or []
            for i, entry in enumerate(entries):
                out.append((node["name"], i, cron_item_cron(entry or {}), CRON_TYPE))
    return out


def workflow_timezone(definition: dict[str, Any], default: str) -> str:
    zone = (definition.get("settings") or {}).get("timezone")
    name = zone if isinstance(zone, str) and zone and zone != "DEFAULT" else default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
    return name


def next_fire(cron: str, timezone: str, after: datetime) -> datetime:
    """The first tick strictly after ``after``, in UTC, computed in ``timezone``."""
    start = after.astimezone(ZoneInfo(timezone))
    return croniter(cron, start, second_at_beginning=True).get_next(datetime).astimezone(after.tzinfo)


def register(conn: Connection, workflow: dict[str, Any], *, default_timezone: str = "UTC",
             now: datetime | None = None) -> list[dict[str, Any]]:
    """Store the workflow's schedules with their next tick (replacing any previous ones)."""
    now = now or utcnow()
    timezone = workflow_timezone(workflow["definition"], default_timezone)
    rules = [{"node_name": node, "rule_index": index, "timezone": timezone,
              "rule": {"cron": cron, "type": node_type}, "next_fire_at": next_fire(cron, timezone, now)}
             for node, index, cron, node_type in rules_of(workflow["definition"])]
    from automatelanka.services import polling  # polling triggers: rows with rule.kind "poll"

    rules += polling.schedule_rows(workflow["definition"], timezone, now)
    return repo.replace_schedules(conn, workflow["workspace_id"], workflow["id"], rules)


def unregister(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> int:
    return repo.delete_schedules(conn, workspace_id, workflow_id)


def fire_items(schedule: dict[str, Any], at: datetime) -> list[dict[str, Any]]:
    """What the trigger node emits for a tick at ``at``."""
    if schedule["rule"].get("type") == SCHEDULE_TYPE:
        from automatelanka.engine.nodes.triggers import schedule_fire_item

        return [{"json": schedule_fire_item(schedule["timezone"], at)}]
    return [{"json": {}}]


def create_run(conn: Connection, schedule: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The queued run of one tick (trigger mode, started at the schedule node)."""
    from automatelanka.services import runs
    from automatelanka.services.execution import run_input

    return runs.create_queued(conn, schedule["workspace_id"], schedule["workflow_id"], trigger_type="schedule",
                              input=run_input(fire_items(schedule, at), mode="trigger",
                                              start_node=schedule["node_name"]))


def fire_due(engine: Engine, enqueue: Callable[[dict[str, Any]], Any], *, now: datetime | None = None,
             catch_up: bool = False, poll: Callable[[dict[str, Any], datetime], Any] | None = None) -> int:
    """Claim and fire every due tick; returns how many ticks this caller fired.

    The claim and the tick's run row commit together, then ``enqueue(run)`` is called. A missed
    tick (older than GRACE) is skipped unless ``catch_up``; with catch-up each missed tick fires
    once, oldest first, one per call. A polling trigger's tick (see ``services.polling``) is
    claimed the same way and handed to ``poll(schedule, tick)`` (none given: left for a caller
    that polls); missed poll ticks make one poll now.
    """
    from automatelanka.services.polling import is_poll

    now = now or utcnow()
    fired = 0
    with engine.connect() as conn:
        due = repo.due(conn, now)
    for schedule in due:
        poll_tick = is_poll(schedule)
        if poll_tick and poll is None:
            continue
        expected = schedule["next_fire_at"]
        cron, timezone = schedule["rule"]["cron"], schedule["timezone"]
        missed = now - expected > GRACE
        if poll_tick:  # one poll now, even after missed ticks; the poller runs outside the claim
            with writing(engine) as conn:
                claimed = repo.claim_tick(conn, schedule["id"], expected, next_fire(cron, timezone, max(expected, now)),
                                          now)
            if claimed:
                poll(schedule, expected)  # type: ignore[misc]
                fired += 1
            continue
        following = next_fire(cron, timezone, expected if catch_up else max(expected, now))
        with writing(engine) as conn:
            if not repo.claim_tick(conn, schedule["id"], expected, following, now):
                continue  # another scheduler fired it
            if missed and not catch_up:
                continue
            try:
                run = create_run(conn, schedule, expected)
            except PlanLimitExceeded as exc:  # kept as a failed run naming the limit; tick consumed
                limits.record_refused(conn, schedule["workspace_id"], schedule["workflow_id"],
                                      trigger_type="schedule", input=None, error=exc)
                continue
        enqueue(run)
        fired += 1
    return fired
