"""Helpers shared by the workflow, run, webhook and event routes (no router here)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
from fastapi import Request
from sqlalchemy import Engine

from automatelanka.daemon.errors import ApiError
from automatelanka.services.execution import Runtime
from automatelanka.store.db import read_only
from automatelanka.store.errors import Conflict, NotFound


@contextmanager
def service_errors() -> Iterator[None]:
    """Service exceptions as API errors: NotFound 404, Conflict 409, ValueError 422."""
    try:
        yield
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc) or "not found") from None
    except Conflict as exc:
        details = exc.args[1] if len(exc.args) > 1 else None
        raise ApiError(409, "conflict", str(exc.args[0]), details) from None
    except ValueError as exc:
        raise ApiError(422, "validation_error", str(exc)) from None


def engine(request: Request) -> Engine:
    return request.app.state.db


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def queue(request: Request) -> Any:
    return request.app.state.queue


def reading(eng: Engine) -> Any:
    """A read-only connection (no write lock on SQLite)."""
    return read_only(eng.connect())


def normalize_items(items: Any) -> list[dict[str, Any]] | None:
    """Input items: ``[{"json": {...}}]`` or plain objects (wrapped). ValueError otherwise."""
    if items is None:
        return None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ValueError("items: expected a list of objects")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"items[{i}]: expected an object")
        out.append(item if isinstance(item.get("json"), dict) and set(item) <= {"json", "binary", "pairedItem"}
                   else {"json": item})
    return out


async def wait_finished(request: Any, workspace_id: uuid.UUID, run_id: uuid.UUID,
                        timeout: float) -> dict[str, Any] | None:
    """Wait until the run is finished (in-process signal, else the database); the run or None.

    ``request``: the request, or the app itself."""
    from automatelanka.services import runs as run_service
    from automatelanka.store.schema import FINISHED_STATUSES

    state = request.app.state if isinstance(request, Request) else request.state
    rt = state.runtime
    waiter = rt.waiter(run_id)
    eng = state.db
    deadline = anyio.current_time() + timeout
    pause = 0.01  # a run another process executes is seen by polling: soon at first, then every 0.25 s
    try:
        while True:
            remaining = deadline - anyio.current_time()
            if not waiter.is_set() and remaining > 0:
                await anyio.to_thread.run_sync(waiter.wait, min(pause, remaining))
                pause = min(pause * 2, 0.25)
            with reading(eng) as conn:
                run = run_service.get(conn, workspace_id, run_id)
            if run["status"] in FINISHED_STATUSES:
                return run
            if anyio.current_time() >= deadline:
                return None
    finally:
        rt.drop_waiter(run_id)
