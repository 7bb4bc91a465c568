"""Workflows: derive summary fields, save with versions, import, clone, activate, stats.

Plain functions over a SQLAlchemy Connection. Errors: ``store.errors.NotFound`` (absent in the
workspace), ``store.errors.Conflict`` (webhook path taken), ``ValueError`` (bad input).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, cast, func, select

from automatelanka.store.errors import NotFound
from automatelanka.store.repositories import workflows as repo
from automatelanka.store.repositories._common import Page, in_workspace, keyset_page
from automatelanka.store.schema import runs, workflows

#: Node types that are the platform itself, not an integration with an outside service.
CORE_TYPES = frozenset({
    "aggregate", "code", "compareDatasets", "compression", "convertToFile", "cron", "crypto", "dateTime",
    "debugHelper", "editImage", "errorTrigger", "executeCommand", "executeWorkflow", "executeWorkflowTrigger",
    "extractFromFile", "filter", "formTrigger", "form", "function", "functionItem", "html", "httpRequest",
    "if", "interval", "itemLists", "jwt", "limit", "manualTrigger", "markdown", "merge", "moveBinaryData",
    "noOp", "readBinaryFile", "readBinaryFiles", "readWriteFile", "removeDuplicates", "renameKeys",
    "respondToWebhook", "scheduleTrigger", "set", "sort", "splitInBatches", "splitOut", "start",
    "stickyNote", "stopAndError", "summarize", "switch", "wait", "webhook", "writeBinaryFile", "xml",
    "spreadsheetFile", "executionData", "n8nTrainingCustomerDatamart", "simulate", "evaluationTrigger",
})
WEBHOOK_TRIGGERS = frozenset({"webhook", "formTrigger"})
SCHEDULE_TRIGGERS = frozenset({"scheduleTrigger", "cron", "interval"})
LIST_COLUMNS = [c for c in workflows.c if c.name != "definition"]


def short_type(node_type: str) -> str:
    """``n8n-nodes-base.slackTrigger`` -> ``slackTrigger``."""
    return node_type.rsplit(".", 1)[-1]


def _enabled_nodes(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in definition.get("nodes") or [] if isinstance(n, dict) and not n.get("disabled")]


def derive(definition: dict[str, Any]) -> dict[str, Any]:
    """The summary fields saved with a workflow: nodes_count, integrations, trigger_type, description."""
    nodes = [n for n in definition.get("nodes") or [] if isinstance(n, dict)]
    integrations: set[str] = set()
    shorts = []
    for node in nodes:
        short = short_type(str(node.get("type", "")))
        shorts.append((short, bool(node.get("disabled"))))
        if short in CORE_TYPES or not short:
            continue
        base = short[: -len("Trigger")] if short.endswith("Trigger") and len(short) > 7 else short
        if base.endswith("Tool") and len(base) > 4:
            base = base[:-4]
        integrations.add(base)
    enabled = [s for s, disabled in shorts if not disabled]
    if any(s in WEBHOOK_TRIGGERS for s in enabled):
        trigger = "webhook"
    elif any(s in SCHEDULE_TRIGGERS for s in enabled):
        trigger = "schedule"
    elif any(s.endswith("Trigger") and s not in ("manualTrigger", "executeWorkflowTrigger") for s in enabled):
        trigger = "other"
    else:
        trigger = "manual"
    notes = [str((n.get("parameters") or {}).get("content") or "") for n in nodes
             if short_type(str(n.get("type", ""))) == "stickyNote"]
    return {
        "nodes_count": sum(1 for s, _ in shorts if s != "stickyNote"),
        "integrations": sorted(integrations),
        "trigger_type": trigger,
        "description": _describe(notes),
    }


def _describe(notes: list[str], limit: int = 500) -> str:
    """Sticky-note text as plain prose: markdown heading marks, emphasis and links removed."""
    text = "\n".join(n for n in notes if n.strip())
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"[*_`~]{1,3}", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def normalize_tags(raw: Any) -> list[str]:
    """n8n exports tags as ``[{"name": ...}]``; the API takes strings. Both become strings."""
    out: list[str] = []
    for tag in raw or []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if isinstance(name, str) and name.strip() and name.strip() not in out:
            out.append(name.strip())
    return out


def validate_definition(definition: Any) -> dict[str, Any]:
    """A workflow must be an object with a ``nodes`` list (and ``connections`` object if given)."""
    if not isinstance(definition, dict):
        raise ValueError("a workflow must be a JSON object")
    if not isinstance(definition.get("nodes"), list):
        raise ValueError("a workflow needs a 'nodes' list")
    for i, node in enumerate(definition["nodes"]):
        if not isinstance(node, dict) or not isinstance(node.get("name"), str) or not isinstance(node.get("type"), str):
            raise ValueError(f"nodes[{i}] needs a 'name' and a 'type'")
    if not isinstance(definition.get("connections", {}), dict):
        raise ValueError("'connections' must be an object")
    return definition


def create(conn: Connection, workspace_id: uuid.UUID, definition: dict[str, Any], *, name: str | None = None,
           tags: list[str] | None = None, created_by: uuid.UUID | None = None,
           filename: str | None = None, digest: str | None = None) -> dict[str, Any]:
    """Save a new workflow (inactive) with its version 1 (``digest``: its content hash, if known)."""
    from automatelanka.services import limits

    validate_definition(definition)
    limits.check_workflows(conn, workspace_id)  # PlanLimitExceeded (402) past the plan's workflows
    name = (name or definition.get("name") or "My workflow").strip()[:300] or "My workflow"
    tag_list = normalize_tags(tags if tags is not None else definition.get("tags"))
    row = repo.create_workflow(conn, workspace_id, name=name, definition=definition, created_by=created_by,
                               tags=tag_list, filename=filename, active=False, digest=digest,
                               **derive(definition))
    _index(conn, row)
    return row


def _index(conn: Connection, row: dict[str, Any]) -> None:
    """Keep the full-text index in step with the workflow, in the same transaction."""
    from automatelanka.services import search as full_text

    full_text.index_workflow(conn, row)


def get(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    row = repo.get_workflow(conn, workspace_id, workflow_id)
    if row is None:
        raise NotFound("workflow not found")
    return row


def update(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *,
           definition: dict[str, Any] | None = None, name: str | None = None, tags: list[str] | None = None,
           changed_by: uuid.UUID | None = None, message: str = "",
           default_timezone: str = "UTC") -> dict[str, Any]:
    """Change a workflow; a new definition is saved as a version (and re-registers triggers if active)."""
    current = get(conn, workspace_id, workflow_id)
    fields: dict[str, Any] = {}
    if definition is not None:
        validate_definition(definition)
        if "staticData" not in definition and current["definition"].get("staticData"):
            definition = {**definition, "staticData": current["definition"]["staticData"]}  # runtime state stays
        fields["definition"] = definition
        fields.update(derive(definition))
    if name is not None:
        if not name.strip():
            raise ValueError("name must not be empty")
        fields["name"] = name.strip()[:300]
    if tags is not None:
        fields["tags"] = normalize_tags(tags)
    row = repo.update_workflow(conn, workspace_id, workflow_id, changed_by=changed_by, message=message, **fields)
    assert row is not None
    _index(conn, row)
    if current["active"] and definition is not None:
        register_triggers(conn, row, default_timezone=default_timezone)
    return row


def delete(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> None:
    from automatelanka.services import search as full_text

    if not repo.delete_workflow(conn, workspace_id, workflow_id):
        raise NotFound("workflow not found")
    full_text.remove_workflow(conn, workflow_id)


@dataclass
class ListFilters:
    active: bool | None = None
    tag: str | None = None
    trigger_type: str | None = None
    q: str | None = None


def list_workflows(conn: Connection, workspace_id: uuid.UUID, filters: ListFilters, *, limit: int = 50,
                   cursor: str | None = None) -> Page:
    """Newest first, keyset-paginated by ``(created_at, id)`` so pages stay stable under edits.

    With a query ``q`` the full-text search ranks them instead (best first; the cursor is then an
    offset into the ranking).
    """
    if filters.q:
        return _search_page(conn, workspace_id, filters, limit=limit, cursor=cursor)
    conditions = [in_workspace(workflows, workspace_id)]
    if filters.active is not None:
        conditions.append(workflows.c.active == filters.active)
    if filters.trigger_type:
        conditions.append(workflows.c.trigger_type == filters.trigger_type)
    if filters.tag:
        conditions.append(cast(workflows.c.tags, String).like(
            "%" + json.dumps(filters.tag)[:-1].replace("%", "\\%").replace("_", "\\_") + '"%', escape="\\"))
    return keyset_page(conn, workflows, conditions, limit=limit, cursor=cursor, columns=LIST_COLUMNS)


def _search_page(conn: Connection, workspace_id: uuid.UUID, filters: ListFilters, *, limit: int,
                 cursor: str | None) -> Page:
    from automatelanka.services import search as full_text

    try:
        offset = int(cursor[2:]) if cursor and cursor.startswith("o:") else 0
    except ValueError:
        raise ValueError("invalid cursor") from None
    found = full_text.search_workflows(
        conn, workspace_id, filters.q or "", limit=limit + 1, offset=offset,
        filters=full_text.SearchFilters(trigger_type=filters.trigger_type, active=filters.active))
    ids = [uuid.UUID(str(r["id"])) for r in found.results]
    rows = {r["id"]: r for r in conn.execute(
        select(*LIST_COLUMNS).where(
            in_workspace(workflows, workspace_id), workflows.c.id.in_(ids))).mappings()}
    items = [dict(rows[i]) for i in ids if i in rows]
    if filters.tag:
        items = [r for r in items if filters.tag in (r.get("tags") or [])]
    more = len(items) > limit
    return Page(items[:limit], f"o:{offset + limit}" if more else None)


# --- versions ---------------------------------------------------------------------------------


def versions(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> list[dict[str, Any]]:
    get(conn, workspace_id, workflow_id)
    return repo.list_versions(conn, workspace_id, workflow_id)


def restore(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, version: int, *,
            changed_by: uuid.UUID | None = None) -> dict[str, Any]:
    """Make version ``version``'s definition current again (saved as a new version)."""
    get(conn, workspace_id, workflow_id)
    old = repo.get_version(conn, workspace_id, workflow_id, version)
    if old is None:
        raise NotFound(f"version {version} not found")
    return update(conn, workspace_id, workflow_id, definition=old["definition"], changed_by=changed_by,
                  message=f"restored version {version}")


