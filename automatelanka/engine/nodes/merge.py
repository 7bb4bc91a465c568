"""Merge node: v1 (legacy modes), v2/2.1 and v3-3.2 (append, combine, chooseBranch).

Combining follows lodash semantics (``merge`` deep merge by key and by array index, ``isEqual``,
``get`` dot paths) because n8n's Merge is built on them. ``combineBySql`` is not supported.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from automatelanka.engine.items import Item, Items, NodeOutput, deep_copy_json, paired_list
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.conditions import js_to_string
from automatelanka.engine.workflow import Node

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "undefined"})()

# -- lodash helpers -----------------------------------------------------------------------------

_PATH_PART = re.compile(r"[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|([\"'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))")


def _path(path: str) -> list[str]:
    parts: list[str] = []
    if path.startswith("."):
        parts.append("")
    for match in _PATH_PART.finditer(path):
        number, quote, quoted = match.group(1), match.group(2), match.group(3)
        if quote:
            parts.append(re.sub(r"\\(\\)?", r"\1", quoted))
        elif number is not None:
            parts.append(number)
        else:
            parts.append(match.group(0))
    return parts


def lodash_get(obj: Any, path: Any) -> Any:
    """``_.get(obj, path)``; :data:`MISSING` when absent."""
    if isinstance(obj, dict) and isinstance(path, str) and path in obj:
        return obj[path]
    current = obj
    for part in _path(str(path)) if not isinstance(path, list) else path:
        if isinstance(current, dict):
            if part not in current:
                return MISSING
            current = current[part]
        elif isinstance(current, list) and re.fullmatch(r"\d+", part) and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, (list, str)) and part == "length":
            current = len(current)
        else:
            return MISSING
    return current


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_equal(a: Any, b: Any) -> bool:
    """``_.isEqual``: deep, type-strict equality (NaN equals NaN)."""
    if a is MISSING or b is MISSING:
        return a is b
    if _is_num(a) and _is_num(b):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    if type(a) is not type(b) and not (_is_num(a) and _is_num(b)):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(is_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(is_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


Customizer = Callable[[Any, Any], Any]


def _merge_value(target: Any, source: Any, customizer: Customizer | None) -> Any:
    """The value lodash ``merge`` stores when ``source`` lands on ``target``."""
    if customizer is not None:
        custom = customizer(target, source)
        if custom is not MISSING:
            return custom
    if isinstance(source, list):
        base = target if isinstance(target, list) else []
        return _merge_into(base, source, customizer)
    if isinstance(source, dict):
        base = target if isinstance(target, (dict, list)) else {}
        return _merge_into(base, source, customizer)
    if source is MISSING:
        return target
    return source


def _merge_into(target: Any, source: Any, customizer: Customizer | None) -> Any:
    if isinstance(source, list):
        entries = list(enumerate(source))
    else:
        entries = list(source.items())
    for key, value in entries:
        if isinstance(target, list):
            if not isinstance(key, int) and not (isinstance(key, str) and key.isdigit()):
                continue
            index = int(key)
            while len(target) <= index:
                target.append(MISSING)
            target[index] = _merge_value(target[index], value, customizer)
        else:
            current = target.get(key, MISSING)
            new = _merge_value(current, value, customizer)
            if new is MISSING:
                continue
            target[key] = new
    return target


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not MISSING}
    if isinstance(value, list):
        return [None if v is MISSING else _clean(v) for v in value]
    return value


def lodash_merge(*objects: Any, customizer: Customizer | None = None) -> dict[str, Any]:
    """``_.merge({}, ...objects)`` (deep: plain objects by key, arrays by index); inputs untouched."""
    result: dict[str, Any] = {}
    for obj in objects:
        if isinstance(obj, (dict, list)):
            _merge_into(result, deep_copy_json(obj), customizer)
    return _clean(result)


def _keep_when_empty(target: Any, source: Any) -> Any:
    """``overrideEmpty`` customizer: an empty source (undefined, null, '') keeps the target."""
    if (source is MISSING or source is None or source == "") and not isinstance(source, bool):
        return MISSING if target is MISSING else target
    return MISSING


def _merge_with_keep_when_empty(target: Any, *sources: Any) -> dict[str, Any]:
    """``_.mergeWith({...target}, ...sources, keepWhenEmpty)``.

    Like n8n, this merges into a *shallow* copy of ``target``: nested objects and arrays of the
    target item are changed in place, which shows in the run data of the node that produced it.
    """
    result = dict(target or {})
    for source in sources:
        if isinstance(source, (dict, list)):
            _merge_into(result, source, _keep_when_empty)
    return result


def select_merge_method(clash: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """How two or more json objects are combined, from the clash-handling options."""
    mode = clash.get("mergeMode")
    if clash.get("overrideEmpty"):
        if mode == "deepMerge":
            return _merge_with_keep_when_empty
        if mode == "shallowMerge":
            def shallow_keep(*objs: Any) -> dict[str, Any]:
                out: dict[str, Any] = {}
                for obj in objs:
                    for key, value in (obj or {}).items():
                        if value is None or (value == "" and isinstance(value, str)):
                            out[key] = out.get(key, value)
                        else:
                            out[key] = value
                return out
            return shallow_keep
    elif mode == "shallowMerge":
        # Object.assign: nested values stay shared with the input items, as in n8n.
        return lambda *objs: {k: v for obj in objs for k, v in (obj or {}).items()}
    return lambda *objs: lodash_merge(*objs)


# -- fuzzy comparison ---------------------------------------------------------------------------


def _is_falsy(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list)) and len(value) == 0)


def _js_type(value: Any) -> str:
    if value is MISSING:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if _is_num(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _compare_parsed(text: str, other: Any) -> bool:
    try:
        return is_equal(json.loads(text), other)
    except ValueError:
        return False


def fuzzy_equal(a: Any, b: Any) -> bool:
    """n8n's ``fuzzyCompare(true)``: 1 == "1", "true" == true, null == "" == [] == missing."""
    if a is not None and b is not None and _js_type(a) == _js_type(b):
        return is_equal(a, b)
    if _is_falsy(a) and _is_falsy(b):
        return True
    if (_is_falsy(a) and b is MISSING) or (a is MISSING and _is_falsy(b)):
        return True
    ta, tb = _js_type(a), _js_type(b)
    if ta == "number" and tb == "string":
        return js_to_string(a) == b
    if ta == "string" and tb == "number":
        return a == js_to_string(b)
    if a is not None and ta == "object" and tb == "string":
        return _compare_parsed(b, a)
    if b is not None and ta == "string" and tb == "object":
        return _compare_parsed(a, b)
    for x, y in ((a, b), (b, a)):
        if isinstance(x, bool) and isinstance(y, str) and y.lower() in (("true", "1") if x else ("false", "0")):
            return True
        if isinstance(x, bool) and _is_num(y) and y == (1 if x else 0):
            return True
    return is_equal(a, b)


