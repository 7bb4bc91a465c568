"""Tables the daemon's execution side needs: run leases, schedules and webhook secrets.

They live on the shared :data:`automatelanka.store.schema.metadata` (migration 0003) and are kept
in their own module so the run queue, scheduler and webhook server can evolve without touching
the core data model.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint, Uuid

from automatelanka.store.schema import metadata
from automatelanka.store.types import JSONType, UTCDateTime, new_id, utcnow

#: One row per run a worker holds (or held): the lease a live worker keeps renewing, how many
#: times the run was started, and the cancel flag the worker polls between nodes.
run_leases = Table(
    "run_leases",
    metadata,
    Column("run_id", Uuid, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("worker", String(200), nullable=False, default=""),
    Column("lease_until", UTCDateTime, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("cancel_requested", Boolean, nullable=False, default=False),
)

#: One row per schedule rule of an active workflow; ``next_fire_at`` is claimed atomically.
schedules = Table(
    "schedules",
    metadata,
    Column("id", Uuid, primary_key=True, default=new_id),
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("workflow_id", Uuid, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("node_name", String(300), nullable=False),
    Column("rule_index", Integer, nullable=False, default=0),
    Column("rule", JSONType, nullable=False),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("next_fire_at", UTCDateTime, nullable=False),
    Column("last_fired_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    UniqueConstraint("workflow_id", "node_name", "rule_index"),
    Index(None, "next_fire_at"),
)

#: Per-webhook-node HMAC secret (X-AL-Signature); survives deactivation and re-activation.
webhook_secrets = Table(
    "webhook_secrets",
    metadata,
    Column("workflow_id", Uuid, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True),
    Column("node_name", String(300), primary_key=True),
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("secret", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)
