"""/api/runs: list, get (with per-node data), cancel, retry, delete, and live events (SSE)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.daemon.routes._execution_common import engine, reading, runtime, service_errors
from automatelanka.daemon.routes._execution_common import queue as run_queue
from automatelanka.daemon.routes.events import run_stream
from automatelanka.services import runs as service
from automatelanka.store.schema import FINISHED_STATUSES

router = APIRouter(prefix="/api/runs", tags=["runs"])
STATUSES = Literal["queued", "running", "waiting", "success", "failed", "cancelled"]
TRIGGERS = Literal["manual", "webhook", "schedule", "api", "retry"]


@router.get("", summary="Runs, newest first (keyset pages on created_at, id)")
def list_runs(request: Request, principal: Principal = Depends(require("runs:read")),
              workflow_id: uuid.UUID | None = None, status: STATUSES | None = None,
              trigger: TRIGGERS | None = None, from_: datetime | None = Query(None, alias="from"),
              to: datetime | None = None, limit: int = Query(50, ge=1, le=500),
              cursor: str | None = None) -> dict[str, Any]:
    with service_errors(), reading(engine(request)) as conn:
        page = service.list_runs(conn, principal.workspace_id, limit=limit, cursor=cursor, workflow_id=workflow_id,
                                 status=status, trigger_type=trigger, created_from=from_, created_to=to)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{run_id}", summary="One run with each node's data")
def get_run(run_id: uuid.UUID, request: Request, principal: Principal = Depends(require("runs:read"))) -> dict[str, Any]:
    with service_errors(), reading(engine(request)) as conn:
        return service.get(conn, principal.workspace_id, run_id, with_nodes=True)


@router.post("/{run_id}/cancel", summary="Cancel a queued or running run")
def cancel_run(run_id: uuid.UUID, request: Request,
               principal: Principal = Depends(require("runs:write"))) -> dict[str, Any]:
    with service_errors(), engine(request).begin() as conn:
        before = service.cancel(conn, principal.workspace_id, run_id)
    if before in FINISHED_STATUSES:
        raise ApiError(409, "conflict", f"the run already finished ({before})", {"status": before})
    if before == "running":
        runtime(request).cancel_locally(run_id)
    return {"run_id": str(run_id), "previous_status": before,
            "status": "cancelled" if before == "queued" else "cancelling"}


@router.post("/{run_id}/retry", status_code=202, summary="Run again with the same input (retry_of)")
def retry_run(run_id: uuid.UUID, request: Request,
              principal: Principal = Depends(require("runs:write"))) -> dict[str, Any]:
    with service_errors(), engine(request).begin() as conn:
        run = service.retry(conn, principal.workspace_id, run_id, triggered_by=principal.user_id)
    run_queue(request).enqueue_run(run)
    return {"run_id": str(run["id"]), "retry_of": str(run_id), "status": "queued"}


@router.delete("/{run_id}", status_code=204, summary="Delete a finished run")
def delete_run(run_id: uuid.UUID, request: Request, principal: Principal = Depends(require("runs:write"))) -> Response:
    try:
        with service_errors(), engine(request).begin() as conn:
            service.delete_run(conn, principal.workspace_id, run_id)
    except ApiError as exc:
        if exc.status == 422:
            raise ApiError(409, "conflict", exc.message) from None
        raise
    return Response(status_code=204)


@router.get("/{run_id}/events", summary="Live events of one run (Server-Sent Events)")
async def run_events(run_id: uuid.UUID, request: Request,
                     principal: Principal = Depends(require("runs:read"))) -> StreamingResponse:
    with service_errors(), reading(engine(request)) as conn:
        run = service.get(conn, principal.workspace_id, run_id)
    return StreamingResponse(run_stream(request, principal.workspace_id, run), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
