"""Workspaces, members, roles and invitations over HTTP."""

from __future__ import annotations

import uuid

import pytest

from .conftest import error


def _ws(user, suffix: str = "") -> str:
    return f"/api/workspaces/{user.workspace_id}{suffix}"


def test_an_invited_member_joins_with_the_invited_role(client, owner, member_of, outbox) -> None:
    bob = member_of(owner, "bob@example.com", role="admin")
    members = client.get(_ws(owner, "/members"), headers=owner.headers).json()["items"]
    assert {(m["email"], m["role"]) for m in members} == {("owner@example.com", "owner"), ("bob@example.com", "admin")}
    mine = client.get("/api/workspaces", headers=bob.headers).json()["items"]
    assert {w["id"] for w in mine} == {bob.workspace_id, owner.workspace_id}
    assert "invited" in outbox.last_to("bob@example.com").subject


def test_create_get_update_a_workspace(client, owner) -> None:
    r = client.post("/api/workspaces", json={"name": "Acme Corp", "slug": "acme"}, headers=owner.headers)
    assert r.status_code == 201 and r.json()["role"] == "owner"
    ws = r.json()["id"]
    assert client.get("/api/workspaces/acme", headers=owner.headers).json()["id"] == ws  # slug works too
    r = client.patch(f"/api/workspaces/{ws}", json={"name": "Acme Inc"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["name"] == "Acme Inc" and r.json()["slug"] == "acme"
    taken = client.post("/api/workspaces", json={"name": "Other", "slug": "acme"}, headers=owner.headers)
    assert taken.status_code == 409


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "X", "slug": "Not A Slug!"}, "slug"),
])
def test_create_workspace_rejects_bad_input(client, owner, payload, field) -> None:
    r = client.post("/api/workspaces", json=payload, headers=owner.headers)
    assert r.status_code == 422 and error(r)["message"].startswith(field)


def test_workspace_routes_need_authentication(client, owner) -> None:
    for method, path in [("get", "/api/workspaces"), ("post", "/api/workspaces"), ("get", _ws(owner)),
                         ("patch", _ws(owner)), ("delete", _ws(owner)), ("get", _ws(owner, "/members")),
                         ("post", _ws(owner, "/invitations")), ("post", "/api/invitations/x/accept")]:
        r = client.request(method, path, json={})
        assert r.status_code == 401, (method, path)


def test_a_stranger_gets_404_for_another_workspace_and_sees_nothing(client, owner, stranger) -> None:
    for method, path, body in [("get", _ws(owner), None), ("patch", _ws(owner), {"name": "pwned"}),
                               ("delete", _ws(owner), None), ("get", _ws(owner, "/members"), None),
                               ("post", _ws(owner, "/invitations"), {"email": "x@example.com"}),
                               ("patch", _ws(owner, f"/members/{owner.id}"), {"role": "member"}),
                               ("delete", _ws(owner, f"/members/{owner.id}"), None)]:
        r = client.request(method, path, json=body, headers=stranger.headers)
        assert r.status_code == 404, (method, path)
        assert "owner@example.com" not in r.text
    assert client.get(_ws(owner), headers=owner.headers).json()["name"] != "pwned"
    # X-Workspace naming someone else's workspace is a 404 as well.
    r = client.get("/api/api-keys", headers=stranger.headers_for(owner.workspace_slug))
    assert r.status_code == 404


def test_members_cannot_manage_the_workspace(client, owner, member_of) -> None:
    bob = member_of(owner, role="member")
    h = bob.headers
    assert client.get(_ws(owner), headers=h).status_code == 200
    assert client.get(_ws(owner, "/members"), headers=h).status_code == 200
    for method, path, body in [("patch", _ws(owner), {"name": "x"}), ("delete", _ws(owner), None),
                               ("post", _ws(owner, "/invitations"), {"email": "y@example.com"}),
                               ("patch", _ws(owner, f"/members/{owner.id}"), {"role": "member"}),
                               ("delete", _ws(owner, f"/members/{owner.id}"), None)]:
        r = client.request(method, path, json=body, headers=h)
        assert r.status_code == 403 and error(r)["code"] == "forbidden", (method, path)


def test_admins_invite_and_remove_members_but_not_owners(client, owner, member_of) -> None:
    admin = member_of(owner, role="admin")
    carol = member_of(owner, role="member")
    assert client.patch(_ws(owner, f"/members/{carol.id}"), json={"role": "admin"},
                        headers=admin.headers).status_code == 403  # role changes: owners only
    r = client.post(_ws(owner, "/invitations"), json={"email": "boss@example.com", "role": "owner"},
                    headers=admin.headers)
    assert r.status_code == 403
    assert client.delete(_ws(owner, f"/members/{owner.id}"), headers=admin.headers).status_code == 403
    assert client.delete(_ws(owner, f"/members/{carol.id}"), headers=admin.headers).status_code == 204
    assert client.get(_ws(owner), headers=carol.headers).status_code == 404
    entries = client.get("/api/audit", headers=owner.headers_for(owner.workspace_id)).json()["items"]
    assert entries[0]["action"] == "member.removed" and entries[0]["target_id"] == carol.id


