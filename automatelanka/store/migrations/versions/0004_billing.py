"""Billing: plans seeded (Free, Pro, Business), Stripe fields on plans and subscriptions, the
Stripe customer of each workspace, received Stripe events (dedup), overage meter reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the types in automatelanka.store.types, so this file never changes.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

#: The plans on offer at launch (platform admins edit them later). ``None`` = unlimited.
PLANS = [
    ("free", "Free", 0, {"runs": 100, "workflows": 5, "members": 1, "overage": False}),
    ("pro", "Pro", 2900, {"runs": 10_000, "workflows": 100, "members": 10, "overage": False}),
    ("business", "Business", 9900, {"runs": 100_000, "workflows": None, "members": None, "overage": True,
                                    "overage_meter": "automatelanka_runs"}),
]
_NS = uuid.UUID("5f0c3c52-2b1e-4c55-9a53-a1b2c3d4e5f6")


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("stripe_price_id", sa.String(length=200), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("past_due_since", TS, nullable=True))
        batch.add_column(sa.Column("updated_at", TS, nullable=True))
    op.create_table(
        "billing_customers",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_billing_customers_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_billing_customers")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_billing_customers_customer_id")),
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("processed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    op.create_index(op.f("ix_stripe_events_status_received_at"), "stripe_events", ["status", "received_at"])
    op.create_table(
        "meter_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", TS, nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("event_name", sa.String(length=100), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("reported_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_meter_reports_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_reports")),
        sa.UniqueConstraint("identifier", name=op.f("uq_meter_reports_identifier")),
        sa.UniqueConstraint("workspace_id", "period_start", "batch",
                            name=op.f("uq_meter_reports_workspace_id_period_start_batch")),
    )
    plans = sa.table("plans", sa.column("id", sa.Uuid()), sa.column("code", sa.String()),
                     sa.column("name", sa.String()), sa.column("limits", JSON), sa.column("price_cents", sa.Integer()),
                     sa.column("interval", sa.String()), sa.column("active", sa.Boolean()),
                     sa.column("created_at", TS))
    existing = {row[0] for row in op.get_bind().execute(sa.select(plans.c.code))}
    now = datetime.now(UTC)
    rows = [{"id": uuid.uuid5(_NS, code), "code": code, "name": name, "limits": limits, "price_cents": cents,
             "interval": "month", "active": True, "created_at": now}
            for code, name, cents, limits in PLANS if code not in existing]
    if rows:
        op.bulk_insert(plans, rows)


def downgrade() -> None:
    op.drop_table("meter_reports")
    op.drop_index(op.f("ix_stripe_events_status_received_at"), table_name="stripe_events")
    op.drop_table("stripe_events")
    op.drop_table("billing_customers")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("past_due_since")
        batch.drop_column("cancel_at_period_end")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("stripe_price_id")
    op.execute(sa.text("DELETE FROM plans WHERE code IN ('free', 'pro', 'business') "
                       "AND id NOT IN (SELECT plan_id FROM subscriptions)"))
