"""A local fake HTTP server for node tests: register routes, run the node, inspect what it sent.

Usage::

    from fakes import FakeServer

    @pytest.fixture
    def fake_server():
        with FakeServer() as server:
            yield server

    def test_x(fake_server):
        fake_server.route("GET", "/users", lambda req: (200, {}, {"users": []}))
        ... run a node against fake_server.url + "/users" ...
        req = fake_server.requests[-1]
        assert req.headers["authorization"] == "Bearer t"

A handler takes a :class:`Request` and returns ``(status, headers, body)``; ``body`` may be bytes,
str, or any JSON-able value (sent as ``application/json`` unless headers name a content type).
A route path may end with ``*`` to match a prefix. Unmatched requests get 404 ``{"message": ...}``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

Response = tuple[int, dict[str, str], Any]


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    #: Query parameters as lists (``{"a": ["1", "2"]}``); ``raw_query`` keeps the original string.
    query: dict[str, list[str]]
    raw_query: str
    #: Header names lower-cased.
    headers: dict[str, str]
    body: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def form(self) -> dict[str, list[str]]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return parse_qs(self.text, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default


Handler = Callable[[Request], Response]


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 with routes registered by the test."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, fixed_date: str | None = None) -> None:
        #: When set, every answer carries this Date header (deterministic full responses).
        self.fixed_date = fixed_date
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route(self, method: str, path: str, handler: Handler | Response | None = None) -> Any:
        """Register ``handler`` for ``(method, path)``; a plain ``(status, headers, body)`` tuple is
        answered every time. Without ``handler`` this is a decorator. ``method`` ``*`` matches any.
        """
        if handler is None:
            def decorator(fn: Handler) -> Handler:
                self.routes[(method.upper(), path)] = fn
                return fn
            return decorator
        if isinstance(handler, tuple):
            canned = handler
            self.routes[(method.upper(), path)] = lambda _req: canned
        else:
            self.routes[(method.upper(), path)] = handler
        return handler

    def last(self, method: str | None = None, path: str | None = None) -> Request:
        """The last request received (optionally the last one with this method/path)."""
        for req in reversed(self.requests):
            if (method is None or req.method == method.upper()) and (path is None or req.path == path):
                return req
        raise AssertionError(f"no request {method} {path} received; got {[(r.method, r.path) for r in self.requests]}")

    def find(self, method: str, path: str) -> Handler | None:
        for key in ((method, path), ("*", path)):
            if key in self.routes:
                return self.routes[key]
        best: tuple[int, Handler] | None = None
        for (m, p), fn in self.routes.items():
            if m in (method, "*") and p.endswith("*") and path.startswith(p[:-1]) and (best is None or len(p) > best[0]):
                best = (len(p), fn)
        return best[1] if best else None

    def record(self, req: Request) -> None:
        with self._lock:
            self.requests.append(req)


def _encode(headers: dict[str, str], body: Any) -> tuple[dict[str, str], bytes]:
    headers = dict(headers)
    names = {k.lower() for k in headers}
    if isinstance(body, bytes):
        data = body
        if "content-type" not in names:
            headers["Content-Type"] = "application/octet-stream"
    elif isinstance(body, str):
        data = body.encode()
        if "content-type" not in names:
            headers["Content-Type"] = "text/plain; charset=utf-8"
    elif body is None:
        data = b""
    else:
        data = json.dumps(body).encode()
        if "content-type" not in names:
            headers["Content-Type"] = "application/json; charset=utf-8"
    return headers, data


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            return server.fixed_date or super().date_time_string(timestamp)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                body = self.rfile.read(length)
            elif "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                body = self._read_chunked()
            else:
                body = b""
            req = Request(method=self.command, path=parts.path, query=parse_qs(parts.query, keep_blank_values=True),
                          raw_query=parts.query, headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            server.record(req)
            fn = server.find(self.command, parts.path)
            if fn is None:
                status, headers, payload = 404, {}, {"message": f"no route {self.command} {parts.path}"}
            else:
                try:
                    status, headers, payload = fn(req)
                except Exception as exc:  # a broken handler is a 500 the test can see
                    status, headers, payload = 500, {}, {"message": f"fake handler failed: {exc!r}"}
            headers, data = _encode(headers, payload)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "content-length" not in {k.lower() for k in headers}:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _read_chunked(self) -> bytes:
            out = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return _Handler


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A started :class:`FakeServer` on a random port, stopped after the test."""
    with FakeServer() as server:
        yield server
