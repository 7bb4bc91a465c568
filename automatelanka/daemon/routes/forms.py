"""n8n Form Trigger pages: ``/form/<path>`` (production) and ``/form-test/<path>`` (the saved
workflow, as ``/webhook-test/``), as n8n's server routes its form endpoints to the same live and
test webhook handlers as ``/webhook/`` and ``/webhook-test/``.

GET renders the form (the trigger's webhook method answers with the page), POST submits it; the
path is the trigger's ``options.path`` (v2.2+) or ``path`` (v2, v2.1), else its webhookId.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response

from automatelanka.daemon.routes.webhooks import METHODS, incoming, serve_path

router = APIRouter(tags=["forms"])


def _endpoint(prefix: str, test: bool) -> Callable[[str, Request], Awaitable[Response]]:
    async def form(path: str, request: Request) -> Response:
        return await serve_path(request.app, await incoming(request, f"{prefix}/{path}", test=test), path)

    form.__name__ = f"{prefix.replace('-', '_')}_page"
    return form


for _prefix, _test in (("form", False), ("form-test", True)):
    router.add_api_route(f"/{_prefix}/{{path:path}}", _endpoint(_prefix, _test), methods=METHODS,
                         include_in_schema=False)
