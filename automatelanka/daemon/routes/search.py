"""/api/ai-search: search by keywords or sentences, similar workflows, completions, recommendations."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import anyio
import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from automatelanka.daemon.deps import Principal, authorize, credentials, require
from automatelanka.daemon.errors import not_found
from automatelanka.daemon.routes._execution_common import engine, reading, service_errors
from automatelanka.services import search as service

router = APIRouter(prefix="/api/ai-search", tags=["search"])
TRIGGERS = Literal["manual", "webhook", "schedule", "other"]
COMPLEXITY = Literal["simple", "medium", "complex"]


def _ready(request: Request, principal: Principal) -> Any:
    service.refresh(engine(request), principal.workspace_id, max_age=service.FRESH_S)
    return reading(engine(request))


@router.get("/semantic", summary="Search workflows by keywords or a sentence, with filters and facets",
            dependencies=[Depends(credentials)])
async def semantic(
    request: Request,
    q: str = Query("", max_length=500, description="Keywords or a sentence ('email me new rss items')."),
    limit: int = Query(20, ge=1, le=service.MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10_000),
    trigger: TRIGGERS | None = Query(None, description="Only workflows started this way."),
    integration: str | None = Query(None, max_length=100, description="Only workflows using it ('Slack', 'slack')."),
    complexity: COMPLEXITY | None = Query(None, description="Node count: simple <= 5, medium <= 15, complex."),
    active: bool | None = None,
    public: bool | None = Query(None, description="Only public (true) or private (false) workflows."),
    include_public: bool = Query(False, description="Also search other workspaces' public workflows."),
    facets: bool = Query(False, description="Add counts per trigger, complexity, integration, visibility."),
    prefix: bool = Query(False, description="Search as you type: a free word at the end of q matches the start "
                                            "of words ('doub' finds 'Double it')."),
) -> Response:
    """Needs ``workflow:read``. The caller is resolved in the worker thread that searches (one hop
    off the event loop per request, not two), on the connection that searches (one checkout, not
    two); the answer is plain JSON, encoded there too."""
    filters = service.SearchFilters(trigger_type=trigger, integration=integration, complexity=complexity,
                                    active=active, public=public)

    def run() -> bytes:
        with reading(engine(request)) as conn:
            principal = authorize(request, "workflow:read", conn)
            if service.refresh(engine(request), principal.workspace_id, max_age=service.FRESH_S):
                conn.rollback()  # the index just changed: read it from a new snapshot
            with service_errors():
                found = service.search_workflows(conn, principal.workspace_id, q, limit=limit, offset=offset,
                                                 filters=filters, include_public=include_public, facets=facets,
                                                 prefix=prefix)
        out: dict[str, Any] = {"query": found.query, "total": found.total, "limit": limit, "offset": offset,
                               "understood": found.understood, "results": found.results}
        if facets:
            out["facets"] = found.facets
        return orjson.dumps(out)

    return Response(await anyio.to_thread.run_sync(run), media_type="application/json")


@router.get("/similar/{workflow_id}", summary="Workflows sharing integrations and structure with this one")
def similar(workflow_id: uuid.UUID, request: Request, principal: Principal = Depends(require("workflow:read")),
            limit: int = Query(10, ge=1, le=50), include_public: bool = False) -> dict[str, Any]:
    with _ready(request, principal) as conn:
        try:
            results = service.similar(conn, principal.workspace_id, workflow_id, limit=limit,
                                      include_public=include_public)
        except LookupError:
            raise not_found("workflow") from None
    return {"workflow_id": str(workflow_id), "results": results}


@router.get("/suggestions", summary="Completions for what is being typed: integrations and workflow names")
def suggestions(request: Request, principal: Principal = Depends(require("workflow:read")),
                prefix: str = Query(..., min_length=1, max_length=100), limit: int = Query(10, ge=1, le=50),
                include_public: bool = False) -> dict[str, Any]:
    with _ready(request, principal) as conn:
        items = service.suggestions(conn, principal.workspace_id, prefix, limit=limit, include_public=include_public)
    return {"prefix": prefix, "suggestions": items}


@router.get("/recommend", summary="Workflows like the ones this workspace runs and edits")
def recommend(request: Request, principal: Principal = Depends(require("workflow:read")),
              limit: int = Query(10, ge=1, le=50), include_public: bool = True) -> dict[str, Any]:
    with _ready(request, principal) as conn:
        results = service.recommend(conn, principal.workspace_id, limit=limit, include_public=include_public)
    return {"results": results}
