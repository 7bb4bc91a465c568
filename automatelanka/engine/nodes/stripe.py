"""Stripe (n8n-nodes-base.stripe v1): the REST API v1 with form-encoded bodies.

Base: configured ``stripe`` base URL, else https://api.stripe.com/v1; credential stripeApi (bearer
``secretKey``). Every request sends its body as ``application/x-www-form-urlencoded`` the way n8n's
``form`` option does (``qs.stringify``: nested keys as ``a[b]``, arrays by index, RFC 3986).

Supported, all the node offers:
- balance: get;
- charge: create, get, getAll, update;
- coupon: create, getAll;
- customer: create, delete, get, getAll (``filters.email``), update;
- customerCard: add, get, remove;
- meterEvent: create (``identifier``, ``timestamp``, custom payload properties);
- source: create (then attached to the customer), delete, get;
- token: create (card tokens; other types fail as in n8n).

Listings follow n8n's ``handleListing``: pages chained with ``starting_after`` while ``has_more``,
no ``limit`` sent to Stripe, cut to ``limit`` unless ``returnAll`` - and, as in n8n, an empty list
fails with "Cannot read properties of undefined (reading 'id')". The collections' JS quirks are kept
too (metadata/shipping/address moved to the end of the body, an empty ``shipping`` collection or
metadata without properties failing with n8n's TypeError text). The Stripe Trigger is elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api, js_date_ms
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Stripe"
DEFAULT_BASE = "https://api.stripe.com/v1"
#: each resource's default operation (the operation parameter's default per resource)
_DEFAULT_OPERATION = {"balance": "get", "charge": "get", "coupon": "create", "customer": "get",
                      "customerCard": "get", "meterEvent": "create", "source": "get", "token": "create"}


# -- form encoding (qs.stringify) -----------------------------------------------------------------

def _js_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
    return str(value)


def qs_stringify(data: dict[str, Any]) -> str:
    """``qs.stringify(data)`` with qs' defaults (``null`` -> ``key=``; missing keys are undefined)."""
    pairs: list[str] = []

    def enc(text: str) -> str:
        return quote(text, safe="-_.~")

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}[{key}]", inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}[{index}]", inner)
        else:
            pairs.append(f"{enc(prefix)}={enc('' if value is None else _js_string(value))}")

    for key, value in data.items():
        walk(str(key), value)
    return "&".join(pairs)


# -- requests -------------------------------------------------------------------------------------

class Stripe:
    """``stripeApiRequest``: the credential is read at the first request, as n8n does."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._api: Api | None = None

    def request(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
                qs: dict[str, Any] | None = None) -> Any:
        if self._api is None:
            self._api = Api(self.ctx, base_url(self.ctx, "stripe", DEFAULT_BASE), "stripeApi")
        kwargs: dict[str, Any] = {"headers": {"content-type": "application/x-www-form-urlencoded"}}
        form = qs_stringify(body or {})
        if form:
            kwargs["content"] = form.encode()
        return self._api.call(method, endpoint, i, qs=qs or None, **kwargs)


def _js_type_error(prop: str) -> NodeError:
    return NodeError(f"Cannot read properties of undefined (reading '{prop}')")


def _move_to_end(fields: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``{...omit(fields, [key]), key: value}`` (``value`` ``None`` for undefined: left out)."""
    out = {k: v for k, v in fields.items() if k != key}
    if value is not None:
        out[key] = value
    return out


def _key(value: Any) -> str:
    return "undefined" if value is None else _js_string(value)


def adjust_metadata(fields: dict[str, Any]) -> dict[str, Any]:
    """n8n's ``adjustMetadata``: ``metadataProperties`` pairs as one ``metadata`` object."""
    metadata = fields.get("metadata")
    if not metadata:
        return fields
    pairs = metadata.get("metadataProperties") if isinstance(metadata, dict) else None
    if not isinstance(pairs, list):
        raise _js_type_error("forEach")
    return _move_to_end(fields, "metadata", {_key(p.get("key")): p.get("value") for p in pairs})


