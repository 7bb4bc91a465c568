"""Runs and their per-node data, keyset listing and batch pruning.

Per-node data (each node's outputs and timings) lives in ``run_node_data`` so run lists stay
small and fast, and old data can be dropped in batches while keeping the run summaries.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, delete, insert, select, tuple_

from automatelanka.store.repositories._common import (
    Page,
    Row,
    checked_values,
    delete_scoped,
    get_scoped,
    in_workspace,
    keyset_page,
    many,
    require_in_workspace,
    update_scoped,
)
from automatelanka.store.schema import (
    FINISHED_STATUSES,
    RUN_STATUSES,
    TRIGGER_TYPES,
    run_node_data,
    runs,
    workflows,
)
from automatelanka.store.types import new_id, utcnow

UPDATABLE = ("status", "started_at", "finished_at", "duration_ms", "output", "error", "node_executions")
SUMMARY_COLUMNS = [c for c in runs.c if c.name not in ("input", "output")]


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def create_run(
    conn: Connection,
    workspace_id: uuid.UUID,
    workflow_id: uuid.UUID,
    *,
    trigger_type: str = "manual",
    triggered_by: uuid.UUID | None = None,
    input: Any = None,
    retry_of: uuid.UUID | None = None,
    status: str = "queued",
) -> Row:
    """Record a new run of a workflow of this workspace (NotFound if the workflow is elsewhere)."""
    _check(trigger_type, TRIGGER_TYPES, "trigger_type")
    _check(status, RUN_STATUSES, "status")
    require_in_workspace(conn, workflows, workspace_id, workflow_id)
    if retry_of is not None:
        require_in_workspace(conn, runs, workspace_id, retry_of)
    values = {
        "id": new_id(), "workspace_id": workspace_id, "workflow_id": workflow_id,
        "triggered_by": triggered_by, "trigger_type": trigger_type, "status": status,
        "created_at": utcnow(), "started_at": None, "finished_at": None, "duration_ms": None,
        "input": input, "output": None, "error": None, "node_executions": 0, "retry_of": retry_of,
    }
    conn.execute(insert(runs).values(**values))
    return values


def get_run(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, runs, workspace_id, run_id)


def list_runs(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    limit: int = 50,
    cursor: str | None = None,
    workflow_id: uuid.UUID | None = None,
    status: str | None = None,
) -> Page:
    """Newest runs first, without input/output; pass ``page.next_cursor`` for the next page."""
    conditions = [in_workspace(runs, workspace_id)]
    if workflow_id is not None:
        conditions.append(runs.c.workflow_id == workflow_id)
    if status is not None:
        _check(status, RUN_STATUSES, "status")
        conditions.append(runs.c.status == status)
    return keyset_page(conn, runs, conditions, limit=limit, cursor=cursor, columns=SUMMARY_COLUMNS)


def update_run(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, **values: Any) -> bool:
    values = checked_values(values, UPDATABLE)
    if "status" in values:
        _check(values["status"], RUN_STATUSES, "status")
    return update_scoped(conn, runs, workspace_id, run_id, values)


def start_run(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *, at: datetime | None = None) -> bool:
    return update_run(conn, workspace_id, run_id, status="running", started_at=at or utcnow())


def finish_run(
    conn: Connection,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    status: str,
    output: Any = None,
    error: Any = None,
    node_executions: int = 0,
    at: datetime | None = None,
) -> bool:
    """Store the outcome; ``duration_ms`` is measured from ``started_at`` (or ``created_at``)."""
    _check(status, FINISHED_STATUSES, "finished status")
    run = get_run(conn, workspace_id, run_id)
    if run is None:
        return False
    at = at or utcnow()
    began = run["started_at"] or run["created_at"]
    return update_run(
        conn, workspace_id, run_id, status=status, output=output, error=error, finished_at=at,
        node_executions=node_executions, duration_ms=max(0, int((at - began).total_seconds() * 1000)),
    )


def delete_run(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> bool:
    return delete_scoped(conn, runs, workspace_id, run_id)


# --- per-node data ----------------------------------------------------------------------------


def record_node_data(
    conn: Connection,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    node_name: str,
    execution_index: int,
    run_index: int = 0,
    status: str = "success",
    outputs: Any = None,
    error: Any = None,
    started_at: datetime | None = None,
    duration_ms: int | None = None,
) -> Row:
    """Store one node execution of a run of this workspace (NotFound if the run is elsewhere)."""
    require_in_workspace(conn, runs, workspace_id, run_id)
    values = {
        "id": new_id(), "workspace_id": workspace_id, "run_id": run_id, "node_name": node_name,
        "run_index": run_index, "execution_index": execution_index, "status": status,
        "outputs": outputs, "error": error, "started_at": started_at, "duration_ms": duration_ms,
        "created_at": utcnow(),
    }
    conn.execute(insert(run_node_data).values(**values))
    return values


def list_node_data(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> list[Row]:
    """The run's node executions in the order they ran."""
    stmt = (
        select(run_node_data)
        .where(in_workspace(run_node_data, workspace_id), run_node_data.c.run_id == run_id)
        .order_by(run_node_data.c.execution_index, run_node_data.c.run_index)
    )
    return many(conn.execute(stmt))


