"""The whole data model as SQLAlchemy Core tables in one :data:`metadata`.

Rules: ids are UUIDs, timestamps are UTC, every foreign key and every column that lists
filter or sort by is indexed, and tenant data carries ``workspace_id`` with
``ON DELETE CASCADE`` so deleting a workspace deletes its data. Change this file only
together with a new migration in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)

from automatelanka.store.types import JSONType, UTCDateTime, new_id, utcnow

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ROLES = ("owner", "admin", "member")
TRIGGER_TYPES = ("manual", "webhook", "schedule", "api", "retry")
RUN_STATUSES = ("queued", "running", "waiting", "success", "failed", "cancelled")
FINISHED_STATUSES = ("success", "failed", "cancelled")
EMAIL_TOKEN_PURPOSES = ("verify", "reset")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _id() -> Column:
    return Column("id", Uuid, primary_key=True, default=new_id)


def _created() -> Column:
    return Column("created_at", UTCDateTime, nullable=False, default=utcnow)


def _workspace(index: bool = True) -> Column:
    """The tenant key. ``index=False`` where a composite index already leads with it."""
    return Column(
        "workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=index
    )


def _user(name: str, nullable: bool = True, ondelete: str = "SET NULL") -> Column:
    return Column(name, Uuid, ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=True)


users = Table(
    "users",
    metadata,
    _id(),
    Column("email", String(320), nullable=False, unique=True),  # stored lower-cased
    Column("name", String(200), nullable=False, default=""),
    Column("password_hash", String(255)),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("is_platform_admin", Boolean, nullable=False, default=False, server_default=false()),
    Column("email_verified_at", UTCDateTime),
    Column("last_login_at", UTCDateTime),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
)

workspaces = Table(
    "workspaces",
    metadata,
    _id(),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("settings", JSONType, nullable=False, default=dict),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
)

memberships = Table(
    "memberships",
    metadata,
    Column("workspace_id", Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("role", String(16), nullable=False, default="member"),
    _user("invited_by"),
    Column("accepted_at", UTCDateTime),
    _created(),
    CheckConstraint(_in("role", ROLES), name="role"),
)

invitations = Table(
    "invitations",
    metadata,
    _id(),
    _workspace(),
    Column("email", String(320), nullable=False, index=True),
    Column("role", String(16), nullable=False, default="member"),
    Column("token_hash", String(128), nullable=False, unique=True),
    _user("invited_by"),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime),
    _created(),
    CheckConstraint(_in("role", ROLES), name="role"),
)

workflows = Table(
    "workflows",
    metadata,
    _id(),
    _workspace(index=False),
    Column("name", String(300), nullable=False),
    Column("filename", String(300)),
    Column("definition", JSONType, nullable=False),  # the n8n workflow JSON
    Column("description", Text, nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=False),
    Column("public", Boolean, nullable=False, default=False),
    Column("tags", JSONType, nullable=False, default=list),
    Column("nodes_count", Integer, nullable=False, default=0),
    Column("integrations", JSONType, nullable=False, default=list),
    Column("category", String(100)),
    Column("trigger_type", String(32)),
    _user("created_by"),
    Column("popularity", Float, nullable=False, default=0.0),
    Column("usage_count", Integer, nullable=False, default=0),
    Column("content_hash", String(64), nullable=False),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index(None, "workspace_id", "content_hash"),
    Index(None, "workspace_id", "name"),
    Index(None, "workspace_id", "updated_at", "id"),
    Index(None, "workspace_id", "popularity"),
    Index(None, "workspace_id", "category"),
    Index(None, "workspace_id", "active"),
    Index(None, "public"),
)

workflow_versions = Table(
    "workflow_versions",
    metadata,
    _id(),
    _workspace(),
    Column("workflow_id", Uuid, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("definition", JSONType, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("message", Text, nullable=False, default=""),
    _user("created_by"),
    _created(),
    UniqueConstraint("workflow_id", "version"),
)

runs = Table(
    "runs",
    metadata,
    _id(),
    _workspace(index=False),
    Column("workflow_id", Uuid, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False),
    _user("triggered_by"),
    Column("trigger_type", String(16), nullable=False, default="manual"),
    Column("status", String(16), nullable=False, default="queued", index=True),
    _created(),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("duration_ms", BigInteger),
    Column("input", JSONType),
    Column("output", JSONType),
    Column("error", JSONType),
    Column("node_executions", Integer, nullable=False, default=0),
    Column("retry_of", Uuid, ForeignKey("runs.id", ondelete="SET NULL"), index=True),
    CheckConstraint(_in("trigger_type", TRIGGER_TYPES), name="trigger_type"),
    CheckConstraint(_in("status", RUN_STATUSES), name="status"),
    Index(None, "workspace_id", "created_at", "id"),
    Index(None, "workspace_id", "status", "created_at"),
    Index(None, "workflow_id", "created_at"),
)

run_node_data = Table(
    "run_node_data",
    metadata,
    _id(),
    _workspace(),
    Column("run_id", Uuid, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("node_name", String(300), nullable=False),
    Column("run_index", Integer, nullable=False, default=0),
    Column("execution_index", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, default="success"),
    Column("outputs", JSONType),
    Column("error", JSONType),
    Column("started_at", UTCDateTime),
    Column("duration_ms", BigInteger),
    _created(),
    UniqueConstraint("run_id", "node_name", "run_index"),
    Index(None, "run_id", "execution_index"),
)

credentials = Table(
    "credentials",
    metadata,
    _id(),
    _workspace(index=False),
    Column("type", String(200), nullable=False),
    Column("name", String(300), nullable=False),
    Column("data", LargeBinary, nullable=False),  # encrypted; never stored in clear
    Column("metadata", JSONType, nullable=False, default=dict),
    _user("connected_by"),
    Column("last_used_at", UTCDateTime),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Index(None, "workspace_id", "type"),
    Index(None, "workspace_id", "name"),
)

plans = Table(
    "plans",
    metadata,
    _id(),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("limits", JSONType, nullable=False, default=dict),
    Column("price_cents", Integer, nullable=False, default=0),
    Column("interval", String(16), nullable=False, default="month"),
    Column("active", Boolean, nullable=False, default=True),
    Column("stripe_price_id", String(200)),  # migration 0004: the Stripe Price a checkout sells
    _created(),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    _id(),
    _workspace(),
    Column("plan_id", Uuid, ForeignKey("plans.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("status", String(16), nullable=False, default="active", index=True),
    Column("current_period_start", UTCDateTime, nullable=False),
    Column("current_period_end", UTCDateTime, nullable=False),
    Column("provider", String(32)),
    Column("provider_ref", String(200), index=True),
    Column("cancelled_at", UTCDateTime),
    # migration 0004: Stripe state (cancel at period end; past_due grace starts here)
    Column("cancel_at_period_end", Boolean, nullable=False, default=False, server_default=false()),
    Column("past_due_since", UTCDateTime),
    Column("updated_at", UTCDateTime),
    _created(),
)

usage_records = Table(
    "usage_records",
    metadata,
    _id(),
    _workspace(index=False),
    Column("period_start", UTCDateTime, nullable=False),
    Column("period_end", UTCDateTime, nullable=False),
    Column("runs", BigInteger, nullable=False, default=0),
    Column("node_executions", BigInteger, nullable=False, default=0),
    Column("api_calls", BigInteger, nullable=False, default=0),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("workspace_id", "period_start"),
)

api_keys = Table(
    "api_keys",
    metadata,
    _id(),
    _workspace(),
    _user("user_id"),
    Column("name", String(200), nullable=False, default=""),
    Column("key_hash", String(128), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("scopes", JSONType, nullable=False, default=list),
    Column("expires_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    _created(),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    _id(),
    _user("user_id", nullable=False, ondelete="CASCADE"),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("family", Uuid, nullable=False, index=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    _created(),
)

email_tokens = Table(
    "email_tokens",
    metadata,
    _id(),
    _user("user_id", nullable=False, ondelete="CASCADE"),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("purpose", String(16), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("used_at", UTCDateTime),
    _created(),
    CheckConstraint(_in("purpose", EMAIL_TOKEN_PURPOSES), name="purpose"),
)

webhooks = Table(
    "webhooks",
    metadata,
    _id(),
    _workspace(),
    Column("workflow_id", Uuid, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("node_name", String(300), nullable=False),
    Column("method", String(10), nullable=False),
    Column("path", String(500), nullable=False),
    _created(),
    UniqueConstraint("method", "path"),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    _workspace(index=False),
    _user("actor_id"),
    Column("action", String(100), nullable=False),
    Column("target_type", String(50)),
    Column("target_id", String(64)),
    Column("details", JSONType, nullable=False, default=dict),
    Column("ip", String(64)),
    _created(),
    Index(None, "workspace_id", "created_at", "id"),
    Index(None, "workspace_id", "action"),
)

# The daemon execution side's tables (run leases, schedules, webhook secrets; migration 0003) live
# in their own module on this same metadata; import it so `metadata` always lists every table.
from automatelanka.store import schema_billing as _schema_billing  # noqa: E402, F401  (migration 0004)
from automatelanka.store import schema_runtime as _schema_runtime  # noqa: E402, F401

#: Tables of derived data that their owner creates and rebuilds itself (the full-text index,
#: see automatelanka/search/index.py), so migrations and schema comparisons leave them alone.
DERIVED_TABLE_PREFIX = "search_documents"


def managed_by_migrations(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: skip the derived tables and their indexes."""
    if type_ == "table":
        return not (name or "").startswith(DERIVED_TABLE_PREFIX)
    if type_ == "index":
        return not (parent_names.get("table_name") or "").startswith(DERIVED_TABLE_PREFIX)
    return True
