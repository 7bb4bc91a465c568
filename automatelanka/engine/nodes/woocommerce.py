"""WooCommerce (n8n-nodes-base.wooCommerce v1, also as wooCommerceTool): customers, products, orders.

Base: configured ``woocommerce`` base URL, else ``<credential url>/wp-json/wc/v3``; wooCommerceApi
credential: basic auth with the consumer key and secret, or ``consumer_key``/``consumer_secret`` in the
query when ``includeCredentialsInQuery`` is true.

- customer create/delete (``force=true``)/get/getAll/update: ``additionalFields``/``updateFields`` go
  into the body as they are, ``meta_data.meta_data_fields`` flattened to ``meta_data``;
- product create/update/get/getAll/delete (``force=true``): fields snake-cased (``tags`` and
  ``categories`` become ``[{id}]``), ``imagesUi``, ``dimensionsUi``, ``metadataUi``;
- order create/update/get/getAll/delete: billing/shipping and the line collections snake-cased
  (``setMetadata`` + ``toSnakeCase``, renamed keys move to the end as in JS).

As in n8n the query object is shared by all items of a run (a filter of one item goes with the next),
getAll without returnAll sends ``per_page=<limit>``; returnAll follows the ``Link: rel="next"``
header with ``per_page=100`` (customer getAll with returnAll sends no filters, as n8n's code does, and
an answer without a ``Link`` header fails as n8n's ``headers.link.split`` does). Each answer is one
item per element, paired with its input; errors are left to the engine (the node has no
continue-on-fail handling of its own). These are all the node's operations; anything else fails with
"not supported yet".
"""

from __future__ import annotations

import copy
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.shopify import snake_case

DISPLAY = "WooCommerce"
_LINES = (("couponLinesUi", "couponLinesValues", "coupon_lines"), ("feeLinesUi", "feeLinesValues", "fee_lines"),
          ("lineItemsUi", "lineItemsValues", "line_items"))
#: product getAll option -> query key (n8n sends minPrice as ``max_price``, a bug kept here)
_PRODUCT_FILTERS = (("after", "after"), ("before", "before"), ("category", "category"), ("context", "context"),
                    ("featured", "featured"), ("maxPrice", "max_price"), ("minPrice", "max_price"),
                    ("order", "order"), ("orderBy", "orderby"), ("search", "search"), ("sku", "sku"),
                    ("slug", "slug"), ("status", "status"), ("stockStatus", "stock_status"), ("tag", "tag"),
                    ("taxClass", "tax_class"), ("type", "type"))
_ORDER_UPDATE = (("currency", "currency", False), ("customerId", "customer_id", True),
                 ("customerNote", "customer_note", False), ("parentId", "parent_id", True),
                 ("paymentMethodId", "payment_method", False), ("paymentMethodTitle", "payment_method_title", False),
                 ("status", "status", False), ("transactionID", "transaction_id", False))


def _truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays are true, even empty)."""
    if isinstance(value, dict | list):
        return True
    return bool(value) and value == value  # NaN is falsy


def _map(value: Any, what: str, fn: Any) -> list[Any]:
    if not isinstance(value, list):
        raise NodeError(f"{what}.map is not a function")
    return [fn(v) for v in value]


class _Woo:
    """One run of the node: the API client and n8n's run-wide ``qs`` object."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        fields = credential(ctx, "wooCommerceApi") or {}
        key, secret = str(fields.get("consumerKey") or ""), str(fields.get("consumerSecret") or "")
        auth = {"query_params": {"consumer_key": key, "consumer_secret": secret}} \
            if fields.get("includeCredentialsInQuery") is True else {"basic": (key, secret)}
        base = base_url(ctx, "woocommerce", f"{str(fields.get('url') or '').rstrip('/')}/wp-json/wc/v3")
        self.api = Api(ctx, base, fields=fields, auth=auth)
        self.qs: dict[str, Any] = {}

    def call(self, method: str, path: str, i: int, body: Any = None, qs: Any = None) -> Any:
        return self.api.call(method, path, i, body=body, qs=qs)

    def all_items(self, path: str, i: int, query: dict[str, Any]) -> list[Any]:
        """``woocommerceApiRequestAllItems``: ``per_page=100``, then the ``rel="next"`` links."""
        query["per_page"] = 100
        rows: list[Any] = []
        url: str | None = None
        while True:
            response = self.api.response("GET", path, i, qs=query, url=url)
            link = response.headers.get("link")
            if link is None:
                raise NodeError("Cannot read properties of undefined (reading 'split')", item_index=i)
            following = next((part for part in link.split(",") if 'rel="next"' in part), None)
            if following:
                url = following.split(";")[0].strip().removeprefix("<").removesuffix(">")
            data = decode(response)
            if isinstance(data, list):
                rows.extend(data)
            if 'rel="next"' not in link:
                return rows

    def get_all(self, path: str, i: int, query: dict[str, Any]) -> Any:
        if self.ctx.param("returnAll", i, False):
            return self.all_items(path, i, query)
        self.qs["per_page"] = self.ctx.param("limit", i, 50)
        return self.call("GET", path, i, qs=self.qs)


