"""Aggregate node: many items into one (individual fields as lists, or all item data)."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.aggregate", versions=(1,), display_name="Aggregate")
def aggregate(ctx: NodeContext) -> NodeOutput:
    return [[aggregate_items(ctx, ctx.input(0), hints=True)]]


def aggregate_items(ctx: NodeContext, items: Items, *, hints: bool) -> Item:
    """Aggregate (also Item Lists v3 ``concatenateItems``)."""
    result: Item
    not_found: dict[str, list[bool]] = {}
    if ctx.param("aggregate", 0, "aggregateIndividualFields") == "aggregateIndividualFields":
        options = ctx.param("options", 0, {}) or {}
        no_dots = bool(options.get("disableDotNotation"))
        fields = ctx.param("fieldsToAggregate.fieldToAggregate", 0, []) or []
        if not fields:
            raise ctx.error("No fields specified", description="Please add a field to aggregate")
        result = {"json": {}, "pairedItem": [{"item": i} for i in range(len(items))]}
        values = aggregate_fields(ctx, items, fields, options, not_found)
        for key, value in values.items():
            if no_dots:
                result["json"][key] = value
            else:
                f.set_(result["json"], key, value)
    else:
        result = aggregate_all(ctx, items)
    if (ctx.param("options", 0, {}) or {}).get("includeBinaries"):
        sources = [items[p["item"]] for p in result.get("pairedItem") or []]
        add_binaries(result, sources, bool((ctx.param("options", 0, {}) or {}).get("keepOnlyUnique")))
    if hints:
        for field, seen in not_found.items():
            if not any(seen):
                ctx.hint(f"The field '{field}' wasn't found in any input item")
    return result


def aggregate_fields(ctx: NodeContext, items: Items, fields: list[dict[str, Any]], options: dict[str, Any],
                     not_found: dict[str, list[bool]] | None = None) -> dict[str, list[Any]]:
    """The lists of values per output field name (``null``/missing skipped unless keepMissing)."""
    no_dots = bool(options.get("disableDotNotation"))
    merge_lists = bool(options.get("mergeLists"))
    keep_missing = bool(options.get("keepMissing"))
    values: dict[str, list[Any]] = {}
    used: list[str] = []
    for entry in fields:
        field = entry.get("fieldToAggregate", "")
        output_name = entry.get("outputFieldName", "")
        name = output_name if entry.get("renameField") else field
        if name in used:
            raise ctx.error(f"The '{f.js_string(name)}' output field is used more than once",
                            description="Please make sure each output field name is unique")
        used.append(name)
        key = output_name or (field.split(".")[-1] if not no_dots and "." in field else field)
        if field == "":
            continue
        values[key] = []
        for item in items:
            json = item.get("json", {})
            value = json.get(field, f.MISSING) if no_dots else f.get(json, field)
            if not_found is not None:
                not_found.setdefault(field, []).append(value is not f.MISSING)
            if not keep_missing:
                if isinstance(value, list):
                    value = [v for v in value if v is not None]
                elif value is None or value is f.MISSING:
                    continue
            if isinstance(value, list) and merge_lists:
                values[key].extend(value)
            else:
                values[key].append(None if value is f.MISSING else value)
    return values


def aggregate_all(ctx: NodeContext, items: Items) -> Item:
    """All item data into one list under ``destinationFieldName``."""
    data = [item.get("json", {}) for item in items]
    destination = ctx.param("destinationFieldName", 0, "data")
    exclude = f.split_fields(ctx.param("fieldsToExclude", 0, ""))
    include = f.split_fields(ctx.param("fieldsToInclude", 0, ""))
    if exclude or include:
        kept: list[dict[str, Any]] = []
        paired: list[dict[str, int]] = []
        for index, json in enumerate(data):
            keys = [k for k in json if (not exclude or k not in exclude) and (not include or k in include)]
            if keys:
                kept.append({k: json[k] for k in keys})
                paired.append({"item": index})
        return {"json": {f.js_string(destination): kept}, "pairedItem": paired}
    return {"json": {f.js_string(destination): data},
            "pairedItem": [{"item": i} for i in range(len(data))]}


def add_binaries(target: Item, items: Items, unique_only: bool) -> None:
    """Merge the items' binaries into ``target`` (``key_1``, ``key_2`` on clashes)."""
    seen: list[tuple[Any, ...]] = []
    for item in items:
        binary = item.get("binary")
        if binary is None:
            continue
        for key, data in binary.items():
            target.setdefault("binary", {})
            if unique_only:
                signature = tuple(data.get(k) for k in ("mimeType", "fileType", "fileSize", "fileExtension"))
                if signature in seen:
                    continue
                seen.append(signature)
            name, n = key, 1
            while name in target["binary"]:
                name = f"{key}_{n}"
                n += 1
            target["binary"][name] = data
