"""The daemon's execution side: queue consumer, lease heartbeat, dead-worker recovery, scheduler
and retention, as threads. ``al up`` starts them with the API (``run_worker``); ``al worker``
starts them alone.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from automatelanka.daemon.queue import Consumer, RunQueue
from automatelanka.services import events, execution, runs, schedules

log = logging.getLogger("automatelanka.worker")


@dataclass
class Worker:
    """Everything that executes runs in this process."""

    runtime: execution.Runtime
    queue: RunQueue
    concurrency: int = 4
    scheduler: bool = True
    tick_s: float = 0.5
    consumer: Consumer | None = None
    polls: Any = None  # services.polling.PollRunner, made by the scheduler
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Worker:
        poll = 0.25 if not self.queue.is_redis else 0.02
        self.consumer = Consumer(self.queue, self.runtime, concurrency=self.concurrency, poll_s=poll).start()
        self._loop("al-heartbeat", self.runtime.lease_s / 3, self.runtime.heartbeat)
        self._loop("al-recovery", 5.0, self.recover)
        if self.scheduler:
            self._loop("al-scheduler", self.tick_s, self.fire_schedules)
        self._loop("al-retention", 3600.0, self.prune, first_after=60.0)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)
        if self.consumer is not None:
            self.consumer.stop()
        if self.polls is not None:
            self.polls.shutdown()

    def _loop(self, name: str, every: float, job: Any, first_after: float = 0.0) -> None:
        def body() -> None:
            if first_after and self.stopping.wait(first_after):
                return
            while not self.stopping.is_set():
                began = time.monotonic()
                try:
                    job()
                except Exception:
                    log.warning("%s failed; will retry", name, exc_info=True)
                self.stopping.wait(max(0.0, every - (time.monotonic() - began)))

        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def recover(self) -> None:
        for run_id, outcome in execution.recover_expired(self.runtime, self.queue.enqueue):
            log.warning("run %s: worker lost, %s", run_id, outcome)

    def fire_schedules(self) -> int:
        catch_up = bool(getattr(self.runtime.settings, "schedule_catch_up", False))
        if self.polls is None:
            from automatelanka.services.polling import PollRunner

            self.polls = PollRunner(self.runtime, self.queue.enqueue_run)
        return schedules.fire_due(self.runtime.engine, self.queue.enqueue_run, catch_up=catch_up,
                                  poll=self.polls.submit)

    def prune(self) -> int:
        settings = self.runtime.settings
        days = getattr(settings, "runs_max_age_days", 0) or None
        keep = getattr(settings, "runs_keep_per_workflow", 0) or None
        if not days and not keep:
            return 0
        return runs.prune(self.runtime.engine, days, keep)


def build(settings: Any, engine: Engine, *, bus: events.EventBus | None = None) -> tuple[execution.Runtime, RunQueue]:
    """The runtime and queue for ``settings`` (shared by the API and the consumer)."""
    from automatelanka.engine.nodes.base import registry

    registry()  # load every node module now: first use from several threads at once is not safe
    from automatelanka.services import limits

    limits.configure(engine, settings)  # plan limits on when billing is (hosted mode)
    bus = bus or events.bus_for(settings.queue_url, events.events_dir(settings))
    runtime = execution.Runtime(engine=engine, settings=settings, bus=bus)
    queue = RunQueue(settings.queue_url)
    queue.runtime = runtime
    return runtime, queue


def attach(app: Any, *, run_worker: bool) -> Worker | None:
    """Give the app its runtime/queue/bus (``app.state``) and start the worker threads if asked."""
    settings = app.state.settings
    runtime, queue = build(settings, app.state.db)
    app.state.runtime = runtime
    app.state.queue = queue
    app.state.bus = runtime.bus
    if not run_worker:
        return None
    worker = Worker(runtime, queue, concurrency=int(getattr(settings, "worker_concurrency", 4) or 4))
    app.state.worker = worker
    return worker.start()


def detach(app: Any, worker: Worker | None) -> None:
    if worker is not None:
        worker.stop()
    bus = getattr(app.state, "bus", None)
    if bus is not None:
        bus.close()
