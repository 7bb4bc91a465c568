"""Liveness, readiness, metrics, OpenAPI, and what every response carries."""

from __future__ import annotations

from automatelanka.daemon import metrics


def test_healthz_and_readyz_report_a_migrated_database(client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"]["ok"] is True and ready.json()["queue"]["ok"] is True


def test_readyz_is_503_when_the_redis_queue_is_unreachable(make_app) -> None:
    from fastapi.testclient import TestClient

    app = make_app(queue_url="redis://127.0.0.1:1/0")
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["queue"]["ok"] is False and "redis unreachable" in r.json()["queue"]["problem"]


def test_openapi_and_docs_are_served(client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/auth/login" in spec["paths"] and "/api/workspaces/{workspace}/members" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn.jsdelivr.net" in docs.headers["content-security-policy"]


def test_metrics_expose_http_latency_by_route_template_and_runs(client, owner) -> None:
    client.get(f"/api/workspaces/{owner.workspace_id}", headers=owner.headers)
    metrics.run_started()
    metrics.run_finished("success", 0.3)
    metrics.set_queue_depth(lambda: 7)
    text = client.get("/metrics").text
    assert 'route="/api/workspaces/{workspace}"' in text
    assert owner.workspace_id not in text
    assert 'al_runs_finished_total{status="success"}' in text
    assert "al_queue_depth 7.0" in text
    assert "al_run_duration_seconds_bucket" in text


def test_every_response_has_a_request_id_and_security_headers(client) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"}).headers["x-request-id"]
    assert generated != "bad id\nwith newline" and len(generated) == 32


def test_unknown_route_is_a_json_404(client) -> None:
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
