"""Move Binary Data (legacy n8n-nodes-base.moveBinaryData v1, v1.1): JSON <-> binary.

``binaryToJson`` decodes a binary property into the item's JSON (all of it, parsed, or under a
key); ``jsonToBinary`` encodes the JSON (or one key) into a binary property. Version 1 defaults
the MIME type to application/json; 1.1 names unnamed files ``file.<ext>``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from automatelanka.engine.binary import binary_bytes, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes._util_common import js_json, lodash_get, lodash_set, path_parts
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.files import _decode, _encode

_ABSENT: Any = object()


def lodash_unset(obj: Any, path: str) -> None:
    """lodash ``unset`` on a dotted path (an exact key wins)."""
    if isinstance(obj, dict) and path in obj:
        del obj[path]
        return
    parts = path_parts(path)
    target = obj
    for part in parts[:-1]:
        target = target.get(str(part)) if isinstance(target, dict) else (
            target[part] if isinstance(target, list) and isinstance(part, int) and part < len(target) else None)
        if target is None:
            return
    if isinstance(target, dict) and parts:
        target.pop(str(parts[-1]), None)


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise NodeError(f"Unexpected token in JSON: {exc.msg}") from None


def _binary_to_json(ctx: NodeContext, i: int, item: Item, options: dict[str, Any]) -> Item | None:
    source_key = ctx.param("sourceKey", i, "data")
    value = lodash_get(item.get("binary") or {}, source_key, _ABSENT)
    if value is _ABSENT or value is None:
        return None
    data = binary_bytes(value)
    encoding = options.get("encoding") or "utf8"
    strip_bom = options.get("stripBOM") is not False  # iconv-lite strips unless false
    new: Item = {"json": {}, "pairedItem": {"item": i}}
    if ctx.param("setAllData", i, True):
        new["json"] = _parse(_decode(data, encoding, strip_bom=strip_bom))
    else:
        new["json"] = deep_copy_json(item["json"])
        converted: Any
        if options.get("keepAsBase64") is not True:
            converted = _decode(data, encoding, strip_bom=strip_bom)
        else:
            converted = base64.b64encode(data).decode("ascii")
        if options.get("jsonParse"):
            converted = _parse(converted)
        lodash_set(new["json"], ctx.param("destinationKey", i, "data") or "", converted)
    if options.get("keepSource") is True:
        new["binary"] = item.get("binary")
    else:
        new["binary"] = deep_copy_json(item.get("binary") or {})
        lodash_unset(new["binary"], source_key)
    return new


def _json_to_binary(ctx: NodeContext, i: int, item: Item, options: dict[str, Any]) -> Item | None:
    convert_all = ctx.param("convertAllData", i, True)
    destination = ctx.param("destinationKey", i, "data")
    value: Any = item["json"]
    if not convert_all:
        value = lodash_get(item["json"], ctx.param("sourceKey", i, "data"), _ABSENT)
    if value is _ABSENT:
        return None
    new: Item = {"json": {}, "pairedItem": {"item": i},
                 "binary": deep_copy_json(item["binary"]) if item.get("binary") is not None else {}}
    version = ctx.node.type_version
    mime_type = options.get("mimeType")
    if options.get("dataIsBase64") is not True:
        if options.get("useRawData") is not True or isinstance(value, (dict, list)) or value is None:
            value = js_json(value)
            mime_type = mime_type or "application/json"
        elif not isinstance(value, str):
            value = js_json(value)
        data = _encode(value, options.get("encoding") or "utf8", add_bom=bool(options.get("addBOM")))
    else:
        data = base64.b64decode(str(value))
    if not mime_type and version == 1:
        mime_type = "application/json"
    entry = prepare_binary(data, options.get("fileName") or None, mime_type or None)
    if not entry.get("fileName") and version > 1:
        ext = entry.get("fileExtension")
        entry["fileName"] = f"file.{ext}" if ext else "file"
    lodash_set(new["binary"], destination, entry)
    if options.get("keepSource") is True:
        new["json"] = item["json"]
    elif not convert_all:
        new["json"] = deep_copy_json(item["json"])
        lodash_unset(new["json"], ctx.param("sourceKey", i, "data"))
    return new


@register("n8n-nodes-base.moveBinaryData", versions=(1, 1.1), display_name="Move Binary Data")
def move_binary_data(ctx: NodeContext) -> NodeOutput:
    mode = ctx.param("mode", 0, "binaryToJson")
    out: list[Item] = []
    for i, item in enumerate(ctx.input(0)):
        options = ctx.param("options", i, {}) or {}
        if mode == "binaryToJson":
            new = _binary_to_json(ctx, i, item, options)
        elif mode == "jsonToBinary":
            new = _json_to_binary(ctx, i, item, options)
        else:
            raise NodeError(f'The operation "{mode}" is not known!', item_index=i)
        if new is not None:
            out.append(new)
    return [out]
