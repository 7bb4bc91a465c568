"""Worker for the concurrency test (a module of its own so spawned processes can import it)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from automatelanka.store.db import create_engine_for
from automatelanka.store.repositories import audit
from automatelanka.store.schema import workspaces


def write_many(url: str, workspace_id: str, writes: int) -> int:
    """``writes`` short transactions that read, then write: the pattern that fails under
    deferred transactions with "database is locked". Returns how many committed."""
    ws = uuid.UUID(workspace_id)
    engine = create_engine_for(url)
    done = 0
    try:
        for i in range(writes):
            with engine.begin() as conn:
                settings = conn.execute(select(workspaces.c.settings).where(workspaces.c.id == ws)).scalar_one()
                count = settings.get("count", 0) + 1
                conn.execute(update(workspaces).where(workspaces.c.id == ws).values(settings={"count": count}))
                if i % 10 == 0:
                    audit.record(conn, ws, "test.write", details={"i": i})
            done += 1
    finally:
        engine.dispose()
    return done
