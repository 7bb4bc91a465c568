"""A workflow's static data: the ``staticData`` key of its stored definition, read and written alone.

Writing touches that one key with a JSON update (``jsonb_set`` on PostgreSQL, ``json_set`` on
SQLite): the rest of the definition, ``updated_at``, the content hash and the versions stay as
they are, so runtime state never looks like an edit and never undoes one made meanwhile.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, Text, cast, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import JSONB

from automatelanka.store.repositories._common import in_workspace
from automatelanka.store.schema import workflows

#: Marks a top-level key to remove in :func:`merge_static_data`.
DELETE = object()


def get_static_data(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *,
                    for_update: bool = False) -> dict[str, Any] | None:
    """The workflow's static data (``{}`` when it has none); None when the workflow is not there."""
    stmt = select(workflows.c.definition["staticData"]).where(
        in_workspace(workflows, workspace_id), workflows.c.id == workflow_id)
    if for_update and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        return None
    value = row[0]
    if isinstance(value, str):  # a driver that hands back the JSON text
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def set_static_data(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID,
                    data: dict[str, Any]) -> bool:
    """Replace the definition's ``staticData`` key only. False if the workflow is not there."""
    text = json.dumps(data, separators=(",", ":"), default=str)
    if conn.dialect.name == "postgresql":
        value = func.jsonb_set(workflows.c.definition, literal_column("'{staticData}'::text[]"),
                               cast(literal(text, Text), JSONB), True)
    else:
        value = func.json_set(workflows.c.definition, "$.staticData", func.json(literal(text, Text)))
    stmt = (update(workflows).where(in_workspace(workflows, workspace_id), workflows.c.id == workflow_id)
            .values(definition=value))
    return conn.execute(stmt).rowcount == 1


def merge_static_data(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID,
                      changes: dict[str, Any]) -> bool:
    """Apply ``{key: value | DELETE}`` to the stored static data's top-level keys (row locked on
    PostgreSQL), so writers changing different keys at once both keep their change."""
    current = get_static_data(conn, workspace_id, workflow_id, for_update=True)
    if current is None:
        return False
    for key, value in changes.items():
        if value is DELETE:
            current.pop(key, None)
        else:
            current[key] = value
    return set_static_data(conn, workspace_id, workflow_id, current)
