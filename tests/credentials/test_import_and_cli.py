# ruff: noqa: F811  (cli fixtures imported, then used as parameters)
"""n8n compatibility: importing lists the credentials a workflow's nodes reference that the
workspace lacks; runs resolve an n8n reference by id, else by (type, name). And the CLI:
``al creds add TYPE`` (fields as flags or asked), ``al creds rotate-key``."""

from __future__ import annotations

import json

from cli.conftest import al, al_env, daemon, out_json, user  # noqa: F401

from .conftest import add_credential, http_workflow, run_workflow


def _two_node_workflow(name: str) -> dict:
    wf = http_workflow("http://127.0.0.1:9/x", "slackApi", "Slack bot", name=name)
    wf["nodes"].append({"id": "g", "name": "Gh", "type": "n8n-nodes-base.github", "typeVersion": 1,
                        "position": [400, 0], "parameters": {},
                        "credentials": {"githubApi": {"id": "42", "name": "GitHub me"}}})
    return wf


def test_import_reports_missing_credentials(client, ann) -> None:
    r = client.post("/api/workflows/import", json=[_two_node_workflow("a"), {"nodes": "bad"}], headers=ann.headers)
    assert r.status_code == 200, r.text
    first, bad = r.json()["results"]
    assert sorted((m["type"], m["name"], m["id"], m["nodes"]) for m in first["missing_credentials"]) == [
        ("githubApi", "GitHub me", "42", ["Gh"]), ("slackApi", "Slack bot", "n8n-export-7", ["Call"])]
    assert bad["status"] == "failed" and bad["missing_credentials"] == []
    add_credential(client, ann, "slackApi", "Slack bot", {"accessToken": "xoxb-123456"})
    again = client.post("/api/workflows/import", json=_two_node_workflow("b"), headers=ann.headers).json()["results"][0]
    assert [m["type"] for m in again["missing_credentials"]] == ["githubApi"]


def test_run_resolves_by_id_then_by_name(client, ann, fake) -> None:
    cred = add_credential(client, ann, "httpHeaderAuth", "Echo", {"name": "X-Api-Key", "value": "k" * 10})
    by_id = http_workflow(f"{fake.url}/echo", "httpHeaderAuth", "renamed in n8n", cred_id=cred["id"])
    run = run_workflow(client, ann, by_id)
    assert run["status"] == "success" and run["run"]["output"]["data"][0][0]["api_key"] == "***"
    missing = run_workflow(client, ann, http_workflow(f"{fake.url}/echo", "httpHeaderAuth", "Nope", name="m"))
    assert missing["status"] == "failed" and "'Nope'" in str(missing["run"]["error"])
    used = client.get(f"/api/credentials/{cred['id']}", headers=ann.headers).json()
    assert used["last_used_at"] is not None
    audit = client.get("/api/audit", params={"action": "credential.used"}, headers=ann.headers).json()["items"]
    assert audit and audit[0]["target_id"] == cred["id"]


def test_cli_add_with_fields_and_prompts(al, user, monkeypatch) -> None:
    r = al("creds", "add", "slackApi", "Slack bot", "-f", "accessToken=xoxb-cli-secret-1", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["name"] == "Slack bot" and "xoxb-cli-secret-1" not in r.output
    r = al("creds", "add", "slackApi", "x", "-f", "accessToken")
    assert r.exit_code == 2 and "NAME=VALUE" in r.output
    # in a terminal, it asks for each field (the secret without echo)
    from automatelanka.cli import creds_cmd

    monkeypatch.setattr(creds_cmd, "_interactive", lambda: True)
    r = al("creds", "add", "httpHeaderAuth", input="Header key\nX-Api-Key\nhdr-secret-value\n")
    assert r.exit_code == 0, r.output
    assert "hdr-secret-value" not in r.stdout
    items = out_json(al("creds", "list", "--json"))
    assert {(i["type"], i["name"]) for i in items} == {("slackApi", "Slack bot"), ("httpHeaderAuth", "Header key")}
    r = al("creds", "add", "noSuchType", "-f", "a=b")
    assert r.exit_code != 0 and "noSuchType" in r.output


def test_cli_rotate_key_while_the_daemon_serves(al, user, daemon) -> None:
    assert al("creds", "add", "slackApi", "s", "-f", "accessToken=xoxb-rotate-me").exit_code == 0
    settings = daemon.app.state.settings
    env = {"AL_HOME": str(settings.home), "AL_DATABASE_URL": settings.database_url}
    r = al("creds", "rotate-key", "--json", env=env)
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["rewrapped"] >= 1 and result["failed"] == 0 and len(result["retired"]) == 1
    keys = json.loads((settings.home / "keys" / "master_keys.json").read_text())
    assert list(keys["keys"]) == [result["active_kid"]]
    # the daemon, whose key ring predates the rotation, still reads (and updates) the credential
    import httpx

    cred = next(i for i in out_json(al("creds", "list", "--json")) if i["name"] == "s")
    r = httpx.patch(f"{daemon.url}/api/credentials/{cred['id']}", json={"data": {"signatureSecret": "sig-after"}},
                    headers={"Authorization": f"Bearer {user['access_token']}"})
    assert r.status_code == 200, r.text
