"""``/api/billing``: plans, usage against limits, Stripe checkout/portal/invoices and webhook.

Also the billing ``lifespan``: default plans in an empty catalogue, plan limits switched on for
the app's database, and (with Stripe configured) a background loop that retries unprocessed
Stripe events and reports overage to Stripe Billing Meters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Header, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError, not_found
from automatelanka.services import billing as service
from automatelanka.services import limits, plans, stripe_client

router = APIRouter(prefix="/api/billing", tags=["billing"])
log = logging.getLogger("automatelanka.billing")
LOOP_EVERY_S = 60.0


class PlanIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)
    price_cents: int = Field(0, ge=0)
    interval: str = Field("month", pattern="^(month|year)$")
    limits: dict[str, Any] = Field(default_factory=dict)
    stripe_price_id: str | None = Field(None, max_length=200)


class PlanPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    price_cents: int | None = Field(None, ge=0)
    limits: dict[str, Any] | None = None
    active: bool | None = None
    stripe_price_id: str | None = Field(None, max_length=200)


class SubscribeIn(BaseModel):
    plan: str = Field(min_length=1, max_length=64)
    success_url: str | None = Field(None, max_length=2000)
    cancel_url: str | None = Field(None, max_length=2000)


class PortalIn(BaseModel):
    return_url: str | None = Field(None, max_length=2000)


def _base(settings: Settings) -> str:
    return limits.upgrade_url_for(settings).removesuffix("/billing")


def _stripe(settings: Settings) -> Any:
    """The Stripe client, or the reason billing cannot be used here (409 off, 503 not set up)."""
    if not settings.billing_enabled:
        raise ApiError(409, "billing_disabled", "billing is off on this server: every limit is unlimited")
    try:
        return stripe_client.client_for(settings)
    except stripe_client.NotConfigured as exc:
        raise ApiError(503, "billing_not_configured", str(exc)) from None


@contextlib.contextmanager
def _billing_errors() -> Any:
    try:
        yield
    except service.BillingError as exc:
        field = str(exc).split(":", 1)[0] if ":" in str(exc) else "body"
        raise ApiError(422, "validation_error", str(exc), [{"field": field, "problem": str(exc)}]) from None
    except stripe_client.StripeFailure as exc:
        raise ApiError(502, "stripe_error", str(exc), {"stripe_status": exc.status, "stripe_code": exc.code}) from None


# --- plans ----------------------------------------------------------------------------------------


def _checked_limits(raw: dict[str, Any]) -> dict[str, Any]:
    try:
        return plans.check_limits(raw)
    except ValueError as exc:
        raise ApiError(422, "validation_error", str(exc),
                       [{"field": str(exc).split(":")[0], "problem": str(exc)}]) from None


@router.get("/plans", summary="The plans on offer and their limits (null = unlimited)")
def list_plans(_: deps.Identity = Depends(deps.current_identity), engine: Engine = Depends(deps.db),
               all: bool = Query(False, description="Include inactive plans")) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": plans.list_plans(conn, active_only=not all)}


@router.post("/plans", status_code=201, summary="Add a plan (platform administrators)")
def create_plan(body: PlanIn, _: deps.Identity = Depends(deps.platform_admin),
                engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    from automatelanka.store.repositories import billing as repo
    from automatelanka.store.repositories import billing_state as state

    checked = _checked_limits(body.limits)
    with engine.begin() as conn:
        if repo.get_plan_by_code(conn, body.code) is not None:
            raise ApiError(409, "conflict", f"plan {body.code!r} exists; change it with PATCH")
        repo.create_plan(conn, code=body.code, name=body.name, limits=checked, price_cents=body.price_cents,
                         interval=body.interval)
        if body.stripe_price_id:
            state.update_plan(conn, body.code, stripe_price_id=body.stripe_price_id)
        return plans.public(repo.get_plan_by_code(conn, body.code))


@router.patch("/plans/{code}", summary="Change a plan's name, price, limits, Stripe price or availability")
def update_plan(code: str, body: PlanPatch, _: deps.Identity = Depends(deps.platform_admin),
                engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    from automatelanka.store.repositories import billing as repo
    from automatelanka.store.repositories import billing_state as state

    values = body.model_dump(exclude_unset=True)
    if values.get("limits") is not None:
        values["limits"] = _checked_limits(values["limits"])
    for name in ("name", "price_cents", "limits", "active"):
        if name in values and values[name] is None:
            raise ApiError(422, "validation_error", f"{name}: may not be null", [{"field": name, "problem": "null"}])
    with engine.begin() as conn:
        if values and not state.update_plan(conn, code, **values):
            raise not_found("plan")
        row = repo.get_plan_by_code(conn, code)
    if row is None:
        raise not_found("plan")
    return plans.public(row)


# --- usage ------------------------------------------------------------------------------------------


@router.get("/usage", summary="This billing period's usage against the plan's limits")
def usage(principal: Principal = Depends(require("billing:read")),
          engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    return service.usage_report(engine, principal.workspace_id)


# --- Stripe -----------------------------------------------------------------------------------------


@router.post("/subscribe", summary="Subscribe to a plan: a Stripe Checkout URL (or a plan change)")
def subscribe(body: SubscribeIn, principal: Principal = Depends(require("billing:manage")),
              engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings),
              idempotency_key: str | None = Header(None, max_length=200)) -> dict[str, Any]:
    client = _stripe(settings)
    base = _base(settings)
    with _billing_errors():
        return service.subscribe(engine, client, principal.workspace_id, body.plan,
                                 success_url=body.success_url or f"{base}/billing?checkout=success",
                                 cancel_url=body.cancel_url or f"{base}/billing?checkout=cancelled",
                                 request_key=idempotency_key)


@router.post("/portal", summary="A Stripe Billing Portal session (payment method, invoices, cancel)")
def portal(body: PortalIn | None = None, principal: Principal = Depends(require("billing:manage")),
           engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings),
           idempotency_key: str | None = Header(None, max_length=200)) -> dict[str, Any]:
    client = _stripe(settings)
    with _billing_errors():
        return service.portal(engine, client, principal.workspace_id,
                              return_url=(body.return_url if body else None) or f"{_base(settings)}/billing",
                              request_key=idempotency_key)


@router.get("/invoices", summary="The workspace's Stripe invoices, newest first")
def invoices(principal: Principal = Depends(require("billing:read")), engine: Engine = Depends(deps.db),
             settings: Settings = Depends(deps.settings), limit: int = Query(24, ge=1, le=100)) -> dict[str, Any]:
    client = _stripe(settings)
    with _billing_errors():
        return {"items": service.invoices(engine, client, principal.workspace_id, limit=limit)}


@router.post("/webhook", summary="Stripe events (signed with Stripe-Signature); processed after the answer")
async def webhook(request: Request, background: BackgroundTasks) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.db
    payload = await request.body()
    signature = request.headers.get("stripe-signature")
    try:
        event, new = await anyio.to_thread.run_sync(
            service.receive_event, engine, payload, signature, settings.stripe_webhook_secret)
    except stripe_client.NotConfigured as exc:
        raise ApiError(503, "billing_not_configured", str(exc)) from None
    except stripe_client.InvalidEvent as exc:
        raise ApiError(400, "invalid_signature", str(exc)) from None
    if new:
        try:
            client = stripe_client.client_for(settings)
        except stripe_client.NotConfigured:
            client = None  # stored; processed once an API key is set
        if client is not None:
            background.add_task(service.process_event, engine, client, event["id"])
    return {"received": True, "id": event["id"], "duplicate": not new}


# --- lifespan ---------------------------------------------------------------------------------------


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine: Engine = app.state.db
    limits.configure(engine, settings)
    with engine.begin() as conn:
        plans.ensure_defaults(conn)
    task = None
    if settings.billing_enabled and settings.stripe_api_key:
        task = asyncio.create_task(_loop(engine, stripe_client.client_for(settings)))
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _loop(engine: Engine, client: Any) -> None:
    """Every minute: retry unprocessed Stripe events, report overage."""
    while True:
        await asyncio.sleep(LOOP_EVERY_S)
        for job in (service.process_pending, service.report_overage):
            try:
                await anyio.to_thread.run_sync(job, engine, client)
            except Exception:
                log.warning("billing %s failed; will retry", job.__name__, exc_info=True)
