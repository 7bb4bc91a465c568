"""The FastAPI application: ``create_app(settings)`` builds it; ``al up`` serves it.

Routers live one per resource in ``daemon/routes/`` and are included automatically (any module
there exposing ``router``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from automatelanka import __version__
from automatelanka.config import Settings, get_settings
from automatelanka.daemon import errors


def _include_routes(app: FastAPI) -> None:
    import automatelanka.daemon.routes as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)


def create_app(settings: Settings | None = None, *, run_worker: bool = False) -> FastAPI:
    """Build the API for ``settings``. ``run_worker`` also runs the queue consumer in-process."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from automatelanka.store.db import create_engine_for
        from automatelanka.store.migrate import upgrade

        upgrade(settings.database_url)
        app.state.db = create_engine_for(settings.database_url)
        try:
            yield
        finally:
            app.state.db.dispose()

    app = FastAPI(title="AutomateLanka", version=__version__, lifespan=lifespan,
                  description="Run n8n workflows: accounts, workspaces, workflows, runs, webhooks, schedules.")
    app.state.settings = settings
    app.state.run_worker = run_worker
    errors.install(app)
    _include_routes(app)
    return app
