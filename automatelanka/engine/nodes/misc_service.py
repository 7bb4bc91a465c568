"""Small legacy and helper nodes: Execution Data, Read/Write Binary File, and webhook triggers
of services (GitHub, Typeform) whose platform delivers the event as the seed item.
"""

from __future__ import annotations

import copy
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._webhook import (
    WebhookRequest,
    WebhookResult,
    hmac_hex,
    json_array,
    node_static,
    unauthorized,
    webhook_method,
)
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.files import confined_path

_CUSTOM_DATA_MAX_KEYS = 10


def _custom_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@register("n8n-nodes-base.executionData", versions=(1, 1.1), display_name="Execution Data")
def execution_data(ctx: NodeContext) -> NodeOutput:
    """``save``: put key/value pairs in the execution's custom data (``$execution.customData``)."""
    items = ctx.input(0)
    if ctx.param("operation", 0, "save") != "save":
        return [list(items)]
    version = ctx.node.type_version or 1

    def save(i: int, item: dict[str, Any]) -> dict[str, Any]:
        pairs = (ctx.param("dataToSave", i, {}) or {}).get("values") or []
        for pair in pairs:
            key, value = str(pair.get("key", ""))[:50], pair.get("value")
            value = value if value else ("" if version >= 1.1 else value)
            data = ctx.state.custom_data
            if key not in data and len(data) >= _CUSTOM_DATA_MAX_KEYS:
                raise NodeError("Custom data can hold at most 10 keys", item_index=i)
            data[key] = _custom_text(value)[:255]
        return item

    return [per_item(ctx, save, items=items, error_index="never", ready=True)]


@register("n8n-nodes-base.readBinaryFile", versions=(1,), display_name="Read Binary File")
def read_binary_file(ctx: NodeContext) -> NodeOutput:
    """Read one file (inside ``services.files_root``) into a binary property of each item."""

    def read(i: int, item: dict[str, Any]) -> dict[str, Any]:
        file_path = str(ctx.param("filePath", i, ""))
        path = confined_path(ctx, file_path, i)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NodeError(f"ENOENT: no such file or directory, open '{file_path}'" if not path.exists()
                            else str(exc), item_index=i) from None
        binary = dict(item.get("binary") or {})
        binary[ctx.param("dataPropertyName", i, "data")] = prepare_binary(data, file_path)
        return {"json": item.get("json"), "binary": binary, "pairedItem": {"item": i}}

    return [per_item(ctx, read, error_index="never", ready=True)]


@register("n8n-nodes-base.writeBinaryFile", versions=(1,), display_name="Write Binary File")
def write_binary_file(ctx: NodeContext) -> NodeOutput:
    """Write each item's binary property to a file inside ``services.files_root``."""
    append = bool((ctx.param("options", 0, {}) or {}).get("append"))

    def write(i: int, item: dict[str, Any]) -> dict[str, Any]:
        prop = ctx.param("dataPropertyName", i, "data")
        file_name = str(ctx.param("fileName", i, ""))
        body = copy.deepcopy(item.get("json") or {})
        data = binary_bytes(assert_binary(item, prop, i))
        path = confined_path(ctx, file_name, i)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab" if append else "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise NodeError(f"The file could not be written: {exc}", item_index=i) from None
        new: dict[str, Any] = {"json": body, "pairedItem": {"item": i}}
        if item.get("binary") is not None:
            new["binary"] = dict(item["binary"])
        body["fileName"] = file_name
        return new

    return [per_item(ctx, write, error_index="never", ready=True)]


def _pass_through(ctx: NodeContext) -> NodeOutput:
    return [list(ctx.input(0))]


register("n8n-nodes-base.githubTrigger", versions=(1,), inputs=0, display_name="Github Trigger")(_pass_through)
register("n8n-nodes-base.typeformTrigger", versions=(1, 1.1), inputs=0, display_name="Typeform Trigger")(
    _pass_through)


@webhook_method("n8n-nodes-base.githubTrigger")
def github_webhook(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """GithubTrigger.webhook(): the X-Hub-Signature-256 check with the ``webhookSecret`` stored when
    the hook was created (none stored: 401, as n8n), the ping answered "OK" without a run, else
    ``{body, headers, query}``."""
    import hmac

    secret = node_static(ctx).get("webhookSecret")
    signature = req.header("x-hub-signature-256") or ""
    if not secret or not signature.startswith("sha256=") or not req.raw_body or not hmac.compare_digest(
            hmac_hex("sha256", str(secret), req.raw_body), signature[7:]):
        return unauthorized()
    body = req.body if isinstance(req.body, dict) else {}
    if body.get("hook_id", _ABSENT) is not _ABSENT and body.get("action", _ABSENT) is _ABSENT:
        return WebhookResult(webhook_response="OK")
    return WebhookResult(json_array([{"body": req.body, "headers": dict(req.headers), "query": req.query}]))


_ABSENT = object()


@webhook_method("n8n-nodes-base.typeformTrigger")
def typeform_webhook(ctx: NodeContext, req: WebhookRequest) -> WebhookResult:
    """TypeformTrigger.webhook(): answers keyed by question title (``simplifyAnswers``), only the
    answers (``onlyAnswers``; v1.1 keys the raw answers by field id), else the whole body."""
    body = copy.deepcopy(req.body) if isinstance(req.body, dict) else {}
    form = body.get("form_response")
    if not isinstance(form, dict) or form.get("definition") is None or form.get("answers") is None:
        raise NodeError("Expected definition/answers data is missing!")
    answers = form["answers"]
    only_answers = ctx.param("onlyAnswers", 0, True)
    if ctx.param("simplifyAnswers", 0, True):
        titles = {f.get("id"): str(f.get("title")).replace("{{", "[").replace("}}", "]")
                  for f in form["definition"].get("fields") or []}
        converted: dict[str, Any] = {}
        for answer in answers:
            value = answer.get(answer.get("type"))
            if isinstance(value, dict):
                value = next((value[k] for k in ("label", "labels") if k in value), value)
            title = titles.get((answer.get("field") or {}).get("id"))
            converted["undefined" if title is None else title] = value
        if only_answers:
            return WebhookResult(json_array([converted]))
        form["answers"] = converted
    if only_answers:
        if ctx.node.type_version >= 1.1:
            return WebhookResult(json_array([{(a.get("field") or {}).get("id"): a for a in answers}]))
        return WebhookResult(json_array([answers]))
    return WebhookResult(json_array([body]))
