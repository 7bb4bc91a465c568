"""Item Lists (legacy umbrella node, v1-3.1): aggregate, limit, remove duplicates, sort, split out,
summarize. v3+ reuses the standalone nodes; v1/v2 keep their own older split-out and aggregate rules."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.aggregate import aggregate_fields, aggregate_items
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.remove_duplicates import remove_duplicate_items
from automatelanka.engine.nodes.sort import sort_items
from automatelanka.engine.nodes.split_out import split_out_items
from automatelanka.engine.nodes.summarize import legacy_summarize

_NESTED_HINT = ("If you're trying to use a nested field, make sure you turn off 'disable dot notation' "
                "in the node options")


def _limit(ctx: NodeContext, items: Items) -> Items:
    max_items = ctx.param("maxItems", 0, 1)
    if max_items > len(items):
        return list(items)
    count = int(max_items)
    if ctx.param("keep", 0, "firstItems") == "firstItems":
        return list(items[:count])
    return list(items[len(items) - count:])


@register("n8n-nodes-base.itemLists", versions=(3, 3.1), display_name="Item Lists")
def item_lists_v3(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    resource = ctx.param("resource", 0, "itemList")
    operation = ctx.param("operation", 0, "splitOutItems")
    if resource != "itemList":
        raise ctx.error(f'The operation "{operation}" is not supported!')
    if operation == "concatenateItems":
        return [[aggregate_items(ctx, items, hints=False)]]
    if operation == "limit":
        return [_limit(ctx, items)]
    if operation == "removeDuplicates":
        style = "v3.1" if ctx.node.type_version >= 3.1 else "v3"
        return [remove_duplicate_items(ctx, items, style=style)]
    if operation == "sort":
        return [sort_items(ctx, items)]
    if operation == "splitOutItems":
        return [split_out_items(ctx, items, hints=False)]
    if operation == "summarize":
        return [legacy_summarize(ctx, items)]
    raise ctx.error(f'The operation "{operation}" is not supported!')


@register("n8n-nodes-base.itemLists", versions=(1, 2, 2.1, 2.2), display_name="Item Lists")
def item_lists_v1(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    resource = ctx.param("resource", 0, "itemList")
    operation = ctx.param("operation", 0, "splitOutItems")
    if resource != "itemList":
        raise ctx.error(f"Resource '{resource}' is not recognized")
    if operation == "splitOutItems":
        return [_legacy_split_out(ctx, items)]
    if operation == "aggregateItems":
        return [[_legacy_aggregate(ctx, items)]]
    if operation == "removeDuplicates":
        return [remove_duplicate_items(ctx, items, style="legacy", fields_param="collection")]
    if operation == "sort":
        return [sort_items(ctx, items)]
    if operation == "limit":
        return [_limit(ctx, items)]
    if operation == "summarize":
        return [legacy_summarize(ctx, items)]
    raise ctx.error(f"Operation '{operation}' is not recognized")


def _collection_names(ctx: NodeContext, name: str, i: int) -> list[str]:
    return [e.get("fieldName", "") for e in ctx.param(f"{name}.fields", i, []) or []]


def _legacy_split_out(ctx: NodeContext, items: Items) -> Items:
    version = ctx.node.type_version
    out: Items = []
    for i, input_item in enumerate(items):
        source = input_item.get("json", {})
        no_dots = bool((ctx.param("options", 0, {}) or {}).get("disableDotNotation"))
        raw_fields = f.js_string(ctx.param("fieldToSplitOut", i, ""))
        fields = [raw_fields] if version < 2 else [s.strip() for s in raw_fields.split(",")]
        destination_text = f.js_string((ctx.param("options", i, {}) or {}).get("destinationFieldName", ""))
        destinations = ([destination_text] if version < 2 else
                        [d.strip() for d in destination_text.split(",") if d.strip() != ""])
        if version >= 2 and destinations and len(destinations) != len(fields):
            raise ctx.error("If multiple fields to split out are given, the same number of destination "
                            "fields must be given")
        include = ctx.param("include", i, "noOtherFields")
        split: list[dict[str, Any]] = []
        for entry_index, field in enumerate(fields):
            destination = destinations[entry_index] if entry_index < len(destinations) else ""
            value = source.get(field, f.MISSING) if no_dots else f.get(source, field)
            if value is f.MISSING:
                if version < 2.1:
                    raise ctx.error(f"Couldn't find the field '{field}' in the input data", i,
                                    description=_NESTED_HINT if no_dots and "." in field else None)
                value = []
            if not isinstance(value, (dict, list)):
                if version < 2:
                    raise ctx.error(f"The provided field '{field}' is not an array", i)
                if version < 2.2:
                    raise ctx.error(f"The provided field '{field}' is not an array or object", i)
                value = [value]
            if isinstance(value, dict):
                if version < 2:
                    raise ctx.error(f"The provided field '{field}' is not an array", i)
                value = list(value.values())
            for element_index, element in enumerate(value):
                if element_index >= len(split):
                    split.append({})
                if version < 2:
                    split[element_index] = {"element": element, "field": field, "destination": destination}
                    continue
                name = destination or field
                if isinstance(element, (dict, list)) and include == "noOtherFields" and destination == "" \
                        and len(fields) == 1:
                    split[element_index] = {**split[element_index], **_spread(element)}
                else:
                    split[element_index][name] = element
        for entry in split:
            json = _legacy_v1_entry(ctx, i, source, entry, include, no_dots) if version < 2 else \
                _legacy_v2_entry(ctx, i, source, entry, include, fields, no_dots)
            out.append({"json": json, "pairedItem": {"item": i}})
    return out


def _legacy_v1_entry(ctx: NodeContext, i: int, source: dict[str, Any], entry: dict[str, Any],
                     include: str, no_dots: bool) -> dict[str, Any]:
    element, field, destination = entry["element"], entry["field"], entry["destination"]
    new: dict[str, Any] = {}
    if include == "selectedOtherFields":
        selected = _collection_names(ctx, "fieldsToInclude", i)
        if not selected:
            raise ctx.error("No fields specified", description="Please add a field to include")
        for name in selected:
            if name != field:
                new[name] = source.get(name, f.MISSING) if no_dots else f.get(source, name)
    elif include == "allOtherFields":
        new = {k: (source.get(k, f.MISSING) if no_dots else f.get(source, k)) for k in source}
        f.unset(new, field)
    if (isinstance(element, (dict, list)) or element is None) and include == "noOtherFields" \
            and destination == "":
        new = {**new, **_spread(element)}
    else:
        new[destination or field] = element
    return {k: v for k, v in new.items() if v is not f.MISSING}


def _spread(value: Any) -> dict[str, Any]:
    """JavaScript ``{...value}`` for an object, an array (index keys) or null."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def _legacy_v2_entry(ctx: NodeContext, i: int, source: dict[str, Any], entry: dict[str, Any], include: str,
                     fields: list[str], no_dots: bool) -> dict[str, Any]:
    if include == "allOtherFields":
        return {**f.omit_fields(source, fields, no_dots), **entry}
    if include == "selectedOtherFields":
        selected = _collection_names(ctx, "fieldsToInclude", i)
        if not selected:
            raise ctx.error("No fields specified", description="Please add a field to include")
        for name in selected:
            value = source.get(name, f.MISSING) if no_dots else f.get(source, name)
            if value is f.MISSING:
                entry.pop(name, None)
            else:
                entry[name] = value
        return entry
    if include == "noOtherFields":
        return entry
    return {}


