"""Summarize node (v1, v1.1) and the legacy Item Lists ``summarize`` (v1-3.1)."""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register

PREFIXES = {
    "append": "appended_", "average": "average_", "concatenate": "concatenated_", "count": "count_",
    "countUnique": "unique_count_", "max": "max_", "min": "min_", "sum": "sum_",
}
_INDEX_KEY = "_itemIndex"


def normalize_name(name: str) -> str:
    return re.sub(r"[ .]", "_", re.sub(r'[\]\["]', "", name))


def _empty(value: Any) -> bool:
    return value is f.MISSING or value is None or (value == "" and isinstance(value, str))


def _unique_key(value: Any) -> Any:
    """A hashable key with JavaScript ``Set`` identity (objects are never equal to each other)."""
    if isinstance(value, (dict, list)):
        return ("object", id(value))
    if isinstance(value, bool):
        return ("boolean", value)
    if f.is_number(value):
        return ("number", float(value)) if value == value else ("nan",)
    return (f.js_typeof(value), value if value is not f.MISSING else None)


def aggregate_values(data: list[dict[str, Any]], entry: dict[str, Any], getter: Any, *,
                     legacy: bool = False, legacy_min_max: bool = False) -> Any:
    """One aggregation over the items of a group (``legacy``: Item Lists 1/2 semantics)."""
    kind = entry.get("aggregation", "count")
    field = entry.get("field", "")
    include_empty = bool(entry.get("includeEmpty")) and not legacy
    values = [getter(item, field) for item in data]
    if kind in ("average", "sum"):
        values = [v for v in values if f.is_number(v)]
    if kind == "append":
        if not entry.get("includeEmpty"):
            values = [v for v in values if not _empty(v)]
        return [None if v is f.MISSING else v for v in values]
    if kind == "concatenate":
        separator = entry.get("customSeparator") if entry.get("separateBy") == "other" else entry.get("separateBy")
        separator = "," if separator is None or separator is f.MISSING else f.js_string(separator)
        if not entry.get("includeEmpty"):
            values = [v for v in values if not _empty(v)]
        parts = []
        for v in values:
            if v is None or isinstance(v, (dict, list)):
                parts.append(f.js_stringify(v))
            elif v is f.MISSING:
                parts.append("undefined")
            else:
                parts.append(f.js_string(v))
        return separator.join(parts)
    if kind == "average":
        return f.normalize_number(sum(values) / len(values)) if values else None
    if kind == "sum":
        total: int | float = 0
        for v in values:
            total += v
        return f.normalize_number(total) if isinstance(total, float) else total
    if kind in ("min", "max"):
        if legacy_min_max:
            numbers = [f.js_number(v) for v in values]
            if not numbers or any(f.is_nan(n) for n in numbers):
                return None  # NaN / Infinity: JSON null
            return min(numbers) if kind == "min" else max(numbers)
        best: Any = f.MISSING
        for v in values:
            if v is f.MISSING or v is None or (isinstance(v, str) and v == ""):
                continue
            if best is f.MISSING or (f.js_less(v, best) if kind == "min" else f.js_less(best, v)):
                best = v
        return None if best is f.MISSING else best
    if kind == "countUnique":
        if not include_empty:
            values = [v for v in values if not _empty(v)]
        return len({_unique_key(v) for v in values})
    if not include_empty:
        values = [v for v in values if not _empty(v)]
    return len(values)


def _getter(no_dots: bool) -> Any:
    return (lambda item, field: item.get(field, f.MISSING)) if no_dots else f.get


def _split_key(value: Any, as_string: bool) -> tuple[Any, Any]:
    """(hashable group key, value written to the output) for one split-by value."""
    if value and isinstance(value, (dict, list)):
        value = f.js_stringify(value)
    if as_string:
        value = f.js_string(value)
    if isinstance(value, (dict, list)):  # empty objects and arrays stay objects (never equal)
        return ("object", id(value)), value
    return _unique_key(value), value


def _aggregate_and_split(split_keys: list[str], items: list[dict[str, Any]], fields: list[dict[str, Any]],
                         options: dict[str, Any], getter: Any, as_string: bool) -> dict[str, Any]:
    if not split_keys:
        result = {normalize_name(f"{PREFIXES.get(e.get('aggregation', 'count'), '')}{e.get('field', '')}"):
                  aggregate_values(items, e, getter) for e in fields}
        node = {"returnData": result}
        if options.get("outputFormat") != "singleItem":
            node["pairedItems"] = [item[_INDEX_KEY] for item in items]
        return node
    first, rest = split_keys[0], split_keys[1:]
    groups: dict[Any, tuple[Any, list[dict[str, Any]]]] = {}
    for item in items:
        key, value = _split_key(getter(item, first), as_string)
        if options.get("skipEmptySplitFields") and not f.is_number(value) and not _truthy(value):
            continue
        groups.setdefault(key, (value, []))[1].append(item)
    splits = [(value, _aggregate_and_split(rest, members, fields, options, getter, as_string))
              for value, members in groups.values()]
    return {"fieldName": first, "splits": splits}


def _truthy(value: Any) -> bool:
    if value is None or value is f.MISSING or value is False:
        return False
    if f.is_number(value):
        return value != 0 and value == value
    return not (isinstance(value, str) and value == "")


def _to_object(result: dict[str, Any]) -> dict[str, Any]:
    if "splits" in result:
        out: dict[str, Any] = {}
        for value, inner in result["splits"]:
            out[f.js_string(value)] = _to_object(inner)
        return out
    return result["returnData"]


def _to_array(result: dict[str, Any]) -> list[dict[str, Any]]:
    if "splits" not in result:
        return [result]
    flat: list[dict[str, Any]] = []
    for value, inner in result["splits"]:
        for entry in _to_array(inner):
            entry["returnData"][normalize_name(result["fieldName"])] = value
            flat.append(entry)
    return flat


