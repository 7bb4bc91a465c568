"""Code (v1/v2, JavaScript), Function and FunctionItem nodes, run in the quickjs sandbox.

The user code is an async function body evaluated in the thread's quickjs context (no file system,
network or process access; no Python callable is reachable), under the execution's time and memory
limits. Validation and normalisation of the returned value follow n8n's Code node exactly; the
JS side (``expressions/js/runtime.js``) does it on the live JS values (Dates, undefined...).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.expressions import evaluator_for
from automatelanka.engine.items import Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register

PAIRING_HINT = (
    "To make sure expressions after this node work, return the input items that produced each output "
    'item. <a target="_blank" href="https://docs.n8n.io/data/data-mapping/data-item-linking/'
    'item-linking-code-node/">More info</a>'
)
_DISALLOWED_EACH = re.compile(r"\$input\.(?P<method>first|last|all|itemMatching)")


def _run(ctx: NodeContext, code: str, flavor: str, item_index: int) -> dict[str, Any]:
    """Run the code once; returns the runtime's result dict and forwards console output."""
    evaluator = evaluator_for(ctx.state)
    out = evaluator.run_code(ctx.scope(max(item_index, 0)), code, flavor, item_index)
    for line in out.get("logs") or []:
        ctx.log(line)
    return out


def _code_error(ctx: NodeContext, err: dict[str, Any], item_index: int | None) -> NodeError:
    """n8n's ExecutionError / ValidationError message for a failed Code run."""
    message = err.get("message") or "Unknown error"
    description = err.get("description")
    if not err.get("validation"):
        line = err.get("line")
        if line:
            suffix = f"[line {line}]" if item_index is None else f"[line {line}, for item {item_index}]"
            message = f"{message} {suffix}"
        name = err.get("name")
        description = name if name and name not in ("Error", "ExpressionError") else description
        if message == "items is not defined":
            message = "`items` is not defined. Did you mean `$input.all()`?"
    return ctx.error(message, item_index, description=description)


def _check_each_item_methods(ctx: NodeContext, code: str, item_index: int) -> None:
    match = _DISALLOWED_EACH.search(code)
    if not match:
        return
    method = match.group("method")
    for number, line in enumerate(code.split("\n"), start=1):
        line = line.lstrip()
        if method in line and not line.startswith(("//", "/*", "*")):
            raise ctx.error(f"Can't use .{method}() here [line {number}, for item {item_index}]", item_index,
                            description="This is only available in 'Run Once for All Items' mode")


def _python(ctx: NodeContext, language: str) -> NodeOutput:
    try:
        module = importlib.import_module("automatelanka.engine.nodes.code_python")
    except ImportError:
        module = None
    run_python = getattr(module, "run_python", None)
    if run_python is None:
        raise ctx.error("Python code is not supported yet",
                        description="Python in the Code node is run by automatelanka/engine/nodes/code_python.py")
    return run_python(ctx, language=language)


@register("n8n-nodes-base.code", versions=(1, 2), display_name="Code")
def code_node(ctx: NodeContext) -> NodeOutput:
    language = ctx.param("language", 0, "javaScript") if ctx.node.type_version >= 2 else "javaScript"
    if language in ("python", "pythonNative"):
        return _python(ctx, language)
    mode = ctx.param("mode", 0, "runOnceForAllItems")
    inputs = ctx.connection_input
    if mode == "runOnceForAllItems":
        code = ctx.param("jsCode", 0, "")
        out = _run(ctx, code, "code_all", -1)
        if "error" in out:
            if not ctx.continue_on_fail:
                raise _code_error(ctx, out["error"], None)
            items: Items = [{"json": {"error": _code_error(ctx, out["error"], None).message}}]
        else:
            items = out["value"]["items"]
        _pairing_hint(ctx, items, len(inputs))
        return [items]

    result: Items = []
    for index in range(len(inputs)):
        code = ctx.param("jsCode", index, "")
        try:
            _check_each_item_methods(ctx, code, index)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            result.append({"json": {"error": exc.message}, "pairedItem": {"item": index}})
            continue
        out = _run(ctx, code, "code_each", index)
        if "error" in out:
            error = _code_error(ctx, out["error"], index)
            if not ctx.continue_on_fail:
                raise error
            result.append({"json": {"error": error.message}, "pairedItem": {"item": index}})
            continue
        for item in out["value"]["items"] or []:
            new: dict[str, Any] = {"json": item["json"], "pairedItem": {"item": index}}
            if item.get("binary"):
                new["binary"] = item["binary"]
            result.append(new)
    _pairing_hint(ctx, result, len(inputs))
    return [result]


def _pairing_hint(ctx: NodeContext, items: Items, input_count: int) -> None:
    if len(items) != input_count or any("pairedItem" not in it for it in items):
        ctx.hint(PAIRING_HINT)


@register("n8n-nodes-base.function", versions=(1,), display_name="Function")
def function_node(ctx: NodeContext) -> NodeOutput:
    code = ctx.param("functionCode", 0, "")
    out = _run(ctx, code, "function", -1)
    if "error" in out:
        err = out["error"]
        if ctx.continue_on_fail:
            return [[{"json": {"error": err.get("message")}}]]
        message = err.get("message") or "Unknown error"
        if err.get("line") and not err.get("validation"):
            message = f"{message} [Line {err['line']}]"
        raise ctx.error(message)
    return [out["value"]["items"]]


@register("n8n-nodes-base.functionItem", versions=(1,), display_name="Function Item")
def function_item_node(ctx: NodeContext) -> NodeOutput:
    result: Items = []
    inputs = ctx.connection_input if ctx.connection_input else ctx.input(0)
    for index, source in enumerate(inputs):
        code = ctx.param("functionCode", index, "")
        out = _run(ctx, code, "functionItem", index)
        if "error" in out:
            err = out["error"]
            if ctx.continue_on_fail:
                result.append({"json": {"error": err.get("message")}, "pairedItem": {"item": index}})
                continue
            message = err.get("message") or "Unknown error"
            if err.get("line"):
                message = f"{message} [Line {err['line']} | Item Index: {index}]"
            else:
                message = f"{message} [Item Index: {index}]"
            raise ctx.error(message, index)
        item: dict[str, Any] = {"json": out["value"]["items"][0]["json"], "pairedItem": {"item": index}}
        if source.get("binary"):
            item["binary"] = source["binary"]
        result.append(item)
    return [result]
