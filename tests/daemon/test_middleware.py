"""Cross-cutting behaviour: rate limits, errors without tracebacks, scrubbed JSON logs, CORS,
and ``al up`` / ``al init`` on a real server."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from automatelanka.daemon.logs import JsonFormatter, scrub
from automatelanka.daemon.ratelimit import MemoryLimiter, RedisLimiter

from ._server import free_port, wait_ready
from .conftest import PASSWORD, create_api_key, error, in_ci_or_skip, register_user


def test_per_ip_limit_answers_429_with_retry_after(make_app) -> None:
    with TestClient(make_app(rate_limit_ip=3)) as c:
        codes = [c.get("/healthz").status_code for _ in range(5)]  # health checks are never limited
        assert codes == [200] * 5
        codes = [c.get("/api/auth/me").status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        r = c.get("/api/auth/me")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert error(r)["code"] == "rate_limited" and error(r)["details"]["retry_after"] >= 1


def test_sign_in_attempts_have_their_own_tighter_limit(make_app) -> None:
    with TestClient(make_app(rate_limit_auth=2)) as c:
        codes = [c.post("/api/auth/login", json={"email": "a@example.com", "password": "x" * 8}).status_code
                 for _ in range(3)]
        assert codes == [401, 401, 429]
        assert c.get("/openapi.json").status_code == 200  # other routes are unaffected


def test_per_workspace_limit_answers_429(make_app) -> None:
    with TestClient(make_app(rate_limit_workspace=2)) as c:
        ann = register_user(c)
        ws = f"/api/workspaces/{ann.workspace_id}"
        codes = [c.get(ws, headers=ann.headers).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.get(ws, headers=ann.headers)
        assert r.headers["retry-after"] and error(r)["code"] == "rate_limited"
        bob = register_user(c)  # another workspace has its own budget
        assert c.get(f"/api/workspaces/{bob.workspace_id}", headers=bob.headers).status_code == 200


def test_memory_token_bucket_refills() -> None:
    now = [0.0]
    limiter = MemoryLimiter(clock=lambda: now[0])
    assert [limiter.hit("k", 2, 60) for _ in range(2)] == [None, None]
    assert limiter.hit("k", 2, 60) == pytest.approx(30.0)
    now[0] = 30.0
    assert limiter.hit("k", 2, 60) is None
    assert limiter.hit("other", 2, 60) is None


def test_redis_fixed_window_is_shared_between_limiters() -> None:
    url = "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        in_ci_or_skip("Redis at 127.0.0.1:6379 is not reachable")
    key = f"test-{uuid.uuid4().hex}"
    a, b = RedisLimiter(url), RedisLimiter(url)  # two daemons
    assert a.hit(key, 2, 60) is None and b.hit(key, 2, 60) is None
    wait = a.hit(key, 2, 60)
    assert wait is not None and 0 < wait <= 60


def test_redis_limiter_fails_open_when_redis_is_down() -> None:
    assert RedisLimiter("redis://127.0.0.1:1/0").hit("k", 1) is None


def test_a_500_never_leaks_a_traceback(app, caplog) -> None:
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals at /srv/app.py line 12")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom", headers={"X-Request-ID": "req-500"})
    assert r.status_code == 500
    assert error(r)["code"] == "internal_error" and error(r)["details"] == {"request_id": "req-500"}
    assert "Traceback" not in r.text and "secret internals" not in r.text and "RuntimeError" not in r.text


def test_access_log_is_json_with_request_id_and_workspace_and_no_secrets(client, owner, caplog) -> None:
    caplog.set_level(logging.INFO)
    key = create_api_key(client, owner, ["admin"])
    client.get("/api/api-keys", headers={"X-API-Key": key, "X-Request-ID": "rid-1"})
    client.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD}, headers={"X-Request-ID": "rid-2"})
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records]
    access = [json.loads(line) for line in lines if '"automatelanka.access"' in line]
    by_id = {entry["request_id"]: entry for entry in access}
    assert by_id["rid-1"]["workspace"] == owner.workspace_id and by_id["rid-1"]["status"] == 200
    assert by_id["rid-1"]["route"] == "/api/api-keys" and by_id["rid-1"]["method"] == "GET"
    assert isinstance(by_id["rid-1"]["ms"], float) and by_id["rid-2"]["path"] == "/api/auth/login"
    everything = "\n".join(lines)
    assert key not in everything and key.split("_", 2)[2] not in everything
    assert PASSWORD not in everything and owner.access_token not in everything


def test_scrubbing_hides_secrets_by_key_and_by_shape() -> None:
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    out = scrub({"headers": {"Authorization": "Bearer abc", "X-API-Key": "al_0123abcd_s3cret"},
                 "password": "hunter2", "note": f"sent Bearer xyz and {jwt_like} and al_0123abcd_s3cret"})
    assert out["headers"] == {"Authorization": "[redacted]", "X-API-Key": "[redacted]"}
    assert out["password"] == "[redacted]"
    assert "xyz" not in out["note"] and jwt_like not in out["note"] and "s3cret" not in out["note"]
    assert "al_0123abcd_" in out["note"]  # the visible prefix stays, to tell keys apart


def test_cors_allows_only_configured_origins(make_app) -> None:
    with TestClient(make_app(cors_origins=("https://app.example.com",))) as c:
        pre = c.options("/api/auth/me", headers={"Origin": "https://app.example.com",
                                                 "Access-Control-Request-Method": "GET",
                                                 "Access-Control-Request-Headers": "authorization,x-workspace"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://app.example.com"
        other = c.get("/healthz", headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in other.headers


def test_al_init_then_al_up_serves_the_api(tmp_path: Path) -> None:
    env = {**os.environ, "AL_HOME": str(tmp_path / "home"), "AL_SECRET_KEY": ""}
    env.pop("AL_DATABASE_URL", None)
    env.pop("AL_QUEUE_URL", None)
    al = [str(Path(sys.executable).parent / "al")]
    init = [*al, "init", "--email", "Root@Example.com", "--password-stdin", "--workspace", "Acme"]
    first = subprocess.run(init, input=PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(init, input=PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr
    short = subprocess.run([*al, "init", "--email", "x@example.com", "--password-stdin"], input="short\n",
                           env=env, capture_output=True, text=True, timeout=60)
    assert short.returncode == 2 and "password" in short.stderr

    port = free_port()
    server = subprocess.Popen([*al, "up", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server, timeout=30)
        login = httpx.post(f"{base}/api/auth/login", json={"email": "root@example.com", "password": PASSWORD})
        assert login.status_code == 200 and login.json()["user"]["is_platform_admin"] is True
        token = login.json()["access_token"]
        stats = httpx.get(f"{base}/api/admin/stats", headers={"Authorization": f"Bearer {token}"})
        assert stats.status_code == 200 and stats.json()["workspaces"] == 1
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    access = [json.loads(line) for line in stderr.splitlines()
              if line.startswith("{") and '"automatelanka.access"' in line]
    assert {(a["path"], a["status"]) for a in access} >= {("/api/auth/login", 200), ("/api/admin/stats", 200)}
    assert token not in stderr and PASSWORD not in stderr
