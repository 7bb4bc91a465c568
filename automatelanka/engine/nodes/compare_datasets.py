"""Compare Datasets node: match items of inputs A and B by fields; outputs In A only, Same, Different,
In B only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, Items, NodeOutput, deep_copy_json, paired_list
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register

Equal = Callable[[Any, Any], bool]


def _falsy(value: Any) -> bool:
    return value is None or (value == "" and isinstance(value, str)) or (value == [] and isinstance(value, list))


def _parsed_equals(text: str, other: Any) -> bool:
    try:
        return f.js_equal(f.json_parse(text), other)
    except ValueError:
        return False


def fuzzy_compare(fuzzy: bool, version: float = 1) -> Equal:
    """n8n ``fuzzyCompare``: strict deep equality, or loose equality across types."""
    if not fuzzy:
        return f.js_equal

    def equal(a: Any, b: Any) -> bool:
        ta, tb = f.js_typeof(a), f.js_typeof(b)
        if a is not None and b is not None and ta == tb:
            return f.js_equal(a, b)
        if version >= 2:
            if a is None and (b is None or (f.is_number(b) and b == 0) or b == "0"):
                return True
            if b is None and (a is None or (f.is_number(a) and a == 0) or a == "0"):
                return True
        if _falsy(a) and _falsy(b):
            return True
        if (_falsy(a) and b is f.MISSING) or (a is f.MISSING and _falsy(b)):
            return True
        if ta == "number" and tb == "string":
            return f.js_number_string(a) == b
        if ta == "string" and tb == "number":
            return a == f.js_number_string(b)
        if a is not None and ta == "object" and tb == "string":
            return _parsed_equals(b, a)
        if b is not None and ta == "string" and tb == "object":
            return _parsed_equals(a, b)
        for x, y in ((a, b), (b, a)):
            if isinstance(x, bool) and isinstance(y, str) and (
                    y.lower() == ("true" if x else "false") or y == ("1" if x else "0")):
                return True
            if isinstance(x, bool) and f.is_number(y) and y == (1 if x else 0):
                return True
        return f.js_equal(a, b)

    return equal


def _not_empty(items: Items) -> Items:
    return [item for item in items if item.get("json")]


def _check_input(items: Items, fields: list[str], no_dots: bool, label: str) -> Items:
    items = _not_empty(items)
    if not items:
        return items
    for field in fields:
        present = any((field in item["json"]) if no_dots else f.get(item["json"], field) is not f.MISSING
                      for item in items)
        if not present:
            raise NodeError(f"Field '{field}' is not present in any of items in '{label}'")
    return items


def _match_fields(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(values) == 1 and values[0].get("field1", "") == "" and values[0].get("field2", "") == "":
        raise NodeError('You need to define at least one pair of fields in "Fields to Match" to match on')
    for index, pair in enumerate(values):
        if pair.get("field1", "") == "" or pair.get("field2", "") == "":
            raise NodeError(f'You need to define both fields in "Fields to Match" for pair {index + 1},\n'
                            f"\t\t\t\t field 1 = '{pair.get('field1', '')}'\n"
                            f"\t\t\t\t field 2 = '{pair.get('field2', '')}'")
    return values


@register("n8n-nodes-base.compareDatasets", versions=(1, 2, 2.1, 2.2, 2.3), inputs=2, outputs=4,
          required_inputs=1, display_name="Compare Datasets")
def compare_datasets(ctx: NodeContext) -> NodeOutput:
    try:
        fields = _match_fields(ctx.param("mergeByFields.values", 0, []) or [])
    except NodeError as error:
        raise ctx.error(error.message) from None
    options = dict(ctx.param("options", 0, {}) or {})
    version = ctx.node.type_version
    options["nodeVersion"] = version
    if version >= 2:
        options["fuzzyCompare"] = ctx.param("fuzzyCompare", 0, False)
    no_dots = bool(options.get("disableDotNotation"))
    try:
        if version < 2.2:
            input1 = _check_input(ctx.input(0), [p["field1"] for p in fields], no_dots, "Input A")
            input2 = _check_input(ctx.input(1), [p["field2"] for p in fields], no_dots, "Input B")
        else:
            input1, input2 = _not_empty(ctx.input(0)), _not_empty(ctx.input(1))
        options["resolve"] = ctx.param("resolve", 0, "")
        if options["resolve"] == "mix":
            options["preferWhenMix"] = ctx.param("preferWhenMix", 0, "")
            options["exceptWhenMix"] = ctx.param("exceptWhenMix", 0, "")
        return find_matches(input1, input2, fields, options)
    except NodeError as error:
        raise ctx.error(error.message) from None


def _lookup_value(item: Item, field: str, no_dots: bool) -> Any:
    return item["json"].get(field, f.MISSING) if no_dots else f.get(item["json"], field)


def find_matches(input1: Items, input2: Items, fields: list[dict[str, Any]],
                 options: dict[str, Any]) -> NodeOutput:
    equal = fuzzy_compare(bool(options.get("fuzzyCompare")), options["nodeVersion"])
    no_dots = bool(options.get("disableDotNotation"))
    all_matches = (options.get("multipleMatches") or "first") == "all"
    skip = [s.strip() for s in f.js_string(options.get("skipFields") or "").split(",")]
    if no_dots and any("." in s for s in skip):
        field = next(s for s in skip if "." in s)
        raise NodeError(f"Dot notation is disabled, but field to skip comparing '{field}' contains dot")
    matched: list[tuple[Item, list[Item]]] = []
    only1: Items = []
    used2: set[int] = set()
    for entry in input1:
        lookup = {pair["field2"]: _lookup_value(entry, pair["field1"], no_dots) for pair in fields}
        if any(v is f.MISSING for v in lookup.values()):
            only1.append(entry)
            continue
        found: list[tuple[int, Item]] = []
        for index, candidate in enumerate(input2):
            if all(equal(expected, _lookup_value(candidate, key, no_dots)) for key, expected in lookup.items()):
                found.append((index, candidate))
                if not all_matches:
                    break
        used2.update(index for index, _ in found)
        if found:
            matched.append((entry, [m for _, m in found]))
        else:
            only1.append(entry)
    only2 = [entry for index, entry in enumerate(input2) if index not in used2]
    same: Items = []
    different: Items = []
    nested_skip = not no_dots and any("." in s for s in skip)
    for entry, matches in matched:
        kept: Item | None = None
        for match in matches:
            left, right = entry["json"], match["json"]
            if skip:
                if not nested_skip:
                    left = {k: v for k, v in left.items() if k not in skip}
                    right = {k: v for k, v in right.items() if k not in skip}
                else:
                    left, right = deep_copy_json(left), deep_copy_json(right)
                    for field in skip:
                        f.unset(left, field)
                        f.unset(right, field)
            if options.get("fuzzyCompare"):
                is_same = all(equal(v, right.get(k, f.MISSING)) for k, v in left.items())
            else:
                is_same = equal(left, right)
            if is_same:
                if kept is None:
                    prefer2 = options.get("fuzzyCompare") and options.get("resolve") == "preferInput2"
                    kept = match if prefer2 else entry
                continue
            resolve = options.get("resolve")
            if resolve == "preferInput1":
                different.append(entry)
            elif resolve == "preferInput2":
                different.append(match)
            elif resolve == "mix":
                different.append(_combine(entry, match, options.get("preferWhenMix"),
                                          options.get("exceptWhenMix"), no_dots))
            else:
                different.append(_compare_items(entry, match, fields, options, skip, equal))
        if kept is not None and kept.get("json"):
            same.append(kept)
    return [only1, same, different, only2]


def _combine(item1: Item, item2: Item, prefer: Any, except_: Any, no_dots: bool) -> Item:
    entry, match = (item1, item2) if prefer == "input1" else (item2, item1)
    if isinstance(except_, list) and except_:
        fields = except_
    else:
        fields = [s.strip() for s in f.js_string(except_).split(",")] if except_ else []
    result = entry  # n8n edits the matched input item in place (visible in the upstream run data too)
    for field in fields:
        if no_dots:
            value = match["json"].get(field, f.MISSING)
            if value is f.MISSING:
                result["json"].pop(field, None)
            else:
                result["json"][field] = value
        else:
            value = f.get(match["json"], field)
            result["json"][field] = value if _js_truthy(value) else None
    return result


def _js_truthy(value: Any) -> bool:
    if value is None or value is f.MISSING or value is False:
        return False
    if f.is_number(value):
        return value != 0 and value == value
    return not (isinstance(value, str) and value == "")


def _compare_items(item1: Item, item2: Item, fields: list[dict[str, Any]], options: dict[str, Any],
                   skip: list[str], equal: Equal) -> Item:
    version = options["nodeVersion"]
    json1, json2 = item1["json"], item2["json"]
    keys = {pair["field1"]: json1.get(pair["field1"]) for pair in fields}
    keys1, keys2 = list(json1), list(json2)
    union = keys1 + [k for k in keys2 if k not in keys1]
    to_compare = union if options.get("fuzzyCompare") and version >= 2.1 else [k for k in keys1 if k in keys2]
    same = {k: json1[k] for k in to_compare if equal(json1.get(k, f.MISSING), json2.get(k, f.MISSING))}
    different: dict[str, Any] = {}
    skipped: dict[str, Any] = {}

    def nullish(value: Any) -> Any:
        if version >= 2:
            return None if value is f.MISSING else value
        return value if _js_truthy(value) or (isinstance(value, (dict, list))) else None

    first, second = ("inputA", "inputB") if version >= 2 else ("input1", "input2")
    for i, key in enumerate(k for k in union if k not in same):
        resolve = options.get("resolve")
        if resolve == "preferInput1":
            different[key] = nullish(json1.get(key, f.MISSING))
            continue
        if resolve == "preferInput2":
            different[key] = nullish(json2.get(key, f.MISSING))
            continue
        value1, value2 = nullish(json1.get(key, f.MISSING)), nullish(json2.get(key, f.MISSING))
        if version >= 2.1 and not options.get("disableDotNotation") and key not in skip:
            nested = [s for s in skip if s.startswith(key) and "." in s]
            value1, value2 = deep_copy_json(value1), deep_copy_json(value2)
            if nested and ((not isinstance(value1, (dict, list)) and value1 is not None)
                           or (not isinstance(value2, (dict, list)) and value2 is not None)):
                raise NodeError(f"The field '{key}' in item {i} is not an object. It is not possible to use "
                                "dot notation.")
            if nested and key not in skipped:
                skipped[key] = {first: {}, second: {}}
            for field in nested:
                inner = field.replace(f"{key}.", "", 1)
                for name, value in ((first, value1), (second, value2)):
                    got = f.get(value, inner)
                    if got is not f.MISSING:
                        f.set_(skipped[key][name], inner, got)
                if value1 is not None:
                    f.unset(value1, inner)
                if value2 is not None:
                    f.unset(value2, inner)
            different[key] = {first: value1, second: value2}
        elif key in skip:
            skipped[key] = {first: value1, second: value2}
        else:
            different[key] = {first: value1, second: value2}
    json: dict[str, Any] = {"keys": keys, "same": same, "different": different}
    if skipped:
        json["skipped"] = skipped
    return {"json": json, "pairedItem": [*paired_list(item1.get("pairedItem")),
                                         *paired_list(item2.get("pairedItem"))]}
