"""Remove Duplicates node: within the input (v1+), or against earlier executions (v2)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from functools import cmp_to_key
from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register

_NESTED_HINT = ("If you're trying to use a nested field, make sure you turn off 'disable dot notation' "
                "in the node options")
_MAX_ENTRIES = 10000


def flatten_keys(value: Any, prefix: tuple[str, ...] = ()) -> list[str]:
    """n8n ``flattenKeys``: dotted paths of every leaf (empty objects and arrays have none)."""
    if not isinstance(value, (dict, list)):
        return [".".join(prefix)]
    pairs = value.items() if isinstance(value, dict) else ((str(i), v) for i, v in enumerate(value))
    keys: list[str] = []
    for key, child in pairs:
        for path in flatten_keys(child, (*prefix, key)):
            if path not in keys:
                keys.append(path)
    return keys


def _type_rank(value: Any) -> int:
    """Item Lists 3.1 ``typeToNumber``."""
    if isinstance(value, list):
        return 9
    if value is None:
        return 10
    return {"string": 1, "number": 2, "boolean": 4, "undefined": 6, "object": 7, "function": 8}[
        f.js_typeof(value)]


def remove_duplicate_items(ctx: NodeContext, items: Items, *, style: str = "node",
                           fields_param: str = "string") -> Items:
    """Keep the first of each group of items equal on the compared keys.

    ``style``: ``"node"`` (RemoveDuplicates), ``"v3"`` / ``"v3.1"`` (Item Lists 3.x), ``"legacy"``
    (Item Lists 1/2); ``fields_param``: ``"string"`` (comma lists) or ``"collection"``
    (``fieldsToCompare.fields[].fieldName``).
    """
    if not items:
        return []
    version = ctx.node.type_version
    compare = ctx.param("compare", 0, "allFields")
    options = ctx.param("options", 0, {}) or {}
    no_dots = bool(options.get("disableDotNotation"))

    def keys_of(item: Item) -> list[str]:
        json = item.get("json", {})
        return list(json) if no_dots else flatten_keys(json)

    def field_list(name: str) -> list[str]:
        if fields_param == "collection":
            return [e.get("fieldName", "") for e in ctx.param(f"{name}.fields", 0, []) or []]
        return f.split_fields(ctx.param(name, 0, ""))

    keys = keys_of(items[0])
    for item in items:
        for key in keys_of(item):
            if key not in keys:
                keys.append(key)
    if compare == "allFieldsExcept":
        excluded = field_list("fieldsToExclude")
        if not excluded:
            raise ctx.error("No fields specified. Please add a field to exclude from comparison")
        if not no_dots:
            keys = flatten_keys(items[0].get("json", {}))
        keys = [k for k in keys if k not in excluded]
    if compare == "selectedFields":
        selected = field_list("fieldsToCompare")
        if not selected:
            raise ctx.error("No fields specified. Please add a field to compare on")
        keys = [k.strip() for k in selected]

    def value(item: Item, key: str) -> Any:
        json = item["json"]
        return json.get(key, f.MISSING) if no_dots else f.get(json, key)

    def cmp(a: tuple[int, Item], b: tuple[int, Item]) -> int:
        for key in keys:
            left, right = value(a[1], key), value(b[1], key)
            if style == "v3.1":
                rank_a, rank_b = _type_rank(left), _type_rank(right)
                if rank_a != rank_b:
                    return rank_a - rank_b
            if not f.js_equal(left, right):
                return -1 if f.js_lt(left, right) else 1
        return 0

    ordered = sorted(enumerate(items), key=cmp_to_key(cmp))
    _validate(ctx, [item for _, item in ordered], keys, no_dots, style, version)
    removed: set[int] = set()
    kept = ordered[0][1]
    for index, item in ordered[1:]:
        if all(f.js_equal(value(item, k), value(kept, k)) for k in keys):
            removed.add(index)
        else:
            kept = item
    result = [item for index, item in enumerate(items) if index not in removed]
    if options.get("removeOtherFields"):
        result = [{"json": _pick(item.get("json", {}), keys), "pairedItem": {"item": index}}
                  for index, item in enumerate(result)]
    return result


def _validate(ctx: NodeContext, items: Items, keys: list[str], no_dots: bool, style: str,
              version: float) -> None:
    for key in keys:
        kind: str | None = None
        for i, item in enumerate(items):
            if key == "":
                raise ctx.error("Name of field to compare is blank")
            json = item.get("json", {})
            value = json.get(key, f.MISSING) if no_dots else f.get(json, key)
            if value is None and style == "node" and version > 1:
                continue
            if value is f.MISSING:
                raise ctx.error(f"'{key}' field is missing from some input items",
                                description=_NESTED_HINT if no_dots and "." in key else None)
            typeof = f.js_typeof(value)
            if kind is not None and kind != typeof and style != "v3.1":
                description = "The type of this field varies between items"
                if style == "node" and version > 1:
                    description += f", in item [{i - 1}] it's a {kind} and in item [{i}] it's a {typeof} "
                raise ctx.error(f"'{key}' isn't always the same type", description=description)
            kind = typeof


def _pick(json: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """lodash ``pick`` with dot paths."""
    out: dict[str, Any] = {}
    for key in keys:
        path = f.to_path(key, json)
        value = f.get(json, path)
        if value is not f.MISSING:
            f.set_(out, path, value)
    return out


@register("n8n-nodes-base.removeDuplicates", versions=(1, 1.1), display_name="Remove Duplicates")
def remove_duplicates_v1(ctx: NodeContext) -> NodeOutput:
    return [remove_duplicate_items(ctx, ctx.input(0))]


@register("n8n-nodes-base.removeDuplicates", versions=(2,), display_name="Remove Duplicates")
def remove_duplicates_v2(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "removeDuplicateInputItems")
    try:
        if operation == "removeDuplicateInputItems":
            return [remove_duplicate_items(ctx, items)]
        if operation == "removeItemsSeenInPreviousExecutions":
            return _seen_before(ctx, items)
        if operation == "clearDeduplicationHistory":
            if ctx.param("mode", 0, "cleanDatabase") == "cleanDatabase":
                _store(ctx).pop(_context_key(ctx), None)
            return [items]
        return [items]
    except Exception as error:
        if ctx.continue_on_fail and items:
            return [[{"json": items[0].get("json", {}), "error": {"message": str(error)}}]]
        raise


# -- deduplication store (kept in the workflow's static data) -------------------------------------


def _store(ctx: NodeContext) -> dict[str, Any]:
    return ctx.state.static_data.setdefault("__deduplication", {})


def _context_key(ctx: NodeContext) -> str:
    scope = (ctx.param("options", 0, {}) or {}).get("scope", "node")
    if scope not in ("node", "workflow"):
        raise ctx.error(f"The scope '{scope}' is not supported. Please select either \"node\" or \"workflow\".")
    return f"n:{ctx.node.id or ctx.node.name}" if scope == "node" else ""


def _hash(value: str) -> str:
    return base64.b64encode(hashlib.md5(value.encode()).digest()).decode()


def _mark_changed(ctx: NodeContext) -> None:
    ctx.state.static_data["__dataChanged"] = True


def _seen_before(ctx: NodeContext, items: Items) -> NodeOutput:
    logic = ctx.param("logic", 0, "removeItemsWithAlreadySeenKeyValues")
    key = _context_key(ctx)
    store = _store(ctx)
    groups: dict[str, list[Item]] = {}
    if logic == "removeItemsWithAlreadySeenKeyValues":
        for i, item in enumerate(items):
            value = ctx.param("dedupeValue", i, "")
            groups.setdefault("" if value is None else f.js_string(value), []).append(item)
        max_entries = (ctx.param("options", 0, {}) or {}).get("historySize", _MAX_ENTRIES)
        limit = f.js_number(max_entries)
        record = store.get(key)
        if record is not None and record.get("mode") != "entries":
            raise ctx.error(_INCOMPATIBLE)
        count = len(record["data"]) if record else 0
        if count + len(items) > limit:
            raise ctx.error("The number of items to be processed exceeds the maximum history size. Please "
                            "increase the history size or reduce the number of items to be processed.")
        new, old = [], []
        hashes = [_hash(k) for k in groups]
        if record is None:
            record = store[key] = {"mode": "entries", "data": hashes[-int(limit):] if limit else hashes}
            new = list(groups)
        else:
            known = set(record["data"])
            for value, digest in zip(groups, hashes, strict=True):
                if digest in known:
                    old.append(value)
                else:
                    new.append(value)
                    record["data"].append(digest)
            if limit:
                del record["data"][: max(0, len(record["data"]) - int(limit))]
        _mark_changed(ctx)
        if limit > 0 and len(record["data"]) / limit > 0.5:
            ctx.hint("Some duplicates may be not be removed since you're approaching the maximum history "
                     f"size ({f.js_string(limit)} items). You can raise this limit using the ‘history size’ "
                     "option.")
        return [[i for v in new for i in groups[v]], [i for v in old for i in groups[v]]]
    if logic in ("removeItemsUpToStoredIncrementalKey", "removeItemsUpToStoredDate"):
        incremental = logic == "removeItemsUpToStoredIncrementalKey"
        mode = "latestIncrementalKey" if incremental else "latestDate"
        for i, item in enumerate(items):
            raw = ctx.param("incrementalDedupeValue" if incremental else "dateDedupeValue", i, "")
            text = "" if raw is None else f.js_string(raw)
            if not text:
                raise ctx.error("The `Value to Dedupe` On is empty. Please provide a value.")
            if incremental:
                number = f.js_number(raw)
                if f.is_nan(number):
                    raise ctx.error(f"The value '{text}' is not a number. Please provide a number.")
                text = f.js_string(number)
            elif _date_value(text) is None:
                raise ctx.error(f"The value '{text}' is not a valid date. Please provide a valid date.")
            groups.setdefault(text, []).append(item)

        def rank(value: str) -> Any:
            return f.js_number(value) if incremental else _date_value(value)

        record = store.get(key)
        if record is not None and record.get("mode") != mode:
            raise ctx.error(_INCOMPATIBLE)
        keys = list(groups)
        if record is None:
            ordered = sorted(keys, key=rank)
            store[key] = {"mode": mode, "data": ordered[-1] if ordered else None}
            _mark_changed(ctx)
            return [[i for v in keys for i in groups[v]], []]
        new, old = [], []
        largest = record["data"]
        for value in sorted(keys, key=rank):
            if rank(value) > rank(record["data"]):
                new.append(value)
                if rank(value) > rank(largest):
                    largest = value
            else:
                old.append(value)
        record["data"] = largest
        _mark_changed(ctx)
        return [[i for v in new for i in groups[v]], [i for v in old for i in groups[v]]]
    return [items]


_INCOMPATIBLE = ("Deduplication data was originally saved with an incompatible setting of the ‘Keep Items "
                 "Where’ parameter. Try ’Clean Database’ operation to reset.")


def _date_value(text: str) -> float | None:
    """Milliseconds of an ISO / common date string, or ``None`` when it is not a date."""
    candidate = text.strip().replace("Z", "+00:00")
    for parse in (datetime.fromisoformat,):
        try:
            moment = parse(candidate)
        except ValueError:
            continue
        if moment.tzinfo is None:
            from datetime import UTC

            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp() * 1000
    return None
