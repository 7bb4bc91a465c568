"""Accounts: passwords, access and refresh tokens, e-mail verification and password reset.

Access tokens are JWTs (HS256, 15 minutes) signed with :func:`keys.signing_key`. Refresh tokens
are random strings stored hashed; each use rotates them within a *family*, and presenting a
rotated token again revokes the whole family (someone else holds a copy). One-time e-mail
tokens (verify, reset) are stored hashed too, with an expiry.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine

from automatelanka.config import Settings
from automatelanka.services import audit, keys
from automatelanka.store.errors import Conflict
from automatelanka.store.repositories import tokens as token_repo
from automatelanka.store.repositories import users as user_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.types import utcnow

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
IMPERSONATION_TTL = timedelta(minutes=5)
EMAIL_TOKEN_TTL = {"verify": timedelta(days=3), "reset": timedelta(hours=1)}
MIN_PASSWORD = 8
AUDIENCE = "automatelanka"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: The password hasher (tests swap in cheaper parameters).
HASHER = PasswordHasher()
_DUMMY_HASH: str | None = None


class InvalidInput(ValueError):
    """The caller's input cannot be used; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidToken(Exception):
    """The presented token is unknown, expired, revoked or malformed."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"

    def as_dict(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "token_type": self.token_type, "expires_in": self.expires_in}


# --- primitives --------------------------------------------------------------------------------


def hash_secret(value: str) -> str:
    """SHA-256 hex of a random token (tokens are high-entropy, so no salt is needed)."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def check_email(email: str) -> str:
    email = user_repo.normalize_email(email)
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise InvalidInput("email", "not a valid e-mail address")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InvalidInput("password", "must be at most 1024 characters")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time: a missing hash still costs one verification."""
    global _DUMMY_HASH
    if not password_hash:
        _DUMMY_HASH = _DUMMY_HASH or HASHER.hash("not-a-password")
        password_hash, password = _DUMMY_HASH, password + "\0"
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def access_token(settings: Settings, user_id: uuid.UUID, *, ttl: timedelta = ACCESS_TTL,
                 impersonator_id: uuid.UUID | None = None) -> str:
    now = utcnow()
    claims: dict[str, Any] = {"sub": str(user_id), "iat": now, "exp": now + ttl, "aud": AUDIENCE,
                              "typ": "access", "jti": uuid.uuid4().hex}
    if impersonator_id is not None:
        claims["imp"] = str(impersonator_id)
    return jwt.encode(claims, keys.signing_key(settings), algorithm="HS256")


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """The claims of a valid access token; :class:`InvalidToken` otherwise."""
    try:
        claims = jwt.decode(token, keys.signing_key(settings), algorithms=["HS256"], audience=AUDIENCE,
                            options={"require": ["sub", "exp", "iat"]})
        if claims.get("typ") != "access":
            raise InvalidToken("not an access token")
        uuid.UUID(claims["sub"])
        if "imp" in claims:
            uuid.UUID(claims["imp"])
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("access token expired") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise InvalidToken("invalid access token") from exc
    return claims


def issue_tokens(conn: Connection, settings: Settings, user_id: uuid.UUID, *, family: uuid.UUID | None = None) -> Tokens:
    """A new access token and a new refresh token (in ``family`` when rotating)."""
    refresh = new_secret()
    token_repo.create_refresh_token(conn, user_id, token_hash=hash_secret(refresh),
                                    expires_at=utcnow() + REFRESH_TTL, family=family)
    return Tokens(access_token(settings, user_id), refresh, int(ACCESS_TTL.total_seconds()))


# --- accounts ----------------------------------------------------------------------------------


def unique_slug(conn: Connection, base: str) -> str:
    """A free workspace slug derived from ``base``."""
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:40] or "workspace"
    candidate = slug
    while ws_repo.get_workspace_by_slug(conn, candidate) is not None:
        candidate = f"{slug}-{secrets.token_hex(3)}"
    return candidate


def create_account(
    conn: Connection, *, email: str, password: str, name: str = "", workspace_name: str | None = None,
    is_platform_admin: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A user and their own workspace (as owner). :class:`Conflict` if the e-mail is taken."""
    email = check_email(email)
    check_password(password)
    if user_repo.get_user_by_email(conn, email) is not None:
        raise Conflict("an account with this e-mail already exists")
    user = user_repo.create_user(conn, email=email, name=name.strip(), password_hash=hash_password(password),
                                 is_platform_admin=is_platform_admin)
    ws_name = workspace_name or (f"{name.strip()}'s workspace" if name.strip() else email.split("@")[0])
    workspace = ws_repo.create_workspace(conn, slug=unique_slug(conn, workspace_name or email.split("@")[0]),
                                         name=ws_name, owner_id=user["id"])
    return user, workspace