def _adjust_shipping(fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("shipping") is None:
        return fields
    properties = fields["shipping"].get("shippingProperties") if isinstance(fields["shipping"], dict) else None
    if not isinstance(properties, list):
        raise _js_type_error("0")
    first = properties[0] if properties else None
    if not isinstance(first, dict) or not first.get("address"):
        return fields
    shipping = {k: v for k, v in first.items() if k != "address"}
    details = first["address"].get("details") if isinstance(first["address"], dict) else None
    if details is not None:
        shipping["address"] = details
    return _move_to_end(fields, "shipping", shipping)


def _adjust_address(fields: dict[str, Any]) -> dict[str, Any]:
    if not fields.get("address"):
        return fields
    address = fields["address"]
    return _move_to_end(fields, "address", address.get("details") if isinstance(address, dict) else None)


def adjust_charge_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return adjust_metadata(_adjust_shipping(fields))


def adjust_customer_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return adjust_metadata(_adjust_address(_adjust_shipping(fields)))


def handle_listing(ctx: NodeContext, api: Stripe, resource: str, i: int,
                   qs: dict[str, Any] | None = None) -> list[Any]:
    """n8n's ``handleListing``: all pages, or up to ``limit``."""
    qs = dict(qs or {})
    return_all = ctx.param("returnAll", i, False)
    limit = ctx.param("limit", i, 50)
    rows: list[Any] = []
    while True:
        response = api.request("GET", f"/{resource}s", i, qs=qs) or {}
        rows.extend(response.get("data") or [])
        if not return_all and len(rows) >= (limit or 0):
            return rows[: int(limit or 0)]
        if not rows or not isinstance(rows[-1], dict):
            raise _js_type_error("id")
        qs["starting_after"] = rows[-1].get("id")
        if not response.get("has_more"):
            return rows


# -- operations -----------------------------------------------------------------------------------

def _fields(ctx: NodeContext, name: str, i: int) -> dict[str, Any]:
    value = ctx.param(name, i, {})
    return dict(value) if isinstance(value, dict) else {}


def _updated(ctx: NodeContext, resource: str, i: int, adjust: Callable[[dict[str, Any]], dict[str, Any]]) -> dict:
    fields = _fields(ctx, "updateFields", i)
    if not fields:
        raise NodeError(f"Please enter at least one field to update for the {resource}.", item_index=i)
    return adjust(fields)


def _charge_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    body = {"customer": ctx.param("customerId", i, ""), "currency": str(ctx.param("currency", i, "")).lower(),
            "amount": ctx.param("amount", i, 0), "source": ctx.param("source", i, "")}
    extra = _fields(ctx, "additionalFields", i)
    if extra:
        body.update(adjust_charge_fields(extra))
    return api.request("POST", "/charges", i, body)


def _charge_update(ctx: NodeContext, api: Stripe, i: int) -> Any:
    body = _updated(ctx, "charge", i, adjust_charge_fields)
    return api.request("POST", f"/charges/{ctx.param('chargeId', i, '')}", i, body)


def _coupon_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    body: dict[str, Any] = {"duration": ctx.param("duration", i, "once")}
    if ctx.param("type", i, "percent") == "fixedAmount":
        body["amount_off"] = ctx.param("amountOff", i, 0)
        body["currency"] = ctx.param("currency", i, "")
    else:
        body["percent_off"] = ctx.param("percentOff", i, 1)
    return api.request("POST", "/coupons", i, body)


def _customer_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    body = {"name": ctx.param("name", i, "")}
    extra = _fields(ctx, "additionalFields", i)
    if extra:
        body.update(adjust_customer_fields(extra))
    return api.request("POST", "/customers", i, body)


def _customer_get_all(ctx: NodeContext, api: Stripe, i: int) -> Any:
    filters = _fields(ctx, "filters", i)
    qs = {"email": filters["email"]} if filters.get("email") is not None else {}
    return handle_listing(ctx, api, "customer", i, qs)


def _customer_update(ctx: NodeContext, api: Stripe, i: int) -> Any:
    body = _updated(ctx, "customer", i, adjust_customer_fields)
    return api.request("POST", f"/customers/{ctx.param('customerId', i, '')}", i, body)


def _source_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    customer = ctx.param("customerId", i, "")
    body = {"type": ctx.param("type", i, "wechat"), "amount": ctx.param("amount", i, 0),
            "currency": ctx.param("currency", i, "")}
    extra = _fields(ctx, "additionalFields", i)
    if extra:
        body.update(adjust_metadata(extra))
    source = api.request("POST", "/sources", i, body)
    source_id = source.get("id") if isinstance(source, dict) else None
    api.request("POST", f"/customers/{customer}/sources", i, {"source": source_id})
    return source


def _token_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    if ctx.param("type", i, "cardToken") != "cardToken":
        raise NodeError("Only card token creation implemented.", item_index=i)
    card = {"number": ctx.param("number", i, ""), "exp_month": ctx.param("expirationMonth", i, ""),
            "exp_year": ctx.param("expirationYear", i, ""), "cvc": ctx.param("cvc", i, "")}
    return api.request("POST", "/tokens", i, {"card": card})


def _meter_event_create(ctx: NodeContext, api: Stripe, i: int) -> Any:
    payload: dict[str, Any] = {"stripe_customer_id": ctx.param("customerId", i, ""),
                               "value": ctx.param("value", i, 1)}
    body: dict[str, Any] = {"event_name": ctx.param("eventName", i, ""), "payload": payload}
    extra = _fields(ctx, "additionalFields", i)
    if extra.get("identifier"):
        body["identifier"] = extra["identifier"]
    if extra.get("timestamp"):
        ms = js_date_ms(extra["timestamp"])
        body["timestamp"] = float("nan") if ms is None else ms // 1000
    properties = (extra.get("customPayload") or {}).get("properties") if extra.get("customPayload") else None
    for prop in properties or []:
        if prop.get("key") not in ("stripe_customer_id", "value"):
            payload[_key(prop.get("key"))] = prop.get("value")
    return api.request("POST", "/billing/meter_events", i, body)


def _get(path: Callable[[NodeContext, int], str], method: str = "GET") -> Callable[..., Any]:
    return lambda ctx, api, i: api.request(method, path(ctx, i), i)


def _p(ctx: NodeContext, name: str, i: int) -> Any:
    return ctx.param(name, i, "")


_OPERATIONS: dict[tuple[str, str], Callable[[NodeContext, Stripe, int], Any]] = {
    ("balance", "get"): _get(lambda ctx, i: "/balance"),
    ("customerCard", "add"): lambda ctx, api, i: api.request(
        "POST", f"/customers/{_p(ctx, 'customerId', i)}/sources", i, {"source": _p(ctx, "token", i)}),
    ("customerCard", "remove"): _get(
        lambda ctx, i: f"/customers/{_p(ctx, 'customerId', i)}/sources/{_p(ctx, 'cardId', i)}", "DELETE"),
    ("customerCard", "get"): _get(
        lambda ctx, i: f"/customers/{_p(ctx, 'customerId', i)}/sources/{_p(ctx, 'sourceId', i)}"),
    ("charge", "create"): _charge_create,
    ("charge", "get"): _get(lambda ctx, i: f"/charges/{_p(ctx, 'chargeId', i)}"),
    ("charge", "getAll"): lambda ctx, api, i: handle_listing(ctx, api, "charge", i),
    ("charge", "update"): _charge_update,
    ("coupon", "create"): _coupon_create,
    ("coupon", "getAll"): lambda ctx, api, i: handle_listing(ctx, api, "coupon", i),
    ("customer", "create"): _customer_create,
    ("customer", "delete"): _get(lambda ctx, i: f"/customers/{_p(ctx, 'customerId', i)}", "DELETE"),
    ("customer", "get"): _get(lambda ctx, i: f"/customers/{_p(ctx, 'customerId', i)}"),
    ("customer", "getAll"): _customer_get_all,
    ("customer", "update"): _customer_update,
    ("source", "create"): _source_create,
    ("source", "delete"): _get(
        lambda ctx, i: f"/customers/{_p(ctx, 'customerId', i)}/sources/{_p(ctx, 'sourceId', i)}", "DELETE"),
    ("source", "get"): _get(lambda ctx, i: f"/sources/{_p(ctx, 'sourceId', i)}"),
    ("token", "create"): _token_create,
    ("meterEvent", "create"): _meter_event_create,
}


@register("n8n-nodes-base.stripe", versions=(1,), display_name="Stripe")
@register("n8n-nodes-base.stripeTool", versions=(1,), display_name="Stripe Tool")
def stripe(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "balance")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = Stripe(ctx)
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i))]