# -- customer -------------------------------------------------------------------------------------


def _adjust_metadata(fields: dict[str, Any]) -> dict[str, Any]:
    """``adjustMetadata``: ``meta_data.meta_data_fields`` becomes ``meta_data`` (moved to the end)."""
    if not _truthy(fields.get("meta_data")):
        return fields
    out = {k: v for k, v in fields.items() if k != "meta_data"}
    meta = fields["meta_data"]
    out["meta_data"] = meta.get("meta_data_fields") if isinstance(meta, dict) else None
    return out


def _customer(woo: _Woo, operation: str, i: int) -> Any:
    ctx = woo.ctx
    if operation == "create":
        body: dict[str, Any] = {"email": ctx.param("email", i, "")}
        body.update(_adjust_metadata(ctx.param("additionalFields", i, {}) or {}))
        return woo.call("POST", "/customers", i, body=body)
    if operation == "update":
        body = dict(_adjust_metadata(ctx.param("updateFields", i, {}) or {}))
        return woo.call("PUT", f"/customers/{ctx.param('customerId', i, '')}", i, body=body)
    if operation == "delete":
        woo.qs["force"] = True
        return woo.call("DELETE", f"/customers/{ctx.param('customerId', i, '')}", i, qs=woo.qs)
    if operation == "get":
        return woo.call("GET", f"/customers/{ctx.param('customerId', i, '')}", i)
    filters = ctx.param("filters", i, {}) or {}
    woo.qs.update(filters)
    if ctx.param("returnAll", i, False):
        return woo.all_items("/customers", i, {})  # n8n passes an empty query here, not the filters
    return woo.get_all("/customers", i, woo.qs)


# -- product --------------------------------------------------------------------------------------


def _set_fields(fields: dict[str, Any], body: dict[str, Any]) -> None:
    """``setFields``: keys snake-cased, ``tags`` as ``[{id}]``."""
    for name, value in fields.items():
        if name == "tags":
            body["tags"] = _map(value, "fieldsToSet[fields]", lambda tag: {"id": js_parse_int(tag)})
        else:
            body[snake_case(name)] = value


def _ui(ctx: NodeContext, name: str, values: str, i: int) -> Any:
    ui = ctx.param(name, i, {})
    return copy.deepcopy(ui.get(values)) if isinstance(ui, dict) else None


def _product_body(ctx: NodeContext, body: dict[str, Any], i: int) -> dict[str, Any]:
    for ui, values, key in (("imagesUi", "imagesValues", "images"), ("dimensionsUi", "dimensionsValues", "dimensions"),
                            ("metadataUi", "metadataValues", "meta_data")):
        value = _ui(ctx, ui, values, i)
        if _truthy(value):
            body[key] = value
    return body


def _product(woo: _Woo, operation: str, i: int) -> Any:
    ctx = woo.ctx
    if operation == "create":
        fields = ctx.param("additionalFields", i, {}) or {}
        body: dict[str, Any] = {"name": ctx.param("name", i, "")}
        _set_fields(fields, body)
        if _truthy(fields.get("categories")):
            body["categories"] = _map(fields["categories"], "additionalFields.categories",
                                      lambda category: {"id": js_parse_int(category)})
        return woo.call("POST", "/products", i, body=_product_body(ctx, body, i))
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        body = {}
        _set_fields(fields, body)
        return woo.call("PUT", f"/products/{ctx.param('productId', i, '')}", i,
                        body=_product_body(ctx, body, i))
    if operation == "get":
        return woo.call("GET", f"/products/{ctx.param('productId', i, '')}", i, qs=woo.qs)
    if operation == "delete":
        return woo.call("DELETE", f"/products/{ctx.param('productId', i, '')}", i, qs={"force": True})
    options = ctx.param("options", i, {}) or {}
    for name, key in _PRODUCT_FILTERS:
        if _truthy(options.get(name)):
            woo.qs[key] = options[name]
    return woo.get_all("/products", i, woo.qs)


