"""A small fake of the Stripe API on 127.0.0.1 for the stripe SDK to talk to.

It checks what a real Stripe would refuse (the secret key, required form fields, an
Idempotency-Key on every POST), replays the stored answer for a repeated Idempotency-Key, and
answers with Stripe-shaped objects. Tests set subscriptions and invoices on it, read the
requests it got, and sign webhook payloads with :func:`sign`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_fake_123"
WEBHOOK_SECRET = "whsec_test_secret"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}{int(time.time() * 1000) % 100000:05d}"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for ``payload``, as Stripe computes it."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    query: dict[str, str]
    idempotency_key: str | None


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    meter_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotent: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # --- state the tests set -------------------------------------------------------------------

    def subscription(self, customer: str, price: str, *, status: str = "active", start: int | None = None,
                     end: int | None = None, cancel_at_period_end: bool = False,
                     metadata: dict[str, str] | None = None, sub_id: str | None = None) -> dict[str, Any]:
        """Create or replace a subscription the fake will answer with."""
        start = start if start is not None else int(time.time()) - 60
        end = end if end is not None else start + 30 * 86400
        sub_id = sub_id or new_id("sub")
        item = {"id": f"si_{sub_id[4:]}", "object": "subscription_item", "quantity": 1,
                "price": {"id": price, "object": "price"}, "current_period_start": start, "current_period_end": end}
        sub = {"id": sub_id, "object": "subscription", "customer": customer, "status": status,
               "cancel_at_period_end": cancel_at_period_end, "canceled_at": None, "ended_at": None,
               "current_period_start": start, "current_period_end": end, "metadata": metadata or {},
               "items": {"object": "list", "data": [item], "has_more": False, "url": "/v1/subscription_items"}}
        if status == "canceled":
            sub["canceled_at"] = sub["ended_at"] = int(time.time())
        self.subscriptions[sub_id] = sub
        return sub

    # --- request handling -------------------------------------------------------------------------

    def handle(self, method: str, path: str, form: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if headers.get("authorization") != f"Bearer {API_KEY}":
            return _error(401, "invalid_request_error", "Invalid API Key provided")
        key = headers.get("idempotency-key")
        with self.lock:
            self.requests.append(Request(method, path, form, query, key))
            if method == "POST":
                if not key:
                    return _error(400, "invalid_request_error", "fake: every POST needs an Idempotency-Key")
                if (path, key) in self.idempotent:
                    return self.idempotent[(path, key)]
            answer = self._route(method, path, form, query)
            if method == "POST" and answer[0] < 500:
                self.idempotent[(path, key)] = answer
            return answer

    def _route(self, method: str, path: str, form: dict[str, str], query: dict[str, str]) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if (method, path) == ("POST", "/v1/customers"):
            missing = _missing(form, "metadata[workspace_id]", "name")
            if missing:
                return missing
            cus = {"id": new_id("cus"), "object": "customer", "name": form["name"],
                   "metadata": {"workspace_id": form["metadata[workspace_id]"]}}
            self.customers[cus["id"]] = cus
            return 200, cus
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            missing = _missing(form, "mode", "customer", "client_reference_id", "line_items[0][price]",
                               "line_items[0][quantity]", "success_url", "cancel_url",
                               "subscription_data[metadata][workspace_id]")
            if missing:
                return missing
            if form["mode"] != "subscription":
                return _error(400, "invalid_request_error", "mode must be subscription", "mode")
            if form["customer"] not in self.customers:
                return _error(400, "invalid_request_error", "No such customer", "customer", "resource_missing")
            sid = new_id("cs_test")
            return 200, {"id": sid, "object": "checkout.session", "mode": "subscription",
                         "customer": form["customer"], "client_reference_id": form["client_reference_id"],
                         "url": f"https://checkout.stripe.test/c/pay/{sid}", "status": "open"}
        if (method, path) == ("POST", "/v1/billing_portal/sessions"):
            missing = _missing(form, "customer", "return_url")
            if missing:
                return missing
            sid = new_id("bps")
            return 200, {"id": sid, "object": "billing_portal.session", "customer": form["customer"],
                         "return_url": form["return_url"], "url": f"https://billing.stripe.test/p/session/{sid}"}
        if (method, path) == ("GET", "/v1/invoices"):
            if "customer" not in query:
                return _error(400, "invalid_request_error", "fake: list invoices of one customer", "customer")
            data = self.invoices.get(query["customer"], [])[: int(query.get("limit", 10))]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/invoices"}
        if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
            sub = self.subscriptions.get(parts[2])
            if sub is None:
                return _error(404, "invalid_request_error", f"No such subscription: '{parts[2]}'", "id",
                              "resource_missing")
            if method == "GET":
                return 200, sub
            missing = _missing(form, "items[0][id]", "items[0][price]")
            if missing:
                return missing
            item = sub["items"]["data"][0]
            if form["items[0][id]"] != item["id"]:
                return _error(400, "invalid_request_error", "No such subscription item", "items[0][id]")
            item["price"] = {"id": form["items[0][price]"], "object": "price"}
            sub["cancel_at_period_end"] = form.get("cancel_at_period_end") == "true"
            return 200, sub
        if (method, path) == ("POST", "/v1/billing/meter_events"):
            missing = _missing(form, "event_name", "identifier", "payload[stripe_customer_id]", "payload[value]")
            if missing:
                return missing
            if form["identifier"] in self.meter_events:
                return _error(400, "invalid_request_error", "An event with this identifier already exists",
                              "identifier")
            event = {"object": "billing.meter_event", "event_name": form["event_name"],
                     "identifier": form["identifier"], "payload": {"stripe_customer_id": form[
                         "payload[stripe_customer_id]"], "value": form["payload[value]"]},
                     "timestamp": int(form.get("timestamp") or time.time())}
            self.meter_events[form["identifier"]] = event
            return 200, event
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")


def _error(status: int, kind: str, message: str, param: str | None = None,
           code: str | None = None) -> tuple[int, dict[str, Any]]:
    err: dict[str, Any] = {"type": kind, "message": message}
    if param:
        err["param"] = param
    if code:
        err["code"] = code
    return status, {"error": err}


def _missing(form: dict[str, str], *names: str) -> tuple[int, dict[str, Any]] | None:
    for name in names:
        if not form.get(name):
            return _error(400, "invalid_request_error", f"Missing required param: {name}.", name,
                          "parameter_missing")
    return None


def serve() -> tuple[FakeStripe, ThreadingHTTPServer]:
    """Start the fake on a free port of 127.0.0.1; ``server.shutdown()`` stops it."""
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(body, keep_blank_values=True))
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = fake.handle(self.command, split.path, form, query, headers)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", new_id("req"))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