def _check_fields(items: list[dict[str, Any]], fields: list[dict[str, Any]], getter: Any) -> str | None:
    for entry in fields:
        field = entry.get("field", "")
        if field == "":
            continue
        if not any(getter(item, field) is not f.MISSING for item in items):
            return f"The field '{field}' does not exist in any items"
    return None


def _inputs(ctx: NodeContext, items: Items) -> tuple[list[dict[str, Any]], dict[str, Any], list[str],
                                                     list[dict[str, Any]]]:
    prepared = [{**item.get("json", {}), _INDEX_KEY: i} for i, item in enumerate(items)]
    options = ctx.param("options", 0, {}) or {}
    split_by = [s.strip() for s in f.js_string(ctx.param("fieldsToSplitBy", 0, "") or "").split(",") if s.strip()]
    fields = ctx.param("fieldsToSummarize.values", 0, []) or []
    if not [e for e in fields if e.get("field", "") != ""]:
        raise ctx.error("You need to add at least one aggregation to 'Fields to Summarize' with non empty "
                        "'Field'")
    return prepared, options, split_by, fields


@register("n8n-nodes-base.summarize", versions=(1, 1.1), display_name="Summarize")
def summarize(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    prepared, options, split_by, fields = _inputs(ctx, items)
    getter = _getter(bool(options.get("disableDotNotation")))
    version = ctx.node.type_version
    result = _aggregate_and_split(split_by, prepared, fields, options, getter, version == 1)
    missing = _check_fields(prepared, fields, getter)
    if missing:
        if version > 1 or options.get("continueIfFieldNotFound"):
            ctx.hint(missing)
        else:
            raise ctx.error(missing)
    if options.get("outputFormat") == "singleItem":
        return [[{"json": _to_object(result), "pairedItem": [{"item": i} for i in range(len(prepared))]}]]
    if not split_by and "pairedItems" in result:
        return [[{"json": result["returnData"],
                  "pairedItem": [{"item": i} for i in result["pairedItems"]]}]]
    return [[{"json": entry["returnData"], "pairedItem": [{"item": i} for i in entry.get("pairedItems") or []]}
             for entry in _to_array(result)]]


# -- Item Lists (legacy algorithm: JS objects as group maps, split keys before aggregates) -------


def _object_key(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        value = f.js_stringify(value)
    return f.js_string(value)


def _js_key_order(keys: list[str]) -> list[str]:
    """Own-key order of a JS object: array-index keys ascending first, then insertion order."""
    indices = sorted((k for k in keys if re.fullmatch(r"0|[1-9]\d{0,9}", k) and int(k) < 2**32 - 1), key=int)
    return indices + [k for k in keys if k not in indices]


def legacy_summarize(ctx: NodeContext, items: Items) -> Items:
    """Item Lists v1-3.1 ``summarize``."""
    prepared, options, split_by, fields = _inputs(ctx, items)
    getter = _getter(bool(options.get("disableDotNotation")))
    version = ctx.node.type_version
    if version < 2.1:
        missing = _check_fields(prepared, fields, getter)
        if missing:
            raise ctx.error(missing)
    single = options.get("outputFormat") == "singleItem"
    old_min_max = version < 3

    def aggregate_data(data: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for entry in fields:
            key = f"{PREFIXES.get(entry.get('aggregation', 'count'), 'undefined')}{entry.get('field', '')}"
            out[key] = aggregate_values(data, entry, getter, legacy=True,
                                        legacy_min_max=old_min_max)
        if version >= 2:
            out = _parse_return_data(out)
        out = {k: out[k] for k in _js_key_order(list(out))}
        if not single:
            out["pairedItems"] = [item[_INDEX_KEY] for item in data]
        return out

    def split_data(keys: list[str], data: list[dict[str, Any]]) -> dict[str, Any]:
        if not keys:
            return aggregate_data(data)
        groups: dict[str, list[dict[str, Any]]] = {}
        for item in data:
            value = getter(item, keys[0])
            if isinstance(value, (dict, list)) or value is None:
                value = f.js_stringify(value)
            if options.get("skipEmptySplitFields") and not f.is_number(value) and not _truthy(value):
                continue
            groups.setdefault(_object_key(value), []).append(item)
        return {k: split_data(keys[1:], groups[k]) for k in _js_key_order(list(groups))}

    result = split_data(split_by, prepared)
    if single:
        return [{"json": result, "pairedItem": [{"item": i} for i in range(len(prepared))]}]
    if not split_by:
        paired = result.pop("pairedItems", [])
        return [{"json": result, "pairedItem": [{"item": i} for i in paired]}]
    names = [normalize_name(k) for k in split_by] if version >= 2 else split_by
    rows: list[dict[str, Any]] = []

    def flatten(node: dict[str, Any], depth: int, previous: dict[str, Any]) -> None:
        for key in _js_key_order(list(node)):
            if depth == len(names) - 1:
                row = {**previous, names[depth]: key}
                row.update(node[key])
                rows.append(row)
            else:
                flatten(node[key], depth + 1, {**previous, names[depth]: key})

    flatten(result, 0, {})
    out: Items = []
    for row in rows:
        paired = row.pop("pairedItems", [])
        out.append({"json": {k: row[k] for k in _js_key_order(list(row))},
                    "pairedItem": [{"item": i} for i in paired]})
    return out


def _parse_return_data(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in list(out):
        if re.search(r'[\]\["]', key):
            out[re.sub(r'[\]\["]', "", key)] = out.pop(key)
    for key in list(out):
        if re.search(r"[ .]", key):
            out[re.sub(r"[ .]", "_", key)] = out.pop(key)
    return out
