"""Runs: create (queued), list, get with per-node data, cancel, retry, delete, prune."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select

from automatelanka.store.errors import NotFound
from automatelanka.store.repositories import run_exec
from automatelanka.store.repositories import runs as repo
from automatelanka.store.repositories._common import Page, in_workspace
from automatelanka.store.schema import FINISHED_STATUSES, run_node_data, runs, workspaces
from automatelanka.store.types import utcnow


def create_queued(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, trigger_type: str,
                  input: dict[str, Any], triggered_by: uuid.UUID | None = None,
                  retry_of: uuid.UUID | None = None) -> dict[str, Any]:
    """Persist a queued run (NotFound if the workflow is not in the workspace); enqueue it after commit.

    The run is counted (and may be refused: ``limits.PlanLimitExceeded``) in the same transaction."""
    from automatelanka.services import limits

    limits.admit_run(conn, workspace_id)
    return repo.create_run(conn, workspace_id, workflow_id, trigger_type=trigger_type, triggered_by=triggered_by,
                           input=input, retry_of=retry_of, status="queued")


def list_runs(conn: Connection, workspace_id: uuid.UUID, *, limit: int = 50, cursor: str | None = None,
              workflow_id: uuid.UUID | None = None, status: str | None = None, trigger_type: str | None = None,
              created_from: datetime | None = None, created_to: datetime | None = None) -> Page:
    return run_exec.list_runs(conn, workspace_id, limit=limit, cursor=cursor, workflow_id=workflow_id,
                              status=status, trigger_type=trigger_type, created_from=created_from,
                              created_to=created_to)


def get(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *, with_nodes: bool = False) -> dict[str, Any]:
    run = repo.get_run(conn, workspace_id, run_id)
    if run is None:
        raise NotFound("run not found")
    if with_nodes:
        run["nodes"] = repo.list_node_data(conn, workspace_id, run_id)
    return run


def cancel(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> str:
    """Cancel a queued or running run; returns the status it had. A finished run is left alone."""
    before = run_exec.request_cancel(conn, workspace_id, run_id)
    if before is None:
        raise NotFound("run not found")
    return before


def retry(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *,
          triggered_by: uuid.UUID | None = None) -> dict[str, Any]:
    """A new queued run of the same workflow with the same input, pointing back with ``retry_of``."""
    old = get(conn, workspace_id, run_id)
    if old["status"] not in FINISHED_STATUSES:
        raise ValueError(f"only a finished run can be retried (this one is {old['status']})")
    return create_queued(conn, workspace_id, old["workflow_id"], trigger_type="retry", input=old["input"] or {},
                         triggered_by=triggered_by, retry_of=run_id)


def delete_run(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> None:
    run = get(conn, workspace_id, run_id)
    if run["status"] in ("queued", "running"):
        raise ValueError(f"a {run['status']} run cannot be deleted; cancel it first")
    repo.delete_run(conn, workspace_id, run_id)


# --- retention ----------------------------------------------------------------------------------


def _delete_batch(engine: Engine, workspace_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(run_node_data).where(in_workspace(run_node_data, workspace_id),
                                                 run_node_data.c.run_id.in_(ids)))
        conn.execute(delete(runs).where(in_workspace(runs, workspace_id), runs.c.id.in_(ids)))


def _keep_per_workflow(engine: Engine, workspace_id: uuid.UUID, keep: int, batch_size: int) -> int:
    deleted = 0
    with engine.connect() as conn:
        crowded = conn.execute(
            select(runs.c.workflow_id).where(in_workspace(runs, workspace_id)).group_by(runs.c.workflow_id)
            .having(func.count() > keep)).scalars().all()
    for workflow_id in crowded:
        with engine.connect() as conn:
            boundary = conn.execute(
                select(runs.c.created_at).where(runs.c.workflow_id == workflow_id)
                .order_by(runs.c.created_at.desc()).offset(keep).limit(1)).scalar()
        if boundary is None:
            continue
        while True:
            with engine.connect() as conn:
                ids = list(conn.execute(
                    select(runs.c.id).where(in_workspace(runs, workspace_id), runs.c.workflow_id == workflow_id,
                                            runs.c.created_at <= boundary, runs.c.status.in_(FINISHED_STATUSES))
                    .limit(batch_size)).scalars())
            if not ids:
                break
            _delete_batch(engine, workspace_id, ids)
            deleted += len(ids)
    return deleted


def prune(engine: Engine, max_age_days: float | None = None, keep_per_workflow: int | None = None, *,
          batch_size: int = 500) -> int:
    """Delete finished runs older than ``max_age_days`` and beyond the newest ``keep_per_workflow``
    runs of each workflow, in batches (short transactions). Returns how many runs were deleted."""
    with engine.connect() as conn:
        workspace_ids = conn.execute(select(workspaces.c.id)).scalars().all()
    deleted = 0
    for workspace_id in workspace_ids:
        if max_age_days:
            cutoff = utcnow() - timedelta(days=max_age_days)
            deleted += repo.prune_runs_older_than(engine, workspace_id, cutoff, batch_size=batch_size)
        if keep_per_workflow:
            deleted += _keep_per_workflow(engine, workspace_id, keep_per_workflow, batch_size)
    return deleted
