"""OpenAI (legacy n8n-nodes-base.openAi v1, v1.1): chat complete, text complete/edit/moderate,
image create.

A declarative node in n8n: one request per input item to ``<base>/chat/completions``,
``/completions``, ``/edits``, ``/moderations`` or ``/images/generations``; base: configured
``openai`` base URL, else the openAiApi credential's ``url``, else https://api.openai.com/v1.
``simplifyOutput`` (default on) splits ``choices`` (``results`` for moderation) into items; image
create returns each image as binary ``data`` (``responseFormat`` binaryData) or the URL objects.
"""

from __future__ import annotations

import base64
from typing import Any

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import api_base, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "OpenAI"
_OPTION_KEYS = {"maxTokens": "max_tokens", "topP": "top_p"}


def _options(ctx: NodeContext, i: int) -> dict[str, Any]:
    return {_OPTION_KEYS.get(k, k): v for k, v in (ctx.param("options", i, {}) or {}).items()}


def _request(ctx: NodeContext, i: int) -> tuple[str, dict[str, Any], str | None]:
    """The endpoint, body and the list property ``simplifyOutput`` splits (None: no split)."""
    p = ctx.param
    resource = p("resource", 0, "text")
    operation = p("operation", 0, "complete" if resource != "image" else "create")
    simplify = p("simplifyOutput", i, True)
    if resource == "chat" and operation == "complete":
        model = p("model", i, "gpt-3.5-turbo") if ctx.node.type_version == 1 else p("chatModel", i, "gpt-3.5-turbo")
        body = {"model": model, "messages": (p("prompt", i, {}) or {}).get("messages") or [], **_options(ctx, i)}
        return "/chat/completions", body, "choices" if simplify else None
    if resource == "text" and operation == "complete":
        body = {"model": p("model", i, "gpt-3.5-turbo-instruct"), "prompt": p("prompt", i, ""), **_options(ctx, i)}
        return "/completions", body, "choices" if simplify else None
    if resource == "text" and operation == "edit":
        body = {"model": p("model", i, "text-davinci-edit-001"), "input": p("input", i, ""),
                "instruction": p("instruction", i, ""), **_options(ctx, i)}
        return "/edits", body, "choices" if simplify else None
    if resource == "text" and operation == "moderate":
        body = {"model": p("model", i, "text-moderation-latest"), "input": p("input", i, "")}
        return "/moderations", body, "results" if simplify else None
    if resource == "image" and operation == "create":
        model = p("model", i, "dall-e-2") if ctx.node.type_version == 1 else p("imageModel", i, "dall-e-2")
        fmt = p("responseFormat", i, "binaryData")
        body = {"prompt": p("prompt", i, ""), "model": model,
                "response_format": "url" if fmt == "imageUrl" else "b64_json", **_options(ctx, i)}
        return "/images/generations", body, "data"
    raise unsupported(DISPLAY, resource, operation)


@register("n8n-nodes-base.openAi", versions=(1, 1.1), display_name="OpenAI")
def open_ai(ctx: NodeContext) -> NodeOutput:
    fields = credential(ctx, "openAiApi") or {}
    url = str(fields.get("url") or "").rstrip("/")
    base = api_base(ctx, "openai", url or "https://api.openai.com/v1")
    headers = {"Authorization": f"Bearer {fields.get('apiKey') or ''}"}
    if fields.get("organizationId"):
        headers["OpenAI-Organization"] = str(fields["organizationId"])
    image_binary = ctx.param("resource", 0, "text") == "image" and \
        ctx.param("responseFormat", 0, "binaryData") != "imageUrl"

    def one(i: int, _item: Item) -> list[Item]:
        endpoint, body, split = _request(ctx, i)
        data = request(ctx, "POST", f"{base}{endpoint}", json=body, headers=headers, item_index=i).json()
        rows: list[Any] = (data.get(split) or []) if split and isinstance(data, dict) else [data]
        out: list[Item] = []
        for row in rows:
            if image_binary:
                raw = base64.b64decode(str((row or {}).get("b64_json") or ""))
                out.append({"json": {}, "binary": {"data": prepare_binary(raw, "data")}, "pairedItem": {"item": i}})
            else:
                out.append({"json": row, "pairedItem": {"item": i}})
        return out

    return [per_item(ctx, one, ready=True)]
