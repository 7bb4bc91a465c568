"""What billing reads and writes beyond ``billing.py`` and ``usage.py``: the run counter's
conditional increment, resource counts for limits, Stripe customers, received Stripe events,
overage meter reports, and subscriptions looked up by their Stripe id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from automatelanka.store.repositories._common import Row, checked_values, in_workspace, many, one
from automatelanka.store.schema import (
    invitations,
    memberships,
    plans,
    subscriptions,
    usage_records,
    workflows,
    workspaces,
)
from automatelanka.store.schema_billing import billing_customers, meter_reports, stripe_events
from automatelanka.store.types import new_id, utcnow


def _insert(conn: Connection, table: Any) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


# --- run counter -------------------------------------------------------------------------------


def increment_runs_below(conn: Connection, workspace_id: uuid.UUID, *, period_start: datetime,
                         period_end: datetime, limit: int) -> bool:
    """Add one run to the period's counter if it is below ``limit``; False (nothing changed) if not.

    One conditional ``UPDATE ... WHERE runs < limit``: the row lock makes concurrent callers take
    turns and re-check, so the counter never passes the limit and no increment is lost.
    """
    now = utcnow()
    conn.execute(_insert(conn, usage_records).values(
        id=new_id(), workspace_id=workspace_id, period_start=period_start, period_end=period_end, runs=0,
        node_executions=0, api_calls=0, updated_at=now,
    ).on_conflict_do_nothing(index_elements=[usage_records.c.workspace_id, usage_records.c.period_start]))
    done = conn.execute(
        update(usage_records)
        .where(in_workspace(usage_records, workspace_id), usage_records.c.period_start == period_start,
               usage_records.c.runs < limit)
        .values(runs=usage_records.c.runs + 1, updated_at=now)
    ).rowcount
    return done == 1


def runs_used(conn: Connection, workspace_id: uuid.UUID, period_start: datetime) -> int:
    value = conn.execute(select(usage_records.c.runs).where(
        in_workspace(usage_records, workspace_id), usage_records.c.period_start == period_start)).scalar()
    return int(value or 0)


# --- counts for limits ---------------------------------------------------------------------------


def lock_workspace(conn: Connection, workspace_id: uuid.UUID) -> None:
    """Serialise limit checks of one workspace (PostgreSQL row lock; SQLite writers already take turns)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(workspaces.c.id).where(workspaces.c.id == workspace_id).with_for_update())


def count_workflows(conn: Connection, workspace_id: uuid.UUID) -> int:
    return int(conn.execute(select(func.count()).select_from(workflows)
                            .where(in_workspace(workflows, workspace_id))).scalar() or 0)


def count_members(conn: Connection, workspace_id: uuid.UUID) -> int:
    return int(conn.execute(select(func.count()).select_from(memberships)
                            .where(memberships.c.workspace_id == workspace_id)).scalar() or 0)


def count_pending_invitations(conn: Connection, workspace_id: uuid.UUID, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    return int(conn.execute(select(func.count()).select_from(invitations).where(
        in_workspace(invitations, workspace_id), invitations.c.accepted_at.is_(None),
        invitations.c.expires_at > now)).scalar() or 0)


# --- subscriptions ---------------------------------------------------------------------------------


def latest_subscription(conn: Connection, workspace_id: uuid.UUID) -> Row | None:
    """The workspace's newest subscription whatever its status (anchors the billing period)."""
    return one(conn.execute(select(subscriptions).where(in_workspace(subscriptions, workspace_id))
                            .order_by(subscriptions.c.created_at.desc()).limit(1)))


def subscription_by_ref(conn: Connection, provider_ref: str) -> Row | None:
    return one(conn.execute(select(subscriptions).where(subscriptions.c.provider_ref == provider_ref)))


def update_subscription(conn: Connection, subscription_id: uuid.UUID, **values: Any) -> None:
    allowed = ("plan_id", "status", "current_period_start", "current_period_end", "cancelled_at",
               "cancel_at_period_end", "past_due_since", "updated_at")
    conn.execute(update(subscriptions).where(subscriptions.c.id == subscription_id)
                 .values(**checked_values(values, allowed)))


def cancel_other_subscriptions(conn: Connection, workspace_id: uuid.UUID, keep: uuid.UUID) -> None:
    """A workspace has one live subscription: the others end when a new one starts."""
    now = utcnow()
    conn.execute(update(subscriptions).where(
        in_workspace(subscriptions, workspace_id), subscriptions.c.id != keep,
        subscriptions.c.status != "cancelled").values(status="cancelled", cancelled_at=now, updated_at=now))


# --- plans ------------------------------------------------------------------------------------------


def plan_by_price(conn: Connection, price_id: str) -> Row | None:
    return one(conn.execute(select(plans).where(plans.c.stripe_price_id == price_id)))


def plan_by_id(conn: Connection, plan_id: uuid.UUID) -> Row | None:
    return one(conn.execute(select(plans).where(plans.c.id == plan_id)))


def update_plan(conn: Connection, code: str, **values: Any) -> bool:
    allowed = ("name", "limits", "price_cents", "interval", "active", "stripe_price_id")
    return conn.execute(update(plans).where(plans.c.code == code)
                        .values(**checked_values(values, allowed))).rowcount == 1


def count_plans(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(plans)).scalar() or 0)


