"""Search fixtures: workspaces with a few workflows, and the daemon fixtures for HTTP tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from daemon.conftest import (  # noqa: F401  (fixtures reused for the /api/ai-search tests)
    _fast_password_hashing,
    app,
    client,
    daemon_settings,
    make_app,
    outbox,
    register,
)


def node(type_: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name or type_, "type": f"n8n-nodes-base.{type_}", "typeVersion": 1, "position": [0, 0],
            "parameters": {}, **extra}


def workflow(name: str, *types: str, notes: str = "") -> dict[str, Any]:
    nodes = [node(t, f"{t} {i}") for i, t in enumerate(types)]
    if notes:
        nodes.append(node("stickyNote", "Note", parameters={"content": notes}))
    return {"name": name, "nodes": nodes, "connections": {}}


SAMPLES = {
    "sheet_to_slack": workflow("Post new rows to the team", "googleSheetsTrigger", "slack"),
    "rss_mail": workflow("Morning digest", "scheduleTrigger", "rssFeedRead", "gmail"),
    "scraper": workflow("Price watcher", "cron", "httpRequest", "html", "set", "if", "merge", "noOp", "wait"),
    "tweets": workflow("Tweet new posts", "rssFeedReadTrigger", "twitter"),
    "bot": workflow("Support bot", "telegramTrigger", "openAi", "telegram",
                    notes="Answers customer questions with GPT"),
    "invoices": workflow("Invoice archive", "gmailTrigger", "googleDrive"),
    "hook": workflow("Order webhook", "webhook", "postgres", "respondToWebhook"),
}


@dataclass
class Space:
    id: uuid.UUID
    ids: dict[str, uuid.UUID]


def add(conn: Any, ws: uuid.UUID, key: str, definition: dict[str, Any], **fields: Any) -> uuid.UUID:
    """Create a workflow the way the API does, then index it (the hook the workflow routes call)."""
    from automatelanka.services import search
    from automatelanka.services import workflows as service
    from automatelanka.store.repositories import workflows as repo

    row = service.create(conn, ws, definition, filename=f"{key}.json")
    if fields:
        row = repo.update_workflow(conn, ws, row["id"], **fields)
    search.index_workflow(conn, row)
    return row["id"]


@pytest.fixture
def spaces(db) -> tuple[Space, Space]:
    """Two workspaces with the same sample workflows; in ``other`` the bot is public."""
    from automatelanka.store.repositories import workspaces

    out = []
    with db.engine.begin() as conn:
        for slug in ("mine", "other"):
            ws = workspaces.create_workspace(conn, slug=f"{slug}-{uuid.uuid4().hex[:6]}", name=slug)["id"]
            ids = {k: add(conn, ws, f"{slug}_{k}", d, **({"public": True} if slug == "other" and k == "bot" else {}))
                   for k, d in SAMPLES.items()}
            out.append(Space(ws, ids))
    return out[0], out[1]
