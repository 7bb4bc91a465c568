"""Switch node: v1/v2 (legacy value1-vs-rules or expression), v3-3.4 (filter-value rules).

The output count depends on parameters: v1 always has 4, v2 one per rule (or ``outputsAmount``),
v3 one per rule plus an "extra" fallback (or ``numberOutputs``).
"""

from __future__ import annotations

import math
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.conditions import (
    SWITCH_OPERATIONS,
    LegacyError,
    evaluate_filter,
    is_nullish,
    js_compare,
    js_to_number,
    js_to_string,
    legacy_compare,
    legacy_datetime,
)
from automatelanka.engine.workflow import Node

_LEGACY_VALUE1_DEFAULT = {"boolean": False, "dateTime": "", "number": 0, "string": ""}
_LEGACY_OPERATION_DEFAULT = {"boolean": "equal", "dateTime": "after", "number": "smaller", "string": "equal"}


def _static_int(value: Any, default: int) -> int:
    """A count saved in the workflow (expressions cannot be known before running)."""
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)) and math.isfinite(value):
        return max(int(value), 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return default


def _v2_outputs(node: Node) -> int:
    params = node.parameters
    if params.get("mode", "rules") == "expression":
        return _static_int(params.get("outputsAmount", 4), 4)
    return len(((params.get("rules") or {}).get("rules")) or [])


def _v3_outputs(node: Node) -> int:
    params = node.parameters
    if params.get("mode", "rules") == "expression":
        return _static_int(params.get("numberOutputs", 4), 4)
    rules = params.get("rules")
    count = len((rules.get("values") or []) if isinstance(rules, dict) else [None])
    options = params.get("options") or {}
    return count + (1 if options.get("fallbackOutput") == "extra" else 0)


def _index(value: Any) -> Any:
    """An output index as JS would use it to index an array (numbers and numeric strings)."""
    number = js_to_number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def _push(ctx: NodeContext, outputs: list[Items], index: Any, item: dict[str, Any], item_index: int) -> None:
    position = _index(index)
    if not isinstance(position, int) or not 0 <= position < len(outputs):
        raise ctx.error("Cannot read properties of undefined (reading 'push')", item_index)
    outputs[position].append(item)


def _legacy_check_range(ctx: NodeContext, outputs: list[Items], index: Any) -> None:
    if js_compare("<", index, 0) or js_compare(">=", index, len(outputs)):
        raise ctx.error(f"The ouput {js_to_string(index)} is not allowed. "
                        f"It has to be between 0 and {len(outputs) - 1}!")


def _legacy_route(ctx: NodeContext, version: int) -> NodeOutput:
    items = ctx.input(0)
    outputs: list[Items] = [[], [], [], []] if version == 1 else []
    for item_index, item in enumerate(items):
        try:
            rules = ctx.param("rules.rules", item_index, []) or [] if version == 2 else None
            mode = ctx.param("mode", item_index, "rules")
            if version == 2:
                item["pairedItem"] = {"item": item_index}
            if mode == "expression":
                if version == 2 and item_index == 0:
                    outputs = [[] for _ in range(_static_int(ctx.param("outputsAmount", item_index, 4), 0))]
                output_index = ctx.param("output", item_index, 0)
                _legacy_check_range(ctx, outputs, output_index)
                _push(ctx, outputs, output_index, item, item_index)
                continue
            if mode != "rules":
                continue
            if version == 1:
                rules = ctx.param("rules.rules", item_index, []) or []
            elif item_index == 0:
                outputs = [[] for _ in rules]
            data_type = ctx.param("dataType", 0, "number")
            value1 = ctx.param("value1", item_index, _LEGACY_VALUE1_DEFAULT.get(data_type, ""))
            try:
                if data_type == "dateTime":
                    value1 = legacy_datetime(value1)
                matched = False
                for rule_index, rule in enumerate(rules):
                    value2 = rule.get("value2", _LEGACY_VALUE1_DEFAULT.get(data_type, ""))
                    if data_type == "dateTime":
                        value2 = legacy_datetime(value2)
                    operation = rule.get("operation", _LEGACY_OPERATION_DEFAULT.get(data_type))
                    if legacy_compare(operation, value1, value2, allowed=SWITCH_OPERATIONS,
                                      accessor="ruleData.operation"):
                        target = rule.get("output", 0) if version == 1 else rule_index
                        if version == 1:
                            _legacy_check_range(ctx, outputs, target)
                        _push(ctx, outputs, target, item, item_index)
                        matched = True
                        break
            except LegacyError as exc:
                raise ctx.error(str(exc), item_index) from exc
            if matched:
                continue
            fallback = ctx.param("fallbackOutput", item_index, -1)
            if not (isinstance(fallback, (int, float)) and not isinstance(fallback, bool) and fallback == -1):
                _legacy_check_range(ctx, outputs, fallback)
                _push(ctx, outputs, fallback, item, item_index)
        except Exception as exc:
            if ctx.continue_on_fail:
                _error_item(ctx, outputs, exc, item_index)
                continue
            raise
    return outputs


def _error_item(ctx: NodeContext, outputs: list[Items], exc: Exception, item_index: int) -> None:
    if not outputs:
        raise ctx.error("Cannot read properties of undefined (reading 'push')", item_index) from exc
    message = exc.message if isinstance(exc, NodeError) else str(exc)
    outputs[0].append({"json": {"error": message}})


@register("n8n-nodes-base.switch", versions=(1,), outputs=4, display_name="Switch")
def switch_v1(ctx: NodeContext) -> NodeOutput:
    return _legacy_route(ctx, 1)


@register("n8n-nodes-base.switch", versions=(2,), outputs=_v2_outputs, display_name="Switch")
def switch_v2(ctx: NodeContext) -> NodeOutput:
    return _legacy_route(ctx, 2)


def _v3_check_range(ctx: NodeContext, length: int, index: Any, item_index: int) -> None:
    shown = js_to_string(index)
    if js_to_number(index) == length:
        raise ctx.error(f"The ouput {shown} is not allowed. ", item_index,
                        description="Output indexes are zero based, if you want to use the extra output use "
                        f"{js_to_string(js_to_number(index) - 1)}")
    if js_compare("<", index, 0) or js_compare(">", index, length):
        raise ctx.error(f"The ouput {shown} is not allowed", item_index,
                        description=f"It has to be between 0 and {length - 1}")


@register("n8n-nodes-base.switch", versions=(3, 3.1, 3.2, 3.3, 3.4), outputs=_v3_outputs, display_name="Switch")
def switch_v3(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    mode = ctx.param("mode", 0, "rules")
    outputs: list[Items] = []
    for item_index, item in enumerate(items):
        try:
            item["pairedItem"] = {"item": item_index}
            if mode == "expression":
                count = ctx.param("numberOutputs", item_index, 4)
                if item_index == 0:
                    outputs = [[] for _ in range(_static_int(count, 0))]
                output_index = ctx.param("output", item_index)
                _v3_check_range(ctx, len(outputs), output_index, item_index)
                _push(ctx, outputs, output_index, item, item_index)
            elif mode == "rules":
                _route_rules(ctx, item, item_index, outputs)
        except Exception as exc:
            if ctx.continue_on_fail:
                _error_item(ctx, outputs, exc, item_index)
                continue
            raise
    return outputs or [[]]


def _route_rules(ctx: NodeContext, item: dict[str, Any], item_index: int, outputs: list[Items]) -> None:
    rules = ctx.param("rules.values", item_index, [], keep_undefined=True) or []
    if not rules:
        return
    options = ctx.param("options", item_index, {}) or {}
    fallback = options.get("fallbackOutput")
    if item_index == 0:
        outputs.extend([] for _ in rules)
        if fallback == "extra":
            outputs.append([])
    matched = False
    for rule_index, rule in enumerate(rules):
        if evaluate_filter(ctx, (rule or {}).get("conditions", False), item_index):
            matched = True
            _push(ctx, outputs, rule_index, item, item_index)
            if not options.get("allMatchingOutputs"):
                return
    if matched or is_nullish(fallback) or fallback == "none":
        return
    if fallback == "extra":
        outputs[-1].append(item)
        return
    _v3_check_range(ctx, len(outputs), fallback, item_index)
    _push(ctx, outputs, fallback, item, item_index)
