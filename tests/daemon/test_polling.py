# ruff: noqa: F811  (fixtures imported from ._execution)
"""Polling triggers run by the daemon, and workflow static data kept across runs (n8n §1.7).

An RSS Feed Trigger workflow polls a local feed server: the first poll only stores the cursor,
a new item makes exactly one run with that item, the cursor survives polls and restarts, two
schedulers poll once per tick, a failing poll is a failed run, deactivation stops polling. A
webhook workflow's Code node counts its runs in ``$getWorkflowStaticData('global')``.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select, update

from automatelanka.services import execution, polling, schedules
from automatelanka.services import static_data as statics
from automatelanka.services import workflows as wf_service
from automatelanka.store.db import create_engine_for
from automatelanka.store.repositories import static_data as static_repo
from automatelanka.store.schema import runs as runs_table
from automatelanka.store.schema import workflow_versions
from automatelanka.store.schema_runtime import schedules as schedules_table
from automatelanka.store.types import utcnow

from ._execution import ann, create, create_active, wait_run, wclient  # noqa: F401

RSS = "n8n-nodes-base.rssFeedReadTrigger"


class Feed:
    """A local RSS feed whose items the test changes; counts the requests it served."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []  # (guid, RFC 822 date), newest first
        self.status = 200
        self.hits = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                feed.hits += 1
                body = feed.xml().encode()
                self.send_response(feed.status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed"

    def xml(self) -> str:
        if self.status != 200:
            return "down"
        entries = "".join(f"<item><title>Post {guid}</title><link>https://blog.example/{guid}</link>"
                          f"<guid>{guid}</guid><pubDate>{date}</pubDate></item>" for guid, date in self.items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
                f"<link>https://blog.example</link>{entries}</channel></rss>")

    def publish(self, guid: str, date: str) -> None:
        self.items.insert(0, (guid, date))


@pytest.fixture
def feed():
    served = Feed()
    served.publish("old-1", "Mon, 04 Mar 2024 09:00:00 GMT")
    served.publish("old-2", "Tue, 05 Mar 2024 10:00:00 GMT")
    yield served
    served.server.shutdown()
    served.server.server_close()


def rss_workflow(url: str, poll_times: Any = None) -> dict[str, Any]:
    """RSS Feed Trigger -> Set (``title`` copied), polled every minute unless ``poll_times``."""
    params: dict[str, Any] = {"feedUrl": url}
    if poll_times is not None:
        params["pollTimes"] = poll_times
    return {
        "name": "rss", "settings": {"executionOrder": "v1"},
        "nodes": [
            {"id": "t", "name": "Feed", "type": RSS, "typeVersion": 1, "position": [0, 0], "parameters": params},
            {"id": "s", "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
             "parameters": {"assignments": {"assignments": [
                 {"id": "a", "name": "title", "value": "={{ $json.title }}", "type": "string"}]},
                 "includeOtherFields": False, "options": {}}},
        ],
        "connections": {"Feed": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
    }


def _active_workflow(db, definition: dict[str, Any]) -> tuple[uuid.UUID, uuid.UUID]:
    from automatelanka.store.repositories import workspaces as ws_repo

    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug=f"ws-{uuid.uuid4().hex[:6]}", name="W")["id"]
        wf = wf_service.create(conn, ws, definition)
        wf_service.activate(conn, ws, wf["id"])
    return ws, wf["id"]


def _make_due(engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(schedules_table).values(next_fire_at=utcnow() - timedelta(seconds=1)))


def _runtime(engine, settings) -> execution.Runtime:
    return execution.Runtime(engine=engine, settings=settings)


def _tick(runtime: execution.Runtime, queued: list) -> int:
    """One scheduler pass that polls in this thread."""
    return schedules.fire_due(runtime.engine, queued.append,
                              poll=lambda schedule, at: polling.poll_once(runtime, schedule, queued.append))


def _static(engine, ws, wf_id) -> dict[str, Any]:
    with engine.connect() as conn:
        return static_repo.get_static_data(conn, ws, wf_id)


def _runs(engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(runs_table).order_by(runs_table.c.created_at)).mappings()]


