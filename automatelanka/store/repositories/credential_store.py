"""Credential queries beyond plain CRUD (``credentials.py``): lookup by name, compare-and-set
updates (the OAuth refresh lock), and the installation-wide walk that master-key rotation needs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from automatelanka.store.repositories._common import Row, in_workspace, many, one
from automatelanka.store.schema import credentials


def find_by_name(conn: Connection, workspace_id: uuid.UUID, type: str, name: str) -> Row | None:
    """The workspace's credential of ``type`` called ``name`` (data included), oldest first."""
    stmt = (select(credentials).where(in_workspace(credentials, workspace_id), credentials.c.type == type,
                                      credentials.c.name == name)
            .order_by(credentials.c.created_at, credentials.c.id).limit(1))
    return one(conn.execute(stmt))


def names_by_type(conn: Connection, workspace_id: uuid.UUID) -> list[Row]:
    """``id, type, name`` of every credential of the workspace (no data)."""
    stmt = select(credentials.c.id, credentials.c.type, credentials.c.name).where(
        in_workspace(credentials, workspace_id))
    return many(conn.execute(stmt))


def update_if_unchanged(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID,
                        expected_updated_at: datetime, values: dict[str, Any]) -> bool:
    """Update only if nobody wrote the row since ``expected_updated_at`` (compare-and-set)."""
    stmt = (update(credentials)
            .where(in_workspace(credentials, workspace_id), credentials.c.id == credential_id,
                   credentials.c.updated_at == expected_updated_at)
            .values(**values))
    return conn.execute(stmt).rowcount > 0


def records_after(conn: Connection, after: uuid.UUID | None, limit: int = 200) -> list[Row]:
    """``id, workspace_id, data`` of every workspace's credentials by id (key rotation only)."""
    stmt = select(credentials.c.id, credentials.c.workspace_id, credentials.c.data).order_by(credentials.c.id)
    if after is not None:
        stmt = stmt.where(credentials.c.id > after)
    return many(conn.execute(stmt.limit(limit)))


def replace_data_if(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID, old: bytes,
                    new: bytes) -> bool:
    """Swap the encrypted blob unless it changed meanwhile (key rotation; ``updated_at`` kept)."""
    stmt = (update(credentials)
            .where(in_workspace(credentials, workspace_id), credentials.c.id == credential_id,
                   credentials.c.data == old)
            .values(data=new))
    return conn.execute(stmt).rowcount > 0


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(credentials)).scalar_one())
