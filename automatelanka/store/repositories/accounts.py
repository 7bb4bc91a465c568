"""Cross-table reads for accounts and the platform admin: members with their users,
a user's default workspace, and platform-wide counts and listings."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, func, select

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
