"""Small flow nodes: No Operation, Stop and Error, Limit, Wait."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.conditions import js_json_stringify, parse_datetime

#: Waits shorter than this run in-process (n8n checks waiting executions every 60 s).
IN_PROCESS_WAIT_LIMIT_S = 65.0


@register("n8n-nodes-base.noOp", versions=(1,), display_name="No Operation")
def no_op(ctx: NodeContext) -> NodeOutput:
    return [list(ctx.input(0))]


def _text(value: Any) -> str:
    return value if isinstance(value, str) and value else ""


def error_from_object(raw: Any) -> tuple[str, dict[str, Any]]:
    """Message and error fields for ``errorType: errorObject`` (spec §5.5)."""
    try:
        obj = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise ValueError(f"Unexpected token in JSON: {exc}") from exc
    if not isinstance(obj, dict):
        obj = {} if obj is None else obj
    fields = obj if isinstance(obj, dict) else {}
    message = (_text(fields.get("message")) or _text(fields.get("description")) or _text(fields.get("error"))
               or f"Error: {js_json_stringify(obj)}")
    return message, {
        "description": _text(fields.get("description")) or None,
        "type": _text(fields.get("type")) or None,
        "metadata": obj,
    }


@register("n8n-nodes-base.stopAndError", versions=(1,), display_name="Stop and Error")
def stop_and_error(ctx: NodeContext) -> NodeOutput:
    error_type = ctx.param("errorType", 0, "errorMessage")
    if error_type == "errorMessage":
        message = ctx.param("errorMessage", 0, "")
        raise ctx.error(message if isinstance(message, str) else js_json_stringify(message))
    try:
        message, fields = error_from_object(ctx.param("errorObject", 0, ""))
    except ValueError as exc:
        raise ctx.error(str(exc)) from exc
    error = ctx.error(message, description=fields["description"], level="error",
                      context={"metadata": fields["metadata"]})
    error.type = fields["type"]  # type: ignore[attr-defined]
    raise error


@register("n8n-nodes-base.limit", versions=(1,), display_name="Limit")
def limit(ctx: NodeContext) -> NodeOutput:
    items = list(ctx.input(0))
    max_items = ctx.param("maxItems", 0, 1)
    keep = ctx.param("keep", 0, "firstItems")
    if max_items > len(items):
        return [items]
    count = max(int(max_items), 0)
    if keep == "firstItems":
        return [items[:count]]
    return [items[len(items) - count:] if count else []]


_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _wait_seconds(ctx: NodeContext) -> float:
    """Seconds to wait for ``timeInterval`` / ``specificTime`` (n8n's validation messages)."""
    resume = ctx.param("resume", 0, "timeInterval")
    if resume == "timeInterval":
        v1 = float(ctx.node.type_version) < 1.1
        unit = ctx.param("unit", 0, "hours" if v1 else "seconds")
        if unit not in _UNIT_SECONDS:
            raise ctx.error("Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.")
        amount = ctx.param("amount", 0, 1 if v1 else 5)
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
            raise ctx.error("Invalid wait amount. Please enter a number that is 0 or greater.")
        return amount * _UNIT_SECONDS[unit]
    try:
        target = parse_datetime(ctx.param("dateTime", 0, ""), ctx.timezone)
    except ValueError as exc:
        raise ctx.error("Cannot put execution to wait because `dateTime` parameter is not a valid date. "
                        "Please pick a specific date and time to wait until.") from exc
    return max((target - datetime.now(UTC)).total_seconds(), 0.0)


@register("n8n-nodes-base.wait", versions=(1, 1.1), display_name="Wait")
def wait(ctx: NodeContext) -> NodeOutput:
    resume = ctx.param("resume", 0, "timeInterval")
    if resume in ("webhook", "form"):
        raise ctx.error(f"Resuming a Wait node by {resume} is not supported yet",
                        description="AutomateLanka cannot suspend an execution and resume it later; "
                        "only waits shorter than 65 seconds run.")
    seconds = _wait_seconds(ctx)
    if seconds >= IN_PROCESS_WAIT_LIMIT_S:
        raise ctx.error(f"Waits of 65 seconds or longer are not supported yet (this one is {seconds:g} s)",
                        description="AutomateLanka cannot suspend an execution and resume it later; "
                        "only waits shorter than 65 seconds run in-process.")
    sleep = getattr(ctx.state.services, "sleep", None) or time.sleep
    if seconds > 0:
        sleep(seconds)
    return [list(ctx.input(0))]
