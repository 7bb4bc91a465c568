"""Python for the Code node (``language: python``), run like n8n's Pyodide sandbox.

The user code becomes the body of ``async def __main()`` and runs in a child interpreter
(``sys.executable -I``) under a wall-clock limit (``limits.python_time_limit_s``) and rlimits (address
space, CPU, no core files). Data goes over stdin/stdout as JSON. Inside, n8n's ``$`` variables are
named with ``_`` (``_input``, ``_json``, ``_items``, ``_('Node')``, ``_now``...), and objects allow both
``item.json.x`` and ``item["json"]["x"]`` as Pyodide's JS proxies do. The returned value is
validated and normalised like the JavaScript Code node's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext

_CHILD = Path(__file__).with_name("_python_child.py")
_N8N_KEYS = ("json", "binary", "pairedItem", "error", "index")
_MEMORY_MB = 512


class _Invalid(Exception):
    def __init__(self, message: str, description: str | None = None, item_index: int | None = None) -> None:
        suffix = f" [item {item_index}]" if item_index is not None else ""
        super().__init__(message + suffix)
        self.message = message + suffix
        self.description = description


def _other_nodes(ctx: NodeContext) -> dict[str, list[list[Item]]]:
    """Last-run outputs of the nodes this one can reference (its ancestors)."""
    out: dict[str, list[list[Item]]] = {}
    for name in ctx.state.workflow.ancestors(ctx.node.name):
        outputs = ctx.state.last_output(name)
        if outputs is not None:
            out[name] = [list(o or []) for o in outputs]
    return out


def _payload(ctx: NodeContext, code: str, mode: str, item_index: int) -> dict[str, Any]:
    wf = ctx.state.workflow
    source = ctx.source[0] if ctx.source else None
    return {
        "code": code,
        "mode": mode,
        "item_index": item_index,
        "items": ctx.connection_input,
        "nodes": _other_nodes(ctx),
        "workflow": {"id": wf.id, "name": wf.name, "active": wf.active},
        "execution": {"id": ctx.state.execution_id, "mode": "test" if ctx.state.mode == "manual" else "production"},
        "run_index": ctx.run_index,
        "prev_node": {"name": source.get("previousNode"), "outputIndex": source.get("previousNodeOutput", 0),
                      "runIndex": source.get("previousNodeRun", 0)} if source else None,
        "timezone": ctx.timezone,
        "env": dict(ctx.state.services.env),
        "vars": dict(ctx.state.services.variables),
        "memory_mb": _MEMORY_MB,
        "cpu_s": int(ctx.state.services.limits.python_time_limit_s) + 1,
    }


def _run_child(ctx: NodeContext, payload: dict[str, Any]) -> dict[str, Any]:
    limit = ctx.state.services.limits.python_time_limit_s
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run([sys.executable, "-I", str(_CHILD)], input=json.dumps(payload).encode(),
                              capture_output=True, timeout=limit, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ctx.error(f"Python code took longer than {limit:g} seconds and was stopped",
                        description="Raise limits.python_time_limit_s or make the code faster") from exc
    try:
        return json.loads(done.stdout.decode("utf-8"))
    except ValueError as exc:
        detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit code {done.returncode}"
        if done.returncode < 0 or "MemoryError" in reason:
            reason = f"the Python process was stopped ({reason}); it may have exceeded its memory limit"
        raise ctx.error(f"Python code failed: {reason}") from exc


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _validate_item(item: Any, index: int | None) -> None:
    if not _is_object(item.get("json")):
        raise _Invalid("A 'json' property isn't a dictionary",
                       "In the returned data, every key named 'json' must point to a dictionary.", index)
    if "binary" in item and not _is_object(item["binary"]):
        raise _Invalid("A 'binary' property isn't a dictionary",
                       "In the returned data, every key named 'binary' must point to a dictionary.", index)


def _validate_top_keys(item: dict[str, Any], index: int) -> None:
    reserved = next((k for k in item if k in _N8N_KEYS), None)
    unknown = [k for k in item if k not in _N8N_KEYS]
    if unknown:
        if reserved:
            raise _Invalid("Invalid output format", f"An output item contains the reserved key '{reserved}'. "
                           "To get around this, please wrap each item in an object, under a key called `json`.",
                           index)
        raise _Invalid(f"Unknown top-level item key: {unknown[0]}",
                       "Access the properties of an item under `.json`, e.g. `item.json`", index)


def normalize_items(data: Any) -> Items:
    """n8n's ``normalizeItems``."""
    if isinstance(data, dict):
        data = [data] if data.get("json") else [{"json": data}]
    if all(isinstance(i, dict) and "json" in i for i in data):
        return data
    if any(isinstance(i, dict) and "json" in i for i in data):
        raise _Invalid("Inconsistent item format")
    if all(isinstance(i, dict) and "binary" in i for i in data):
        return [{"json": {k: v for k, v in i.items() if k != "binary"}, "binary": i["binary"]} for i in data]
    if any(isinstance(i, dict) and "binary" in i for i in data):
        raise _Invalid("Inconsistent item format")
    return [{"json": i} for i in data]


