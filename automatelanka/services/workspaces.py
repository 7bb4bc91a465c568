"""Workspaces, members, roles and invitations.

Role rules beyond the permission table: only an owner may grant or take away ``owner``, and a
workspace always keeps at least one owner.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from automatelanka.services import audit
from automatelanka.services.auth import InvalidInput, check_email, hash_secret, new_secret, unique_slug
from automatelanka.store.errors import Conflict, NotFound
from automatelanka.store.repositories import accounts
from automatelanka.store.repositories import users as user_repo
from automatelanka.store.repositories import workspaces as repo
from automatelanka.store.schema import ROLES
from automatelanka.store.types import utcnow

INVITATION_TTL = timedelta(days=7)
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PUBLIC_FIELDS = ("id", "slug", "name", "settings", "created_at", "updated_at")


class LastOwner(Conflict):
    """The change would leave the workspace without an owner."""


class RoleDenied(PermissionError):
    """The caller's role may not make this change."""


def public(row: dict[str, Any], role: str | None = None) -> dict[str, Any]:
    out = {k: row.get(k) for k in PUBLIC_FIELDS}
    if role or row.get("role"):
        out["role"] = role or row.get("role")
    return out


def find_workspace(conn: Connection, id_or_slug: str) -> dict[str, Any] | None:
    """A workspace by id or slug (membership is not checked here)."""
    try:
        return repo.get_workspace(conn, uuid.UUID(id_or_slug))
    except ValueError:
        return repo.get_workspace_by_slug(conn, id_or_slug.lower())


def default_workspace(conn: Connection, user_id: uuid.UUID) -> dict[str, Any] | None:
    return accounts.first_workspace_for_user(conn, user_id)


def membership(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any] | None:
    return repo.get_membership(conn, workspace_id, user_id)


def list_for_user(conn: Connection, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return [public(w) for w in repo.list_workspaces_for_user(conn, user_id)]


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise InvalidInput("slug", "use 1-64 lower-case letters, digits and inner hyphens")
    return slug


def create(conn: Connection, owner_id: uuid.UUID, *, name: str, slug: str | None = None) -> dict[str, Any]:
    if not name.strip():
        raise InvalidInput("name", "must not be empty")
    if slug is not None:
        slug = check_slug(slug)
        if repo.get_workspace_by_slug(conn, slug) is not None:
            raise Conflict(f"the slug {slug!r} is taken")
    else:
        slug = unique_slug(conn, name)
    return public(repo.create_workspace(conn, slug=slug, name=name.strip(), owner_id=owner_id), "owner")


def update(conn: Connection, workspace_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if v is not None}
    if "name" in values and not values["name"].strip():
        raise InvalidInput("name", "must not be empty")
    if "slug" in values:
        values["slug"] = check_slug(values["slug"])
        other = repo.get_workspace_by_slug(conn, values["slug"])
        if other is not None and other["id"] != workspace_id:
            raise Conflict(f"the slug {values['slug']!r} is taken")
    repo.update_workspace(conn, workspace_id, **values)
    row = repo.get_workspace(conn, workspace_id)
    assert row is not None
    return public(row)


def delete(conn: Connection, workspace_id: uuid.UUID) -> bool:
    """Delete the workspace and, by cascade, all of its data (its audit log included)."""
    return repo.delete_workspace(conn, workspace_id)


# --- members ------------------------------------------------------------------------------------


def members(conn: Connection, workspace_id: uuid.UUID) -> list[dict[str, Any]]:
    return accounts.members_with_users(conn, workspace_id)


def _target(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
    row = repo.get_membership(conn, workspace_id, user_id)
    if row is None:
        raise NotFound("member not found")
    return row


def _keep_an_owner(conn: Connection, workspace_id: uuid.UUID, target: dict[str, Any]) -> None:
    if target["role"] == "owner" and accounts.count_role(conn, workspace_id, "owner") <= 1:
        raise LastOwner("a workspace must keep at least one owner")


def remove_member(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID, *, actor_id: uuid.UUID,
                  actor_role: str, ip: str | None = None) -> None:
    target = _target(conn, workspace_id, user_id)
    if target["role"] == "owner" and actor_role != "owner" and user_id != actor_id:
        raise RoleDenied("only an owner can remove an owner")
    _keep_an_owner(conn, workspace_id, target)
    repo.remove_member(conn, workspace_id, user_id)
    audit.record(conn, workspace_id, "member.removed", actor_id=actor_id, target_type="user", target_id=user_id,
                 details={"role": target["role"]}, ip=ip)


def change_role(conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID, role: str, *,
                actor_id: uuid.UUID, ip: str | None = None) -> dict[str, Any]:
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    target = _target(conn, workspace_id, user_id)
    if target["role"] != role:
        if role != "owner":
            _keep_an_owner(conn, workspace_id, target)
        repo.set_role(conn, workspace_id, user_id, role)
        audit.record(conn, workspace_id, "member.role_changed", actor_id=actor_id, target_type="user",
                     target_id=user_id, details={"from": target["role"], "to": role}, ip=ip)
    return {**target, "role": role}


# --- invitations ------------------------------------------------------------------------------


def invite(conn: Connection, workspace_id: uuid.UUID, *, email: str, role: str, actor_id: uuid.UUID,
           actor_role: str, ip: str | None = None) -> tuple[dict[str, Any], str]:
    """An invitation and its token (sent by mail; only its hash is stored)."""
    email = check_email(email)
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    if role == "owner" and actor_role != "owner":
        raise RoleDenied("only an owner can invite an owner")
    existing = user_repo.get_user_by_email(conn, email)
    if existing is not None and repo.get_membership(conn, workspace_id, existing["id"]) is not None:
        raise Conflict(f"{email} is already a member")
    from automatelanka.services import limits

    limits.check_members(conn, workspace_id)  # PlanLimitExceeded (402) past the plan's members
    token = new_secret()
    row = repo.create_invitation(conn, workspace_id, email=email, role=role, token_hash=hash_secret(token),
                                 expires_at=utcnow() + INVITATION_TTL, invited_by=actor_id)
    audit.record(conn, workspace_id, "invitation.created", actor_id=actor_id, target_type="invitation",
                 target_id=row["id"], details={"email": email, "role": role}, ip=ip)
    return {k: row[k] for k in ("id", "email", "role", "expires_at", "created_at")}, token


def accept(conn: Connection, token: str, *, user_id: uuid.UUID, ip: str | None = None) -> dict[str, Any]:
    """Join the workspace of the invitation. The signed-in user's e-mail must be the invited one."""
    invitation = repo.find_invitation_by_token(conn, hash_secret(token))
    user = user_repo.get_user(conn, user_id)
    if invitation is None or user is None or user["email"] != invitation["email"]:
        raise NotFound("invitation not found, expired, already used, or for another e-mail address")
    ws_id = invitation["workspace_id"]
    if repo.get_membership(conn, ws_id, user_id) is not None:
        raise Conflict("you are already a member of this workspace")
    from automatelanka.services import limits

    limits.check_members(conn, ws_id, count_invitations=False)
    member = repo.accept_invitation(conn, ws_id, invitation["id"], user_id)
    if member is None:
        raise NotFound("invitation not found, expired, already used, or for another e-mail address")
    audit.record(conn, ws_id, "member.joined", actor_id=user_id, target_type="user", target_id=user_id,
                 details={"role": member["role"], "invitation": str(invitation["id"])}, ip=ip)
    workspace = repo.get_workspace(conn, ws_id)
    assert workspace is not None
    return public(workspace, member["role"])
