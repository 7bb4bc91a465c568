"""Saving an active workflow registers its service triggers again, as n8n's workflow update does
(``activeWorkflowManager.remove`` then ``add``): the old webhooks are deleted at the services, the
new ones created. A refused create answers 400 activation_failed naming the node; the save is kept
and the workflow is deactivated (n8n's rollback to inactive). Telegram and GitHub are local fakes.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from . import test_trigger_registration as reg
from .conftest import error
from .test_trigger_registration import (
    TOKEN,
    github_node,
    paths,
    production_url,
    save,
    telegram_node,
    telegram_routes,
    workflow,
)

svc, client, ann = reg.svc, reg.client, reg.ann  # the same fixtures


def active(client: TestClient, headers: dict[str, str], definition: dict[str, Any]) -> str:
    wf_id = save(client, headers, definition)
    assert client.post(f"/api/workflows/{wf_id}/activate", headers=headers).status_code == 200
    return wf_id


def put(client: TestClient, headers: dict[str, str], wf_id: str, definition: dict[str, Any]) -> Any:
    return client.put(f"/api/workflows/{wf_id}", json={"definition": definition}, headers=headers)


def test_a_changed_event_list_is_deleted_then_set_again(client, ann, svc) -> None:
    telegram_routes(svc)
    node = telegram_node(client, ann.headers)
    wf_id = active(client, ann.headers, workflow(node))
    svc.requests.clear()

    changed = {**node, "parameters": {"updates": ["message", "callback_query"]}}
    r = put(client, ann.headers, wf_id, workflow(changed))
    assert r.status_code == 200, r.text
    assert r.json()["active"] is True
    assert paths(svc) == [f"/bot{TOKEN}/deleteWebhook", f"/bot{TOKEN}/getWebhookInfo", f"/bot{TOKEN}/setWebhook"]
    assert svc.last("POST", f"/bot{TOKEN}/setWebhook").json["allowed_updates"] == ["message", "callback_query"]


def test_a_removed_trigger_is_deleted_and_a_new_one_created(client, ann, svc) -> None:
    telegram_routes(svc)
    svc.route("POST", "/repos/octo/hello/hooks", (201, {}, {"id": 5, "active": True, "events": ["push"]}))
    tg, gh = telegram_node(client, ann.headers), github_node(client, ann.headers)
    wf_id = active(client, ann.headers, workflow(tg))
    svc.requests.clear()

    assert put(client, ann.headers, wf_id, workflow(gh)).status_code == 200
    assert paths(svc) == [f"/bot{TOKEN}/deleteWebhook", "/repos/octo/hello/hooks"]
    assert svc.last("POST", "/repos/octo/hello/hooks").json["config"]["url"] == production_url(gh)
    static = client.get(f"/api/workflows/{wf_id}", headers=ann.headers).json()["definition"]["staticData"]
    assert static["node:GitHub Trigger"]["webhookId"] == 5
    # the removed trigger's path is no longer served, the new one is
    assert client.post(f"/webhook/{tg['webhookId']}/webhook", json={"update_id": 1}).status_code == 404


def test_a_refused_create_on_save_keeps_the_save_and_deactivates(client, ann, svc) -> None:
    telegram_routes(svc)
    svc.route("POST", "/repos/octo/hello/hooks", (403, {}, {"message": "Resource not accessible by integration"}))
    tg, gh = telegram_node(client, ann.headers), github_node(client, ann.headers)
    wf_id = active(client, ann.headers, workflow(tg))

    r = put(client, ann.headers, wf_id, workflow(tg, gh))
    assert r.status_code == 400, r.text
    err = error(r)
    assert err["code"] == "activation_failed" and err["details"]["node"] == "GitHub Trigger"
    assert "Resource not accessible by integration" in err["message"]
    # Telegram, set again before GitHub refused, is deleted again
    assert paths(svc)[-2:] == ["/repos/octo/hello/hooks", f"/bot{TOKEN}/deleteWebhook"]
    got = client.get(f"/api/workflows/{wf_id}", headers=ann.headers).json()
    assert got["active"] is False
    assert [n["name"] for n in got["definition"]["nodes"]] == ["Telegram Trigger", "GitHub Trigger"]
    versions = client.get(f"/api/workflows/{wf_id}/versions", headers=ann.headers).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert client.post(f"/webhook/{tg['webhookId']}/webhook", json={"update_id": 1}).status_code == 404


def test_restoring_a_version_of_an_active_workflow_registers_it_again(client, ann, svc) -> None:
    telegram_routes(svc)
    node = telegram_node(client, ann.headers)
    wf_id = active(client, ann.headers, workflow(node))
    changed = {**node, "parameters": {"updates": ["edited_message"]}}
    assert put(client, ann.headers, wf_id, workflow(changed)).status_code == 200

    assert client.post(f"/api/workflows/{wf_id}/versions/1/restore", headers=ann.headers).status_code == 200
    assert svc.last("POST", f"/bot{TOKEN}/setWebhook").json["allowed_updates"] == ["message"]


def test_inactive_saves_and_renames_tell_no_service(client, ann, svc) -> None:
    telegram_routes(svc)
    node = telegram_node(client, ann.headers)
    wf_id = save(client, ann.headers, workflow(node))
    assert put(client, ann.headers, wf_id, workflow(node)).status_code == 200
    assert svc.requests == []

    assert client.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers).status_code == 200
    svc.requests.clear()
    r = client.patch(f"/api/workflows/{wf_id}", json={"name": "renamed"}, headers=ann.headers)
    assert r.status_code == 200 and r.json()["active"] is True
    assert svc.requests == []
