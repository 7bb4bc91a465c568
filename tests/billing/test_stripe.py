"""Stripe as the workspace owner and Stripe see it: checkout, portal, invoices, plan changes,
signed webhooks (bad signature, stale timestamp and replays change nothing; late events do not
undo newer state), past-due grace, cancel at period end, and overage meter events."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from automatelanka.services import billing, stripe_client
from automatelanka.store.schema import subscriptions
from automatelanka.store.schema_billing import stripe_events
from automatelanka.store.types import utcnow

from .conftest import PRICES, PUBLIC_URL, create_workflow, error_of, post_event, upgrade
from .fake_stripe import sign


def _usage(client, user) -> dict:
    r = client.get("/api/billing/usage", headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _events(client) -> int:
    with client.app.state.db.connect() as conn:
        return conn.execute(select(func.count()).select_from(stripe_events)).scalar()


def test_plans_are_listed_to_the_cent(client, register) -> None:
    ann = register("ann@example.com")
    items = {p["id"]: p for p in client.get("/api/billing/plans", headers=ann.headers).json()["items"]}
    assert [items[c]["price"] for c in ("free", "pro", "business")] == ["$0.00/month", "$29.00/month", "$99.00/month"]
    assert items["pro"]["price_cents"] == 2900
    assert items["pro"]["limits"] | {} == {"runs": 10_000, "workflows": 100, "members": 10, "overage": False}
    assert items["business"]["limits"]["workflows"] is None and items["business"]["limits"]["members"] is None


def test_only_platform_admins_edit_plans(client, register) -> None:
    from daemon.conftest import make_platform_admin

    ann = register("ann@example.com")
    r = client.patch("/api/billing/plans/pro", json={"price_cents": 1}, headers=ann.headers)
    assert r.status_code == 403
    make_platform_admin(client, ann)
    r = client.patch("/api/billing/plans/pro", json={"limits": {"runs": -1}}, headers=ann.headers)
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "limits.runs"
    r = client.patch("/api/billing/plans/pro", json={"price_cents": 3900}, headers=ann.headers)
    assert r.status_code == 200 and r.json()["price"] == "$39.00/month"
    assert client.patch("/api/billing/plans/nope", json={"name": "x"}, headers=ann.headers).status_code == 404


def test_subscribe_opens_checkout_with_one_customer_per_workspace(client, register, fake) -> None:
    ann = register("ann@example.com")
    r = client.post("/api/billing/subscribe", json={"plan": "pro"}, headers=ann.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "checkout" and r.json()["url"].startswith("https://checkout.stripe.test/")
    r2 = client.post("/api/billing/subscribe", json={"plan": "business"}, headers=ann.headers)
    assert r2.status_code == 200
    assert len(fake.calls("POST", "/v1/customers")) == 1
    customer = fake.calls("POST", "/v1/customers")[0].form
    assert customer["metadata[workspace_id]"] == ann.workspace_id
    session = fake.calls("POST", "/v1/checkout/sessions")[0].form
    assert session["line_items[0][price]"] == PRICES["pro"] and session["client_reference_id"] == ann.workspace_id
    assert session["success_url"].startswith(PUBLIC_URL)
    posts = [r for r in fake.requests if r.method == "POST"]
    assert posts and all(r.idempotency_key for r in posts)
    assert len({r.idempotency_key for r in fake.calls("POST", "/v1/checkout/sessions")}) == 2


def test_a_retried_subscribe_with_the_same_idempotency_key_gives_the_same_session(client, register, fake) -> None:
    ann = register("ann@example.com")
    headers = {**ann.headers, "Idempotency-Key": "retry-1"}
    first = client.post("/api/billing/subscribe", json={"plan": "pro"}, headers=headers).json()
    second = client.post("/api/billing/subscribe", json={"plan": "pro"}, headers=headers).json()
    assert first["id"] == second["id"]


def test_subscribe_refuses_unknown_and_free_plans_and_members_cannot(client, register, member_of, fake) -> None:
    ann = register("ann@example.com")
    r = client.post("/api/billing/subscribe", json={"plan": "platinum"}, headers=ann.headers)
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "plan"
    assert client.post("/api/billing/subscribe", json={"plan": "free"}, headers=ann.headers).status_code == 422
    assert client.post("/api/billing/subscribe", json={}, headers=ann.headers).status_code == 422
    assert fake.requests == []


def test_portal_and_invoices(client, register, fake) -> None:
    ann = register("ann@example.com")
    assert client.get("/api/billing/invoices", headers=ann.headers).json() == {"items": []}
    r = client.post("/api/billing/portal", headers=ann.headers)
    assert r.status_code == 200 and r.json()["url"].startswith("https://billing.stripe.test/")
    customer = fake.calls("POST", "/v1/billing_portal/sessions")[0].form["customer"]
    fake.invoices[customer] = [{"id": "in_1", "object": "invoice", "number": "AL-0001", "status": "paid",
                                "currency": "usd", "total": 2900, "amount_due": 2900, "amount_paid": 2900,
                                "created": 1767225600, "period_start": 1767225600, "period_end": 1769904000,
                                "hosted_invoice_url": "https://invoice.stripe.test/i/1", "invoice_pdf": None}]
    items = client.get("/api/billing/invoices", headers=ann.headers).json()["items"]
    assert [(i["number"], i["total"], i["total_display"], i["status"]) for i in items] == [
        ("AL-0001", 2900, "$29.00", "paid")]


def test_upgrade_webhook_moves_the_workspace_to_the_plan(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = upgrade(client, fake, ann, "pro")
    data = _usage(client, ann)
    assert data["plan"]["code"] == "pro" and data["plan"]["status"] == "active"
    assert data["subscription"]["current_period_start"].startswith(
        time.strftime("%Y-%m-%dT%H", time.gmtime(sub["current_period_start"])))


def test_bad_signature_stale_timestamp_and_replay_change_nothing(client, register, fake) -> None:
    ann = register("ann@example.com")
    client.post("/api/billing/subscribe", json={"plan": "pro"}, headers=ann.headers)
    customer = fake.calls("POST", "/v1/checkout/sessions")[0].form["customer"]
    sub = fake.subscription(customer, PRICES["pro"])
    obj = {"id": sub["id"], "object": "subscription", "customer": customer}

    r = post_event(client, "customer.subscription.created", obj, secret="whsec_wrong")
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_signature"
    r = post_event(client, "customer.subscription.created", obj, timestamp=int(time.time()) - 301)
    assert r.status_code == 400
    payload = json.dumps({"id": "evt_x", "type": "customer.subscription.created", "data": {"object": obj}}).encode()
    r = client.post("/api/billing/webhook", content=payload + b" ", headers={"Stripe-Signature": sign(payload)})
    assert r.status_code == 400  # body changed after signing
    r = client.post("/api/billing/webhook", content=payload)
    assert r.status_code == 400  # no signature
    assert _events(client) == 0 and _usage(client, ann)["plan"]["code"] == "free"
    assert fake.calls("GET", f"/v1/subscriptions/{sub['id']}") == []

    r = post_event(client, "customer.subscription.created", obj, event_id="evt_once")
    assert r.status_code == 200 and r.json()["duplicate"] is False
    assert _usage(client, ann)["plan"]["code"] == "pro"
    fake.subscription(customer, PRICES["business"], sub_id=sub["id"])  # would change the plan if re-processed
    r = post_event(client, "customer.subscription.created", obj, event_id="evt_once")
    assert r.status_code == 200 and r.json()["duplicate"] is True
    assert _usage(client, ann)["plan"]["code"] == "pro"
    assert len(fake.calls("GET", f"/v1/subscriptions/{sub['id']}")) == 1


def test_out_of_order_events_leave_the_latest_state(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = upgrade(client, fake, ann, "pro")
    customer = sub["customer"]
    fake.subscription(customer, PRICES["pro"], status="canceled", sub_id=sub["id"])
    post_event(client, "customer.subscription.deleted", {"id": sub["id"], "customer": customer, "status": "canceled"})
    assert _usage(client, ann)["plan"]["code"] == "free"
    # the older "updated: active" event arrives late: re-reading Stripe keeps it cancelled
    r = post_event(client, "customer.subscription.updated", {"id": sub["id"], "customer": customer, "status": "active"})
    assert r.status_code == 200
    assert _usage(client, ann)["plan"]["code"] == "free"


def test_past_due_keeps_the_plan_during_grace_then_falls_to_free(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = upgrade(client, fake, ann, "pro")
    fake.subscription(sub["customer"], PRICES["pro"], status="past_due", sub_id=sub["id"])
    post_event(client, "invoice.payment_failed", {"id": "in_1", "object": "invoice", "customer": sub["customer"],
                                                  "subscription": sub["id"]})
    data = _usage(client, ann)
    assert (data["plan"]["code"], data["plan"]["status"], data["usage"]["runs"]["limit"]) == ("pro", "grace", 10_000)
    with client.app.state.db.begin() as conn:
        conn.execute(update(subscriptions).values(past_due_since=utcnow() - timedelta(days=8)))
    data = _usage(client, ann)
    assert (data["plan"]["code"], data["plan"]["status"], data["usage"]["runs"]["limit"]) == ("free", "lapsed", 100)
    fake.subscription(sub["customer"], PRICES["pro"], status="active", sub_id=sub["id"])
    post_event(client, "invoice.payment_succeeded", {"id": "in_2", "object": "invoice", "customer": sub["customer"],
                                                     "subscription": sub["id"]})
    data = _usage(client, ann)
    assert (data["plan"]["code"], data["plan"]["status"], data["subscription"]["past_due_since"]) == (
        "pro", "active", None)


def test_cancel_at_period_end_keeps_the_plan_until_then(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = upgrade(client, fake, ann, "pro")
    fake.subscription(sub["customer"], PRICES["pro"], cancel_at_period_end=True, sub_id=sub["id"])
    post_event(client, "customer.subscription.updated", {"id": sub["id"], "customer": sub["customer"]})
    data = _usage(client, ann)
    assert data["plan"]["code"] == "pro" and data["subscription"]["cancel_at_period_end"] is True
    past = int(time.time()) - 40 * 86400
    fake.subscription(sub["customer"], PRICES["pro"], cancel_at_period_end=True, sub_id=sub["id"],
                      start=past, end=past + 30 * 86400)
    post_event(client, "customer.subscription.updated", {"id": sub["id"], "customer": sub["customer"]})
    assert _usage(client, ann)["plan"]["status"] == "lapsed"


def test_subscribing_with_a_live_subscription_changes_its_plan(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = upgrade(client, fake, ann, "pro")
    r = client.post("/api/billing/subscribe", json={"plan": "business"}, headers=ann.headers)
    assert r.status_code == 200 and r.json()["status"] == "updated"
    change = fake.calls("POST", f"/v1/subscriptions/{sub['id']}")[0]
    assert change.form["items[0][price]"] == PRICES["business"] and change.idempotency_key
    assert change.form["proration_behavior"] == "create_prorations"
    assert _usage(client, ann)["plan"]["code"] == "business"
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 1  # the first checkout only


def test_overage_is_reported_once_per_batch_with_unique_identifiers(client, register, fake) -> None:
    from daemon.conftest import make_platform_admin

    ann = make_platform_admin(client, register("ann@example.com"))
    client.patch("/api/billing/plans/business", json={"limits": {
        "runs": 3, "workflows": None, "members": None, "overage": True, "overage_meter": "al_runs"}},
        headers=ann.headers)
    sub = upgrade(client, fake, ann, "business")
    wf = create_workflow(client, ann.headers)
    engine, stripe = client.app.state.db, stripe_client.client_for(client.app.state.settings)
    for _ in range(5):
        assert client.post(f"/api/workflows/{wf}/run", headers=ann.headers).status_code == 202  # overage allowed
    first = billing.report_overage(engine, stripe)
    assert [b["quantity"] for b in first] == [2]
    assert billing.report_overage(engine, stripe) == []  # nothing new: nothing sent
    for _ in range(2):
        client.post(f"/api/workflows/{wf}/run", headers=ann.headers)
    second = billing.report_overage(engine, stripe)
    assert [b["quantity"] for b in second] == [2]
    events = list(fake.meter_events.values())
    assert [(e["event_name"], e["payload"]["value"], e["payload"]["stripe_customer_id"]) for e in events] == [
        ("al_runs", "2", sub["customer"]), ("al_runs", "2", sub["customer"])]
    ids = [e["identifier"] for e in events]
    assert len(set(ids)) == 2 and all(i.startswith(ann.workspace_id) for i in ids)
    assert ids[0].endswith(":1") and ids[1].endswith(":2")
    assert [c.idempotency_key for c in fake.calls("POST", "/v1/billing/meter_events")] == ids


def test_a_webhook_for_an_unknown_customer_is_stored_and_ignored(client, register, fake) -> None:
    ann = register("ann@example.com")
    sub = fake.subscription("cus_someone_else", PRICES["pro"])
    r = post_event(client, "customer.subscription.created", {"id": sub["id"], "customer": "cus_someone_else"})
    assert r.status_code == 200
    assert _usage(client, ann)["plan"]["code"] == "free"
    with client.app.state.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(subscriptions)).scalar() == 0
    assert uuid.UUID(ann.workspace_id)
