"""Mindee (n8n-nodes-base.mindee v1, v2, v3): receipt and invoice ``predict`` from a binary file.

The ``apiVersion`` node setting defaults to 1 (node v1), 3 (v2) or 4 (v3):

- API 1: POST https://api.mindee.net/products/{expense_receipts/v2|invoices/v1}/predict, multipart
  field ``file``, header ``X-Inferuser-Token: <apiKey>``; simplified output from ``predictions[0]``;
- API 3/4: POST https://api.mindee.net/v1/products/mindee/{expense_receipts|invoices}/v{3|4}/predict,
  multipart field ``document``, header ``Authorization: Token <apiKey>``; simplified output from
  ``document.inference.prediction`` (plus id, name, number_of_pages, line_items).

``rawData`` returns the API answer as it is. Credentials: ``mindeeReceiptApi`` / ``mindeeInvoiceApi``
(``apiKey``). Base URL: configured ``mindee`` key, else https://api.mindee.net. As in n8n, output
items carry no ``pairedItem`` and a failing item becomes ``{error}`` under continue-on-fail. Another
resource or operation fails with "not supported yet"; an invoice with another API version with
"Invalid API version".
"""

from __future__ import annotations

import mimetypes
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._svc import binary_bytes, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Mindee"
DEFAULT_BASE = "https://api.mindee.net"
#: node typeVersion -> default ``apiVersion``
_DEFAULT_API = {1: 1, 2: 3, 3: 4}
#: (resource, apiVersion) -> endpoint path under the product prefix
_ENDPOINTS = {("receipt", 1): "/expense_receipts/v2/predict", ("receipt", 3): "/expense_receipts/v3/predict",
              ("receipt", 4): "/expense_receipts/v4/predict", ("invoice", 1): "/invoices/v1/predict",
              ("invoice", 3): "/invoices/v3/predict", ("invoice", 4): "/invoices/v4/predict"}
_UNDEFINED: Any = object()


def _api_version(ctx: NodeContext) -> Any:
    default = _DEFAULT_API.get(int(float(ctx.node.type_version or 1)), 4)
    value = ctx.param("apiVersion", 0, default)
    try:
        return int(value) if float(value).is_integer() else value
    except (TypeError, ValueError):
        return value


def _truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON value."""
    if value is _UNDEFINED or value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


def _get(data: Any, key: str) -> Any:
    """``data[key]`` as JS reads it (TypeError on null/undefined, undefined when missing)."""
    if data is None or data is _UNDEFINED:
        raise NodeError(f"Cannot read properties of {'null' if data is None else 'undefined'} (reading '{key}')")
    if isinstance(data, dict):
        return data.get(key, _UNDEFINED)
    if isinstance(data, list) and key == "length":
        return len(data)
    return _UNDEFINED


def _first_value(data: Any) -> Any:
    """``data.value || data.name || data.raw || data.degrees || data.amount || data.iban``."""
    value: Any = _UNDEFINED
    for key in ("value", "name", "raw", "degrees", "amount", "iban"):
        value = _get(data, key)
        if _truthy(value):
            return value
    return value


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``out[key]``; an ``undefined`` value leaves no key (as JSON does)."""
    if value is _UNDEFINED:
        out.pop(key, None)
    else:
        out[key] = value


def _clean_field(out: dict[str, Any], key: str, data: Any) -> None:
    if key == "taxes" and _truthy(_get(data, "length")):
        first = data[0]
        taxes: dict[str, Any] = {}
        _put(taxes, "amount", _get(first, "amount"))
        _put(taxes, "rate", _get(first, "rate"))
        out[key] = taxes
    elif key == "locale":
        _put(out, "currency", _get(data, "currency"))
        _put(out, "locale", _get(data, "value"))
    else:
        _put(out, key, _first_value(data))


def _clean_previous(predictions: Any) -> dict[str, Any]:
    """``cleanDataPreviousApiVersions``: the first prediction's fields flattened."""
    if isinstance(predictions, list):
        first = predictions[0] if predictions else _UNDEFINED
    else:
        first = _get(predictions, "0")
    if first is _UNDEFINED or first is None:
        raise NodeError("Cannot convert undefined or null to object")
    out: dict[str, Any] = {}
    for key, data in (first.items() if isinstance(first, dict) else []):
        _clean_field(out, key, data)
    return out


_LINE_ITEM_KEYS = ("description", "product_code", "quantity", "tax_amount", "tax_rate", "total_amount", "unit_price")


def _clean(document: Any) -> dict[str, Any]:
    """``cleanData``: id, name, page count and the prediction's fields flattened."""
    prediction = _get(_get(document, "inference"), "prediction")
    out: dict[str, Any] = {}
    _put(out, "id", _get(document, "id"))
    _put(out, "name", _get(document, "name"))
    _put(out, "number_of_pages", _get(document, "n_pages"))
    if not isinstance(prediction, dict):
        raise NodeError("Cannot convert undefined or null to object")
    for key, data in prediction.items():
        if key == "line_items":
            lines = []
            for line in data if isinstance(data, list) else []:
                row: dict[str, Any] = {}
                for name in _LINE_ITEM_KEYS:
                    _put(row, name, _get(line, name))
                lines.append(row)
            out[key] = lines
        else:
            _clean_field(out, key, data)
    return out


def _predict(ctx: NodeContext, i: int, item: dict[str, Any], resource: str, version: Any) -> Any:
    raw = bool(ctx.param("rawData", i, False))
    prop = ctx.param("binaryPropertyName", i, "data")
    data, entry = binary_bytes(item, prop, i)
    path = _ENDPOINTS.get((resource, version))
    if path is None:
        if resource == "invoice":
            raise NodeError("Invalid API version", item_index=i)
        return _UNDEFINED
    prefix = "/products" if version == 1 else "/v1/products/mindee"
    kind = "mindeeReceiptApi" if resource == "receipt" else "mindeeInvoiceApi"
    key = str((credential(ctx, kind) or {}).get("apiKey") or "")
    # n8n's credential picks the header by the real URL: https://api.mindee.net/v1/... takes "Token".
    header = ("Authorization", f"Token {key}") if prefix.startswith("/v1/") else ("X-Inferuser-Token", key)
    file_name = entry.get("fileName")
    mime = (mimetypes.guess_type(str(file_name))[0] if file_name else None) or "application/octet-stream"
    field = "file" if version == 1 else "document"
    response = request(ctx, "POST", base_url(ctx, "mindee", DEFAULT_BASE) + prefix + path, item_index=i,
                       auth={"header": header}, files={field: (file_name, data, mime)})
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if raw:
        return body
    if version == 1:
        return _clean_previous(_get(body, "predictions"))
    return _clean(_get(body, "document"))


@register("n8n-nodes-base.mindee", versions=(1, 2, 3), display_name=DISPLAY)
def mindee(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "receipt")
    operation = ctx.param("operation", 0, "predict")
    if resource not in ("receipt", "invoice") or operation != "predict":
        raise unsupported(DISPLAY, resource, operation)
    version = _api_version(ctx)
    out: list[dict[str, Any]] = []
    previous: Any = _UNDEFINED  # n8n keeps the last answer when an API version gives none
    for i, item in enumerate(ctx.input(0)):
        try:
            result = _predict(ctx, i, item, resource, version)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        if result is not _UNDEFINED:
            previous = result
        if previous is _UNDEFINED:
            continue
        rows = previous if isinstance(previous, list) else [previous]
        out.extend({"json": row} for row in rows)
    return [out]
