"""n8n Form (n8n-nodes-base.form v1, v2.3): the page/completion node after a Form Trigger.

In n8n every Form node suspends the execution and redirects the browser to its page. This engine
cannot suspend executions, so:

- ``completion`` (the last node of a form flow) records the completion screen in
  ``state.cache["form_completion"]`` (``{respondWith, title, message, formTitle, redirectUrl,
  responseText, appendAttribution, binary?}``; the platform renders it to the person who submitted
  the form, as it sends ``state.cache["webhook_response"]``) and outputs its input items, as n8n
  does once the completion page is shown;
- ``page`` (a further form page) fails with a clear NodeError.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register

_FORM_TRIGGER = "n8n-nodes-base.formTrigger"
_FORM = "n8n-nodes-base.form"


def _trigger_name(ctx: NodeContext) -> str | None:
    workflow = ctx.state.workflow
    for name in workflow.ancestors(ctx.node.name):
        node = workflow.nodes.get(name)
        if node is not None and node.type == _FORM_TRIGGER:
            return name
    return None


def _has_next_page(ctx: NodeContext) -> bool:
    workflow = ctx.state.workflow
    return any(workflow.nodes[n].type == _FORM for n in workflow.descendants(ctx.node.name) if n in workflow.nodes)


def _binary_of(ctx: NodeContext, field: str) -> dict[str, Any]:
    """The first parent (nearest last) whose first item has binary ``field``, as n8n looks it up."""
    workflow = ctx.state.workflow
    for name in reversed(list(workflow.ancestors(ctx.node.name))):
        output = ctx.state.last_output(name)
        first = (output or [[]])[0][:1] if output else []
        binary = (first[0].get("binary") or {}) if first else {}
        if field in binary:
            entry = binary[field]
            return {"data": entry.get("data"), "fileName": entry.get("fileName") or "file",
                    "type": entry.get("mimeType")}
    raise NodeError(f"No binary data with field {field} found.")


@register(_FORM, versions=(1, 2.3), display_name="n8n Form")
def form(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "page")
    trigger = _trigger_name(ctx)
    if trigger is None:
        raise NodeError("Form Trigger node must be set before this node")
    if operation == "completion" and _has_next_page(ctx):
        raise NodeError("Completion has to be the last Form node in the workflow")
    if operation != "completion":
        raise NodeError("n8n Form: operation 'page' is not supported yet",
                        description="A form page suspends the execution until the person submits it; "
                                    "AutomateLanka cannot suspend and resume executions yet. Collect every "
                                    "field in the Form Trigger instead.")
    respond_with = ctx.param("respondWith", 0, "text")
    options = ctx.param("options", 0, {}) or {}
    trigger_params = ctx.state.workflow.nodes[trigger].parameters
    screen: dict[str, Any] = {
        "respondWith": respond_with,
        "title": ctx.param("completionTitle", 0, ""),
        "message": ctx.param("completionMessage", 0, ""),
        "formTitle": options.get("formTitle") or trigger_params.get("formTitle"),
        "redirectUrl": ctx.param("redirectUrl", 0, "") or None,
        "responseText": ctx.param("responseText", 0, "") if respond_with == "showText" else "",
        "appendAttribution": (trigger_params.get("options") or {}).get("appendAttribution") is not False,
    }
    if respond_with == "returnBinary":
        screen["binary"] = _binary_of(ctx, ctx.param("inputDataFieldName", 0, "data"))
    ctx.state.cache.setdefault("form_completion", screen)
    return [list(ctx.input(0))]
