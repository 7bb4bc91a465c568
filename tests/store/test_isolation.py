"""Workspace scoping: no repository lets one workspace read, change or delete another's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from automatelanka.store.errors import NotFound
from automatelanka.store.repositories import (
    api_keys,
    audit,
    billing,
    credentials,
    runs,
    usage,
    webhooks,
    workflows,
)
from automatelanka.store.repositories import users as user_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.types import utcnow


@pytest.fixture
def tenants(db):
    """(engine, workspace A with data, workspace B, a user) -- B tries to reach A's rows."""
    with db.engine.begin() as conn:
        user = user_repo.create_user(conn, email="Owner@Example.com")["id"]
        a = ws_repo.create_workspace(conn, slug="a", name="A", owner_id=user)["id"]
        b = ws_repo.create_workspace(conn, slug="b", name="B", owner_id=user)["id"]
    return db.engine, a, b, user


def _workflow(conn, ws):
    return workflows.create_workflow(conn, ws, name="wf", definition={"nodes": [{"name": "A"}]})["id"]


def test_memberships_and_invitations(tenants) -> None:
    engine, a, b, owner = tenants
    with engine.begin() as conn:
        member = user_repo.create_user(conn, email="m@example.com")["id"]
        ws_repo.add_member(conn, a, member)
        inv = ws_repo.create_invitation(
            conn, a, email="x@example.com", token_hash="h1", expires_at=utcnow() + timedelta(days=1)
        )["id"]
    with engine.begin() as conn:
        assert ws_repo.get_membership(conn, b, member) is None
        assert member not in {m["user_id"] for m in ws_repo.list_members(conn, b)}
        assert not ws_repo.set_role(conn, b, member, "admin")
        assert not ws_repo.remove_member(conn, b, member)
        assert ws_repo.get_invitation(conn, b, inv) is None
        assert ws_repo.list_invitations(conn, b) == []
        assert ws_repo.accept_invitation(conn, b, inv, owner) is None
        assert not ws_repo.delete_invitation(conn, b, inv)
    with engine.connect() as conn:
        assert ws_repo.get_membership(conn, a, member)["role"] == "member"
        assert ws_repo.get_invitation(conn, a, inv)["accepted_at"] is None


def test_workflows_and_versions(tenants) -> None:
    engine, a, b, _ = tenants
    with engine.begin() as conn:
        wf = _workflow(conn, a)
        digest = workflows.get_workflow(conn, a, wf)["content_hash"]
    with engine.begin() as conn:
        assert workflows.get_workflow(conn, b, wf) is None
        assert workflows.list_workflows(conn, b) == []
        assert workflows.find_by_content_hash(conn, b, digest) == []
        assert workflows.list_versions(conn, b, wf) == []
        assert workflows.get_version(conn, b, wf, 1) is None
        assert workflows.update_workflow(conn, b, wf, name="hacked", definition={"nodes": []}) is None
        assert not workflows.increment_usage(conn, b, wf)
        assert not workflows.delete_workflow(conn, b, wf)
    with engine.connect() as conn:
        row = workflows.get_workflow(conn, a, wf)
        assert (row["name"], row["usage_count"]) == ("wf", 0)
        assert len(workflows.list_versions(conn, a, wf)) == 1


def test_runs_and_node_data(tenants) -> None:
    engine, a, b, _ = tenants
    with engine.begin() as conn:
        wf = _workflow(conn, a)
        run = runs.create_run(conn, a, wf)["id"]
        runs.finish_run(conn, a, run, status="success")
        runs.record_node_data(conn, a, run, node_name="A", execution_index=0, outputs={"main": [[]]})
    with engine.begin() as conn:
        assert runs.get_run(conn, b, run) is None
        assert runs.list_runs(conn, b).items == []
        assert runs.list_node_data(conn, b, run) == []
        assert not runs.update_run(conn, b, run, status="failed")
        assert not runs.start_run(conn, b, run)
        assert not runs.finish_run(conn, b, run, status="cancelled")
        assert not runs.delete_run(conn, b, run)
        with pytest.raises(NotFound):
            runs.create_run(conn, b, wf)
        with pytest.raises(NotFound):
            runs.record_node_data(conn, b, run, node_name="B", execution_index=1)
    assert runs.prune_runs_older_than(engine, b, utcnow() + timedelta(days=1)) == 0
    assert runs.prune_runs_keep_latest(engine, b, 0) == 0
    assert runs.prune_node_data_older_than(engine, b, utcnow() + timedelta(days=1)) == 0
    with engine.connect() as conn:
        assert runs.get_run(conn, a, run)["status"] == "success"
        assert [n["node_name"] for n in runs.list_node_data(conn, a, run)] == ["A"]


