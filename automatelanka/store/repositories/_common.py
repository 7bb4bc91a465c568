"""Helpers shared by the repositories."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, Result, Table, bindparam, delete, select, tuple_, update
from sqlalchemy.sql.elements import ColumnElement

from automatelanka.store.errors import NotFound

Row = dict[str, Any]


def one(result: Result[Any]) -> Row | None:
    """The first row as a dict, or None."""
    row = result.mappings().first()
    return dict(row) if row is not None else None


def many(result: Result[Any]) -> list[Row]:
    """All rows as dicts."""
    return [dict(row) for row in result.mappings()]


def in_workspace(table: Table, workspace_id: uuid.UUID) -> ColumnElement[bool]:
    """The tenant filter every statement on ``table`` carries."""
    return table.c.workspace_id == workspace_id


def get_scoped(conn: Connection, table: Table, workspace_id: uuid.UUID, row_id: uuid.UUID) -> Row | None:
    """Row ``row_id`` of ``table`` if it belongs to the workspace."""
    stmt = select(table).where(in_workspace(table, workspace_id), table.c.id == row_id)
    return one(conn.execute(stmt))


def require_in_workspace(conn: Connection, table: Table, workspace_id: uuid.UUID, row_id: uuid.UUID) -> None:
    """Raise NotFound unless ``row_id`` exists in the workspace (guards cross-references)."""
    stmt = select(table.c.id).where(in_workspace(table, workspace_id), table.c.id == row_id)
    if conn.execute(stmt).first() is None:
        raise NotFound(f"{table.name} {row_id} not found in this workspace")


def checked_values(values: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """``values`` if every key may be updated, else ValueError naming the bad keys."""
    bad = sorted(set(values) - set(allowed))
    if bad:
        raise ValueError(f"cannot update: {', '.join(bad)}")
    return dict(values)


def update_scoped(
    conn: Connection, table: Table, workspace_id: uuid.UUID, row_id: uuid.UUID, values: Mapping[str, Any]
) -> bool:
    """Update one row of the workspace; False when no such row is there."""
    if not values:
        return get_scoped(conn, table, workspace_id, row_id) is not None
    stmt = update(table).where(in_workspace(table, workspace_id), table.c.id == row_id).values(**values)
    result: CursorResult[Any] = conn.execute(stmt)
    return result.rowcount > 0


def delete_scoped(conn: Connection, table: Table, workspace_id: uuid.UUID, row_id: uuid.UUID) -> bool:
    """Delete one row of the workspace; False when no such row is there."""
    stmt = delete(table).where(in_workspace(table, workspace_id), table.c.id == row_id)
    result: CursorResult[Any] = conn.execute(stmt)
    return result.rowcount > 0


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """An opaque page cursor for keyset pagination by ``(created_at, id)``."""
    raw = f"{created_at.isoformat()}|{row_id.hex}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The ``(created_at, id)`` inside a cursor; ValueError when it was not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, hex_id = raw.split("|", 1)
        return datetime.fromisoformat(stamp), uuid.UUID(hex_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid page cursor") from exc


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list; pass ``next_cursor`` back to get the next one."""

    items: list[Row]
    next_cursor: str | None


def keyset_page(
    conn: Connection,
    table: Table,
    conditions: Iterable[ColumnElement[bool]],
    *,
    limit: int,
    cursor: str | None,
    columns: Iterable[Any] | None = None,
) -> Page:
    """Newest-first page of ``table`` rows ordered by ``(created_at, id)``."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    stmt = select(*(columns or [table])).where(*conditions)
    if cursor:
        at, row_id = decode_cursor(cursor)
        after = tuple_(
            bindparam(None, at, type_=table.c.created_at.type), bindparam(None, row_id, type_=table.c.id.type)
        )
        stmt = stmt.where(tuple_(table.c.created_at, table.c.id) < after)
    stmt = stmt.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit + 1)
    rows = many(conn.execute(stmt))
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], encode_cursor(last["created_at"], last["id"]))
