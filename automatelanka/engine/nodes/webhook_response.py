"""Respond to Webhook v1-1.5.

Respond to Webhook records the response ``{statusCode, headers, body}`` in
``state.cache["webhook_response"]`` the first time it runs (the platform sends it) and outputs its
input items unchanged; v1.3, and v1.4+ with ``enableResponseOutput``, add a second output
``{response}``. A binary body is stored as ``bytes``.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._util_common import lodash_set
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.workflow import Node

_WEBHOOK_TYPES = ("n8n-nodes-base.webhook", "n8n-nodes-base.formTrigger", "@n8n/n8n-nodes-langchain.chatTrigger",
                  "n8n-nodes-base.wait")


def _two_outputs(node: Node) -> bool:
    version = node.type_version
    return version == 1.3 or (version >= 1.4 and node.parameters.get("enableResponseOutput") is True)


def _body(ctx: NodeContext, respond_with: str, items: list[dict[str, Any]], options: dict[str, Any],
          headers: dict[str, Any]) -> Any:
    if respond_with == "json":
        raw = ctx.param("responseBody", 0, "")
        if not raw:
            return None
        if isinstance(raw, (dict, list)):
            return raw
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise NodeError("Invalid JSON in 'Response Body' field",
                            description="Check that the syntax of the JSON in the 'Response Body' parameter "
                                        "is valid") from exc
    if respond_with == "jwt":
        from automatelanka.engine.nodes.jwt import credentials_for, sign_token

        try:
            return {"token": sign_token(ctx.param("payload", 0, {}) or {}, credentials_for(ctx, "jwtAuth"))}
        except NodeError as exc:
            raise NodeError("Error signing JWT token", description=exc.message) from exc
    if respond_with == "allIncomingItems":
        jsons = [item["json"] for item in items]
        return _keyed(options, jsons)
    if respond_with == "firstIncomingItem":
        return _keyed(options, items[0]["json"]) if items else None
    if respond_with == "text":
        return ctx.param("responseBody", 0, "")
    if respond_with == "binary":
        if not items or items[0].get("binary") is None:
            raise NodeError("No binary data exists on the first item!")
        if ctx.param("responseDataSource", 0, "automatically") == "set":
            prop = ctx.param("inputFieldName", 0, "data")
        else:
            keys = list(items[0]["binary"])
            if not keys:
                raise NodeError("No binary data exists on the first item!")
            prop = keys[0]
        entry = assert_binary(items[0], prop, 0)
        data = binary_bytes(entry)
        headers["content-length"] = len(data)
        headers.setdefault("content-type", entry.get("mimeType"))
        return data
    if respond_with in ("redirect", "noData"):
        return None
    raise NodeError(f'The Response Data option "{respond_with}" is not supported!')


def _keyed(options: dict[str, Any], value: Any) -> Any:
    key = options.get("responseKey")
    if not key:
        return value
    out: dict[str, Any] = {}
    lodash_set(out, key, value)
    return out


@register("n8n-nodes-base.respondToWebhook", versions=(1, 1.1, 1.2, 1.3, 1.4, 1.5),
          outputs=lambda node: 2 if _two_outputs(node) else 1, display_name="Respond to Webhook")
def respond_to_webhook(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    options = ctx.param("options", 0, {}) or {}
    try:
        if ctx.node.type_version >= 1.1:
            ancestors = ctx.state.workflow.ancestors(ctx.node.name)
            types = {ctx.state.workflow.nodes[name].type for name in ancestors if name in ctx.state.workflow.nodes}
            if not types.intersection(_WEBHOOK_TYPES):
                raise NodeError("No Webhook node found in the workflow",
                                description="Insert a Webhook node to your workflow and set the “Respond” "
                                            "parameter to “Using Respond to Webhook Node” ")
        respond_with = ctx.param("respondWith", 0, "firstIncomingItem")
        headers: dict[str, Any] = {}
        for header in (options.get("responseHeaders") or {}).get("entries") or []:
            name = header.get("name")
            value = header.get("value")
            headers[str(name).lower() if name is not None else "undefined"] = None if value is None else str(value)
        status = options.get("responseCode") or 200
        body = _body(ctx, respond_with, items, options, headers)
        if respond_with == "redirect":
            headers["location"] = ctx.param("redirectURL", 0, "")
            status = options.get("responseCode") if options.get("responseCode") is not None else 307
        response = {"body": body, "headers": headers, "statusCode": status}
        ctx.state.cache.setdefault("webhook_response", response)
    except NodeError as exc:
        if ctx.continue_on_fail:
            return [[{"json": {"error": exc.message}, "pairedItem": [{"item": i} for i in range(len(items))]}]]
        raise
    if _two_outputs(ctx.node):
        shown = dict(response)
        if isinstance(shown["body"], bytes):
            shown["body"] = {"type": "Buffer", "data": list(shown["body"])}
        return [list(items), [{"json": {"response": shown}}]]
    return [list(items)]

