"""Incoming webhooks (``/webhook/<path>``, ``/webhook-test/<path>``,
``/api/webhooks/<workspace>/<workflow>/<key>``) and per-webhook signing secrets.

``/webhook/`` and ``/webhook-test/`` requests are answered by :mod:`~automatelanka.daemon.
webhook_dispatch` before FastAPI's router (the routes below serve them too, e.g. when that shortcut
is not installed); everything goes through :func:`serve`.

The run row (with the request item as input) is committed before anything is answered. When
this daemon runs the worker itself, ``lastNode``/``responseNode`` webhooks execute inline: on the
event loop when every node of the workflow is quick, pure computation (:func:`loop_safe`), else in
a worker thread. Their writes go through the app's group-commit :class:`~automatelanka.services.
writer.Writer` (one transaction before executing, one after). Otherwise the run is queued and the
answer waits for it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.daemon.routes._execution_common import (
    engine,
    reading,
    service_errors,
    wait_finished,
)
from automatelanka.services import execution, limits, webhook_cache
from automatelanka.services import runs as run_service
from automatelanka.services import webhooks as service

router = APIRouter(tags=["webhooks"])
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
WAIT_S = 300.0
#: Node types quick enough, and free of I/O, to execute on the event loop.
LOOP_SAFE_TYPES = frozenset(f"n8n-nodes-base.{name}" for name in (
    "webhook", "set", "if", "switch", "filter", "noOp", "respondToWebhook", "merge", "stickyNote", "splitOut",
    "aggregate", "sort", "limit", "renameKeys", "summarize", "itemLists", "splitInBatches"))
#: A workflow whose loop-executed runs use more CPU than this ``LOOP_STRIKES`` times in a row (the
#: first run of a thread also sets up its JavaScript runtime) moves to the worker threads for good.
LOOP_BUDGET_S = 0.02
LOOP_STRIKES = 3


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The group-commit writer of inline webhook runs (``app.state.webhook_writer``): on the event
    loop for SQLite, a thread for PostgreSQL (whose round trips must not hold up the loop)."""
    from automatelanka.services.writer import LoopWriter, Writer

    db = app.state.db
    if db.dialect.name == "sqlite":
        app.state.webhook_writer = loop_writer = LoopWriter(db, asyncio.get_running_loop())
        try:
            yield
        finally:
            loop_writer.close()
        return
    app.state.webhook_writer = writer = Writer(db)
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(writer.close)


@dataclass
class Incoming:
    """A webhook request, as :func:`serve` needs it."""

    method: str
    url_path: str
    headers: dict[str, str]
    query: dict[str, Any]
    body: bytes
    base_url: str
    test: bool = False


def query_of(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """n8n's query object: repeated keys become lists."""
    query: dict[str, Any] = {}
    for key, value in pairs:
        query[key] = [*query[key], value] if isinstance(query.get(key), list) else (
            [query[key], value] if key in query else value)
    return query


def parse_query(raw: bytes) -> dict[str, Any]:
    return query_of(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)) if raw else {}


def _to_response(answer: service.Response) -> Response:
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    body = answer.body
    if body is None:
        return Response(status_code=answer.status, headers=headers)
    if isinstance(body, (bytes, bytearray)):
        return Response(bytes(body), status_code=answer.status, headers=headers)
    if isinstance(body, str):
        media = next((v for k, v in headers.items() if k.lower() == "content-type"), "text/plain; charset=utf-8")
        return Response(body, status_code=answer.status, headers=headers, media_type=media)
    return JSONResponse(body, status_code=answer.status, headers=headers)


def public_base_url(app: Any, request_base_url: str) -> str:
    public = getattr(app.state.settings, "public_url", "")
    return public.rstrip("/") if public else request_base_url.rstrip("/")


def loop_safe(target: dict[str, Any]) -> bool:
    """Whether runs of this (cached) registration may execute on the event loop: every node is of a
    quick, I/O-free type, the workflow keeps no static data, and its runs there stay within
    ``LOOP_BUDGET_S`` of CPU."""
    safe = target.get("loop_safe")
    if safe is None:
        nodes = (target.get("definition") or {}).get("nodes") or []
        safe = all(isinstance(n, dict) and n.get("type") in LOOP_SAFE_TYPES for n in nodes)
        if safe:  # static data is read and saved around the run: database I/O
            from automatelanka.services import static_data

            safe = not static_data.uses_static_data(target.get("workflow") or target.get("definition") or {})
        target["loop_safe"] = safe
    return safe


