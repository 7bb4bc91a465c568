"""The one place plan limits are enforced: runs (429), workflows and members (402).

Every run is admitted here in the transaction that creates it (:func:`admit_run`, called by
``services.runs.create_queued`` and ``services.execution.create_running``): the period's run
counter goes up by one, and on a plan without overage only while it is below the limit (a
conditional ``UPDATE``, so concurrent starts never pass it and no increment is lost). Refused
webhook and schedule triggers are kept as failed runs (:func:`record_refused`), never dropped.

Billing is switched per database engine by :func:`configure` (the daemon and ``al worker`` do it
with their settings); an engine nobody configured runs unlimited.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from automatelanka.services import plans
from automatelanka.store.repositories import billing_state as state
from automatelanka.store.repositories import usage as usage_repo
from automatelanka.store.types import utcnow

log = logging.getLogger("automatelanka.billing")
#: resource -> HTTP status of its refusal.
STATUS = {"runs": 429, "workflows": 402, "members": 402}


@dataclass(frozen=True)
class Policy:
    billing_enabled: bool = False
    upgrade_url: str = ""
    grace: timedelta = plans.GRACE


_POLICIES: weakref.WeakKeyDictionary[Engine, Policy] = weakref.WeakKeyDictionary()


def upgrade_url_for(settings: Any) -> str:
    base = (getattr(settings, "public_url", "") or
            f"http://{getattr(settings, 'host', '127.0.0.1')}:{getattr(settings, 'port', 5678)}")
    return f"{base.rstrip('/')}/billing"


def configure(engine: Engine, settings: Any) -> Policy:
    """Use ``settings`` (billing on/off, public URL) for everything done through ``engine``."""
    policy = Policy(bool(getattr(settings, "billing_enabled", False)), upgrade_url_for(settings))
    _POLICIES[engine] = policy
    return policy


def policy(conn: Connection) -> Policy:
    return _POLICIES.get(conn.engine, Policy())


def enforced(engine: Engine) -> bool:
    """Whether plan limits apply to what is done through ``engine`` (billing on)."""
    return _POLICIES.get(engine, Policy()).billing_enabled


class PlanLimitExceeded(Exception):
    """Past a limit of the workspace's plan. ``status``: 429 for runs, 402 for the others."""

    def __init__(self, resource: str, limit: int, used: int, plan: str, upgrade_url: str) -> None:
        noun = {"runs": "runs this billing period", "workflows": "workflows", "members": "members"}[resource]
        super().__init__(f"the {plan} plan allows {limit} {noun} and this workspace has used {used}; "
                         f"upgrade at {upgrade_url}")
        self.resource, self.limit, self.used, self.plan, self.upgrade_url = resource, limit, used, plan, upgrade_url
        self.status = STATUS[resource]

    def details(self) -> dict[str, Any]:
        return {"resource": self.resource, "limit": self.limit, "used": self.used, "plan": self.plan,
                "upgrade_url": self.upgrade_url}

    def error(self) -> dict[str, Any]:
        """The JSON error object: the house shape, with limit/used/upgrade_url also at its top."""
        details = self.details()
        return {"code": "plan_limit", "message": str(self), "details": details, **details}


def current(conn: Connection, workspace_id: uuid.UUID, at: datetime | None = None
            ) -> tuple[plans.Plan, tuple[datetime, datetime], dict[str, Any] | None]:
    pol = policy(conn)
    return plans.current(conn, workspace_id, billing_enabled=pol.billing_enabled, at=at, grace=pol.grace)


def admit_run(conn: Connection, workspace_id: uuid.UUID, *, at: datetime | None = None) -> None:
    """Count one run for the workspace's current period, or raise :class:`PlanLimitExceeded`."""
    at = at or utcnow()
    plan, (start, end), _ = current(conn, workspace_id, at)
    limit = plan.limit("runs")
    if limit is None or plan.overage:
        usage_repo.record_usage(conn, workspace_id, period_start=start, period_end=end, runs=1)
        return
    if not state.increment_runs_below(conn, workspace_id, period_start=start, period_end=end, limit=limit):
        raise PlanLimitExceeded("runs", limit, state.runs_used(conn, workspace_id, start), plan.name,
                                policy(conn).upgrade_url)


def _check(conn: Connection, workspace_id: uuid.UUID, resource: str, used_of: Any, adding: int) -> None:
    plan, _, _ = current(conn, workspace_id)
    limit = plan.limit(resource)
    if limit is None:
        return
    state.lock_workspace(conn, workspace_id)
    used = used_of()
    if used + adding > limit:
        raise PlanLimitExceeded(resource, limit, used, plan.name, policy(conn).upgrade_url)


def check_workflows(conn: Connection, workspace_id: uuid.UUID, adding: int = 1) -> None:
    """Before creating ``adding`` workflows: PlanLimitExceeded (402) past the plan's limit."""
    _check(conn, workspace_id, "workflows", lambda: state.count_workflows(conn, workspace_id), adding)


def check_members(conn: Connection, workspace_id: uuid.UUID, adding: int = 1, *,
                  count_invitations: bool = True) -> None:
    """Before inviting (members + pending invitations) or admitting a member (members only)."""
    def used() -> int:
        count = state.count_members(conn, workspace_id)
        return count + (state.count_pending_invitations(conn, workspace_id) if count_invitations else 0)

    _check(conn, workspace_id, "members", used, adding)


def record_refused(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, trigger_type: str,
                   input: dict[str, Any] | None, error: PlanLimitExceeded) -> dict[str, Any]:
    """Keep a refused webhook/schedule trigger as a failed run naming the limit (never dropped)."""
    from automatelanka.store.repositories import run_exec

    now = utcnow()
    log.warning("workspace %s: %s trigger refused (plan limit: %s/%s runs)", workspace_id, trigger_type,
                error.used, error.limit)
    return run_exec.insert_run(conn, {
        "workspace_id": workspace_id, "workflow_id": workflow_id, "trigger_type": trigger_type, "status": "failed",
        "created_at": now, "started_at": now, "finished_at": now, "duration_ms": 0, "input": input,
        "error": {"name": "PlanLimitError", "message": str(error), **error.error()},
    })