# --- pruning ----------------------------------------------------------------------------------


def _finished_runs(workspace_id: uuid.UUID) -> Select[Any]:
    return select(runs.c.id).where(in_workspace(runs, workspace_id), runs.c.status.in_(FINISHED_STATUSES))


def _delete_runs_in_batches(engine: Engine, workspace_id: uuid.UUID, candidates: Select[Any], batch_size: int) -> int:
    deleted = 0
    while True:
        with engine.begin() as conn:
            ids = list(conn.execute(candidates.limit(batch_size)).scalars())
            if not ids:
                return deleted
            conn.execute(
                delete(run_node_data).where(
                    in_workspace(run_node_data, workspace_id), run_node_data.c.run_id.in_(ids)
                )
            )
            conn.execute(delete(runs).where(in_workspace(runs, workspace_id), runs.c.id.in_(ids)))
        deleted += len(ids)
        if len(ids) < batch_size:
            return deleted


def prune_runs_older_than(
    engine: Engine, workspace_id: uuid.UUID, cutoff: datetime, *, batch_size: int = 500
) -> int:
    """Delete finished runs created before ``cutoff``, ``batch_size`` per transaction; returns the count."""
    candidates = _finished_runs(workspace_id).where(runs.c.created_at < cutoff)
    return _delete_runs_in_batches(engine, workspace_id, candidates, batch_size)


def prune_runs_keep_latest(engine: Engine, workspace_id: uuid.UUID, keep: int, *, batch_size: int = 500) -> int:
    """Delete finished runs beyond the newest ``keep`` runs, in batches; returns the count."""
    if keep < 0:
        raise ValueError("keep must be >= 0")
    with engine.connect() as conn:
        boundary = conn.execute(
            select(runs.c.created_at, runs.c.id)
            .where(in_workspace(runs, workspace_id))
            .order_by(runs.c.created_at.desc(), runs.c.id.desc())
            .offset(keep)
            .limit(1)
        ).first()
    if boundary is None:
        return 0
    upto = tuple_(
        bindparam(None, boundary.created_at, type_=runs.c.created_at.type),
        bindparam(None, boundary.id, type_=runs.c.id.type),
    )
    candidates = _finished_runs(workspace_id).where(tuple_(runs.c.created_at, runs.c.id) <= upto)
    return _delete_runs_in_batches(engine, workspace_id, candidates, batch_size)


def prune_node_data_older_than(
    engine: Engine, workspace_id: uuid.UUID, cutoff: datetime, *, batch_size: int = 1000
) -> int:
    """Drop per-node data of finished runs created before ``cutoff``, keeping the runs themselves."""
    old_runs = _finished_runs(workspace_id).where(runs.c.created_at < cutoff)
    deleted = 0
    while True:
        with engine.begin() as conn:
            batch = (
                select(run_node_data.c.id)
                .where(in_workspace(run_node_data, workspace_id), run_node_data.c.run_id.in_(old_runs))
                .limit(batch_size)
            )
            ids = list(conn.execute(batch).scalars())
            if ids:
                conn.execute(
                    delete(run_node_data).where(
                        in_workspace(run_node_data, workspace_id), run_node_data.c.id.in_(ids)
                    )
                )
        deleted += len(ids)
        if len(ids) < batch_size:
            return deleted