# -- shared item helpers ------------------------------------------------------------------------


def add_suffix(items: Items, suffix: str) -> Items:
    return [{**item, "json": {f"{key}_{suffix}": value for key, value in item["json"].items()}} for item in items]


def add_source_field(items: Items, source: str) -> Items:
    return [{**item, "json": {**item["json"], "_source": source}} for item in items]


def _binary(*items: Item) -> dict[str, Any]:
    return lodash_merge(*(item.get("binary") or {} for item in items))


def _paired(item: Item) -> list[dict[str, Any]]:
    return paired_list(item.get("pairedItem"))


def combine_all(ctx: NodeContext, input1: Items, input2: Items) -> NodeOutput:
    """Cross product, input 1 outer (v2 multiplex, v3 combineAll)."""
    clash = ctx.param("options.clashHandling.values", 0, {}) or {}
    if clash.get("resolveClash") == "preferInput1":
        input1, input2 = input2, input1
    if clash.get("resolveClash") == "addSuffix":
        input1, input2 = add_suffix(input1, "1"), add_suffix(input2, "2")
    merge = select_merge_method(clash)
    out: Items = []
    for entry1 in input1:
        for entry2 in input2:
            pairs = [entry1.get("pairedItem"), entry2.get("pairedItem")]
            out.append({"json": merge(entry1["json"], entry2["json"]), "binary": _binary(entry1, entry2),
                        "pairedItem": pairs})
    return [out]


# -- combine by fields --------------------------------------------------------------------------


def check_match_fields(fields: list[dict[str, Any]], ctx: NodeContext) -> list[dict[str, Any]]:
    if len(fields) == 1 and fields[0].get("field1", "") == "" and fields[0].get("field2", "") == "":
        raise ctx.error('You need to define at least one pair of fields in "Fields to Match" to match on')
    for index, pair in enumerate(fields):
        if pair.get("field1", "") == "" or pair.get("field2", "") == "":
            raise ctx.error(f'You need to define both fields in "Fields to Match" for pair {index + 1},\n'
                            f"\t\t\t\t field 1 = '{pair.get('field1', '')}'\n"
                            f"\t\t\t\t field 2 = '{pair.get('field2', '')}'")
    return fields