# --- poll times --------------------------------------------------------------------------------


def test_poll_times_become_cron_rows_and_too_short_is_refused() -> None:
    rows = polling.poll_rules(rss_workflow("http://x/feed"))
    assert rows == [("Feed", 0, "0 * * * * *", RSS)]  # n8n's default: every minute
    custom = {"item": [{"mode": "everyHour", "minute": 5}, {"mode": "everyX", "value": 10, "unit": "minutes"},
                       {"mode": "custom", "cronExpression": "0 30 6 * * 1"}]}
    assert [r[2] for r in polling.poll_rules(rss_workflow("http://x", custom))] == [
        "0 5 * * * *", "0 */10 * * * *", "0 30 6 * * 1"]
    assert polling.poll_rules(rss_workflow("http://x", {"item": []})) == []
    disabled = rss_workflow("http://x")
    disabled["nodes"][0]["disabled"] = True
    assert polling.poll_rules(disabled) == []
    with pytest.raises(ValueError, match='node "Feed": The polling interval is too short'):
        polling.poll_rules(rss_workflow("http://x", {"item": [{"mode": "custom", "cronExpression": "*/5 * * * * *"}]}))


def test_activation_with_a_bad_poll_time_is_a_422(wclient, ann) -> None:
    bad = rss_workflow("http://127.0.0.1:9/feed", {"item": [{"mode": "custom", "cronExpression": "* * * * * *"}]})
    wf_id = create(wclient, ann.headers, bad)
    r = wclient.post(f"/api/workflows/{wf_id}/activate", headers=ann.headers)
    assert r.status_code == 422 and "polling interval is too short" in r.json()["error"]["message"]


# --- polling through the scheduler ---------------------------------------------------------------


def test_rss_trigger_first_poll_keeps_the_cursor_and_a_new_item_runs_once(db, daemon_settings, feed) -> None:
    ws, wf_id = _active_workflow(db, rss_workflow(feed.url))
    runtime, queued = _runtime(db.engine, daemon_settings), []
    assert _tick(runtime, queued) == 1  # the first poll is due at activation, as n8n polls then
    assert feed.hits == 1 and queued == [] and _runs(db.engine) == []  # old items are not news
    assert _static(db.engine, ws, wf_id) == {"node:Feed": {"lastItemDate": "2024-03-05T10:00:00.000Z"}}
    assert _tick(runtime, queued) == 0 and feed.hits == 1  # next tick is a minute away

    feed.publish("new-1", "Wed, 06 Mar 2024 08:00:00 GMT")
    _make_due(db.engine)
    assert _tick(runtime, queued) == 1
    assert len(queued) == 1
    run = queued[0]
    assert run["trigger_type"] == "schedule" and run["input"]["start_node"] == "Feed"
    assert [i["json"]["guid"] for i in run["input"]["items"]] == ["new-1"]
    assert execution.execute_queued(runtime, ws, run["id"]) == "executed"
    stored = _runs(db.engine)
    assert [r["status"] for r in stored] == ["success"]
    assert stored[0]["output"]["data"] == [[{"title": "Post new-1"}]]
    assert _static(db.engine, ws, wf_id)["node:Feed"]["lastItemDate"] == "2024-03-06T08:00:00.000Z"

    _make_due(db.engine)
    assert _tick(runtime, queued) == 1 and len(queued) == 1  # polled again: nothing new, no run
    with db.engine.connect() as conn:  # runtime state is no edit: still one version
        versions = conn.execute(select(workflow_versions.c.version).where(
            workflow_versions.c.workflow_id == wf_id)).all()
    assert len(versions) == 1


