"""Import a folder of n8n workflow exports into a workspace and index them (tests, benchmarks, eval)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import Connection


def import_folder(conn: Connection, workspace_id: uuid.UUID, path: str | Path, *, public: bool = False) -> int:
    """Import every ``*.json`` under ``path`` (file name kept as ``filename``); returns the count.

    Files that are not a workflow are skipped. Uses the workflow service, so summary fields are
    derived exactly as for any other import, then indexes each workflow.
    """
    from automatelanka.services import search
    from automatelanka.services import workflows as service

    count = 0
    for file in sorted(Path(path).rglob("*.json")):
        try:
            data = json.loads(file.read_text())
        except (OSError, ValueError):
            continue
        for definition in data if isinstance(data, list) else [data]:
            try:
                row = service.create(conn, workspace_id, definition, filename=file.name)
            except (ValueError, TypeError):
                continue
            if public:  # the service indexed it already; this repository update has no hook
                from automatelanka.store.repositories import workflows as repo

                row = repo.update_workflow(conn, workspace_id, row["id"], public=True) or row
                search.index_workflow(conn, row)
            count += 1
    return count
