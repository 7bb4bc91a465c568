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
        from automatelanka.services.execution import writing
        from automatelanka.store.repositories.usage import batched

        pending = [(job, future) for job, future in batch if future.set_running_or_notify_cancel()]
        if not pending:
            return
        if len(pending) > 1:
            try:
                with writing(self.engine) as conn, batched(conn):
                    results = [job(conn) for job, _ in pending]
            except Exception:
                log.debug("a grouped write failed; writing the %d jobs one by one", len(pending), exc_info=True)
            else:
                for (_, future), result in zip(pending, results, strict=True):
                    future.set_result(result)
                return
        for job, future in pending:
            try:
                with writing(self.engine) as conn, batched(conn):
                    result = job(conn)
            except Exception as exc:  # handed to the caller
                future.set_exception(exc)
            else:
                future.set_result(result)
