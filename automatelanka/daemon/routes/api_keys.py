"""``/api/api-keys``: keys for scripts and CI, scoped to one workspace."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import not_found
from automatelanka.services import api_keys as service

router = APIRouter(prefix="/api/api-keys", tags=["api keys"])
Scope = Literal["workflow:read", "workflow:write", "workflow:execute", "runs:read", "admin"]


class KeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1)
    expires_at: datetime | None = None


@router.post("", status_code=201, summary="Create a key (its full text is shown only in this response)")
def create_key(body: KeyCreate, request: Request, p: Principal = Depends(require("api_keys:manage")),
               engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.begin() as conn:
        row, full = service.create(conn, p.workspace_id, p.user_id, name=body.name, scopes=list(body.scopes),
                                   expires_at=body.expires_at, ip=deps.client_ip(request))
    return {**row, "key": full}


@router.get("", summary="The workspace's keys (never their secrets)")
def list_keys(p: Principal = Depends(require("api_keys:manage")), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": service.list_keys(conn, p.workspace_id)}


@router.delete("/{key_id}", status_code=204, summary="Revoke a key")
def revoke_key(key_id: uuid.UUID, request: Request, p: Principal = Depends(require("api_keys:manage")),
               engine: Engine = Depends(deps.db)) -> Response:
    with engine.begin() as conn:
        if not service.revoke(conn, p.workspace_id, key_id, actor_id=p.user_id, ip=deps.client_ip(request)):
            raise not_found("API key")
    return Response(status_code=204)
