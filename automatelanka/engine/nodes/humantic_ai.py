"""Humantic AI (n8n-nodes-base.humanticAi v1, also as humanticAiTool): personality profiles.

Base: configured ``humanticAi`` base URL, else https://api.humantic.ai/v1; humanticAiApi credential
(``apikey`` query parameter). Resource ``profile`` (read from item 0, as n8n does):

- create: ``GET /user-profile/create?userid=`` (or, with ``sendResume``, ``POST`` of the binary
  property as multipart field ``resume``); outputs ``data`` when the answer has it, else the answer
  without ``usage_stats``;
- get: ``GET /user-profile?userid=[&persona=a,b]``; outputs ``results``;
- update: ``POST /user-profile/create?userid=`` with ``{text}`` (or the resume as multipart); outputs
  ``data`` (an empty object when the answer has none: n8n outputs ``{json: undefined}`` there).

As in n8n the query object is shared by all items (a ``persona`` set for one item stays for the next),
an answer whose ``data.status`` is ``"error"`` fails the node, and the node has no continue-on-fail
handling of its own. Results go out through ``returnJsonArray`` (pairedItem left to the engine).
Other resources/operations fail with "not supported yet".
"""

from __future__ import annotations

import mimetypes
from typing import Any

from automatelanka.engine.errors import NodeApiError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, find_error_message
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Humantic AI"
UNKNOWN_ERROR_MESSAGE = "There was an unknown issue while executing the node"


class _Client:
    """n8n's ``humanticAiApiRequest``: apikey in the query, JSON body only when not empty."""

    def __init__(self, ctx: NodeContext) -> None:
        self.api_key = str((credential(ctx, "humanticAiApi") or {}).get("apiKey") or "")
        self.api = Api(ctx, base_url(ctx, "humanticAi", "https://api.humantic.ai/v1"))

    def call(self, method: str, path: str, i: int, qs: dict[str, Any], *, body: dict[str, Any] | None = None,
             files: dict[str, Any] | None = None) -> Any:
        qs["apikey"] = self.api_key
        if files is not None:
            answer = self.api.call(method, path, i, qs=qs, files=files)
        else:
            answer = self.api.call(method, path, i, qs=qs, body=body or None,
                                   headers={"Content-Type": "application/json"})
        data = answer.get("data") if isinstance(answer, dict) else None
        if isinstance(data, dict) and data.get("status") == "error":
            text = find_error_message(data) or UNKNOWN_ERROR_MESSAGE
            raise NodeApiError(text, item_index=i, context={"errorResponse": data})
        return answer


def _resume(ctx: NodeContext, i: int) -> dict[str, Any]:
    """The multipart ``resume`` part of the binary property (form-data's filename and type)."""
    item = ctx.input(0)[i]
    content, entry = binary_bytes(item, ctx.param("binaryPropertyName", i, "data"), i)
    name = entry.get("fileName")
    ctype = (mimetypes.guess_type(name)[0] if name else None) or "application/octet-stream"
    return {"resume": (name, content, ctype)}


def _create(ctx: NodeContext, client: _Client, i: int, qs: dict[str, Any]) -> Any:
    qs["userid"] = ctx.param("userId", i, "")
    if ctx.param("sendResume", i, False):
        answer = client.call("POST", "/user-profile/create", i, qs, files=_resume(ctx, i))
    else:
        answer = client.call("GET", "/user-profile/create", i, qs)
    if isinstance(answer, dict) and "data" in answer:
        return answer["data"]
    if isinstance(answer, dict):
        answer.pop("usage_stats", None)
    return answer


def _get(ctx: NodeContext, client: _Client, i: int, qs: dict[str, Any]) -> Any:
    qs["userid"] = ctx.param("userId", i, "")
    persona = (ctx.param("options", i, {}) or {}).get("persona")
    if persona:
        qs["persona"] = ",".join(str(p) for p in persona)
    answer = client.call("GET", "/user-profile", i, qs)
    return answer.get("results") if isinstance(answer, dict) else None


def _update(ctx: NodeContext, client: _Client, i: int, qs: dict[str, Any]) -> Any:
    qs["userid"] = ctx.param("userId", i, "")
    if ctx.param("sendResume", i, False):
        answer = client.call("POST", "/user-profile/create", i, qs, files=_resume(ctx, i))
    else:
        answer = client.call("POST", "/user-profile/create", i, qs, body={"text": ctx.param("text", i, "")})
    data = answer.get("data") if isinstance(answer, dict) else None
    return {} if data is None else data


_OPERATIONS = {"create": _create, "get": _get, "update": _update}


@register("n8n-nodes-base.humanticAi", versions=(1,), display_name="Humantic AI")
@register("n8n-nodes-base.humanticAiTool", versions=(1,), display_name="Humantic AI Tool")
def humantic_ai(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "profile")
    operation = ctx.param("operation", 0, "create")
    handler = _OPERATIONS.get(operation) if resource == "profile" else None
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Client(ctx)
    qs: dict[str, Any] = {}
    results: list[Any] = []
    for i in range(len(ctx.input(0))):
        data = handler(ctx, client, i, qs)
        results.extend(data if isinstance(data, list) else [data])
    return [json_array(results)]
