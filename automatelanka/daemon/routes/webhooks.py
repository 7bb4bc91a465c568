"""Incoming webhooks (``/webhook/<path>``, ``/webhook-test/<path>``,
``/api/webhooks/<workspace>/<workflow>/<key>``) and per-webhook signing secrets.

The run row (with the request item as input) is committed before anything is answered. When
this daemon runs the worker itself, ``lastNode``/``responseNode`` webhooks execute inline in the
request's worker thread; otherwise the run is queued and the answer waits for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.daemon.routes._execution_common import (
    engine,
    reading,
    runtime,
    service_errors,
    wait_finished,
)
from automatelanka.daemon.routes._execution_common import queue as run_queue
from automatelanka.services import execution, limits, webhook_cache
from automatelanka.services import runs as run_service
from automatelanka.services import webhooks as service

router = APIRouter(tags=["webhooks"])
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
WAIT_S = 300.0


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


@contextmanager
def _refusal_recorded(eng: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID, spec: dict[str, Any],
                      test: bool) -> Iterator[None]:
    """A trigger past the plan's runs is answered 429 (plan_limit) and kept as a failed run."""
    try:
        yield
    except limits.PlanLimitExceeded as exc:
        if not test:
            with execution.writing(eng) as conn:
                limits.record_refused(conn, workspace_id, workflow_id, trigger_type="webhook", input=spec, error=exc)
        raise


def _base_url(request: Request) -> str:
    public = getattr(request.app.state.settings, "public_url", "")
    return public.rstrip("/") if public else str(request.base_url).rstrip("/")


def _reader(find: Any) -> Any:
    """``find(conn, method)`` on a read-only connection of the request's database."""
    def target_of(request: Request, method: str) -> dict[str, Any] | None:
        with service_errors(), reading(engine(request)) as conn:
            return find(conn, method)

    return target_of


async def _serve(request: Request, target_of: Any, url_path: str, *, test: bool = False) -> Response:
    """Answer a webhook request; ``target_of(request, method)`` finds its registration."""
    body = await request.body()
    method = request.method.upper()
    headers = dict(request.headers)
    query: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        query[key] = [*query[key], value] if isinstance(query.get(key), list) else (
            [query[key], value] if key in query else value)
    eng = engine(request)
    rt = runtime(request)
    inline = bool(request.app.state.run_worker)

    def work() -> tuple[service.Response | None, dict[str, Any] | None, service.Hook | None]:
        target = target_of(request, method)
        if target is None:
            raise ApiError(404, "not_found", f'The requested webhook "{method} {url_path}" is not registered.')
        try:
            service.verify(target.get("secret"), body, headers.get(service.SIGNATURE_HEADER))
        except service.SignatureError as exc:
            raise ApiError(401, "unauthenticated", str(exc)) from None
        hook = service.hook_for(target, target["node_name"])
        if hook is None:  # pragma: no cover - registration and definition disagree
            raise ApiError(404, "not_found", f'The requested webhook "{method} {url_path}" is not registered.')
        try:
            parsed = service.parse_body(body, headers.get("content-type", ""))
        except ValueError as exc:
            raise ApiError(400, "bad_request", str(exc)) from None
        item = service.request_item(headers=headers, query=query, body=parsed, test=test,
                                    webhook_url=f"{_base_url(request)}/{'webhook-test' if test else 'webhook'}/{hook.path}")
        spec = execution.run_input([item], mode="manual" if test else "webhook", start_node=hook.node_name)
        workspace_id, workflow_id = target["workspace_id"], target["workflow_id"]
        if hook.response_mode != "onReceived" and inline:
            try:
                with _refusal_recorded(eng, workspace_id, workflow_id, spec, test), execution.writing(eng) as conn:
                    run = execution.create_running(conn, rt, workspace_id, workflow_id, trigger_type="webhook",
                                                   input=spec)
            except IntegrityError:  # the workflow was deleted since its registration was cached
                webhook_cache.for_engine(eng).forget()
                raise ApiError(404, "not_found",
                               f'The requested webhook "{method} {url_path}" is not registered.') from None
            done = execution.execute_claimed(rt, run, target.get("workflow") or target["definition"])
            if done is None:
                return service.finished_response(hook, "failed", None, None), None, hook
            status = execution.STATUS.get(done.status, "failed")
            response = done.state.cache.get("webhook_response")
            output = None if response and hook.response_mode == "responseNode" else execution.run_output(done)
            return service.finished_response(hook, status, output, response), None, hook
        with _refusal_recorded(eng, workspace_id, workflow_id, spec, test), execution.writing(eng) as conn:
            run = run_service.create_queued(conn, workspace_id, workflow_id, trigger_type="webhook", input=spec)
        if hook.response_mode != "onReceived":
            rt.waiter(run["id"])
        run_queue(request).enqueue_run(run)
        if hook.response_mode == "onReceived":
            return service.received_response(hook), None, hook
        return None, run, hook

    answer, pending, hook = await anyio.to_thread.run_sync(work)
    if answer is None:
        assert pending is not None and hook is not None
        done = await wait_finished(request, pending["workspace_id"], pending["id"], WAIT_S)
        if done is None:
            raise ApiError(504, "timeout", "the workflow did not finish in time; it keeps running",
                           {"run_id": str(pending["id"])})
        output = done.get("output") or {}
        answer = service.finished_response(hook, done["status"], output, output.get("webhookResponse"))
    return _to_response(answer)


@router.api_route("/webhook/{path:path}", methods=METHODS, include_in_schema=False)
async def production_webhook(path: str, request: Request) -> Response:
    return await _serve(request, lambda req, method: webhook_cache.for_engine(engine(req)).lookup(method, path),
                        f"webhook/{path}")


@router.api_route("/webhook-test/{path:path}", methods=METHODS, include_in_schema=False)
async def test_webhook(path: str, request: Request) -> Response:
    return await _serve(request, _reader(lambda conn, method: service.resolve_test(conn, method, path)),
                        f"webhook-test/{path}", test=True)


@router.api_route("/api/webhooks/{workspace_id}/{workflow_id}/{key}", methods=METHODS,
                  summary="Trigger a workflow's webhook node by workspace, workflow and node key")
async def workflow_webhook(workspace_id: uuid.UUID, workflow_id: uuid.UUID, key: str, request: Request) -> Response:
    return await _serve(request, _reader(lambda conn, method: service.resolve_for_workflow(
        conn, workspace_id, workflow_id, key, method)), f"api/webhooks/{workspace_id}/{workflow_id}/{key}")


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
                  "production_url": f"{base}/webhook/{h.path}", "test_url": f"{base}/webhook-test/{h.path}",
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
