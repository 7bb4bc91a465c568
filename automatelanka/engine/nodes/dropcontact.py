"""Dropcontact (n8n-nodes-base.dropcontact v1): B2B email finding and contact enrichment.

Base: configured ``dropcontact`` base URL, else https://api.dropcontact.io; dropcontactApi
(``X-Access-Token: apiKey`` and ``user-agent: n8n`` headers). Contact enrich (one ``POST /batch``
with every input item's email and additional fields; unless ``simplify`` it waits
``options.waitTime`` seconds through ``services.sleep`` and fetches ``GET /batch/{request_id}``,
one item per enriched contact) and fetchRequest (``GET /batch/{requestId}`` per item). A
``success: false`` answer fails with its ``reason`` as n8n's NodeApiError does, or becomes an error
item under continue-on-fail (n8n then goes on as its code does). Nothing else exists in n8n's node;
any other resource/operation fails as not supported.
"""

from __future__ import annotations

import time
from typing import Any

from automatelanka.engine.errors import NodeApiError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Dropcontact"
DEFAULT_BASE = "https://api.dropcontact.io"
HINT = "Hint: Increase the Wait Time to avoid this error"


def _api(ctx: NodeContext) -> Api:
    key = str((credential(ctx, "dropcontactApi") or {}).get("apiKey") or "")
    return Api(ctx, base_url(ctx, "dropcontact", DEFAULT_BASE),
               auth={"headers": {"user-agent": "n8n", "X-Access-Token": key}})


def _all_paired(count: int) -> list[dict[str, int]]:
    """GenericFunction's ``mapPairedItemsFrom``: one ``{item: i}`` per input item."""
    return [{"item": i} for i in range(count)]


def _failure(reason: Any, *, hint: bool = False) -> NodeApiError:
    """``new NodeApiError(node, {error: reason[, description: hint]})``: the message n8n derives.

    Without an HTTP code n8n's message falls back to the description: the ``error`` text, or the
    hint when one is given (an error object's ``description`` key wins over ``error``).
    """
    return NodeApiError(HINT if hint else str(reason))


def _error_json(reason: Any) -> dict[str, Any]:
    """``{error: reason}`` (an undefined reason leaves the key out, as JSON does)."""
    return {} if reason is None else {"error": reason}


def _contact(ctx: NodeContext, i: int) -> dict[str, Any]:
    body: dict[str, Any] = {}
    email = ctx.param("email", i, "")
    if email != "" and email is not None:
        body["email"] = email
    fields = ctx.param("additionalFields", i, {}) or {}
    body.update({key: value for key, value in fields.items() if value is not None})
    return body


def _result(response: Any) -> dict[str, Any]:
    return response if isinstance(response, dict) else {}


def _js_id(value: Any) -> str:
    return "undefined" if value is None else str(value)


def _enrich(ctx: NodeContext) -> list[dict[str, Any]]:
    items = ctx.input(0)
    options = ctx.param("options", 0, {}) or {}
    simplify = ctx.param("simplify", 0, False)
    body = {"data": [_contact(ctx, i) for i in range(len(items))],
            "siren": options.get("siren") is True, "language": options.get("language") or "en"}
    api = _api(ctx)
    out: list[dict[str, Any]] = []
    paired = _all_paired(len(items))
    response = _result(api.call("POST", "/batch", 0, body=body))
    if not response.get("success"):
        reason = response.get("reason") or "invalid request"
        if not ctx.continue_on_fail:
            raise _failure(reason)
        out.append({"json": {"error": reason}, "pairedItem": paired})
    if simplify:
        out.append({"json": response, "pairedItem": list(paired)})
        return out
    wait = ctx.param("options.waitTime", 0, 45)
    sleep = getattr(ctx.state.services, "sleep", None) or time.sleep
    sleep(float(wait if wait is not None else 45))
    fetched = _result(api.call("GET", f"/batch/{_js_id(response.get('request_id'))}", 0))
    if not fetched.get("success"):
        if not ctx.continue_on_fail:
            raise _failure(fetched.get("reason"), hint=True)
        out.append({"json": _error_json(fetched.get("reason")), "pairedItem": paired})
        return out
    for index, row in enumerate(fetched.get("data") or []):
        out.append({"json": row, "pairedItem": {"item": index}})
    return out


def _fetch_request(ctx: NodeContext) -> list[dict[str, Any]]:
    api: Api | None = None
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        request_id = ctx.param("requestId", i, "")
        api = api or _api(ctx)
        response = _result(api.call("GET", f"/batch/{_js_id(request_id)}", i))
        if not response.get("success"):
            reason = response.get("reason") or "invalid request"
            if not ctx.continue_on_fail:
                raise _failure(reason)
            out.append({"json": {"error": reason}, "pairedItem": {"item": i}})
        data = response.get("data")
        # returnJsonArray(undefined) is one item without data; it shows as an empty object.
        rows = data if isinstance(data, list) else [data if data is not None else {}]
        out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
    return out


_OPERATIONS = {"enrich": _enrich, "fetchRequest": _fetch_request}


@register("n8n-nodes-base.dropcontact", versions=(1,), display_name="Dropcontact")
@register("n8n-nodes-base.dropcontactTool", versions=(1,), display_name="Dropcontact Tool")
def dropcontact(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "contact")
    operation = ctx.param("operation", 0, "enrich")
    handler = _OPERATIONS.get(operation) if resource == "contact" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    return [handler(ctx)]
