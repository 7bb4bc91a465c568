"""Webhook methods of trigger nodes: n8n's ``webhook()`` (IWebhookFunctions -> IWebhookResponseData).

A node type served at ``/webhook/<webhookId>/<path>`` (or, ``route``, at a path of its own, as
the Form Trigger's ``/form/<path>``) declares how a request becomes its run::

    @webhook_method("n8n-nodes-base.stripeTrigger")
    def stripe(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
        if req.body.get("type") not in ctx.param("events", 0, []):
            return WebhookResult()                  # n8n ``return {}``: no run
        return WebhookResult(json_array(req.body))  # ``workflowData``

``ctx`` is a NodeContext of the trigger node on an empty input (``ctx.param`` resolves parameters,
credentials come through ``ctx.state.services``, :func:`node_static` is
``getWorkflowStaticData('node')``). The platform answers as n8n's ``executeWebhook`` does:

- ``response`` set (``noWebhookResponse``: the node wrote the answer itself): send it;
- no ``items`` (``workflowData`` undefined): no run; answer ``webhook_response`` if set, else
  ``{"message": "Webhook call received"}`` (status 200);
- ``items``: the run starts with them as the trigger node's output; an ``onReceived`` answer is
  ``webhook_response`` when set, else ``{"message": "Workflow was started"}``.

Types without a declared method keep the platform's generic request item.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from automatelanka.engine.items import Item
from automatelanka.engine.nodes.base import NodeContext, _ensure_registered

#: ``webhookResponse`` left undefined.
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET", "__bool__": lambda self: False})()


@dataclass
class WebhookRequest:
    """What ``IWebhookFunctions`` exposes of the request.

    ``headers`` have lower-case names; ``body`` is the parsed body (JSON, urlencoded form, text,
    ``{}`` when empty); ``raw_body`` the bytes as received; ``webhook_name`` n8n's
    ``getWebhookName()`` (``setup`` for a type's verification method, else ``default``).
    """

    method: str
    headers: Mapping[str, str]
    query: dict[str, Any]
    body: Any
    raw_body: bytes = b""
    params: dict[str, Any] = field(default_factory=dict)
    webhook_name: str = "default"
    #: ``manual`` for a test URL (``getMode()``), else ``webhook``.
    mode: str = "webhook"

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class HttpResponse:
    """An answer a webhook method writes itself (status, headers, body: JSON value, str or None)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WebhookResult:
    """n8n's IWebhookResponseData: ``workflowData[0]`` as ``items``, ``webhookResponse``, and the
    response of a ``noWebhookResponse`` method."""

    items: list[Item] | None = None
    webhook_response: Any = UNSET
    response: HttpResponse | None = None


WebhookMethod = Callable[[NodeContext, WebhookRequest], WebhookResult]


@dataclass(frozen=True)
class WebhookSpec:
    """A type's webhook method and its webhooks (method -> webhook name), served at ``<id>/<path>``."""

    method: WebhookMethod
    webhooks: tuple[tuple[str, str], ...] = (("POST", "default"),)
    path: str = "webhook"
    #: n8n's ``isFullPath`` webhooks: the node's whole path from its JSON (None: ``<webhookId>/<path>``).
    route: Callable[[dict[str, Any]], str] | None = None

    @property
    def http_methods(self) -> tuple[str, ...]:
        return tuple(m for m, _ in self.webhooks)

    def name_for(self, http_method: str) -> str:
        return next((name for m, name in self.webhooks if m == http_method.upper()), "default")


WEBHOOKS: dict[str, WebhookSpec] = {}


def webhook_method(*node_types: str, setup: str | None = None, default: str = "POST",
                   path: str = "webhook", route: Callable[[dict[str, Any]], str] | None = None,
                   ) -> Callable[[WebhookMethod], WebhookMethod]:
    """Declare ``fn`` the webhook method of ``node_types``: ``default`` is the HTTP method of the
    ``default`` webhook, ``setup`` that of a verification webhook (``GET`` or ``HEAD``) if any;
    ``route(node)`` the full path of a node when the type's webhooks are ``isFullPath``."""

    def decorate(fn: WebhookMethod) -> WebhookMethod:
        hooks = ((setup, "setup"),) if setup else ()
        spec = WebhookSpec(fn, ((default, "default"), *hooks), path, route)
        for node_type in node_types:
            WEBHOOKS[node_type] = spec
        return fn

    return decorate


def webhook_spec(node_type: str) -> WebhookSpec | None:
    """The declared webhook method of ``node_type`` (imports the modules implementing it)."""
    _ensure_registered(node_type)
    return WEBHOOKS.get(node_type)


# --- helpers the methods share ------------------------------------------------------------------


def json_array(data: Any) -> list[Item]:
    """``helpers.returnJsonArray``: one item per element (an object is one element); an element
    that already has a truthy ``json`` key is taken as an item."""
    out: list[Item] = []
    for value in data if isinstance(data, list) else [data]:
        if isinstance(value, dict) and value.get("json"):
            out.append({**value, "json": value["json"]})
        else:
            out.append({"json": value})
    return out


def node_static(ctx: NodeContext) -> dict[str, Any]:
    """``getWorkflowStaticData('node')``: the dict under ``node:<name>``."""
    return ctx.state.static_data.setdefault(f"node:{ctx.node.name}", {})


def credential_fields(ctx: NodeContext, credential_type: str) -> dict[str, Any] | None:
    """The node's credential of ``credential_type`` (None when the node has none connected)."""
    from automatelanka.engine.nodes._http import credential

    return credential(ctx, credential_type, required=False)


def hmac_hex(algorithm: str, key: str | bytes, data: bytes | str) -> str:
    key = key.encode() if isinstance(key, str) else key
    data = data.encode() if isinstance(data, str) else data
    return hmac.new(key, data, getattr(hashlib, algorithm)).hexdigest()


def hmac_b64(algorithm: str, key: str | bytes, data: bytes | str) -> str:
    key = key.encode() if isinstance(key, str) else key
    data = data.encode() if isinstance(data, str) else data
    return base64.b64encode(hmac.new(key, data, getattr(hashlib, algorithm)).digest()).decode()


def js_includes(values: Any, value: Any) -> bool:
    """``array.includes(value)`` (strings: substring, as ``String.prototype.includes``)."""
    if isinstance(values, str):
        return isinstance(value, str) and value in values
    return isinstance(values, list) and value in values


def unauthorized() -> WebhookResult:
    """``res.status(401).send('Unauthorized').end()``; ``noWebhookResponse``."""
    return WebhookResult(response=HttpResponse(401, "Unauthorized", {"content-type": "text/html; charset=utf-8"}))


def text_answer(text: Any, status: int = 200) -> WebhookResult:
    """``res.status(status).send(text)``: Express sends a string as text/html."""
    if text is None:
        return WebhookResult(response=HttpResponse(status))
    if isinstance(text, (dict, list)):
        return WebhookResult(response=HttpResponse(status, text))
    return WebhookResult(response=HttpResponse(status, str(text), {"content-type": "text/html; charset=utf-8"}))


def empty_answer(status: int = 200, headers: dict[str, str] | None = None) -> WebhookResult:
    """``res.status(status).end()``: no body."""
    return WebhookResult(response=HttpResponse(status, None, dict(headers or {})))


def basic_auth(header: str | None) -> tuple[str, str] | None:
    """The ``basic-auth`` package: ``Basic <base64 user:pass>`` (None when absent or malformed)."""
    match = re.fullmatch(r" *[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9._~+/-]+=*) *", header or "")
    if not match:
        return None
    try:
        text = base64.b64decode(match.group(1)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep else None
