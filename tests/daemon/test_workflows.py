# ruff: noqa: F811  (fixtures imported from ._execution)
"""/api/workflows: derivation, CRUD with versions, filters and pages, import, clone, activation,
download, stats, and the auth rules (401, 403, 404 across workspaces, 422)."""

from __future__ import annotations

import json

import pytest

from automatelanka.services.workflows import derive

from ._execution import ann, ben, bench_workflow, create, manual_workflow, wclient, webhook_workflow  # noqa: F401
from .conftest import error


def test_derive_counts_nodes_lists_integrations_and_reads_sticky_notes() -> None:
    definition = {"nodes": [
        {"name": "Slack Trigger", "type": "n8n-nodes-base.slackTrigger"},
        {"name": "Sheets", "type": "n8n-nodes-base.googleSheets"},
        {"name": "Set", "type": "n8n-nodes-base.set"},
        {"name": "AI", "type": "@n8n/n8n-nodes-langchain.openAi"},
        {"name": "Note", "type": "n8n-nodes-base.stickyNote",
         "parameters": {"content": "## Daily digest\nPosts **new** rows to [Slack](https://slack.com)."}},
    ]}
    out = derive(definition)
    assert out == {"nodes_count": 4, "integrations": ["googleSheets", "openAi", "slack"], "trigger_type": "other",
                   "description": "Daily digest Posts new rows to Slack."}


@pytest.mark.parametrize(("types", "expected"), [
    (["webhook", "scheduleTrigger"], "webhook"),
    (["scheduleTrigger", "manualTrigger"], "schedule"),
    (["cron"], "schedule"),
    (["manualTrigger", "set"], "manual"),
    (["set"], "manual"),
])
def test_derive_trigger_type(types: list[str], expected: str) -> None:
    nodes = [{"name": t, "type": f"n8n-nodes-base.{t}"} for t in types]
    assert derive({"nodes": nodes})["trigger_type"] == expected


def test_create_get_update_versions_restore_delete(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow("first"))
    got = wclient.get(f"/api/workflows/{wf_id}", headers=h).json()
    assert (got["name"], got["nodes_count"], got["trigger_type"], got["active"]) == ("first", 2, "manual", False)

    changed = manual_workflow("first")
    changed["nodes"][1]["parameters"]["assignments"]["assignments"][0]["name"] = "twice"
    r = wclient.patch(f"/api/workflows/{wf_id}", json={"definition": changed, "name": "renamed", "message": "v2"},
                      headers=h)
    assert r.status_code == 200 and r.json()["name"] == "renamed"
    versions = wclient.get(f"/api/workflows/{wf_id}/versions", headers=h).json()["items"]
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["message"] == "v2"

    r = wclient.post(f"/api/workflows/{wf_id}/versions/1/restore", headers=h)
    assert r.status_code == 200
    now = wclient.get(f"/api/workflows/{wf_id}", headers=h).json()
    assert now["definition"]["nodes"][1]["parameters"]["assignments"]["assignments"][0]["name"] == "doubled"
    assert len(wclient.get(f"/api/workflows/{wf_id}/versions", headers=h).json()["items"]) == 3
    assert wclient.post(f"/api/workflows/{wf_id}/versions/9/restore", headers=h).status_code == 404

    assert wclient.delete(f"/api/workflows/{wf_id}", headers=h).status_code == 204
    assert wclient.get(f"/api/workflows/{wf_id}", headers=h).status_code == 404


