"""Bannerbear (n8n-nodes-base.bannerbear v1) over the REST API v2.

Base: configured ``bannerbear`` base URL, else https://api.bannerbear.com/v2; bannerbearApi
(``Authorization: Bearer <apiKey>``, ``Accept: application/json``).
Implemented: image create (modifications with keys in snake_case and empty values dropped,
``webhook_url``, ``metadata``; ``waitForImage`` polls ``GET /images/{uid}`` every 2 s up to
``waitForImageMaxTries`` times (default 3) through the engine's injectable sleep, then fails with
n8n's "Image did not finish processing after multiple tries."), image get, template get/getAll.
As in n8n, results become items through ``returnJsonArray`` (arrays: one item per element) and the
node has no per-item continue-on-fail handling (an error fails the node; the engine passes the
input through when the node continues on fail). Nothing else exists in n8n's node.

Divergence: an API error during polling fails the node here; n8n's ``setInterval`` callback loses
that rejection and the node never settles.
"""

from __future__ import annotations

import re
import time
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Bannerbear"
#: n8n polls with ``setInterval(..., 2000)``.
POLL_INTERVAL_S = 2.0


def snake_case(key: str) -> str:
    """change-case's ``snakeCase`` for parameter names (``imageUrl`` -> ``image_url``)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    words = re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", words)
    return "_".join(part.lower() for part in re.split(r"[^A-Za-z0-9]+", words) if part)


def modifications_body(modifications: list[Any]) -> list[dict[str, Any]]:
    """``keysToSnakeCase`` (renamed keys move to the end, as JS re-adds them) minus ``''`` values."""
    out = []
    for element in modifications:
        element = dict(element) if isinstance(element, dict) else {}
        for key in list(element):
            snake = snake_case(key)
            if key != snake:
                element[snake] = element.pop(key)
        out.append({key: value for key, value in element.items() if value != ""})
    return out


class _Bannerbear:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        fields = credential(ctx, "bannerbearApi") or {}
        self.api = Api(ctx, base_url(ctx, "bannerbear", "https://api.bannerbear.com/v2"), fields=fields,
                       auth={"bearer": str(fields.get("apiKey") or "")}, headers={"Accept": "application/json"})

    def call(self, method: str, path: str, i: int, body: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, path, i, body=body or None)

    def create_image(self, i: int) -> Any:
        p = self.ctx.param
        fields = p("additionalFields", i, {}) or {}
        modifications = (p("modificationsUi", i, {}) or {}).get("modificationsValues")
        body: dict[str, Any] = {"template": p("templateId", i, "")}
        if fields.get("webhookUrl"):
            body["webhook_url"] = fields["webhookUrl"]
        if fields.get("metadata"):
            body["metadata"] = fields["metadata"]
        if modifications:
            body["modifications"] = modifications_body(modifications if isinstance(modifications, list)
                                                       else [modifications])
        data = self.call("POST", "/images", i, body)
        if fields.get("waitForImage") and (data or {}).get("status") != "completed":
            data = self.wait(data.get("uid"), int(fields.get("waitForImageMaxTries") or 3), i)
        return data

    def wait(self, uid: Any, max_tries: int, i: int) -> Any:
        """n8n's interval: sleep 2 s, fetch, done when completed, fail after ``max_tries`` fetches."""
        sleep = self.ctx.state.services.sleep or time.sleep
        while True:
            sleep(POLL_INTERVAL_S)
            data = self.call("GET", f"/images/{uid}", i)
            if isinstance(data, dict) and data.get("status") == "completed":
                return data
            max_tries -= 1
            if max_tries == 0:
                raise NodeError("Image did not finish processing after multiple tries.")


_OPERATIONS = {
    ("image", "create"): lambda bb, i: bb.create_image(i),
    ("image", "get"): lambda bb, i: bb.call("GET", f"/images/{bb.ctx.param('imageId', i, '')}", i),
    ("template", "get"): lambda bb, i: bb.call("GET", f"/templates/{bb.ctx.param('templateId', i, '')}", i),
    ("template", "getAll"): lambda bb, i: bb.call("GET", "/templates", i),
}


@register("n8n-nodes-base.bannerbear", versions=(1,), display_name="Bannerbear")
def bannerbear(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "image")
    operation = ctx.param("operation", 0, "create" if resource == "image" else "get")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    bb = _Bannerbear(ctx)
    results: list[Any] = []
    for i in range(len(ctx.input(0))):
        data = handler(bb, i)
        results.extend(data if isinstance(data, list) else [data])
    return [json_array(results)]
