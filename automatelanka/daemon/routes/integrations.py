"""``/api/integrations``: connect services with OAuth 2.0 (authorization code + PKCE), list,
disconnect and test connections."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.daemon.routes._execution_common import service_errors
from automatelanka.services import credential_types as ctypes
from automatelanka.services import credentials as creds
from automatelanka.services import integrations as service
from automatelanka.services import oauth

router = APIRouter(prefix="/api/integrations", tags=["integrations"])


class ConnectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=300, description="Credential name (default: the label)")
    credential_id: uuid.UUID | None = Field(None, description="Reconnect this credential instead of adding one")
    scopes: list[str] | None = Field(None, description="Scopes to ask for (default: the type's own)")


@router.get("", summary="Providers, their configuration and this workspace's connections")
def list_integrations(p: Principal = Depends(require("credentials:read")), engine: Engine = Depends(deps.db),
                      settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    return service.list_integrations(engine, settings, p.workspace_id)


@router.get("/callback", summary="Where the provider sends the browser back (code and state)")
def callback(code: str | None = Query(None, max_length=4096), state: str | None = Query(None, max_length=8192),
             error: str | None = Query(None, max_length=200), error_description: str | None = Query(None, max_length=1000),
             engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    if error:
        raise ApiError(400, "authorization_denied", f"the provider refused: {error}"
                       + (f" ({error_description})" if error_description else ""))
    if not code or not state:
        raise ApiError(422, "validation_error", f"{'code' if not code else 'state'}: required",
                       [{"field": "code" if not code else "state", "problem": "required"}])
    try:
        credential = service.complete(engine, settings, code=code, state=state)
    except oauth.OAuthError as exc:
        raise ApiError(400, "oauth_failed", str(exc)) from None
    return {"connected": True, "credential": credential}


@router.post("/{provider}/connect", summary="Start connecting: the authorization URL to open")
def connect(provider: str, body: ConnectIn | None = None, p: Principal = Depends(require("credentials:write")),
            engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    body = body or ConnectIn()
    ctype = service.provider_type(provider)
    if not ctypes.exists(ctype) or oauth.provider_of(ctype) is None:
        raise ApiError(404, "not_found", f"no OAuth integration {provider!r} (see GET /api/integrations)")
    if body.credential_id is not None:
        with service_errors(), engine.connect() as conn:
            row = creds.get_row(conn, p.workspace_id, body.credential_id)
        if row["type"] != ctype:
            raise ApiError(422, "validation_error", f"credential_id: is a {row['type']} credential, not {ctype}")
    name = body.name or (row["name"] if body.credential_id is not None else ctypes.catalogue()[ctype]["label"])
    try:
        return oauth.authorization_url(settings, workspace_id=p.workspace_id, user_id=p.user_id,
                                       credential_type=ctype, name=name, credential_id=body.credential_id,
                                       scopes=body.scopes)
    except oauth.OAuthError as exc:
        raise ApiError(409, "not_configured", str(exc)) from None


@router.post("/{credential_id}/disconnect", status_code=204, summary="Disconnect (delete the stored tokens)")
def disconnect(credential_id: uuid.UUID, request: Request, p: Principal = Depends(require("credentials:write")),
               engine: Engine = Depends(deps.db)) -> Response:
    with service_errors(), creds.writing(engine) as conn:
        creds.delete(conn, p.workspace_id, credential_id, actor_id=p.user_id, ip=deps.client_ip(request))
    return Response(status_code=204)


@router.post("/{credential_id}/test", summary="Call the service's identity endpoint with the credential")
def test(credential_id: uuid.UUID, p: Principal = Depends(require("credentials:read")),
         engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with service_errors():
        return service.test_credential(engine, settings, p.workspace_id, credential_id)