def test_owner_changes_roles_but_the_last_owner_stays(client, owner, member_of) -> None:
    bob = member_of(owner)
    r = client.patch(_ws(owner, f"/members/{bob.id}"), json={"role": "admin"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["role"] == "admin"
    r = client.patch(_ws(owner, f"/members/{owner.id}"), json={"role": "member"}, headers=owner.headers)
    assert r.status_code == 409 and "at least one owner" in error(r)["message"]
    r = client.delete(_ws(owner, f"/members/{owner.id}"), headers=owner.headers)
    assert r.status_code == 409
    r = client.patch(_ws(owner, f"/members/{bob.id}"), json={"role": "king"}, headers=owner.headers)
    assert r.status_code == 422 and error(r)["message"].startswith("role")
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.patch(_ws(owner, f"/members/{unknown}"), json={"role": "admin"},
                        headers=owner.headers).status_code == 404
    # With a second owner, the first may step down.
    client.patch(_ws(owner, f"/members/{bob.id}"), json={"role": "owner"}, headers=owner.headers)
    assert client.patch(_ws(owner, f"/members/{owner.id}"), json={"role": "member"},
                        headers=owner.headers).status_code == 200
    actions = [e["action"] for e in client.get("/api/audit", headers=bob.headers_for(owner.workspace_id)).json()["items"]]
    assert actions.count("member.role_changed") == 3


def test_a_member_can_leave(client, owner, member_of) -> None:
    bob = member_of(owner)
    assert client.delete(_ws(owner, f"/members/{bob.id}"), headers=bob.headers).status_code == 204
    assert client.get(_ws(owner), headers=bob.headers).status_code == 404


def test_invitations_are_for_the_invited_address_and_used_once(client, owner, register, outbox) -> None:
    r = client.post(_ws(owner, "/invitations"), json={"email": "dan@example.com", "role": "admin"},
                    headers=owner.headers)
    assert r.status_code == 201 and set(r.json()) >= {"id", "email", "role", "expires_at"}
    assert "token" not in r.json()
    token = outbox.last_to("dan@example.com").token
    eve, dan = register("eve@example.com"), register("dan@example.com")
    assert client.post(f"/api/invitations/{token}/accept", headers=eve.headers).status_code == 404
    assert client.post(f"/api/invitations/{token}/accept").status_code == 401
    ok = client.post(f"/api/invitations/{token}/accept", headers=dan.headers)
    assert ok.status_code == 200 and ok.json()["id"] == owner.workspace_id and ok.json()["role"] == "admin"
    assert client.post(f"/api/invitations/{token}/accept", headers=dan.headers).status_code == 404
    pending = client.get(_ws(owner, "/invitations"), headers=owner.headers).json()["items"]
    assert pending == []


def test_invite_rejects_bad_email_and_existing_members(client, owner, member_of) -> None:
    r = client.post(_ws(owner, "/invitations"), json={"email": "nope"}, headers=owner.headers)
    assert r.status_code == 422 and error(r)["message"].startswith("email")
    bob = member_of(owner)
    r = client.post(_ws(owner, "/invitations"), json={"email": bob.email}, headers=owner.headers)
    assert r.status_code == 409


def test_withdrawn_invitation_cannot_be_accepted(client, owner, register, outbox, stranger) -> None:
    inv = client.post(_ws(owner, "/invitations"), json={"email": "fay@example.com"}, headers=owner.headers).json()
    token = outbox.last_to("fay@example.com").token
    assert client.delete(_ws(stranger, f"/invitations/{inv['id']}"), headers=stranger.headers).status_code == 404
    assert client.delete(_ws(owner, f"/invitations/{inv['id']}"), headers=owner.headers).status_code == 204
    fay = register("fay@example.com")
    assert client.post(f"/api/invitations/{token}/accept", headers=fay.headers).status_code == 404


def test_deleting_a_workspace_removes_its_data(client, owner, member_of) -> None:
    from sqlalchemy import func, select

    from automatelanka.store.schema import api_keys, memberships

    ws = client.post("/api/workspaces", json={"name": "Doomed"}, headers=owner.headers).json()["id"]
    ws_id = uuid.UUID(ws)
    client.post("/api/api-keys", json={"name": "k", "scopes": ["runs:read"]}, headers=owner.headers_for(ws))
    assert client.delete(f"/api/workspaces/{ws}", headers=owner.headers).status_code == 204
    assert client.get(f"/api/workspaces/{ws}", headers=owner.headers).status_code == 404
    with client.app.state.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(api_keys).where(api_keys.c.workspace_id == ws_id)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(memberships)
                            .where(memberships.c.workspace_id == ws_id)).scalar() == 0
    # The personal workspace is untouched.
    assert client.get(_ws(owner), headers=owner.headers).status_code == 200
