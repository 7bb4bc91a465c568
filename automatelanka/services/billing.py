"""Billing with Stripe: customers, checkout, portal, invoices, webhook events and overage.

Calls to Stripe happen outside database transactions (functions take the Engine). Webhook events
are stored once by id (:func:`receive_event`) and processed afterwards (:func:`process_event`):
processing never trusts the event's copy of a subscription but re-reads it from Stripe, so events
arriving late or out of order still leave the latest state.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from automatelanka.services import limits, plans, stripe_client
from automatelanka.services.stripe_client import StripeFailure
from automatelanka.store.repositories import billing as repo
from automatelanka.store.repositories import billing_state as state
from automatelanka.store.repositories import usage as usage_repo
from automatelanka.store.repositories import workspaces as ws_repo
from automatelanka.store.types import utcnow

log = logging.getLogger("automatelanka.billing")
MAX_ATTEMPTS = 5
#: Stripe subscription status -> ours (subscriptions.status is 16 characters at most).
STATUSES = {"active": "active", "trialing": "trialing", "past_due": "past_due", "canceled": "cancelled",
            "incomplete_expired": "cancelled", "unpaid": "unpaid", "incomplete": "incomplete", "paused": "paused"}
SUBSCRIPTION_EVENTS = ("customer.subscription.created", "customer.subscription.updated",
                       "customer.subscription.deleted")
INVOICE_EVENTS = ("invoice.payment_succeeded", "invoice.payment_failed", "invoice.paid")
HANDLED = (*SUBSCRIPTION_EVENTS, *INVOICE_EVENTS, "checkout.session.completed")


class BillingError(ValueError):
    """A request billing cannot do (unknown plan, nothing to manage...): a 4xx with this message."""


# --- usage -----------------------------------------------------------------------------------------


def usage_report(engine: Engine, workspace_id: uuid.UUID, at: datetime | None = None) -> dict[str, Any]:
    """The workspace's plan, period, usage and limits (what ``/api/billing/usage`` shows)."""
    with engine.connect() as conn:
        plan, (start, end), live = limits.current(conn, workspace_id, at)
        row = usage_repo.get_usage(conn, workspace_id, start)
        counts = {k: int(row[k]) if row else 0 for k in ("runs", "node_executions", "api_calls")}
        workflows = state.count_workflows(conn, workspace_id)
        members = state.count_members(conn, workspace_id)
        policy = limits.policy(conn)

    def item(used: int, limit: int | None) -> dict[str, Any]:
        return {"used": used, "limit": limit, "remaining": None if limit is None else max(0, limit - used)}

    return {
        "workspace_id": str(workspace_id), "billing_enabled": policy.billing_enabled,
        "plan": {"code": plan.code, "name": plan.name, "status": plan.reason, "overage": plan.overage},
        "subscription": _public_subscription(live),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "usage": {"runs": item(counts["runs"], plan.limit("runs")),
                  "node_executions": {"used": counts["node_executions"]},
                  "api_calls": {"used": counts["api_calls"]},
                  "workflows": item(workflows, plan.limit("workflows")),
                  "members": item(members, plan.limit("members"))},
        "upgrade_url": policy.upgrade_url,
    }


def _public_subscription(sub: dict[str, Any] | None) -> dict[str, Any] | None:
    if sub is None:
        return None
    return {"plan": sub.get("plan_code"), "status": sub["status"],
            "current_period_start": sub["current_period_start"].isoformat(),
            "current_period_end": sub["current_period_end"].isoformat(),
            "cancel_at_period_end": bool(sub.get("cancel_at_period_end")),
            "past_due_since": sub["past_due_since"].isoformat() if sub.get("past_due_since") else None,
            "provider": sub.get("provider")}


# --- customers, checkout, portal, invoices ----------------------------------------------------------


def customer_for(engine: Engine, client: Any, workspace_id: uuid.UUID) -> str:
    """The workspace's Stripe customer, created once (a fixed idempotency key per workspace)."""
    with engine.connect() as conn:
        existing = state.get_customer(conn, workspace_id)
        workspace = ws_repo.get_workspace(conn, workspace_id)
    if existing:
        return existing
    if workspace is None:
        raise BillingError("workspace not found")
    customer = stripe_client.call(
        client.v1.customers.create,
        params={"name": workspace["name"], "metadata": {"workspace_id": str(workspace_id),
                                                        "workspace_slug": workspace["slug"]}},
        options={"idempotency_key": stripe_client.idempotency_key("customer", workspace_id)})
    with engine.begin() as conn:
        return state.save_customer(conn, workspace_id, customer["id"])


