"""``al search`` against a real daemon: server and sign-in from ``al login``, like every other command."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import out_json


def _workflow(name: str, *types: str) -> dict:
    nodes = [{"name": f"{t} {i}", "type": f"n8n-nodes-base.{t}", "typeVersion": 1, "position": [0, 0],
              "parameters": {}} for i, t in enumerate(types)]
    return {"name": name, "nodes": nodes, "connections": {}}


def _import(al, tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    for key, wf in {"sheet_to_slack": _workflow("Post new rows to the team", "googleSheetsTrigger", "slack"),
                    "rss_mail": _workflow("Morning digest", "scheduleTrigger", "rssFeedRead", "gmail"),
                    "hook": _workflow("Order webhook", "webhook", "postgres")}.items():
        (folder / f"{key}.json").write_text(json.dumps(wf))
    assert al("workflows", "import", str(folder)).exit_code == 0


def test_search_asks_the_daemon_with_the_login_session(al, user, tmp_path) -> None:
    _import(al, tmp_path)
    rows = out_json(al("search", "send a slack message when a google sheet is updated", "--json"))
    assert rows[0]["name"] == "Post new rows to the team"
    assert rows[0]["filename"] == "sheet_to_slack.json"
    human = al("search", "email me new rss items", "--explain")
    assert human.exit_code == 0 and "Morning digest" in human.stdout and "rss" in human.stdout


def test_search_without_a_login_falls_back_to_the_local_database(al, daemon, tmp_path) -> None:
    # signed out: the daemon answers 401, so al searches the local database (none configured here)
    r = al("search", "slack", "--json")
    assert r.exit_code == 2 and "local database" in r.stderr and "Traceback" not in r.output


def test_search_with_an_api_key_and_a_bad_token(al, user, daemon, tmp_path) -> None:
    _import(al, tmp_path)
    key = out_json(al("keys", "create", "search", "--json"))
    secret = key.get("key") or key.get("secret")
    rows = out_json(al("search", "webhook postgres", "--json", env={"AL_API_KEY": secret}))
    assert rows[0]["name"] == "Order webhook"
    r = al("search", "slack", env={"AL_TOKEN": "not-a-token"})
    assert r.exit_code == 3 and "not logged in" in r.stderr and "AL_TOKEN" in r.stderr
