"""/api/workflows: list, create, get, update (versions), delete, import, clone, activate,
download, run, stats."""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import ApiError
from automatelanka.daemon.routes._execution_common import (
    engine,
    normalize_items,
    reading,
    runtime,
    service_errors,
    wait_finished,
)
from automatelanka.daemon.routes._execution_common import queue as run_queue
from automatelanka.services import runs as run_service
from automatelanka.services import workflows as service
from automatelanka.services.execution import run_input

router = APIRouter(prefix="/api/workflows", tags=["workflows"])
TRIGGERS = Literal["manual", "webhook", "schedule", "other"]


class WorkflowIn(BaseModel):
    """A workflow: n8n JSON (``nodes``, ``connections``...) or ``{name, tags, definition}``."""

    model_config = ConfigDict(extra="allow")
    name: str | None = Field(None, max_length=300)
    tags: list[str | dict[str, Any]] | None = None
    definition: dict[str, Any] | None = None

    def split(self) -> tuple[dict[str, Any], str | None, list[Any] | None]:
        if self.definition is not None:
            return self.definition, self.name, self.tags
        raw = self.model_dump(exclude={"definition"}, exclude_none=True)
        return raw, self.name, self.tags


class WorkflowPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=300)
    tags: list[str | dict[str, Any]] | None = None
    definition: dict[str, Any] | None = None
    message: str = Field("", max_length=500)


class RunIn(BaseModel):
    items: list[dict[str, Any]] | None = None
    input: dict[str, Any] | None = None


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "definition"}


def _conn_write(request: Request) -> Any:
    return engine(request).begin()


