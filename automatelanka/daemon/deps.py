"""Who is calling, and what they may do: the one permission table every route enforces.

Routes declare ``principal: Principal = Depends(require("workflow:write"))``. The principal's
``workspace_id`` is the workspace every query of the request is scoped to (taken from the
``X-Workspace`` header or the token's default workspace; membership is checked).
"""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import Depends, Path, Request
from sqlalchemy import Connection, Engine

from automatelanka.config import Settings
from automatelanka.daemon.errors import ApiError, forbidden, not_found, unauthenticated
from automatelanka.daemon.ratelimit import retry_after_header

#: permission -> roles that hold it. API keys additionally need the matching scope.
PERMISSIONS: dict[str, frozenset[str]] = {
    "workspace:read": frozenset({"owner", "admin", "member"}),
    "workspace:update": frozenset({"owner", "admin"}),
    "workspace:delete": frozenset({"owner"}),
    "members:read": frozenset({"owner", "admin", "member"}),
    "members:invite": frozenset({"owner", "admin"}),
    "members:remove": frozenset({"owner", "admin"}),
    "members:role": frozenset({"owner"}),
    "workflow:read": frozenset({"owner", "admin", "member"}),
    "workflow:write": frozenset({"owner", "admin", "member"}),
    "workflow:execute": frozenset({"owner", "admin", "member"}),
    "runs:read": frozenset({"owner", "admin", "member"}),
    "runs:write": frozenset({"owner", "admin", "member"}),
    "credentials:read": frozenset({"owner", "admin", "member"}),
    "credentials:write": frozenset({"owner", "admin"}),
    "api_keys:manage": frozenset({"owner", "admin"}),
    "audit:read": frozenset({"owner"}),
    "billing:read": frozenset({"owner", "admin"}),
    "billing:manage": frozenset({"owner"}),
}

