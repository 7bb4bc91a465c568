"""Set (Edit Fields) node: v1/v2 (typed value lists) and v3-3.4 (fields, assignments, raw JSON)."""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register

_FIX_HINT = (
    'To fix the error try to change the type for the field "{name}" or activate the option '
    "“Ignore Type Conversion Errors” to apply a less strict type validation"
)
_RESOLVABLE = re.compile(r"({{[\s\S]*?}})")


# -- v1 / v2 -----------------------------------------------------------------------------------


@register("n8n-nodes-base.set", versions=(1, 2), display_name="Set")
def set_v1(ctx: NodeContext) -> NodeOutput:
    """Booleans, then numbers, then strings, set on a copy of each item (or on ``{}``)."""
    items = list(ctx.input(0)) or [{"json": {}, "pairedItem": {"item": 0}}]
    version = ctx.node.type_version
    out: list[Item] = []
    for i, item in enumerate(items):
        keep_only_set = ctx.param("keepOnlySet", i, False)
        options = ctx.param("options", i, {}) or {}
        new_item: Item = {"json": {}, "pairedItem": {"item": i}}
        if not keep_only_set:
            if item.get("binary") is not None:
                new_item["binary"] = dict(item["binary"])
            new_item["json"] = deep_copy_json(item.get("json", {}))

        dots = options.get("dotNotation") is not False

        def assign(name: str, value: Any, target: dict[str, Any] = new_item["json"], dots: bool = dots) -> None:
            if not dots:
                target[f.js_string(name)] = value
            else:
                f.set_(target, name, value)

        for entry in ctx.param("values.boolean", i, []) or []:
            assign(entry.get("name", ""), _truthy(entry.get("value", f.MISSING)))
        for entry in ctx.param("values.number", i, []) or []:
            value = entry.get("value", f.MISSING)
            if version >= 2 and isinstance(value, str) and not f.is_nan(f.js_number(value)):
                value = f.js_number(value)
            assign(entry.get("name", ""), value)
        for entry in ctx.param("values.string", i, []) or []:
            assign(entry.get("name", ""), entry.get("value", f.MISSING))
        out.append(new_item)
    return [out]


def _truthy(value: Any) -> bool:
    """JavaScript ``!!value``."""
    if value is None or value is f.MISSING:
        return False
    if isinstance(value, bool):
        return value
    if f.is_number(value):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


# -- v3+ -------------------------------------------------------------------------------------


