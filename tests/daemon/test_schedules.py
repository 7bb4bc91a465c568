# ruff: noqa: F811  (fixtures imported from ._execution)
"""Schedules: rules to cron, next tick in the workflow's zone, one fire per tick across two
schedulers on one database, no replay burst after downtime, activation registers them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from automatelanka.services import schedules
from automatelanka.store.db import create_engine_for
from automatelanka.store.schema import runs as runs_table
from automatelanka.store.schema_runtime import schedules as schedules_table
from automatelanka.store.types import utcnow

from ._execution import ann, create, wait_run, wclient  # noqa: F401


@pytest.mark.parametrize(("rule", "cron"), [
    ({"field": "seconds", "secondsInterval": 10}, "*/10 * * * * *"),
    ({"field": "minutes", "minutesInterval": 15}, "0 */15 * * * *"),
    ({"field": "hours", "hoursInterval": 2, "triggerAtMinute": 30}, "0 30 */2 * * *"),
    ({"field": "days", "triggerAtHour": 9}, "0 0 9 */1 * *"),
    ({"field": "weeks", "triggerAtDay": [1, 5], "triggerAtHour": 8, "triggerAtMinute": 15}, "0 15 8 * * 1,5"),
    ({"field": "months", "triggerAtDayOfMonth": 15, "triggerAtHour": 6}, "0 0 6 15 */1 *"),
    ({"field": "cronExpression", "expression": "5 4 * * *"}, "0 5 4 * * *"),
    ({"field": "cronExpression", "expression": "*/5 * * * * *"}, "*/5 * * * * *"),
])
def test_schedule_rules_become_cron(rule, cron) -> None:
    assert schedules.schedule_rule_cron(rule) == cron


def test_cron_node_items_and_bad_expressions() -> None:
    assert schedules.cron_item_cron({"mode": "everyDay", "hour": 7, "minute": 5}) == "0 5 7 * * *"
    assert schedules.cron_item_cron({"mode": "everyX", "value": 10, "unit": "minutes"}) == "0 */10 * * * *"
    assert schedules.cron_item_cron({"mode": "everyWeek", "hour": 1, "minute": 0, "weekday": "3"}) == "0 0 1 * * 3"
    with pytest.raises(ValueError, match="cron"):
        schedules.normalize_cron("61 * * * *")
    with pytest.raises(ValueError, match="fields"):
        schedules.normalize_cron("* *")


def test_next_tick_is_computed_in_the_workflow_zone() -> None:
    after = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    # 09:00 in Colombo (UTC+05:30) is 03:30 UTC
    assert schedules.next_fire("0 0 9 * * *", "Asia/Colombo", after) == datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
    definition = {"settings": {"timezone": "Asia/Colombo"}}
    assert schedules.workflow_timezone(definition, "UTC") == "Asia/Colombo"
    assert schedules.workflow_timezone({"settings": {"timezone": "DEFAULT"}}, "Europe/Paris") == "Europe/Paris"
    assert schedules.workflow_timezone({"settings": {"timezone": "Mars/Base"}}, "UTC") == "UTC"


def scheduled(interval: dict) -> dict:
    return {"name": "tick", "settings": {"executionOrder": "v1", "timezone": "Asia/Colombo"},
            "nodes": [{"id": "s", "name": "Every", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2,
                       "position": [0, 0], "parameters": {"rule": {"interval": [interval]}}}],
            "connections": {}}


def test_activation_registers_and_a_due_tick_runs_with_the_fire_item(wclient, ann) -> None:
    h = ann.headers
    wf_id = create(wclient, h, scheduled({"field": "hours", "hoursInterval": 1}))
    r = wclient.post(f"/api/workflows/{wf_id}/activate", headers=h)
    assert r.json()["schedules"] == [{"node": "Every", "rule_index": 0, "cron": "0 0 */1 * * *"}]
    engine = wclient.app.state.db
    with engine.begin() as conn:  # make the tick due now
        conn.execute(update(schedules_table).values(next_fire_at=utcnow() - timedelta(seconds=1)))
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while not (items := wclient.get("/api/runs", headers=h).json()["items"]) and datetime.now(UTC) < deadline:
        threading.Event().wait(0.05)
    assert len(items) == 1 and items[0]["trigger_type"] == "schedule"
    run = wait_run(wclient, h, items[0]["id"])
    fired = run["nodes"][0]["outputs"]["main"][0][0]["json"]
    assert run["status"] == "success" and fired["Timezone"].startswith("Asia/Colombo (UTC+05:30)")
    with engine.connect() as conn:
        assert conn.execute(select(schedules_table.c.next_fire_at)).scalar() > utcnow()
    wclient.post(f"/api/workflows/{wf_id}/deactivate", headers=h)
    with engine.connect() as conn:
        assert conn.execute(select(schedules_table)).first() is None


def _one_schedule(db, *, due_at):
    from automatelanka.store.repositories import workflows as wf_repo
    from automatelanka.store.repositories import workspaces as ws_repo

    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="sched", name="S")["id"]
        wf = wf_repo.create_workflow(conn, ws, name="w", definition=scheduled({"field": "minutes"}))
        schedules.register(conn, wf, default_timezone="UTC")
        conn.execute(update(schedules_table).values(next_fire_at=due_at))
    return ws


def test_two_schedulers_on_one_database_fire_a_tick_once(db) -> None:
    _one_schedule(db, due_at=utcnow() - timedelta(seconds=2))
    engines = [create_engine_for(db.url), create_engine_for(db.url)]
    enqueued: list = []
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def scheduler(engine):
        barrier.wait()
        counts.append(schedules.fire_due(engine, enqueued.append))

    threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert sorted(counts) == [0, 1] and len(enqueued) == 1
    with db.engine.connect() as conn:
        assert len(conn.execute(select(runs_table.c.id)).all()) == 1
    assert schedules.fire_due(db.engine, enqueued.append) == 0  # the next tick is in the future


def test_missed_ticks_are_skipped_unless_catch_up(db) -> None:
    _one_schedule(db, due_at=utcnow() - timedelta(hours=3))
    fired: list = []
    assert schedules.fire_due(db.engine, fired.append) == 0 and fired == []
    with db.engine.connect() as conn:
        assert conn.execute(select(schedules_table.c.next_fire_at)).scalar() > utcnow()
        assert conn.execute(select(runs_table.c.id)).first() is None
    with db.engine.begin() as conn:
        conn.execute(update(schedules_table).values(next_fire_at=utcnow() - timedelta(minutes=12)))
    assert schedules.fire_due(db.engine, fired.append, catch_up=True) == 1  # one missed tick per pass, oldest first
    assert schedules.fire_due(db.engine, fired.append, catch_up=True) == 1