def test_the_cursor_survives_a_restart(db, daemon_settings, feed) -> None:
    ws, wf_id = _active_workflow(db, rss_workflow(feed.url))
    queued: list = []
    _tick(_runtime(db.engine, daemon_settings), queued)
    restarted = create_engine_for(db.url)  # a new daemon process on the same database
    try:
        runtime = _runtime(restarted, daemon_settings)
        assert _static(restarted, ws, wf_id) == {"node:Feed": {"lastItemDate": "2024-03-05T10:00:00.000Z"}}
        _make_due(restarted)
        assert _tick(runtime, queued) == 1 and queued == []  # the stored cursor: old items stay old
        feed.publish("new-2", "Thu, 07 Mar 2024 08:00:00 GMT")
        _make_due(restarted)
        _tick(runtime, queued)
        assert [[i["json"]["guid"] for i in r["input"]["items"]] for r in queued] == [["new-2"]]
    finally:
        restarted.dispose()


def test_two_schedulers_poll_once_per_tick(db, daemon_settings, feed) -> None:
    _active_workflow(db, rss_workflow(feed.url))
    engines = [create_engine_for(db.url), create_engine_for(db.url)]
    queued: list = []
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def scheduler(engine) -> None:
        barrier.wait()
        counts.append(_tick(_runtime(engine, daemon_settings), queued))

    try:
        for _ in range(2):  # the first poll, then a tick with a new item
            threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            feed.publish("fresh", "Fri, 08 Mar 2024 08:00:00 GMT")
            _make_due(db.engine)
    finally:
        for e in engines:
            e.dispose()
    assert sorted(counts) == [0, 0, 1, 1] and feed.hits == 2
    assert [[i["json"]["guid"] for i in r["input"]["items"]] for r in queued] == [["fresh"]]


def test_a_failing_poll_is_a_failed_run_and_polling_goes_on(db, daemon_settings, feed) -> None:
    ws, wf_id = _active_workflow(db, rss_workflow(feed.url))
    runtime, queued = _runtime(db.engine, daemon_settings), []
    _tick(runtime, queued)
    feed.status = 500
    _make_due(db.engine)
    assert _tick(runtime, queued) == 1
    failed = _runs(db.engine)
    assert [r["status"] for r in failed] == ["failed"] and failed[0]["trigger_type"] == "schedule"
    assert failed[0]["error"]["node"]["name"] == "Feed" and failed[0]["error"]["message"]
    assert _static(db.engine, ws, wf_id)["node:Feed"]["lastItemDate"] == "2024-03-05T10:00:00.000Z"
    feed.status = 200
    feed.publish("back", "Sat, 09 Mar 2024 08:00:00 GMT")
    _make_due(db.engine)
    assert _tick(runtime, queued) == 1
    assert [[i["json"]["guid"] for i in r["input"]["items"]] for r in queued] == [["back"]]


def test_deactivation_stops_polling(db, daemon_settings, feed) -> None:
    ws, wf_id = _active_workflow(db, rss_workflow(feed.url))
    runtime, queued = _runtime(db.engine, daemon_settings), []
    _tick(runtime, queued)
    with db.engine.begin() as conn:
        wf_service.deactivate(conn, ws, wf_id)
        assert conn.execute(select(schedules_table)).first() is None
    feed.publish("late", "Sun, 10 Mar 2024 08:00:00 GMT")
    _make_due(db.engine)
    assert _tick(runtime, queued) == 0 and feed.hits == 1 and queued == []