def _not_registered(req: Incoming) -> ApiError:
    return ApiError(404, "not_found", f'The requested webhook "{req.method} {req.url_path}" is not registered.')


@dataclass
class Prepared:
    """A checked request: its Hook, the run's input (None: no run) and an answer to send at once
    (None: answer as the hook's response mode says)."""

    hook: service.Hook
    spec: dict[str, Any] | None
    answer: service.Response | None = None


def _checked(req: Incoming, target: dict[str, Any] | None) -> tuple[service.Hook, Any]:
    """Check the request against its registration: its Hook and parsed body (else ApiError)."""
    if target is None:
        raise _not_registered(req)
    try:
        service.verify(target.get("secret"), req.body, req.headers.get(service.SIGNATURE_HEADER))
    except service.SignatureError as exc:
        raise ApiError(401, "unauthenticated", str(exc)) from None
    hook = service.hook_for(target, target["node_name"])
    if hook is None:  # pragma: no cover - registration and definition disagree
        raise _not_registered(req)
    try:
        parsed = service.parse_body(req.body, req.headers.get("content-type", ""))
    except ValueError as exc:
        if hook.kind != "form":  # a form's webhook method reads its multipart body itself
            raise ApiError(400, "bad_request", str(exc)) from None
        parsed = {}
    return hook, parsed


def _run_spec(req: Incoming, hook: service.Hook, items: list[dict[str, Any]]) -> dict[str, Any]:
    spec = execution.run_input(items, mode="manual" if req.test else "webhook", start_node=hook.node_name)
    spec["trigger_context"] = {"method": req.method}  # a multipleMethods Webhook node routes by it
    return spec


def _prepare(req: Incoming, target: dict[str, Any] | None) -> Prepared:
    """A Webhook node's request: the run's input is n8n's request item."""
    hook, parsed = _checked(req, target)
    if hook.kind == "form":  # a form submission without a webhook method: its fields are the item
        item = {"json": parsed if isinstance(parsed, dict) else {"data": parsed}}
    else:
        url = f"{req.base_url}/{'webhook-test' if req.test else 'webhook'}/{hook.path}"
        item = service.request_item(headers=req.headers, query=req.query, body=parsed, test=req.test,
                                    webhook_url=url)
    return Prepared(hook, _run_spec(req, hook, [item]))


def _is_trigger(target: dict[str, Any] | None) -> bool:
    """Whether the registration is a service or form trigger's (not a Webhook node's)."""
    hook = service.hook_for(target, target["node_name"]) if target is not None else None
    return hook is not None and hook.kind != "webhook"


def _prepare_trigger(app: Any, req: Incoming, target: dict[str, Any] | None) -> Prepared:
    """A service or form trigger's request through its type's webhook method (n8n's webhook()):
    the items it returns start the run; "no run" answers what it says (in a worker thread: the
    method may read credentials and static data)."""
    from automatelanka.engine.nodes._webhook import WebhookRequest

    hook, parsed = _checked(req, target)
    assert target is not None
    request = WebhookRequest(method=req.method, headers={k.lower(): v for k, v in req.headers.items()},
                             query=req.query, body=parsed, raw_body=req.body,
                             mode="manual" if req.test else "webhook")
    result = service.call_trigger(app.state.runtime, target, hook, request)
    if result is None:
        return _prepare(req, target)
    answer = service.trigger_answer(result)
    return Prepared(hook, None if result.items is None else _run_spec(req, hook, result.items), answer)


def _create_running(rt: execution.Runtime, target: dict[str, Any], spec: dict[str, Any], conn: Any) -> dict[str, Any]:
    return execution.create_running(conn, rt, target["workspace_id"], target["workflow_id"], trigger_type="webhook",
                                    input=spec)


def _record_refused(target: dict[str, Any], spec: dict[str, Any], exc: limits.PlanLimitExceeded, conn: Any) -> None:
    limits.record_refused(conn, target["workspace_id"], target["workflow_id"], trigger_type="webhook", input=spec,
                          error=exc)


