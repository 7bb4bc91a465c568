"""Usage counters per workspace and billing period (runs, node executions, API calls)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Add to the period's counters in one atomic upsert (safe with concurrent writers); inside
    :func:`batched`, summed into the batch's one upsert per workspace and period instead."""
    pending = conn.info.get(_PENDING)
    if pending is not None:
        key = (workspace_id, period_start)
        sums = pending.get(key)
        if sums is None:
            pending[key] = [period_end, runs, node_executions, api_calls]
        else:
            sums[1] += runs
            sums[2] += node_executions
            sums[3] += api_calls
        return
    conn.execute(_upsert(conn.dialect.name), {
        "id": new_id(), "workspace_id": workspace_id, "period_start": period_start, "period_end": period_end,
        "updated_at": utcnow(), "runs": runs, "node_executions": node_executions, "api_calls": api_calls,
    })


_PENDING = "automatelanka.usage_pending"


@contextmanager
def batched(conn: Connection) -> Iterator[None]:
    """Sum the :func:`record_usage` calls made on ``conn`` inside the block and write them when it
    ends without error (same transaction), one upsert per workspace and period. Counters read
    inside the block do not include the pending sums."""
    if _PENDING in conn.info:  # nested: the outer block writes
        yield
        return
    pending: dict[tuple[uuid.UUID, datetime], list[Any]] = {}
    conn.info[_PENDING] = pending
    try:
        yield
    finally:
        conn.info.pop(_PENDING, None)
    if pending:
        now = utcnow()
        conn.execute(_upsert(conn.dialect.name), [
            {"id": new_id(), "workspace_id": workspace_id, "period_start": start, "period_end": end,
             "updated_at": now, "runs": runs, "node_executions": nodes, "api_calls": calls}
            for (workspace_id, start), (end, runs, nodes, calls) in pending.items()])


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
