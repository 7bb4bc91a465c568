"""al login / logout / whoami, the session file or keyring, refresh, exit codes; al workspaces."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from .conftest import PASSWORD, out_json


def test_login_whoami_logout(al, daemon, al_env) -> None:
    data = daemon.register("ada@example.com")
    r = al("login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert r.exit_code == 0 and "logged in" in r.stdout and "ada@example.com" in r.stdout
    session = Path(al_env["AL_HOME"]) / "session.json"
    assert stat.S_IMODE(os.stat(session).st_mode) == 0o600
    me = out_json(al("whoami", "--json"))
    assert me["user"]["email"] == "ada@example.com"
    assert [w["id"] for w in me["workspaces"]] == [data["workspace"]["id"]]
    assert al("logout").exit_code == 0
    r = al("whoami")
    assert r.exit_code == 3 and "al login" in r.stderr and "Traceback" not in r.output


def test_wrong_password_and_unreachable_daemon_exit_3(al, daemon) -> None:
    daemon.register("bob@example.com")
    r = al("login", "--email", "bob@example.com", "--password-stdin", input="nope nope nope\n")
    assert r.exit_code == 3 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1
    r = al("--server", "http://127.0.0.1:9", "whoami")
    assert r.exit_code == 3 and "cannot reach the daemon" in r.stderr and "Traceback" not in r.output


def test_expired_access_token_is_refreshed_transparently(al, user, al_env) -> None:
    session = Path(al_env["AL_HOME"]) / "session.json"
    data = json.loads(session.read_text())
    entry = next(iter(data["servers"].values()))
    old_refresh = entry["refresh_token"]
    entry["access_token"] = "not-a-valid-token"
    session.write_text(json.dumps(data))
    me = out_json(al("whoami", "--json"))
    assert me["user"]["email"] == user["user"]["email"]
    entry = next(iter(json.loads(session.read_text())["servers"].values()))
    assert entry["refresh_token"] != old_refresh and entry["access_token"] != "not-a-valid-token"


def test_tokens_go_to_the_keyring_when_one_exists(al, daemon, al_env, monkeypatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        store: dict = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    monkeypatch.setenv("AL_KEYRING", "1")
    try:
        daemon.register("kim@example.com")
        r = al("login", "--email", "kim@example.com", "--password-stdin", input=PASSWORD + "\n")
        assert r.exit_code == 0 and "keyring" in r.stdout
        text = (Path(al_env["AL_HOME"]) / "session.json").read_text()
        assert "refresh_token" not in text and "access_token" not in text
        assert any(k[0] == "automatelanka" for k in Memory.store)
        assert out_json(al("whoami", "--json"))["user"]["email"] == "kim@example.com"
        assert al("logout").exit_code == 0 and not Memory.store
    finally:
        keyring.set_keyring(previous)


def test_workspaces_create_use_members_invite_remove(al, daemon, user) -> None:
    created = out_json(al("workspaces", "create", "Acme Ops", "--slug", "acme-ops", "--use", "--json"))
    assert created["slug"] == "acme-ops"
    listed = out_json(al("workspaces", "list", "--json"))
    assert {w["slug"] for w in listed} == {"acme-ops", user["workspace"]["slug"]}
    assert "* " in al("workspaces", "list").stdout or "*" in al("workspaces", "list").stdout
    members = out_json(al("workspaces", "members", "--json"))
    assert [(m["email"], m["role"]) for m in members] == [(user["user"]["email"], "owner")]

    joiner = daemon.register("joe@example.com")
    inv = out_json(al("workspaces", "invite", "joe@example.com", "--role", "admin", "--json"))
    assert inv["role"] == "admin"
    token = next(m for m in reversed(daemon.mails) if m["to"] == "joe@example.com")["link"].rsplit("/", 1)[1]
    import httpx

    accepted = httpx.post(f"{daemon.url}/api/invitations/{token}/accept",
                          headers={"Authorization": f"Bearer {joiner['access_token']}"})
    assert accepted.status_code == 200, accepted.text
    assert {m["email"] for m in out_json(al("workspaces", "members", "--json"))} == {user["user"]["email"],
                                                                                    "joe@example.com"}
    r = al("workspaces", "remove", "joe@example.com", "--yes")
    assert r.exit_code == 0, r.output
    assert len(out_json(al("workspaces", "members", "--json"))) == 1
    r = al("workspaces", "remove", "nobody@example.com", "--yes")
    assert r.exit_code == 2 and "not a member" in r.stderr

    r = al("workspaces", "use", "no-such-workspace")
    assert r.exit_code == 2 and "not found" in r.stderr
    assert al("workspaces", "use", user["workspace"]["slug"]).exit_code == 0
    assert out_json(al("whoami", "--json"))["current_workspace"] == user["workspace"]["slug"]