def subscribe(engine: Engine, client: Any, workspace_id: uuid.UUID, plan_code: str, *, success_url: str,
              cancel_url: str, request_key: str | None = None) -> dict[str, Any]:
    """A Checkout Session for ``plan_code``, or, with a paid subscription already, a plan change."""
    with engine.connect() as conn:
        plan = repo.get_plan_by_code(conn, plan_code)
        live = repo.current_subscription(conn, workspace_id)
    if plan is None or not plan["active"]:
        raise BillingError(f"plan: no active plan {plan_code!r} (see /api/billing/plans)")
    if not plan["stripe_price_id"]:
        if plan["price_cents"] == 0:
            raise BillingError(f"plan: {plan_code} is free; to leave a paid plan, cancel it in the billing portal")
        raise BillingError(f"plan: {plan_code} has no Stripe price yet (a platform admin sets stripe_price_id)")
    key_part = request_key or uuid.uuid4().hex
    if live and live.get("provider") == "stripe" and live["status"] in ("active", "trialing", "past_due"):
        return _change_plan(engine, client, workspace_id, live, plan, key_part)
    customer = customer_for(engine, client, workspace_id)
    meta = {"workspace_id": str(workspace_id), "plan": plan_code}
    session = stripe_client.call(
        client.v1.checkout.sessions.create,
        params={"mode": "subscription", "customer": customer, "client_reference_id": str(workspace_id),
                "line_items": [{"price": plan["stripe_price_id"], "quantity": 1}],
                "success_url": success_url, "cancel_url": cancel_url, "metadata": meta,
                "subscription_data": {"metadata": meta}},
        options={"idempotency_key": stripe_client.idempotency_key("checkout", workspace_id, plan_code, key_part)})
    return {"status": "checkout", "plan": plan_code, "id": session["id"], "url": session.get("url")}


def _change_plan(engine: Engine, client: Any, workspace_id: uuid.UUID, live: dict[str, Any],
                 plan: dict[str, Any], key_part: str) -> dict[str, Any]:
    """Upgrade or downgrade the live subscription (prorated) and apply Stripe's answer at once."""
    current = stripe_client.call(client.v1.subscriptions.retrieve, live["provider_ref"])
    items = (current.get("items") or {}).get("data") or []
    if not items:
        raise BillingError("the subscription has no item to change; use the billing portal")
    updated = stripe_client.call(
        client.v1.subscriptions.update, live["provider_ref"],
        params={"items": [{"id": items[0]["id"], "price": plan["stripe_price_id"]}],
                "proration_behavior": "create_prorations", "cancel_at_period_end": False,
                "metadata": {"workspace_id": str(workspace_id), "plan": plan["code"]}},
        options={"idempotency_key": stripe_client.idempotency_key("change", workspace_id, plan["code"], key_part)})
    apply_subscription(engine, updated)
    return {"status": "updated", "plan": plan["code"], "id": updated["id"], "url": None}


def portal(engine: Engine, client: Any, workspace_id: uuid.UUID, *, return_url: str,
           request_key: str | None = None) -> dict[str, Any]:
    customer = customer_for(engine, client, workspace_id)
    session = stripe_client.call(
        client.v1.billing_portal.sessions.create, params={"customer": customer, "return_url": return_url},
        options={"idempotency_key": stripe_client.idempotency_key("portal", workspace_id,
                                                                  request_key or uuid.uuid4().hex)})
    return {"id": session["id"], "url": session["url"]}


def _iso(ts: Any) -> str | None:
    return datetime.fromtimestamp(int(ts), UTC).isoformat() if ts else None


def invoices(engine: Engine, client: Any, workspace_id: uuid.UUID, *, limit: int = 24) -> list[dict[str, Any]]:
    """The workspace's invoices, newest first (amounts in integer cents, as Stripe gives them)."""
    with engine.connect() as conn:
        customer = state.get_customer(conn, workspace_id)
    if not customer:
        return []
    page = stripe_client.call(client.v1.invoices.list, params={"customer": customer, "limit": limit})
    out = []
    for inv in page.get("data") or []:
        currency = inv.get("currency") or "usd"
        total = int(inv.get("total") or 0)
        out.append({"id": inv["id"], "number": inv.get("number"), "status": inv.get("status"), "currency": currency,
                    "total": total, "amount_due": int(inv.get("amount_due") or 0),
                    "amount_paid": int(inv.get("amount_paid") or 0), "total_display": plans.money(total, currency),
                    "created": _iso(inv.get("created")), "period_start": _iso(inv.get("period_start")),
                    "period_end": _iso(inv.get("period_end")), "hosted_invoice_url": inv.get("hosted_invoice_url"),
                    "invoice_pdf": inv.get("invoice_pdf")})
    return out


