"""API keys: shown once, stored hashed, limited by scopes and by their owner's role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from automatelanka.store.schema import api_keys

from .conftest import create_api_key, error


def test_a_key_is_shown_once_and_listed_without_its_secret(client, owner) -> None:
    r = client.post("/api/api-keys", json={"name": "ci", "scopes": ["workflow:read", "runs:read"]},
                    headers=owner.headers)
    assert r.status_code == 201
    key = r.json()["key"]
    prefix = r.json()["prefix"]
    assert key.startswith(f"al_{prefix}_") and len(key) > 40
    listed = client.get("/api/api-keys", headers=owner.headers)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["prefix"] == prefix and item["scopes"] == ["runs:read", "workflow:read"]
    assert item["last_used_at"] is None
    assert key.split("_", 2)[2] not in listed.text and "key_hash" not in listed.text
    with client.app.state.db.connect() as conn:
        stored = conn.execute(select(api_keys.c.key_hash)).scalar_one()
    assert key not in stored and len(stored) == 64  # sha256 hex


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_a_key_authenticates_in_its_workspace_and_records_use(client, owner, style) -> None:
    key = create_api_key(client, owner, ["workflow:read"])
    headers = {"Authorization": f"Bearer {key}"} if style == "bearer" else {"X-API-Key": key}
    me = client.get("/api/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["user"]["id"] == owner.id
    assert [w["id"] for w in me.json()["workspaces"]] == [owner.workspace_id]
    assert client.get(f"/api/workspaces/{owner.workspace_id}", headers=headers).status_code == 200
    [item] = client.get("/api/api-keys", headers=owner.headers).json()["items"]
    assert item["last_used_at"] is not None


def test_scopes_limit_what_a_key_may_do(client, owner) -> None:
    read_only = {"X-API-Key": create_api_key(client, owner, ["runs:read"])}
    r = client.get("/api/api-keys", headers=read_only)  # needs api_keys:manage: only the admin scope has it
    assert r.status_code == 403 and "scopes" in error(r)["message"]
    admin = {"X-API-Key": create_api_key(client, owner, ["admin"])}
    assert client.get("/api/api-keys", headers=admin).status_code == 200
    # A key acts for one workspace only; account-level actions need a signed-in user.
    assert client.post("/api/workspaces", json={"name": "x"}, headers=admin).status_code == 403


def test_a_key_cannot_reach_another_workspace(client, owner, stranger) -> None:
    key = {"X-API-Key": create_api_key(client, owner, ["admin"])}
    assert client.get(f"/api/workspaces/{stranger.workspace_id}", headers=key).status_code == 404
    assert client.get("/api/api-keys", headers={**key, "X-Workspace": stranger.workspace_id}).status_code == 404
    # Even one of the owner's other workspaces: the key belongs to the first one.
    other = client.post("/api/workspaces", json={"name": "Second"}, headers=owner.headers).json()["id"]
    assert client.get("/api/api-keys", headers={**key, "X-Workspace": other}).status_code == 404


def test_a_members_admin_key_still_cannot_exceed_the_member_role(client, owner, member_of) -> None:
    bob = member_of(owner, role="admin")
    key = {"X-API-Key": create_api_key(client, bob, ["admin"], workspace=owner.workspace_id)}
    assert client.get("/api/api-keys", headers=key).status_code == 200
    assert client.delete(f"/api/workspaces/{owner.workspace_id}", headers=key).status_code == 403
    # Once Bob leaves, his key stops working.
    client.delete(f"/api/workspaces/{owner.workspace_id}/members/{bob.id}", headers=owner.headers)
    assert client.get("/api/api-keys", headers=key).status_code == 401


def test_revoked_and_expired_keys_are_refused(client, owner, stranger) -> None:
    key = create_api_key(client, owner, ["workflow:read"])
    [item] = client.get("/api/api-keys", headers=owner.headers).json()["items"]
    assert client.delete(f"/api/api-keys/{item['id']}", headers=stranger.headers).status_code == 404
    assert client.delete(f"/api/api-keys/{item['id']}", headers=owner.headers).status_code == 204
    r = client.get("/api/auth/me", headers={"X-API-Key": key})
    assert r.status_code == 401 and "revoked" in error(r)["message"]
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    r = client.post("/api/api-keys", json={"name": "x", "scopes": ["runs:read"], "expires_at": soon},
                    headers=owner.headers)
    assert r.status_code == 201
    with client.app.state.db.begin() as conn:  # let it expire without sleeping
        conn.execute(api_keys.update().where(api_keys.c.prefix == r.json()["prefix"])
                     .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/api/auth/me", headers={"X-API-Key": r.json()["key"]}).status_code == 401
    actions = [e["action"] for e in client.get("/api/audit", headers=owner.headers).json()["items"]]
    assert actions.count("api_key.created") == 2 and actions.count("api_key.revoked") == 1


@pytest.mark.parametrize(("payload", "field"), [
    ({"scopes": ["runs:read"]}, "name"),
    ({"name": "x", "scopes": []}, "scopes"),
    ({"name": "x", "scopes": ["root"]}, "scopes"),
    ({"name": "x", "scopes": ["runs:read"], "expires_at": "yesterday"}, "expires_at"),
    ({"name": "x", "scopes": ["runs:read"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
])
def test_create_rejects_bad_input(client, owner, payload, field) -> None:
    r = client.post("/api/api-keys", json=payload, headers=owner.headers)
    assert r.status_code == 422 and error(r)["message"].startswith(field)


def test_api_key_routes_need_auth_and_the_right_role(client, owner, member_of) -> None:
    assert client.get("/api/api-keys").status_code == 401
    assert client.post("/api/api-keys", json={"name": "x", "scopes": ["runs:read"]}).status_code == 401
    assert client.delete("/api/api-keys/00000000-0000-0000-0000-000000000000").status_code == 401
    bob = member_of(owner, role="member")
    h = bob.headers_for(owner.workspace_id)
    assert client.get("/api/api-keys", headers=h).status_code == 403
    assert client.post("/api/api-keys", json={"name": "x", "scopes": ["runs:read"]}, headers=h).status_code == 403
    r = client.delete("/api/api-keys/not-a-uuid", headers=owner.headers)
    assert r.status_code == 422 and error(r)["message"].startswith("path.key_id")


def test_an_execute_key_can_find_and_run_workflows_but_not_change_them(client, owner) -> None:
    wf = {"name": "keyed", "nodes": [{"id": "m", "name": "Start", "type": "n8n-nodes-base.manualTrigger",
                                      "typeVersion": 1, "position": [0, 0], "parameters": {}}],
          "connections": {}, "settings": {"executionOrder": "v1"}}
    wf_id = client.post("/api/workflows", json=wf, headers=owner.headers).json()["id"]
    key = {"X-API-Key": create_api_key(client, owner, ["workflow:execute"])}
    assert client.get("/api/workflows", headers=key).status_code == 200  # find it by name
    assert client.post(f"/api/workflows/{wf_id}/run", headers=key).status_code == 202
    assert client.patch(f"/api/workflows/{wf_id}", json={"name": "renamed"}, headers=key).status_code == 403
