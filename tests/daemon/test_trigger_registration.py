"""Activation registers service triggers with their services (n8n's webhookMethods), through the
real daemon: Telegram and GitHub and Stripe played by a local fake of their APIs on 127.0.0.1.

Activate -> the service got the production URL and the node's events; deactivate and delete ->
the service is told to delete it; a refused registration -> 400 naming the node and the service's
message, the workflow stays inactive and nothing stays registered; an existing registration ->
no second create; what the methods keep (hook id, secret) is saved in the node's static data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from credentials.conftest import _no_system_keyring  # noqa: F401  (autouse: keys in the test home)
from engine.nodes.fakes import FakeServer
from fastapi.testclient import TestClient

from .conftest import error, register_user

PUBLIC = "https://hooks.example.com"
TOKEN = "123:ABC"


@pytest.fixture
def svc() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def client(make_app: Any, svc: FakeServer) -> Iterator[TestClient]:
    app = make_app(public_url=PUBLIC, outbound_allow=("127.0.0.1",),
                   integrations={"telegram": {"api_url": svc.url}, "github": {"api_url": svc.url},
                                 "stripe": {"api_url": svc.url + "/v1"}})
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def ann(client: TestClient) -> Any:
    return register_user(client, "ann@example.com")


def credential(client: TestClient, headers: dict[str, str], kind: str, data: dict[str, Any]) -> dict[str, str]:
    r = client.post("/api/credentials", json={"type": kind, "name": f"my {kind}", "data": data}, headers=headers)
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"], "name": f"my {kind}"}


def trigger(name: str, node_type: str, params: dict[str, Any], creds: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"id-{name.split()[0].lower()}", "name": name, "type": f"n8n-nodes-base.{node_type}",
            "typeVersion": 1, "position": [0, 0], "webhookId": str(uuid.uuid4()), "parameters": params,
            "credentials": creds}


def workflow(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"name": "service triggers", "nodes": list(nodes), "connections": {}}


def telegram_node(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    cred = credential(client, headers, "telegramApi", {"accessToken": TOKEN})
    return trigger("Telegram Trigger", "telegramTrigger", {"updates": ["message"]}, {"telegramApi": cred})


def github_node(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    cred = credential(client, headers, "githubApi", {"accessToken": "gh-token"})
    return trigger("GitHub Trigger", "githubTrigger",
                   {"owner": {"__rl": True, "mode": "name", "value": "octo"},
                    "repository": {"__rl": True, "mode": "name", "value": "hello"}, "events": ["push"]},
                   {"githubApi": cred})


def telegram_routes(svc: FakeServer, current_url: str = "") -> None:
    svc.route("POST", f"/bot{TOKEN}/getWebhookInfo", (200, {}, {"ok": True, "result": {"url": current_url}}))
    svc.route("POST", f"/bot{TOKEN}/setWebhook", (200, {}, {"ok": True, "result": True}))
    svc.route("POST", f"/bot{TOKEN}/deleteWebhook", (200, {}, {"ok": True, "result": True}))


def save(client: TestClient, headers: dict[str, str], definition: dict[str, Any]) -> str:
    r = client.post("/api/workflows", json=definition, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def paths(svc: FakeServer, method: str | None = None) -> list[str]:
    return [r.path for r in svc.requests if method is None or r.method == method]


def production_url(node: dict[str, Any]) -> str:
    return f"{PUBLIC}/webhook/{node['webhookId']}/webhook"


def test_activation_sets_the_telegram_webhook_and_deactivation_deletes_it(client, ann, svc) -> None:
    telegram_routes(svc)
    node = telegram_node(client, ann.headers)
    wf_id = save(client, ann.headers, workflow(node))
    assert paths(svc) == []  # saving registers nothing

    r = client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers)
    assert r.status_code == 200, r.text
    assert r.json()["active"] is True
    sent = svc.last("POST", f"/bot{TOKEN}/setWebhook")
    assert sent.json == {"url": production_url(node), "allowed_updates": ["message"],
                         "secret_token": f"{wf_id}_id-telegram"}
    assert paths(svc) == [f"/bot{TOKEN}/getWebhookInfo", f"/bot{TOKEN}/setWebhook"]

    r = client.post(f"/api/workflows/{wf_id}/deactivate", headers=ann.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    assert paths(svc)[-1] == f"/bot{TOKEN}/deleteWebhook"


def test_an_existing_registration_is_not_created_again(client, ann, svc) -> None:
    node = telegram_node(client, ann.headers)
    telegram_routes(svc, current_url=production_url(node))
    wf_id = save(client, ann.headers, workflow(node))
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    assert paths(svc) == [f"/bot{TOKEN}/getWebhookInfo"]


def test_a_refused_registration_fails_activation_and_nothing_stays_registered(client, ann, svc) -> None:
    telegram_routes(svc)
    svc.route("POST", "/repos/octo/hello/hooks", (403, {}, {"message": "Resource not accessible by integration"}))
    tg, gh = telegram_node(client, ann.headers), github_node(client, ann.headers)
    wf_id = save(client, ann.headers, workflow(tg, gh))

    r = client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers)
    assert r.status_code == 400, r.text
    err = error(r)
    assert err["code"] == "activation_failed"
    assert err["message"] == ("Workflow could not be activated: node 'GitHub Trigger': "
                              "Resource not accessible by integration")
    assert err["details"]["node"] == "GitHub Trigger" and err["details"]["http_code"] == "403"
    # Telegram had been set: it is deleted again, and the workflow stays inactive and unserved
    assert paths(svc)[-1] == f"/bot{TOKEN}/deleteWebhook"
    assert client.get(f"/api/workflows/{wf_id}", headers=ann.headers).json()["active"] is False
    assert client.post(f"/webhook/{tg['webhookId']}/webhook", json={"update_id": 1}).status_code == 404


def test_github_hook_id_and_secret_are_kept_in_static_data_then_deleted(client, ann, svc) -> None:
    svc.route("POST", "/repos/octo/hello/hooks", lambda req: (201, {}, {"id": 77, "active": True,
                                                                        "events": req.json["events"]}))
    svc.route("GET", "/repos/octo/hello/hooks/77", (200, {}, {"id": 77}))
    svc.route("DELETE", "/repos/octo/hello/hooks/77", (204, {}, None))
    node = github_node(client, ann.headers)
    wf_id = save(client, ann.headers, workflow(node))
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    sent = svc.last("POST", "/repos/octo/hello/hooks")
    assert sent.headers["authorization"] == "token gh-token"
    assert sent.json["config"]["url"] == production_url(node) and sent.json["events"] == ["push"]
    static = client.get(f"/api/workflows/{wf_id}", headers=ann.headers).json()["definition"]["staticData"]
    assert static["node:GitHub Trigger"] == {"webhookId": 77, "webhookEvents": ["push"],
                                             "webhookSecret": sent.json["config"]["secret"]}

    # activating again finds the stored hook: no second POST
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    assert paths(svc, "POST") == ["/repos/octo/hello/hooks"] and paths(svc)[-1] == "/repos/octo/hello/hooks/77"

    assert client.post(f"/api/workflows/{wf_id}/deactivate", headers=ann.headers).status_code == 200
    assert svc.last().method == "DELETE"
    static = client.get(f"/api/workflows/{wf_id}", headers=ann.headers).json()["definition"]["staticData"]
    assert static["node:GitHub Trigger"] == {}


def test_deleting_an_active_workflow_deletes_the_stripe_endpoint(client, ann, svc) -> None:
    svc.route("POST", "/v1/webhook_endpoints", (200, {}, {"id": "we_1", "secret": "whsec_1", "status": "enabled",
                                                         "enabled_events": ["charge.succeeded"]}))
    svc.route("DELETE", "/v1/webhook_endpoints/we_1", (200, {}, {"id": "we_1", "deleted": True}))
    cred = credential(client, ann.headers, "stripeApi", {"secretKey": "sk_test_1"})
    node = trigger("Stripe Trigger", "stripeTrigger", {"events": ["charge.succeeded"]}, {"stripeApi": cred})
    wf_id = save(client, ann.headers, workflow(node))
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    assert svc.last("POST").form["url"] == [production_url(node)]
    assert client.delete(f"/api/workflows/{wf_id}", headers=ann.headers).status_code == 204
    assert paths(svc)[-1] == "/v1/webhook_endpoints/we_1" and svc.last().method == "DELETE"


def test_a_failed_delete_is_logged_not_fatal(client, ann, svc) -> None:
    telegram_routes(svc)
    wf_id = save(client, ann.headers, workflow(telegram_node(client, ann.headers)))
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    svc.route("POST", f"/bot{TOKEN}/deleteWebhook", (500, {}, {"ok": False, "description": "down"}))
    r = client.post(f"/api/workflows/{wf_id}/deactivate", headers=ann.headers)
    assert r.status_code == 200 and r.json()["active"] is False


def test_a_path_taken_elsewhere_is_refused_before_any_service_is_called(client, ann, svc) -> None:
    telegram_routes(svc)
    node = telegram_node(client, ann.headers)
    first = save(client, ann.headers, workflow(node))
    assert client.post(f"/api/workflows/{first}/activate", headers=ann.headers).status_code == 200
    before = len(svc.requests)
    second = save(client, ann.headers, {**workflow(node), "name": "copy"})
    assert client.post(f"/api/workflows/{second}/activate", headers=ann.headers).status_code == 409
    assert len(svc.requests) == before  # the first workflow's registration is left alone


def test_types_without_registration_methods_activate_as_before(client, ann, svc) -> None:
    node = trigger("HubSpot Trigger", "hubspotTrigger", {}, {})
    wf_id = save(client, ann.headers, workflow(node))
    r = client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers)
    assert r.status_code == 200 and r.json()["webhooks"][0]["url"] == f"/webhook/{node['webhookId']}/webhook"
    assert svc.requests == []
