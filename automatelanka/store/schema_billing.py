"""Tables billing needs beyond plans/subscriptions/usage_records (migration 0004).

The Stripe customer of each workspace, the Stripe webhook events received (deduplicated by event
id and processed from this table), and the overage batches reported to Stripe Billing Meters.
They live on the shared :data:`automatelanka.store.schema.metadata`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from automatelanka.store.schema import metadata
from automatelanka.store.types import JSONType, UTCDateTime, new_id, utcnow

#: One Stripe customer per workspace.
billing_customers = Table(
    "billing_customers",
    metadata,
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("provider", String(32), nullable=False, default="stripe"),
    Column("customer_id", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

#: Every Stripe event received once (the id is the dedup key); processed after the answer.
stripe_events = Table(
    "stripe_events",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("type", String(100), nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("payload", JSONType, nullable=False),
    Column("error", Text),
    Column("received_at", UTCDateTime, nullable=False, default=utcnow),
    Column("processed_at", UTCDateTime),
    Index(None, "status", "received_at"),
)

#: Overage reported to a Stripe Billing Meter: one row per batch, ``identifier`` unique.
meter_reports = Table(
    "meter_reports",
    metadata,
    Column("id", Uuid, primary_key=True, default=new_id),
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", UTCDateTime, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("event_name", String(100), nullable=False),
    Column("identifier", String(200), nullable=False, unique=True),
    Column("reported_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    UniqueConstraint("workspace_id", "period_start", "batch"),
)
