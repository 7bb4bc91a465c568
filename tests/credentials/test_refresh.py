"""The bar: an expired OAuth token is refreshed once and the run succeeds (before expiry and on a
401, once even for concurrent runs); a revoked grant fails the run naming the credential."""

from __future__ import annotations

import threading
import uuid

from automatelanka.services import credentials as service

from .conftest import add_credential, http_workflow, run_workflow


def _oauth_credential(client, user, fake, name="Slack work", **issue) -> tuple[dict, dict]:
    tokens = fake.issue(**issue)
    cred = add_credential(client, user, "slackOAuth2Api", name, {"oauthTokenData": tokens})
    return cred, tokens


def _stored(client, user, cred) -> dict:
    with client.app.state.db.connect() as conn:
        row = service.get_row(conn, uuid.UUID(user.workspace_id), uuid.UUID(cred["id"]))
    return service.decrypt_row(client.app.state.settings, row)


def test_expired_token_is_refreshed_before_the_run_uses_it(client, ann, fake) -> None:
    cred, tokens = _oauth_credential(client, ann, fake, expired=True)
    run = run_workflow(client, ann, http_workflow(f"{fake.url}/data", "slackOAuth2Api", "Slack work"))
    assert run["status"] == "success", run
    assert run["run"]["output"]["data"] == [[{"hello": "world"}]]
    assert fake.refresh_calls == 1
    stored = _stored(client, ann, cred)["oauthTokenData"]
    assert stored["access_token"] != tokens["access_token"]
    assert stored["refresh_token"] == tokens["refresh_token"]  # kept when the provider sends none
    # the next run uses the stored token: no further refresh
    assert run_workflow(client, ann, http_workflow(f"{fake.url}/data", "slackOAuth2Api", "Slack work",
                                                   name="again"))["status"] == "success"
    assert fake.refresh_calls == 1


def test_401_refreshes_once_even_for_concurrent_runs(client, ann, fake) -> None:
    cred, tokens = _oauth_credential(client, ann, fake)
    fake.kill_access(tokens["access_token"])  # not yet expired by the clock, but rejected
    fake.token_delay_s = 0.4  # both runs get their 401 while the first refresh is in flight
    ids = []
    for i in range(2):
        r = client.post("/api/workflows", json=http_workflow(f"{fake.url}/data", "slackOAuth2Api", "Slack work",
                                                            name=f"w{i}"), headers=ann.headers)
        ids.append(r.json()["id"])
    results: list[dict] = []

    def run(wf_id: str) -> None:
        r = client.post(f"/api/workflows/{wf_id}/run?wait=true&timeout=90", headers=ann.headers)
        results.append(r.json())

    threads = [threading.Thread(target=run, args=(wf_id,)) for wf_id in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [r["status"] for r in results] == ["success", "success"], results
    assert fake.rejected == 2, "both runs should have met the dead token"
    assert fake.refresh_calls == 1
    assert _stored(client, ann, cred)["oauthTokenData"]["access_token"] != tokens["access_token"]


def test_revoked_grant_fails_the_run_naming_the_credential(client, ann, fake) -> None:
    cred, tokens = _oauth_credential(client, ann, fake, name="Slack revoked", expired=True)
    fake.revoke(tokens["refresh_token"])
    run = run_workflow(client, ann, http_workflow(f"{fake.url}/data", "slackOAuth2Api", "Slack revoked"))
    assert run["status"] == "failed"
    message = str(run["run"]["error"])
    assert "'Slack revoked'" in message and "invalid_grant" in message, message
    assert tokens["refresh_token"] not in message and tokens["access_token"] not in message
    shown = next(c for c in client.get("/api/credentials", headers=ann.headers).json()["items"]
                 if c["id"] == cred["id"])
    assert shown["status"] == "needs_reconnect" and "invalid_grant" in shown["status_message"]

    # the same through a 401 (token alive by the clock, rejected by the service)
    _, tokens2 = _oauth_credential(client, ann, fake, name="Slack 401")
    fake.kill_access(tokens2["access_token"])
    fake.revoke(tokens2["refresh_token"])
    run = run_workflow(client, ann, http_workflow(f"{fake.url}/data", "slackOAuth2Api", "Slack 401", name="x"))
    assert run["status"] == "failed" and "'Slack 401'" in str(run["run"]["error"])