# --- Stripe customers ---------------------------------------------------------------------------------


def get_customer(conn: Connection, workspace_id: uuid.UUID) -> str | None:
    return conn.execute(select(billing_customers.c.customer_id)
                        .where(billing_customers.c.workspace_id == workspace_id)).scalar()


def workspace_of_customer(conn: Connection, customer_id: str) -> uuid.UUID | None:
    return conn.execute(select(billing_customers.c.workspace_id)
                        .where(billing_customers.c.customer_id == customer_id)).scalar()


def save_customer(conn: Connection, workspace_id: uuid.UUID, customer_id: str) -> str:
    """Remember the workspace's customer (the first one saved wins); returns the one kept."""
    conn.execute(_insert(conn, billing_customers).values(
        workspace_id=workspace_id, provider="stripe", customer_id=customer_id, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=[billing_customers.c.workspace_id]))
    return get_customer(conn, workspace_id) or customer_id


def customers_with_overage_plans(conn: Connection) -> list[Row]:
    """Workspaces having a Stripe customer and a live subscription (overage candidates)."""
    stmt = (select(billing_customers.c.workspace_id, billing_customers.c.customer_id)
            .join(subscriptions, subscriptions.c.workspace_id == billing_customers.c.workspace_id)
            .where(subscriptions.c.status != "cancelled").distinct())
    return many(conn.execute(stmt))


# --- Stripe events ---------------------------------------------------------------------------------------


def record_event(conn: Connection, event_id: str, event_type: str, payload: dict[str, Any]) -> bool:
    """Store a received event once; False if this id was seen before (a replay or a retry)."""
    stmt = _insert(conn, stripe_events).values(
        id=event_id, type=event_type[:100], status="pending", attempts=0, payload=payload, received_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=[stripe_events.c.id]).returning(stripe_events.c.id)
    return conn.execute(stmt).first() is not None  # RETURNING: rowcount is not reliable here on psycopg


def claim_event(conn: Connection, event_id: str, *, max_attempts: int) -> Row | None:
    """Take a pending (or failed, with attempts left) event for processing; None if someone else has it."""
    taken = conn.execute(update(stripe_events).where(
        stripe_events.c.id == event_id,
        or_(stripe_events.c.status == "pending",
            and_(stripe_events.c.status == "failed", stripe_events.c.attempts < max_attempts)),
    ).values(status="processing", attempts=stripe_events.c.attempts + 1)).rowcount
    if not taken:
        return None
    return one(conn.execute(select(stripe_events).where(stripe_events.c.id == event_id)))


def finish_event(conn: Connection, event_id: str, *, error: str | None = None) -> None:
    conn.execute(update(stripe_events).where(stripe_events.c.id == event_id).values(
        status="failed" if error else "done", error=error, processed_at=utcnow()))


def unfinished_events(conn: Connection, *, max_attempts: int, older_than: datetime, limit: int = 100) -> list[str]:
    """Events to (re)process: pending or failed with attempts left, or stuck in processing."""
    stmt = select(stripe_events.c.id).where(
        stripe_events.c.received_at < older_than,
        or_(stripe_events.c.status.in_(("pending", "processing")),
            and_(stripe_events.c.status == "failed", stripe_events.c.attempts < max_attempts)),
    ).order_by(stripe_events.c.received_at).limit(limit)
    return list(conn.execute(stmt).scalars())


def reset_stuck_event(conn: Connection, event_id: str) -> None:
    conn.execute(update(stripe_events).where(stripe_events.c.id == event_id,
                                             stripe_events.c.status == "processing").values(status="pending"))


def get_event(conn: Connection, event_id: str) -> Row | None:
    return one(conn.execute(select(stripe_events).where(stripe_events.c.id == event_id)))


# --- overage meter reports -----------------------------------------------------------------------------


def meter_batches(conn: Connection, workspace_id: uuid.UUID, period_start: datetime) -> list[Row]:
    return many(conn.execute(select(meter_reports).where(
        in_workspace(meter_reports, workspace_id), meter_reports.c.period_start == period_start,
    ).order_by(meter_reports.c.batch)))


def add_meter_batch(conn: Connection, workspace_id: uuid.UUID, *, period_start: datetime, batch: int,
                    quantity: int, event_name: str, identifier: str) -> Row:
    values = {"id": new_id(), "workspace_id": workspace_id, "period_start": period_start, "batch": batch,
              "quantity": quantity, "event_name": event_name, "identifier": identifier, "reported_at": None,
              "created_at": utcnow()}
    conn.execute(insert(meter_reports).values(**values))
    return values


def mark_meter_reported(conn: Connection, report_id: uuid.UUID) -> None:
    conn.execute(update(meter_reports).where(meter_reports.c.id == report_id).values(reported_at=utcnow()))
