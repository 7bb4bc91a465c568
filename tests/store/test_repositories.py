"""Behaviour of the repositories that later features build on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from automatelanka.store.errors import Conflict
from automatelanka.store.repositories import api_keys, tokens, usage, webhooks, workflows
from automatelanka.store.repositories import users as user_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.types import utcnow


def test_users_are_unique_by_email_ignoring_case(db) -> None:
    with db.engine.begin() as conn:
        user_repo.create_user(conn, email="Ana@Example.com", name="Ana")
    with db.engine.connect() as conn:
        assert user_repo.get_user_by_email(conn, " ana@example.COM ")["name"] == "Ana"
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        user_repo.create_user(conn, email="ANA@example.com")


def test_workspace_slugs_are_unique_and_owners_are_members(db) -> None:
    with db.engine.begin() as conn:
        owner = user_repo.create_user(conn, email="o@example.com")["id"]
        ws = ws_repo.create_workspace(conn, slug="acme", name="Acme", owner_id=owner)["id"]
        assert [(w["slug"], w["role"]) for w in ws_repo.list_workspaces_for_user(conn, owner)] == [("acme", "owner")]
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        ws_repo.create_workspace(conn, slug="acme", name="Other")
    with db.engine.connect() as conn:
        assert ws_repo.get_workspace_by_slug(conn, "acme")["id"] == ws


def test_an_invitation_is_accepted_once_and_adds_the_member(db) -> None:
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="i", name="I")["id"]
        joiner = user_repo.create_user(conn, email="j@example.com")["id"]
        ws_repo.create_invitation(conn, ws, email="J@example.com", role="admin", token_hash="tok",
                                  expires_at=utcnow() + timedelta(hours=1))
        ws_repo.create_invitation(conn, ws, email="late@example.com", token_hash="old",
                                  expires_at=utcnow() - timedelta(hours=1))
    with db.engine.begin() as conn:
        assert ws_repo.find_invitation_by_token(conn, "old") is None
        inv = ws_repo.find_invitation_by_token(conn, "tok")
        assert ws_repo.accept_invitation(conn, inv["workspace_id"], inv["id"], joiner)["role"] == "admin"
        assert ws_repo.accept_invitation(conn, ws, inv["id"], joiner) is None
        assert ws_repo.find_invitation_by_token(conn, "tok") is None
        assert ws_repo.get_membership(conn, ws, joiner)["accepted_at"] is not None


def test_changing_a_definition_saves_a_new_version(db) -> None:
    v1 = {"nodes": [{"name": "A"}], "connections": {}}
    v2 = {"nodes": [{"name": "A"}, {"name": "B"}], "connections": {}}
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="v", name="V")["id"]
        wf = workflows.create_workflow(conn, ws, name="w", definition=v1, tags=["x"])["id"]
        workflows.update_workflow(conn, ws, wf, description="renamed only")
        workflows.update_workflow(conn, ws, wf, definition=dict(reversed(list(v1.items()))))  # same content
        updated = workflows.update_workflow(conn, ws, wf, definition=v2, message="add B")
    assert updated["nodes_count"] == 2
    with db.engine.connect() as conn:
        assert [(v["version"], v["message"]) for v in workflows.list_versions(conn, ws, wf)] == [
            (2, "add B"), (1, "created")]
        assert workflows.get_version(conn, ws, wf, 1)["definition"] == v1
        assert [w["id"] for w in workflows.find_by_content_hash(conn, ws, workflows.content_hash(v2))] == [wf]
    with pytest.raises(ValueError, match="cannot update: content_hash"), db.engine.begin() as conn:
        workflows.update_workflow(conn, ws, wf, content_hash="forged")


def test_usage_counters_accumulate_per_period(db) -> None:
    start = utcnow().replace(microsecond=0)
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="u", name="U")["id"]
        for _ in range(3):
            usage.record_usage(conn, ws, period_start=start, period_end=start + timedelta(days=30),
                               runs=1, node_executions=4)
        usage.record_usage(conn, ws, period_start=start, period_end=start + timedelta(days=30), api_calls=2)
    with db.engine.connect() as conn:
        row = usage.get_usage(conn, ws, start)
    assert (row["runs"], row["node_executions"], row["api_calls"]) == (3, 12, 2)


def test_a_webhook_path_can_be_registered_only_once(db) -> None:
    with db.engine.begin() as conn:
        a = ws_repo.create_workspace(conn, slug="wa", name="A")["id"]
        b = ws_repo.create_workspace(conn, slug="wb", name="B")["id"]
        wf_a = workflows.create_workflow(conn, a, name="w", definition={"nodes": []})["id"]
        wf_b = workflows.create_workflow(conn, b, name="w", definition={"nodes": []})["id"]
        webhooks.register_webhook(conn, a, wf_a, node_name="Hook", method="POST", path="orders")
        with pytest.raises(Conflict):
            webhooks.register_webhook(conn, b, wf_b, node_name="Hook", method="post", path="/orders")
        webhooks.register_webhook(conn, b, wf_b, node_name="Hook", method="GET", path="orders")
    with db.engine.connect() as conn:
        assert webhooks.resolve_webhook(conn, "post", "/orders")["workflow_id"] == wf_a
        assert webhooks.resolve_webhook(conn, "GET", "orders")["workflow_id"] == wf_b


def test_revoked_or_expired_api_keys_do_not_resolve(db) -> None:
    with db.engine.begin() as conn:
        ws = ws_repo.create_workspace(conn, slug="k", name="K")["id"]
        live = api_keys.create_api_key(conn, ws, key_hash="live", prefix="al_1", scopes=["runs:read"])["id"]
        gone = api_keys.create_api_key(conn, ws, key_hash="gone", prefix="al_2")["id"]
        api_keys.create_api_key(conn, ws, key_hash="old", prefix="al_3", expires_at=utcnow() - timedelta(seconds=1))
        api_keys.revoke_api_key(conn, ws, gone)
    with db.engine.connect() as conn:
        assert api_keys.resolve_api_key(conn, "live")["id"] == live
        assert api_keys.resolve_api_key(conn, "gone") is None
        assert api_keys.resolve_api_key(conn, "old") is None
        assert all("key_hash" not in k for k in api_keys.list_api_keys(conn, ws))


def test_email_tokens_work_once_and_only_for_their_purpose(db) -> None:
    with db.engine.begin() as conn:
        user = user_repo.create_user(conn, email="t@example.com")["id"]
        tokens.create_email_token(conn, user, token_hash="r", purpose="reset", expires_at=utcnow() + timedelta(hours=1))
        tokens.create_email_token(conn, user, token_hash="x", purpose="verify", expires_at=utcnow() - timedelta(hours=1))
    with db.engine.begin() as conn:
        assert tokens.consume_email_token(conn, "r", purpose="verify") is None
        assert tokens.consume_email_token(conn, "r", purpose="reset") == user
        assert tokens.consume_email_token(conn, "r", purpose="reset") is None
        assert tokens.consume_email_token(conn, "x", purpose="verify") is None
        assert tokens.delete_expired_tokens(conn) == 2


def test_refresh_token_rotation_and_family_revocation(db) -> None:
    with db.engine.begin() as conn:
        user = user_repo.create_user(conn, email="r@example.com")["id"]
        first = tokens.create_refresh_token(conn, user, token_hash="t1", expires_at=utcnow() + timedelta(days=1))
        assert tokens.revoke_refresh_token(conn, first["id"])
        assert not tokens.revoke_refresh_token(conn, first["id"])  # a second rotation loses
        tokens.create_refresh_token(conn, user, token_hash="t2", family=first["family"],
                                    expires_at=utcnow() + timedelta(days=1))
        assert tokens.revoke_family(conn, first["family"]) == 2
    with db.engine.connect() as conn:
        assert tokens.find_refresh_token(conn, "t2")["revoked"] is True
