"""The caller of each request is read afresh: role changes, removals, disabled accounts and revoked
keys count from the very next request, also when another daemon process (a second app on the same
database) made the change. Only the verification of an access token is kept between requests, and
its expiry is checked on every use."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from automatelanka.daemon import deps
from automatelanka.store.repositories import users as user_repo

from .conftest import create_api_key, error

SEARCH = "/api/ai-search/semantic"


@pytest.fixture
def other_process(make_app):
    """A second daemon on the same database, as ``al up`` runs two processes by default."""
    with TestClient(make_app(), raise_server_exceptions=False) as c:
        yield c


def _role_change(client: TestClient, owner, member, role: str) -> None:
    r = client.patch(f"/api/workspaces/{owner.workspace_id}/members/{member.id}", json={"role": role},
                     headers=owner.headers)
    assert r.status_code == 200, r.text


def test_a_role_change_counts_from_the_next_request_in_every_process(client, other_process, owner,
                                                                     member_of) -> None:
    bob = member_of(owner)
    for c in (client, other_process):  # both have read bob's role (member) already
        assert c.get("/api/api-keys", headers=bob.headers_for(owner.workspace_id)).status_code == 403
        assert c.get(SEARCH, params={"q": "slack"}, headers=bob.headers_for(owner.workspace_id)).status_code == 200
    _role_change(client, owner, bob, "admin")
    for c in (client, other_process):
        assert c.get("/api/api-keys", headers=bob.headers_for(owner.workspace_id)).status_code == 200
    _role_change(other_process, owner, bob, "member")
    for c in (client, other_process):
        r = c.get("/api/api-keys", headers=bob.headers_for(owner.workspace_id))
        assert r.status_code == 403 and "(member)" in error(r)["message"]


def test_a_removed_member_loses_the_workspace_on_the_next_request(client, other_process, owner,
                                                                 member_of) -> None:
    bob = member_of(owner)
    headers = bob.headers_for(owner.workspace_id)
    for c in (client, other_process):
        assert c.get(SEARCH, params={"q": "slack"}, headers=headers).status_code == 200
    r = other_process.delete(f"/api/workspaces/{owner.workspace_id}/members/{bob.id}", headers=owner.headers)
    assert r.status_code == 204
    for c in (client, other_process):
        assert c.get(SEARCH, params={"q": "slack"}, headers=headers).status_code == 404
        assert c.get(f"/api/workspaces/{owner.workspace_id}", headers=bob.headers).status_code == 404
        # their own workspace still answers, by default and by slug
        assert c.get(SEARCH, params={"q": "slack"}, headers=bob.headers).status_code == 200
        assert c.get(SEARCH, params={"q": "x"}, headers=bob.headers_for(bob.workspace_slug)).status_code == 200


def test_a_disabled_account_is_refused_on_the_next_request(client, other_process, owner) -> None:
    for c in (client, other_process):
        assert c.get(SEARCH, params={"q": "slack"}, headers=owner.headers).status_code == 200
        assert c.get("/api/auth/me", headers=owner.headers).status_code == 200
    with other_process.app.state.db.begin() as conn:
        user_repo.update_user(conn, uuid.UUID(owner.id), is_active=False)
    for c in (client, other_process):
        for path in (SEARCH, "/api/auth/me", "/api/workspaces"):
            r = c.get(path, headers=owner.headers)
            assert r.status_code == 401 and "disabled" in error(r)["message"], path


def test_a_revoked_key_is_refused_on_the_next_request(client, other_process, owner) -> None:
    key = {"X-API-Key": create_api_key(client, owner, ["workflow:read"])}
    for c in (client, other_process):
        assert c.get(SEARCH, params={"q": "slack"}, headers=key).status_code == 200
    [item] = client.get("/api/api-keys", headers=owner.headers).json()["items"]
    assert item["last_used_at"] is not None  # the search recorded the key's use
    assert other_process.delete(f"/api/api-keys/{item['id']}", headers=owner.headers).status_code == 204
    for c in (client, other_process):
        r = c.get(SEARCH, params={"q": "slack"}, headers=key)
        assert r.status_code == 401 and "revoked" in error(r)["message"]


def test_a_key_whose_owner_left_is_refused(client, owner, member_of) -> None:
    bob = member_of(owner, role="admin")
    key = {"X-API-Key": create_api_key(client, bob, ["workflow:read"], workspace=owner.workspace_id)}
    assert client.get(SEARCH, params={"q": "slack"}, headers=key).status_code == 200
    assert client.get(SEARCH, params={"q": "slack"}, headers={**key, "X-Workspace": bob.workspace_id}).status_code == 404
    client.delete(f"/api/workspaces/{owner.workspace_id}/members/{bob.id}", headers=owner.headers)
    r = client.get(SEARCH, params={"q": "slack"}, headers=key)
    assert r.status_code == 401 and "no longer a member" in error(r)["message"]


def test_an_access_token_stops_working_when_it_expires_though_it_was_verified_before(
        client, owner, monkeypatch) -> None:
    assert client.get(SEARCH, params={"q": "slack"}, headers=owner.headers).status_code == 200
    claims = deps.access_claims(client.app.state.settings, owner.access_token)
    monkeypatch.setattr(deps.time, "time", lambda: float(claims["exp"]))
    for path in (SEARCH, "/api/auth/me", f"/api/workspaces/{owner.workspace_id}"):
        r = client.get(path, params={"q": "slack"}, headers=owner.headers)
        assert r.status_code == 401 and "expired" in error(r)["message"], path


def test_search_checks_credentials_before_its_parameters(client, owner) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        r = client.get(SEARCH, params={"q": "slack", "limit": 0}, headers=headers)
        assert r.status_code == 401, headers
    r = client.get(SEARCH, params={"q": "slack", "limit": 0}, headers=owner.headers)
    assert r.status_code == 422 and "limit" in error(r)["message"]
    r = client.get(SEARCH, params={"q": "slack"}, headers=owner.headers_for(str(uuid.uuid4())))
    assert r.status_code == 404


def test_search_needs_a_scope_granting_workflow_read(client, owner) -> None:
    runs_only = {"X-API-Key": create_api_key(client, owner, ["runs:read"])}
    r = client.get(SEARCH, params={"q": "slack"}, headers=runs_only)
    assert r.status_code == 403 and "workflow:read" in error(r)["message"]