async def _inline(app: Any, req: Incoming, target: dict[str, Any], hook: service.Hook,
                  spec: dict[str, Any]) -> service.Response:
    """Persist the run, execute it in this process, store its outcome: the webhook's answer."""
    rt, writer = app.state.runtime, app.state.webhook_writer
    if loop_safe(target):  # quick: executed here, written once with its outcome (when no limit applies)
        run = execution.unsaved_run(rt, target["workspace_id"], target["workflow_id"], trigger_type="webhook",
                                    input=spec)
        if run is not None:
            return await _on_loop(app, req, target, hook, run, execution.execute_unsaved_deferred)
    try:
        run = await asyncio.wrap_future(writer.submit(partial(_create_running, rt, target, spec)))
    except limits.PlanLimitExceeded as exc:  # answered 429 (plan_limit) and kept as a failed run
        if not req.test:
            await asyncio.wrap_future(writer.submit(partial(_record_refused, target, spec, exc)))
        raise
    except IntegrityError:  # the workflow was deleted since its registration was cached
        webhook_cache.for_engine(app.state.db).forget()
        raise _not_registered(req) from None
    if loop_safe(target):
        return await _on_loop(app, req, target, hook, run, execution.execute_claimed_deferred)
    workflow = target.get("workflow") or target["definition"]
    done, stored = await anyio.to_thread.run_sync(execution.execute_claimed_deferred, rt, run, workflow,
                                                  writer.submit)
    await asyncio.wrap_future(stored)
    return _answer(hook, done)


async def _on_loop(app: Any, req: Incoming, target: dict[str, Any], hook: service.Hook, run: dict[str, Any],
                   execute: Callable[..., Any]) -> service.Response:
    """Execute ``run`` on the event loop (a :func:`loop_safe` workflow), wait for its write, answer."""
    began = time.thread_time()
    done, stored = execute(app.state.runtime, run, target.get("workflow") or target["definition"],
                           app.state.webhook_writer.submit)
    if time.thread_time() - began > LOOP_BUDGET_S:
        strikes = target["loop_strikes"] = target.get("loop_strikes", 0) + 1
        if strikes >= LOOP_STRIKES:
            target["loop_safe"] = False
    else:  # strikes count in a row: a garbage collection now and then is not a slow workflow
        target["loop_strikes"] = 0
    try:
        await asyncio.wrap_future(stored)
    except IntegrityError:  # the workflow was deleted since its registration was cached
        webhook_cache.for_engine(app.state.db).forget()
        raise _not_registered(req) from None
    return _answer(hook, done)


def _answer(hook: service.Hook, done: Any) -> service.Response:
    """The webhook's answer from a finished Execution (None: the engine crashed)."""
    if done is None:
        return service.finished_response(hook, "failed", None, None)
    status = execution.STATUS.get(done.status, "failed")
    response = done.state.cache.get("webhook_response")
    output = None if response and hook.response_mode == "responseNode" else execution.run_output(done)
    return service.finished_response(hook, status, output, response)


async def serve(app: Any, req: Incoming, find: Callable[[str], dict[str, Any] | None], *,
                cached: Callable[[str], Any] | None = None) -> Response:
    """Answer a webhook request. ``find(method)`` reads its registration (in a thread);
    ``cached(method)``, if given, answers from memory first (``webhook_cache.MISSING``: not known)."""
    target = cached(req.method) if cached is not None else webhook_cache.MISSING
    if target is webhook_cache.MISSING:
        target = await anyio.to_thread.run_sync(find, req.method)
    if _is_trigger(target):
        prepared = await anyio.to_thread.run_sync(_prepare_trigger, app, req, target)
    else:
        prepared = _prepare(req, target)
    hook, spec = prepared.hook, prepared.spec
    assert target is not None
    if spec is None:  # the trigger's webhook method started nothing
        return _to_response(prepared.answer or service.received_response(hook))
    if hook.response_mode != "onReceived" and app.state.run_worker and prepared.answer is None:
        return _to_response(await _inline(app, req, target, hook, spec))

    def enqueue() -> dict[str, Any]:
        eng = app.state.db
        try:
            with execution.writing(eng) as conn:
                run = run_service.create_queued(conn, target["workspace_id"], target["workflow_id"],
                                                trigger_type="webhook", input=spec)
        except limits.PlanLimitExceeded as exc:
            if not req.test:
                with execution.writing(eng) as conn:
                    _record_refused(target, spec, exc, conn)
            raise
        if hook.response_mode != "onReceived":
            app.state.runtime.waiter(run["id"])
        app.state.queue.enqueue_run(run)
        return run

    pending = await anyio.to_thread.run_sync(enqueue)
    if prepared.answer is not None:  # a webhook method's own answer (webhookResponse, noWebhookResponse)
        return _to_response(prepared.answer)
    if hook.response_mode == "onReceived":
        return _to_response(service.received_response(hook))
    done = await wait_finished(app, pending["workspace_id"], pending["id"], WAIT_S)
    if done is None:
        raise ApiError(504, "timeout", "the workflow did not finish in time; it keeps running",
                       {"run_id": str(pending["id"])})
    output = done.get("output") or {}
    return _to_response(service.finished_response(hook, done["status"], output, output.get("webhookResponse")))


