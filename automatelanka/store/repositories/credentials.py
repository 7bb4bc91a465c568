"""Credentials. ``data`` is the encrypted blob; this module never sees clear secrets."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, insert, select

from automatelanka.store.repositories._common import (
    Row,
    checked_values,
    delete_scoped,
    get_scoped,
    in_workspace,
    many,
    update_scoped,
)
from automatelanka.store.schema import credentials
from automatelanka.store.types import new_id, utcnow

UPDATABLE = ("name", "data", "metadata", "type")
LIST_COLUMNS = [c for c in credentials.c if c.name != "data"]


def create_credential(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    type: str,
    name: str,
    data: bytes,
    metadata: dict[str, Any] | None = None,
    connected_by: uuid.UUID | None = None,
    credential_id: uuid.UUID | None = None,
) -> Row:
    """``credential_id``: when the caller encrypted ``data`` bound to an id it chose."""
    now = utcnow()
    values = {
        "id": credential_id or new_id(), "workspace_id": workspace_id, "type": type, "name": name, "data": data,
        "metadata": metadata or {}, "connected_by": connected_by, "last_used_at": None,
        "created_at": now, "updated_at": now,
    }
    conn.execute(insert(credentials).values(**values))
    return values


def get_credential(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID) -> Row | None:
    """The credential including its encrypted ``data``."""
    return get_scoped(conn, credentials, workspace_id, credential_id)


def list_credentials(conn: Connection, workspace_id: uuid.UUID, *, type: str | None = None) -> list[Row]:
    """Credentials of the workspace by name, without their encrypted data."""
    stmt = select(*LIST_COLUMNS).where(in_workspace(credentials, workspace_id))
    if type is not None:
        stmt = stmt.where(credentials.c.type == type)
    return many(conn.execute(stmt.order_by(credentials.c.name, credentials.c.id)))


def update_credential(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID, **values: Any) -> bool:
    values = checked_values(values, UPDATABLE)
    return update_scoped(conn, credentials, workspace_id, credential_id, {**values, "updated_at": utcnow()})


def touch_credential(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
    """Note that a run used the credential now."""
    return update_scoped(conn, credentials, workspace_id, credential_id, {"last_used_at": utcnow()})


def delete_credential(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
    return delete_scoped(conn, credentials, workspace_id, credential_id)