#: API key scopes, and the permissions each grants.
SCOPES: dict[str, frozenset[str]] = {
    "workflow:read": frozenset({"workflow:read", "workspace:read", "members:read"}),
    "workflow:write": frozenset({"workflow:write", "workflow:read"}),
    # running a workflow includes finding it (by name or id) and reading its runs
    "workflow:execute": frozenset({"workflow:execute", "workflow:read", "runs:write", "runs:read"}),
    "runs:read": frozenset({"runs:read"}),
    "admin": frozenset(PERMISSIONS),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller within one workspace."""

    user_id: uuid.UUID
    workspace_id: uuid.UUID
    role: str
    is_platform_admin: bool = False
    #: Set when the caller used an API key: the key's scopes limit what the role allows.
    api_key_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    #: Set on impersonation tokens: the admin acting as this user.
    impersonator_id: uuid.UUID | None = None

    def can(self, permission: str) -> bool:
        if self.role not in PERMISSIONS.get(permission, frozenset()):
            return False
        if self.api_key_id is None:
            return True
        return any(permission in SCOPES.get(scope, frozenset()) for scope in self.scopes)


# --- request-scoped dependencies ---------------------------------------------------------------


log = logging.getLogger("automatelanka.daemon")
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class Identity:
    """The authenticated caller before a workspace is chosen."""

    user_id: uuid.UUID
    email: str
    is_platform_admin: bool = False
    #: The API key row (without its hash) when the caller used one.
    api_key: dict[str, Any] | None = None
    impersonator_id: uuid.UUID | None = None


def settings(request: Request) -> Settings:
    return request.app.state.settings


def db(request: Request) -> Engine:
    """The app's SQLAlchemy engine; open ``with engine.begin() as conn`` per unit of work."""
    return request.app.state.db


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise unauthenticated("Authorization must be 'Bearer <token>'")
        return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key else None


_CLAIMS_MAX = 4096
#: (signing key, access token) -> its claims. Decoding verifies the signature and the claims, which
#: depend only on the token and the key, except the expiry, which is checked again on every use.
_claims: dict[tuple[str, str], dict[str, Any]] = {}


def access_claims(settings: Settings, token: str) -> dict[str, Any]:
    """The claims of a valid access token (decoded once per token); InvalidToken otherwise."""
    from automatelanka.services import auth as auth_service
    from automatelanka.services.keys import signing_key

    key = (signing_key(settings), token)
    claims = _claims.get(key)
    if claims is None:
        claims = auth_service.decode_access_token(settings, token)
        if len(_claims) >= _CLAIMS_MAX:
            _claims.clear()  # tokens live 15 minutes: old ones are not worth keeping in order
        _claims[key] = claims
    elif int(claims["exp"]) <= time.time():  # as PyJWT checks it (no leeway)
        raise auth_service.InvalidToken("access token expired")
    return claims


def _connection(engine: Engine, conn: Connection | None) -> AbstractContextManager[Connection]:
    """``conn`` as is (left open), or a new connection of ``engine`` (closed after use)."""
    return nullcontext(conn) if conn is not None else engine.connect()


def _caller(request: Request, wanted: str | None, conn: Connection | None = None
            ) -> tuple[Identity, dict[str, Any] | None]:
    """Who is calling (401 otherwise) and, for an access token, the user's row from
    :func:`accounts.caller` for workspace ``wanted`` (id or slug; None: the default one), both
    read in one query (on ``conn`` if given, else a connection of its own). For an API key the row
    is None (its workspace is resolved with the key)."""
    from automatelanka.services import api_keys
    from automatelanka.services import auth as auth_service
    from automatelanka.store.repositories import accounts
    from automatelanka.store.repositories import users as user_repo

    token = _presented(request)
    if not token:
        raise unauthenticated()
    engine: Engine = request.app.state.db
    key_row = None
    impersonator = None
    row = None
    if token.startswith(api_keys.KEY_PREFIX):
        with _connection(engine, conn) as conn:
            key_row = api_keys.resolve(conn, token)
            if key_row is None:
                raise unauthenticated("invalid, expired or revoked API key")
            user = user_repo.get_user(conn, key_row["user_id"]) if key_row["user_id"] else None
    else:
        try:
            claims = access_claims(request.app.state.settings, token)
        except auth_service.InvalidToken as exc:
            raise unauthenticated(str(exc)) from None
        impersonator = uuid.UUID(claims["imp"]) if "imp" in claims else None
        with _connection(engine, conn) as conn:
            user = row = accounts.caller(conn, uuid.UUID(claims["sub"]), _workspace_ref(wanted))
    if user is None or not user["is_active"]:
        raise unauthenticated("account not found or disabled")
    identity = getattr(request.state, "identity", None)
    if identity is None:
        identity = Identity(user["id"], user["email"], bool(user.get("is_platform_admin")),
                            {k: v for k, v in key_row.items() if k != "key_hash"} if key_row else None,
                            impersonator)
        request.state.identity = identity
        request.state.user_id = str(user["id"])
    return identity, row


def _workspace_ref(wanted: str | None) -> uuid.UUID | str | None:
    """``wanted`` as :func:`services.workspaces.find_workspace` reads it: an id, else a slug."""
    if wanted is None:
        return None
    try:
        return uuid.UUID(wanted)
    except ValueError:
        return wanted


def current_identity(request: Request) -> Identity:
    """Who is calling: a JWT access token or an API key (``al_...``). 401 otherwise."""
    cached = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    return _caller(request, None)[0]


def session_user(identity: Identity = Depends(current_identity)) -> Identity:
    """A signed-in user (not an API key): for account-level actions."""
    if identity.api_key is not None:
        raise forbidden("API keys cannot do this; sign in as the user")
    return identity


def platform_admin(identity: Identity = Depends(session_user)) -> Identity:
    """A platform administrator acting as themselves (not impersonating)."""
    if not identity.is_platform_admin or identity.impersonator_id is not None:
        raise forbidden("platform administrators only")
    return identity


def _check_workspace_rate(request: Request, workspace_id: uuid.UUID) -> None:
    limit = request.app.state.settings.rate_limit_workspace
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is None or limit <= 0:
        return
    wait = limiter.hit(f"ws:{workspace_id}", limit)
    if wait is not None:
        raise ApiError(429, "rate_limited", "too many requests for this workspace; retry later",
                       {"retry_after": int(float(retry_after_header(wait)))},
                       headers={"Retry-After": retry_after_header(wait)})


def _touch_key(engine: Engine, key: dict[str, Any]) -> None:
    from automatelanka.services import api_keys
    from automatelanka.store.types import utcnow

    last = key.get("last_used_at")
    try:
        with engine.begin() as conn:
            api_keys.record_use(conn, key["workspace_id"], key["id"],
                                touch=last is None or utcnow() - last > TOUCH_EVERY)
    except Exception:  # bookkeeping must not fail the request
        log.exception("could not record API key use")


def resolve_principal(request: Request, identity: Identity | None, wanted: str | None,
                      conn: Connection | None = None) -> Principal:
    """The caller within workspace ``wanted`` (id or slug), or their default workspace.

    Without ``wanted``: the API key's workspace, or the user's first workspace. A workspace the
    caller is not a member of is reported as not found. ``identity`` None: the caller is read here
    too (with an access token, user, workspace and role come from one query).
    """
    cache: dict[str | None, Principal] | None = getattr(request.state, "principals", None)
    if cache is None:
        cache = request.state.principals = {}
    if wanted in cache:
        return cache[wanted]
    if identity is None or identity.api_key is None:
        identity, row = _caller(request, wanted, conn)
    if identity.api_key is not None:
        workspace_id, role = _key_membership(request, identity, wanted)
    else:
        assert row is not None
        workspace_id, role = row["workspace_id"], row["role"]
        if workspace_id is None:
            raise not_found("workspace" if wanted is not None else "workspace (you belong to none; create one)")
        if role is None:
            raise not_found("workspace")
    request.state.workspace_id = str(workspace_id)
    _check_workspace_rate(request, workspace_id)
    key = identity.api_key
    if key is not None:
        _touch_key(request.app.state.db, key)
    principal = Principal(
        user_id=identity.user_id, workspace_id=workspace_id, role=role,
        is_platform_admin=identity.is_platform_admin, api_key_id=key["id"] if key else None,
        scopes=frozenset(key["scopes"]) if key else frozenset(), impersonator_id=identity.impersonator_id,
    )
    cache[wanted] = principal
    request.state.principal = principal
    return principal


def _key_membership(request: Request, identity: Identity, wanted: str | None) -> tuple[uuid.UUID, str]:
    """(workspace id, role) of an API key's owner in the key's workspace, which ``wanted`` (if
    given) must name: 404 otherwise; 401 when the owner is no longer a member there."""
    from automatelanka.services import workspaces as ws_service

    key = identity.api_key
    assert key is not None
    with request.app.state.db.connect() as conn:
        if wanted is not None:
            workspace = ws_service.find_workspace(conn, wanted)
            if workspace is None or workspace["id"] != key["workspace_id"]:
                raise not_found("workspace")
        membership = ws_service.membership(conn, key["workspace_id"], identity.user_id)
    if membership is None:
        raise unauthenticated("the API key's owner is no longer a member of its workspace")
    return key["workspace_id"], membership["role"]


def current_principal(request: Request) -> Principal:
    """The caller within the request's workspace: the ``X-Workspace`` header (id or slug) or
    the default one (see :func:`resolve_principal`)."""
    return resolve_principal(request, None, _wanted_workspace(request))


def _wanted_workspace(request: Request) -> str | None:
    return request.headers.get("x-workspace", "").strip() or None


def _check(principal: Principal, permission: str) -> Principal:
    if not principal.can(permission):
        if principal.api_key_id is not None and principal.role in PERMISSIONS[permission]:
            raise forbidden(f"this API key's scopes do not include {permission}")
        raise forbidden(f"your role ({principal.role}) does not allow {permission}")
    return principal


async def credentials(request: Request) -> None:
    """401 unless the request carries credentials: an API key (looked up later), or an access token
    (verified here: signature and expiry, no I/O). For routes that resolve the caller later with
    :func:`authorize`, so that a request without valid credentials still gets its 401 before its
    parameters are validated."""
    from automatelanka.services import api_keys
    from automatelanka.services import auth as auth_service

    token = _presented(request)
    if not token:
        raise unauthenticated()
    if not token.startswith(api_keys.KEY_PREFIX):
        try:
            access_claims(request.app.state.settings, token)
        except auth_service.InvalidToken as exc:
            raise unauthenticated(str(exc)) from None


def authorize(request: Request, permission: str, conn: Connection | None = None) -> Principal:
    """The caller within the request's workspace if they hold ``permission`` (as ``require``), for
    a route that resolves it in the worker thread doing its own work: one thread hop instead of two.
    Call it before reading anything; pass the route's own connection to read the caller on it (one
    connection per request, not two)."""
    return _check(resolve_principal(request, None, _wanted_workspace(request), conn), permission)


def require(permission: str, *, path_param: str | None = None) -> Callable[..., Principal]:
    """A dependency giving the principal if it holds ``permission``: 401 unauthenticated, 403 not allowed.

    ``path_param`` names a path parameter holding the workspace (id or slug) to use instead of
    the ``X-Workspace`` header, as in ``/api/workspaces/{workspace}/members``.
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    if path_param is None:
        async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
            return _check(principal, permission)  # no I/O: not worth a hop to a worker thread
    else:
        def dependency(request: Request, **path: str) -> Principal:  # type: ignore[misc]
            return _check(resolve_principal(request, None, path[path_param]), permission)

        # Declare the path parameter so it is validated and documented in the OpenAPI schema.
        params = list(inspect.signature(dependency).parameters.values())[:1]
        params.append(inspect.Parameter(path_param, inspect.Parameter.KEYWORD_ONLY, annotation=str,
                                        default=Path(description="Workspace id or slug")))
        dependency.__signature__ = inspect.Signature(params, return_annotation=Principal)  # type: ignore[attr-defined]

    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    return dependency
