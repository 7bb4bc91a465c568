"""Shopify (n8n-nodes-base.shopify v1; shopifyTool v1): orders and products over the REST Admin API 2024-07.

Base: configured ``shopify`` base URL, else ``https://<shopSubdomain>.myshopify.com/admin/api/2024-07``;
paths are appended as n8n does (``<base>/`` + ``/orders.json``). Authentication (node parameter
``authentication``, default ``apiKey``): ``apiKey`` -> shopifyApi (basic ``apiKey:password``),
``accessToken`` -> shopifyAccessTokenApi (``X-Shopify-Access-Token``), anything else ->
shopifyOAuth2Api (its token in ``X-Shopify-Access-Token``, refreshed once on 401).

Supported: order create/delete/get/getAll/update and product create/delete/get/getAll/update, with
n8n's outputs (``order``/``product`` objects, ``{success: true}`` for delete, one item per listed
row), camelCase line item / address keys sent in snake_case, and returnAll pagination over the
``Link`` header (``page_info`` pages carry only ``limit`` and ``fields``). As in n8n, the query
string is shared by all items of one run.

One deliberate difference: n8n follows the *first* ``Link`` entry, which from page 2 on is the
``rel="previous"`` one (n8n then loops between pages 1 and 2 forever); this follows the
``rel="next"`` entry, which gives n8n's result whenever n8n finishes (at most two pages).
Other resources do not exist in this node; an unknown operation fails with "not supported yet".
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Shopify"
API_VERSION = "2024-07"
_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')
#: getAll options of orders -> query keys (n8n's order)
_ORDER_QUERY = (("fields", "fields"), ("attributionAppId", "attribution_app_id"),
                ("createdAtMin", "created_at_min"), ("createdAtMax", "created_at_max"),
                ("updatedAtMax", "updated_at_max"), ("updatedAtMin", "updated_at_min"),
                ("processedAtMin", "processed_at_min"), ("processedAtMax", "processed_at_max"),
                ("sinceId", "since_id"), ("ids", "ids"), ("status", "status"),
                ("financialStatus", "financial_status"), ("fulfillmentStatus", "fulfillment_status"))
_ORDER_CREATE = (("fulfillmentStatus", "fulfillment_status"), ("inventoryBehaviour", "inventory_behaviour"),
                 ("locationId", "location_id"), ("note", "note"),
                 ("sendFulfillmentReceipt", "send_fulfillment_receipt"), ("sendReceipt", "send_receipt"),
                 ("sourceName", "source_name"), ("tags", "tags"), ("test", "test"), ("email", "email"))
_ORDER_UPDATE = (("locationId", "location_id"), ("note", "note"), ("sourceName", "source_name"),
                 ("tags", "tags"), ("email", "email"))


def snake_case(text: str) -> str:
    """change-case 4 ``snakeCase``."""
    text = re.sub(r"([a-z0-9])([A-Z])", "\\1\0\\2", text)
    text = re.sub(r"([A-Z])([A-Z][a-z])", "\\1\0\\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "\0", text).strip("\0")
    return "_".join(part.lower() for part in text.split("\0")) if text else ""


def keys_to_snake_case(elements: Any) -> list[Any]:
    """n8n's ``keysToSnakeCase``: renamed keys move to the end, as ``delete`` + assign do in JS."""
    if elements is None:
        return []
    rows = elements if isinstance(elements, list) else [elements]
    out = []
    for element in rows:
        row = dict(element) if isinstance(element, dict) else element
        if isinstance(row, dict):
            for key in list(row):
                snake = snake_case(key)
                if key != snake:
                    row[snake] = row.pop(key)
        out.append(row)
    return out


