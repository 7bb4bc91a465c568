"""/api/credentials: create returns metadata only, list/get/update/delete, validation, roles,
workspace isolation, and the type catalogue."""

from __future__ import annotations

import uuid

from daemon.conftest import error

from automatelanka.services import credentials as service

from .conftest import add_credential

SECRET = "xoxb-known-secret-4242"


def test_create_returns_metadata_only_and_crud(client, ann) -> None:
    h = ann.headers
    r = client.post("/api/credentials", json={"type": "slackApi", "name": "Slack bot",
                                              "data": {"accessToken": SECRET}}, headers=h)
    assert r.status_code == 201, r.text
    cred = r.json()
    assert SECRET not in r.text and "data" not in cred
    assert cred["type"] == "slackApi" and cred["name"] == "Slack bot" and cred["status"] == "ok"

    listed = client.get("/api/credentials", headers=h)
    assert [c["id"] for c in listed.json()["items"]] == [cred["id"]] and SECRET not in listed.text
    assert client.get("/api/credentials?type=githubApi", headers=h).json()["items"] == []
    got = client.get(f"/api/credentials/{cred['id']}", headers=h)
    assert got.json()["name"] == "Slack bot" and SECRET not in got.text

    r = client.patch(f"/api/credentials/{cred['id']}", json={"name": "Slack", "data": {"signatureSecret": "sig-123456"}},
                     headers=h)
    assert r.status_code == 200 and r.json()["name"] == "Slack" and "sig-123456" not in r.text

    with client.app.state.db.connect() as conn:
        stored = service.get_row(conn, uuid.UUID(ann.workspace_id), uuid.UUID(cred["id"]))
    fields = service.decrypt_row(client.app.state.settings, stored)
    assert fields == {"accessToken": SECRET, "signatureSecret": "sig-123456"}  # update merged the fields

    assert client.delete(f"/api/credentials/{cred['id']}", headers=h).status_code == 204
    assert client.get(f"/api/credentials/{cred['id']}", headers=h).status_code == 404
    audit = client.get("/api/audit", headers=h).json()["items"]
    assert {"credential.created", "credential.updated", "credential.deleted"} <= {e["action"] for e in audit}
    assert SECRET not in str(audit)


def test_validation_names_the_problem(client, ann) -> None:
    h = ann.headers
    r = client.post("/api/credentials", json={"type": "noSuchApi", "name": "x", "data": {}}, headers=h)
    assert r.status_code == 422 and "noSuchApi" in error(r)["message"] and error(r)["message"].startswith("type")
    r = client.post("/api/credentials", json={"type": "slackApi", "name": "x", "data": {}}, headers=h)
    assert r.status_code == 422 and error(r)["message"].startswith("data.accessToken")
    r = client.post("/api/credentials", json={"type": "slackApi", "name": "x", "data": "nope"}, headers=h)
    assert r.status_code == 422 and "data" in error(r)["message"]
    r = client.post("/api/credentials", json={"name": "x", "data": {}}, headers=h)
    assert r.status_code == 422 and error(r)["message"].startswith("type")
    add_credential(client, ann, "slackApi", "dup", {"accessToken": "a" * 10})
    r = client.post("/api/credentials", json={"type": "slackApi", "name": "dup", "data": {"accessToken": "b" * 10}},
                    headers=h)
    assert r.status_code == 409 and "dup" in error(r)["message"]
    assert client.get("/api/credentials/not-a-uuid", headers=h).status_code == 422


def test_roles_and_workspace_isolation(client, ann, ben, outbox) -> None:
    from daemon.conftest import invite_and_join

    cred = add_credential(client, ann, "httpHeaderAuth", "hdr", {"name": "X-Key", "value": "v" * 12})
    # another workspace's credential is not found (never its data)
    assert client.get(f"/api/credentials/{cred['id']}", headers=ben.headers).status_code == 404
    assert client.delete(f"/api/credentials/{cred['id']}", headers=ben.headers).status_code == 404
    assert client.patch(f"/api/credentials/{cred['id']}", json={"name": "mine"}, headers=ben.headers).status_code == 404
    assert client.post(f"/api/credentials/{cred['id']}/test", headers=ben.headers).status_code == 404
    assert client.get("/api/credentials", headers=ben.headers).json()["items"] == []
    # a member may list and use, not create or delete
    member = invite_and_join(client, outbox, ann, role="member")
    hm = member.headers_for(ann.workspace_id)
    assert [c["id"] for c in client.get("/api/credentials", headers=hm).json()["items"]] == [cred["id"]]
    r = client.post("/api/credentials", json={"type": "httpHeaderAuth", "name": "m", "data": {}}, headers=hm)
    assert r.status_code == 403 and "credentials:write" in error(r)["message"]
    assert client.delete(f"/api/credentials/{cred['id']}", headers=hm).status_code == 403
    assert client.get("/api/credentials").status_code == 401


def test_type_catalogue(client, ann) -> None:
    slack = client.get("/api/credentials/types/slackApi").json()
    fields = {f["name"]: f for f in slack["fields"]}
    assert fields["accessToken"]["password"] is True and fields["accessToken"]["required"] is True
    assert slack["oauth2"] is False
    oauth = client.get("/api/credentials/types/googleSheetsOAuth2Api").json()
    assert oauth["oauth2"] is True and "googleOAuth2Api" in oauth["extends"]
    assert all(f["name"] != "clientSecret" for f in oauth["fields"])  # comes from configuration
    assert client.get("/api/credentials/types/nope").status_code == 404
    found = client.get("/api/credentials/types?q=telegram").json()["items"]
    assert {"type": "telegramApi", "label": "Telegram API", "oauth2": False} in found
