"""Cross-table reads for accounts and the platform admin: members with their users,
a user's default workspace, and platform-wide counts and listings."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, select, text

from automatelanka.store.repositories._common import Row, in_workspace, many, one
from automatelanka.store.schema import memberships, runs, users, workflows, workspaces


def members_with_users(conn: Connection, workspace_id: uuid.UUID) -> list[Row]:
    """The workspace's members with e-mail and name, oldest membership first."""
    stmt = (
        select(memberships.c.user_id, memberships.c.role, memberships.c.created_at.label("joined_at"),
               memberships.c.accepted_at, users.c.email, users.c.name)
        .join(users, users.c.id == memberships.c.user_id)
        .where(in_workspace(memberships, workspace_id))
        .order_by(memberships.c.created_at, users.c.email)
    )
    return many(conn.execute(stmt))


def count_role(conn: Connection, workspace_id: uuid.UUID, role: str) -> int:
    stmt = select(func.count()).select_from(memberships).where(
        in_workspace(memberships, workspace_id), memberships.c.role == role)
    return conn.execute(stmt).scalar_one()


def first_workspace_for_user(conn: Connection, user_id: uuid.UUID) -> Row | None:
    """The workspace the user joined first (their personal one, usually)."""
    stmt = (
        select(workspaces, memberships.c.role)
        .join(memberships, memberships.c.workspace_id == workspaces.c.id)
        .where(memberships.c.user_id == user_id)
        .order_by(memberships.c.created_at, workspaces.c.id)
        .limit(1)
    )
    return one(conn.execute(stmt))


def platform_counts(conn: Connection) -> dict[str, Any]:
    """Counts of users, workspaces, workflows, and runs by status, across every workspace."""
    count = lambda table: conn.execute(select(func.count()).select_from(table)).scalar_one()  # noqa: E731
    by_status = conn.execute(select(runs.c.status, func.count()).group_by(runs.c.status)).all()
    return {"users": count(users), "workspaces": count(workspaces), "workflows": count(workflows),
            "runs": {status: n for status, n in by_status}}


def list_all_users(conn: Connection, *, limit: int = 100, offset: int = 0) -> list[Row]:
    cols = [c for c in users.c if c.name != "password_hash"]
    stmt = select(*cols).order_by(users.c.created_at, users.c.id).limit(limit).offset(offset)
    return many(conn.execute(stmt))


def list_all_workspaces(conn: Connection, *, limit: int = 100, offset: int = 0) -> list[Row]:
    members = (select(func.count()).select_from(memberships)
               .where(memberships.c.workspace_id == workspaces.c.id).scalar_subquery())
    stmt = (select(workspaces, members.label("members"))
            .order_by(workspaces.c.created_at, workspaces.c.id).limit(limit).offset(offset))
    return many(conn.execute(stmt))


# --- the caller of a request, in one query --------------------------------------------------------

_USER = "SELECT u.email, u.is_active, u.is_platform_admin, {ws}, m.role FROM users u "
_CALLER_SQL = {
    # the workspace the user joined first (as first_workspace_for_user), and their role in it
    "default": _USER.format(ws="m.workspace_id") + (
        "LEFT JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ("
        "SELECT m2.workspace_id FROM memberships m2 JOIN workspaces w ON w.id = m2.workspace_id "
        "WHERE m2.user_id = u.id ORDER BY m2.created_at, m2.workspace_id LIMIT 1) WHERE u.id = :uid"),
    "id": _USER.format(ws="w.id") + (
        "LEFT JOIN workspaces w ON w.id = :ws LEFT JOIN memberships m ON m.workspace_id = w.id "
        "AND m.user_id = u.id WHERE u.id = :uid"),
    "slug": _USER.format(ws="w.id") + (
        "LEFT JOIN workspaces w ON w.slug = :ws LEFT JOIN memberships m ON m.workspace_id = w.id "
        "AND m.user_id = u.id WHERE u.id = :uid"),
}


@lru_cache(maxsize=16)
def _caller_statement(kind: str, dialect: Any) -> tuple[str, tuple[str, ...] | None]:
    compiled = text(_CALLER_SQL[kind]).compile(dialect=dialect)
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None


def caller(conn: Connection, user_id: uuid.UUID, workspace: uuid.UUID | str | None = None) -> Row | None:
    """The user (``email``, ``is_active``, ``is_platform_admin``) with a workspace and their role in
    it, in one query: ``workspace`` is an id, a slug, or None for the user's first workspace (as
    :func:`first_workspace_for_user`). ``workspace_id`` is None when there is no such workspace (or
    the user belongs to none), ``role`` None when the user is not a member. None: no such user.

    Runs straight on the driver: this is read on every authenticated request, and SQLAlchemy's
    statement and result layers cost several times the query itself.
    """
    kind = "default" if workspace is None else "id" if isinstance(workspace, uuid.UUID) else "slug"
    sql, order = _caller_statement(kind, conn.dialect)
    native = conn.dialect.name == "postgresql"
    params: dict[str, Any] = {"uid": user_id if native else user_id.hex}
    if isinstance(workspace, uuid.UUID):
        params["ws"] = workspace if native else workspace.hex
    elif workspace is not None:
        params["ws"] = workspace.lower()
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, tuple(params[k] for k in order) if order is not None else params)
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    email, active, admin, ws, role = row
    return {"id": user_id, "email": email, "is_active": bool(active), "is_platform_admin": bool(admin),
            "workspace_id": None if ws is None else ws if isinstance(ws, uuid.UUID) else uuid.UUID(ws),
            "role": role}
