"""Polling triggers run by the daemon (rssFeedReadTrigger, gmailTrigger, googleSheetsTrigger...).

Activation registers one ``schedules`` row per ``pollTimes.item[]`` entry (n8n's default: every
minute) of each enabled node whose type has a poller (``engine.nodes._poll.POLLERS``), with
``rule.kind = "poll"`` and the first poll due at once (n8n polls when it activates a workflow).
The scheduler claims each tick exactly once across daemons (:func:`schedules.fire_due`) and
hands it to a :class:`PollRunner`, which calls :func:`poll_once` on a small thread pool:

* the poller runs in a node context on the workflow's stored static data, with the workspace's
  credentials (the engine services of a run);
* the changed cursor (``staticData["node:<name>"]``) is saved even when nothing new arrived, and
  when items came back a run starting at that node with them (mode ``trigger``) is queued in the
  same transaction;
* a failing poll becomes a failed run naming the error (as n8n's ``createErrorExecution``) and
  never stops the scheduler; a poll still running when its next tick comes skips that tick.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from automatelanka.services import static_data
from automatelanka.store.repositories import workflows as wf_repo
from automatelanka.store.types import utcnow

log = logging.getLogger("automatelanka.polling")

POLL_KIND = "poll"
#: ``pollTimes`` when the node does not set it (n8n's parameter default).
DEFAULT_POLL_TIMES = [{"mode": "everyMinute"}]
TOO_SHORT = "The polling interval is too short. It has to be at least a minute."


def pollers() -> dict[str, Any]:
    """Node type -> poll function, every node module loaded."""
    from automatelanka.engine.nodes._poll import POLLERS
    from automatelanka.engine.nodes.base import registry

    registry()
    return POLLERS


def poll_rules(definition: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """``(node_name, index, cron, node_type)`` per poll time of every enabled polling node.

    ValueError names the node when a poll time is invalid or polls more than once a minute.
    """
    from automatelanka.services.schedules import cron_item_cron

    known = pollers()
    out = []
    for node in definition.get("nodes") or []:
        if not isinstance(node, dict) or node.get("disabled") or node.get("type") not in known:
            continue
        times = (node.get("parameters") or {}).get("pollTimes")
        entries = times.get("item") if isinstance(times, dict) and "item" in times else DEFAULT_POLL_TIMES
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            try:
                cron = cron_item_cron(entry if isinstance(entry, dict) else {})
            except ValueError as exc:
                raise ValueError(f'node "{node["name"]}": {exc}') from None
            if "*" in cron.split()[0]:
                raise ValueError(f'node "{node["name"]}": {TOO_SHORT}')
            out.append((node["name"], index, cron, node["type"]))
    return out


def schedule_rows(definition: dict[str, Any], timezone: str, now: datetime) -> list[dict[str, Any]]:
    """The ``schedules`` rows of the workflow's polls, each due at ``now`` (the first poll)."""
    return [{"node_name": name, "rule_index": index, "timezone": timezone, "next_fire_at": now,
             "rule": {"cron": cron, "type": node_type, "kind": POLL_KIND}}
            for name, index, cron, node_type in poll_rules(definition)]


def is_poll(schedule: dict[str, Any]) -> bool:
    return (schedule.get("rule") or {}).get("kind") == POLL_KIND


