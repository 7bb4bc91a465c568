"""LingvaNex (n8n-nodes-base.lingvaNex v1, also as lingvaNexTool): translate text.

Base: configured ``lingvaNex`` base URL, else https://api-b2b.backenster.com/b1/api/v3; lingvaNexApi
credential (``Authorization: Bearer <apiKey>``). translate sends ``POST /translate`` with
``{data: text, to: translateTo, platform: "api"}`` and the options (``from``, ``platform``,
``translateMode``) merged over it, as n8n's ``Object.assign(body, options)``. An answer whose ``err``
is not ``null`` fails the node with that text (n8n's ``NodeApiError(node, response)``). The answers of
all items are output through ``returnJsonArray`` (pairedItem left to the engine); the node has no
continue-on-fail handling of its own. translate is the node's only operation; anything else fails
with "not supported yet".
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, find_error_message
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "LingvaNex"
UNKNOWN_ERROR_MESSAGE = "There was an unknown issue while executing the node"
UNKNOWN_ERROR_DESCRIPTION = ("Double-check the node configuration and the service it connects to. Check the error "
                             "details below and refer to the <a href=\"https://docs.n8n.io\" target=\"_blank\">n8n "
                             "documentation</a> to troubleshoot the issue.")


def _checked(response: Any, i: int) -> Any:
    """n8n's ``if (response.err !== null) throw new NodeApiError(node, response)``."""
    if response is None:
        raise NodeApiError("Cannot read properties of undefined (reading 'err')", item_index=i)
    if isinstance(response, dict) and "err" in response and response["err"] is None:
        return response
    text = find_error_message(response) if isinstance(response, dict) else None
    if text:
        raise NodeApiError(text, item_index=i, context={"errorResponse": response})
    raise NodeApiError(UNKNOWN_ERROR_MESSAGE, description=UNKNOWN_ERROR_DESCRIPTION, item_index=i)


def _translate(ctx: NodeContext, api: Api, i: int) -> Any:
    body: dict[str, Any] = {"data": ctx.param("text", i, ""), "to": ctx.param("translateTo", i, ""),
                            "platform": "api"}
    body.update(ctx.param("options", i, {}) or {})
    return _checked(api.call("POST", "/translate", i, body=body), i)


@register("n8n-nodes-base.lingvaNex", versions=(1,), display_name="LingvaNex")
@register("n8n-nodes-base.lingvaNexTool", versions=(1,), display_name="LingvaNex Tool")
def lingvanex(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "translate")
    if operation != "translate":
        raise unsupported(DISPLAY, "", operation)
    fields = credential(ctx, "lingvaNexApi") or {}
    api = Api(ctx, base_url(ctx, "lingvaNex", "https://api-b2b.backenster.com/b1/api/v3"), fields=fields,
              auth={"bearer": fields.get("apiKey", "")})
    results = [_translate(ctx, api, i) for i in range(len(ctx.input(0)))]
    return [json_array(results)]
