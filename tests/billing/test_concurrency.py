"""Run counting under concurrency: 8 workers starting runs at once lose no increment and never
pass the plan's limit, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from automatelanka.config import Settings
from automatelanka.services import limits, plans, usage
from automatelanka.services import runs as run_service
from automatelanka.store.repositories import billing as billing_repo
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.schema import runs
from automatelanka.store.types import utcnow

WORKERS = 8


def _workspace(engine, plan_code: str | None) -> tuple[uuid.UUID, uuid.UUID]:
    with engine.begin() as conn:
        plans.ensure_defaults(conn)  # PostgreSQL test databases are emptied between tests
        ws = ws_repo.create_workspace(conn, slug=f"ws-{uuid.uuid4().hex[:8]}", name="Busy")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="wf", definition={"nodes": [], "connections": {}})["id"]
        if plan_code:
            plan = billing_repo.get_plan_by_code(conn, plan_code)
            now = utcnow()
            billing_repo.create_subscription(conn, ws, plan_id=plan["id"], period_start=now - timedelta(days=1),
                                             period_end=now + timedelta(days=29), provider="stripe",
                                             provider_ref=f"sub_{uuid.uuid4().hex[:8]}")
    return ws, wf


def _start(engine, ws: uuid.UUID, wf: uuid.UUID, count: int) -> int:
    """Start ``count`` runs one transaction each; how many were admitted."""
    admitted = 0
    for _ in range(count):
        try:
            with engine.begin() as conn:
                run_service.create_queued(conn, ws, wf, trigger_type="api", input={})
            admitted += 1
        except limits.PlanLimitExceeded:
            pass
    return admitted


def _rows(engine, ws: uuid.UUID) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runs).where(runs.c.workspace_id == ws)).scalar()


def _hosted(db, tmp_path) -> None:
    limits.configure(db.engine, Settings(home=tmp_path, database_url=db.url, queue_url="", billing_enabled=True))


@pytest.mark.timeout(120)
def test_1000_runs_from_8_workers_are_counted_exactly_1000(db, tmp_path) -> None:
    _hosted(db, tmp_path)
    ws, wf = _workspace(db.engine, "pro")  # 10,000 runs: the conditional-increment path
    with ThreadPoolExecutor(WORKERS) as pool:
        admitted = list(pool.map(lambda _: _start(db.engine, ws, wf, 125), range(WORKERS)))
    assert sum(admitted) == 1000
    with db.engine.connect() as conn:
        assert usage.current(conn, ws)["runs"] == 1000
    assert _rows(db.engine, ws) == 1000


@pytest.mark.timeout(120)
def test_8_workers_racing_past_the_limit_admit_exactly_the_limit(db, tmp_path) -> None:
    _hosted(db, tmp_path)
    ws, wf = _workspace(db.engine, None)  # Free: 100 runs
    with ThreadPoolExecutor(WORKERS) as pool:
        admitted = list(pool.map(lambda _: _start(db.engine, ws, wf, 30), range(WORKERS)))
    assert sum(admitted) == 100
    with db.engine.connect() as conn:
        assert usage.current(conn, ws)["runs"] == 100
    assert _rows(db.engine, ws) == 100


def test_billing_off_counts_without_limit(db, tmp_path) -> None:
    limits.configure(db.engine, Settings(home=tmp_path, database_url=db.url, queue_url="", billing_enabled=False))
    ws, wf = _workspace(db.engine, None)
    assert _start(db.engine, ws, wf, 150) == 150
    with db.engine.connect() as conn:
        assert usage.current(conn, ws)["runs"] == 150
