"""al keys, al admin, al creds, al billing, al status / up --detach / down, al search, --help."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import PASSWORD, manual_workflow, out_json

AL = str(Path(sys.executable).parent / "al")


def test_keys_create_use_revoke(al, user, tmp_path) -> None:
    (tmp_path / "w.json").write_text(json.dumps(manual_workflow("Keyed")))
    al("workflows", "import", str(tmp_path / "w.json"))
    key = out_json(al("keys", "create", "ci", "--scope", "workflow:read", "--json"))
    assert key["key"].startswith("al_") and key["scopes"] == ["workflow:read"]
    listed = out_json(al("keys", "list", "--json"))
    assert [k["name"] for k in listed] == ["ci"] and "key" not in listed[0] and "key_hash" not in listed[0]

    with_key = al("workflows", "list", "--json", env={"AL_API_KEY": key["key"]})
    assert [w["name"] for w in json.loads(with_key.stdout)] == ["Keyed"]
    denied = al("run", "Keyed", env={"AL_API_KEY": key["key"]})
    assert denied.exit_code == 1 and "scopes" in denied.stderr

    assert al("keys", "revoke", "ci").exit_code == 0
    r = al("workflows", "list", env={"AL_API_KEY": key["key"]})
    assert r.exit_code == 3 and "AL_API_KEY" in r.stderr


def test_admin_needs_a_platform_admin(al, daemon, user) -> None:
    r = al("admin", "stats")
    assert r.exit_code == 1 and "platform administrators" in r.stderr
    daemon.make_admin(user["user"]["id"])
    stats = out_json(al("admin", "stats", "--json"))
    assert stats["users"] >= 1 and "runs" in stats
    users = out_json(al("admin", "users", "--json"))
    assert user["user"]["email"] in {u["email"] for u in users}
    assert any(w["id"] == user["workspace"]["id"] for w in out_json(al("admin", "workspaces", "--json")))
    other = daemon.register()
    token = al("admin", "impersonate", other["user"]["email"])
    assert token.exit_code == 0
    me = al("whoami", "--json", env={"AL_TOKEN": token.stdout.strip()})
    assert json.loads(me.stdout)["user"]["email"] == other["user"]["email"]
    audit = out_json(al("admin", "audit", "--json"))
    assert isinstance(audit, list)


def test_creds_group_adds_lists_tests_and_removes_without_showing_secrets(al, user) -> None:
    secret = "s3cret-header-value-42"
    added = al("creds", "add", "httpHeaderAuth", "My header", "-f", "name=X-Api-Key", "-f", f"value={secret}",
               "--json")
    assert added.exit_code == 0, added.output
    created = json.loads(added.stdout)
    assert created["name"] == "My header" and secret not in added.output
    listed = out_json(al("creds", "list", "--json"))
    assert [c["name"] for c in listed] == ["My header"] and secret not in json.dumps(listed)
    assert al("creds", "add", "noSuchCredentialType", "x", "-f", "a=b").exit_code == 2
    assert al("creds", "remove", created["id"], "--yes").exit_code == 0
    assert out_json(al("creds", "list", "--json")) == []
    missing = al("creds", "remove", created["id"], "--yes")
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ") and "Traceback" not in missing.output


def test_billing_group_shows_plans_and_usage(al, user) -> None:
    plans = out_json(al("billing", "plans", "--json"))
    assert {p["code"] for p in plans} >= {"free", "pro", "business"}
    usage = al("billing", "usage", "--json")
    assert usage.exit_code == 0, usage.output
    assert "runs" in json.dumps(json.loads(usage.stdout))


def test_status_json_and_unreachable(al, daemon) -> None:
    ready = al("status", "--json")
    assert ready.exit_code == 0 and json.loads(ready.stdout)["status"] == "ready"
    gone = al("--server", "http://127.0.0.1:9", "status", "--json")
    assert gone.exit_code == 3 and json.loads(gone.stdout)["status"] == "unreachable"


def test_search_json_results(al, user, tmp_path) -> None:
    (tmp_path / "w.json").write_text(json.dumps(manual_workflow("Double the numbers")))
    al("workflows", "import", str(tmp_path / "w.json"))
    from automatelanka.cli import session

    token = session.load(os.environ["AL_SERVER"])["access_token"]
    r = al("search", "double numbers", "--limit", "3", "--json", env={"AL_TOKEN": token})
    assert r.exit_code == 0, r.output
    results = json.loads(r.stdout)
    assert results and {"id", "name", "filename", "integrations", "score"} <= set(results[0])
    assert results[0]["name"] == "Double the numbers"


def test_every_command_has_help_with_an_example() -> None:
    import typer

    from automatelanka.cli.app import app

    missing = []

    def walk(group: object, prefix: str) -> None:
        for name, command in group.commands.items():  # type: ignore[attr-defined]
            if hasattr(command, "commands"):
                walk(command, f"{prefix} {name}")
            elif "Example:" not in (command.help or ""):
                missing.append(f"{prefix} {name}")

    walk(typer.main.get_command(app), "al")
    assert missing == []


def test_al_help_is_fast_and_imports_nothing_heavy() -> None:
    code = ("import sys; import automatelanka.cli.app; "
            "print(','.join(m for m in ('httpx', 'sqlalchemy', 'textual', 'fastapi', 'keyring') if m in sys.modules))")
    heavy = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert heavy == ""
    # CPU time (user + system) of the whole process: what the 300 ms bar means on an idle machine,
    # without failing when other work shares the CPUs (wall time then stretches).
    best = min(_cpu_time([AL, "--help"]) for _ in range(5))
    assert best < 0.3, f"al --help took {best * 1000:.0f} ms of CPU"


def _cpu_time(cmd: list[str]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def test_up_detach_status_down(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "AL_HOME": str(tmp_path / "home"), "AL_PORT": str(port), "AL_KEYRING": "0"}
    for name in ("AL_SERVER", "AL_DATABASE_URL", "AL_QUEUE_URL", "AL_TOKEN", "AL_API_KEY"):
        env.pop(name, None)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([AL, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)

    assert run("init", "--email", "root@example.com", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    up = run("up", "--detach")
    try:
        assert up.returncode == 0, up.stderr
        assert f"127.0.0.1:{port}" in up.stdout
        again = run("up", "--detach")
        assert again.returncode == 2 and "already running" in again.stderr
        status = run("status", "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["status"] == "ready"
        login = run("login", "--email", "root@example.com", "--password-stdin", stdin=PASSWORD + "\n")
        assert login.returncode == 0, login.stderr
        assert json.loads(run("admin", "stats", "--json").stdout)["users"] == 1
    finally:
        down = run("down")
    assert down.returncode == 0 and "stopped" in down.stdout
    assert run("status").returncode == 3
    assert "no detached daemon" in run("down").stdout