def login(conn: Connection, settings: Settings, email: str, password: str, *, ip: str | None = None
          ) -> tuple[dict[str, Any], Tokens] | None:
    """Tokens for a correct e-mail and password; None (and an audited failure) otherwise."""
    user = user_repo.get_user_by_email(conn, email)
    ok = verify_password(user["password_hash"] if user else None, password)
    if user is None:
        return None
    memberships = ws_repo.list_workspaces_for_user(conn, user["id"])
    if not ok or not user["is_active"]:
        for ws in memberships:
            audit.record(conn, ws["id"], "auth.login_failed", actor_id=user["id"], target_type="user",
                         target_id=user["id"], ip=ip,
                         details={"reason": "bad password" if not ok else "inactive account"})
        return None
    if HASHER.check_needs_rehash(user["password_hash"]):
        user_repo.update_user(conn, user["id"], password_hash=hash_password(password))
    user_repo.update_user(conn, user["id"], last_login_at=utcnow())
    for ws in memberships:
        audit.record(conn, ws["id"], "auth.login", actor_id=user["id"], target_type="user",
                     target_id=user["id"], ip=ip)
    return user, issue_tokens(conn, settings, user["id"])


def refresh(engine: Engine, settings: Settings, refresh_token: str) -> Tokens:
    """Rotate a refresh token. Reusing a rotated one revokes its family (committed) and fails."""
    with engine.begin() as conn:
        row = token_repo.find_refresh_token(conn, hash_secret(refresh_token))
        if row is None or row["expires_at"] <= utcnow():
            raise InvalidToken("invalid or expired refresh token")
        reused = row["revoked"] or not token_repo.revoke_refresh_token(conn, row["id"])
        if not reused:
            user = user_repo.get_user(conn, row["user_id"])
            if user is None or not user["is_active"]:
                raise InvalidToken("account disabled")
            return issue_tokens(conn, settings, row["user_id"], family=row["family"])
        token_repo.revoke_family(conn, row["family"])
    raise InvalidToken("refresh token was already used; every session of this sign-in is revoked")


def logout(conn: Connection, refresh_token: str) -> bool:
    """Revoke the refresh token's family (this sign-in on every device it was rotated to)."""
    row = token_repo.find_refresh_token(conn, hash_secret(refresh_token))
    if row is None:
        return False
    token_repo.revoke_family(conn, row["family"])
    return True


def email_token(conn: Connection, user_id: uuid.UUID, purpose: str) -> str:
    """A new one-time token for ``purpose`` ("verify" or "reset"); only its hash is stored."""
    token = new_secret()
    token_repo.create_email_token(conn, user_id, token_hash=hash_secret(token), purpose=purpose,
                                  expires_at=utcnow() + EMAIL_TOKEN_TTL[purpose])
    return token


def reset_password(conn: Connection, token: str, password: str) -> uuid.UUID:
    """Set a new password with a reset token; every refresh token of the user is revoked."""
    check_password(password)
    user_id = token_repo.consume_email_token(conn, hash_secret(token), purpose="reset")
    if user_id is None:
        raise InvalidToken("invalid, used or expired reset token")
    user_repo.update_user(conn, user_id, password_hash=hash_password(password))
    token_repo.revoke_user_tokens(conn, user_id)
    return user_id


def verify_email(conn: Connection, token: str) -> uuid.UUID:
    user_id = token_repo.consume_email_token(conn, hash_secret(token), purpose="verify")
    if user_id is None:
        raise InvalidToken("invalid, used or expired verification token")
    user_repo.update_user(conn, user_id, email_verified_at=utcnow())
    return user_id


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    """The fields of a user an API response may show."""
    return {k: user.get(k) for k in ("id", "email", "name", "is_active", "is_platform_admin",
                                     "email_verified_at", "last_login_at", "created_at")}
