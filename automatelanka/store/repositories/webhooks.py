"""Webhook registrations: (method, path) is unique across the whole instance."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from automatelanka.store.errors import Conflict
from automatelanka.store.repositories._common import (
    Row,
    delete_scoped,
    get_scoped,
    in_workspace,
    many,
    one,
    require_in_workspace,
)
from automatelanka.store.schema import webhooks, workflows
from automatelanka.store.types import new_id, utcnow


def register_webhook(
    conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, node_name: str, method: str, path: str
) -> Row:
    """Claim ``method path`` for a node; Conflict if it is taken, NotFound if the workflow is elsewhere."""
    require_in_workspace(conn, workflows, workspace_id, workflow_id)
    values = {
        "id": new_id(), "workspace_id": workspace_id, "workflow_id": workflow_id, "node_name": node_name,
        "method": method.upper(), "path": path.strip("/"), "created_at": utcnow(),
    }
    try:
        with conn.begin_nested():
            conn.execute(insert(webhooks).values(**values))
    except IntegrityError:
        raise Conflict(f"webhook {values['method']} /{values['path']} is already registered") from None
    return values


def get_webhook(conn: Connection, workspace_id: uuid.UUID, webhook_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, webhooks, workspace_id, webhook_id)


def list_webhooks(conn: Connection, workspace_id: uuid.UUID, *, workflow_id: uuid.UUID | None = None) -> list[Row]:
    stmt = select(webhooks).where(in_workspace(webhooks, workspace_id))
    if workflow_id is not None:
        stmt = stmt.where(webhooks.c.workflow_id == workflow_id)
    return many(conn.execute(stmt.order_by(webhooks.c.path, webhooks.c.method)))


def resolve_webhook(conn: Connection, method: str, path: str) -> Row | None:
    """The registration serving an incoming request, with its ``workspace_id``."""
    stmt = select(webhooks).where(webhooks.c.method == method.upper(), webhooks.c.path == path.strip("/"))
    return one(conn.execute(stmt))


def delete_webhook(conn: Connection, workspace_id: uuid.UUID, webhook_id: uuid.UUID) -> bool:
    return delete_scoped(conn, webhooks, workspace_id, webhook_id)


def delete_workflow_webhooks(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> int:
    """Unregister all of a workflow's webhooks (on deactivation)."""
    stmt = delete(webhooks).where(in_workspace(webhooks, workspace_id), webhooks.c.workflow_id == workflow_id)
    return conn.execute(stmt).rowcount
