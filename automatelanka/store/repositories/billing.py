"""Plans (global catalogue) and workspace subscriptions to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from automatelanka.store.repositories._common import (
    Row,
    checked_values,
    get_scoped,
    in_workspace,
    many,
    one,
    update_scoped,
)
from automatelanka.store.schema import plans, subscriptions
from automatelanka.store.types import new_id, utcnow


def create_plan(
    conn: Connection, *, code: str, name: str, limits: dict[str, Any] | None = None,
    price_cents: int = 0, interval: str = "month",
) -> Row:
    values = {
        "id": new_id(), "code": code, "name": name, "limits": limits or {}, "price_cents": price_cents,
        "interval": interval, "active": True, "created_at": utcnow(),
    }
    conn.execute(insert(plans).values(**values))
    return values


def get_plan_by_code(conn: Connection, code: str) -> Row | None:
    return one(conn.execute(select(plans).where(plans.c.code == code)))


def list_plans(conn: Connection, *, active_only: bool = True) -> list[Row]:
    stmt = select(plans).order_by(plans.c.price_cents, plans.c.code)
    if active_only:
        stmt = stmt.where(plans.c.active.is_(True))
    return many(conn.execute(stmt))


def create_subscription(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    plan_id: uuid.UUID,
    period_start: datetime,
    period_end: datetime,
    status: str = "active",
    provider: str | None = None,
    provider_ref: str | None = None,
) -> Row:
    values = {
        "id": new_id(), "workspace_id": workspace_id, "plan_id": plan_id, "status": status,
        "current_period_start": period_start, "current_period_end": period_end, "provider": provider,
        "provider_ref": provider_ref, "cancelled_at": None, "created_at": utcnow(),
    }
    conn.execute(insert(subscriptions).values(**values))
    return values


def get_subscription(conn: Connection, workspace_id: uuid.UUID, subscription_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, subscriptions, workspace_id, subscription_id)


def current_subscription(conn: Connection, workspace_id: uuid.UUID) -> Row | None:
    """The workspace's newest subscription that is not cancelled, with its plan's code and limits."""
    stmt = (
        select(subscriptions, plans.c.code.label("plan_code"), plans.c.limits.label("plan_limits"))
        .join(plans, plans.c.id == subscriptions.c.plan_id)
        .where(in_workspace(subscriptions, workspace_id), subscriptions.c.status != "cancelled")
        .order_by(subscriptions.c.created_at.desc())
        .limit(1)
    )
    return one(conn.execute(stmt))


def update_subscription(
    conn: Connection, workspace_id: uuid.UUID, subscription_id: uuid.UUID, **values: Any
) -> bool:
    allowed = ("plan_id", "status", "current_period_start", "current_period_end", "provider_ref", "cancelled_at")
    return update_scoped(conn, subscriptions, workspace_id, subscription_id, checked_values(values, allowed))
