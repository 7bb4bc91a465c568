"""The FastAPI application: ``create_app(settings)`` builds it; ``al up`` serves it.

Routers live one per resource in ``daemon/routes/`` and are included automatically (any module
there exposing ``router``). A routes module may also expose ``lifespan(app)``, an async context
manager entered when the app starts (after the database is ready) and left when it stops; that
is where a module starts background work such as the in-process queue worker
(``app.state.run_worker``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from types import ModuleType

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from automatelanka import __version__
from automatelanka.config import Settings, get_settings
from automatelanka.daemon import errors
from automatelanka.daemon.middleware import RequestMiddleware
from automatelanka.daemon.ratelimit import limiter_for
from automatelanka.daemon.webhook_dispatch import WebhookDispatch

DESCRIPTION = """Run n8n workflows: accounts, workspaces, workflows, runs, webhooks, schedules.

Authenticate with `Authorization: Bearer <access token>` (from `/api/auth/login`) or an API key
(`Authorization: Bearer al_...` or `X-API-Key: al_...`). Choose the workspace with `X-Workspace`
(id or slug). Errors are `{"error": {"code", "message", "details"}}`.
"""


def _route_modules() -> list[ModuleType]:
    import automatelanka.daemon.routes as package

    return [importlib.import_module(f"{package.__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
            if not info.name.startswith("_")]


def _runs_by_status(app: FastAPI):  # -> Callable[[], dict[str, int]]
    def read() -> dict[str, int]:
        from automatelanka.store.db import read_only
        from automatelanka.store.repositories.accounts import platform_counts

        with app.state.db.connect() as conn:
            return platform_counts(read_only(conn))["runs"]

    return read


def _freeze_startup_objects() -> None:
    """In a served process (``app.state.freeze_gc``, set by ``al up``): keep what startup loaded
    (modules, node registry, routes) out of the garbage collector's full collections, which
    scanned all of it and paused the event loop for tens of milliseconds (the p99 under load)."""
    import gc

    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, *, run_worker: bool = False) -> FastAPI:
    """Build the API for ``settings``. ``run_worker`` also runs the queue consumer in-process."""
    settings = settings or get_settings()
    modules = _route_modules()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from automatelanka.daemon import metrics
        from automatelanka.store.db import create_engine_for
        from automatelanka.store.migrate import upgrade

        upgrade(settings.database_url)
        app.state.db = create_engine_for(settings.database_url)
        metrics.set_runs_by_status(_runs_by_status(app))
        try:
            async with AsyncExitStack() as stack:
                for module in modules:
                    hook = getattr(module, "lifespan", None)
                    if hook is not None:
                        await stack.enter_async_context(hook(app))
                if getattr(app.state, "freeze_gc", False):
                    _freeze_startup_objects()
                yield
        finally:
            app.state.db.dispose()

    app = FastAPI(title="AutomateLanka", version=__version__, lifespan=lifespan, description=DESCRIPTION)
    app.state.settings = settings
    app.state.run_worker = run_worker
    app.state.limiter = limiter_for(settings.queue_url)
    errors.install(app)
    for module in modules:
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
    app.add_middleware(WebhookDispatch)  # innermost: inside CORS and the request middleware
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Workspace", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"], max_age=600,
        )
    app.add_middleware(RequestMiddleware, limiter=app.state.limiter, rate_limit_ip=settings.rate_limit_ip,
                       rate_limit_auth=settings.rate_limit_auth)
    return app


#: ``al up --workers N`` passes the log level to its worker processes in this variable.
LOG_LEVEL_ENV = "AL_UP_LOG_LEVEL"


def served_app() -> FastAPI:
    """The app one worker process of ``al up --workers N`` serves (uvicorn factory).

    Settings come from the environment the parent prepared (``AL_HOST``/``AL_PORT`` included); the
    parent has already migrated the database. Each process runs its own queue consumer and worker
    threads: every claim is atomic, so several processes share the database and queue safely.
    """
    import os

    from automatelanka.config import load_settings
    from automatelanka.daemon.logs import configure

    configure(os.environ.get(LOG_LEVEL_ENV, "INFO").upper())
    app = create_app(load_settings(), run_worker=True)
    app.state.freeze_gc = True
    return app
