"""Usage counting per workspace and calendar month (UTC), for plans and billing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection

from automatelanka.store.repositories import usage as repo
from automatelanka.store.types import utcnow


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing ``at``: ``[start, end)``."""
    at = at.astimezone(UTC)
    start = datetime(at.year, at.month, 1, tzinfo=UTC)
    end = datetime(at.year + (at.month == 12), at.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def count_run(conn: Connection, workspace_id: uuid.UUID, *, node_executions: int,
              at: datetime | None = None) -> None:
    """Add one run and its node executions to this month's counters (one atomic upsert)."""
    start, end = month_bounds(at or utcnow())
    repo.record_usage(conn, workspace_id, period_start=start, period_end=end, runs=1,
                      node_executions=node_executions)


def current(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None) -> dict[str, int]:
    start, _ = month_bounds(at or utcnow())
    row = repo.get_usage(conn, workspace_id, start)
    return {k: int(row[k]) if row else 0 for k in ("runs", "node_executions", "api_calls")}
