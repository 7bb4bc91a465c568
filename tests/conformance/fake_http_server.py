"""Canned HTTP answers for the http_* conformance cases, on a fixed port (default 127.0.0.1:18080).

Both n8n (when recording goldens) and ``al run`` (when checking) call this server, so every answer
is deterministic. Run it in the background while the check runs::

    .venv/bin/python tests/conformance/fake_http_server.py [--port 18080] &

Routes: ``/json/object``, ``/json/array``, ``/json/null``, ``/text``, ``/html``, ``/file.png``,
``/binary``, ``/empty``, ``/status/<code>``, ``/echo`` (any method: echoes method, query, selected
headers, body), ``/pages?page=N`` (three pages then ``[]``), ``/cursor?cursor=C`` (next URL in the
body), ``/redirect`` (302 to ``/json/object``), ``/graphql`` (echoes query, variables, operationName).
"""

from __future__ import annotations

import argparse
import base64
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine" / "nodes"))

from fakes import FakeServer, Request

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
#: Headers echoed back (others, such as user-agent, differ between clients).
ECHO_HEADERS = ("content-type", "authorization", "x-custom", "x-api-key", "accept", "x-page")


def echo(req: Request) -> tuple[int, dict[str, str], Any]:
    ctype = req.headers.get("content-type", "")
    body: Any = req.text
    if ctype.startswith("application/json") and req.body:
        body = req.json
    elif ctype.startswith("application/x-www-form-urlencoded"):
        body = {k: v if len(v) > 1 else v[0] for k, v in req.form.items()}
    elif ctype.startswith("multipart/form-data"):
        body = _multipart(req)
        ctype = "multipart/form-data"
    return 200, {}, {"method": req.method, "path": req.path, "query": req.raw_query,
                     "headers": {h: req.headers[h] if h != "content-type" else ctype
                                 for h in ECHO_HEADERS if h in req.headers},
                     "body": body}


def _multipart(req: Request) -> dict[str, Any]:
    from email.parser import BytesParser
    from email.policy import HTTP

    raw = b"Content-Type: " + req.headers["content-type"].encode() + b"\r\n\r\n" + req.body
    message = BytesParser(policy=HTTP).parsebytes(raw)
    parts: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename:
            parts[name] = {"filename": filename, "contentType": part.get_content_type(), "size": len(payload)}
        else:
            parts[name] = payload.decode()
    return parts


def pages(req: Request) -> tuple[int, dict[str, str], Any]:
    page = int(req.arg("page", "1") or 1)
    if page > 3:
        return 200, {}, []
    return 200, {}, [{"page": page, "n": page * 10 + k} for k in range(2)]


def cursor(req: Request) -> tuple[int, dict[str, str], Any]:
    n = int(req.arg("cursor", "0") or 0)
    nxt = f"http://127.0.0.1:{req.extra.get('port', 18080)}/cursor?cursor={n + 1}" if n < 2 else None
    return 200, {}, {"items": [n], "next": nxt}


def status(req: Request) -> tuple[int, dict[str, str], Any]:
    code = int(req.path.rsplit("/", 1)[-1])
    return code, {}, {"message": f"canned {code}", "code": code}


def graphql(req: Request) -> tuple[int, dict[str, str], Any]:
    payload = req.json if req.method == "POST" and req.headers.get("content-type", "").startswith(
        "application/json") else {"query": req.arg("query"), "variables": req.arg("variables")}
    return 200, {}, {"data": {"echo": payload, "auth": req.headers.get("authorization")}}


def build(port: int) -> FakeServer:
    server = FakeServer(port=port, fixed_date="Thu, 01 Jan 2026 00:00:00 GMT")
    server.route("GET", "/json/object", (200, {}, {"id": 1, "name": "Ada", "tags": ["a", "b"]}))
    server.route("GET", "/json/array", (200, {}, [{"id": 1}, {"id": 2}, {"id": 3}]))
    server.route("GET", "/json/null", (200, {"Content-Type": "application/json"}, b"null"))
    server.route("GET", "/text", (200, {}, "hello world"))
    server.route("GET", "/html", (200, {"Content-Type": "text/html; charset=utf-8"}, "<p>hi</p>"))
    server.route("GET", "/file.png", (200, {"Content-Type": "image/png"}, PNG))
    server.route("GET", "/binary", (200, {}, b"\x00\x01\x02raw"))
    server.route("GET", "/empty", (204, {}, None))
    server.route("*", "/status/*", status)
    server.route("*", "/echo", echo)
    server.route("GET", "/pages", pages)
    server.route("GET", "/cursor", lambda req: cursor(_with_port(req, port)))
    server.route("GET", "/redirect", (302, {"Location": "/json/object"}, None))
    server.route("*", "/graphql", graphql)
    return server


def _with_port(req: Request, port: int) -> Request:
    req.extra["port"] = port
    return req


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()
    server = build(args.port).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"fake http server on {server.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
