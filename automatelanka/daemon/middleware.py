"""ASGI middleware: request ids, the access log, security headers, per-IP rate limits, metrics.

Plain ASGI (not ``BaseHTTPMiddleware``) so streaming responses pass straight through.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

import anyio
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from automatelanka.daemon import metrics
from automatelanka.daemon.errors import body
from automatelanka.daemon.ratelimit import Limiter, MemoryLimiter, retry_after_header

access_log = logging.getLogger("automatelanka.access")

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
            "frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
UNLIMITED_PATHS = ("/healthz", "/readyz", "/metrics")
AUTH_PATHS = ("/api/auth/login", "/api/auth/register", "/api/auth/forgot-password",
              "/api/auth/reset-password", "/api/auth/refresh")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path or "unmatched"


class RequestMiddleware:
    """Wraps every HTTP request (see module docstring)."""

    def __init__(self, app: ASGIApp, *, limiter: Limiter | None = None, rate_limit_ip: int = 0,
                 rate_limit_auth: int = 0) -> None:
        self.app = app
        self.limiter = limiter or MemoryLimiter()
        self.rate_limit_ip = rate_limit_ip
        self.rate_limit_auth = rate_limit_auth

    async def _limited(self, ip: str, path: str) -> float | None:
        checks = []
        if self.rate_limit_ip > 0:
            checks.append((f"ip:{ip}", self.rate_limit_ip))
        if self.rate_limit_auth > 0 and path in AUTH_PATHS:
            checks.append((f"auth:{ip}", self.rate_limit_auth))
        for key, limit in checks:
            if isinstance(self.limiter, MemoryLimiter):
                wait = self.limiter.hit(key, limit)
            else:  # network round trip: off the event loop
                wait = await anyio.to_thread.run_sync(self.limiter.hit, key, limit)
            if wait is not None:
                return wait
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1").strip()
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        path: str = scope.get("path", "")
        ip = (scope.get("client") or ("unknown", 0))[0]
        status = 500
        wait: float | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("Content-Security-Policy",
                                   DOCS_CSP if path.startswith(DOCS_PATHS) else API_CSP)
                if path.startswith("/api/auth/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            wait = None if path in UNLIMITED_PATHS else await self._limited(ip, path)
            if wait is not None:
                await self._too_many(send_wrapper, wait)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope) if wait is None else "rate_limited"
            metrics.observe_request(scope.get("method", ""), route, status, elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s", scope.get("method"), path, status,
                    extra={"method": scope.get("method"), "path": path, "route": route, "status": status,
                           "ms": round(elapsed * 1000, 2), "request_id": request_id, "ip": ip,
                           "workspace": state.get("workspace_id"), "user": state.get("user_id")},
                )

    @staticmethod
    async def _too_many(send: Send, wait: float) -> None:
        retry = retry_after_header(wait)
        payload = json.dumps(body("rate_limited", f"too many requests; retry in {retry} s",
                                  {"retry_after": int(retry)})).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
            (b"retry-after", retry.encode())]})
        await send({"type": "http.response.body", "body": payload})