@register("n8n-nodes-base.set", versions=(3, 3.1, 3.2, 3.3, 3.4), display_name="Edit Fields (Set)")
def set_v3(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    version = ctx.node.type_version
    mode = ctx.param("mode", 0, "manual")
    duplicate = ctx.param("duplicateItem", 0, False)
    raw_data = _raw_templates(ctx, mode)
    out: list[Item] = []
    for i, item in enumerate(items):
        include_other = ctx.param("includeOtherFields", i, False)
        include = ctx.param("include", i, "all")
        options = dict(ctx.param("options", i, {}) or {})
        if version >= 3.3:
            options["include"] = include if include_other else "none"
        else:
            options["include"] = include
        new_item = _run_item(ctx, mode, item, i, options, raw_data)
        if duplicate and ctx.state.mode == "manual":
            count = ctx.param("duplicateCount", 0, 0) or 0
            out.extend(new_item for _ in range(int(count) + 1))
        else:
            out.append(new_item)
    return [out]


def _raw_templates(ctx: NodeContext, mode: str) -> dict[str, str]:
    """Expression templates n8n substitutes textually before parsing them as JSON."""
    raw: dict[str, str] = {}
    if mode == "raw":
        template = ctx.raw_param("jsonOutput", "")
        if isinstance(template, str) and template.startswith("="):
            raw["jsonOutput"] = template.lstrip("=")
    elif ctx.node.type_version < 3.3:
        for entry in ctx.raw_param("fields.values", []) or []:
            value = entry.get("objectValue")
            if entry.get("type") == "objectValue" and isinstance(value, str) and value.startswith("="):
                raw[entry.get("name", "")] = value.lstrip("=")
    return raw


def _run_item(ctx: NodeContext, mode: str, item: Item, i: int, options: dict[str, Any],
              raw_data: dict[str, str]) -> Item:
    version = ctx.node.type_version
    try:
        if mode == "raw":
            if "jsonOutput" in raw_data:
                text: Any = _resolve_raw(ctx, raw_data["jsonOutput"], i)
            else:
                text = ctx.param("jsonOutput", i, "")
            new_fields = parse_json_parameter(ctx, text, i)
            return compose_return_item(ctx, i, item, new_fields, options)
        if version < 3.3:
            new_fields = {}
            for entry in ctx.param("fields.values", i, []) or []:
                entry = dict(entry)
                kind = entry.get("type", "stringValue")
                name = entry.get("name", "")
                if (kind == "objectValue" and name in raw_data
                        and entry.get("objectValue") is not None):
                    entry["objectValue"] = parse_json_parameter(
                        ctx, _resolve_raw(ctx, raw_data[name], i), i, name)
                key, value = validate_entry(ctx, name, kind.replace("Value", ""),
                                            entry.get(kind, f.MISSING), i,
                                            bool(options.get("ignoreConversionErrors")))
                new_fields[key] = value
            return compose_return_item(ctx, i, item, new_fields, options)
        return _assignments_item(ctx, i, item, options)
    except NodeError as error:
        if ctx.continue_on_fail:
            if mode == "raw":
                return {"json": {"error": error.message}, "pairedItem": {"item": i}}
            # n8n puts pairedItem inside json here; the engine pairs the item afterwards
            return {"json": {"error": error.message, "pairedItem": {"item": i}}}
        if error.item_index is None:
            error.item_index = i
        raise


def _resolve_raw(ctx: NodeContext, template: str, i: int) -> str:
    """Substitute each ``{{ }}``: objects as JSON, everything else through ``String()``."""
    result = template
    for resolvable in _RESOLVABLE.findall(template):
        value = ctx.resolve("=" + resolvable, i)
        if isinstance(value, (dict, list)):
            text = f.js_stringify(value)
        elif f.is_datetime(value):
            text = f.js_stringify(str(value))
        else:
            text = f.js_string(value)
        result = result.replace(resolvable, text, 1)
    return result


def parse_json_parameter(ctx: NodeContext, data: Any, i: int, entry: str | None = None) -> Any:
    location = f"entry \"{entry}\" inside 'Fields to Set'" if entry else "'JSON Output'"
    if isinstance(data, str):
        try:
            data = f.json_parse_loose(data)
        except (ValueError, RecursionError):
            raise ctx.error(f"The {location} in item {i} contains invalid JSON", i,
                            description=data) from None
    if not isinstance(data, dict):
        raise ctx.error(f"The {location} in item {i} does not contain a valid JSON object", i)
    return data


def _description(value: Any) -> str:
    """n8n ``getValueDescription``."""
    if value is None:
        return "'null'"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return f"'{f.js_string(value)}'"


def validate_entry(ctx: NodeContext, name: str, kind: str, value: Any, i: int,
                   ignore_errors: bool) -> tuple[str, Any]:
    """Convert ``value`` to ``kind`` as n8n's ``validateEntry`` does (errors name the field)."""
    version = ctx.node.type_version
    if version >= 3.2 and (value is None or value is f.MISSING):
        return name, None
    description = _FIX_HINT.format(name=name)
    if kind == "string":
        if version > 3 and (value is None or value is f.MISSING):
            if ignore_errors:
                return name, None
            raise ctx.error(f"'{name}' expects a {kind} but we got {_description(value)} [item {i}]",
                            i, description=description)
        if value is None or isinstance(value, (dict, list)) or f.is_datetime(value):
            value = f.js_stringify(value)
        else:
            value = f.js_string(value)
    if value is None or value is f.MISSING:
        return name, None
    ok, new_value = convert_type(value, kind)
    if not ok:
        if ignore_errors:
            return name, None if value is f.MISSING else value
        raise ctx.error(f"'{name}' expects a {kind} but we got {_description(value)} [item {i}]",
                        i, description=description)
    return name, None if new_value is f.MISSING else new_value


def convert_type(value: Any, kind: str) -> tuple[bool, Any]:
    """n8n ``validateFieldType`` (loose) for the Set node types: ``(valid, converted)``."""
    kind = kind.lower()
    if kind == "number":
        number = f.js_number(value)
        return (False, None) if f.is_nan(number) else (True, number)
    if kind == "boolean":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return True, value.lower() == "true"
        if not (isinstance(value, str) and value.strip() == ""):
            number = f.js_number(value)
            if number == 0:
                return True, False
            if number == 1:
                return True, True
        return False, None
    if kind == "object":
        if isinstance(value, dict):
            return True, value
        try:
            parsed = f.json_parse_loose(f.js_string(value))
        except (ValueError, RecursionError):
            return False, None
        return (True, parsed) if parsed is None or isinstance(parsed, dict) else (False, None)
    if kind == "array":
        if isinstance(value, list):
            return True, value
        text = f.js_string(value)
        try:
            parsed = f.json_parse(text)
        except ValueError:
            try:
                parsed = f.json_parse(text.replace("'", '"'))
            except ValueError:
                return False, None
        return (True, parsed) if isinstance(parsed, list) else (False, None)
    return True, value


def _assignments_item(ctx: NodeContext, i: int, item: Item, options: dict[str, Any]) -> Item:
    collection = ctx.param("assignments", i, {}) or {}
    json_values: list[dict[str, Any]] = []
    binary_values: list[dict[str, Any]] = []
    for assignment in collection.get("assignments") or []:
        (binary_values if assignment.get("type") == "binary" else json_values).append(assignment)
    new_fields: dict[str, Any] = {}
    for assignment in json_values:
        key, value = validate_entry(ctx, assignment.get("name", ""), assignment.get("type", "string"),
                                    assignment.get("value", f.MISSING), i,
                                    bool(options.get("ignoreConversionErrors")))
        new_fields[key] = value
    result = compose_return_item(ctx, i, item, new_fields, options)
    if binary_values:
        binary = result.setdefault("binary", {})
        for assignment in binary_values:
            binary[assignment.get("name", "")] = _binary_data(ctx, item, i, assignment.get("value"))
    return result


def _binary_data(ctx: NodeContext, item: Item, i: int, value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and "mimeType" in value and ("data" in value or "id" in value):
        return value
    if not isinstance(value, str):
        raise ctx.error("Provided parameter is not a string or binary data object.", i)
    binary = item.get("binary")
    if binary is None:
        raise ctx.error(f"This operation expects the node's input data to contain a binary file "
                        f"'{value}', but none was found [item {i}]", i,
                        description="Make sure that the previous node outputs a binary file")
    if value not in binary:
        raise ctx.error(f"The item has no binary field '{value}' [item {i}]", i)
    return binary[value]


class _FieldHelper:
    """Dot-notation (lodash) or literal-key access, as the Set node's ``dotNotation`` option says."""

    def __init__(self, dot_notation: Any) -> None:
        self.dots = dot_notation is not False

    def get(self, obj: dict[str, Any], key: str) -> Any:
        return f.get(obj, key) if self.dots else obj.get(f.sanitize_key(obj, key), f.MISSING)

    def set(self, obj: dict[str, Any], key: str, value: Any) -> None:
        if self.dots:
            f.set_(obj, key, value)
        else:
            obj[f.sanitize_key(obj, key)] = value

    def unset(self, obj: dict[str, Any], key: str) -> None:
        if self.dots:
            f.unset(obj, key)
        else:
            obj.pop(f.sanitize_key(obj, key), None)


def compose_return_item(ctx: NodeContext, i: int, item: Item, new_fields: dict[str, Any],
                        options: dict[str, Any]) -> Item:
    """The output item: the included input fields, then the new fields set on top."""
    version = ctx.node.type_version
    include = options.get("include")
    new_item: Item = {"json": {}, "pairedItem": {"item": i}}
    if version >= 3.4:
        include_binary = not options.get("stripBinary") and include != "none"
    else:
        include_binary = bool(options.get("includeBinary"))
    if include_binary and item.get("binary") is not None:
        new_item["binary"] = dict(item["binary"])
    helper = _FieldHelper(options.get("dotNotation"))
    source = item.get("json", {})
    if include == "all":
        new_item["json"] = deep_copy_json(source)
    elif include == "selected":
        for key in f.split_fields(ctx.param("includeFields", i, "")):
            value = helper.get(source, key)
            target = key.split(".")[-1] if options.get("dotNotation") is not False and "." in key else key
            if value is not f.MISSING:
                helper.set(new_item["json"], target, deep_copy_json(value))
    elif include == "except":
        data = deep_copy_json(source)
        for key in f.split_fields(ctx.param("excludeFields", i, "")):
            helper.unset(data, key)
        new_item["json"] = data
    elif include != "none":
        raise ctx.error(f'The include option "{include}" is not known!', i)
    for key, value in new_fields.items():
        helper.set(new_item["json"], key, value)
    return new_item
