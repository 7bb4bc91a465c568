"""Helpers for the execution-side daemon tests: an app that runs its worker (SQLite + SqliteHuey,
or PostgreSQL + Redis), workflow builders, and waiting for runs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

BENCH_WORKFLOW = Path(__file__).resolve().parents[3] / "shared" / "bench" / "webhook-workflow.json"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_reachable() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def worker_overrides(db: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """SQLite runs with SqliteHuey (the fixture default); PostgreSQL with a Redis queue and events."""
    if db.backend != "postgres":
        return {}
    if not _redis_reachable():
        import os

        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail("Redis at 127.0.0.1:6379 is not reachable; CI must run these tests")
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    from automatelanka.daemon import queue

    monkeypatch.setattr(queue, "QUEUE_NAME", f"al-test-{uuid.uuid4().hex[:10]}")
    return {"queue_url": REDIS_URL}


@pytest.fixture
def wclient(make_app: Any, db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A started app that runs its own worker (consumer, scheduler, recovery)."""
    app = make_app(run_worker=True, **worker_overrides(db, monkeypatch))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
        if app.state.queue.is_redis:
            app.state.queue.flush()


@pytest.fixture
def ann(wclient: TestClient) -> Any:
    from .conftest import register_user

    return register_user(wclient, "ann@example.com")


@pytest.fixture
def ben(wclient: TestClient) -> Any:
    """Someone else, with a workspace of their own."""
    from .conftest import register_user

    return register_user(wclient, "ben@example.com")


def webhook_workflow(path: str, *, mode: str = "onReceived", method: str = "POST", **params: Any) -> dict[str, Any]:
    """Webhook -> Set (``seen`` = body.name) workflow with the given response settings."""
    hook_params = {"httpMethod": method, "path": path, "responseMode": mode, "options": {}, **params}
    return {
        "name": f"hook {path}",
        "nodes": [
            {"id": "w", "name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
             "webhookId": str(uuid.uuid4()), "parameters": hook_params},
            {"id": "s", "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
             "parameters": {"assignments": {"assignments": [
                 {"id": "a", "name": "seen", "value": "={{ $json.body.name }}", "type": "string"}]},
                 "includeOtherFields": False, "options": {}}},
        ],
        "connections": {"Webhook": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"},
    }


def manual_workflow(name: str = "manual", *, wait_s: float = 0, waits: int = 0) -> dict[str, Any]:
    """Manual trigger -> Set (``doubled`` = n * 2), optionally followed by ``waits`` Wait nodes."""
    nodes = [
        {"id": "m", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0],
         "parameters": {}},
        {"id": "s", "name": "Double", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
         "parameters": {"assignments": {"assignments": [
             {"id": "a", "name": "doubled", "value": "={{ ($json.n || 0) * 2 }}", "type": "number"}]},
             "options": {}}},
    ]
    connections: dict[str, Any] = {"Start": {"main": [[{"node": "Double", "type": "main", "index": 0}]]}}
    previous = "Double"
    for i in range(waits):
        name_i = f"Wait{i}"
        nodes.append({"id": f"w{i}", "name": name_i, "type": "n8n-nodes-base.wait", "typeVersion": 1.1,
                      "position": [400 + 200 * i, 0], "parameters": {"amount": wait_s, "unit": "seconds"}})
        connections[previous] = {"main": [[{"node": name_i, "type": "main", "index": 0}]]}
        previous = name_i
    return {"name": name, "nodes": nodes, "connections": connections, "settings": {"executionOrder": "v1"}}


def create(client: TestClient, headers: dict[str, str], definition: dict[str, Any]) -> str:
    r = client.post("/api/workflows", json=definition, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def create_active(client: TestClient, headers: dict[str, str], definition: dict[str, Any]) -> str:
    wf_id = create(client, headers, definition)
    r = client.post(f"/api/workflows/{wf_id}/activate", headers=headers)
    assert r.status_code == 200, r.text
    return wf_id


def wait_run(client: TestClient, headers: dict[str, str], run_id: str, timeout: float = 10,
             statuses: tuple[str, ...] = ("success", "failed", "cancelled")) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/runs/{run_id}", headers=headers).json()
        if run.get("status") in statuses or time.monotonic() > deadline:
            return run
        time.sleep(0.02)


def bench_workflow() -> dict[str, Any]:
    return json.loads(BENCH_WORKFLOW.read_text())


@pytest.fixture
def live(make_app: Any, db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """A real uvicorn server (with its worker) on a free port: ``(base_url, app)``."""
    import socket
    import threading

    import uvicorn

    app = make_app(run_worker=True, **worker_overrides(db, monkeypatch))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    if app.state.queue.is_redis:
        app.state.queue.flush()
    server.should_exit = True
    thread.join(15)
