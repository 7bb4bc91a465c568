"""The Stripe SDK, set up from settings: one ``StripeClient`` per API key and base URL.

``stripe_api_base`` points the SDK somewhere else than Stripe (tests use a local fake). Every
mutating call passes an ``Idempotency-Key`` (see :func:`idempotency_key`). Webhook payloads are
verified with Stripe's signature scheme on the raw body (:func:`verify_event`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

TOLERANCE_S = 300


class NotConfigured(RuntimeError):
    """Billing needs ``stripe_api_key`` (and ``stripe_webhook_secret`` for webhooks)."""


class InvalidEvent(ValueError):
    """A webhook whose signature, timestamp or body is not acceptable."""


class StripeFailure(RuntimeError):
    """Stripe answered with an error (or could not be reached); the message is safe to show."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


_CLIENTS: dict[tuple[str, str], Any] = {}


def client_for(settings: Any) -> Any:
    """The ``stripe.StripeClient`` for ``settings`` (NotConfigured without an API key)."""
    key = getattr(settings, "stripe_api_key", "") or ""
    base = (getattr(settings, "stripe_api_base", "") or "").rstrip("/")
    if not key:
        raise NotConfigured("billing is not set up on this server (stripe_api_key is empty)")
    client = _CLIENTS.get((key, base))
    if client is None:
        import stripe

        options: dict[str, Any] = {"max_network_retries": 2}
        if base:
            options["base_addresses"] = {"api": base}
        client = _CLIENTS[(key, base)] = stripe.StripeClient(key, **options)
    return client


def idempotency_key(*parts: object) -> str:
    """A stable key for one logical request (the same parts give the same key)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:40]
    return f"al-{digest}"


def plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as plain dicts and lists."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def call(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call an SDK method; StripeFailure (with Stripe's message, never the key) on any error."""
    import stripe

    try:
        return plain(fn(*args, **kwargs))
    except stripe.StripeError as exc:
        message = getattr(exc, "user_message", None) or str(getattr(exc, "_message", "") or "") or type(exc).__name__
        raise StripeFailure(f"Stripe: {message}", getattr(exc, "http_status", None),
                            getattr(exc, "code", None)) from None


def verify_event(payload: bytes, signature: str | None, secret: str, tolerance: int = TOLERANCE_S) -> dict[str, Any]:
    """The event in ``payload`` if ``signature`` (the Stripe-Signature header) is valid and recent."""
    import stripe

    if not secret:
        raise NotConfigured("stripe_webhook_secret is empty")
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature, secret, tolerance)
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"invalid Stripe-Signature: {getattr(exc, '_message', None) or exc}") from None
    try:
        event = json.loads(payload)
    except ValueError:
        raise InvalidEvent("the body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise InvalidEvent("not a Stripe event (id and type expected)")
    return event
