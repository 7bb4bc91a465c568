"""Group commit: one thread runs the write jobs of concurrent runs in shared transactions.

``submit(job)`` queues ``job(conn)`` and returns a :class:`concurrent.futures.Future` of its
result. The writer thread takes every job waiting (up to ``max_batch``), runs them in one
:func:`~automatelanka.services.execution.writing` transaction and resolves their futures only
after the commit, so a caller that waits for its future knows its rows are stored. When several
runs finish together their writes cost one ``BEGIN IMMEDIATE``/``COMMIT`` (and, on SQLite, one
turn of the write lock) instead of one each.

A job must only touch the database through ``conn`` (it may run twice: when any job of a batch
raises, the batch is rolled back and each job runs again alone, so one failure, such as a
workflow deleted meanwhile, fails only its own future).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

log = logging.getLogger("automatelanka.writer")
T = TypeVar("T")
Job = Callable[[Connection], Any]
_STOP = object()
#: How soon a loop flush that found the write lock taken tries again.
RETRY_S = 0.001


class Writer:
    """A writer thread for ``engine`` (see module docstring); ``close()`` drains and stops it."""

    def __init__(self, engine: Engine, *, max_batch: int = 64, name: str = "al-writer") -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[Connection], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the writer is closed"))
            return future
        self._queue.put((job, future))
        return future

    def close(self, timeout: float = 10.0) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = []
            first = self._queue.get()
            if first is _STOP:
                break
            batch.append(first)
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[tuple[Job, Future[Any]]]) -> None:
        write_batch(self.engine, batch)


class LoopWriter:
    """The same group commit on an asyncio event loop's own thread, for SQLite.

    ``submit`` from the loop queues the job and schedules one flush for this turn of the loop: the
    jobs of every run that finished meanwhile go into one transaction, written in the loop thread.
    SQLite writes are in-process and short, so this costs the loop less than handing each job to
    a writer thread did: no thread wakeups, and no fight for the GIL (the thread released it for
    every statement and waited to get it back, about 20 context switches per webhook run).
    ``submit`` from another thread hands the job to the loop. The write lock is never waited
    for on the loop: while another writer holds it, the flush is retried a millisecond later."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop, *, max_batch: int = 64) -> None:
        self.engine = engine
        self.loop = loop
        self.max_batch = max_batch
        self._pending: list[tuple[Job, Future[Any]]] = []
        self._scheduled = False
        self._closed = False
        self._thread_id = threading.get_ident()
        self._conn: Connection | None = None

    def submit(self, job: Callable[[Connection], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the writer is closed"))
        elif threading.get_ident() == self._thread_id:
            self._add(job, future)
        else:
            self.loop.call_soon_threadsafe(self._add, job, future)
        return future

    def _add(self, job: Job, future: Future[Any]) -> None:
        self._pending.append((job, future))
        if not self._scheduled:
            self._scheduled = True
            self.loop.call_soon(self._flush)

    def _flush(self, *, wait: bool = False) -> None:
        """Write what is pending. The write lock is taken without waiting: while another writer
        (thread or process) holds it, the loop keeps serving and the flush is tried again shortly,
        with whatever finished meanwhile added to it."""
        from automatelanka.services.execution import write_lock

        self._scheduled = False
        if not self._pending:
            return
        with write_lock(self.engine, wait=wait) as held:
            if not held:
                self._scheduled = True
                self.loop.call_later(RETRY_S, self._flush)
                return
            while self._pending:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
                if self._conn is None:  # its own connection: its page cache stays warm between batches
                    self._conn = self.engine.connect()
                try:
                    write_batch(self.engine, batch, self._conn, locked=True)
                except Exception as exc:  # the connection itself failed: the next batch opens a new one
                    log.exception("writing a batch of %d runs failed", len(batch))
                    self._drop_connection()
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self, timeout: float = 10.0) -> None:
        """Write what is pending (call from the loop's thread) and refuse new jobs."""
        self._closed = True
        self._flush(wait=True)
        self._drop_connection()


def write_batch(engine: Engine, batch: list[tuple[Job, Future[Any]]], conn: Connection | None = None, *,
                locked: bool = False) -> None:
    """Run the jobs of ``batch`` in one transaction (on ``conn`` if given; ``locked``: the caller
    holds the write lock) and resolve their futures after the commit; if any job raises, roll
    back and run each job alone (see module docstring)."""
    from automatelanka.services.execution import writing
    from automatelanka.store.repositories.usage import batched

    pending = [(job, future) for job, future in batch if future.set_running_or_notify_cancel()]
    if not pending:
        return
    if len(pending) > 1:
        try:
            with writing(engine, conn, locked=locked) as tx, batched(tx):
                results = [job(tx) for job, _ in pending]
        except Exception:
            log.debug("a grouped write failed; writing the %d jobs one by one", len(pending), exc_info=True)
        else:
            for (_, future), result in zip(pending, results, strict=True):
                future.set_result(result)
            return
    for job, future in pending:
        try:
            with writing(engine, conn, locked=locked) as tx, batched(tx):
                result = job(tx)
        except Exception as exc:  # handed to the caller
            future.set_exception(exc)
        else:
            future.set_result(result)
