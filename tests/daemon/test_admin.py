"""Platform administration: stats, listings and audited impersonation."""

from __future__ import annotations

import jwt
import pytest

from .conftest import create_api_key, error, make_platform_admin

ROUTES = [("get", "/api/admin/stats"), ("get", "/api/admin/users"), ("get", "/api/admin/workspaces")]


@pytest.fixture
def root(client, register):
    return make_platform_admin(client, register("root@example.com"))


def test_admin_sees_platform_wide_counts_and_lists(client, root, owner, stranger) -> None:
    stats = client.get("/api/admin/stats", headers=root.headers)
    assert stats.status_code == 200
    assert stats.json()["users"] == 3 and stats.json()["workspaces"] == 3
    assert stats.json()["workflows"] == 0 and stats.json()["runs"] == {}
    users = client.get("/api/admin/users", headers=root.headers).json()["items"]
    assert {u["email"] for u in users} == {"root@example.com", "owner@example.com", "stranger@example.com"}
    assert "password_hash" not in str(users)
    assert [u["is_platform_admin"] for u in users if u["email"] == "root@example.com"] == [True]
    page = client.get("/api/admin/workspaces", params={"limit": 2, "offset": 1}, headers=root.headers).json()
    assert len(page["items"]) == 2 and all(w["members"] == 1 for w in page["items"])


def test_admin_routes_are_for_platform_admins_only(client, root, owner) -> None:
    for method, path in [*ROUTES, ("post", f"/api/admin/users/{owner.id}/impersonate")]:
        assert client.request(method, path).status_code == 401, path
        r = client.request(method, path, headers=owner.headers)  # a workspace owner is no platform admin
        assert r.status_code == 403 and error(r)["code"] == "forbidden", path
        # Nor is an API key, even one with the admin scope made by a platform admin.
        key = create_api_key(client, root, ["admin"])
        assert client.request(method, path, headers={"X-API-Key": key}).status_code == 403, path


def test_bad_paging_is_422(client, root) -> None:
    r = client.get("/api/admin/users", params={"limit": 0}, headers=root.headers)
    assert r.status_code == 422 and "limit" in error(r)["message"]


def test_impersonation_gives_a_short_token_naming_the_admin_and_is_audited(client, root, owner) -> None:
    r = client.post(f"/api/admin/users/{owner.id}/impersonate", headers=root.headers)
    assert r.status_code == 200 and r.json()["expires_in"] == 300
    token = r.json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == owner.id and claims["imp"] == root.id and claims["exp"] - claims["iat"] == 300
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["user"]["id"] == owner.id and me["impersonated_by"] == root.id
    entries = client.get("/api/audit", headers=owner.headers).json()["items"]
    assert (entries[0]["action"], entries[0]["actor_id"]) == ("admin.impersonate", root.id)
    # The impersonation token cannot be used to impersonate further, even when it is an admin's.
    make_platform_admin(client, owner)
    again = client.post(f"/api/admin/users/{root.id}/impersonate", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 403


def test_impersonating_an_unknown_user_is_404(client, root) -> None:
    r = client.post("/api/admin/users/00000000-0000-0000-0000-000000000000/impersonate", headers=root.headers)
    assert r.status_code == 404
    r = client.post("/api/admin/users/nope/impersonate", headers=root.headers)
    assert r.status_code == 422