def test_credentials(tenants) -> None:
    engine, a, b, _ = tenants
    with engine.begin() as conn:
        cred = credentials.create_credential(conn, a, type="httpBasicAuth", name="c", data=b"\x00secret")["id"]
    with engine.begin() as conn:
        assert credentials.get_credential(conn, b, cred) is None
        assert credentials.list_credentials(conn, b) == []
        assert not credentials.update_credential(conn, b, cred, data=b"other")
        assert not credentials.touch_credential(conn, b, cred)
        assert not credentials.delete_credential(conn, b, cred)
    with engine.connect() as conn:
        row = credentials.get_credential(conn, a, cred)
        assert (row["data"], row["last_used_at"]) == (b"\x00secret", None)


def test_api_keys(tenants) -> None:
    engine, a, b, _ = tenants
    with engine.begin() as conn:
        key = api_keys.create_api_key(conn, a, key_hash="k1", prefix="al_ab12")["id"]
    with engine.begin() as conn:
        assert api_keys.get_api_key(conn, b, key) is None
        assert api_keys.list_api_keys(conn, b) == []
        assert not api_keys.touch_api_key(conn, b, key)
        assert not api_keys.revoke_api_key(conn, b, key)
        assert not api_keys.delete_api_key(conn, b, key)
    with engine.connect() as conn:
        assert api_keys.get_api_key(conn, a, key)["revoked_at"] is None
        assert api_keys.resolve_api_key(conn, "k1")["workspace_id"] == a


def test_usage(tenants) -> None:
    engine, a, b, _ = tenants
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=31)
    with engine.begin() as conn:
        usage.record_usage(conn, a, period_start=start, period_end=end, runs=3)
        usage.record_usage(conn, b, period_start=start, period_end=end, runs=1)
    with engine.connect() as conn:
        assert usage.get_usage(conn, a, start)["runs"] == 3
        assert usage.get_usage(conn, b, start)["runs"] == 1
        assert [u["runs"] for u in usage.list_usage(conn, b)] == [1]


def test_subscriptions(tenants) -> None:
    engine, a, b, _ = tenants
    now = utcnow()
    with engine.begin() as conn:
        plan = billing.create_plan(conn, code="test-plan", name="Test plan", limits={"runs": 10000})["id"]
        sub = billing.create_subscription(conn, a, plan_id=plan, period_start=now, period_end=now + timedelta(days=30))
    with engine.begin() as conn:
        assert billing.get_subscription(conn, b, sub["id"]) is None
        assert billing.current_subscription(conn, b) is None
        assert not billing.update_subscription(conn, b, sub["id"], status="cancelled")
    with engine.connect() as conn:
        current = billing.current_subscription(conn, a)
        assert (current["plan_code"], current["status"], current["plan_limits"]) == ("test-plan", "active", {"runs": 10000})


def test_webhooks(tenants) -> None:
    engine, a, b, _ = tenants
    with engine.begin() as conn:
        wf = _workflow(conn, a)
        hook = webhooks.register_webhook(conn, a, wf, node_name="Webhook", method="post", path="/orders/")["id"]
    with engine.begin() as conn:
        assert webhooks.get_webhook(conn, b, hook) is None
        assert webhooks.list_webhooks(conn, b) == []
        assert not webhooks.delete_webhook(conn, b, hook)
        assert webhooks.delete_workflow_webhooks(conn, b, wf) == 0
        with pytest.raises(NotFound):
            webhooks.register_webhook(conn, b, wf, node_name="W", method="GET", path="x")
    with engine.connect() as conn:
        assert webhooks.resolve_webhook(conn, "POST", "orders")["workspace_id"] == a


def test_audit_log(tenants) -> None:
    engine, a, b, user = tenants
    with engine.begin() as conn:
        audit.record(conn, a, "workflow.created", actor_id=user, target_type="workflow", target_id="1")
    with engine.begin() as conn:
        assert audit.list_entries(conn, b).items == []
        assert audit.delete_entries_older_than(conn, b, utcnow() + timedelta(days=1)) == 0
    with engine.connect() as conn:
        assert [e["action"] for e in audit.list_entries(conn, a).items] == ["workflow.created"]
