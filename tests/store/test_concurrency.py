"""Concurrent writers on one SQLite file never see "database is locked" and lose no update."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from automatelanka.store import migrate
from automatelanka.store.db import create_engine_for
from automatelanka.store.repositories import workspaces as ws_repo

from ._writer import write_many


@pytest.fixture
def sqlite_ws(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    migrate.upgrade(url)
    engine = create_engine_for(url)
    with engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="busy", name="Busy", settings={"count": 0})["id"]
    engine.dispose()
    return url, str(ws)


def _count(url: str, ws: str) -> int:
    import uuid

    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return ws_repo.get_workspace(conn, uuid.UUID(ws))["settings"]["count"]
    finally:
        engine.dispose()


@pytest.mark.timeout(60)
def test_four_processes_times_500_writes(sqlite_ws: tuple[str, str]) -> None:
    url, ws = sqlite_ws
    started = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        done = pool.starmap(write_many, [(url, ws, 500)] * 4)
    assert done == [500] * 4
    assert _count(url, ws) == 2000
    assert time.monotonic() - started < 45


@pytest.mark.timeout(60)
def test_eight_threads_share_one_engine(sqlite_ws: tuple[str, str]) -> None:
    url, ws = sqlite_ws
    with ThreadPoolExecutor(8) as pool:
        done = list(pool.map(lambda _: write_many(url, ws, 100), range(8)))
    assert done == [100] * 8
    assert _count(url, ws) == 800
