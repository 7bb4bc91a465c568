"""API keys. Only a hash of each key is stored, plus a short visible prefix to recognise it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select

from automatelanka.store.repositories._common import (
    Row,
    delete_scoped,
    get_scoped,
    in_workspace,
    many,
    one,
    update_scoped,
)
from automatelanka.store.schema import api_keys
from automatelanka.store.types import new_id, utcnow

LIST_COLUMNS = [c for c in api_keys.c if c.name != "key_hash"]


def create_api_key(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    key_hash: str,
    prefix: str,
    name: str = "",
    user_id: uuid.UUID | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> Row:
    values = {
        "id": new_id(), "workspace_id": workspace_id, "user_id": user_id, "name": name,
        "key_hash": key_hash, "prefix": prefix, "scopes": scopes or [], "expires_at": expires_at,
        "last_used_at": None, "revoked_at": None, "created_at": utcnow(),
    }
    conn.execute(insert(api_keys).values(**values))
    return values


def get_api_key(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, api_keys, workspace_id, key_id)


def list_api_keys(conn: Connection, workspace_id: uuid.UUID) -> list[Row]:
    """Keys of the workspace, newest first, without hashes."""
    stmt = select(*LIST_COLUMNS).where(in_workspace(api_keys, workspace_id))
    return many(conn.execute(stmt.order_by(api_keys.c.created_at.desc(), api_keys.c.id)))


def resolve_api_key(conn: Connection, key_hash: str, *, now: datetime | None = None) -> Row | None:
    """The usable key (not revoked, not expired) with this hash, whatever its workspace."""
    now = now or utcnow()
    stmt = select(api_keys).where(
        api_keys.c.key_hash == key_hash,
        api_keys.c.revoked_at.is_(None),
        or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > now),
    )
    return one(conn.execute(stmt))


def touch_api_key(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    return update_scoped(conn, api_keys, workspace_id, key_id, {"last_used_at": utcnow()})


def revoke_api_key(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    return update_scoped(conn, api_keys, workspace_id, key_id, {"revoked_at": utcnow()})


def delete_api_key(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    return delete_scoped(conn, api_keys, workspace_id, key_id)