def _all_items(result: Any, returned: bool) -> Items:
    if not returned or not isinstance(result, (dict, list)):
        raise _Invalid("Code doesn't return items properly",
                       "Please return an array of dictionaries, one for each item you would like to output.")
    if isinstance(result, list):
        if not all(_is_object(i) for i in result):
            raise _Invalid("Code doesn't return items properly",
                           "Please return an array of dictionaries, one for each item you would like to output.")
        if any(any(k in _N8N_KEYS for k in i) for i in result):
            for index, item in enumerate(result):
                _validate_top_keys(item, index)
    items = normalize_items(result)
    for index, item in enumerate(items):
        _validate_item(item, index)
    return items


def _each_item(result: Any, returned: bool, index: int) -> Item:
    if not returned or not isinstance(result, (dict, list)):
        raise _Invalid("Code doesn't return a dictionary",
                       f"Please return a dictionary representing the output item. ('{result}' was returned "
                       "instead.)", index)
    if isinstance(result, list):
        first = (f"An array of {'object' if isinstance(result[0], (dict, list)) else type(result[0]).__name__}s "
                 "was returned." if result else "An empty array was returned.")
        raise _Invalid("Code doesn't return a single dictionary",
                       f"{first} If you need to output multiple items, please use the 'Run Once for All Items' "
                       "mode instead.", index)
    [item] = normalize_items([result])
    _validate_item(item, index)
    _validate_top_keys(item, index)
    return item


def _once(ctx: NodeContext, code: str, mode: str, index: int) -> Any:
    out = _run_child(ctx, _payload(ctx, code, mode, index))
    for line in out.get("logs") or []:
        ctx.log(line)
    if "error" in out:
        error = out["error"]
        raise ctx.error(str(error.get("message")), None if index < 0 else index,
                        level="warning" if error.get("type") in ("TypeError", "AttributeError") else "error")
    return out


def run_python(ctx: NodeContext, language: str = "python") -> NodeOutput:
    """Run the Code node's ``pythonCode`` (both modes) and return its output items."""
    if language == "pythonNative":
        raise ctx.error("Python (Native) requires the task runner, which this engine does not provide",
                        description="Use language 'python' instead")
    mode = ctx.param("mode", 0, "runOnceForAllItems")
    if mode == "runOnceForAllItems":
        try:
            out = _once(ctx, ctx.param("pythonCode", 0, ""), "all", -1)
            return [_all_items(out.get("value"), bool(out.get("returned")))]
        except (NodeError, _Invalid) as exc:
            if not ctx.continue_on_fail:
                if isinstance(exc, _Invalid):
                    raise ctx.error(exc.message, description=exc.description) from exc
                raise
            return [[{"json": {"error": exc.message}}]]
    result: Items = []
    for index in range(len(ctx.connection_input)):
        try:
            out = _once(ctx, ctx.param("pythonCode", index, ""), "each", index)
            item = _each_item(out.get("value"), bool(out.get("returned")), index)
            new: Item = {"json": item["json"], "pairedItem": {"item": index}}
            if item.get("binary"):
                new["binary"] = item["binary"]
            result.append(new)
        except (NodeError, _Invalid) as exc:
            if not ctx.continue_on_fail:
                if isinstance(exc, _Invalid):
                    raise ctx.error(exc.message, index, description=exc.description) from exc
                raise
            result.append({"json": {"error": exc.message}, "pairedItem": {"item": index}})
    return [result]
