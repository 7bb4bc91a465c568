"""``/api/auth``: register, sign in, rotate and revoke tokens, verify e-mail, reset a password."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.daemon.errors import ApiError, unauthenticated
from automatelanka.services import auth as service
from automatelanka.services import mail
from automatelanka.services import workspaces as ws_service
from automatelanka.store.repositories import users as user_repo

router = APIRouter(prefix="/api/auth", tags=["auth"])
log = logging.getLogger("automatelanka.daemon")


class RegisterBody(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field("", max_length=200)


class LoginBody(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class RefreshBody(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class EmailBody(BaseModel):
    email: str = Field(min_length=1, max_length=320)


class ResetBody(BaseModel):
    token: str = Field(min_length=1, max_length=512)
    password: str = Field(min_length=1, max_length=1024)


class TokenBody(BaseModel):
    token: str = Field(min_length=1, max_length=512)


def _send(settings: Settings, to: str, subject: str, text: str, link: str) -> bool:
    """Mail without failing the request: the outcome is reported as a boolean."""
    try:
        return mail.send(settings, to, subject, text, link=link)
    except mail.MailError:
        return False


def send_verification(settings: Settings, email: str, token: str) -> bool:
    link = f"{mail.base_url(settings)}/api/auth/verify-email?token={token}"
    return _send(settings, email, "Confirm your e-mail address",
                 f"Confirm your AutomateLanka account by opening:\n\n{link}\n\nThe link is valid for 3 days.\n", link)


@router.post("/register", status_code=201, summary="Create an account and its personal workspace")
def register(body: RegisterBody, engine: Engine = Depends(deps.db),
             settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with engine.begin() as conn:
        user, workspace = service.create_account(conn, email=body.email, password=body.password, name=body.name)
        verify = service.email_token(conn, user["id"], "verify")
        tokens = service.issue_tokens(conn, settings, user["id"])
    send_verification(settings, user["email"], verify)
    return {"user": service.public_user(user), "workspace": ws_service.public(workspace, "owner"),
            **tokens.as_dict()}


@router.post("/login", summary="Exchange e-mail and password for tokens")
def login(body: LoginBody, request: Request, engine: Engine = Depends(deps.db),
          settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with engine.begin() as conn:
        result = service.login(conn, settings, body.email, body.password, ip=deps.client_ip(request))
    if result is None:
        raise unauthenticated("wrong e-mail or password")
    user, tokens = result
    return {"user": service.public_user(user), **tokens.as_dict()}


@router.post("/refresh", summary="Rotate a refresh token")
def refresh(body: RefreshBody, engine: Engine = Depends(deps.db),
            settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    try:
        return service.refresh(engine, settings, body.refresh_token).as_dict()
    except service.InvalidToken as exc:
        raise unauthenticated(str(exc)) from None


@router.post("/logout", status_code=204, summary="Revoke a refresh token (and its rotations)")
def logout(body: RefreshBody, identity: deps.Identity = Depends(deps.current_identity),
           engine: Engine = Depends(deps.db)) -> Response:
    from automatelanka.store.repositories import tokens as token_repo

    with engine.begin() as conn:
        row = token_repo.find_refresh_token(conn, service.hash_secret(body.refresh_token))
        if row is not None and row["user_id"] == identity.user_id:
            token_repo.revoke_family(conn, row["family"])
    return Response(status_code=204)


@router.post("/forgot-password", status_code=202, summary="Mail a password-reset link")
def forgot_password(body: EmailBody, engine: Engine = Depends(deps.db),
                    settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    """Always 202, whether or not the address has an account (no account discovery)."""
    with engine.begin() as conn:
        user = user_repo.get_user_by_email(conn, body.email)
        token = service.email_token(conn, user["id"], "reset") if user and user["is_active"] else None
    if user is not None and token is not None:
        link = f"{mail.base_url(settings)}/reset-password?token={token}"
        _send(settings, user["email"], "Reset your password",
              f"Someone asked to reset your AutomateLanka password. If it was you, open:\n\n{link}\n\n"
              "or POST the token to /api/auth/reset-password. It is valid for 1 hour.\n", link)
    return {"status": "if the address has an account, a reset link is on its way"}


@router.post("/reset-password", status_code=204, summary="Set a new password with a reset token")
def reset_password(body: ResetBody, engine: Engine = Depends(deps.db)) -> Response:
    try:
        with engine.begin() as conn:
            service.reset_password(conn, body.token, body.password)
    except service.InvalidToken as exc:
        raise ApiError(400, "invalid_token", str(exc)) from None
    return Response(status_code=204)


def _verify(token: str, engine: Engine) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            service.verify_email(conn, token)
    except service.InvalidToken as exc:
        raise ApiError(400, "invalid_token", str(exc)) from None
    return {"status": "e-mail address verified"}


@router.post("/verify-email", summary="Confirm an e-mail address with its token")
def verify_email(body: TokenBody, engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    return _verify(body.token, engine)


@router.get("/verify-email", summary="Confirm an e-mail address (the link in the mail)")
def verify_email_link(token: str, engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    return _verify(token, engine)


@router.post("/verify-email/resend", status_code=202, summary="Mail a new verification link")
def resend_verification(identity: deps.Identity = Depends(deps.session_user), engine: Engine = Depends(deps.db),
                        settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with engine.begin() as conn:
        user = user_repo.get_user(conn, identity.user_id)
        if user is None:
            raise unauthenticated()
        if user["email_verified_at"] is not None:
            return {"status": "already verified", "mail_sent": False}
        token = service.email_token(conn, identity.user_id, "verify")
    return {"status": "sent", "mail_sent": send_verification(settings, user["email"], token)}


@router.get("/me", summary="The signed-in user and their workspaces")
def me(identity: deps.Identity = Depends(deps.current_identity), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        user = user_repo.get_user(conn, identity.user_id)
        workspaces = ws_service.list_for_user(conn, identity.user_id)
    if user is None:
        raise unauthenticated()
    if identity.api_key is not None:
        workspaces = [w for w in workspaces if w["id"] == identity.api_key["workspace_id"]]
    out: dict[str, Any] = {"user": service.public_user(user), "workspaces": workspaces}
    if identity.impersonator_id is not None:
        out["impersonated_by"] = identity.impersonator_id
    if identity.api_key is not None:
        out["api_key"] = {k: identity.api_key.get(k) for k in ("id", "name", "prefix", "scopes")}
    return out
