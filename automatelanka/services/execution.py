"""Run a stored run through the engine and persist everything it did.

Used by the queue task (a queued run: claim, execute) and by the webhook server's inline path (a
run persisted as ``running`` before the request is answered). Per run: the lease is held and
renewed by the worker's heartbeat, ``should_cancel`` polls the cancel flag cheaply, node events
are published, and at the end one transaction stores the outcome, one ``run_node_data`` row per
node run and the workspace's monthly usage.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from automatelanka.services import usage
from automatelanka.services.events import EventBus, LocalBus
from automatelanka.store.json_text import JSONText, to_json_text
from automatelanka.store.repositories import run_exec
from automatelanka.store.repositories import runs as runs_repo
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.types import new_id, utcnow

log = logging.getLogger("automatelanka.execution")

LEASE_S = 30.0
MAX_ATTEMPTS = 2
CANCEL_POLL_S = 0.25
STATUS = {"success": "success", "error": "failed", "canceled": "cancelled"}
MODES = {"webhook": "webhook", "schedule": "trigger", "manual": "manual", "api": "manual", "retry": "manual"}


_SQLITE_WRITES = threading.Lock()
_LOCK_FILES: dict[str, int | None] = {}


def _lock_file(engine: Engine) -> int | None:
    """An open lock file next to a SQLite database file (None: in memory, or no ``fcntl``)."""
    database = engine.url.database or ""
    if database in _LOCK_FILES:
        return _LOCK_FILES[database]
    fd = None
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            import fcntl  # noqa: F401 - POSIX only

            fd = os.open(f"{database}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
        except (ImportError, OSError):
            fd = None
    return _LOCK_FILES.setdefault(database, fd)


@contextmanager
def write_lock(engine: Engine, *, wait: bool = True) -> Iterator[bool]:
    """Hold the database's write lock while the block runs; yields whether it is held (always,
    unless ``wait`` is False and another writer has it). On SQLite, writers queue on a lock first
    (this process's threads on a mutex, the processes of ``al up --workers N`` on a file lock):
    waiting in SQLite's busy handler (sleeps of up to 100 ms) would make the tail latency explode
    under load. Other databases lock rows themselves: nothing to hold."""
    if engine.dialect.name != "sqlite":
        yield True
        return
    if not _SQLITE_WRITES.acquire(blocking=wait):
        yield False
        return
    try:
        fd = _lock_file(engine)
        if fd is None:
            yield True
            return
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _SQLITE_WRITES.release()


@contextmanager
def writing(engine: Engine, conn: Connection | None = None, *, locked: bool = False) -> Iterator[Connection]:
    """A write transaction (on ``conn`` if given, else on a pooled connection), under the
    :func:`write_lock` (``locked``: the caller holds it already)."""
    begin = engine.begin if conn is None else _transaction_on(conn)
    if locked:
        with begin() as tx:
            yield tx
        return
    with write_lock(engine), begin() as tx:
        yield tx


def _transaction_on(conn: Connection) -> Callable[[], Any]:
    @contextmanager
    def begin() -> Iterator[Connection]:
        with conn.begin():
            yield conn

    return begin


@dataclass
class Runtime:
    """What executing runs needs: the database, settings, the event bus, and this worker's state."""

    engine: Engine
    settings: Any
    bus: EventBus = field(default_factory=LocalBus)
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
    held: set[uuid.UUID] = field(default_factory=set)
    local_cancels: set[uuid.UUID] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: run id -> threading.Event set when the run finishes in this process (for ?wait=true).
    waiters: dict[uuid.UUID, threading.Event] = field(default_factory=dict)

    @property
    def lease_s(self) -> float:
        return float(getattr(self.settings, "run_lease_s", LEASE_S))

    @property
    def timeout_s(self) -> float:
        return float(getattr(self.settings, "run_timeout_s", 3600.0))

    def cancel_locally(self, run_id: uuid.UUID) -> None:
        with self.lock:
            self.local_cancels.add(run_id)

    def heartbeat(self) -> int:
        """Renew the lease of every run this worker is executing."""
        with self.lock:
            held = list(self.held)
        if not held:
            return 0
        with writing(self.engine) as conn:
            return run_exec.renew_leases(conn, held, utcnow() + timedelta(seconds=self.lease_s))

    def waiter(self, run_id: uuid.UUID) -> threading.Event:
        with self.lock:
            return self.waiters.setdefault(run_id, threading.Event())

    def drop_waiter(self, run_id: uuid.UUID) -> None:
        with self.lock:
            self.waiters.pop(run_id, None)


def run_input(items: list[dict[str, Any]] | None, *, mode: str, start_node: str | None) -> dict[str, Any]:
    """What a run row stores as ``input``: the trigger items and how to start."""
    return {"mode": mode, "start_node": start_node, "items": items}


@functools.cache
def _outbound_policy(block_private: bool, allow: tuple[str, ...], deny: tuple[str, ...],
                     base_url: str) -> Any:
    """Workflow HTTP's allow/deny policy, built once per configuration (not per run)."""
    from automatelanka.engine.outbound import make_policy

    return make_policy(hosted=block_private, allow_hosts=allow, deny_hosts=deny, daemon_base_url=base_url)


def services_for(runtime: Runtime, workspace_id: uuid.UUID, credentials: Any = None) -> Any:
    """The engine's injected I/O for a run of this workspace.

    ``credentials``: the run's :class:`~automatelanka.services.credentials.RunCredentials` (resolves
    node credentials, refreshes OAuth2 tokens, remembers the secrets to scrub); made here if omitted.
    """
    from automatelanka.engine.state import Limits, Services
    from automatelanka.services.credentials import RunCredentials

    settings = runtime.settings
    if credentials is None:
        credentials = RunCredentials(runtime.engine, settings, workspace_id)

    def http(**kwargs: Any) -> Any:
        import httpx

        return httpx.Client(**kwargs)

    def load_workflow(ref: str) -> dict[str, Any]:
        try:
            workflow_id = uuid.UUID(str(ref))
        except ValueError:
            raise LookupError(f"Workflow does not exist: {ref}") from None
        with runtime.engine.connect() as conn:
            row = wf_repo.get_workflow(conn, workspace_id, workflow_id)
        if row is None:
            raise LookupError(f"Workflow does not exist: {ref}")
        return row["definition"]

    allowed = tuple(getattr(settings, "env_allow", ()) or ())
    env = dict(os.environ) if "*" in allowed else {k: os.environ[k] for k in allowed if k in os.environ}
    host = getattr(settings, "host", "127.0.0.1")
    port = getattr(settings, "port", 5678)
    base_url = getattr(settings, "public_url", "") or f"http://{host}:{port}"
    policy = _outbound_policy(bool(getattr(settings, "outbound_block_private", False)),
                              tuple(getattr(settings, "outbound_allow", ())),
                              tuple(getattr(settings, "outbound_deny", ())), base_url)
    return Services(
        http=http, files_root=getattr(settings, "files_root", None), load_workflow=load_workflow, env=env,
        limits=Limits(js_time_limit_s=getattr(settings, "js_time_limit_s", 10.0),
                      js_memory_limit_mb=getattr(settings, "js_memory_limit_mb", 256),
                      python_time_limit_s=getattr(settings, "js_time_limit_s", 10.0)),
        webhook_base_url=base_url, outbound_policy=policy,
        allow_execute_command=getattr(settings, "allow_execute_command", False),
        credentials=credentials.resolve, refresh_credentials=credentials.refresh,
        isolation=str(workspace_id),
    )


def _jsonable(value: Any) -> Any:
    """``value`` as plain JSON (bytes and other objects become strings)."""
    try:
        return json.loads(to_json_text(value, _default))
    except (TypeError, ValueError):
        return None


def _json_text(value: Any) -> JSONText:
    """``value`` serialised once for storage (as :func:`_jsonable` would store it)."""
    try:
        return to_json_text(value, _default)
    except (TypeError, ValueError):
        return JSONText("null")


def _default(obj: Any) -> Any:
    if isinstance(obj, bytes | bytearray):
        import base64

        return base64.b64encode(bytes(obj)).decode()
    if isinstance(obj, datetime):
        return obj.isoformat()
    return str(obj)


def node_rows(execution: Any, *, raw: bool = False) -> list[dict[str, Any]]:
    """One ``run_node_data`` row per node run, from the engine's runData (``raw``: ``outputs`` and
    ``error`` as the engine left them, to be serialised by the caller)."""
    jsonable = (lambda v: v) if raw else _jsonable
    rows = []
    for name, tasks in execution.run_data.items():
        for run_index, task in enumerate(tasks):
            start_ms = task.get("startTime")
            rows.append({
                "node_name": name[:300],
                "run_index": run_index,
                "execution_index": int(task.get("executionIndex") or 0),
                "status": "error" if task.get("error") or task.get("executionStatus") == "error" else "success",
                "outputs": jsonable(task.get("data")),
                "error": jsonable(task.get("error")),
                "started_at": datetime.fromtimestamp(start_ms / 1000, UTC) if start_ms else None,
                "duration_ms": task.get("executionTime"),
            })
    return rows


def run_output(execution: Any) -> dict[str, Any]:
    """The run summary kept on the run row: the last node and its output items' JSON."""
    return _jsonable(_summary(execution))


def _summary(execution: Any) -> dict[str, Any]:
    outputs = execution.last_node_output()
    summary: dict[str, Any] = {
        "lastNodeExecuted": execution.last_node_executed,
        "data": [[item.get("json") for item in out or []] for out in outputs],
    }
    response = execution.state.cache.get("webhook_response")
    if response is not None:
        summary["webhookResponse"] = response
    return summary


class _Canceller:
    """``should_cancel`` for the engine: local flag every call, DB flag every CANCEL_POLL_S, deadline."""

    def __init__(self, runtime: Runtime, run_id: uuid.UUID, timeout_s: float) -> None:
        self.runtime = runtime
        self.run_id = run_id
        self.deadline = time.monotonic() + timeout_s
        self.next_poll = time.monotonic() + CANCEL_POLL_S
        self.timed_out = False

    def __call__(self) -> bool:
        if self.run_id in self.runtime.local_cancels:
            return True
        now = time.monotonic()
        if now >= self.deadline:
            self.timed_out = True
            return True
        if now >= self.next_poll:
            self.next_poll = now + CANCEL_POLL_S
            with self.runtime.engine.connect() as conn:
                return run_exec.cancel_requested(conn, self.run_id)
        return False


def execute_claimed(runtime: Runtime, run: dict[str, Any], definition: dict[str, Any]) -> Any:
    """Execute a run this worker holds (status ``running``) and persist its outcome.

    Returns the engine's Execution (for webhook responses).
    """
    return _execute_claimed(runtime, run, definition, None)[0]


def execute_claimed_deferred(runtime: Runtime, run: dict[str, Any], definition: Any,
                             submit: Callable[[Callable[[Connection], bool]], Future[bool]]) -> tuple[Any, Future[bool]]:
    """As :func:`execute_claimed`, but the outcome is written by ``submit(job)`` (e.g. a
    :class:`~automatelanka.services.writer.Writer`, which groups the writes of concurrent runs).
    Returns the Execution and the future of the write; waiters and ``run_finished`` follow it."""
    execution, stored = _execute_claimed(runtime, run, definition, submit)
    assert stored is not None
    return execution, stored


def unsaved_run(runtime: Runtime, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, trigger_type: str,
                input: dict[str, Any], triggered_by: uuid.UUID | None = None) -> dict[str, Any] | None:
    """A run to execute right away and write once, with its outcome (:func:`execute_unsaved_deferred`),
    or None when it must be admitted first (plan limits enforced: see :func:`create_running`).

    For quick runs that answer their own request (the inline webhook path on the event loop): an
    answered request always has its stored run, and a process dying mid-run leaves nothing
    ``running`` behind, so such a run needs no lease and costs one transaction instead of two."""
    from automatelanka.services import limits

    if limits.enforced(runtime.engine):
        return None
    now = utcnow()
    return {"id": new_id(), "workspace_id": workspace_id, "workflow_id": workflow_id, "trigger_type": trigger_type,
            "triggered_by": triggered_by, "status": "running", "started_at": now, "created_at": now,
            "input": input}


def execute_unsaved_deferred(runtime: Runtime, run: dict[str, Any], definition: Any,
                             submit: Callable[[Callable[[Connection], bool]], Future[bool]]) -> tuple[Any, Future[bool]]:
    """Execute an :func:`unsaved_run`; ``submit(job)`` writes the run, its node data and usage in one
    transaction (IntegrityError from the future if the workflow was deleted meanwhile)."""
    execution, stored = _execute_claimed(runtime, run, definition, submit, unsaved=True)
    assert stored is not None
    return execution, stored


def _execute_claimed(runtime: Runtime, run: dict[str, Any], definition: Any,
                     submit: Callable[[Callable[[Connection], bool]], Future[bool]] | None, *,
                     unsaved: bool = False) -> tuple[Any, Future[bool] | None]:
    from automatelanka.engine.executor import execute

    run_id, workspace_id = run["id"], run["workspace_id"]
    spec = run.get("input") or {}
    mode = spec.get("mode") or MODES.get(run.get("trigger_type", "manual"), "manual")
    started_at = run.get("started_at") or utcnow()
    bus = runtime.bus
    base = {"run_id": str(run_id), "workflow_id": str(run["workflow_id"]), "workspace_id": str(workspace_id)}
    with runtime.lock:
        runtime.held.add(run_id)

    def on_event(kind: str, payload: dict[str, Any]) -> None:
        if kind == "run_finished" or not bus.listened(workspace_id):
            return  # run_finished: published after the outcome is stored
        event = {"type": kind, **base, "node": payload.get("node"), "run_index": payload.get("run_index")}
        task = payload.get("task")
        if task is not None:
            event["status"] = "error" if task.get("error") else "success"
            event["duration_ms"] = task.get("executionTime")
        bus.publish(workspace_id, event)

    canceller = _Canceller(runtime, run_id, runtime.timeout_s)
    bus.publish(workspace_id, {"type": "run_started", **base})
    from automatelanka.services.credentials import RunCredentials

    creds = RunCredentials(runtime.engine, runtime.settings, workspace_id)
    from automatelanka.services import static_data  # workflow static data: loaded fresh, saved after

    kept = None
    try:
        kept = static_data.load(runtime.engine, workspace_id, run["workflow_id"], definition)
        execution = execute(definition, trigger_items=spec.get("items") or None, mode=mode,
                            services=services_for(runtime, workspace_id, creds),
                            timezone=getattr(runtime.settings, "timezone", "UTC"),
                            start_node=spec.get("start_node"), execution_id=str(run_id),
                            trigger_context=spec.get("trigger_context"),
                            on_event=on_event, should_cancel=canceller,
                            static_data=kept.data if kept is not None else None)
        status = STATUS.get(execution.status, "failed")
        error = execution.error
        if canceller.timed_out and status == "cancelled":
            status = "failed"
            error = {"message": f"The execution timed out after {runtime.timeout_s:g} s",
                     "name": "TimeoutExecutionCancelledError"}
        rows = node_rows(execution, raw=True)
        output = _summary(execution)
    except Exception as exc:  # an engine bug must still finish the run
        log.exception("run %s crashed the engine", run_id)
        execution, status, rows, output = None, "failed", [], None
        error = {"message": f"internal error while executing: {type(exc).__name__}: {exc}"}
    # Serialised once, here. Secrets: no decrypted credential value this run used is stored in its
    # data or error (scrubbed from the plain JSON values, so also from what ``_default`` stringifies).
    store_json = _json_text if not creds.secrets else (lambda v: _json_text(creds.scrub(_jsonable(v))))
    for row in rows:
        row["outputs"], row["error"] = store_json(row["outputs"]), store_json(row["error"])
    output, error = store_json(output), store_json(error)
    saved_run = {**run, "input": store_json(run.get("input"))} if unsaved else run
    static_data.save_after(runtime.engine, run, kept, mode)  # before the run shows as finished
    finished_at = utcnow()

    def store(conn: Connection) -> bool:
        """The outcome's one transaction: node data, the run's outcome, the node-execution count."""
        if unsaved:  # the run itself too, counted as admission would have
            from automatelanka.services import limits

            limits.admit_run(conn, workspace_id, at=started_at)
            run_exec.insert_finished(conn, saved_run, status=status, output=output, error=error,
                                     node_executions=len(rows), at=finished_at)
            run_exec.record_node_data_many(conn, workspace_id, run_id, rows)
            usage.count_nodes(conn, workspace_id, node_executions=len(rows), at=finished_at)
            return True
        run_exec.record_node_data_many(conn, workspace_id, run_id, rows)
        stored = run_exec.finish_running(conn, workspace_id, run_id, status=status, started_at=started_at,
                                         output=output, error=error, node_executions=len(rows), at=finished_at)
        usage.count_nodes(conn, workspace_id, node_executions=len(rows), at=finished_at)  # run counted at admission
        return stored

    def finished(stored: bool | None) -> None:
        if stored is False:
            log.info("run %s was finished elsewhere meanwhile (cancelled or recovered)", run_id)
        with runtime.lock:
            runtime.held.discard(run_id)
            runtime.local_cancels.discard(run_id)
            waiter = runtime.waiters.get(run_id)
        if waiter is not None:
            waiter.set()
        duration = int((finished_at - started_at).total_seconds() * 1000)
        bus.publish(workspace_id, {"type": "run_finished", **base, "status": status, "duration_ms": duration})

    if submit is not None:
        future = submit(store)
        future.add_done_callback(lambda f: finished(None if f.exception() else f.result()))
        return execution, future
    stored = None
    try:
        with writing(runtime.engine) as conn:
            stored = store(conn)
    finally:
        finished(stored)
    return execution, None


def execute_queued(runtime: Runtime, workspace_id: uuid.UUID, run_id: uuid.UUID) -> str:
    """The queue task's body: claim the run if still queued, execute it. Returns what happened."""
    now = utcnow()
    with writing(runtime.engine) as conn:
        run = runs_repo.get_run(conn, workspace_id, run_id)
        if run is None:
            return "missing"
        if not run_exec.claim_queued(conn, workspace_id, run_id, worker=runtime.worker,
                                     lease_s=runtime.lease_s, at=now):
            return run["status"]
        workflow = wf_repo.get_workflow(conn, workspace_id, run["workflow_id"])
    run = {**run, "status": "running", "started_at": now}
    if workflow is None:  # pragma: no cover - deleting the workflow deletes its runs
        return "missing"
    execute_claimed(runtime, run, workflow["definition"])
    return "executed"


def create_running(conn: Connection, runtime: Runtime, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *,
                   trigger_type: str, input: dict[str, Any], triggered_by: uuid.UUID | None = None) -> dict[str, Any]:
    """Persist a run that this process executes right away (inline webhook path), lease included."""
    from automatelanka.services import limits

    now = utcnow()
    limits.admit_run(conn, workspace_id, at=now)  # counts the run, or raises PlanLimitExceeded
    run = run_exec.insert_run(conn, {
        "workspace_id": workspace_id, "workflow_id": workflow_id, "trigger_type": trigger_type,
        "triggered_by": triggered_by, "status": "running", "started_at": now, "input": input, "created_at": now,
    })
    run_exec.take_lease(conn, workspace_id, run["id"], worker=runtime.worker,
                        lease_until=now + timedelta(seconds=runtime.lease_s))
    return run


def recover_expired(runtime: Runtime, enqueue: Any, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """Runs whose worker died (lease expired): re-queue once, then fail with a reason.

    Returns ``(run_id, "requeued"|"failed")`` for each run this daemon recovered.
    """
    now = now or utcnow()
    done: list[tuple[str, str]] = []
    with runtime.engine.connect() as conn:
        expired = run_exec.expired_leases(conn, now)
    for lease in expired:
        run_id, workspace_id = lease["run_id"], lease["workspace_id"]
        with writing(runtime.engine) as conn:
            if not run_exec.release_expired(conn, run_id, now):
                continue  # another daemon took it, or the worker renewed it
            if lease["attempts"] < MAX_ATTEMPTS and run_exec.requeue_running(conn, workspace_id, run_id):
                outcome = "requeued"
            else:
                run = runs_repo.get_run(conn, workspace_id, run_id)
                started = (run or {}).get("started_at") or now
                run_exec.finish_running(conn, workspace_id, run_id, status="failed", started_at=started, at=now,
                                        error={"message": "The worker running this execution stopped "
                                                          f"(lease expired after {lease['attempts']} attempt(s))",
                                               "name": "WorkerLostError"})
                outcome = "failed"
        if outcome == "requeued":
            enqueue(run_id, workspace_id)
        else:
            runtime.bus.publish(workspace_id, {"type": "run_finished", "run_id": str(run_id),
                                               "workspace_id": str(workspace_id), "status": "failed"})
        done.append((str(run_id), outcome))
    return done
