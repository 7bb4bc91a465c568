"""Split Out node: one output item per element of a list field (or per binary entry)."""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.splitOut", versions=(1,), display_name="Split Out")
def split_out(ctx: NodeContext) -> NodeOutput:
    return [split_out_items(ctx, ctx.input(0), hints=True)]


def split_out_items(ctx: NodeContext, items: Items, *, hints: bool) -> Items:
    """Split Out (also Item Lists v3 ``splitOutItems``); ``hints`` reports fields never found."""
    out: Items = []
    found: dict[str, bool] = {}
    for i, input_item in enumerate(items):
        fields = [re.sub(r"^\$json\.", "", part.strip())
                  for part in f.js_string(ctx.param("fieldToSplitOut", i, "")).split(",")]
        options = ctx.param("options", i, {}) or {}
        no_dots = bool(options.get("disableDotNotation"))
        destinations = [d.strip() for d in f.js_string(options.get("destinationFieldName") or "").split(",")
                        if d.strip() != ""]
        if destinations and len(destinations) != len(fields):
            raise ctx.error("If multiple fields to split out are given, the same number of destination "
                            "fields must be given")
        include = ctx.param("include", i, "noOtherFields")
        multi = len(fields) > 1
        source = dict(input_item.get("json", {}))
        split: list[Item] = []
        for entry_index, field in enumerate(fields):
            destination = destinations[entry_index] if entry_index < len(destinations) else ""
            if field == "$binary":
                entities: list[Any] = [{k: v} for k, v in (input_item.get("binary") or {}).items()]
            else:
                value = f.get(source, field) if not no_dots else source.get(field, f.MISSING)
                found.setdefault(field, False)
                if value is not f.MISSING:
                    found[field] = True
                else:
                    value = []
                if not isinstance(value, (dict, list)) or f.is_datetime(value):
                    value = [value]
                entities = list(value.values()) if isinstance(value, dict) else value
            for element_index, element in enumerate(entities):
                if element_index >= len(split):
                    split.append({"json": {}, "pairedItem": {"item": i}})
                entry = split[element_index]
                name = destination or field
                if field == "$binary":
                    entry.setdefault("binary", {}).update(element)
                    continue
                if isinstance(element, (dict, list)) and include == "noOtherFields":
                    if destination == "" and not multi:
                        spread = element if isinstance(element, dict) else {str(n): v for n, v in enumerate(element)}
                        split[element_index] = {"json": {**entry["json"], **spread}, "pairedItem": {"item": i}}
                    else:
                        entry["json"][name] = element
                else:
                    entry["json"][name] = element
        for entry in split:
            new_item = entry
            if include == "allOtherFields":
                new_item["json"] = {**f.omit_fields(source, fields, no_dots), **entry["json"]}
            if include == "selectedOtherFields":
                selected = f.split_fields(ctx.param("fieldsToInclude", i, ""))
                if not selected:
                    raise ctx.error("No fields specified", description="Please add a field to include")
                for field in selected:
                    value = f.get(source, field) if not no_dots else source.get(field, f.MISSING)
                    if value is not f.MISSING:
                        entry["json"][field] = value
                    else:
                        entry["json"].pop(field, None)
            if options.get("includeBinary") and input_item.get("binary") and not new_item.get("binary"):
                new_item["binary"] = input_item["binary"]
            out.append(new_item)
    if hints:
        for field, was_found in found.items():
            if not was_found:
                ctx.hint(f"The field '{field}' wasn't found in any input item")
    return out