class Shopify:
    """``shopifyApiRequest`` / ``shopifyApiRequestAllItems`` with the node's credential."""

    def __init__(self, ctx: NodeContext) -> None:
        how = ctx.param("authentication", 0, "apiKey")
        kind = {"apiKey": "shopifyApi", "accessToken": "shopifyAccessTokenApi"}.get(how, "shopifyOAuth2Api")
        fields = credential(ctx, kind) or {}
        default = f"https://{fields.get('shopSubdomain')}.myshopify.com/admin/api/{API_VERSION}"
        self.base = base_url(ctx, "shopify", default)
        if kind == "shopifyApi":
            auth = {"basic": (str(fields.get("apiKey") or ""), str(fields.get("password") or ""))}
        elif kind == "shopifyAccessTokenApi":
            auth = {"header": ("X-Shopify-Access-Token", str(fields.get("accessToken") or ""))}
        else:
            auth = None
        self.api = Api(ctx, self.base, kind, fields=fields, auth=auth)

    def response(self, method: str, resource: str, i: int, body: Any = None, qs: dict[str, Any] | None = None,
                 uri: str | None = None) -> Any:
        query = dict(qs or {})
        if uri and "page_info" in uri:
            query = {k: query[k] for k in ("limit", "fields") if query.get(k)}
        return self.api.response(method, "", i, body=body or None, qs=query or None,
                                 url=uri or f"{self.base}/{resource}")

    def call(self, method: str, resource: str, i: int, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
        return decode(self.response(method, resource, i, body, qs))

    def all_items(self, prop: str, resource: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """Every page of ``prop`` (empty query values dropped first, as n8n does, from the shared query)."""
        for key in [k for k, v in qs.items() if v == ""]:
            del qs[key]
        rows: list[Any] = []
        uri: str | None = None
        while True:
            response = self.response("GET", resource, i, qs=qs, uri=uri)
            rows.extend((decode(response) or {}).get(prop) or [])
            link = response.headers.get("link") or ""
            found = _NEXT_LINK.search(link)
            if 'rel="next"' not in link or found is None:
                return rows
            uri = found.group(1)


# -- orders -------------------------------------------------------------------------------------


def _order_create(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    line_items = (ctx.param("limeItemsUi", i, {}) or {}).get("lineItemValues")
    if line_items is None:
        raise NodeError("At least one line item has to be added", item_index=i)
    body: dict[str, Any] = {"test": True, "line_items": keys_to_snake_case(line_items)}
    for name, key in _ORDER_CREATE:
        if extra.get(name):
            body[key] = extra[name]
    if extra.get("discountCodesUi"):
        body["discount_codes"] = extra["discountCodesUi"].get("discountCodesValues")
    if extra.get("billingAddressUi"):
        body["billing_address"] = _first(keys_to_snake_case(extra["billingAddressUi"].get("billingAddressValues")))
    if extra.get("shippingAddressUi"):
        body["shipping_address"] = _first(keys_to_snake_case(extra["shippingAddressUi"].get("shippingAddressValues")))
    return (shop.call("POST", "/orders.json", i, {"order": body}) or {}).get("order")


def _first(rows: list[Any]) -> Any:
    return rows[0] if rows else None


def _order_delete(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    shop.call("DELETE", f"/orders/{ctx.param('orderId', i, '')}.json", i)
    return {"success": True}


def _order_get(ctx: NodeContext, shop: Shopify, i: int, qs: dict[str, Any]) -> Any:
    options = ctx.param("options", i, {}) or {}
    if options.get("fields"):
        qs["fields"] = options["fields"]
    return (shop.call("GET", f"/orders/{ctx.param('orderId', i, '')}.json", i, qs=qs) or {}).get("order")


def _order_get_all(ctx: NodeContext, shop: Shopify, i: int, qs: dict[str, Any]) -> Any:
    options = ctx.param("options", i, {}) or {}
    for name, key in _ORDER_QUERY:
        if options.get(name):
            qs[key] = options[name]
    if ctx.param("returnAll", i, False):
        return shop.all_items("orders", "/orders.json", i, qs)
    qs["limit"] = ctx.param("limit", i, 50)
    return (shop.call("GET", "/orders.json", i, qs=qs) or {}).get("orders")


def _order_update(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    body: dict[str, Any] = {}
    for name, key in _ORDER_UPDATE:
        if fields.get(name):
            body[key] = fields[name]
    if fields.get("shippingAddressUi"):
        body["shipping_address"] = _first(keys_to_snake_case(fields["shippingAddressUi"].get("shippingAddressValues")))
    order_id = ctx.param("orderId", i, "")
    return (shop.call("PUT", f"/orders/{order_id}.json", i, {"order": body}) or {}).get("order")


# -- products -----------------------------------------------------------------------------------


def _product_body(fields: dict[str, Any]) -> dict[str, Any]:
    """The product fields with ``productOptions`` turned into an ``options`` name -> value object."""
    body = dict(fields)
    if body.get("productOptions"):
        options = {}
        for data in body["productOptions"].get("option") or []:
            options[str(data.get("name"))] = data.get("value")
        body["options"] = options
        del body["productOptions"]
    return body


def _product_id(ctx: NodeContext, i: int) -> Any:
    return ctx.param("productId", i, "")


def _product_create(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    title = ctx.param("title", i, "")
    body = _product_body(ctx.param("additionalFields", i, {}) or {})
    body["title"] = title
    return (shop.call("POST", "/products.json", i, {"product": body}) or {}).get("product")


def _product_delete(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    shop.call("DELETE", f"/products/{_product_id(ctx, i)}.json", i)
    return {"success": True}


def _product_get(ctx: NodeContext, shop: Shopify, i: int, qs: dict[str, Any]) -> Any:
    qs.update(ctx.param("additionalFields", i, {}) or {})
    return (shop.call("GET", f"/products/{_product_id(ctx, i)}.json", i, qs=qs) or {}).get("product")


def _product_get_all(ctx: NodeContext, shop: Shopify, i: int, qs: dict[str, Any]) -> Any:
    qs.update(ctx.param("additionalFields", i, {}) or {})
    if ctx.param("returnAll", i, False):
        return shop.all_items("products", "/products.json", i, qs)
    qs["limit"] = ctx.param("limit", i, 50)
    return (shop.call("GET", "/products.json", i, qs=qs) or {}).get("products")


def _product_update(ctx: NodeContext, shop: Shopify, i: int, _qs: dict[str, Any]) -> Any:
    body = _product_body(ctx.param("updateFields", i, {}) or {})
    return (shop.call("PUT", f"/products/{_product_id(ctx, i)}.json", i, {"product": body}) or {}).get("product")


_OPERATIONS = {
    ("order", "create"): _order_create, ("order", "delete"): _order_delete, ("order", "get"): _order_get,
    ("order", "getAll"): _order_get_all, ("order", "update"): _order_update,
    ("product", "create"): _product_create, ("product", "delete"): _product_delete,
    ("product", "get"): _product_get, ("product", "getAll"): _product_get_all,
    ("product", "update"): _product_update,
}


@register("n8n-nodes-base.shopify", versions=(1,), display_name="Shopify")
@register("n8n-nodes-base.shopifyTool", versions=(1,), display_name="Shopify Tool")
def shopify(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "order")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    shop = Shopify(ctx)
    qs: dict[str, Any] = {}  # one query object for the whole run, as in n8n's execute()
    return [per_item(ctx, lambda i, _item: handler(ctx, shop, i, qs))]
