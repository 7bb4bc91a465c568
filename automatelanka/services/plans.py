"""Plans: the catalogue, the plan in force for a workspace, and its billing period.

Limits are ``{"runs": int|None, "workflows": int|None, "members": int|None, "overage": bool,
"overage_meter": str}`` where ``None`` means unlimited. A workspace without a live subscription
is on Free; a ``past_due`` subscription keeps its plan for :data:`GRACE`, then falls back to Free.
The billing period runs from the subscription's period start (stepping a month at a time if the
renewal has not been heard of yet); without any subscription it is the calendar month (UTC).
"""

from __future__ import annotations

import calendar
import functools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from automatelanka.store.repositories import billing as repo
from automatelanka.store.repositories import billing_state as state
from automatelanka.store.types import utcnow

RESOURCES = ("runs", "workflows", "members")
GRACE = timedelta(days=7)
#: The catalogue at launch (also seeded by migration 0004); used when the table is empty.
DEFAULTS: dict[str, dict[str, Any]] = {
    "free": {"name": "Free", "price_cents": 0,
             "limits": {"runs": 100, "workflows": 5, "members": 1, "overage": False}},
    "pro": {"name": "Pro", "price_cents": 2900,
            "limits": {"runs": 10_000, "workflows": 100, "members": 10, "overage": False}},
    "business": {"name": "Business", "price_cents": 9900,
                 "limits": {"runs": 100_000, "workflows": None, "members": None, "overage": True,
                            "overage_meter": "automatelanka_runs"}},
}
LIVE = ("active", "trialing")


@dataclass(frozen=True)
class Plan:
    """The plan in force for a workspace, and why."""

    code: str
    name: str
    limits: dict[str, Any] = field(default_factory=dict)
    #: ``unlimited`` (billing off), ``free`` (no subscription), ``active``, ``grace`` (past due,
    #: in grace), ``lapsed`` (past due beyond grace, unpaid, or cancelled at period end).
    reason: str = "free"

    def limit(self, resource: str) -> int | None:
        value = self.limits.get(resource)
        return None if value is None else int(value)

    @property
    def overage(self) -> bool:
        return bool(self.limits.get("overage"))


UNLIMITED = Plan("unlimited", "Unlimited (billing off)", {r: None for r in RESOURCES}, "unlimited")


def ensure_defaults(conn: Connection) -> int:
    """Seed the default plans into an empty catalogue (migration 0004 does it once); returns how many."""
    if state.count_plans(conn):
        return 0
    for code, plan in DEFAULTS.items():
        repo.create_plan(conn, code=code, name=plan["name"], limits=dict(plan["limits"]),
                         price_cents=plan["price_cents"])
    return len(DEFAULTS)


def money(cents: int, currency: str = "usd") -> str:
    """``2900`` -> ``$29.00`` (integer cents, never floats)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    return f"{sign}{symbol}{whole:,}.{rest:02d}"


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["code"], "code": row["code"], "name": row["name"], "price_cents": row["price_cents"],
            "price": f"{money(row['price_cents'])}/{row['interval']}", "interval": row["interval"],
            "limits": row["limits"], "active": row["active"], "stripe_price_id": row.get("stripe_price_id")}


def list_plans(conn: Connection, *, active_only: bool = True) -> list[dict[str, Any]]:
    return [public(r) for r in repo.list_plans(conn, active_only=active_only)]


def check_limits(limits: dict[str, Any]) -> dict[str, Any]:
    """Validated limits (ValueError naming the key)."""
    out = dict(limits)
    for key in RESOURCES:
        value = out.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"limits.{key}: expected a whole number >= 0, or null for unlimited")
    if "overage" in out and not isinstance(out["overage"], bool):
        raise ValueError("limits.overage: expected true or false")
    if out.get("overage") and not isinstance(out.get("overage_meter") or "automatelanka_runs", str):
        raise ValueError("limits.overage_meter: expected a meter event name")
    return out


def free_plan(conn: Connection) -> Plan:
    row = repo.get_plan_by_code(conn, "free")
    if row is None:
        return Plan("free", "Free", dict(DEFAULTS["free"]["limits"]), "free")
    return Plan("free", row["name"], dict(row["limits"]), "free")


def add_months(at: datetime, months: int, day: int | None = None) -> datetime:
    """``at`` moved by ``months`` calendar months, on ``day`` (clamped to the month's length)."""
    total = at.month - 1 + months
    year, month = at.year + total // 12, total % 12 + 1
    wanted = day or at.day
    return at.replace(year=year, month=month, day=min(wanted, calendar.monthrange(year, month)[1]))


def _step_period(anchor: datetime, at: datetime) -> tuple[datetime, datetime]:
    """The monthly period containing ``at`` in the series starting at ``anchor``."""
    months = (at.year - anchor.year) * 12 + (at.month - anchor.month)
    start = add_months(anchor, months, anchor.day)
    if start > at:
        months -= 1
        start = add_months(anchor, months, anchor.day)
    return start, add_months(anchor, months + 1, anchor.day)


def calendar_month(at: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing ``at``: ``[start, end)``."""
    at = at.astimezone(UTC)
    return _month(at.year, at.month)


@functools.lru_cache(maxsize=64)
def _month(year: int, month: int) -> tuple[datetime, datetime]:  # every run's usage asks
    start = datetime(year, month, 1, tzinfo=UTC)
    return start, add_months(start, 1)


def period_for(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None,
               subscription: dict[str, Any] | None = None) -> tuple[datetime, datetime]:
    """The billing period ``[start, end)`` containing ``at`` for this workspace."""
    at = at or utcnow()
    sub = subscription or state.latest_subscription(conn, workspace_id)
    if sub is None:
        return calendar_month(at)
    start, end = sub["current_period_start"], sub["current_period_end"]
    if start <= at < end:
        return start, end
    return _step_period(start, at)


def current(conn: Connection, workspace_id: uuid.UUID, *, billing_enabled: bool, at: datetime | None = None,
            grace: timedelta = GRACE) -> tuple[Plan, tuple[datetime, datetime], dict[str, Any] | None]:
    """The plan in force, the billing period, and the live subscription (if any)."""
    at = at or utcnow()
    if not billing_enabled:
        # Self-hosted: unlimited, counted by calendar month; no reads on the hot path of every run.
        return UNLIMITED, calendar_month(at), None
    live = repo.current_subscription(conn, workspace_id)
    period = period_for(conn, workspace_id, at, live)
    if live is None:
        return free_plan(conn), period, None
    plan_row = state.plan_by_id(conn, live["plan_id"])
    paid = Plan(live["plan_code"], plan_row["name"] if plan_row else live["plan_code"],
                dict(live["plan_limits"] or {}), "active")
    status = live["status"]
    if status in LIVE:
        if live.get("cancel_at_period_end") and at >= live["current_period_end"]:
            return _lapsed(conn), period, live
        return paid, period, live
    if status == "past_due":
        since = live.get("past_due_since") or live.get("updated_at") or live["current_period_start"]
        if at < since + grace:
            return Plan(paid.code, paid.name, paid.limits, "grace"), period, live
    return _lapsed(conn), period, live


def _lapsed(conn: Connection) -> Plan:
    free = free_plan(conn)
    return Plan(free.code, free.name, free.limits, "lapsed")
