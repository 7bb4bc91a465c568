"""Rename Keys node: move values to new (dot-path) keys, optionally rename keys by regex."""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, register


def js_regex(pattern: str, case_insensitive: bool) -> re.Pattern[str]:
    """Compile a JavaScript regular expression source (the common syntax) for Python."""
    source = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)
    source = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", source)
    source = source.replace("\\/", "/")
    return re.compile(source, re.IGNORECASE if case_insensitive else 0)


def js_replacement(match: re.Match[str], replacement: str) -> str:
    """Expand a JavaScript replacement string (``$1``, ``$&``, ``$<name>``, ``$$``) for ``match``."""
    out: list[str] = []
    i = 0
    groups = match.re.groups
    while i < len(replacement):
        ch = replacement[i]
        if ch != "$" or i + 1 >= len(replacement):
            out.append(ch)
            i += 1
            continue
        nxt = replacement[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "&":
            out.append(match.group(0))
            i += 2
        elif nxt == "`":
            out.append(match.string[: match.start()])
            i += 2
        elif nxt == "'":
            out.append(match.string[match.end():])
            i += 2
        elif nxt.isdigit():
            two = replacement[i + 1:i + 3]
            if len(two) == 2 and two.isdigit() and 0 < int(two) <= groups:
                out.append(match.group(int(two)) or "")
                i += 3
            elif 0 < int(nxt) <= groups:
                out.append(match.group(int(nxt)) or "")
                i += 2
            else:
                out.append("$")
                i += 1
        elif nxt == "<" and match.re.groupindex and ">" in replacement[i:]:
            end = replacement.index(">", i)
            name = replacement[i + 2:end]
            out.append(match.group(name) or "" if name in match.re.groupindex else "")
            i = end + 1
        else:
            out.append("$")
            i += 1
    return "".join(out)


def _rename_by_regex(obj: Any, depth: Any, regex: re.Pattern[str], replacement: str) -> Any:
    if isinstance(obj, list):
        if depth != 0:
            for value in obj:
                _rename_by_regex(value, _next_depth(depth), regex, replacement)
        return obj
    if not isinstance(obj, dict):
        return obj
    for key in list(obj):
        if key not in obj:
            continue
        value = obj[key]
        if (isinstance(value, (dict, list)) or value is None) and depth != 0:
            _rename_by_regex(value, _next_depth(depth), regex, replacement)
        match = regex.search(key)
        if match:
            new_key = key[: match.start()] + js_replacement(match, replacement) + key[match.end():]
            if new_key != key:
                obj[new_key] = obj.pop(key)
    return obj


def _next_depth(depth: Any) -> Any:
    return depth - 1 if f.is_number(depth) else depth


@register("n8n-nodes-base.renameKeys", versions=(1,), display_name="Rename Keys")
def rename_keys(ctx: NodeContext) -> NodeOutput:
    out: list[Item] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            keys = ctx.param("keys.key", i, []) or []
            replacements = ctx.param("additionalOptions.regexReplacement.replacements", i, []) or []
            source = item.get("json", {})
            new_item: Item = {"json": deep_copy_json(source), "pairedItem": {"item": i}}
            if item.get("binary") is not None:
                new_item["binary"] = item["binary"]
            for key in keys:
                current, new = key.get("currentKey", ""), key.get("newKey", "")
                if current == "" or new == "" or current == new:
                    continue
                value = f.get(source, current)
                if value is f.MISSING:
                    continue
                f.set_(new_item["json"], new, deep_copy_json(value))
                f.unset(new_item["json"], current)
            for replacement in replacements:
                options = replacement.get("options") or {}
                depth = options.get("depth", -1)
                try:
                    regex = js_regex(f.js_string(replacement.get("searchRegex", "")),
                                     bool(options.get("caseInsensitive")))
                except re.error as error:
                    raise ctx.error(f"Invalid regular expression: /{replacement.get('searchRegex', '')}/: "
                                    f"{error}", i) from None
                new_item["json"] = _rename_by_regex(new_item["json"], depth, regex,
                                                    f.js_string(replacement.get("replaceRegex", "")))
            out.append(new_item)
        except Exception as error:
            if ctx.continue_on_fail:
                out.append({"json": {"error": getattr(error, "message", str(error))}, "pairedItem": {"item": i}})
                continue
            raise
    return [out]
