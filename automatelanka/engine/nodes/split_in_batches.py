"""SplitInBatches ("Loop Over Items"): v1 ``[batch]``, v2 ``[loop, done]``, v3 ``[done, loop]``.

The node keeps its queue in the per-execution node context (spec §3.7): the first call (or
``options.reset``) stores the remaining items, later calls hand out the next batch and collect the
items that came back as "processed". The context keeps n8n's key names because expressions can
read them (``$node["Loop"].context["noItemsLeft"]``).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register


def _with_source_overwrite(paired: Any, source: Any) -> Any:
    if isinstance(paired, int) and not isinstance(paired, bool):
        return {"item": paired, "sourceOverwrite": source}
    return {**paired, "sourceOverwrite": source}


def _paired_info(item: Item, source: Any) -> Any:
    paired = item.get("pairedItem")
    if paired is None:
        return {"item": 0, "sourceOverwrite": source}
    if isinstance(paired, list):
        return [_with_source_overwrite(p, source) for p in paired]
    return _with_source_overwrite(paired, source)


def _next_batch(ctx: NodeContext, default_size: int, collect: bool) -> Items:
    """Advance the loop by one call and return the batch to emit (empty when finished)."""
    items = list(ctx.input(0))
    state = ctx.node_context
    batch_size = ctx.param("batchSize", 0, default_size)
    options = ctx.param("options", 0, {}) or {}
    source = ctx.source[0] if ctx.source else None
    if state.get("items") is None or options.get("reset") is True:
        size = batch_size if isinstance(batch_size, (int, float)) and batch_size > 0 else 0
        state["currentRunIndex"] = 0
        state["maxRunIndex"] = math.ceil(len(items) / batch_size) if size else None
        state["sourceData"] = copy.deepcopy(source)
        count = int(size) if size else 0
        batch, state["items"] = items[:count], items[count:]
        if collect:
            state["processedItems"] = []
    else:
        state["currentRunIndex"] = state.get("currentRunIndex", 0) + 1
        queue: Items = state["items"]
        count = int(batch_size) if isinstance(batch_size, (int, float)) and batch_size > 0 else 0
        batch, state["items"] = queue[:count], queue[count:]
        if collect:
            processed = [{**item, "pairedItem": {"sourceOverwrite": source, "item": index}}
                         for index, item in enumerate(items)]
            state["processedItems"] = [*state.get("processedItems", []), *processed]
        for item in batch:
            item["pairedItem"] = _paired_info(item, state["sourceData"])
    state["noItemsLeft"] = len(state["items"]) == 0
    return batch


@register("n8n-nodes-base.splitInBatches", versions=(1,), display_name="Split In Batches")
def split_in_batches_v1(ctx: NodeContext) -> NodeOutput | None:
    batch = _next_batch(ctx, 10, collect=False)
    return [batch] if batch else None


@register("n8n-nodes-base.splitInBatches", versions=(2,), outputs=2, display_name="Split In Batches")
def split_in_batches_v2(ctx: NodeContext) -> NodeOutput:
    batch = _next_batch(ctx, 10, collect=True)
    ctx.node_context["done"] = not batch
    return [batch, []] if batch else [[], ctx.node_context["processedItems"]]


@register("n8n-nodes-base.splitInBatches", versions=(3,), outputs=2, display_name="Loop Over Items")
def split_in_batches_v3(ctx: NodeContext) -> NodeOutput:
    batch = _next_batch(ctx, 1, collect=True)
    ctx.node_context["done"] = not batch
    return [[], batch] if batch else [ctx.node_context["processedItems"], []]
