"""Accounts over HTTP: register, sign in, token rotation and theft detection, e-mail flows."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from ._server import free_port
from .conftest import PASSWORD, error


def test_register_creates_the_user_and_an_owned_workspace(client, register) -> None:
    ann = register("Ann@Example.com", name="Ann")
    me = client.get("/api/auth/me", headers=ann.headers)
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "ann@example.com"
    assert "password_hash" not in me.text
    assert [(w["id"], w["role"]) for w in me.json()["workspaces"]] == [(ann.workspace_id, "owner")]


def test_register_twice_with_one_email_is_a_conflict(client, register) -> None:
    register("dup@example.com")
    r = client.post("/api/auth/register", json={"email": "DUP@example.com", "password": PASSWORD})
    assert r.status_code == 409 and "already exists" in error(r)["message"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"email": "a@example.com"}, "password"),
    ({"email": "not-an-email", "password": PASSWORD}, "email"),
    ({"email": "a@example.com", "password": "short"}, "password"),
    ({"email": "a@example.com", "password": 12345678}, "password"),
])
def test_register_rejects_bad_input_naming_the_field(client, payload, field) -> None:
    r = client.post("/api/auth/register", json=payload)
    assert r.status_code == 422
    assert error(r)["code"] == "validation_error" and error(r)["message"].startswith(field)


def test_login_with_the_right_password_gives_working_tokens(client, register) -> None:
    ann = register("ann@example.com")
    r = client.post("/api/auth/login", json={"email": "ANN@example.com", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer" and r.json()["expires_in"] == 900
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["user"]["id"] == ann.id
    assert me.json()["user"]["last_login_at"] is not None


def test_wrong_password_and_unknown_user_get_the_same_401(client, register) -> None:
    ann = register("ann@example.com")
    wrong = client.post("/api/auth/login", json={"email": ann.email, "password": "wrong password"})
    nobody = client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "wrong password"})
    assert wrong.status_code == nobody.status_code == 401
    assert error(wrong) == error(nobody)
    entries = client.get("/api/audit", headers=ann.headers).json()["items"]
    assert [e["action"] for e in entries] == ["auth.login_failed"]
    assert "wrong password" not in str(entries)


@pytest.mark.parametrize("header", [
    None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer al_deadbeef_nope",
])
def test_me_without_valid_credentials_is_401(client, header) -> None:
    r = client.get("/api/auth/me", headers={"Authorization": header} if header else {})
    assert r.status_code == 401 and error(r)["code"] == "unauthenticated"
    assert r.headers["www-authenticate"] == "Bearer"


def test_expired_or_foreign_access_tokens_are_401(client, register, daemon_settings) -> None:
    ann = register()
    now = datetime.now(UTC)
    claims = {"sub": ann.id, "iat": now - timedelta(hours=1), "exp": now - timedelta(minutes=1),
              "aud": "automatelanka", "typ": "access"}
    expired = jwt.encode(claims, daemon_settings.secret_key, algorithm="HS256")
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in error(r)["message"]
    forged = jwt.encode({**claims, "exp": now + timedelta(minutes=5)}, "another key of at least thirty-two bytes", algorithm="HS256")
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_refresh_rotates_and_reusing_a_rotated_token_revokes_the_family(client, register) -> None:
    ann = register()
    first = client.post("/api/auth/refresh", json={"refresh_token": ann.refresh_token})
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != ann.refresh_token
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {first.json()['access_token']}"}).status_code == 200
    # The old token shows up again: someone copied it. Both it and the newest one stop working.
    reuse = client.post("/api/auth/refresh", json={"refresh_token": ann.refresh_token})
    assert reuse.status_code == 401 and "already used" in error(reuse)["message"]
    assert client.post("/api/auth/refresh", json={"refresh_token": rotated}).status_code == 401
    # Another sign-in (another family) is unaffected.
    other = client.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD}).json()
    assert client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_refresh_with_garbage_or_missing_token(client) -> None:
    assert client.post("/api/auth/refresh", json={"refresh_token": "nope"}).status_code == 401
    r = client.post("/api/auth/refresh", json={})
    assert r.status_code == 422 and error(r)["message"].startswith("refresh_token")


def test_logout_revokes_the_refresh_token(client, register) -> None:
    ann = register()
    assert client.post("/api/auth/logout", json={"refresh_token": ann.refresh_token}).status_code == 401
    assert client.post("/api/auth/logout", json={"refresh_token": ann.refresh_token},
                       headers=ann.headers).status_code == 204
    assert client.post("/api/auth/refresh", json={"refresh_token": ann.refresh_token}).status_code == 401


def test_logout_cannot_revoke_someone_elses_token(client, register) -> None:
    ann, bob = register(), register()
    client.post("/api/auth/logout", json={"refresh_token": ann.refresh_token}, headers=bob.headers)
    assert client.post("/api/auth/refresh", json={"refresh_token": ann.refresh_token}).status_code == 200


def test_password_reset_by_mail(client, register, outbox) -> None:
    ann = register("ann@example.com")
    r = client.post("/api/auth/forgot-password", json={"email": "ann@example.com"})
    assert r.status_code == 202
    token = outbox.last_to("ann@example.com").token
    assert client.post("/api/auth/reset-password", json={"token": token, "password": "x"}).status_code == 422
    assert client.post("/api/auth/reset-password", json={"token": token, "password": "new password 1"}).status_code == 204
    again = client.post("/api/auth/reset-password", json={"token": token, "password": "new password 2"})
    assert again.status_code == 400 and error(again)["code"] == "invalid_token"
    assert client.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/auth/login", json={"email": ann.email, "password": "new password 1"}).status_code == 200
    # Sessions from before the reset are over.
    assert client.post("/api/auth/refresh", json={"refresh_token": ann.refresh_token}).status_code == 401


def test_forgot_password_does_not_reveal_whether_an_account_exists(client, outbox) -> None:
    r = client.post("/api/auth/forgot-password", json={"email": "nobody@example.com"})
    assert r.status_code == 202 and not outbox


def test_email_verification_link_works_once(client, register, outbox) -> None:
    ann = register("ann@example.com")
    mail = outbox.last_to("ann@example.com")
    assert "/api/auth/verify-email?token=" in mail.link
    assert client.get("/api/auth/verify-email", params={"token": mail.token}).status_code == 200
    assert client.get("/api/auth/me", headers=ann.headers).json()["user"]["email_verified_at"] is not None
    r = client.post("/api/auth/verify-email", json={"token": mail.token})
    assert r.status_code == 400 and error(r)["code"] == "invalid_token"
    again = client.post("/api/auth/verify-email/resend", headers=ann.headers)
    assert again.status_code == 202 and again.json()["status"] == "already verified"
    assert client.post("/api/auth/verify-email/resend").status_code == 401


def test_without_smtp_the_link_is_logged_for_the_operator(client, caplog) -> None:
    caplog.set_level("WARNING", logger="automatelanka.mail")
    client.post("/api/auth/register", json={"email": "log@example.com", "password": PASSWORD})
    logged = [r.getMessage() for r in caplog.records if r.name == "automatelanka.mail"]
    assert len(logged) == 1 and "verify-email?token=" in logged[0] and PASSWORD not in logged[0]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Collect(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages = []

        def handle_message(self, message) -> None:
            self.messages.append(message)

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler.messages
    finally:
        controller.stop()


def test_reset_mail_arrives_over_smtp(make_app, smtp_server, register) -> None:
    controller, received = smtp_server
    app = make_app(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls=False,
                   smtp_from="al@example.com", public_url="https://al.example.com")
    with TestClient(app) as c:
        c.post("/api/auth/register", json={"email": "mail@example.com", "password": PASSWORD})
        assert c.post("/api/auth/forgot-password", json={"email": "mail@example.com"}).status_code == 202
    subjects = [m["Subject"] for m in received]
    assert subjects == ["Confirm your e-mail address", "Reset your password"]
    reset = received[1]
    assert reset["To"] == "mail@example.com" and reset["From"] == "al@example.com"
    body = reset.get_payload(decode=True).decode() if not reset.is_multipart() else str(reset)
    assert "https://al.example.com/reset-password?token=" in body


def test_unreachable_smtp_does_not_fail_the_request(make_app) -> None:
    app = make_app(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls=False)
    with TestClient(app) as c:
        r = c.post("/api/auth/register", json={"email": "x@example.com", "password": PASSWORD})
        assert r.status_code == 201
        assert c.post("/api/auth/forgot-password", json={"email": "x@example.com"}).status_code == 202


def test_a_generated_signing_key_is_kept_in_a_0600_file(make_app, monkeypatch, daemon_settings) -> None:
    from automatelanka.services import keys

    monkeypatch.setattr(keys, "_keyring_usable", lambda: False)
    monkeypatch.setattr(keys, "_cache", {})
    app = make_app(secret_key="")
    with TestClient(app) as c:
        r = c.post("/api/auth/register", json={"email": "k@example.com", "password": PASSWORD})
        assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).status_code == 200
    path = daemon_settings.home / "keys" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text()) >= 40