def serve_path(app: Any, req: Incoming, path: str) -> Any:
    """:func:`serve` for ``/webhook/<path>`` (cached registrations) or ``/webhook-test/<path>``."""
    if req.test:
        def find_test(method: str) -> dict[str, Any] | None:
            with service_errors(), reading(app.state.db) as conn:
                return service.resolve_test(conn, method, path)

        return serve(app, req, find_test)
    cache = webhook_cache.for_engine(app.state.db)
    return serve(app, req, lambda method: cache.lookup(method, path), cached=lambda method: cache.peek(method, path))


async def incoming(request: Request, url_path: str, *, test: bool = False) -> Incoming:
    return Incoming(method=request.method.upper(), url_path=url_path, headers=dict(request.headers),
                    query=query_of(request.query_params.multi_items()), body=await request.body(),
                    base_url=public_base_url(request.app, str(request.base_url)), test=test)


def _base_url(request: Request) -> str:
    return public_base_url(request.app, str(request.base_url))


@router.api_route("/webhook/{path:path}", methods=METHODS, include_in_schema=False)
async def production_webhook(path: str, request: Request) -> Response:
    return await serve_path(request.app, await incoming(request, f"webhook/{path}"), path)


@router.api_route("/webhook-test/{path:path}", methods=METHODS, include_in_schema=False)
async def test_webhook(path: str, request: Request) -> Response:
    return await serve_path(request.app, await incoming(request, f"webhook-test/{path}", test=True), path)


@router.api_route("/api/webhooks/{workspace_id}/{workflow_id}/{key}", methods=METHODS,
                  summary="Trigger a workflow's webhook node by workspace, workflow and node key")
async def workflow_webhook(workspace_id: uuid.UUID, workflow_id: uuid.UUID, key: str, request: Request) -> Response:
    def find(method: str) -> dict[str, Any] | None:
        with service_errors(), reading(engine(request)) as conn:
            return service.resolve_for_workflow(conn, workspace_id, workflow_id, key, method)

    req = await incoming(request, f"api/webhooks/{workspace_id}/{workflow_id}/{key}")
    return await serve(request.app, req, find)


# --- signing secrets --------------------------------------------------------------------------------


@router.get("/api/workflows/{workflow_id}/webhooks", summary="The workflow's webhook endpoints")
def list_webhooks(workflow_id: uuid.UUID, request: Request,
                  principal: Principal = Depends(require("workflow:read"))) -> dict[str, Any]:
    from automatelanka.services import workflows
    from automatelanka.store.repositories import webhook_secrets

    base = _base_url(request)
    with service_errors(), reading(engine(request)) as conn:
        wf = workflows.get(conn, principal.workspace_id, workflow_id)
        items = [{"node": h.node_name, "methods": list(h.methods), "path": h.path,
                  "production_url": f"{base}{h.url_path()}", "test_url": f"{base}{h.url_path(test=True)}",
                  "response_mode": h.response_mode, "active": bool(wf["active"]),
                  "signed": webhook_secrets.get_secret(conn, principal.workspace_id, workflow_id, h.node_name)
                  is not None}
                 for h in service.hooks_of(wf["definition"])]
    return {"items": items}


@router.post("/api/workflows/{workflow_id}/webhooks/{node}/secret", status_code=201,
             summary="Require signed requests: a new HMAC-SHA256 secret (shown once)")
def create_secret(workflow_id: uuid.UUID, node: str, request: Request,
                  principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    with service_errors(), engine(request).begin() as conn:
        secret = service.create_secret(conn, principal.workspace_id, workflow_id, node)
    return {"secret": secret, "header": "X-AL-Signature",
            "format": "sha256=<hex HMAC-SHA256 of the raw request body with this secret>"}


@router.delete("/api/workflows/{workflow_id}/webhooks/{node}/secret", status_code=204,
               summary="Stop requiring signed requests")
def delete_secret(workflow_id: uuid.UUID, node: str, request: Request,
                  principal: Principal = Depends(require("workflow:write"))) -> Response:
    with service_errors(), engine(request).begin() as conn:
        service.delete_secret(conn, principal.workspace_id, workflow_id, node)
    return Response(status_code=204)
