"""``al search``: asks the daemon, and searches the local database when none is reachable."""

from __future__ import annotations

import json
import socket

from typer.testing import CliRunner

from automatelanka.cli.app import app

from .conftest import SAMPLES, add


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_local_fallback_json_output(db, tmp_path, monkeypatch) -> None:
    from automatelanka.store.repositories import workspaces

    with db.engine.begin() as conn:
        ws = workspaces.create_workspace(conn, slug="local", name="Local")["id"]
        for key, definition in SAMPLES.items():
            add(conn, ws, key, definition)
    monkeypatch.setenv("AL_HOME", str(tmp_path))
    monkeypatch.setenv("AL_DATABASE_URL", db.url)
    monkeypatch.setenv("AL_SERVER", f"http://127.0.0.1:{_free_port()}")  # nobody listens there
    result = CliRunner().invoke(app, ["search", "email me new rss items", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["filename"] == "rss_mail.json" and len(rows) <= 3
    assert {"id", "name", "filename", "integrations", "score"} <= set(rows[0])
    human = CliRunner().invoke(app, ["search", 'NEAR("slack', "--local", "--explain"])
    assert human.exit_code == 0 and "Post new rows to the team" in human.stdout
