"""Per-webhook-node HMAC secrets (kept across deactivation; deleted with the workflow)."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, insert, select

from automatelanka.store.repositories._common import in_workspace, require_in_workspace
from automatelanka.store.schema import workflows
from automatelanka.store.schema_runtime import webhook_secrets
from automatelanka.store.types import utcnow


def set_secret(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, node_name: str,
               secret: str) -> None:
    require_in_workspace(conn, workflows, workspace_id, workflow_id)
    clear_secret(conn, workspace_id, workflow_id, node_name)
    conn.execute(insert(webhook_secrets).values(workflow_id=workflow_id, node_name=node_name,
                                                workspace_id=workspace_id, secret=secret, created_at=utcnow()))


def clear_secret(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, node_name: str) -> bool:
    stmt = delete(webhook_secrets).where(in_workspace(webhook_secrets, workspace_id),
                                         webhook_secrets.c.workflow_id == workflow_id,
                                         webhook_secrets.c.node_name == node_name)
    return conn.execute(stmt).rowcount > 0


def get_secret(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, node_name: str) -> str | None:
    stmt = select(webhook_secrets.c.secret).where(in_workspace(webhook_secrets, workspace_id),
                                                  webhook_secrets.c.workflow_id == workflow_id,
                                                  webhook_secrets.c.node_name == node_name)
    return conn.execute(stmt).scalar()
