"""The audit trail of sensitive actions, for workspace owners.

Call :func:`record` inside the transaction that does the action, so both commit or neither.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection

from automatelanka.store.repositories import audit as repo
from automatelanka.store.repositories._common import Page

#: Actions recorded by the platform (others may be added by callers).
ACTIONS = (
    "auth.login", "auth.login_failed", "member.role_changed", "member.removed", "member.joined",
    "invitation.created", "api_key.created", "api_key.revoked", "admin.impersonate", "workspace.deleted",
    "credential.used",
)


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
) -> dict[str, Any]:
    """Append one entry to the workspace's audit log."""
    return repo.record(conn, workspace_id, action, actor_id=actor_id, target_type=target_type,
                       target_id=target_id, details=details, ip=ip)


def entries(
    conn: Connection, workspace_id: uuid.UUID, *, action: str | None = None, limit: int = 50, cursor: str | None = None
) -> Page:
    """Newest entries first (``ValueError`` for a cursor we did not make)."""
    return repo.list_entries(conn, workspace_id, action=action, limit=limit, cursor=cursor)
