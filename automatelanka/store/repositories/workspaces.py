"""Workspaces, their memberships and invitations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from automatelanka.store.repositories._common import (
    Row,
    checked_values,
    delete_scoped,
    get_scoped,
    in_workspace,
    many,
    one,
)
from automatelanka.store.repositories.users import normalize_email
from automatelanka.store.schema import ROLES, invitations, memberships, workspaces
from automatelanka.store.types import new_id, utcnow


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


# --- workspaces -------------------------------------------------------------------------------


def create_workspace(
    conn: Connection, *, slug: str, name: str, owner_id: uuid.UUID | None = None, settings: dict | None = None
) -> Row:
    """Create a workspace and, given ``owner_id``, its owner membership."""
    now = utcnow()
    values = {
        "id": new_id(), "slug": slug, "name": name, "settings": settings or {},
        "created_at": now, "updated_at": now,
    }
    conn.execute(insert(workspaces).values(**values))
    if owner_id is not None:
        add_member(conn, values["id"], owner_id, role="owner", accepted_at=now)
    return values


def get_workspace(conn: Connection, workspace_id: uuid.UUID) -> Row | None:
    return one(conn.execute(select(workspaces).where(workspaces.c.id == workspace_id)))


def get_workspace_by_slug(conn: Connection, slug: str) -> Row | None:
    return one(conn.execute(select(workspaces).where(workspaces.c.slug == slug)))


def list_workspaces_for_user(conn: Connection, user_id: uuid.UUID) -> list[Row]:
    """Workspaces the user is a member of, with their role, by name."""
    stmt = (
        select(workspaces, memberships.c.role)
        .join(memberships, memberships.c.workspace_id == workspaces.c.id)
        .where(memberships.c.user_id == user_id)
        .order_by(workspaces.c.name)
    )
    return many(conn.execute(stmt))


def update_workspace(conn: Connection, workspace_id: uuid.UUID, **values: Any) -> bool:
    values = checked_values(values, ("name", "slug", "settings"))
    stmt = update(workspaces).where(workspaces.c.id == workspace_id).values(**values, updated_at=utcnow())
    return conn.execute(stmt).rowcount > 0


def delete_workspace(conn: Connection, workspace_id: uuid.UUID) -> bool:
    """Delete the workspace and, by cascade, all of its data."""
    return conn.execute(delete(workspaces).where(workspaces.c.id == workspace_id)).rowcount > 0


# --- memberships ------------------------------------------------------------------------------


def add_member(
    conn: Connection,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    role: str = "member",
    invited_by: uuid.UUID | None = None,
    accepted_at: datetime | None = None,
) -> Row:
    _check_role(role)
    values = {
        "workspace_id": workspace_id, "user_id": user_id, "role": role, "invited_by": invited_by,
        "accepted_at": accepted_at, "created_at": utcnow(),
    }
    conn.execute(insert(memberships).values(**values))
    return values


def _member(workspace_id: uuid.UUID, user_id: uuid.UUID) -> Any:
    return (in_workspace(memberships, workspace_id), memberships.c.user_id == user_id)


def get_membership(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID) -> Row | None:
    return one(conn.execute(select(memberships).where(*_member(workspace_id, user_id))))


def list_members(conn: Connection, workspace_id: uuid.UUID) -> list[Row]:
    stmt = select(memberships).where(in_workspace(memberships, workspace_id)).order_by(memberships.c.created_at)
    return many(conn.execute(stmt))


def set_role(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID, role: str) -> bool:
    _check_role(role)
    stmt = update(memberships).where(*_member(workspace_id, user_id)).values(role=role)
    return conn.execute(stmt).rowcount > 0


def remove_member(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    return conn.execute(delete(memberships).where(*_member(workspace_id, user_id))).rowcount > 0


# --- invitations ------------------------------------------------------------------------------


def create_invitation(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    email: str,
    token_hash: str,
    expires_at: datetime,
    role: str = "member",
    invited_by: uuid.UUID | None = None,
) -> Row:
    """Store an invitation; only the hash of its token is kept."""
    _check_role(role)
    values = {
        "id": new_id(), "workspace_id": workspace_id, "email": normalize_email(email), "role": role,
        "token_hash": token_hash, "invited_by": invited_by, "expires_at": expires_at,
        "accepted_at": None, "created_at": utcnow(),
    }
    conn.execute(insert(invitations).values(**values))
    return values


def get_invitation(conn: Connection, workspace_id: uuid.UUID, invitation_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, invitations, workspace_id, invitation_id)


def list_invitations(conn: Connection, workspace_id: uuid.UUID, *, pending_only: bool = True) -> list[Row]:
    stmt = select(invitations).where(in_workspace(invitations, workspace_id))
    if pending_only:
        stmt = stmt.where(invitations.c.accepted_at.is_(None))
    return many(conn.execute(stmt.order_by(invitations.c.created_at)))


def find_invitation_by_token(conn: Connection, token_hash: str, *, now: datetime | None = None) -> Row | None:
    """The pending, unexpired invitation with this token hash, in whatever workspace it is."""
    stmt = select(invitations).where(
        invitations.c.token_hash == token_hash,
        invitations.c.accepted_at.is_(None),
        invitations.c.expires_at > (now or utcnow()),
    )
    return one(conn.execute(stmt))


def accept_invitation(
    conn: Connection, workspace_id: uuid.UUID, invitation_id: uuid.UUID, user_id: uuid.UUID
) -> Row | None:
    """Mark the invitation accepted and add the membership; None if it is not pending here."""
    now = utcnow()
    stmt = (
        update(invitations)
        .where(
            in_workspace(invitations, workspace_id),
            invitations.c.id == invitation_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.expires_at > now,
        )
        .values(accepted_at=now)
    )
    if conn.execute(stmt).rowcount == 0:
        return None
    invitation = get_invitation(conn, workspace_id, invitation_id)
    assert invitation is not None
    return add_member(
        conn, workspace_id, user_id, role=invitation["role"], invited_by=invitation["invited_by"], accepted_at=now
    )


def delete_invitation(conn: Connection, workspace_id: uuid.UUID, invitation_id: uuid.UUID) -> bool:
    return delete_scoped(conn, invitations, workspace_id, invitation_id)
