"""Workspaces, members, roles and invitations over HTTP."""

from __future__ import annotations

from .conftest import error


def test_an_invited_member_joins_with_the_invited_role(client, owner, member_of, outbox) -> None:
    bob = member_of(owner, "bob@example.com", role="admin")
    members = client.get(f"/api/workspaces/{owner.workspace_id}/members", headers=owner.headers).json()["items"]
    assert {(m["email"], m["role"]) for m in members} == {("owner@example.com", "owner"), ("bob@example.com", "admin")}
    mine = client.get("/api/workspaces", headers=bob.headers).json()["items"]
    assert {w["id"] for w in mine} == {bob.workspace_id, owner.workspace_id}
    assert "invited" in outbox.last_to("bob@example.com").subject


def test_a_stranger_gets_404_for_another_workspace(client, owner, stranger) -> None:
    r = client.get(f"/api/workspaces/{owner.workspace_id}", headers=stranger.headers)
    assert r.status_code == 404 and error(r)["code"] == "not_found"
    assert owner.workspace_id not in r.text
