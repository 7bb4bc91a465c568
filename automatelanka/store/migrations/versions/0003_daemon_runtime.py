"""Daemon runtime: run leases (dead-worker detection, cancel flag), schedules, webhook secrets.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of the types in automatelanka.store.types, so this file never changes.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "run_leases",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_leases_run_id_runs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_run_leases_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_leases")),
    )
    op.create_index(op.f("ix_run_leases_lease_until"), "run_leases", ["lease_until"])
    op.create_index(op.f("ix_run_leases_workspace_id"), "run_leases", ["workspace_id"])
    op.create_table(
        "schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("workflow_id", sa.Uuid(), nullable=False),
        sa.Column("node_name", sa.String(length=300), nullable=False),
        sa.Column("rule_index", sa.Integer(), nullable=False),
        sa.Column("rule", JSON, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_fire_at", TS, nullable=False),
        sa.Column("last_fired_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], name=op.f("fk_schedules_workflow_id_workflows"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_schedules_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("workflow_id", "node_name", "rule_index",
                            name=op.f("uq_schedules_workflow_id_node_name_rule_index")),
    )
    op.create_index(op.f("ix_schedules_next_fire_at"), "schedules", ["next_fire_at"])
    op.create_index(op.f("ix_schedules_workflow_id"), "schedules", ["workflow_id"])
    op.create_index(op.f("ix_schedules_workspace_id"), "schedules", ["workspace_id"])
    op.create_table(
        "webhook_secrets",
        sa.Column("workflow_id", sa.Uuid(), nullable=False),
        sa.Column("node_name", sa.String(length=300), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"],
                                name=op.f("fk_webhook_secrets_workflow_id_workflows"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_webhook_secrets_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workflow_id", "node_name", name=op.f("pk_webhook_secrets")),
    )
    op.create_index(op.f("ix_webhook_secrets_workspace_id"), "webhook_secrets", ["workspace_id"])


def downgrade() -> None:
    op.drop_table("webhook_secrets")
    op.drop_table("schedules")
    op.drop_table("run_leases")