def _legacy_aggregate(ctx: NodeContext, items: Items) -> Item:
    version = ctx.node.type_version
    if ctx.param("aggregate", 0, "aggregateIndividualFields") == "aggregateIndividualFields":
        options = ctx.param("options", 0, {}) or {}
        no_dots = bool(options.get("disableDotNotation"))
        fields = ctx.param("fieldsToAggregate.fieldToAggregate", 0, []) or []
        if not fields:
            raise ctx.error("No fields specified", description="Please add a field to aggregate")
        if version < 2.1:
            for entry in fields:
                field = entry.get("fieldToAggregate", "")
                found = False
                for item in items:
                    if field == "":
                        raise ctx.error("Field to aggregate is blank", description="Please add a field to aggregate")
                    json = item.get("json", {})
                    if (field in json) if no_dots else f.get(json, field) is not f.MISSING:
                        found = True
                if not found and no_dots and "." in field:
                    raise ctx.error(f"Couldn't find the field '{field}' in the input data", description=_NESTED_HINT)
                if not found and not options.get("keepMissing"):
                    raise ctx.error(f"Couldn't find the field '{field}' in the input data")
        result: Item = {"json": {}, "pairedItem": [{"item": i} for i in range(len(items))]}
        for key, value in aggregate_fields(ctx, items, fields, options).items():
            if no_dots:
                result["json"][key] = value
            else:
                f.set_(result["json"], key, value)
        return result
    data = [item.get("json", {}) for item in items]
    destination = f.js_string(ctx.param("destinationFieldName", 0, "data"))
    exclude = _collection_names(ctx, "fieldsToExclude", 0)
    include = _collection_names(ctx, "fieldsToInclude", 0)
    paired = [{"item": i} for i in range(len(data))]
    if exclude or include:
        kept, paired = [], []
        for index, json in enumerate(data):
            picked = {k: v for k, v in json.items()
                      if (not exclude or k not in exclude) and (not include or k in include)}
            if picked:
                kept.append(picked)
                paired.append({"item": index})
        data = kept
    if version < 2:
        return {"json": {destination: data}}
    return {"json": {destination: data}, "pairedItem": paired}