# --- webhook events ---------------------------------------------------------------------------------


def receive_event(engine: Engine, payload: bytes, signature: str | None, secret: str) -> tuple[dict[str, Any], bool]:
    """Verify and store an event; ``(event, new)`` where ``new`` is False for a replay (nothing to do)."""
    event = stripe_client.verify_event(payload, signature, secret)
    with engine.begin() as conn:
        new = state.record_event(conn, event["id"], event["type"], event)
    return event, new


def process_event(engine: Engine, client: Any, event_id: str) -> str:
    """Handle one stored event (if nobody else is); returns its final status."""
    with engine.begin() as conn:
        row = state.claim_event(conn, event_id, max_attempts=MAX_ATTEMPTS)
    if row is None:
        return "skipped"
    try:
        handle(engine, client, row["payload"])
    except Exception as exc:  # kept for a later attempt; Stripe already has its 2xx
        log.warning("stripe event %s (%s) failed: %s", event_id, row["type"], exc)
        with engine.begin() as conn:
            state.finish_event(conn, event_id, error=f"{type(exc).__name__}: {exc}"[:2000])
        return "failed"
    with engine.begin() as conn:
        state.finish_event(conn, event_id)
    return "done"


def process_pending(engine: Engine, client: Any, *, older_than_s: float = 30.0) -> int:
    """Retry events left pending, stuck or failed (e.g. the process stopped); returns how many ran."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with engine.connect() as conn:
        ids = state.unfinished_events(conn, max_attempts=MAX_ATTEMPTS, older_than=cutoff)
    for event_id in ids:
        with engine.begin() as conn:
            state.reset_stuck_event(conn, event_id)
        process_event(engine, client, event_id)
    return len(ids)


def handle(engine: Engine, client: Any, event: dict[str, Any]) -> None:
    kind = event.get("type")
    obj = ((event.get("data") or {}).get("object")) or {}
    if kind in SUBSCRIPTION_EVENTS:
        sync_subscription(engine, client, obj["id"])
    elif kind in INVOICE_EVENTS:
        sub_id = _invoice_subscription(obj)
        if sub_id:
            sync_subscription(engine, client, sub_id)
    elif kind == "checkout.session.completed":
        workspace_id = _uuid(obj.get("client_reference_id") or (obj.get("metadata") or {}).get("workspace_id"))
        customer = obj.get("customer")
        if workspace_id and isinstance(customer, str):
            with engine.begin() as conn:
                if ws_repo.get_workspace(conn, workspace_id) is not None:
                    state.save_customer(conn, workspace_id, customer)
        if obj.get("subscription"):
            sync_subscription(engine, client, obj["subscription"])


def _invoice_subscription(invoice: dict[str, Any]) -> str | None:
    sub = invoice.get("subscription")
    if not sub:  # newer API versions: parent.subscription_details.subscription
        sub = (((invoice.get("parent") or {}).get("subscription_details")) or {}).get("subscription")
    return sub.get("id") if isinstance(sub, dict) else sub


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def sync_subscription(engine: Engine, client: Any, subscription_id: str) -> None:
    """Re-read the subscription from Stripe and store its current state (the one source of truth)."""
    try:
        sub = stripe_client.call(client.v1.subscriptions.retrieve, subscription_id)
    except StripeFailure as exc:
        if exc.status == 404:
            _mark_gone(engine, subscription_id)
            return
        raise
    apply_subscription(engine, sub)


def _mark_gone(engine: Engine, subscription_id: str) -> None:
    with engine.begin() as conn:
        row = state.subscription_by_ref(conn, subscription_id)
        if row is not None:
            now = utcnow()
            state.update_subscription(conn, row["id"], status="cancelled", cancelled_at=now, updated_at=now)


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def apply_subscription(engine: Engine, sub: dict[str, Any]) -> None:
    """Store a Stripe subscription object as the workspace's subscription."""
    customer = sub.get("customer")
    customer = customer.get("id") if isinstance(customer, dict) else customer
    items = (sub.get("items") or {}).get("data") or []
    first = items[0] if items else {}
    price_id = (first.get("price") or {}).get("id")
    start = _ts(sub.get("current_period_start") or first.get("current_period_start"))
    end = _ts(sub.get("current_period_end") or first.get("current_period_end"))
    status = STATUSES.get(sub.get("status", ""), "incomplete")
    now = utcnow()
    with engine.begin() as conn:
        workspace_id = state.workspace_of_customer(conn, customer) if customer else None
        if workspace_id is None:
            workspace_id = _uuid((sub.get("metadata") or {}).get("workspace_id"))
            if workspace_id is None or ws_repo.get_workspace(conn, workspace_id) is None:
                log.warning("stripe subscription %s: no workspace for customer %s; ignored", sub.get("id"), customer)
                return
            if customer:
                state.save_customer(conn, workspace_id, customer)
        state.lock_workspace(conn, workspace_id)
        plan = state.plan_by_price(conn, price_id) if price_id else None
        if plan is None:
            plan = repo.get_plan_by_code(conn, str((sub.get("metadata") or {}).get("plan") or ""))
        if plan is None:
            raise BillingError(f"no plan has Stripe price {price_id!r}")
        start = start or now
        end = end or plans.add_months(start, 1)
        existing = state.subscription_by_ref(conn, sub["id"])
        values = {"plan_id": plan["id"], "status": status, "current_period_start": start, "current_period_end": end,
                  "cancel_at_period_end": bool(sub.get("cancel_at_period_end")), "updated_at": now,
                  "cancelled_at": _ts(sub.get("ended_at") or sub.get("canceled_at")) if status == "cancelled" else None}
        if status == "past_due":
            values["past_due_since"] = (existing or {}).get("past_due_since") or now
        else:
            values["past_due_since"] = None
        if existing is None:
            row = repo.create_subscription(conn, workspace_id, plan_id=plan["id"], period_start=start, period_end=end,
                                           status=status, provider="stripe", provider_ref=sub["id"])
            sub_row_id = row["id"]
        else:
            sub_row_id = existing["id"]
        state.update_subscription(conn, sub_row_id, **values)
        if status != "cancelled":
            state.cancel_other_subscriptions(conn, workspace_id, keep=sub_row_id)


