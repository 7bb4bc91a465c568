"""Engine set-up: URL handling, SQLite pragmas, portable types and cascades."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from automatelanka.store.db import DatabaseURLError, create_engine_for, normalize_url
from automatelanka.store.repositories import runs as run_repo
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.schema import run_node_data, runs, workflow_versions, workflows


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg"),
        ("postgres://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:////tmp/x.db", "sqlite+pysqlite"),
    ],
)
def test_urls_get_the_supported_driver(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


@pytest.mark.parametrize("bad", ["mysql://u@h/d", "not a url"])
def test_unusable_urls_are_rejected(bad: str) -> None:
    with pytest.raises(DatabaseURLError):
        normalize_url(bad)


def test_sqlite_engine_creates_the_folder_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "al.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")
            }
    finally:
        engine.dispose()
    assert path.exists()
    assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "synchronous": 1, "foreign_keys": 1}


def test_timestamps_come_back_as_the_same_utc_instant(db) -> None:
    colombo = timezone(timedelta(hours=5, minutes=30))
    started = datetime(2025, 1, 2, 8, 0, 0, 123456, tzinfo=colombo)
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="t", name="T")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="w", definition={"nodes": []})["id"]
        run = run_repo.create_run(conn, ws, wf)["id"]
        run_repo.start_run(conn, ws, run, at=started)
    with db.engine.connect() as conn:
        got = run_repo.get_run(conn, ws, run)["started_at"]
    assert got == started
    assert got.tzinfo == UTC


def test_json_round_trips(db) -> None:
    definition = {"nodes": [{"name": "A", "parameters": {"x": [1, 2.5, None, True, "ü"]}}], "connections": {}}
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="j", name="J")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="w", definition=definition)["id"]
    with db.engine.connect() as conn:
        assert wf_repo.get_workflow(conn, ws, wf)["definition"] == definition


def test_deleting_a_workspace_deletes_its_data(db) -> None:
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="gone", name="Gone")["id"]
        keep = ws_repo.create_workspace(conn, slug="kept", name="Kept")["id"]
        for workspace in (ws, keep):
            wf = wf_repo.create_workflow(conn, workspace, name="w", definition={"nodes": []})["id"]
            run = run_repo.create_run(conn, workspace, wf)["id"]
            run_repo.record_node_data(conn, workspace, run, node_name="A", execution_index=0)
    with db.engine.begin() as conn:
        assert ws_repo.delete_workspace(conn, ws)
    with db.engine.connect() as conn:
        for table in (workflows, workflow_versions, runs, run_node_data):
            counts = dict(conn.execute(select(table.c.workspace_id, func.count()).group_by(table.c.workspace_id)).all())
            assert counts == {keep: 1}, table.name