def check_input(ctx: NodeContext, items: Items, fields: list[str], no_dots: bool, label: str) -> Items:
    for field in fields:
        if not any((field in item["json"]) if no_dots else lodash_get(item["json"], field) is not MISSING
                   for item in items):
            raise ctx.error(f"Field '{field}' is not present in any of items in '{label}'")
    return items


def find_matches(input1: Items, input2: Items, fields: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
    equal = fuzzy_equal if options.get("fuzzyCompare") else is_equal
    no_dots = bool(options.get("disableDotNotation"))
    first_only = (options.get("multipleMatches") or "all") != "all"

    def value_of(item: Item, field: str) -> Any:
        return item["json"].get(field, MISSING) if no_dots else lodash_get(item["json"], field)

    matched: list[dict[str, Any]] = []
    unmatched1: Items = []
    used2: set[int] = set()
    one_per_match = options.get("outputDataFrom") == "both" or options.get("joinMode") in ("enrichInput1",
                                                                                             "enrichInput2")
    for entry1 in input1:
        lookup = {pair.get("field2"): value_of(entry1, pair.get("field1")) for pair in fields}
        if any(value is MISSING for value in lookup.values()):
            unmatched1.append(entry1)
            continue
        found: list[int] = []
        for index, entry2 in enumerate(input2):
            if all(equal(expected, value_of(entry2, key)) for key, expected in lookup.items()):
                found.append(index)
                if first_only:
                    break
        used2.update(found)
        if not found:
            unmatched1.append(entry1)
        elif one_per_match:
            matched.extend({"entry": entry1, "matches": [input2[i]]} for i in found)
        else:
            matched.append({"entry": entry1, "matches": [input2[i] for i in found]})
    return {
        "matched": matched,
        "matched2": [item for i, item in enumerate(input2) if i in used2],
        "unmatched1": unmatched1,
        "unmatched2": [item for i, item in enumerate(input2) if i not in used2],
    }


def merge_matched(matched: list[dict[str, Any]], clash: dict[str, Any], join_mode: str | None,
                  default_clash: str) -> Items:
    """One item per match; ``default_clash`` is v2's preferInput2 or v3's preferLast."""
    resolve = clash.get("resolveClash")
    merge = select_merge_method(clash)
    out: Items = []
    for match in matched:
        entry, matches = match["entry"], match["matches"]
        if resolve == "addSuffix":
            entry = add_suffix([entry], "1")[0]
            matches = add_suffix(matches, "2")
            ordered = [entry, *matches]
        else:
            mode = resolve if resolve is not None else ("preferInput1" if join_mode == "enrichInput2" else default_clash)
            if mode == "preferInput1":
                ordered = [*matches, entry]
            elif mode == default_clash:
                ordered = [entry, *matches]
            else:
                ordered = []
        if not ordered:
            out.append({"json": {}, "binary": {}, "pairedItem": []})
            continue
        out.append({
            "json": merge(*(item["json"] for item in ordered)),
            "binary": merge(*(item.get("binary") or {} for item in ordered)),
            "pairedItem": [p for item in ordered for p in _paired(item)],
        })
    return out


def combine_by_fields(ctx: NodeContext, input1: Items | None, input2: Items | None, fields: list[dict[str, Any]],
                      *, version: float, default_clash: str, stop: NodeOutput) -> NodeOutput:
    """n8n's combine-by-matching-fields; ``stop`` is what "nothing to do" returns (v2 [[]], v3 [])."""
    join = ctx.param("joinMode", 0, "keepMatches")
    output_from = ctx.param("outputDataFrom", 0, "both")
    options = dict(ctx.param("options", 0, {}) or {})
    options["joinMode"], options["outputDataFrom"] = join, output_from
    no_dots = bool(options.get("disableDotNotation"))
    if version < 2.1:
        input1 = check_input(ctx, input1 or [], [p.get("field1") for p in fields], no_dots, "Input 1")
        input2 = check_input(ctx, input2 or [], [p.get("field2") for p in fields], no_dots, "Input 2")
    if input1 is None:
        return [[]]
    input2 = input2 or []
    if not input1 or not input2:
        if not input1 and join == "keepNonMatches" and output_from == "input1":
            return [[]]
        if not input2 and join == "keepNonMatches" and output_from == "input2":
            return [[]]
        if join == "keepMatches" or (join == "enrichInput1" and not input1) or (join == "enrichInput2" and not input2):
            return stop
        return [[*input1, *input2]]
    if not fields:
        return [[]] if join in ("keepMatches", "keepEverything", "enrichInput2") else [input1]
    matches = find_matches(input1, input2, fields, options)
    clash = ctx.param("options.clashHandling.values", 0, {}) or {}
    if join in ("keepMatches", "keepEverything"):
        output: Items = []
        if output_from == "input1":
            output = [match["entry"] for match in matches["matched"]]
        elif output_from == "input2":
            output = matches["matched2"]
        elif output_from == "both":
            output = merge_matched(matches["matched"], clash, None, default_clash)
        if join == "keepEverything":
            unmatched1, unmatched2 = matches["unmatched1"], matches["unmatched2"]
            if clash.get("resolveClash") == "addSuffix":
                unmatched1, unmatched2 = add_suffix(unmatched1, "1"), add_suffix(unmatched2, "2")
            output = [*output, *unmatched1, *unmatched2]
        return [output]
    if join == "keepNonMatches":
        if output_from == "input1":
            return [matches["unmatched1"]]
        if output_from == "input2":
            return [matches["unmatched2"]]
        if output_from == "both":
            return [add_source_field(matches["unmatched1"], "input1") + add_source_field(matches["unmatched2"], "input2")]
        return [[]]
    if join in ("enrichInput1", "enrichInput2"):
        merged = merge_matched(matches["matched"], clash, join, default_clash)
        rest, suffix = (matches["unmatched1"], "1") if join == "enrichInput1" else (matches["unmatched2"], "2")
        if clash.get("resolveClash") == "addSuffix":
            rest = add_suffix(rest, suffix)
        return [[*merged, *rest]]
    return [[]]


def _empty_item_for_inputs(ctx: NodeContext) -> Item:
    return {"json": {}, "pairedItem": [p for k in (0, 1) for item in ctx.input(k) for p in _paired(item)]}


# -- v1 -----------------------------------------------------------------------------------------


def _v1_merge_by_index(ctx: NodeContext) -> NodeOutput:
    join = ctx.param("join", 0, "left")
    data1, data2 = ctx.input(0), ctx.input(1)
    if not data1:
        return [[]] if join in ("inner", "left") else [data2]
    if not data2:
        return [data1] if join in ("left", "outer") else [[]]
    count = len(data1)
    if join == "inner":
        count = min(len(data1), len(data2))
    elif join == "outer":
        count = max(len(data1), len(data2))
    out: Items = []
    for i in range(count):
        if i >= len(data1):
            out.append(data2[i])
            continue
        if i >= len(data2):
            out.append(data1[i])
            continue
        first, second = data1[i], data2[i]
        new: Item = {"json": {**first["json"], **second["json"]},
                     "pairedItem": [first.get("pairedItem"), second.get("pairedItem")]}
        if first.get("binary") is not None or second.get("binary") is not None:
            new["binary"] = {**(first.get("binary") or {}), **(second.get("binary") or {})}
        out.append(new)
    return [out]


def _v1_key_key(value: Any) -> str | None:
    """The lookup key JS builds from a reference value (numbers stringified); None = not comparable."""
    if isinstance(value, str):
        return value
    if _is_num(value):
        return js_to_string(value)
    return None


def _v1_by_key(ctx: NodeContext, mode: str) -> NodeOutput:
    data1 = ctx.input(0)
    prop1, prop2 = ctx.param("propertyName1", 0, ""), ctx.param("propertyName2", 0, "")
    overwrite = ctx.param("overwrite", 0, "always")
    data2 = ctx.input(1)
    if not data2 or not prop1 or not prop2:
        return [[]] if mode == "keepKeyMatches" else [data1]
    copy: dict[str, Item] = {}
    for entry in data2:
        key = lodash_get(entry["json"], prop2)
        if key is MISSING or not _truthy(key):
            continue
        copy[js_to_string(key)] = entry
    out: Items = []
    for entry in data1:
        reference = lodash_get(entry["json"], prop1)
        if reference is MISSING:
            if mode == "removeKeyMatches":
                out.append(entry)
            continue
        key = "null" if reference is None else _v1_key_key(reference)
        if key is None:
            if mode == "removeKeyMatches":
                out.append(entry)
            continue
        if key in copy:
            if mode == "removeKeyMatches":
                continue
            if mode == "keepKeyMatches":
                out.append(entry)
                continue
            entry = deep_copy_json(entry)
            for field, value in copy[key]["json"].items():
                if field == prop2:
                    continue
                current = entry["json"].get(field, MISSING)
                if overwrite == "always" or (overwrite == "undefined" and field not in entry["json"]) or (
                        overwrite == "blank" and (current is MISSING or current is None or current == "")):
                    entry["json"][field] = value
        elif mode == "removeKeyMatches":
            out.append(entry)
            continue
        if mode == "mergeByKey":
            out.append(entry)
    return [out]


def _truthy(value: Any) -> bool:
    if value is None or value is False or (value == "" and isinstance(value, str)):
        return False
    if _is_num(value):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    return True


@register("n8n-nodes-base.merge", versions=(1,), inputs=2, display_name="Merge")
def merge_v1(ctx: NodeContext) -> NodeOutput:
    mode = ctx.param("mode", 0, "append")
    if mode == "append":
        return [[*ctx.input(0), *ctx.input(1)]]
    if mode == "mergeByIndex":
        return _v1_merge_by_index(ctx)
    if mode == "multiplex":
        return [[{"json": {**a["json"], **b["json"]}, "pairedItem": [a.get("pairedItem"), b.get("pairedItem")]}
                 for a in ctx.input(0) for b in ctx.input(1)]]
    if mode in ("keepKeyMatches", "mergeByKey", "removeKeyMatches"):
        return _v1_by_key(ctx, mode)
    if mode == "passThrough":
        return [list(ctx.input(0 if ctx.param("output", 0, "input1") == "input1" else 1))]
    if mode == "wait":
        return [[{"json": {}, "pairedItem": [{"item": i} for i in range(len(ctx.input(0)))]}]]
    return [[]]


# -- v2 -----------------------------------------------------------------------------------------


def _choose_branch_required(node: Node) -> int | list[int]:
    return [0, 1] if node.parameters.get("mode") == "chooseBranch" else 1


def _v2_by_position(ctx: NodeContext) -> NodeOutput:
    clash = ctx.param("options.clashHandling.values", 0, {}) or {}
    include_unpaired = ctx.param("options.includeUnpaired", 0, False)
    input1, input2 = ctx.input(0), ctx.input(1)
    if not input1 or not input2:
        return [[*input1, *input2]]
    if clash.get("resolveClash") == "preferInput1":
        input1, input2 = input2, input1
    if clash.get("resolveClash") == "addSuffix":
        input1, input2 = add_suffix(input1, "1"), add_suffix(input2, "2")
    count = max(len(input1), len(input2)) if include_unpaired else min(len(input1), len(input2))
    merge = select_merge_method(clash)
    out: Items = []
    for i in range(count):
        if i >= len(input1):
            out.append(input2[i])
        elif i >= len(input2):
            out.append(input1[i])
        else:
            a, b = input1[i], input2[i]
            out.append({"json": merge(a["json"], b["json"]), "binary": _binary(a, b),
                        "pairedItem": [a.get("pairedItem"), b.get("pairedItem")]})
    return [out]


@register("n8n-nodes-base.merge", versions=(2, 2.1), inputs=2, required_inputs=_choose_branch_required,
          display_name="Merge")
def merge_v2(ctx: NodeContext) -> NodeOutput:
    mode = ctx.param("mode", 0, "append")
    if mode == "append":
        return [[*ctx.input(0), *ctx.input(1)]]
    if mode == "combine":
        combination = ctx.param("combinationMode", 0, "mergeByFields")
        if combination == "multiplex":
            return combine_all(ctx, ctx.input(0), ctx.input(1))
        if combination == "mergeByPosition":
            return _v2_by_position(ctx)
        if combination == "mergeByFields":
            fields = check_match_fields(ctx.param("mergeByFields.values", 0, []) or [], ctx)
            return combine_by_fields(ctx, ctx.input(0), ctx.input(1), fields, version=ctx.node.type_version,
                                     default_clash="preferInput2", stop=[[]])
        return [[]]
    if mode == "chooseBranch" and ctx.param("chooseBranchMode", 0, "waitForBoth") == "waitForBoth":
        output = ctx.param("output", 0, "input1")
        if output == "input1":
            return [list(ctx.input(0))]
        if output == "input2":
            return [list(ctx.input(1))]
        if output == "empty":
            return [[_empty_item_for_inputs(ctx)]]
    return [[]]


# -- v3 -----------------------------------------------------------------------------------------


def _v3_inputs(node: Node) -> int:
    value = node.parameters.get("numberInputs")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value:
        return int(value)
    return 2


def _v3_by_position(ctx: NodeContext, inputs: list[Items]) -> NodeOutput:
    clash = ctx.param("options.clashHandling.values", 0, {}) or {}
    include_unpaired = ctx.param("options.includeUnpaired", 0, False)
    resolve = clash.get("resolveClash") or ""
    preferred_index = int(resolve.replace("preferInput", "")) - 1 if "preferInput" in resolve else len(inputs) - 1
    if not 0 <= preferred_index < len(inputs):
        raise ctx.error("Cannot read properties of undefined (reading 'length')")
    preferred = inputs[preferred_index]
    if resolve == "addSuffix":
        inputs = [add_suffix(items, str(k + 1)) for k, items in enumerate(inputs)]
    lengths = [len(items) for items in inputs] + [len(preferred)]
    if include_unpaired:
        count = max(lengths)
    else:
        count = min(lengths)
        if count == 0:
            ctx.hint('Consider enabling "Include Any Unpaired Items" in options or check your inputs')
            return [[]]
    merge = select_merge_method(clash)
    out: Items = []
    for i in range(count):
        preferred_entry = preferred[i] if i < len(preferred) else {}
        rest = [items[i] if i < len(items) else {} for items in inputs]
        ordered = [*rest, preferred_entry]
        paired: list[Any] = []
        for entry in ordered:
            value = entry.get("pairedItem")
            if isinstance(value, list):
                paired.extend(value)
            elif value is not None:
                paired.append(value)
        out.append({"json": merge({}, *(entry.get("json") or {} for entry in ordered)),
                    "binary": lodash_merge(*(entry.get("binary") or {} for entry in ordered)),
                    "pairedItem": paired})
    return [out]


def _v3_choose_branch(ctx: NodeContext, inputs: list[Items]) -> NodeOutput:
    if ctx.param("chooseBranchMode", 0, "waitForAll") != "waitForAll":
        return [[]]
    output = ctx.param("output", 0, "specifiedInput")
    if output == "specifiedInput":
        use = ctx.param("useDataOfInput", 0, 1)
        if use > len(inputs):
            raise ctx.error(f"Input {use} doesn't exist", description=f"The node has only {len(inputs)} inputs, "
                            f"so selecting input {use} is not possible.")
        return [list(inputs[int(use) - 1])]
    if output == "empty":
        return [[_empty_item_for_inputs(ctx)]]
    return [[]]


def _v3_by_fields(ctx: NodeContext, inputs: list[Items]) -> NodeOutput:
    if ctx.param("advanced", 0, False):
        fields = ctx.param("mergeByFields.values", 0, []) or []
    else:
        text = ctx.param("fieldsToMatchString", 0, "") or ""
        fields = [{"field1": f.strip(), "field2": f.strip()} for f in str(text).split(",")]
    fields = check_match_fields(fields, ctx)
    return combine_by_fields(ctx, inputs[0], inputs[1] if len(inputs) > 1 else [], fields,
                             version=ctx.node.type_version, default_clash="preferLast", stop=[])


@register("n8n-nodes-base.merge", versions=(3, 3.1, 3.2), inputs=_v3_inputs, required_inputs=_choose_branch_required,
          display_name="Merge")
def merge_v3(ctx: NodeContext) -> NodeOutput:
    inputs = [list(ctx.input(k)) for k in range(_v3_inputs(ctx.node))]
    mode = ctx.param("mode", 0, "append")
    if mode == "combine":
        mode = ctx.param("combineBy", 0, "combineByFields")
    if mode == "append":
        return [[item for items in inputs for item in items]]
    if mode == "combineByFields":
        return _v3_by_fields(ctx, inputs)
    if mode == "combineByPosition":
        return _v3_by_position(ctx, inputs)
    if mode == "combineAll":
        return combine_all(ctx, inputs[0], inputs[1] if len(inputs) > 1 else [])
    if mode == "chooseBranch":
        return _v3_choose_branch(ctx, inputs)
    if mode == "combineBySql":
        raise ctx.error("Merge mode 'SQL Query' (combineBySql) is not supported by AutomateLanka",
                        description="Use another combine mode, or a Code node to join the inputs.")
    raise ctx.error(f"Unknown merge mode: {mode}")