# --- overage ----------------------------------------------------------------------------------------


def report_overage(engine: Engine, client: Any, at: datetime | None = None) -> list[dict[str, Any]]:
    """Report runs past the limit of plans allowing overage to Stripe Billing Meters.

    Each new batch is stored first with its identifier ``<workspace>:<period start>:<batch>``,
    then sent with that identifier (Stripe keeps one event per identifier), so a crash between
    the two re-sends the same batch instead of billing twice. Returns the batches sent.
    """
    at = at or utcnow()
    sent: list[dict[str, Any]] = []
    with engine.connect() as conn:
        candidates = state.customers_with_overage_plans(conn)
    for cand in candidates:
        workspace_id, customer = cand["workspace_id"], cand["customer_id"]
        with engine.begin() as conn:
            plan, (start, _), _ = limits.current(conn, workspace_id, at)
            limit = plan.limit("runs")
            if not plan.overage or limit is None:
                continue
            over = state.runs_used(conn, workspace_id, start) - limit
            batches = state.meter_batches(conn, workspace_id, start)
            recorded = sum(int(b["quantity"]) for b in batches)
            if over > recorded:
                number = len(batches) + 1
                batches.append(state.add_meter_batch(
                    conn, workspace_id, period_start=start, batch=number, quantity=over - recorded,
                    event_name=str(plan.limits.get("overage_meter") or "automatelanka_runs"),
                    identifier=f"{workspace_id}:{start:%Y%m%dT%H%M%SZ}:{number}"))
        for batch in batches:
            if batch["reported_at"] is not None:
                continue
            stripe_client.call(
                client.v1.billing.meter_events.create,
                params={"event_name": batch["event_name"], "identifier": batch["identifier"],
                        "timestamp": int(at.timestamp()),
                        "payload": {"stripe_customer_id": customer, "value": str(batch["quantity"])}},
                options={"idempotency_key": batch["identifier"]})
            with engine.begin() as conn:
                state.mark_meter_reported(conn, batch["id"])
            sent.append({"workspace_id": str(workspace_id), "identifier": batch["identifier"],
                         "quantity": int(batch["quantity"])})
    return sent
