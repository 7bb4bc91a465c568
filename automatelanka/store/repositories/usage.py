"""Usage counters per workspace and billing period (runs, node executions, API calls)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from automatelanka.store.repositories._common import Row, in_workspace, many, one
from automatelanka.store.schema import usage_records
from automatelanka.store.types import new_id, utcnow

COUNTERS = ("runs", "node_executions", "api_calls")


def record_usage(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    period_start: datetime,
    period_end: datetime,
    runs: int = 0,
    node_executions: int = 0,
    api_calls: int = 0,
) -> None:
    """Add to the period's counters in one atomic upsert (safe with concurrent writers)."""
    conn.execute(_upsert(conn.dialect.name), {
        "id": new_id(), "workspace_id": workspace_id, "period_start": period_start, "period_end": period_end,
        "updated_at": utcnow(), "runs": runs, "node_executions": node_executions, "api_calls": api_calls,
    })


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect_name: str) -> Any:
    """The upsert statement, built once per dialect (building it costs more than running it)."""
    stmt = _UPSERTS.get(dialect_name)
    if stmt is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        insert = dialect.insert(usage_records)
        stmt = _UPSERTS[dialect_name] = insert.on_conflict_do_update(
            index_elements=[usage_records.c.workspace_id, usage_records.c.period_start],
            set_={
                **{name: usage_records.c[name] + insert.excluded[name] for name in COUNTERS},
                "updated_at": insert.excluded.updated_at,
            },
        )
    return stmt


def get_usage(conn: Connection, workspace_id: uuid.UUID, period_start: datetime) -> Row | None:
    stmt = select(usage_records).where(
        in_workspace(usage_records, workspace_id), usage_records.c.period_start == period_start
    )
    return one(conn.execute(stmt))


def list_usage(conn: Connection, workspace_id: uuid.UUID, *, limit: int = 24) -> list[Row]:
    """The workspace's periods, newest first."""
    stmt = (
        select(usage_records)
        .where(in_workspace(usage_records, workspace_id))
        .order_by(usage_records.c.period_start.desc())
        .limit(limit)
    )
    return many(conn.execute(stmt))
