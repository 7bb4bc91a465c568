"""XML node v1: xmlToJson and jsonToxml with xml2js's shapes (parser and builder defaults as n8n sets them)."""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string as js_string

_DANGEROUS = {"__proto__", "constructor", "prototype"}


def _sanitize(name: str) -> str:
    return f"sanitized_{name}" if name in _DANGEROUS else name


def xml_to_json(text: str, options: dict[str, Any]) -> dict[str, Any]:
    """xml2js ``Parser.parseString`` (n8n's defaults: mergeAttrs true, explicitArray false)."""
    opts = {"mergeAttrs": True, "explicitArray": False, "attrkey": "$", "charkey": "_", "explicitRoot": True,
            "ignoreAttrs": False, "normalize": False, "normalizeTags": False, "trim": False, **options}
    attrkey, charkey = opts["attrkey"], opts["charkey"]
    stack: list[tuple[str, dict[str, Any]]] = []
    result: dict[str, Any] = {}

    def assign(obj: dict[str, Any], key: str, value: Any) -> None:
        if key not in obj:
            obj[key] = [value] if opts["explicitArray"] else value
        else:
            if not isinstance(obj[key], list):
                obj[key] = [obj[key]]
            obj[key].append(value)

    def start(name: str, attrs: dict[str, str]) -> None:
        obj: dict[str, Any] = {charkey: ""}
        if not opts["ignoreAttrs"]:
            for key, value in attrs.items():
                key = _sanitize(key)
                if opts["mergeAttrs"]:
                    assign(obj, key, value)
                else:
                    obj.setdefault(attrkey, {})[key] = value
        tag = _sanitize(name.lower() if opts["normalizeTags"] else name)
        stack.append((tag, obj))

    def chars(data: str) -> None:
        if stack:
            stack[-1][1][charkey] += data

    def end(_name: str) -> None:
        tag, obj = stack.pop()
        value: Any = obj
        empty = ""
        text = obj[charkey]
        if re.fullmatch(r"\s*", text):
            empty = text
            del obj[charkey]
        else:
            if opts["trim"]:
                text = text.strip()
            if opts["normalize"]:
                text = re.sub(r"\s{2,}", " ", text).strip()
            obj[charkey] = text
            if len(obj) == 1:
                value = text
        if isinstance(value, dict) and not value:
            value = empty
        if stack:
            assign(stack[-1][1], tag, value)
        elif opts["explicitRoot"]:
            result[tag] = value
        else:
            result.update(value if isinstance(value, dict) else {})

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = chars
    parser.EndElementHandler = end
    parser.buffer_text = True
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise NodeError(f"{expat.errors.messages[exc.code]}\nLine: {exc.lineno - 1}\nColumn: {exc.offset}") from exc
    return result


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def _escape_attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace("\t", "&#x9;")
            .replace("\n", "&#xA;").replace("\r", "&#xD;"))


class _Element:
    def __init__(self, name: str) -> None:
        self.name = name
        self.attrs: list[tuple[str, str]] = []
        self.children: list[_Element | str] = []


def _render(element: _Element, obj: Any, attrkey: str, charkey: str) -> None:
    if not isinstance(obj, (dict, list)) and obj is not None:
        element.children.append(js_string(obj))
    elif isinstance(obj, list):
        for child in obj:
            if isinstance(child, dict):
                for key, entry in child.items():
                    sub = _Element(key)
                    element.children.append(sub)
                    _render(sub, entry, attrkey, charkey)
    elif isinstance(obj, dict):
        for key, child in obj.items():
            if key == attrkey:
                if isinstance(child, dict):
                    element.attrs.extend((k, js_string(v)) for k, v in child.items())
            elif key == charkey:
                element.children.append(js_string(child))
            elif isinstance(child, list):
                for entry in child:
                    sub = _Element(key)
                    element.children.append(sub)
                    if isinstance(entry, str):
                        sub.children.append(entry)
                    else:
                        _render(sub, entry, attrkey, charkey)
            elif isinstance(child, dict) or child is None:
                sub = _Element(key)
                element.children.append(sub)
                _render(sub, child, attrkey, charkey)
            else:
                sub = _Element(key)
                sub.children.append(js_string(child))
                element.children.append(sub)


def _serialize(element: _Element, depth: int, lines: list[str], indent: str = "  ") -> None:
    pad = indent * depth
    attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in element.attrs)
    if not element.children:
        lines.append(f"{pad}<{element.name}{attrs}/>")
        return
    if all(isinstance(c, str) for c in element.children):
        text = "".join(_escape_text(c) for c in element.children)  # type: ignore[arg-type]
        lines.append(f"{pad}<{element.name}{attrs}>{text}</{element.name}>")
        return
    lines.append(f"{pad}<{element.name}{attrs}>")
    for child in element.children:
        if isinstance(child, str):
            lines.append(f"{pad}{indent}{_escape_text(child)}")
        else:
            _serialize(child, depth + 1, lines, indent)
    lines.append(f"{pad}</{element.name}>")


def json_to_xml(data: dict[str, Any], options: dict[str, Any]) -> str:
    """xml2js ``Builder.buildObject`` with pretty output and the XML declaration."""
    attrkey = options.get("attrkey") or "$"
    charkey = options.get("charkey") or "_"
    root_name = options.get("rootName") or "root"
    if len(data) == 1 and root_name == "root":
        root_name, data = next(iter(data.items()))
    root = _Element(root_name)
    _render(root, data, attrkey, charkey)
    lines: list[str] = []
    if not options.get("headless"):
        lines.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    _serialize(root, 0, lines)
    return "\n".join(lines)


@register("n8n-nodes-base.xml", versions=(1,), display_name="XML")
def xml_node(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    mode = ctx.param("mode", 0, "xmlToJson")
    prop = str(ctx.param("dataPropertyName", 0, "data"))
    options = ctx.param("options", 0, {}) or {}
    out: list[Item] = []
    for index, item in enumerate(items):
        try:
            if mode == "xmlToJson":
                if prop not in item["json"]:
                    raise NodeError(f'Item has no JSON property called "{prop}"', item_index=index)
                out.append({"json": xml_to_json(js_string(item["json"][prop]), options)})
            elif mode == "jsonToxml":
                out.append({"json": {prop: json_to_xml(item["json"], options)}, "pairedItem": {"item": index}})
            else:
                raise NodeError(f'The operation "{mode}" is not known!', item_index=index)
        except NodeError:
            if ctx.continue_on_fail:
                continue  # n8n replaces the input item instead of emitting an error item
            raise
    return [out]