@router.get("", summary="Workflows of the workspace (newest first, keyset pages)")
def list_workflows(request: Request, principal: Principal = Depends(require("workflow:read")),
                   active: bool | None = None, tag: str | None = None, trigger: TRIGGERS | None = None,
                   q: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=500),
                   cursor: str | None = None) -> dict[str, Any]:
    filters = service.ListFilters(active=active, tag=tag, trigger_type=trigger, q=q)
    with service_errors(), reading(engine(request)) as conn:
        page = service.list_workflows(conn, principal.workspace_id, filters, limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("", status_code=201, summary="Create a workflow (saved inactive, version 1)")
def create_workflow(body: WorkflowIn, request: Request,
                    principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    definition, name, tags = body.split()
    with service_errors(), _conn_write(request) as conn:
        return _summary(service.create(conn, principal.workspace_id, definition, name=name, tags=tags,
                                       created_by=principal.user_id))


@router.post("/import", summary="Import workflows: one, a list, or n8n export files (multipart)")
async def import_workflows(request: Request,
                           principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    ctype = request.headers.get("content-type", "")
    items: list[Any] = []
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        files = [v for _, v in form.multi_items() if hasattr(v, "read")]
        if not files:
            raise ApiError(422, "validation_error", "file: upload at least one n8n export file",
                           [{"field": "file", "problem": "missing"}])
        for upload in files:
            try:
                items.extend(service.parse_import(await upload.read()))
            except ValueError as exc:
                items.append(ValueError(f"{upload.filename}: {exc}"))
    else:
        try:
            data = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise ApiError(422, "validation_error", f"body: not valid JSON ({exc})") from None
        if isinstance(data, dict) and isinstance(data.get("workflows"), list):
            data = data["workflows"]
        if not isinstance(data, (dict, list)):
            raise ApiError(422, "validation_error", "body: expected a workflow or a list of workflows",
                           [{"field": "body", "problem": "expected an object or a list"}])
        items = data if isinstance(data, list) else [data]

    def work() -> list[dict[str, Any]]:
        with engine(request).begin() as conn:
            return service.import_many(conn, principal.workspace_id, items, created_by=principal.user_id)

    import anyio

    results = await anyio.to_thread.run_sync(work)
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("imported", "unchanged", "failed")}
    return {"results": results, **counts}


@router.get("/{workflow_id}", summary="One workflow with its n8n definition")
def get_workflow(workflow_id: uuid.UUID, request: Request,
                 principal: Principal = Depends(require("workflow:read"))) -> dict[str, Any]:
    with service_errors(), reading(engine(request)) as conn:
        return service.get(conn, principal.workspace_id, workflow_id)


@router.api_route("/{workflow_id}", methods=["PUT", "PATCH"], summary="Change a workflow (a new definition is a new version)")
def update_workflow(workflow_id: uuid.UUID, body: WorkflowPatch, request: Request,
                    principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    default_tz = request.app.state.settings.timezone

    def save(conn: Any) -> dict[str, Any]:
        return service.update(conn, principal.workspace_id, workflow_id, definition=body.definition,
                              name=body.name, tags=body.tags, changed_by=principal.user_id, message=body.message,
                              default_timezone=default_tz)

    return _summary(_resave(request, principal, workflow_id, save, new_definition=body.definition is not None))


def _resave(request: Request, principal: Principal, workflow_id: uuid.UUID, save: Any, *,
            new_definition: bool) -> dict[str, Any]:
    """Save; an active workflow's service triggers are registered again (400 activation_failed
    when a service refuses: the save stays, the workflow is deactivated, as in n8n)."""
    from automatelanka.services import trigger_registration

    with service_errors():
        try:
            return trigger_registration.update(runtime(request), principal.workspace_id, workflow_id, save,
                                               new_definition=new_definition)
        except trigger_registration.ActivationError as exc:
            raise ApiError(400, "activation_failed", str(exc), exc.details()) from None


@router.delete("/{workflow_id}", status_code=204, summary="Delete a workflow with its versions and runs")
def delete_workflow(workflow_id: uuid.UUID, request: Request,
                    principal: Principal = Depends(require("workflow:write"))) -> Response:
    from automatelanka.services import trigger_registration

    with service_errors():
        trigger_registration.delete(runtime(request), principal.workspace_id, workflow_id)
    return Response(status_code=204)


@router.get("/{workflow_id}/versions", summary="Saved versions, newest first")
def list_versions(workflow_id: uuid.UUID, request: Request,
                  principal: Principal = Depends(require("workflow:read"))) -> dict[str, Any]:
    with service_errors(), reading(engine(request)) as conn:
        return {"items": service.versions(conn, principal.workspace_id, workflow_id)}


@router.post("/{workflow_id}/versions/{version}/restore", summary="Make an old version current (as a new version)")
def restore_version(workflow_id: uuid.UUID, version: int, request: Request,
                    principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    def save(conn: Any) -> dict[str, Any]:
        return service.restore(conn, principal.workspace_id, workflow_id, version, changed_by=principal.user_id)

    return _summary(_resave(request, principal, workflow_id, save, new_definition=True))


@router.post("/{workflow_id}/clone", status_code=201, summary="Copy a workflow (inactive)")
def clone_workflow(workflow_id: uuid.UUID, request: Request, name: str | None = Query(None, max_length=300),
                   principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    with service_errors(), _conn_write(request) as conn:
        return _summary(service.clone(conn, principal.workspace_id, workflow_id, name=name,
                                      created_by=principal.user_id))


@router.post("/{workflow_id}/activate", summary="Register its webhooks and schedules")
def activate(workflow_id: uuid.UUID, request: Request,
             principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    from automatelanka.services import schedules, trigger_registration, webhooks

    with service_errors():
        try:
            row = trigger_registration.activate(runtime(request), principal.workspace_id, workflow_id,
                                                default_timezone=request.app.state.settings.timezone)
        except trigger_registration.ActivationError as exc:
            raise ApiError(400, "activation_failed", str(exc), exc.details()) from None
    hooks = webhooks.hooks_of(row["definition"])
    sched = schedules.rules_of(row["definition"])
    return {**_summary(row), "webhooks": [{"node": h.node_name, "methods": list(h.methods),
                                           "url": h.url_path()} for h in hooks],
            "schedules": [{"node": n, "rule_index": i, "cron": c} for n, i, c, _ in sched]}


@router.post("/{workflow_id}/deactivate", summary="Unregister its webhooks and schedules")
def deactivate(workflow_id: uuid.UUID, request: Request,
               principal: Principal = Depends(require("workflow:write"))) -> dict[str, Any]:
    from automatelanka.services import trigger_registration

    with service_errors():
        return _summary(trigger_registration.deactivate(runtime(request), principal.workspace_id, workflow_id))


@router.get("/{workflow_id}/download", summary="The n8n workflow JSON file")
def download(workflow_id: uuid.UUID, request: Request,
             principal: Principal = Depends(require("workflow:read"))) -> JSONResponse:
    with service_errors(), reading(engine(request)) as conn:
        data = service.download(conn, principal.workspace_id, workflow_id)
    safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in data.get("name", "workflow")).strip() or "workflow"
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="{safe}.json"'})


@router.get("/{workflow_id}/stats", summary="Runs by status, last run, average duration")
def stats(workflow_id: uuid.UUID, request: Request,
          principal: Principal = Depends(require("workflow:read"))) -> dict[str, Any]:
    with service_errors(), reading(engine(request)) as conn:
        return service.stats(conn, principal.workspace_id, workflow_id)


def _start_node(definition: dict[str, Any]) -> str | None:
    """Manual runs start where n8n would; a webhook-only workflow starts at its Webhook node."""
    from automatelanka.services.webhooks import hooks_of

    types = {str(n.get("type", "")).rsplit(".", 1)[-1] for n in definition.get("nodes") or [] if isinstance(n, dict)}
    if types & {"manualTrigger", "scheduleTrigger", "cron", "start", "executeWorkflowTrigger"}:
        return None
    hooks = hooks_of(definition)
    return hooks[0].node_name if hooks else None


@router.post("/{workflow_id}/run", status_code=202, summary="Run a workflow now (queued; ?wait=true waits)")
async def run_workflow(workflow_id: uuid.UUID, request: Request, body: RunIn | None = None,
                       wait: bool = False, timeout: float = Query(30.0, gt=0, le=300),
                       principal: Principal = Depends(require("workflow:execute"))) -> Any:
    import anyio

    try:
        items = normalize_items(body.items if body and body.items is not None else (body.input if body else None))
    except ValueError as exc:
        raise ApiError(422, "validation_error", str(exc), [{"field": "items", "problem": str(exc)}]) from None

    def create() -> dict[str, Any]:
        with service_errors(), engine(request).begin() as conn:
            wf = service.get(conn, principal.workspace_id, workflow_id)
            return run_service.create_queued(
                conn, principal.workspace_id, workflow_id, trigger_type="manual", triggered_by=principal.user_id,
                input=run_input(items, mode="manual", start_node=_start_node(wf["definition"])))

    run = await anyio.to_thread.run_sync(create)
    if wait:
        runtime(request).waiter(run["id"])
    run_queue(request).enqueue_run(run)
    if not wait:
        return {"run_id": str(run["id"]), "status": "queued"}
    done = await wait_finished(request, principal.workspace_id, run["id"], timeout)
    if done is None:
        return JSONResponse({"run_id": str(run["id"]), "status": "queued", "timed_out": True}, status_code=202)
    from fastapi.encoders import jsonable_encoder

    return JSONResponse(jsonable_encoder({"run_id": str(run["id"]), "status": done["status"], "run": done}),
                        status_code=200)