# -- order ----------------------------------------------------------------------------------------


def _to_snake_case(rows: Any) -> None:
    """``toSnakeCase`` in place: a renamed key moves to the end unless its snake form already existed."""
    for row in rows if isinstance(rows, list) else [rows]:
        if not isinstance(row, dict):
            continue
        for key in list(row):
            snake = snake_case(key)
            remove = snake not in row  # JS: data[snake] === undefined
            row[snake] = row[key]
            if remove:
                del row[key]


def _set_metadata(rows: list[Any]) -> None:
    """``setMetadata``: ``metadataUi.metadataValues`` becomes ``meta_data``."""
    for row in rows:
        if not isinstance(row, dict):
            continue
        meta = row.get("metadataUi")
        if isinstance(meta, dict) and _truthy(meta.get("metadataValues")):
            row["meta_data"] = meta["metadataValues"]
        row.pop("metadataUi", None)


def _order_collections(ctx: NodeContext, body: dict[str, Any], i: int) -> dict[str, Any]:
    for ui, values, key in (("billingUi", "billingValues", "billing"), ("shippingUi", "shippingValues", "shipping")):
        value = _ui(ctx, ui, values, i)
        if value is not None:
            body[key] = value
            _to_snake_case(value)
    for ui, values, key in _LINES:
        value = _ui(ctx, ui, values, i)
        if _truthy(value):
            body[key] = value
            _set_metadata(value if isinstance(value, list) else [value])
            _to_snake_case(value)
    metadata = _ui(ctx, "metadataUi", "metadataValues", i)
    if _truthy(metadata):
        body["meta_data"] = metadata
    shipping_lines = _ui(ctx, "shippingLinesUi", "shippingLinesValues", i)
    if _truthy(shipping_lines):
        body["shipping_lines"] = shipping_lines
        _set_metadata(shipping_lines if isinstance(shipping_lines, list) else [shipping_lines])
        _to_snake_case(shipping_lines)
    return body


def _order(woo: _Woo, operation: str, i: int) -> Any:
    ctx = woo.ctx
    if operation == "create":
        body: dict[str, Any] = {}
        _set_fields(ctx.param("additionalFields", i, {}) or {}, body)
        return woo.call("POST", "/orders", i, body=_order_collections(ctx, body, i))
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        body = {}
        for name, key, integer in _ORDER_UPDATE:
            if _truthy(fields.get(name)):
                body[key] = js_parse_int(fields[name]) if integer else fields[name]
        return woo.call("PUT", f"/orders/{ctx.param('orderId', i, '')}", i, body=_order_collections(ctx, body, i))
    if operation == "get":
        return woo.call("GET", f"/orders/{ctx.param('orderId', i, '')}", i, qs=woo.qs)
    if operation == "delete":
        return woo.call("DELETE", f"/orders/{ctx.param('orderId', i, '')}", i, qs={"force": True})
    options = ctx.param("options", i, {}) or {}
    for name, key in (("after", "after"), ("before", "before"), ("category", "category"), ("customer", "customer"),
                      ("decimalPoints", "dp"), ("product", "product"), ("order", "order"), ("orderBy", "orderby"),
                      ("search", "search"), ("status", "status")):
        if _truthy(options.get(name)):
            woo.qs[key] = js_parse_int(options[name]) if name in ("customer", "product") else options[name]
    return woo.get_all("/orders", i, woo.qs)


_RESOURCES = {"customer": _customer, "product": _product, "order": _order}
_OPERATIONS = {"customer": ("create", "delete", "get", "getAll", "update"),
               "product": ("create", "update", "get", "getAll", "delete"),
               "order": ("create", "update", "get", "getAll", "delete")}


@register("n8n-nodes-base.wooCommerce", versions=(1,), display_name="WooCommerce")
@register("n8n-nodes-base.wooCommerceTool", versions=(1,), display_name="WooCommerce Tool")
def woocommerce(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "product")
    operation = ctx.param("operation", 0, "create")
    if operation not in _OPERATIONS.get(resource, ()):
        raise unsupported(DISPLAY, resource, operation)
    woo = _Woo(ctx)
    handler = _RESOURCES[resource]
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        for row in json_array(handler(woo, operation, i)):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