# --- import, clone ------------------------------------------------------------------------------


def import_many(conn: Connection, workspace_id: uuid.UUID, items: list[Any], *,
                created_by: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Import each item on its own savepoint: ``{index, status: imported|unchanged|failed, id, error}``.

    Identical content already in the workspace (same content hash) is reported ``unchanged``.
    An item may be ``{"filename": ..., "definition": {...}}`` to record the file it came from.
    """
    results = []
    filenames: dict[int, str] = {}
    items = list(items)
    for i, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("definition"), dict) and "nodes" not in item:
            if isinstance(item.get("filename"), str):
                filenames[i] = item["filename"].replace("\\", "/").rsplit("/", 1)[-1][:300]
            items[i] = item["definition"]
    digests = {i: repo.content_hash(item) for i, item in enumerate(items) if isinstance(item, dict)}
    known = _existing_hashes(conn, workspace_id, set(digests.values()))  # one query for the batch
    for index, item in enumerate(items):
        try:
            if isinstance(item, Exception):  # e.g. an uploaded file that is not JSON
                raise item
            definition = validate_definition(item)
            existing_id = known.get(digests[index])
            if existing_id is not None:
                results.append({"index": index, "status": "unchanged", "id": str(existing_id), "error": None})
                continue
            with conn.begin_nested():
                row = create(conn, workspace_id, definition, created_by=created_by, filename=filenames.get(index),
                             digest=digests[index])
            known[digests[index]] = row["id"]  # the same workflow twice in one import: once
            results.append({"index": index, "status": "imported", "id": str(row["id"]), "error": None})
        except Exception as exc:  # one bad item never aborts the rest
            message = str(exc) if isinstance(exc, (ValueError, LookupError)) else f"could not import: {exc}"
            results.append({"index": index, "status": "failed", "id": None, "error": message})
    # Credentials the nodes reference that this workspace lacks, so the user can connect them.
    from automatelanka.services.credentials import missing_for

    for result, missing in zip(results, missing_for(conn, workspace_id, items), strict=True):
        result["missing_credentials"] = missing if result["status"] != "failed" else []
    return results


def _existing_hashes(conn: Connection, workspace_id: uuid.UUID, digests: set[str]) -> dict[str, Any]:
    """content_hash -> id of the workspace's workflows having one of ``digests``."""
    found: dict[str, Any] = {}
    wanted = sorted(digests)
    for start in range(0, len(wanted), 500):
        rows = conn.execute(select(workflows.c.content_hash, workflows.c.id).where(
            in_workspace(workflows, workspace_id), workflows.c.content_hash.in_(wanted[start:start + 500])))
        for digest, wf_id in rows:
            found.setdefault(digest, wf_id)
    return found


def parse_import(raw: bytes | str) -> list[Any]:
    """An n8n export file: one workflow or a list of them (ValueError if not JSON)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a JSON file: {exc}") from None
    return data if isinstance(data, list) else [data]


def clone(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, name: str | None = None,
          created_by: uuid.UUID | None = None) -> dict[str, Any]:
    source = get(conn, workspace_id, workflow_id)
    definition = json.loads(json.dumps(source["definition"]))
    definition.pop("id", None)
    definition["active"] = False
    definition["name"] = name or f"{source['name']} (copy)"
    for node in definition.get("nodes") or []:  # a copy must not fight over the original's webhook paths
        if isinstance(node, dict) and node.get("webhookId"):
            node["webhookId"] = str(uuid.uuid4())
    return create(conn, workspace_id, definition, name=definition["name"], tags=source["tags"],
                  created_by=created_by)


# --- activation ----------------------------------------------------------------------------------


def register_triggers(conn: Connection, row: dict[str, Any], *, default_timezone: str = "UTC") -> None:
    """(Re)register the workflow's webhook paths and schedules; Conflict names a taken path."""
    from automatelanka.services import schedules, webhooks

    webhooks.register(conn, row)
    schedules.register(conn, row, default_timezone=default_timezone)


def activate(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *,
             default_timezone: str = "UTC") -> dict[str, Any]:
    row = get(conn, workspace_id, workflow_id)
    with conn.begin_nested():
        register_triggers(conn, row, default_timezone=default_timezone)
        repo.update_workflow(conn, workspace_id, workflow_id, active=True)
    _index(conn, {**row, "active": True})
    return {**row, "active": True}


def deactivate(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    from automatelanka.services import schedules, webhooks

    row = get(conn, workspace_id, workflow_id)
    webhooks.unregister(conn, workspace_id, workflow_id)
    schedules.unregister(conn, workspace_id, workflow_id)
    repo.update_workflow(conn, workspace_id, workflow_id, active=False)
    _index(conn, {**row, "active": False})
    return {**row, "active": False}


def download(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    """The n8n JSON, with the current name, tags and active flag."""
    row = get(conn, workspace_id, workflow_id)
    out = dict(row["definition"])
    out["name"] = row["name"]
    out["active"] = bool(row["active"])
    out.setdefault("id", str(row["id"]))
    out["tags"] = [{"name": t} for t in row["tags"]]
    return out


def stats(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    """Runs by status, the last run and the average duration of finished runs."""
    get(conn, workspace_id, workflow_id)
    scope = (in_workspace(runs, workspace_id), runs.c.workflow_id == workflow_id)
    by_status = {s: n for s, n in conn.execute(
        select(runs.c.status, func.count()).where(*scope).group_by(runs.c.status)).all()}
    avg = conn.execute(select(func.avg(runs.c.duration_ms)).where(*scope, runs.c.duration_ms.is_not(None))).scalar()
    last = conn.execute(select(runs.c.id, runs.c.status, runs.c.created_at, runs.c.finished_at).where(*scope)
                        .order_by(runs.c.created_at.desc(), runs.c.id.desc()).limit(1)).mappings().first()
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "last_run": dict(last) if last else None,
        "avg_duration_ms": round(float(avg), 1) if avg is not None else None,
    }
