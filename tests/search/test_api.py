"""/api/ai-search over HTTP: scoped to the caller's workspace, validated, 404 for others' ids."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import SAMPLES


@pytest.fixture
def seeded(client, register) -> tuple[Any, Any, dict[str, str]]:
    """Ann with the sample workflows (created through the API), Bob with one of his own."""
    ann, bob = register("ann@example.com"), register("bob@example.com")
    ids = {}
    for key, definition in SAMPLES.items():
        r = client.post("/api/workflows", json=definition, headers=ann.headers)
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    r = client.post("/api/workflows", json=SAMPLES["sheet_to_slack"], headers=bob.headers)
    ids["bob"] = r.json()["id"]
    return ann, bob, ids


def test_semantic_search(client, seeded) -> None:
    ann, bob, ids = seeded
    r = client.get("/api/ai-search/semantic", params={"q": "post to slack when a sheet row is added"},
                   headers=ann.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["results"][0]["id"] == ids["sheet_to_slack"]
    assert {r["id"] for r in body["results"]} <= {v for k, v in ids.items() if k != "bob"}
    assert body["understood"]["integrations"][0]["node_types"]
    r = client.get("/api/ai-search/semantic", params={"q": "slack", "facets": "true"}, headers=bob.headers)
    assert [x["id"] for x in r.json()["results"]] == [ids["bob"]] and "facets" in r.json()


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "x", "limit": 0}, "limit"), ({"q": "x", "complexity": "huge"}, "complexity"),
    ({"q": "x" * 501}, "q"), ({"q": "x", "trigger": "telepathy"}, "trigger"),
])
def test_bad_parameters_are_422_naming_the_field(client, seeded, params, field) -> None:
    ann, _, _ = seeded
    r = client.get("/api/ai-search/semantic", params=params, headers=ann.headers)
    assert r.status_code == 422 and field in r.text and "Traceback" not in r.text


def test_authentication_is_required(client) -> None:
    assert client.get("/api/ai-search/semantic", params={"q": "slack"}).status_code == 401


def test_similar_is_404_for_another_workspaces_workflow(client, seeded) -> None:
    ann, bob, ids = seeded
    r = client.get(f"/api/ai-search/similar/{ids['sheet_to_slack']}", headers=ann.headers)
    assert r.status_code == 200 and ids["bob"] not in {x["id"] for x in r.json()["results"]}
    r = client.get(f"/api/ai-search/similar/{ids['sheet_to_slack']}", headers=bob.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get("/api/ai-search/similar/not-a-uuid", headers=bob.headers).status_code == 422


def test_suggestions_and_recommendations(client, seeded) -> None:
    ann, _, _ = seeded
    r = client.get("/api/ai-search/suggestions", params={"prefix": "tele"}, headers=ann.headers)
    assert r.status_code == 200 and r.json()["suggestions"][0] == {"text": "Telegram", "kind": "integration"}
    assert client.get("/api/ai-search/suggestions", headers=ann.headers).status_code == 422
    r = client.get("/api/ai-search/recommend", headers=ann.headers)
    assert r.status_code == 200 and isinstance(r.json()["results"], list)


def test_workflows_saved_without_the_index_hook_are_found_soon(client, seeded, monkeypatch) -> None:
    from automatelanka.services import search

    ann, _, _ = seeded
    monkeypatch.setattr(search, "FRESH_S", 0.0)
    assert client.get("/api/ai-search/semantic", params={"q": "notion"}, headers=ann.headers).json()["results"] == []
    r = client.post("/api/workflows", json={"name": "Notes", "nodes": [
        {"name": "Notion", "type": "n8n-nodes-base.notion", "parameters": {}, "position": [0, 0]}],
        "connections": {}}, headers=ann.headers)
    found = client.get("/api/ai-search/semantic", params={"q": "notion"}, headers=ann.headers).json()["results"]
    assert [x["id"] for x in found] == [r.json()["id"]]
    client.delete(f"/api/workflows/{r.json()['id']}", headers=ann.headers)
    assert client.get("/api/ai-search/semantic", params={"q": "notion"}, headers=ann.headers).json()["results"] == []


def test_a_workflow_written_straight_to_the_database_is_found_by_the_next_search(client, seeded,
                                                                                 monkeypatch) -> None:
    """A row written without the service (a restore, another tool) is indexed by the first search
    that notices it, and that very search finds it (it reads the index after the sync)."""
    import uuid

    from automatelanka.services import search
    from automatelanka.store.repositories import workflows as repo

    ann, _, _ = seeded
    monkeypatch.setattr(search, "FRESH_S", 0.0)
    with client.app.state.db.begin() as conn:
        row = repo.create_workflow(conn, uuid.UUID(ann.workspace_id), name="Restored notes", definition={
            "name": "Restored notes", "connections": {},
            "nodes": [{"name": "Notion", "type": "n8n-nodes-base.notion", "parameters": {}, "position": [0, 0]}]})
    found = client.get("/api/ai-search/semantic", params={"q": "notion"}, headers=ann.headers).json()["results"]
    assert [x["id"] for x in found] == [str(row["id"])]


def test_prefix_search_as_you_type(client, seeded) -> None:
    ann, _, ids = seeded
    r = client.get("/api/ai-search/semantic", params={"q": "dige", "prefix": "true"}, headers=ann.headers)
    assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [ids["rss_mail"]]
    r = client.get("/api/ai-search/semantic", params={"q": "dige"}, headers=ann.headers)
    assert r.json()["results"] == []
