"""``/api/credentials``: encrypted credentials of the workspace. Responses carry metadata only;
the fields sent on create/update are never returned."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import not_found
from automatelanka.daemon.routes._execution_common import service_errors
from automatelanka.services import credential_types as ctypes
from automatelanka.services import credentials as service

router = APIRouter(prefix="/api/credentials", tags=["credentials"])


class CredentialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str = Field(min_length=1, max_length=200, description="n8n credential type, e.g. slackApi")
    name: str = Field(min_length=1, max_length=300)
    data: dict[str, Any] = Field(default_factory=dict, description="The type's fields (encrypted at rest)")


class CredentialPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=300)
    data: dict[str, Any] | None = Field(None, description="Fields to replace; null removes a field")


@router.get("/types", summary="Credential types (n8n's catalogue)")
def list_types(q: str | None = Query(None, max_length=100, description="Filter by type or label")) -> dict[str, Any]:
    needle = (q or "").lower()
    items = [{"type": name, "label": entry.get("label", name), "oauth2": ctypes.is_oauth2(name)}
             for name, entry in ctypes.catalogue().items()
             if not needle or needle in name.lower() or needle in str(entry.get("label", "")).lower()]
    return {"items": items}


@router.get("/types/{credential_type}", summary="One type's fields (what 'al creds add TYPE' asks for)")
def get_type(credential_type: str) -> dict[str, Any]:
    if not ctypes.exists(credential_type):
        raise not_found(f"credential type {credential_type!r}")
    return ctypes.describe(credential_type)


@router.get("", summary="The workspace's credentials (metadata only)")
def list_credentials(type: str | None = Query(None, max_length=200), p: Principal = Depends(require("credentials:read")),
                     engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": service.list_public(conn, p.workspace_id, type=type)}


@router.post("", status_code=201, summary="Create a credential (its fields are encrypted, never returned)")
def create_credential(body: CredentialIn, request: Request, p: Principal = Depends(require("credentials:write")),
                      engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with service_errors(), service.writing(engine) as conn:
        return service.create(conn, settings, p.workspace_id, type=body.type, name=body.name, data=body.data,
                              connected_by=p.user_id, ip=deps.client_ip(request))


@router.get("/{credential_id}", summary="A credential's metadata")
def get_credential(credential_id: uuid.UUID, p: Principal = Depends(require("credentials:read")),
                   engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with service_errors(), engine.connect() as conn:
        return service.get_public(conn, p.workspace_id, credential_id)


@router.patch("/{credential_id}", summary="Rename a credential or change some of its fields")
def update_credential(credential_id: uuid.UUID, body: CredentialPatch, request: Request,
                      p: Principal = Depends(require("credentials:write")), engine: Engine = Depends(deps.db),
                      settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with service_errors(), service.writing(engine) as conn:
        return service.update(conn, settings, p.workspace_id, credential_id, name=body.name, data=body.data,
                              actor_id=p.user_id, ip=deps.client_ip(request))


@router.delete("/{credential_id}", status_code=204, summary="Delete a credential")
def delete_credential(credential_id: uuid.UUID, request: Request, p: Principal = Depends(require("credentials:write")),
                      engine: Engine = Depends(deps.db)) -> Response:
    with service_errors(), service.writing(engine) as conn:
        service.delete(conn, p.workspace_id, credential_id, actor_id=p.user_id, ip=deps.client_ip(request))
    return Response(status_code=204)


@router.post("/{credential_id}/test", summary="Ask the service who this credential is (identity endpoint)")
def test_credential(credential_id: uuid.UUID, p: Principal = Depends(require("credentials:read")),
                    engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    from automatelanka.services import integrations

    with service_errors():
        return integrations.test_credential(engine, settings, p.workspace_id, credential_id)
