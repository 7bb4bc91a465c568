"""If node: v1 (legacy typed conditions) and v2-2.3 (filter value). Outputs ``[true, false]``."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.conditions import (
    LegacyError,
    evaluate_filter,
    legacy_compare,
    legacy_datetime,
)

#: The legacy condition groups, in the order n8n evaluates them, with each group's defaults.
LEGACY_TYPES: dict[str, dict[str, Any]] = {
    "boolean": {"value1": False, "value2": False, "operation": "equal"},
    "dateTime": {"value1": "", "value2": "", "operation": "after"},
    "number": {"value1": 0, "value2": 0, "operation": "smaller"},
    "string": {"value1": "", "value2": "", "operation": "equal"},
}


def route_by_filter(ctx: NodeContext) -> tuple[Items, Items]:
    """Split input 0 by the ``conditions`` filter value (If v2+ / Filter v2+).

    With continueOnFail a failing item goes to the second list.
    """
    passed: Items = []
    failed: Items = []
    for index, item in enumerate(ctx.input(0)):
        try:
            ctx.param("options", index, {})
            ok = evaluate_filter(ctx, ctx.param("conditions", index, False, keep_undefined=True), index)
        except Exception:
            if ctx.continue_on_fail:
                failed.append(item)
                continue
            raise
        item.setdefault("pairedItem", {"item": index})
        (passed if ok else failed).append(item)
    return passed, failed


def legacy_condition_passes(ctx: NodeContext, data_type: str, condition: dict[str, Any],
                            accessor: str = "compareData.operation") -> bool:
    """One legacy condition (value1 <operation> value2); dateTime values are compared in ms."""
    values = {**LEGACY_TYPES[data_type], **(condition or {})}
    value1, value2 = values.get("value1"), values.get("value2")
    try:
        if data_type == "dateTime":
            value1, value2 = legacy_datetime(value1), legacy_datetime(value2)
        return legacy_compare(values.get("operation"), value1, value2, accessor=accessor)
    except LegacyError as exc:
        raise ctx.error(str(exc)) from exc


def route_legacy(ctx: NodeContext, combine_param: str, any_value: str, all_value: str,
                 accessor: str = "compareData.operation") -> tuple[Items, Items]:
    """Split input 0 by legacy typed conditions (If v1 / Filter v1), stopping early per item."""
    passed: Items = []
    failed: Items = []
    for index, item in enumerate(ctx.input(0)):
        combine = ctx.param(combine_param, index, all_value)
        decided = None
        for data_type in LEGACY_TYPES:
            for condition in ctx.param(f"conditions.{data_type}", index, []) or []:
                result = legacy_condition_passes(ctx, data_type, condition, accessor)
                if result and combine == any_value:
                    decided = True
                elif not result and combine == all_value:
                    decided = False
                if decided is not None:
                    break
            if decided is not None:
                break
        if decided is None:
            decided = combine == all_value
        (passed if decided else failed).append(item)
    return passed, failed


@register("n8n-nodes-base.if", versions=(1,), outputs=2, display_name="If")
def if_v1(ctx: NodeContext) -> NodeOutput:
    true_items, false_items = route_legacy(ctx, "combineOperation", "any", "all")
    return [true_items, false_items]


@register("n8n-nodes-base.if", versions=(2, 2.1, 2.2, 2.3), outputs=2, display_name="If")
def if_v2(ctx: NodeContext) -> NodeOutput:
    true_items, false_items = route_by_filter(ctx)
    return [true_items, false_items]
