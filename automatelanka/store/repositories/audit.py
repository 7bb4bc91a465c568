"""The audit log: who did what in a workspace. Append-only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert

from automatelanka.store.repositories._common import Page, Row, in_workspace, keyset_page
from automatelanka.store.schema import audit_log
from automatelanka.store.types import new_id, utcnow


def record(
    conn: Connection,
    workspace_id: uuid.UUID,
    action: str,
    *,
    actor_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: str | uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Row:
    values = {
        "id": new_id(), "workspace_id": workspace_id, "actor_id": actor_id, "action": action,
        "target_type": target_type, "target_id": str(target_id) if target_id is not None else None,
        "details": details or {}, "ip": ip, "created_at": utcnow(),
    }
    conn.execute(insert(audit_log).values(**values))
    return values


def list_entries(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    action: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """Newest entries first; pass ``page.next_cursor`` for the next page."""
    conditions = [in_workspace(audit_log, workspace_id)]
    if action is not None:
        conditions.append(audit_log.c.action == action)
    return keyset_page(conn, audit_log, conditions, limit=limit, cursor=cursor)


def delete_entries_older_than(conn: Connection, workspace_id: uuid.UUID, cutoff: datetime) -> int:
    """Retention: drop the workspace's entries created before ``cutoff``."""
    stmt = delete(audit_log).where(in_workspace(audit_log, workspace_id), audit_log.c.created_at < cutoff)
    return conn.execute(stmt).rowcount
