"""Shared daemon fixtures: an app on a migrated database (SQLite and PostgreSQL), a TestClient,
and helpers to sign users up and act as them.

Use ``client`` for HTTP calls and ``register()`` / ``member_of()`` for callers::

    def test_x(client, register, member_of):
        ann = register("ann@example.com")            # owner of her own workspace
        bob = member_of(ann, "bob@example.com", role="member")
        client.get("/api/workspaces", headers=bob.headers)            # Bob's default workspace
        client.get("/api/...", headers=bob.headers_for(ann.workspace_id))  # in Ann's workspace

Every test using these fixtures runs once on SQLite and once on PostgreSQL (``db``).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from automatelanka.config import Settings

PASSWORD = "correct horse battery"


@dataclass
class User:
    """A registered user as the tests see them."""

    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    workspace_id: str  # their own (personal) workspace
    workspace_slug: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def headers_for(self, workspace: str) -> dict[str, str]:
        """Headers acting in ``workspace`` (id or slug)."""
        return {**self.headers, "X-Workspace": str(workspace)}


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with the cheapest parameters: the same code path, milliseconds instead of 50+."""
    from automatelanka.services import auth

    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    link: str | None

    @property
    def token(self) -> str:
        """The one-time token in the mail's link (``?token=...`` or the last path segment)."""
        assert self.link, "this mail has no link"
        return self.link.split("token=", 1)[1] if "token=" in self.link else self.link.rstrip("/").rsplit("/", 1)[1]


class Outbox(list):
    """Every mail the app sent (or logged for want of SMTP) during the test."""

    def last_to(self, email: str) -> Mail:
        for message in reversed(self):
            if message.to == email:
                return message
        raise AssertionError(f"no mail to {email}; sent: {[m.to for m in self]}")


@pytest.fixture(autouse=True)
def outbox(monkeypatch: pytest.MonkeyPatch) -> Outbox:
    """Records each ``services.mail.send`` call, then lets it run as usual (SMTP or log)."""
    from automatelanka.services import mail

    box = Outbox()
    real_send = mail.send

    def send(settings: Settings, to: str, subject: str, text: str, *, link: str | None = None) -> bool:
        box.append(Mail(to, subject, text, link))
        return real_send(settings, to, subject, text, link=link)

    monkeypatch.setattr(mail, "send", send)
    return box


@pytest.fixture
def daemon_settings(db, tmp_path: Path) -> Settings:
    """Settings for a daemon on the ``db`` fixture's database (SQLite or PostgreSQL), home in tmp."""
    return Settings(
        home=tmp_path / "home", database_url=db.url, queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
        secret_key="test-secret-key-" + uuid.uuid4().hex, files_root=tmp_path / "files",
        rate_limit_ip=0, rate_limit_workspace=0, rate_limit_auth=0,
    )


@pytest.fixture
def make_app(daemon_settings: Settings) -> Callable[..., FastAPI]:
    """``make_app(**setting_overrides)``: a fresh app (no worker) on the test database."""
    from automatelanka.daemon.app import create_app

    def make(run_worker: bool = False, **overrides: Any) -> FastAPI:
        return create_app(dataclasses.replace(daemon_settings, **overrides), run_worker=run_worker)

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A TestClient with the app started (lifespan run: database migrated and opened)."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def register_user(client: TestClient, email: str | None = None, password: str = PASSWORD, name: str = "") -> User:
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    r = client.post("/api/auth/register", json={"email": email, "password": password, "name": name})
    assert r.status_code == 201, r.text
    data = r.json()
    return User(data["user"]["id"], data["user"]["email"], password, data["access_token"], data["refresh_token"],
                data["workspace"]["id"], data["workspace"]["slug"])


@pytest.fixture
def register(client: TestClient) -> Callable[..., User]:
    """``register(email=None, password=PASSWORD, name="")``: a new user owning a new workspace."""
    return lambda email=None, password=PASSWORD, name="": register_user(client, email, password, name)


def invite_and_join(client: TestClient, outbox: Outbox, owner: User, email: str | None = None,
                    role: str = "member", workspace: str | None = None) -> User:
    """Register ``email`` and make them a ``role`` of the owner's workspace through an invitation."""
    workspace = workspace or owner.workspace_id
    joiner = register_user(client, email)
    r = client.post(f"/api/workspaces/{workspace}/invitations", json={"email": joiner.email, "role": role},
                    headers=owner.headers_for(workspace))
    assert r.status_code == 201, r.text
    token = outbox.last_to(joiner.email).token
    r = client.post(f"/api/invitations/{token}/accept", headers=joiner.headers)
    assert r.status_code == 200, r.text
    return joiner


@pytest.fixture
def member_of(client: TestClient, outbox: Outbox) -> Callable[..., User]:
    """``member_of(owner, email=None, role="member")``: a new user who joined the owner's workspace."""
    return lambda owner, email=None, role="member", workspace=None: invite_and_join(
        client, outbox, owner, email, role, workspace)


@pytest.fixture
def owner(register: Callable[..., User]) -> User:
    return register("owner@example.com", name="Olive Owner")


@pytest.fixture
def stranger(register: Callable[..., User]) -> User:
    """Someone with their own workspace and no access to ``owner``'s."""
    return register("stranger@example.com", name="Sam Stranger")


def error(response: Any) -> dict[str, Any]:
    """The ``error`` object of a JSON error response (asserting its shape)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]


def make_platform_admin(client: TestClient, user: User) -> User:
    """Flag ``user`` as a platform administrator (as ``al init`` does for the first owner)."""
    from automatelanka.store.repositories import users as user_repo

    with client.app.state.db.begin() as conn:
        user_repo.update_user(conn, uuid.UUID(user.id), is_platform_admin=True)
    return user


def create_api_key(client: TestClient, user: User, scopes: list[str], workspace: str | None = None) -> str:
    """A new API key of ``user`` in ``workspace`` (default: their own), returned in full."""
    r = client.post("/api/api-keys", json={"name": "test", "scopes": scopes},
                    headers=user.headers_for(workspace or user.workspace_id))
    assert r.status_code == 201, r.text
    return r.json()["key"]


def in_ci_or_skip(message: str) -> None:
    """Skip locally when a service is missing; fail in CI, where it must be there."""
    import os

    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{message}; CI=true, so this test must run")
    pytest.skip(message)
