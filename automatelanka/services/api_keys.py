"""API keys: ``al_<prefix>_<secret>``, shown once, stored as a SHA-256 hash with a visible prefix."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from automatelanka.services import audit, usage
from automatelanka.services.auth import InvalidInput, hash_secret
from automatelanka.store.repositories import api_keys as repo
from automatelanka.store.types import utcnow

KEY_PREFIX = "al_"
SCOPES = ("workflow:read", "workflow:write", "workflow:execute", "runs:read", "admin")
PUBLIC_FIELDS = ("id", "name", "prefix", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at",
                 "user_id")


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A key as the API shows it: never its hash or secret."""
    return {k: row.get(k) for k in PUBLIC_FIELDS}


def create(
    conn: Connection, workspace_id: uuid.UUID, user_id: uuid.UUID, *, name: str, scopes: list[str],
    expires_at: datetime | None = None, ip: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A new key and its full text (returned only now)."""
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise InvalidInput("scopes", f"unknown scope(s) {', '.join(bad)}; choose from {', '.join(SCOPES)}")
    if not scopes:
        raise InvalidInput("scopes", "give at least one scope")
    if expires_at is not None:
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
        if expires_at <= utcnow():
            raise InvalidInput("expires_at", "must be in the future")
    prefix = secrets.token_hex(4)
    full = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = repo.create_api_key(conn, workspace_id, key_hash=hash_secret(full), prefix=prefix, name=name,
                              user_id=user_id, scopes=sorted(set(scopes)), expires_at=expires_at)
    audit.record(conn, workspace_id, "api_key.created", actor_id=user_id, target_type="api_key",
                 target_id=row["id"], details={"name": name, "prefix": prefix, "scopes": row["scopes"]}, ip=ip)
    return public(row), full


def resolve(conn: Connection, presented: str) -> dict[str, Any] | None:
    """The usable key row for the presented text, or None."""
    if not presented.startswith(KEY_PREFIX) or presented.count("_") < 2:
        return None
    return repo.resolve_api_key(conn, hash_secret(presented))


def record_use(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID, *, touch: bool = True) -> None:
    """Count an API call for the workspace's usage and, if ``touch``, set ``last_used_at``."""
    if touch:
        repo.touch_api_key(conn, workspace_id, key_id)
    usage.count_api_call(conn, workspace_id)


def list_keys(conn: Connection, workspace_id: uuid.UUID) -> list[dict[str, Any]]:
    return [public(r) for r in repo.list_api_keys(conn, workspace_id)]


def revoke(conn: Connection, workspace_id: uuid.UUID, key_id: uuid.UUID, *, actor_id: uuid.UUID,
           ip: str | None = None) -> bool:
    """Revoke a key of the workspace; False when there is no such key here."""
    row = repo.get_api_key(conn, workspace_id, key_id)
    if row is None:
        return False
    if row["revoked_at"] is None:
        repo.revoke_api_key(conn, workspace_id, key_id)
        audit.record(conn, workspace_id, "api_key.revoked", actor_id=actor_id, target_type="api_key",
                     target_id=key_id, details={"name": row["name"], "prefix": row["prefix"]}, ip=ip)
    return True
