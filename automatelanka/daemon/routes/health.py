"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from automatelanka import __version__

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


def _database(request: Request) -> dict[str, Any]:
    from sqlalchemy import text

    from automatelanka.store import migrate

    try:
        with request.app.state.db.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, heads = migrate.current(request.app.state.settings.database_url), migrate.heads()
    except Exception as exc:
        return {"ok": False, "problem": f"database unreachable ({type(exc).__name__})"}
    if current not in heads:
        return {"ok": False, "problem": f"migrations at {current or 'base'}, expected {', '.join(heads)}; "
                                        "run 'al db upgrade'"}
    return {"ok": True, "revision": current}


def _queue(request: Request) -> dict[str, Any]:
    url: str = request.app.state.settings.queue_url
    if url.startswith(("redis://", "rediss://")):
        import redis

        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            client.ping()
            client.close()
        except Exception as exc:
            return {"ok": False, "problem": f"redis unreachable ({type(exc).__name__})"}
        return {"ok": True, "kind": "redis"}
    from pathlib import Path

    from sqlalchemy.engine import make_url

    try:
        database = make_url(url).database or ""
    except Exception:
        return {"ok": False, "problem": "queue_url is not a valid URL"}
    folder = Path(database).expanduser().parent if database not in ("", ":memory:") else Path(".")
    if not folder.is_dir():
        return {"ok": False, "problem": f"queue folder {folder} does not exist"}
    return {"ok": True, "kind": "sqlite"}


@router.get("/readyz", summary="Ready to serve: database reachable and migrated, queue reachable")
async def readyz(request: Request) -> JSONResponse:
    database = await anyio.to_thread.run_sync(_database, request)
    queue = await anyio.to_thread.run_sync(_queue, request)
    ready = database["ok"] and queue["ok"]
    return JSONResponse({"status": "ready" if ready else "not ready", "database": database, "queue": queue},
                        status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def prometheus() -> Response:
    from automatelanka.daemon import metrics

    payload, content_type = metrics.render()
    return Response(payload, media_type=content_type)
