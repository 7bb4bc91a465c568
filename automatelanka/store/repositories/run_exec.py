"""What workers do to runs: claim, lease, cancel flag, batch node data, finish; filtered listing.

Companion to :mod:`runs` for the execution side. Every statement is scoped to a workspace except
the lease scan, which is the platform-wide dead-worker check (it returns each run's workspace).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from automatelanka.store.json_text import JSONText, PreJSON
from automatelanka.store.repositories._common import Page, Row, in_workspace, keyset_page, one
from automatelanka.store.repositories.runs import SUMMARY_COLUMNS
from automatelanka.store.schema import RUN_STATUSES, TRIGGER_TYPES, run_node_data, runs
from automatelanka.store.schema_runtime import run_leases
from automatelanka.store.types import new_id, utcnow


def list_runs(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    limit: int = 50,
    cursor: str | None = None,
    workflow_id: uuid.UUID | None = None,
    status: str | None = None,
    trigger_type: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> Page:
    """Newest first by ``(created_at, id)`` (index ``ix_runs_workspace_id_created_at_id``)."""
    conditions = [in_workspace(runs, workspace_id)]
    if workflow_id is not None:
        conditions.append(runs.c.workflow_id == workflow_id)
    if status is not None:
        if status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {', '.join(RUN_STATUSES)}")
        conditions.append(runs.c.status == status)
    if trigger_type is not None:
        if trigger_type not in TRIGGER_TYPES:
            raise ValueError(f"trigger must be one of {', '.join(TRIGGER_TYPES)}")
        conditions.append(runs.c.trigger_type == trigger_type)
    if created_from is not None:
        conditions.append(runs.c.created_at >= created_from)
    if created_to is not None:
        conditions.append(runs.c.created_at < created_to)
    return keyset_page(conn, runs, conditions, limit=limit, cursor=cursor, columns=SUMMARY_COLUMNS)


# The statements of the per-run hot path are built once: building and cache-keying a SQLAlchemy
# statement costs more than executing it on SQLite. Parameters are bound at execution.
_INSERT_RUN = insert(runs)
# JSON columns of the hot statements bind JSONText as is (serialised once, by the caller).
_INSERT_NODE_DATA = insert(run_node_data).values({
    c.name: bindparam(c.name, type_=PreJSON() if c.name in ("outputs", "error") else c.type) for c in run_node_data.c})
_FINISH_RUN = (
    update(runs)
    .where(runs.c.workspace_id == bindparam("w_workspace_id"), runs.c.id == bindparam("w_run_id"),
           runs.c.status == "running")
    .values(status=bindparam("v_status"), output=bindparam("v_output", type_=PreJSON()),
            error=bindparam("v_error", type_=PreJSON()),
            node_executions=bindparam("v_node_executions"), finished_at=bindparam("v_finished_at"),
            duration_ms=bindparam("v_duration_ms"))
)
_DROP_LEASE = delete(run_leases).where(run_leases.c.workspace_id == bindparam("w_workspace_id"),
                                       run_leases.c.run_id == bindparam("w_run_id"))
_TAKE_LEASE: dict[str, Any] = {}


def _take_lease_stmt(dialect_name: str) -> Any:
    stmt = _TAKE_LEASE.get(dialect_name)
    if stmt is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        stmt = dialect.insert(run_leases).values(
            run_id=bindparam("v_run_id"), workspace_id=bindparam("v_workspace_id"), worker=bindparam("v_worker"),
            lease_until=bindparam("v_lease_until"), attempts=1, cancel_requested=False,
        )
        stmt = _TAKE_LEASE[dialect_name] = stmt.on_conflict_do_update(
            index_elements=[run_leases.c.run_id],
            set_={"worker": stmt.excluded.worker, "lease_until": stmt.excluded.lease_until,
                  "attempts": run_leases.c.attempts + 1},
        )
    return stmt


def insert_run(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    """Insert a fully formed run row (the caller checked the workflow is in the workspace)."""
    row = {
        "id": new_id(), "triggered_by": None, "trigger_type": "manual", "status": "queued",
        "created_at": utcnow(), "started_at": None, "finished_at": None, "duration_ms": None,
        "input": None, "output": None, "error": None, "node_executions": 0, "retry_of": None, **values,
    }
    conn.execute(_INSERT_RUN, row)
    return row


_INSERT_FINISHED = insert(runs).values({
    c.name: bindparam(c.name, type_=PreJSON() if c.name in ("input", "output", "error") else c.type) for c in runs.c})
_SQLITE_INSERT_FINISHED = (
    "INSERT INTO runs (id, workspace_id, workflow_id, triggered_by, trigger_type, status, created_at, started_at, "
    "finished_at, duration_ms, input, output, error, node_executions, retry_of) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
)


def insert_finished(conn: Connection, run: dict[str, Any], *, status: str, output: Any, error: Any,
                    node_executions: int, at: datetime) -> None:
    """Insert a run that already ran (in this transaction, with its outcome): the one write of a
    quick inline run. ``run`` holds id, workspace_id, workflow_id, trigger_type, triggered_by,
    started_at and input; ``input``, ``output`` and ``error`` may be
    :class:`~automatelanka.store.json_text.JSONText`. IntegrityError if the workflow is gone."""
    started_at = run["started_at"]
    duration_ms = max(0, int((at - started_at).total_seconds() * 1000))
    if conn.dialect.name == "sqlite":  # through the driver, in conn's transaction (see _node_data_sqlite)
        triggered_by = run.get("triggered_by")
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(_SQLITE_INSERT_FINISHED, (
                run["id"].hex, run["workspace_id"].hex, run["workflow_id"].hex,
                triggered_by.hex if triggered_by is not None else None, run["trigger_type"], status,
                _sqlite_time(run.get("created_at") or started_at), _sqlite_time(started_at), _sqlite_time(at),
                duration_ms, _sqlite_json(run.get("input")), _sqlite_json(output), _sqlite_json(error),
                node_executions))
        except conn.dialect.dbapi.IntegrityError as exc:  # as SQLAlchemy would raise it
            from sqlalchemy.exc import IntegrityError

            raise IntegrityError(_SQLITE_INSERT_FINISHED, None, exc) from exc
        finally:
            cursor.close()
        return
    conn.execute(_INSERT_FINISHED, {
        "id": run["id"], "workspace_id": run["workspace_id"], "workflow_id": run["workflow_id"],
        "triggered_by": run.get("triggered_by"), "trigger_type": run["trigger_type"], "status": status,
        "created_at": run.get("created_at") or started_at, "started_at": started_at, "finished_at": at,
        "duration_ms": duration_ms, "input": run.get("input"), "output": output, "error": error,
        "node_executions": node_executions, "retry_of": None,
    })


def claim_queued(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *, worker: str,
                 lease_s: float, at: datetime | None = None) -> bool:
    """Move a queued run to running and take its lease; False if it is not queued any more."""
    at = at or utcnow()
    claimed = conn.execute(
        update(runs)
        .where(in_workspace(runs, workspace_id), runs.c.id == run_id, runs.c.status == "queued")
        .values(status="running", started_at=at)
    ).rowcount
    if not claimed:
        return False
    take_lease(conn, workspace_id, run_id, worker=worker, lease_until=at + timedelta(seconds=lease_s))
    return True


def take_lease(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *, worker: str,
               lease_until: datetime) -> None:
    """Create the run's lease, or renew it and count one more attempt."""
    conn.execute(_take_lease_stmt(conn.dialect.name),
                 {"v_run_id": run_id, "v_workspace_id": workspace_id, "v_worker": worker,
                  "v_lease_until": lease_until})


