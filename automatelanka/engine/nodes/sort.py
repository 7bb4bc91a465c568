"""Sort node: simple (by fields, strings case-insensitively, stable) or random order."""

from __future__ import annotations

import random
from functools import cmp_to_key
from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register

_NESTED_HINT = ("If you're trying to use a nested field, make sure you turn off 'disable dot notation' "
                "in the node options")


@register("n8n-nodes-base.sort", versions=(1,), display_name="Sort")
def sort(ctx: NodeContext) -> NodeOutput:
    return [sort_items(ctx, ctx.input(0))]


def shuffle(items: list[Any]) -> None:
    """Fisher-Yates from the end, as n8n ``shuffleArray``."""
    for i in range(len(items) - 1, 0, -1):
        j = random.randrange(i + 1)
        items[i], items[j] = items[j], items[i]


def sort_items(ctx: NodeContext, items: Items) -> Items:
    """Sort (also Item Lists ``sort``)."""
    result = list(items)
    kind = ctx.param("type", 0, "simple")
    no_dots = bool((ctx.param("options", 0, {}) or {}).get("disableDotNotation"))
    if kind == "random":
        shuffle(result)
        return result
    if kind != "simple":
        raise ctx.error("Sorting with custom code is not supported yet; use 'Simple' sort or a Code node")
    fields = (ctx.param("sortFieldsUi", 0, {}) or {}).get("sortField") or []
    if not fields:
        raise ctx.error("No sorting specified. Please add a field to sort by")

    def value(item: Item, name: str) -> Any:
        json = item.get("json", {})
        return json.get(name, f.MISSING) if no_dots else f.get(json, name)

    for field in fields:
        name = field.get("fieldName", "")
        if not any(value(item, name) is not f.MISSING for item in items):
            raise ctx.error(f"Couldn't find the field '{name}' in the input data",
                            description=_NESTED_HINT if no_dots and "." in name else None)
    spec = [(field.get("fieldName", ""), 1 if field.get("order", "ascending") == "ascending" else -1)
            for field in fields]

    def lowered(v: Any) -> Any:
        return v.lower() if isinstance(v, str) and not f.is_datetime(v) else v

    def compare(a: Item, b: Item) -> int:
        for name, direction in spec:
            left, right = lowered(value(a, name)), lowered(value(b, name))
            if not f.js_equal(left, right):
                return -direction if f.js_lt(left, right) else direction
        return 0

    result.sort(key=cmp_to_key(compare))
    return result
