"""The audit log: what gets recorded, who may read it, and that it stays in its workspace."""

from __future__ import annotations

from .conftest import PASSWORD, error


def test_owner_reads_sign_ins_and_pages_through_them(client, owner) -> None:
    for _ in range(3):
        client.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
    first = client.get("/api/audit", params={"limit": 2}, headers=owner.headers)
    assert first.status_code == 200
    assert [e["action"] for e in first.json()["items"]] == ["auth.login", "auth.login"]
    assert first.json()["items"][0]["ip"] == "testclient"
    rest = client.get("/api/audit", params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=owner.headers)
    assert len(rest.json()["items"]) == 1 and rest.json()["next_cursor"] is None
    only = client.get("/api/audit", params={"action": "auth.login_failed"}, headers=owner.headers)
    assert only.json()["items"] == []


def test_audit_is_for_owners_only(client, owner, member_of) -> None:
    assert client.get("/api/audit").status_code == 401
    admin = member_of(owner, role="admin")
    r = client.get("/api/audit", headers=admin.headers_for(owner.workspace_id))
    assert r.status_code == 403 and error(r)["code"] == "forbidden"


def test_entries_never_cross_workspaces(client, owner, stranger) -> None:
    client.post("/api/auth/login", json={"email": stranger.email, "password": "wrong password"})
    assert client.get("/api/audit", headers=owner.headers).json()["items"] == []
    assert client.get("/api/audit", headers=stranger.headers_for(owner.workspace_id)).status_code == 404


def test_bad_cursor_and_limit_are_422(client, owner) -> None:
    r = client.get("/api/audit", params={"cursor": "garbage!"}, headers=owner.headers)
    assert r.status_code == 422 and "cursor" in error(r)["message"]
    assert client.get("/api/audit", params={"limit": 100000}, headers=owner.headers).status_code == 422


def test_services_audit_record_is_the_colleague_entry_point(client, owner) -> None:
    import uuid

    from automatelanka.services import audit

    with client.app.state.db.begin() as conn:
        audit.record(conn, uuid.UUID(owner.workspace_id), "credential.used", actor_id=uuid.UUID(owner.id),
                     target_type="credential", target_id="c1", details={"node": "HTTP Request"})
    [entry] = client.get("/api/audit", params={"action": "credential.used"}, headers=owner.headers).json()["items"]
    assert entry["details"] == {"node": "HTTP Request"} and entry["target_id"] == "c1"
