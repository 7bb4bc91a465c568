"""PostgreSQL: searches read only the matching documents (through the GIN index), even right after a
bulk import and with autovacuum off or not yet run."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from automatelanka.services import search
from automatelanka.store import migrate
from automatelanka.store.db import create_engine_for
from automatelanka.store.repositories import workflows as repo
from automatelanka.store.repositories import workspaces

from .conftest import workflow

NOTES = "Reads the incoming order, checks the stock level and tells the warehouse team what to pack. " * 8


@pytest.mark.postgres
def test_a_search_after_a_bulk_import_uses_the_full_text_index(pg_server) -> None:
    url = pg_server.create_database()
    migrate.upgrade(url)
    engine = create_engine_for(url)
    try:
        with engine.begin() as conn:
            ws = workspaces.create_workspace(conn, slug="bulk", name="Bulk")["id"]
            for i in range(400):  # saved without the hook: the freshness check indexes them in one sync
                types = ("webhook", "slack") if i % 40 == 0 else ("webhook", "set", "if")
                repo.create_workflow(conn, ws, name=f"Order flow {i}", definition=workflow(f"Order flow {i}",
                                                                                          *types, notes=NOTES))
        search.refresh(engine, ws, max_age=0)
        with engine.connect() as conn:
            found = search.search_workflows(conn, ws, "slack", limit=50)
            plan = "\n".join(r[0] for r in conn.execute(text(
                "EXPLAIN SELECT count(*) FROM search_documents d WHERE d.document @@ to_tsquery('english', "
                "'tslack') AND d.workspace_id = :ws"), {"ws": ws}))
        assert found.total == 10
        assert "ix_search_documents_document" in plan, plan
    finally:
        engine.dispose()