def test_list_filters_and_stable_keyset_pages(wclient, ann) -> None:
    h = ann.headers
    ids = [create(wclient, h, {**manual_workflow(f"wf {i}"), "tags": [{"name": "even" if i % 2 == 0 else "odd"}]})
           for i in range(7)]
    hook = create(wclient, h, webhook_workflow("listed"))
    seen, cursor = [], None
    while True:
        page = wclient.get("/api/workflows", params={"limit": 3, **({"cursor": cursor} if cursor else {})},
                           headers=h).json()
        seen += [w["id"] for w in page["items"]]
        assert all("definition" not in w for w in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        # an edit between pages must not move anything across the page boundary
        wclient.patch(f"/api/workflows/{ids[0]}", json={"name": "edited"}, headers=h)
    assert sorted(seen) == sorted([*ids, hook]) and len(seen) == 8

    def names(**params):
        return {w["name"] for w in wclient.get("/api/workflows", params=params, headers=h).json()["items"]}

    assert names(tag="odd") == {"wf 1", "wf 3", "wf 5"}
    assert names(trigger="webhook") == {"hook listed"}
    # q is full-text search: ranked, best match first
    ranked = wclient.get("/api/workflows", params={"q": "WF 6"}, headers=h).json()["items"]
    assert ranked and ranked[0]["name"] == "wf 6"
    assert names(q="zzzz-nothing-like-this") == set()
    assert names(active=True) == set()
    assert wclient.get("/api/workflows", params={"cursor": "bogus"}, headers=h).status_code == 422
    assert wclient.get("/api/workflows", params={"trigger": "nope"}, headers=h).status_code == 422


def test_import_reports_each_item_and_never_duplicates(wclient, ann) -> None:
    h = ann.headers
    good, other = manual_workflow("imported one"), manual_workflow("imported two")
    r = wclient.post("/api/workflows/import", json=[good, {"nodes": "not a list"}, other], headers=h)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["imported", "failed", "imported"]
    assert "nodes" in results[1]["error"] and results[1]["index"] == 1

    again = wclient.post("/api/workflows/import", json=good, headers=h).json()["results"][0]
    assert again == {"index": 0, "status": "unchanged", "id": results[0]["id"], "error": None,
                     "missing_credentials": []}

    files = [("file", ("export.json", json.dumps([bench_workflow(), good]), "application/json")),
             ("file", ("broken.json", b"{nope", "application/json"))]
    up = wclient.post("/api/workflows/import", files=files, headers=h).json()
    assert [x["status"] for x in up["results"]] == ["imported", "unchanged", "failed"]
    assert "broken.json" in up["results"][2]["error"]
    assert len(wclient.get("/api/workflows", headers=h).json()["items"]) == 3
    assert wclient.post("/api/workflows/import", content=b"{bad", headers={**h, "Content-Type": "application/json"}
                        ).status_code == 422


def test_clone_download_and_stats(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, webhook_workflow("original"))
    clone = wclient.post(f"/api/workflows/{wf_id}/clone", headers=h)
    assert clone.status_code == 201 and clone.json()["name"] == "hook original (copy)"
    # both can be active only if paths differ: the copy keeps the path, so activating both conflicts
    assert wclient.post(f"/api/workflows/{wf_id}/activate", headers=h).status_code == 200
    conflict = wclient.post(f"/api/workflows/{clone.json()['id']}/activate", headers=h)
    assert conflict.status_code == 409
    assert "POST /webhook/original" in error(conflict)["message"]
    assert error(conflict)["details"]["workflow_id"] == wf_id

    download = wclient.get(f"/api/workflows/{wf_id}/download", headers=h)
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert download.json()["nodes"][0]["type"] == "n8n-nodes-base.webhook" and download.json()["active"] is True

    run = wclient.post(f"/api/workflows/{wf_id}/run?wait=true", json={"items": [{"body": {"name": "x"}}]}, headers=h)
    assert run.status_code == 200
    stats = wclient.get(f"/api/workflows/{wf_id}/stats", headers=h).json()
    assert stats["total"] == 1 and stats["by_status"] == {"success": 1}
    assert stats["last_run"]["id"] == run.json()["run_id"] and stats["avg_duration_ms"] is not None


def test_deactivate_frees_the_path_for_another_workflow(wclient, ann, ben) -> None:
    a = create(wclient, ann.headers, webhook_workflow("shared-path"))
    b = create(wclient, ben.headers, webhook_workflow("shared-path"))
    assert wclient.post(f"/api/workflows/{a}/activate", headers=ann.headers).status_code == 200
    taken = wclient.post(f"/api/workflows/{b}/activate", headers=ben.headers)
    assert taken.status_code == 409 and "workflow_id" not in (error(taken)["details"] or {})  # no leak across tenants
    assert wclient.post(f"/api/workflows/{a}/deactivate", headers=ann.headers).json()["active"] is False
    assert wclient.post(f"/api/workflows/{b}/activate", headers=ben.headers).status_code == 200


ROUTES = [
    ("get", "/api/workflows/{id}"), ("patch", "/api/workflows/{id}"), ("delete", "/api/workflows/{id}"),
    ("get", "/api/workflows/{id}/versions"), ("post", "/api/workflows/{id}/clone"),
    ("post", "/api/workflows/{id}/activate"), ("post", "/api/workflows/{id}/deactivate"),
    ("get", "/api/workflows/{id}/download"), ("get", "/api/workflows/{id}/stats"),
    ("post", "/api/workflows/{id}/run"), ("post", "/api/workflows/{id}/versions/1/restore"),
    ("get", "/api/workflows/{id}/webhooks"),
]


def test_another_workspace_gets_404_and_no_token_gets_401(wclient, ann, ben) -> None:
    wf_id = create(wclient, ann.headers, manual_workflow())
    for method, route in ROUTES:
        url = route.format(id=wf_id)
        kwargs = {"json": {}} if method in ("patch", "post") else {}
        r = getattr(wclient, method)(url, headers=ben.headers, **kwargs)
        assert r.status_code == 404, (method, route, r.text)
        assert error(r)["code"] == "not_found"
        assert getattr(wclient, method)(url, **kwargs).status_code == 401, (method, route)
    assert wclient.get(f"/api/workflows/{wf_id}", headers=ann.headers).status_code == 200
    assert wclient.get("/api/runs", headers=ben.headers).json()["items"] == []


def test_api_key_without_the_scope_gets_403(wclient, ann) -> None:
    key = wclient.post("/api/api-keys", json={"name": "ro", "scopes": ["runs:read"]}, headers=ann.headers)
    assert key.status_code == 201, key.text
    h = {"Authorization": f"Bearer {key.json()['key']}"}
    r = wclient.post("/api/workflows", json=manual_workflow(), headers=h)
    assert r.status_code == 403 and error(r)["code"] == "forbidden"
    assert wclient.get("/api/workflows", headers=h).status_code == 403
    assert wclient.get("/api/runs", headers=h).status_code == 200


def test_malformed_bodies_and_ids_get_422_naming_the_problem(wclient, ann) -> None:
    h = ann.headers
    r = wclient.post("/api/workflows", json={"nodes": [{"type": "x"}]}, headers=h)
    assert r.status_code == 422 and "nodes[0]" in error(r)["message"]
    r = wclient.post("/api/workflows", json={"name": "x"}, headers=h)
    assert r.status_code == 422 and "nodes" in error(r)["message"]
    r = wclient.post("/api/workflows", json={"name": 5, "nodes": []}, headers=h)
    assert r.status_code == 422 and "name" in error(r)["message"]
    assert wclient.get("/api/workflows/not-a-uuid", headers=h).status_code == 422
    wf_id = create(wclient, h, manual_workflow())
    r = wclient.patch(f"/api/workflows/{wf_id}", json={"definition": {"nodes": 3}}, headers=h)
    assert r.status_code == 422 and "nodes" in error(r)["message"]
    r = wclient.post(f"/api/workflows/{wf_id}/run", json={"items": [1, 2]}, headers=h)
    assert r.status_code == 422 and "items" in error(r)["message"]
