"""``al workflows activate`` when a service refuses to register a trigger: the command fails with
n8n's "Workflow could not be activated" naming the node, and the workflow stays inactive."""

from __future__ import annotations

import json
import uuid

from .conftest import out_json


def test_activate_reports_the_refused_trigger_and_leaves_the_workflow_inactive(al, user, tmp_path) -> None:
    definition = {"name": "Bot", "connections": {}, "nodes": [
        {"id": "t", "name": "Telegram Trigger", "type": "n8n-nodes-base.telegramTrigger", "typeVersion": 1.2,
         "position": [0, 0], "webhookId": str(uuid.uuid4()), "parameters": {"updates": ["message"]}}]}
    path = tmp_path / "bot.json"
    path.write_text(json.dumps(definition))
    assert al("workflows", "import", str(path)).exit_code == 0

    r = al("workflows", "activate", "Bot")
    assert r.exit_code != 0
    assert "Workflow could not be activated: node 'Telegram Trigger'" in r.stderr
    assert "needs a telegramApi credential" in r.stderr
    assert out_json(al("workflows", "show", "Bot", "--json"))["active"] is False
