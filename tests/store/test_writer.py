"""Group commit: the jobs submitted together share one transaction, a failing job fails only its
own future, and the event-loop writer never blocks the loop on a write lock held elsewhere."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from automatelanka.services.execution import write_lock
from automatelanka.services.writer import LoopWriter, Writer
from automatelanka.store.db import create_engine_for


@pytest.fixture
def engine(tmp_path: Path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


def _insert(n: int):
    def job(conn):
        conn.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
        return id(conn.connection.driver_connection), n

    return job


def _rows(engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT n FROM t ORDER BY n"))]


def test_loop_writer_writes_one_turns_jobs_together_and_isolates_a_failure(engine) -> None:
    async def scenario():
        writer = LoopWriter(engine, asyncio.get_running_loop())
        futures = [writer.submit(_insert(n)) for n in (1, 2, 3)] + [writer.submit(_insert(2))]  # duplicate key
        results = await asyncio.gather(*(asyncio.wrap_future(f) for f in futures), return_exceptions=True)
        writer.close()
        return results

    results = asyncio.run(scenario())
    assert [r[1] for r in results[:3]] == [1, 2, 3]
    assert len({r[0] for r in results[:3]}) == 1  # one connection: the writer's own
    assert "UNIQUE" in str(results[3])
    assert _rows(engine) == [1, 2, 3]


def test_loop_writer_keeps_the_loop_running_while_another_writer_holds_the_lock(engine) -> None:
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with write_lock(engine):
            held.set()
            release.wait(5)

    async def scenario() -> tuple[int, list[int]]:
        writer = LoopWriter(engine, asyncio.get_running_loop())
        thread = threading.Thread(target=other_writer)
        thread.start()
        held.wait(5)
        future = asyncio.wrap_future(writer.submit(_insert(7)))
        ticks = 0
        began = time.monotonic()
        while time.monotonic() - began < 0.2:  # the loop goes on meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert not future.done() and _rows(engine) == []
        release.set()
        await asyncio.wait_for(future, 5)
        thread.join(5)
        writer.close()
        return ticks, _rows(engine)

    ticks, rows = asyncio.run(scenario())
    assert ticks >= 10 and rows == [7]


def test_thread_writer_resolves_after_the_commit(engine) -> None:
    writer = Writer(engine)
    try:
        futures = [writer.submit(_insert(n)) for n in range(5)]
        assert [f.result(5)[1] for f in futures] == list(range(5))
        assert _rows(engine) == list(range(5))
    finally:
        writer.close()
