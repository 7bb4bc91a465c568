"""Schedule rules of active workflows and the atomic claim of each tick."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from automatelanka.store.repositories._common import Row, in_workspace, many, require_in_workspace
from automatelanka.store.schema import workflows
from automatelanka.store.schema_runtime import schedules
from automatelanka.store.types import new_id, utcnow


def replace_schedules(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID,
                      rules: list[dict[str, Any]]) -> list[Row]:
    """Set the workflow's schedules to ``rules`` (each: node_name, rule_index, rule, timezone, next_fire_at)."""
    require_in_workspace(conn, workflows, workspace_id, workflow_id)
    delete_schedules(conn, workspace_id, workflow_id)
    rows = [{"id": new_id(), "workspace_id": workspace_id, "workflow_id": workflow_id, "last_fired_at": None,
             "created_at": utcnow(), **rule} for rule in rules]
    if rows:
        conn.execute(insert(schedules), rows)
    return rows


def delete_schedules(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> int:
    stmt = delete(schedules).where(in_workspace(schedules, workspace_id), schedules.c.workflow_id == workflow_id)
    return conn.execute(stmt).rowcount


def list_schedules(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> list[Row]:
    stmt = select(schedules).where(in_workspace(schedules, workspace_id), schedules.c.workflow_id == workflow_id)
    return many(conn.execute(stmt.order_by(schedules.c.node_name, schedules.c.rule_index)))


def due(conn: Connection, now: datetime, limit: int = 100) -> list[Row]:
    """Schedules whose next tick is at or before ``now`` (platform-wide; uses ix_schedules_next_fire_at)."""
    stmt = select(schedules).where(schedules.c.next_fire_at <= now).order_by(schedules.c.next_fire_at).limit(limit)
    return many(conn.execute(stmt))


def claim_tick(conn: Connection, schedule_id: uuid.UUID, expected: datetime, next_fire_at: datetime,
               fired_at: datetime) -> bool:
    """Move ``next_fire_at`` from ``expected`` to the next tick; True for exactly one claimer."""
    stmt = (update(schedules)
            .where(schedules.c.id == schedule_id, schedules.c.next_fire_at == expected)
            .values(next_fire_at=next_fire_at, last_fired_at=fired_at))
    return conn.execute(stmt).rowcount == 1