def test_the_daemon_polls_and_runs_the_new_item(wclient, ann, feed) -> None:
    """End to end: the worker's scheduler polls on its own thread pool and the run executes."""
    h = ann.headers
    wf_id = create_active(wclient, h, rss_workflow(feed.url))
    deadline = time.monotonic() + 10
    while "node:Feed" not in (wclient.get(f"/api/workflows/{wf_id}/download", headers=h).json()
                              .get("staticData") or {}):
        assert time.monotonic() < deadline, "the first poll did not happen"
        time.sleep(0.05)
    feed.publish("live", "Mon, 11 Mar 2024 08:00:00 GMT")
    _make_due(wclient.app.state.db)
    while not (items := wclient.get("/api/runs", headers=h).json()["items"]):
        assert time.monotonic() < deadline + 10, "no run after the new item"
        time.sleep(0.05)
    run = wait_run(wclient, h, items[0]["id"])
    assert run["status"] == "success" and len(items) == 1
    assert run["output"]["data"] == [[{"title": "Post live"}]]


# --- static data --------------------------------------------------------------------------------


def counter_workflow(path: str) -> dict[str, Any]:
    """Webhook (answers with the last node) -> Code counting runs in the global static data."""
    code = "const s = $getWorkflowStaticData('global');\ns.count = (s.count || 0) + 1;\nreturn [{json: {count: s.count}}];"
    return {
        "name": "counter", "settings": {"executionOrder": "v1"},
        "nodes": [
            {"id": "w", "name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
             "webhookId": str(uuid.uuid4()),
             "parameters": {"httpMethod": "POST", "path": path, "responseMode": "lastNode", "options": {}}},
            {"id": "c", "name": "Count", "type": "n8n-nodes-base.code", "typeVersion": 2, "position": [200, 0],
             "parameters": {"jsCode": code}},
        ],
        "connections": {"Webhook": {"main": [[{"node": "Count", "type": "main", "index": 0}]]}},
    }


def test_code_node_static_data_counts_across_webhook_runs(wclient, ann) -> None:
    h = ann.headers
    path = f"count-{uuid.uuid4().hex[:8]}"
    wf_id = create_active(wclient, h, counter_workflow(path))
    counts = [wclient.post(f"/webhook/{path}", json={}).json()["count"] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert wclient.get(f"/api/workflows/{wf_id}/download", headers=h).json()["staticData"] == {"count": 3}
    assert len(wclient.get(f"/api/workflows/{wf_id}/versions", headers=h).json()["items"]) == 1


def test_saving_static_data_keeps_a_concurrent_edit(db) -> None:
    """A run that started before an edit saves only ``staticData``: the edit stays."""
    from automatelanka.store.repositories import workspaces as ws_repo

    definition = counter_workflow("edit")
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="edit", name="E")["id"]
        wf_id = wf_service.create(conn, ws, definition)["id"]
        static_repo.set_static_data(conn, ws, wf_id, {"node:Feed": {"lastItemDate": "x"}, "count": 1})
    loaded = statics.load(db.engine, ws, wf_id, definition)
    assert loaded is not None and loaded.data == {"node:Feed": {"lastItemDate": "x"}, "count": 1}
    loaded.data["count"] = 2
    loaded.data["__dataChanged"] = True
    with db.engine.begin() as conn:  # meanwhile: a user renames a node, a poll moves the cursor
        edited = {**definition, "nodes": [{**definition["nodes"][0], "name": "Hook"}, definition["nodes"][1]]}
        wf_service.update(conn, ws, wf_id, definition=edited)
        static_repo.merge_static_data(conn, ws, wf_id, {"node:Feed": {"lastItemDate": "y"}})
    with db.engine.begin() as conn:
        assert statics.save(conn, ws, wf_id, loaded) is True
    with db.engine.connect() as conn:
        row = wf_service.get(conn, ws, wf_id)
    assert row["definition"]["nodes"][0]["name"] == "Hook"
    assert row["definition"]["staticData"] == {"node:Feed": {"lastItemDate": "y"}, "count": 2}
    with db.engine.begin() as conn:  # an edit without staticData keeps it (a cursor is no setting)
        wf_service.update(conn, ws, wf_id, definition=definition)
        assert wf_service.get(conn, ws, wf_id)["definition"]["staticData"]["count"] == 2
