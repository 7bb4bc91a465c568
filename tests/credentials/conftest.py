# ruff: noqa: F811  (daemon fixtures imported, then used as parameters)
"""Credential fixtures: a daemon (with its worker) whose OAuth providers and service APIs all point
at a fake provider on 127.0.0.1; on SQLite and on PostgreSQL (+ Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from daemon._execution import worker_overrides
from daemon.conftest import (  # noqa: F401  (daemon fixtures reused)
    _fast_password_hashing,
    daemon_settings,
    make_app,
    outbox,
    register_user,
)
from fastapi.testclient import TestClient

from .fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider, serve

OAUTH_PROVIDERS = ("slack", "google", "github", "microsoft")


@pytest.fixture(autouse=True)
def _no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys go to the test home's 0600 file, never to the keyring of the machine running the tests."""
    from automatelanka.services import keys, kms

    monkeypatch.setattr(keys, "_keyring_usable", lambda: False)
    kms.reset_cache()


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    provider, server = serve()
    yield provider
    server.shutdown()


def integrations_for(url: str) -> dict[str, dict[str, str]]:
    conf = {p: {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "authorize_url": f"{url}/authorize",
                "token_url": f"{url}/token", "api_url": url} for p in OAUTH_PROVIDERS}
    conf["telegram"] = {"api_url": url}
    return conf


@pytest.fixture
def app(make_app: Any, fake: FakeProvider, db: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    return make_app(run_worker=True, integrations=integrations_for(fake.url), public_url="https://al.example.com",
                    **worker_overrides(db, monkeypatch))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
        if app.state.queue.is_redis:
            app.state.queue.flush()


@pytest.fixture
def ann(client: TestClient) -> Any:
    return register_user(client, f"ann-{uuid.uuid4().hex[:6]}@example.com")


@pytest.fixture
def ben(client: TestClient) -> Any:
    return register_user(client, f"ben-{uuid.uuid4().hex[:6]}@example.com")


def add_credential(client: TestClient, user: Any, type: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/credentials", json={"type": type, "name": name, "data": data}, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def http_workflow(url: str, cred_type: str, cred_name: str, *, cred_id: str = "n8n-export-7",
                  name: str = "call") -> dict[str, Any]:
    """Manual trigger -> HTTP Request (predefined credential ``cred_type``) -> the fake's ``url``."""
    return {
        "name": name,
        "nodes": [
            {"id": "m", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
             "position": [0, 0], "parameters": {}},
            {"id": "h", "name": "Call", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4.2,
             "position": [200, 0],
             "parameters": {"url": url, "authentication": "predefinedCredentialType",
                            "nodeCredentialType": cred_type, "options": {}},
             "credentials": {cred_type: {"id": cred_id, "name": cred_name}}},
        ],
        "connections": {"Start": {"main": [[{"node": "Call", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"},
    }


def run_workflow(client: TestClient, user: Any, definition: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/workflows", json=definition, headers=user.headers)
    assert r.status_code == 201, r.text
    r = client.post(f"/api/workflows/{r.json()['id']}/run?wait=true&timeout=20", headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()
