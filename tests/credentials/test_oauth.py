"""OAuth 2.0 connect: authorization URL with PKCE (S256) and sealed state, the callback exchanging
the code against the (fake) provider, tokens stored encrypted, refusals reported."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
from daemon.conftest import error

from automatelanka.services import credentials as service

from .fake_provider import CLIENT_ID


def _authorize(url: str) -> dict[str, str]:
    """Act as the user's browser at the provider: approve, return the redirect's query."""
    r = httpx.get(url, follow_redirects=False)
    assert r.status_code == 302, r.text
    return {k: v[0] for k, v in parse_qs(urlsplit(r.headers["location"]).query).items()}


def test_connect_and_callback_store_tokens_encrypted(client, ann, fake) -> None:
    h = ann.headers
    r = client.post("/api/integrations/slack/connect", json={"name": "Slack work"}, headers=h)
    assert r.status_code == 200, r.text
    start = r.json()
    query = parse_qs(urlsplit(start["authorization_url"]).query)
    assert start["authorization_url"].startswith(f"{fake.url}/authorize?")
    assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["https://al.example.com/api/integrations/callback"]
    assert query["state"] == [start["state"]] and len(query["code_challenge"][0]) == 43
    assert "chat:write" in query["scope"][0] and "user_scope" in query  # the type's n8n defaults

    back = _authorize(start["authorization_url"])
    r = client.get("/api/integrations/callback", params=back)  # no Authorization: the browser comes back
    assert r.status_code == 200, r.text
    cred = r.json()["credential"]
    assert cred["type"] == "slackOAuth2Api" and cred["name"] == "Slack work" and cred["oauth2"] is True
    token_call = fake.token_calls[-1]
    assert token_call["grant_type"] == "authorization_code" and token_call["code_verifier"]
    assert token_call["code_verifier"] not in start["authorization_url"]  # only its S256 hash went out
    access = [t for t in fake.access][-1]
    assert access not in r.text

    with client.app.state.db.connect() as conn:
        row = service.get_row(conn, uuid.UUID(ann.workspace_id), uuid.UUID(cred["id"]))
    assert access.encode() not in bytes(row["data"])
    fields = service.decrypt_row(client.app.state.settings, row)
    assert fields["oauthTokenData"]["access_token"] == access and fields["oauthTokenData"]["refresh_token"]

    # connecting again under the same name replaces the tokens (no duplicate)
    again = client.post("/api/integrations/slack/connect", json={"name": "Slack work"}, headers=h).json()
    r = client.get("/api/integrations/callback", params=_authorize(again["authorization_url"]))
    assert r.status_code == 200 and r.json()["credential"]["id"] == cred["id"]
    listed = client.get("/api/integrations", headers=h).json()
    slack = next(p for p in listed["providers"] if p["provider"] == "slack")
    assert slack["configured"] is True and [c["id"] for c in slack["connections"]] == [cred["id"]]

    r = client.post(f"/api/integrations/{cred['id']}/disconnect", headers=h)
    assert r.status_code == 204
    assert client.get(f"/api/credentials/{cred['id']}", headers=h).status_code == 404


def test_callback_refuses_forged_state_and_failed_pkce(client, ann, fake) -> None:
    start = client.post("/api/integrations/google/connect", headers=ann.headers).json()
    back = _authorize(start["authorization_url"])
    forged = back["state"][:-4] + ("AAAA" if not back["state"].endswith("AAAA") else "BBBB")
    r = client.get("/api/integrations/callback", params={**back, "state": forged})
    assert r.status_code == 400 and "invalid state" in error(r)["message"]
    # an authorization started with another challenge: the provider's PKCE check fails
    tampered = start["authorization_url"].replace("code_challenge=", "code_challenge=x")
    r = client.get("/api/integrations/callback", params=_authorize(tampered))
    assert r.status_code == 400 and "PKCE" in error(r)["message"]
    r = client.get("/api/integrations/callback", params={"error": "access_denied", "state": back["state"]})
    assert r.status_code == 400 and "access_denied" in error(r)["message"]
    r = client.get("/api/integrations/callback", params={"state": back["state"]})
    assert r.status_code == 422 and error(r)["message"].startswith("code")
    assert client.get("/api/credentials", headers=ann.headers).json()["items"] == []
    # the code that did work is still usable once
    r = client.get("/api/integrations/callback", params=back)
    assert r.status_code == 200 and r.json()["credential"]["type"] == "gmailOAuth2"


def test_connect_errors(client, ann) -> None:
    h = ann.headers
    r = client.post("/api/integrations/nosuch/connect", headers=h)
    assert r.status_code == 404
    r = client.post("/api/integrations/slackApi/connect", headers=h)  # not an OAuth type
    assert r.status_code == 404
    r = client.post("/api/integrations/slack/connect", json={"credential_id": str(uuid.uuid4())}, headers=h)
    assert r.status_code == 404
    assert client.post("/api/integrations/slack/connect").status_code == 401


def test_unconfigured_provider_says_what_to_set(make_app) -> None:
    from fastapi.testclient import TestClient

    from .conftest import register_user

    with TestClient(make_app(), raise_server_exceptions=False) as bare:
        user = register_user(bare, "solo@example.com")
        r = bare.post("/api/integrations/github/connect", headers=user.headers)
        assert r.status_code == 409 and "AL_INTEGRATION_GITHUB_CLIENT_ID" in error(r)["message"]
        github = next(p for p in bare.get("/api/integrations", headers=user.headers).json()["providers"]
                      if p["provider"] == "github")
        assert github["configured"] is False
