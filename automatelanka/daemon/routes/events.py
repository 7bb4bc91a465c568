"""GET /api/events: the workspace's live run events as Server-Sent Events.

Also the daemon's execution ``lifespan``: the runtime, queue and event bus on ``app.state``, and,
when ``app.state.run_worker``, the queue consumer, scheduler, lease recovery and retention threads.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse

from automatelanka.daemon.deps import Principal, require

router = APIRouter(tags=["runs"])
KEEPALIVE_S = 15.0


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    from automatelanka.daemon import worker

    handle = await anyio.to_thread.run_sync(lambda: worker.attach(app, run_worker=bool(app.state.run_worker)))
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(lambda: worker.detach(app, handle))


def sse(event: dict[str, Any]) -> str:
    return f"event: {event.get('type', 'message')}\ndata: {json.dumps(jsonable_encoder(event))}\n\n"


async def run_stream(request: Request, workspace_id: uuid.UUID, run: dict[str, Any]) -> AsyncIterator[str]:
    """Events of one run until it finishes; a finished run gets its final event at once."""
    from automatelanka.daemon.routes._execution_common import engine, reading
    from automatelanka.services import runs as service
    from automatelanka.store.schema import FINISHED_STATUSES

    run_id = str(run["id"])

    def final(row: dict[str, Any]) -> str:
        return sse({"type": "run_finished", "run_id": run_id, "workflow_id": str(row["workflow_id"]),
                    "status": row["status"], "duration_ms": row.get("duration_ms")})

    bus = request.app.state.bus
    async with bus.subscription(workspace_id) as sub:
        if run["status"] in FINISHED_STATUSES:
            yield final(run)
            return
        yield sse({"type": "run_status", "run_id": run_id, "status": run["status"]})
        idle = 0.0
        while True:
            event = await sub.get(timeout=1.0)
            if event is None:
                if await request.is_disconnected():
                    return
                with reading(engine(request)) as conn:  # a worker in another process, without Redis
                    row = service.get(conn, workspace_id, run["id"])
                if row["status"] in FINISHED_STATUSES:
                    yield final(row)
                    return
                idle += 1.0
                if idle >= KEEPALIVE_S:
                    idle = 0.0
                    yield ": keepalive\n\n"
                continue
            if event.get("run_id") != run_id:
                continue
            yield sse(event)
            if event.get("type") == "run_finished":
                return


async def workspace_stream(request: Request, workspace_id: uuid.UUID) -> AsyncIterator[str]:
    bus = request.app.state.bus
    async with bus.subscription(workspace_id) as sub:
        yield ": connected\n\n"
        idle = 0.0
        while True:
            event = await sub.get(timeout=1.0)
            if event is None:
                if await request.is_disconnected():
                    return
                idle += 1.0
                if idle >= KEEPALIVE_S:
                    idle = 0.0
                    yield ": keepalive\n\n"
                continue
            yield sse(event)


@router.get("/api/events", summary="Live run events of the workspace (Server-Sent Events)")
async def events(request: Request, principal: Principal = Depends(require("runs:read"))) -> StreamingResponse:
    return StreamingResponse(workspace_stream(request, principal.workspace_id), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
