"""``/api/audit``: the workspace's audit log, for its owners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Engine

from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.services import audit as service

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", summary="Audit entries, newest first")
def list_entries(action: str | None = Query(None, max_length=100), limit: int = Query(50, ge=1, le=500),
                 cursor: str | None = Query(None, max_length=200),
                 p: Principal = Depends(require("audit:read")), engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    try:
        with engine.connect() as conn:
            page = service.entries(conn, p.workspace_id, action=action, limit=limit, cursor=cursor)
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"cursor: {exc}", [{"field": "cursor", "problem": str(exc)}]) from None
    return {"items": page.items, "next_cursor": page.next_cursor}
