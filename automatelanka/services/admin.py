"""Platform administration: counts and listings across workspaces, and impersonation."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import Connection

from automatelanka.config import Settings
from automatelanka.services import audit, auth
from automatelanka.store.errors import NotFound
from automatelanka.store.repositories import accounts
from automatelanka.store.repositories import users as user_repo
from automatelanka.store.repositories import workspaces as ws_repo

log = logging.getLogger("automatelanka.audit")


def stats(conn: Connection) -> dict[str, Any]:
    return accounts.platform_counts(conn)


def users(conn: Connection, *, limit: int, offset: int) -> list[dict[str, Any]]:
    return [auth.public_user(u) for u in accounts.list_all_users(conn, limit=limit, offset=offset)]


def workspaces(conn: Connection, *, limit: int, offset: int) -> list[dict[str, Any]]:
    keep = ("id", "slug", "name", "created_at", "members")
    return [{k: w[k] for k in keep} for w in accounts.list_all_workspaces(conn, limit=limit, offset=offset)]


def impersonate(conn: Connection, settings: Settings, admin_id: uuid.UUID, user_id: uuid.UUID, *,
                ip: str | None = None) -> dict[str, Any]:
    """A 5-minute access token acting as ``user_id`` and naming the admin; audited in each of the
    user's workspaces and in the operator's log."""
    user = user_repo.get_user(conn, user_id)
    if user is None:
        raise NotFound("user not found")
    if user_id == admin_id:
        raise auth.InvalidInput("user_id", "you cannot impersonate yourself")
    token = auth.access_token(settings, user_id, ttl=auth.IMPERSONATION_TTL, impersonator_id=admin_id)
    for ws in ws_repo.list_workspaces_for_user(conn, user_id):
        audit.record(conn, ws["id"], "admin.impersonate", actor_id=admin_id, target_type="user",
                     target_id=user_id, ip=ip, details={"expires_in": int(auth.IMPERSONATION_TTL.total_seconds())})
    log.warning("impersonation", extra={"action": "admin.impersonate", "actor": str(admin_id),
                                        "target": str(user_id), "ip": ip})
    return {"access_token": token, "token_type": "bearer",
            "expires_in": int(auth.IMPERSONATION_TTL.total_seconds()), "user": auth.public_user(user)}
