# ruff: noqa: F811  (daemon fixtures imported, then used as parameters)
"""Billing fixtures: the daemon app in hosted mode (billing on) talking to a fake Stripe on
127.0.0.1, with Pro and Business priced in Stripe; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from daemon.conftest import (  # noqa: F401  (daemon fixtures reused)
    _fast_password_hashing,
    client,
    daemon_settings,
    make_app,
    member_of,
    outbox,
    register,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripe, serve, sign

PRICES = {"pro": "price_pro_monthly", "business": "price_business_monthly"}
PUBLIC_URL = "https://al.example.com"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    stripe, server = serve()
    yield stripe
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(make_app: Callable[..., FastAPI], fake: FakeStripe) -> FastAPI:
    return make_app(billing_enabled=True, stripe_api_key=API_KEY, stripe_api_base=fake.url,
                    stripe_webhook_secret=WEBHOOK_SECRET, public_url=PUBLIC_URL)


@pytest.fixture(autouse=True)
def _priced(request: pytest.FixtureRequest) -> None:
    """Give Pro and Business their Stripe prices once the app has started (the admin's job)."""
    if "client" not in request.fixturenames:
        return
    c: TestClient = request.getfixturevalue("client")
    from automatelanka.store.repositories import billing_state

    with c.app.state.db.begin() as conn:
        for code, price in PRICES.items():
            billing_state.update_plan(conn, code, stripe_price_id=price)


def manual_workflow(name: str = "wf") -> dict[str, Any]:
    return {"name": name, "connections": {}, "nodes": [
        {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0],
         "parameters": {}}]}


def create_workflow(client: TestClient, headers: dict[str, str], definition: dict[str, Any] | None = None) -> str:
    r = client.post("/api/workflows", json=definition or manual_workflow(), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def post_event(client: TestClient, event_type: str, obj: dict[str, Any], *, event_id: str | None = None,
               timestamp: int | None = None, secret: str = WEBHOOK_SECRET) -> Any:
    """Deliver a signed Stripe event to the webhook endpoint (processing runs before the return)."""
    event = {"id": event_id or f"evt_{uuid.uuid4().hex[:20]}", "object": "event", "type": event_type,
             "created": int(time.time()), "data": {"object": obj}}
    payload = json.dumps(event).encode()
    return client.post("/api/billing/webhook", content=payload,
                       headers={"Stripe-Signature": sign(payload, secret, timestamp),
                                "Content-Type": "application/json"})


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def upgrade(client: TestClient, fake: FakeStripe, owner: Any, plan: str = "pro", **sub: Any) -> dict[str, Any]:
    """Subscribe through checkout, then Stripe's checkout.session.completed webhook: the subscription."""
    r = client.post("/api/billing/subscribe", json={"plan": plan}, headers=owner.headers)
    assert r.status_code == 200, r.text
    session = fake.calls("POST", "/v1/checkout/sessions")[-1].form
    customer = session["customer"]
    subscription = fake.subscription(customer, PRICES[plan], metadata={"workspace_id": owner.workspace_id}, **sub)
    r = post_event(client, "checkout.session.completed", {
        "id": r.json()["id"], "object": "checkout.session", "customer": customer,
        "client_reference_id": owner.workspace_id, "subscription": subscription["id"], "mode": "subscription"})
    assert r.status_code == 200, r.text
    return subscription


def event_errors(client: TestClient) -> list[tuple[str, str, str | None]]:
    from sqlalchemy import select

    from automatelanka.store.schema_billing import stripe_events

    with client.app.state.db.connect() as conn:
        return [tuple(r) for r in conn.execute(select(stripe_events.c.type, stripe_events.c.status,
                                                      stripe_events.c.error))]
