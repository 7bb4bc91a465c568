"""Filter node: v1 (legacy typed conditions) and v2-2.3 (filter value).

n8n declares one output but returns ``[kept, discarded]``; both lists land in runData while only
output 0 can be connected.
"""

from __future__ import annotations

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.if_node import route_by_filter, route_legacy


@register("n8n-nodes-base.filter", versions=(1,), display_name="Filter")
def filter_v1(ctx: NodeContext) -> NodeOutput:
    kept, discarded = route_legacy(ctx, "combineConditions", "OR", "AND", "condition.operation")
    for index, item in enumerate(ctx.input(0)):
        item.setdefault("pairedItem", [{"item": index}])
    return [kept, discarded]


@register("n8n-nodes-base.filter", versions=(2, 2.1, 2.2, 2.3), display_name="Filter")
def filter_v2(ctx: NodeContext) -> NodeOutput:
    kept, discarded = route_by_filter(ctx)
    return [kept, discarded]
