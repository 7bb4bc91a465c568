"""Testing a credential calls its service's identity endpoint (here: local fakes) and reports
success with the account, or the service's own message."""

from __future__ import annotations

import pytest

from .conftest import add_credential
from .fake_provider import TELEGRAM_TOKEN


def _test(client, user, cred) -> dict:
    r = client.post(f"/api/integrations/{cred['id']}/test", headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(("ctype", "account"), [
    ("slackOAuth2Api", "ann @ Acme"), ("gmailOAuth2", "ann@example.com"), ("githubOAuth2Api", "ann"),
    ("microsoftOutlookOAuth2Api", "ann@contoso.com"),
])
def test_oauth_identity_endpoints(client, ann, fake, ctype, account) -> None:
    cred = add_credential(client, ann, ctype, "conn", {"oauthTokenData": fake.issue()})
    result = _test(client, ann, cred)
    assert result["ok"] is True and result["account"] == account, result
    assert result["credential"]["metadata"]["account"] == account


def test_token_types_and_the_services_messages(client, ann, fake) -> None:
    good = add_credential(client, ann, "telegramApi", "bot", {"accessToken": TELEGRAM_TOKEN})
    result = _test(client, ann, good)
    assert result == {**result, "ok": True, "account": "@known_bot"}
    bad = add_credential(client, ann, "telegramApi", "bad bot", {"accessToken": "999:not-a-real-token"})
    result = _test(client, ann, bad)
    assert result["ok"] is False and result["message"] == "Unauthorized" and "999:not" not in str(result)
    assert result["credential"]["status"] == "error"

    slack = add_credential(client, ann, "slackApi", "slack bot", {"accessToken": "xoxb-dead-token"})
    result = _test(client, ann, slack)
    assert result["ok"] is False and result["message"] == "invalid_auth"
    github = add_credential(client, ann, "githubApi", "gh", {"accessToken": "ghp_deadbeef", "server": fake.url})
    result = client.post(f"/api/credentials/{github['id']}/test", headers=ann.headers).json()  # same via credentials
    assert result["ok"] is False and result["message"] == "Bad credentials"

    other = add_credential(client, ann, "httpHeaderAuth", "hdr", {"name": "X", "value": "y" * 8})
    r = client.post(f"/api/integrations/{other['id']}/test", headers=ann.headers)
    assert r.status_code == 422 and "no identity test" in r.json()["error"]["message"]


def test_oauth_test_refreshes_a_rejected_token(client, ann, fake) -> None:
    tokens = fake.issue()
    fake.kill_access(tokens["access_token"])
    cred = add_credential(client, ann, "googleSheetsOAuth2Api", "sheets", {"oauthTokenData": tokens})
    result = _test(client, ann, cred)
    assert result["ok"] is True and fake.refresh_calls == 1
    fake.revoke(tokens["refresh_token"])
    fake.kill_access(next(iter(t for t in fake.access if t != tokens["access_token"])))
    result = _test(client, ann, cred)
    assert result["ok"] is False and "invalid_grant" in result["message"]
