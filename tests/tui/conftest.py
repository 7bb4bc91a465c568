"""``al dash`` tests: the real daemon of the CLI tests, and a fixed fake API for snapshots."""

from __future__ import annotations

from typing import Any

from cli.conftest import daemon  # noqa: F401  (the module-scoped daemon fixture)

WORKSPACES = [{"id": "11111111-1111-1111-1111-111111111111", "slug": "acme", "name": "Acme", "role": "owner"},
              {"id": "22222222-2222-2222-2222-222222222222", "slug": "lab", "name": "Lab", "role": "member"}]
WORKFLOWS = [
    {"id": "aaaaaaaa-0000-0000-0000-000000000001", "name": "Daily sales report", "active": True,
     "trigger_type": "schedule", "nodes_count": 5, "integrations": ["googleSheets", "slack"]},
    {"id": "aaaaaaaa-0000-0000-0000-000000000002", "name": "Inbound leads", "active": False,
     "trigger_type": "webhook", "nodes_count": 3, "integrations": ["hubspot"]},
    {"id": "aaaaaaaa-0000-0000-0000-000000000003", "name": "Double it", "active": False,
     "trigger_type": "manual", "nodes_count": 2, "integrations": []},
]
RUN = {
    "id": "bbbbbbbb-0000-0000-0000-000000000001", "workflow_id": WORKFLOWS[0]["id"], "status": "failed",
    "trigger_type": "schedule", "created_at": "2026-01-02T09:00:00+00:00", "started_at": "2026-01-02T09:00:00+00:00",
    "duration_ms": 412, "error": {"message": "Slack said: channel_not_found"},
    "nodes": [
        {"node_name": "Every morning", "run_index": 0, "status": "success", "duration_ms": 1,
         "outputs": {"main": [[{"json": {"timestamp": "2026-01-02T09:00:00Z"}}]]}, "error": None},
        {"node_name": "Read sheet", "run_index": 0, "status": "success", "duration_ms": 230,
         "outputs": {"main": [[{"json": {"region": "north", "sales": 1200}}, {"json": {"region": "south",
                                                                                     "sales": 950}}]]},
         "error": None},
        {"node_name": "Post to Slack", "run_index": 0, "status": "error", "duration_ms": 180, "outputs": None,
         "error": {"message": "channel_not_found"}},
    ],
}
RUNS = [
    {k: v for k, v in RUN.items() if k != "nodes"},
    {"id": "bbbbbbbb-0000-0000-0000-000000000002", "workflow_id": WORKFLOWS[2]["id"], "status": "success",
     "trigger_type": "manual", "created_at": "2026-01-02T08:59:00+00:00", "started_at": "2026-01-02T08:59:00+00:00",
     "duration_ms": 12},
]


class FakeApi:
    """The subset of ``cli.client.Client`` the dashboard uses, answering with fixed data."""

    base_url = "http://fake"

    def __init__(self) -> None:
        self.workspace: str | None = "acme"
        self.calls: list[tuple[str, str]] = []

    def get(self, path: str, **kwargs: Any) -> Any:
        self.calls.append(("GET", path))
        if path == "/api/auth/me":
            return {"user": {"email": "olive@example.com"}, "workspaces": WORKSPACES}
        if path == "/api/workspaces":
            return {"items": WORKSPACES}
        if path == "/api/workflows":
            q = (kwargs.get("params") or {}).get("q", "").lower()
            return {"items": [w for w in WORKFLOWS if q in w["name"].lower()], "next_cursor": None}
        if path == "/api/ai-search/semantic":  # search as you type: the last word is a prefix
            typed = (kwargs.get("params") or {}).get("q", "").lower().split()
            return {"results": [w for w in WORKFLOWS if typed and all(
                any(word.startswith(t) for word in w["name"].lower().split()) for t in typed)]}
        if path == "/api/runs":
            return {"items": RUNS, "next_cursor": None}
        if path.startswith("/api/runs/"):
            return RUN
        raise AssertionError(path)

    def post(self, path: str, **kwargs: Any) -> Any:
        self.calls.append(("POST", path))
        raise AssertionError(path)

    def events(self, path: str, **kwargs: Any) -> Any:
        return iter(())
