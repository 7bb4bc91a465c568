"""Refresh tokens and one-time e-mail tokens. Both belong to a user, not to a workspace,
and only their hashes are stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, delete, insert, or_, select, update

from automatelanka.store.repositories._common import Row, one
from automatelanka.store.schema import EMAIL_TOKEN_PURPOSES, email_tokens, refresh_tokens
from automatelanka.store.types import new_id, utcnow

# --- refresh tokens ---------------------------------------------------------------------------


def create_refresh_token(
    conn: Connection, user_id: uuid.UUID, *, token_hash: str, expires_at: datetime, family: uuid.UUID | None = None
) -> Row:
    """Store a refresh token; a rotated token keeps its predecessor's ``family``."""
    values = {
        "id": new_id(), "user_id": user_id, "token_hash": token_hash, "family": family or new_id(),
        "revoked": False, "expires_at": expires_at, "created_at": utcnow(),
    }
    conn.execute(insert(refresh_tokens).values(**values))
    return values


def find_refresh_token(conn: Connection, token_hash: str) -> Row | None:
    """The token with this hash, revoked or not (a revoked one being reused signals theft)."""
    return one(conn.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)))


def revoke_refresh_token(conn: Connection, token_id: uuid.UUID) -> bool:
    """Revoke one token; False if it was already revoked (so two rotations cannot both win)."""
    stmt = (
        update(refresh_tokens)
        .where(refresh_tokens.c.id == token_id, refresh_tokens.c.revoked.is_(False))
        .values(revoked=True)
    )
    return conn.execute(stmt).rowcount > 0


def revoke_family(conn: Connection, family: uuid.UUID) -> int:
    stmt = update(refresh_tokens).where(refresh_tokens.c.family == family).values(revoked=True)
    return conn.execute(stmt).rowcount


def revoke_user_tokens(conn: Connection, user_id: uuid.UUID) -> int:
    stmt = update(refresh_tokens).where(refresh_tokens.c.user_id == user_id).values(revoked=True)
    return conn.execute(stmt).rowcount


# --- e-mail tokens ----------------------------------------------------------------------------


def create_email_token(
    conn: Connection, user_id: uuid.UUID, *, token_hash: str, purpose: str, expires_at: datetime
) -> Row:
    if purpose not in EMAIL_TOKEN_PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(EMAIL_TOKEN_PURPOSES)}")
    values = {
        "id": new_id(), "user_id": user_id, "token_hash": token_hash, "purpose": purpose,
        "expires_at": expires_at, "used_at": None, "created_at": utcnow(),
    }
    conn.execute(insert(email_tokens).values(**values))
    return values


def consume_email_token(conn: Connection, token_hash: str, *, purpose: str) -> uuid.UUID | None:
    """Use the token once: the user id if it was valid, unused and unexpired, else None."""
    now = utcnow()
    valid = (
        email_tokens.c.token_hash == token_hash,
        email_tokens.c.purpose == purpose,
        email_tokens.c.used_at.is_(None),
        email_tokens.c.expires_at > now,
    )
    if conn.execute(update(email_tokens).where(*valid).values(used_at=now)).rowcount == 0:
        return None
    return conn.execute(select(email_tokens.c.user_id).where(email_tokens.c.token_hash == token_hash)).scalar_one()


def delete_expired_tokens(conn: Connection, *, now: datetime | None = None) -> int:
    """Remove expired refresh tokens and expired or used e-mail tokens; returns the count."""
    now = now or utcnow()
    gone = conn.execute(delete(refresh_tokens).where(refresh_tokens.c.expires_at <= now)).rowcount
    stale = or_(email_tokens.c.expires_at <= now, email_tokens.c.used_at.is_not(None))
    return gone + conn.execute(delete(email_tokens).where(stale)).rowcount
