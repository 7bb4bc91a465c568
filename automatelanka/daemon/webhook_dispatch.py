"""``/webhook/...`` and ``/webhook-test/...`` answered before FastAPI's router.

A plain ASGI middleware installed inside the request middleware (request id, security headers,
access log, metrics, rate limits) and CORS, so webhook answers keep every header they had; it
skips route matching over the whole API, dependency solving and the ``Request`` machinery.
Errors get the same JSON bodies: an exception is handed to the app's exception handler for its
type (as Starlette's ``ExceptionMiddleware`` does), anything unhandled goes on to the server
error middleware (500). Methods the webhook routes do not serve, and every other path, go on
to the app unchanged.
"""

from __future__ import annotations

import inspect
from typing import Any

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIXES = (("/webhook/", False), ("/webhook-test/", True))


class WebhookDispatch:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: dict[bool, Any] | None = None
        self._base_urls: dict[tuple[Any, ...], str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = get_route_path(scope)
            for prefix, test in PREFIXES:
                if path.startswith(prefix):
                    from automatelanka.daemon.routes.webhooks import METHODS

                    if scope["method"] in METHODS:
                        await self._serve(scope, receive, send, path[len(prefix):], test)
                        return
                    break
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, path: str, test: bool) -> None:
        from automatelanka.daemon.routes import webhooks

        api = scope["app"]
        scope["route"] = self._route(api, test)  # the route template in metrics and the access log
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            name = key.decode("latin-1")
            if name not in headers:  # as dict(request.headers): the first of repeated headers
                headers[name] = value.decode("latin-1")
        try:
            body = await _read_body(receive)
            req = webhooks.Incoming(
                method=scope["method"], url_path=f"{'webhook-test' if test else 'webhook'}/{path}", headers=headers,
                query=webhooks.parse_query(scope.get("query_string", b"")), body=body,
                base_url=webhooks.public_base_url(api, self._base_url(scope, headers)), test=test)
            response = await webhooks.serve_path(api, req, path)
        except Exception as exc:
            handler = _handler_for(api, exc)
            if handler is None:
                raise
            response = handler(Request(scope, receive), exc)
            if inspect.isawaitable(response):
                response = await response
        await response(scope, receive, send)

    def _route(self, api: Any, test: bool) -> Any:
        if self._routes is None:
            found = {getattr(r, "path", None): r for r in api.router.routes}
            self._routes = {False: found.get("/webhook/{path:path}"), True: found.get("/webhook-test/{path:path}")}
        return self._routes[test]

    def _base_url(self, scope: Scope, headers: dict[str, str]) -> str:
        server = scope.get("server")
        key = (scope.get("scheme"), tuple(server) if server else None, headers.get("host"), scope.get("root_path", ""))
        url = self._base_urls.get(key)
        if url is None:
            url = str(Request(scope).base_url)
            if len(self._base_urls) < 256:
                self._base_urls[key] = url
        return url


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _handler_for(api: Any, exc: Exception) -> Any:
    """The app's handler for ``exc`` (by class), except the catch-all one (the server error middleware's)."""
    handlers = getattr(api, "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
