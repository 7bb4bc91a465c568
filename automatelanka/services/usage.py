"""Usage counting per workspace and billing period, for plans and billing.

The period is the subscription's (see :func:`automatelanka.services.plans.period_for`), else the
calendar month (UTC); with billing off (``services.limits.policy``) always the calendar month, as
run admission counts it, and without reading the subscription on every run. Runs are counted when they are admitted (``services.limits.admit_run``);
node executions when a run finishes; API calls per request made with an API key.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection

from automatelanka.services import plans
from automatelanka.store.repositories import usage as repo
from automatelanka.store.types import utcnow


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing ``at``: ``[start, end)``."""
    return plans.calendar_month(at)


def period(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None) -> tuple[datetime, datetime]:
    """The period the counters of ``at`` go to (no query with billing off)."""
    from automatelanka.services.limits import policy

    at = at or utcnow()
    if not policy(conn).billing_enabled:
        return plans.calendar_month(at)
    return plans.period_for(conn, workspace_id, at)


def _add(conn: Connection, workspace_id: uuid.UUID, at: datetime | None, **counts: int) -> None:
    start, end = period(conn, workspace_id, at)
    repo.record_usage(conn, workspace_id, period_start=start, period_end=end, **counts)


def count_run(conn: Connection, workspace_id: uuid.UUID, *, node_executions: int,
              at: datetime | None = None) -> None:
    """Add one run and its node executions to this period's counters (no limit check: see limits)."""
    _add(conn, workspace_id, at, runs=1, node_executions=node_executions)


def count_nodes(conn: Connection, workspace_id: uuid.UUID, *, node_executions: int,
                at: datetime | None = None) -> None:
    """Add a finished run's node executions (the run itself was counted when admitted)."""
    if node_executions:
        _add(conn, workspace_id, at, node_executions=node_executions)


def count_api_call(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None) -> None:
    _add(conn, workspace_id, at, api_calls=1)


def current(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None) -> dict[str, int]:
    start, _ = period(conn, workspace_id, at)
    row = repo.get_usage(conn, workspace_id, start)
    return {k: int(row[k]) if row else 0 for k in ("runs", "node_executions", "api_calls")}