def poll_once(runtime: Any, schedule: dict[str, Any], enqueue: Callable[[dict[str, Any]], Any]) -> str:
    """Poll one node now: ``"emitted"`` (a run was queued), ``"nothing"``, ``"failed"`` or
    ``"skipped"`` (the workflow is gone, inactive, or no longer has that polling node)."""
    from automatelanka.engine.executor import error_data
    from automatelanka.services import limits, runs
    from automatelanka.services.credentials import RunCredentials
    from automatelanka.services.execution import _jsonable, run_input, writing
    from automatelanka.services.limits import PlanLimitExceeded
    from automatelanka.store.repositories import run_exec

    workspace_id, workflow_id, name = schedule["workspace_id"], schedule["workflow_id"], schedule["node_name"]
    with runtime.engine.connect() as conn:
        row = wf_repo.get_workflow(conn, workspace_id, workflow_id)
    if row is None or not row["active"]:
        return "skipped"
    definition = row["definition"]
    node = next((n for n in definition.get("nodes") or [] if isinstance(n, dict) and n.get("name") == name), None)
    if node is None or node.get("disabled") or node.get("type") not in pollers():
        return "skipped"
    loaded = static_data.Loaded.of(definition.get("staticData"))
    creds = RunCredentials(runtime.engine, runtime.settings, workspace_id)
    start = run_input(None, mode="trigger", start_node=name)
    try:
        items = _poll_in(runtime, workspace_id, definition, loaded, name, creds)
    except Exception as exc:  # the error is the user's to see, in a failed run; the scheduler goes on
        from automatelanka.engine.workflow import Workflow

        error = creds.scrub(_jsonable(error_data(exc, Workflow(definition).nodes.get(name))))
        log.warning("workflow %s: polling node %r failed: %s", workflow_id, name, error.get("message"))
        now = utcnow()
        with writing(runtime.engine) as conn:
            run_exec.insert_run(conn, {
                "workspace_id": workspace_id, "workflow_id": workflow_id, "trigger_type": "schedule",
                "status": "failed", "created_at": now, "started_at": now, "finished_at": now, "duration_ms": 0,
                "input": start, "error": error})
        return "failed"
    items = _jsonable([item for item in items or [] if isinstance(item, dict)]) or []
    run = None
    with writing(runtime.engine) as conn:
        static_data.save(conn, workspace_id, workflow_id, loaded)  # the cursor, even with nothing new
        if items:
            spec = run_input(items, mode="trigger", start_node=name)
            try:
                run = runs.create_queued(conn, workspace_id, workflow_id, trigger_type="schedule", input=spec)
            except PlanLimitExceeded as exc:
                limits.record_refused(conn, workspace_id, workflow_id, trigger_type="schedule", input=spec,
                                      error=exc)
    if run is None:
        return "nothing" if not items else "failed"
    enqueue(run)
    return "emitted"


def _poll_in(runtime: Any, workspace_id: uuid.UUID, definition: dict[str, Any], loaded: static_data.Loaded,
             node_name: str, credentials: Any) -> list[dict[str, Any]] | None:
    from automatelanka.engine.executor import Executor
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow
    from automatelanka.services.execution import services_for

    workflow = Workflow({**definition, "staticData": loaded.data})
    node = workflow.nodes[node_name]
    state = ExecutionState(workflow=workflow, mode="trigger", execution_id=f"poll-{uuid.uuid4().hex[:12]}",
                           timezone=workflow.timezone or getattr(runtime.settings, "timezone", "UTC") or "UTC",
                           services=services_for(runtime, workspace_id, credentials), static_data=loaded.data)
    ctx = NodeContext(state, node, Executor.params(node), [[]], [], 0, [None])
    return pollers()[node.type](ctx)


class PollRunner:
    """Runs claimed poll ticks on a few threads, one poll per node at a time."""

    def __init__(self, runtime: Any, enqueue: Callable[[dict[str, Any]], Any], *, threads: int = 4) -> None:
        self.runtime = runtime
        self.enqueue = enqueue
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="al-poll")
        self._busy: set[tuple[Any, str]] = set()
        self._lock = threading.Lock()

    def submit(self, schedule: dict[str, Any], at: datetime | None = None) -> bool:
        """Start polling ``schedule``'s node; False if its previous poll is still running."""
        key = (schedule["workflow_id"], schedule["node_name"])
        with self._lock:
            if key in self._busy:
                log.info("workflow %s: node %r is still polling; tick at %s skipped", key[0], key[1], at)
                return False
            self._busy.add(key)
        try:
            self._pool.submit(self._run, schedule, key)
        except RuntimeError:  # shutting down
            with self._lock:
                self._busy.discard(key)
            return False
        return True

    def _run(self, schedule: dict[str, Any], key: tuple[Any, str]) -> None:
        try:
            poll_once(self.runtime, schedule, self.enqueue)
        except Exception:
            log.warning("workflow %s: poll of node %r crashed", key[0], key[1], exc_info=True)
        finally:
            with self._lock:
                self._busy.discard(key)

    def idle(self) -> bool:
        with self._lock:
            return not self._busy

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
