"""A real daemon for CLI tests: uvicorn on 127.0.0.1 (random port) with its worker, on SQLite,
started once per test module; each test gets its own AL_HOME and signs in on its own.

``al(*args, input=None)`` runs the ``al`` app with Typer's runner against that daemon and returns
the result (``exit_code``, ``stdout``, ``stderr``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

PASSWORD = "correct horse battery"


@dataclass
class Daemon:
    url: str
    app: Any
    mails: list[dict[str, Any]]

    def register(self, email: str | None = None) -> dict[str, Any]:
        email = email or f"u{uuid.uuid4().hex[:8]}@example.com"
        r = httpx.post(f"{self.url}/api/auth/register", json={"email": email, "password": PASSWORD})
        assert r.status_code == 201, r.text
        return r.json()

    def make_admin(self, user_id: str) -> None:
        from automatelanka.store.repositories import users as user_repo

        with self.app.state.db.begin() as conn:
            user_repo.update_user(conn, uuid.UUID(user_id), is_platform_admin=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    import uvicorn
    from argon2 import PasswordHasher

    from automatelanka.config import Settings
    from automatelanka.daemon.app import create_app
    from automatelanka.services import auth, mail

    mp = pytest.MonkeyPatch()
    mp.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    mp.setattr(auth, "_DUMMY_HASH", None)
    mails: list[dict[str, Any]] = []

    def send(settings: Any, to: str, subject: str, text: str, *, link: str | None = None) -> bool:
        mails.append({"to": to, "subject": subject, "link": link})
        return False

    mp.setattr(mail, "send", send)
    home = tmp_path_factory.mktemp("daemon")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'al.db'}",
                        queue_url=f"sqlite:///{home / 'queue.db'}", secret_key="cli-test-" + uuid.uuid4().hex,
                        files_root=home / "files", rate_limit_ip=0, rate_limit_workspace=0, rate_limit_auth=0)
    app = create_app(settings, run_worker=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the daemon did not start"
        time.sleep(0.02)
    try:
        yield Daemon(f"http://127.0.0.1:{port}", app, mails)
    finally:
        server.should_exit = True
        thread.join(15)
        mp.undo()


@pytest.fixture
def al_env(tmp_path: Path, daemon: Daemon, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh AL_HOME pointing at the test daemon; no keyring, no inherited credentials."""
    env = {"AL_HOME": str(tmp_path / "home"), "AL_SERVER": daemon.url, "AL_KEYRING": "0"}
    for name in ("AL_TOKEN", "AL_API_KEY", "AL_WORKSPACE", "AL_DATABASE_URL", "AL_QUEUE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def al(al_env: dict[str, str]) -> Callable[..., Any]:
    from automatelanka.cli.app import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def user(daemon: Daemon, al: Callable[..., Any]) -> dict[str, Any]:
    """A new user (owner of their own workspace), signed in with ``al login``."""
    data = daemon.register()
    result = al("login", "--email", data["user"]["email"], "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return data


def out_json(result: Any) -> Any:
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return json.loads(result.stdout)


def manual_workflow(name: str, *, fail: bool = False) -> dict[str, Any]:
    """Start -> Set ``doubled`` (or -> Stop and Error when ``fail``)."""
    second = ({"id": "e", "name": "Boom", "type": "n8n-nodes-base.stopAndError", "typeVersion": 1,
               "position": [200, 0], "parameters": {"errorMessage": "it broke"}} if fail else
              {"id": "s", "name": "Double", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
               "parameters": {"assignments": {"assignments": [
                   {"id": "a", "name": "doubled", "value": "={{ ($json.n || 1) * 2 }}", "type": "number"}]},
                   "options": {}}})
    return {
        "name": name,
        "nodes": [{"id": "m", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                   "position": [0, 0], "parameters": {}}, second],
        "connections": {"Start": {"main": [[{"node": second["name"], "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"},
    }
