"""The run queue: huey tasks that execute a stored run, and the consumer that drains them.

``queue_url`` picks the backend: ``redis://`` -> RedisHuey (blocking pop: a worker in any
process picks a run up at once); anything else -> SqliteHuey on a file (default
``$AL_HOME/queue.db``). Huey's own consumer backs off to seconds when idle, so :class:`Consumer`
is a small one of ours: one dispatcher thread dequeues and hands tasks to ``concurrency`` worker
threads; an enqueue made in the same process wakes it through a ``threading.Event`` (idle
pickup in about a millisecond), other processes are seen by polling every ``poll_s``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from automatelanka.services.execution import Runtime, execute_queued

log = logging.getLogger("automatelanka.queue")
TASK_NAME = "automatelanka.run"
#: The huey queue name (tests give each test its own on a shared Redis).
QUEUE_NAME = "automatelanka"


def make_huey(queue_url: str, name: str | None = None) -> Any:
    """A huey instance for ``queue_url`` (results are not stored: runs live in the database)."""
    name = name or QUEUE_NAME
    if queue_url.startswith(("redis://", "rediss://")):
        from huey import RedisHuey

        return RedisHuey(name, url=queue_url, results=False, blocking=True, read_timeout=1)
    from huey import SqliteHuey

    path = queue_url.removeprefix("sqlite:///") if queue_url.startswith("sqlite:") else queue_url
    Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(Path(path).expanduser()), results=False, fsync=False, timeout=30)


class RunQueue:
    """Enqueue runs by id; the task executes them with the Runtime a consumer attached."""

    def __init__(self, queue_url: str) -> None:
        self.url = queue_url
        self.huey = make_huey(queue_url)
        self.wake = threading.Event()
        self.runtime: Runtime | None = None
        self.task = self.huey.task(name=TASK_NAME)(self._execute)

    @property
    def is_redis(self) -> bool:
        return self.url.startswith(("redis://", "rediss://"))

    def enqueue(self, run_id: uuid.UUID | str, workspace_id: uuid.UUID | str) -> None:
        self.task(str(run_id), str(workspace_id))
        self.wake.set()

    def enqueue_run(self, run: dict[str, Any]) -> None:
        self.enqueue(run["id"], run["workspace_id"])

    def pending(self) -> int:
        return self.huey.pending_count()

    def flush(self) -> None:
        self.huey.flush()

    def _execute(self, run_id: str, workspace_id: str) -> str:
        if self.runtime is None:
            raise RuntimeError("no runtime attached to this queue (start a Consumer)")
        return execute_queued(self.runtime, uuid.UUID(workspace_id), uuid.UUID(run_id))


class Consumer:
    """Drains a RunQueue with ``concurrency`` threads."""

    def __init__(self, queue: RunQueue, runtime: Runtime, *, concurrency: int = 4, poll_s: float = 0.02) -> None:
        self.queue = queue
        self.runtime = runtime
        queue.runtime = runtime
        self.concurrency = max(1, concurrency)
        self.poll_s = poll_s
        self.slots = threading.Semaphore(self.concurrency)
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="al-run")
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._dispatch, name="al-queue", daemon=True)

    def start(self) -> Consumer:
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.queue.wake.set()
        self.thread.join(timeout)
        self.pool.shutdown(wait=True, cancel_futures=False)

    def _dispatch(self) -> None:
        huey = self.queue.huey
        while not self.stopping.is_set():
            if not self.slots.acquire(timeout=0.5):
                continue
            try:
                task = huey.dequeue()
            except Exception:
                log.warning("could not read the run queue; retrying", exc_info=True)
                task = None
                self.stopping.wait(1.0)
            if task is None:
                self.slots.release()
                self.queue.wake.wait(self.poll_s)
                self.queue.wake.clear()
                continue
            self.pool.submit(self._run, task)

    def _run(self, task: Any) -> None:
        try:
            self.queue.huey.execute(task)
        except Exception:
            log.exception("run task failed")
        finally:
            self.slots.release()
