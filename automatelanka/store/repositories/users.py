"""Users. Users are global (not tenant data); workspace access goes through memberships."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from automatelanka.store.repositories._common import Row, checked_values, one
from automatelanka.store.schema import users
from automatelanka.store.types import new_id, utcnow

UPDATABLE = (
    "name", "password_hash", "is_active", "email_verified_at", "last_login_at", "email", "is_platform_admin",
)


def normalize_email(email: str) -> str:
    """E-mail addresses are unique regardless of case and surrounding spaces."""
    return email.strip().lower()


def create_user(
    conn: Connection, *, email: str, name: str = "", password_hash: str | None = None, is_platform_admin: bool = False
) -> Row:
    """Create a user; IntegrityError if the e-mail is taken."""
    now = utcnow()
    values = {
        "id": new_id(), "email": normalize_email(email), "name": name, "password_hash": password_hash,
        "is_active": True, "is_platform_admin": is_platform_admin, "created_at": now, "updated_at": now,
    }
    conn.execute(insert(users).values(**values))
    return {**values, "email_verified_at": None, "last_login_at": None}


def get_user(conn: Connection, user_id: uuid.UUID) -> Row | None:
    return one(conn.execute(select(users).where(users.c.id == user_id)))


def get_user_by_email(conn: Connection, email: str) -> Row | None:
    return one(conn.execute(select(users).where(users.c.email == normalize_email(email))))


def update_user(conn: Connection, user_id: uuid.UUID, **values: Any) -> bool:
    """Change the given fields; False when the user does not exist."""
    values = checked_values(values, UPDATABLE)
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    stmt = update(users).where(users.c.id == user_id).values(**values, updated_at=utcnow())
    return conn.execute(stmt).rowcount > 0


def delete_user(conn: Connection, user_id: uuid.UUID) -> bool:
    return conn.execute(delete(users).where(users.c.id == user_id)).rowcount > 0
