"""Workflows and their saved versions. Every change to a workflow's definition adds a version."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from automatelanka.store.repositories._common import (
    Row,
    checked_values,
    delete_scoped,
    get_scoped,
    in_workspace,
    many,
    one,
)
from automatelanka.store.schema import workflow_versions, workflows
from automatelanka.store.types import new_id, utcnow

FIELDS = (
    "name", "filename", "definition", "description", "active", "public", "tags", "nodes_count",
    "integrations", "category", "trigger_type", "popularity", "usage_count",
)
SORTS = {
    "name": (workflows.c.name, workflows.c.id),
    "updated": (workflows.c.updated_at.desc(), workflows.c.id.desc()),
    "popular": (workflows.c.popularity.desc(), workflows.c.id),
}


def content_hash(definition: dict[str, Any]) -> str:
    """SHA-256 of the definition's canonical JSON (key order and spacing do not matter)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_workflow(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    name: str,
    definition: dict[str, Any],
    created_by: uuid.UUID | None = None,
    digest: str | None = None,
    **fields: Any,
) -> Row:
    """Store a workflow and its version 1. ``nodes_count`` defaults to the definition's node count.
    ``digest``: the definition's :func:`content_hash` when the caller already computed it."""
    fields = checked_values(fields, FIELDS)
    now = utcnow()
    values = {
        "id": new_id(), "workspace_id": workspace_id, "name": name, "definition": definition,
        "created_by": created_by, "content_hash": digest or content_hash(definition), "created_at": now,
        "updated_at": now, "filename": None, "description": "", "active": False, "public": False,
        "tags": [], "nodes_count": len(definition.get("nodes") or []), "integrations": [],
        "category": None, "trigger_type": None, "popularity": 0.0, "usage_count": 0, **fields,
    }
    conn.execute(insert(workflows), values)  # parameters, not .values(): the compiled statement is cached
    _add_version(conn, values, version=1, created_by=created_by, message="created")
    return values


def _add_version(conn: Connection, wf: Row, *, version: int, created_by: uuid.UUID | None, message: str) -> None:
    conn.execute(
        insert(workflow_versions),
        {"id": new_id(), "workspace_id": wf["workspace_id"], "workflow_id": wf["id"], "version": version,
         "definition": wf["definition"], "content_hash": wf["content_hash"], "message": message,
         "created_by": created_by, "created_at": utcnow()},
    )


def get_workflow(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> Row | None:
    return get_scoped(conn, workflows, workspace_id, workflow_id)


def find_by_content_hash(conn: Connection, workspace_id: uuid.UUID, digest: str) -> list[Row]:
    """Workflows of the workspace with exactly this definition (import de-duplication)."""
    stmt = select(workflows).where(in_workspace(workflows, workspace_id), workflows.c.content_hash == digest)
    return many(conn.execute(stmt))


def list_workflows(
    conn: Connection,
    workspace_id: uuid.UUID,
    *,
    active: bool | None = None,
    category: str | None = None,
    sort: str = "name",
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    """Workflows of the workspace, without their definitions, filtered and sorted."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    cols = [c for c in workflows.c if c.name != "definition"]
    stmt = select(*cols).where(in_workspace(workflows, workspace_id))
    if active is not None:
        stmt = stmt.where(workflows.c.active == active)
    if category is not None:
        stmt = stmt.where(workflows.c.category == category)
    return many(conn.execute(stmt.order_by(*SORTS[sort]).limit(limit).offset(offset)))


def update_workflow(
    conn: Connection,
    workspace_id: uuid.UUID,
    workflow_id: uuid.UUID,
    *,
    changed_by: uuid.UUID | None = None,
    message: str = "",
    **fields: Any,
) -> Row | None:
    """Change fields; a changed definition is hashed and saved as a new version. None if absent."""
    fields = checked_values(fields, FIELDS)
    current = get_workflow(conn, workspace_id, workflow_id)
    if current is None:
        return None
    new_definition = "definition" in fields and content_hash(fields["definition"]) != current["content_hash"]
    if new_definition:
        fields["content_hash"] = content_hash(fields["definition"])
        fields.setdefault("nodes_count", len(fields["definition"].get("nodes") or []))
    fields["updated_at"] = utcnow()
    stmt = update(workflows).where(in_workspace(workflows, workspace_id), workflows.c.id == workflow_id)
    conn.execute(stmt.values(**fields))
    updated = {**current, **fields}
    if new_definition:
        latest = conn.execute(
            select(func.max(workflow_versions.c.version)).where(
                in_workspace(workflow_versions, workspace_id), workflow_versions.c.workflow_id == workflow_id
            )
        ).scalar_one()
        _add_version(conn, updated, version=(latest or 0) + 1, created_by=changed_by, message=message)
    return updated


def increment_usage(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, by: int = 1) -> bool:
    """Count a use of the workflow (one statement, safe under concurrency)."""
    stmt = (
        update(workflows)
        .where(in_workspace(workflows, workspace_id), workflows.c.id == workflow_id)
        .values(usage_count=workflows.c.usage_count + by)
    )
    return conn.execute(stmt).rowcount > 0


def delete_workflow(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> bool:
    """Delete the workflow with its versions, runs and webhooks."""
    return delete_scoped(conn, workflows, workspace_id, workflow_id)


def list_versions(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> list[Row]:
    """Saved versions, newest first, without their definitions."""
    cols = [c for c in workflow_versions.c if c.name != "definition"]
    stmt = (
        select(*cols)
        .where(in_workspace(workflow_versions, workspace_id), workflow_versions.c.workflow_id == workflow_id)
        .order_by(workflow_versions.c.version.desc())
    )
    return many(conn.execute(stmt))


def get_version(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, version: int) -> Row | None:
    stmt = select(workflow_versions).where(
        in_workspace(workflow_versions, workspace_id),
        workflow_versions.c.workflow_id == workflow_id,
        workflow_versions.c.version == version,
    )
    return one(conn.execute(stmt))
