"""``/api/admin``: platform-wide views and impersonation, for platform administrators."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.services import admin as service

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/stats", summary="Counts of users, workspaces, workflows, and runs by status")
def stats(_: deps.Identity = Depends(deps.platform_admin), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return service.stats(conn)


@router.get("/users", summary="Every user")
def users(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
          _: deps.Identity = Depends(deps.platform_admin), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": service.users(conn, limit=limit, offset=offset)}


@router.get("/workspaces", summary="Every workspace")
def workspaces(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
               _: deps.Identity = Depends(deps.platform_admin), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": service.workspaces(conn, limit=limit, offset=offset)}


@router.post("/users/{user_id}/impersonate", summary="A 5-minute token acting as the user (audited)")
def impersonate(user_id: uuid.UUID, request: Request, admin: deps.Identity = Depends(deps.platform_admin),
                engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with engine.begin() as conn:
        return service.impersonate(conn, settings, admin.user_id, user_id, ip=deps.client_ip(request))