def renew_leases(conn: Connection, run_ids: Iterable[uuid.UUID], lease_until: datetime) -> int:
    """Heartbeat: push the lease of every run this worker holds."""
    ids = list(run_ids)
    if not ids:
        return 0
    stmt = update(run_leases).where(run_leases.c.run_id.in_(ids), run_leases.c.lease_until.is_not(None))
    return conn.execute(stmt.values(lease_until=lease_until)).rowcount


def get_lease(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> Row | None:
    stmt = select(run_leases).where(in_workspace(run_leases, workspace_id), run_leases.c.run_id == run_id)
    return one(conn.execute(stmt))


def cancel_requested(conn: Connection, run_id: uuid.UUID) -> bool:
    """The cheap poll a worker makes between nodes (primary-key lookup)."""
    stmt = select(run_leases.c.cancel_requested).where(run_leases.c.run_id == run_id)
    return bool(conn.execute(stmt).scalar())


def request_cancel(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> str | None:
    """Cancel a run: a queued one is marked cancelled now (it will never start); a running one gets
    its cancel flag set. Returns the status the run had, or None when it is not in the workspace."""
    row = one(conn.execute(select(runs.c.status, runs.c.created_at).where(
        in_workspace(runs, workspace_id), runs.c.id == run_id)))
    if row is None:
        return None
    now = utcnow()
    if row["status"] == "queued":
        done = conn.execute(
            update(runs).where(in_workspace(runs, workspace_id), runs.c.id == run_id, runs.c.status == "queued")
            .values(status="cancelled", finished_at=now, duration_ms=0,
                    error={"message": "The execution was cancelled before it started",
                           "name": "ManualExecutionCancelledError"})
        ).rowcount
        if done:
            return "queued"
        row["status"] = "running"
    if row["status"] == "running":
        conn.execute(update(run_leases).where(in_workspace(run_leases, workspace_id), run_leases.c.run_id == run_id)
                     .values(cancel_requested=True))
    return row["status"]


def record_node_data_many(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID,
                          rows: list[dict[str, Any]]) -> None:
    """Insert all node executions of a run in one statement (the caller owns the run).

    ``outputs`` and ``error`` may be :class:`~automatelanka.store.json_text.JSONText` (bound as is)."""
    if not rows:
        return
    now = utcnow()
    if conn.dialect.name == "sqlite":
        _node_data_sqlite(conn, workspace_id, run_id, rows, now)
        return
    values = [{
        "id": new_id(), "workspace_id": workspace_id, "run_id": run_id, "run_index": 0, "execution_index": 0,
        "status": "success", "outputs": None, "error": None, "started_at": None, "duration_ms": None,
        "created_at": now, **row} for row in rows]
    conn.execute(_INSERT_NODE_DATA, values)


_SQLITE_NODE_DATA = (
    "INSERT INTO run_node_data (id, workspace_id, run_id, node_name, run_index, execution_index, status, "
    "outputs, error, started_at, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_SQLITE_FINISH_RUN = (
    "UPDATE runs SET status = ?, output = ?, error = ?, node_executions = ?, finished_at = ?, duration_ms = ? "
    "WHERE runs.workspace_id = ? AND runs.id = ? AND runs.status = 'running'"
)
_SQLITE_DROP_LEASE = "DELETE FROM run_leases WHERE run_leases.workspace_id = ? AND run_leases.run_id = ?"


def _sqlite_time(value: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy stores ``UTCDateTime`` on SQLite (naive UTC, microseconds)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _sqlite_json(value: Any) -> str:
    return str(value) if isinstance(value, JSONText) else json.dumps(value)


def _node_data_sqlite(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, rows: list[dict[str, Any]],
                      now: datetime) -> None:
    """The node-data insert on SQLite through the driver's ``executemany``, in ``conn``'s
    transaction: the values stored exactly as the column types store them, without SQLAlchemy's
    per-parameter processing (the hottest statement of a run)."""
    workspace, run, created = workspace_id.hex, run_id.hex, _sqlite_time(now)
    values = [(
        new_id().hex, workspace, run, row["node_name"], row.get("run_index", 0), row.get("execution_index", 0),
        row.get("status", "success"), _sqlite_json(row.get("outputs")), _sqlite_json(row.get("error")),
        _sqlite_time(row.get("started_at")), row.get("duration_ms"), created,
    ) for row in rows]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(_SQLITE_NODE_DATA, values)
    finally:
        cursor.close()


def finish_running(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID, *, status: str,
                   started_at: datetime, output: Any = None, error: Any = None, node_executions: int = 0,
                   at: datetime | None = None) -> bool:
    """Store the outcome of a running run and drop its lease; False if it was no longer running.

    ``output`` and ``error`` may be :class:`~automatelanka.store.json_text.JSONText` (bound as is)."""
    at = at or utcnow()
    duration_ms = max(0, int((at - started_at).total_seconds() * 1000))
    if conn.dialect.name == "sqlite":  # through the driver, in conn's transaction (see _node_data_sqlite)
        workspace, run = workspace_id.hex, run_id.hex
        cursor = conn.connection.driver_connection.cursor()
        try:
            done = cursor.execute(_SQLITE_FINISH_RUN, (status, _sqlite_json(output), _sqlite_json(error),
                                                       node_executions, _sqlite_time(at), duration_ms, workspace,
                                                       run)).rowcount
            cursor.execute(_SQLITE_DROP_LEASE, (workspace, run))
        finally:
            cursor.close()
        return done > 0
    where = {"w_workspace_id": workspace_id, "w_run_id": run_id}
    done = conn.execute(_FINISH_RUN, {
        **where, "v_status": status, "v_output": output, "v_error": error, "v_node_executions": node_executions,
        "v_finished_at": at, "v_duration_ms": duration_ms,
    }).rowcount
    conn.execute(_DROP_LEASE, where)
    return done > 0


def expired_leases(conn: Connection, now: datetime, limit: int = 100) -> list[Row]:
    """Leases whose worker stopped renewing them (platform-wide scan, uses ix_run_leases_lease_until)."""
    stmt = (select(run_leases).where(run_leases.c.lease_until < now)
            .order_by(run_leases.c.lease_until).limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def release_expired(conn: Connection, run_id: uuid.UUID, now: datetime) -> bool:
    """Claim the recovery of one expired lease (only one daemon wins)."""
    stmt = update(run_leases).where(run_leases.c.run_id == run_id, run_leases.c.lease_until < now)
    return conn.execute(stmt.values(lease_until=None)).rowcount > 0


def requeue_running(conn: Connection, workspace_id: uuid.UUID, run_id: uuid.UUID) -> bool:
    """Put a run its worker lost back in the queue."""
    stmt = update(runs).where(and_(in_workspace(runs, workspace_id), runs.c.id == run_id, runs.c.status == "running"))
    return conn.execute(stmt.values(status="queued", started_at=None)).rowcount > 0


def stuck_queued(conn: Connection, before: datetime, limit: int = 100) -> list[Row]:
    """Runs queued before ``before`` (their queue message may be lost): id and workspace."""
    stmt = (select(runs.c.id, runs.c.workspace_id).where(runs.c.status == "queued", runs.c.created_at < before)
            .limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]
