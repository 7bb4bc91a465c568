"""Notion (n8n-nodes-base.notion v1, 2, 2.1, 2.2) over the REST API, and the Notion Trigger.

Base URL: configured ``notion`` base URL, else https://api.notion.com/v1; credential notionApi
(``apiKey`` as bearer) with the Notion-Version n8n pins per node version. ``simple`` outputs are
flattened as n8n's simplifyObjects does (``property_<snake_case name>`` keys in v2).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._poll import poller
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Notion"
_API_VERSION = {1: "2021-05-13"}
_ID = r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}"
_BASE_URL_RE = r"(?:https|http)://www\.notion\.so/(?:[a-z0-9-]{2,}/)?"
_PAGE_URL_RE = re.compile(rf"{_BASE_URL_RE}(?:[a-zA-Z0-9-]{{1,}}-)?({_ID})")
_BLOCK_URL_RE = re.compile(rf"{_BASE_URL_RE}(?:[a-zA-Z0-9-]{{2,}}-)?({_ID})")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$|"
                      r"^00000000-0000-0000-0000-000000000000$", re.I)


def snake_case(text: str) -> str:
    """change-case 4 ``snakeCase``."""
    text = re.sub(r"([a-z0-9])([A-Z])", "\\1\0\\2", text)
    text = re.sub(r"([A-Z])([A-Z][a-z])", "\\1\0\\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "\0", text).strip("\0")
    return "_".join(part.lower() for part in text.split("\0")) if text else ""


# -- simplify ------------------------------------------------------------------------------------------


def simplify_property(prop: dict[str, Any]) -> Any:
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind == "text":
        return prop.get("plain_text")
    if kind in ("rich_text", "title"):
        return "".join(str(simplify_property(t)) for t in value) if isinstance(value, list) and value else ""
    if kind in ("url", "created_time", "checkbox", "number", "last_edited_time", "email", "phone_number", "date"):
        return value
    if kind in ("created_by", "last_edited_by", "select"):
        return value.get("name") if value else None
    if kind == "people":
        return [(p.get("person") or {}).get("email") or {} for p in value] if isinstance(value, list) else value
    if kind == "multi_select":
        entries = value if isinstance(value, list) else (value or {}).get("options") or []
        return [(e or {}).get("name") or {} for e in entries]
    if kind == "relation":
        return [(e or {}).get("id") or {} for e in value] if isinstance(value, list) else (value or {}).get(
            "database_id")
    if kind == "formula":
        return (value or {}).get((value or {}).get("type"))
    if kind == "rollup":
        function = str((value or {}).get("function") or "")
        if function.startswith("count") or "empty" in function:
            result = value.get("number")
            return result * 100 if "percent" in function and result is not None else result
        if function.startswith("show") and value.get("type") == "array":
            flat: list[Any] = []
            for element in value.get("array") or []:
                simple = simplify_property(element)
                flat.extend(simple if isinstance(simple, list) else [simple])
            if function == "show_unique":
                unique: list[Any] = []
                for element in flat:
                    if element not in unique:
                        unique.append(element)
                return unique
            return flat
        return None
    if kind == "files":
        return [(f.get(f.get("type")) or {}).get("url") for f in value or []]
    if kind == "status":
        return (value or {}).get("name")
    return None


def _title(properties: dict[str, Any]) -> str:
    for prop in properties.values():
        if prop.get("type") == "title":
            first = (prop.get("title") or [None])[0]
            return (first or {}).get("plain_text") or ""
    raise NodeError("Cannot read properties of undefined (reading 'title')")


def simplify_objects(objects: Any, download: bool = False, version: int = 2) -> list[dict[str, Any]]:
    rows = objects if isinstance(objects, list) else [objects]
    out: list[dict[str, Any]] = []
    for obj in rows:
        json_part = obj.get("json") if download else None
        page = json_part if isinstance(json_part, dict) else obj
        parent_type = (page.get("parent") or {}).get("type")
        properties = page.get("properties") or {}
        if page.get("object") == "page" and parent_type in ("page_id", "workspace") and not json_part:
            first = ((properties.get("title") or {}).get("title") or [{}])[0]
            row: dict[str, Any] = {"id": page.get("id"), "name": first.get("plain_text")}
            if version == 2:
                row["url"] = page.get("url")
            out.append(row)
        elif page.get("object") == "page" and parent_type == "database_id":
            simple = {k: simplify_property(v) for k, v in properties.items()}
            row = {"id": page.get("id")}
            if version == 2:
                row["name"] = _title(properties)
                row["url"] = page.get("url")
                row.update({f"property_{snake_case(k)}": v for k, v in simple.items()})
            else:
                row.update(simple)
            if json_part:
                out.append({"json": row, "binary": obj.get("binary")})
            else:
                out.append(row)
        elif page.get("object") == "database":
            first = (page.get("title") or [{}])[0] if page.get("title") else {}
            row = {"id": page.get("id")}
            row["name" if version == 2 else "title"] = (first or {}).get("plain_text") or ""
            if version == 2:
                row["url"] = page.get("url")
            out.append(row)
    return out


def simplify_blocks(blocks: list[dict[str, Any]], root_id: str) -> list[dict[str, Any]]:
    for block in blocks:
        kind = block.get("type")
        block["root_id"] = root_id
        for key in ("created_time", "last_edited_time", "created_by"):
            block.pop(key, None)
        body = block.get(kind) if isinstance(block.get(kind), dict) else {}
        if kind in ("child_page", "child_database"):
            block["content"] = body.get("title")
            del block[kind]
            continue
        text = body.get("text")
        if isinstance(text, list):
            block["content"] = "".join(t.get("plain_text") or "" for t in text)
            del block[kind]
    return blocks


# -- building requests ---------------------------------------------------------------------------------


def _texts(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for text in texts or []:
        kind = text.get("textType")
        annotations = text.get("annotationUi")
        if kind == "text":
            inner: dict[str, Any] = {"content": text.get("text")}
            if text.get("isLink") and text.get("textLink") not in ("", None):
                inner["link"] = {"url": text["textLink"]}
            out.append({"type": "text", "text": inner, "annotations": annotations})
        elif kind == "mention":
            mention_type = text.get("mentionType")
            if mention_type == "date":
                value = ({"start": text.get("dateStart"), "end": text.get("dateEnd")} if text.get("range")
                         else {"start": text.get("date"), "end": None})
            else:
                value = {"id": text.get(mention_type)}
            out.append({"type": "mention", "mention": {"type": mention_type, mention_type: value},
                        "annotations": annotations})
        elif kind == "equation":
            out.append({"type": "equation", "equation": {"expression": text.get("expression")},
                        "annotations": annotations})
    return [{k: v for k, v in t.items() if v is not None or k != "annotations"} for t in out]


def format_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for block in blocks or []:
        kind = block.get("type")
        inner: dict[str, Any] = {}
        if kind == "to_do":
            inner["checked"] = block.get("checked")
        if kind == "image":
            inner.update(type="external", external={"url": block.get("url")})
        else:
            if block.get("richText") is False or ("richText" not in block and "textContent" in block):
                inner["text"] = [{"text": {"content": block.get("textContent")}}]
            else:
                inner["text"] = _texts(((block.get("text") or {}).get("text")) or [])
        out.append({"object": "block", "type": kind, kind: inner})
    return out


def _moment_format(value: Any, tz: str, include_time: bool) -> str:
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(f"Invalid date: {text}") from None
    zone = ZoneInfo(tz)
    moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    if not include_time:
        return moment.strftime("%Y-%m-%d")
    offset = moment.strftime("%z")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{offset[:3]}:{offset[3:]}"


def _property_value(value: dict[str, Any], kind: str, tz: str, version: int) -> Any:
    if kind == "rich_text":
        if value.get("richText") is False or "richText" not in value:
            return {"rich_text": [{"text": {"content": value.get("textContent")}}]}
        return {"rich_text": _texts((value.get("text") or {}).get("text") or [])}
    if kind == "title":
        return {"title": [{"text": {"content": value.get("title")}}]}
    if kind == "number":
        return {"type": "number", "number": value.get("numberValue")}
    if kind == "url":
        url = value.get("urlValue")
        return None if not url and value.get("ignoreIfEmpty") else {"type": "url", "url": url}
    if kind == "checkbox":
        return {"type": "checkbox", "checkbox": value.get("checkboxValue")}
    if kind == "relation":
        ids: list[str] = []
        for entry in value.get("relationValue") or []:
            if entry and isinstance(entry, str):
                ids.extend(part.strip() for part in entry.split(","))
        for rel in ids:
            dashed = rel if len(rel) != 32 else f"{rel[:8]}-{rel[8:12]}-{rel[12:16]}-{rel[16:20]}-{rel[20:]}"
            if not _UUID_RE.match(dashed):
                raise NodeError(f'The relation id "{rel}" is not a valid uuid with optional dashes.')
        return {"type": "relation", "relation": [{"id": rel} for rel in ids]}
    if kind == "multi_select":
        raw = value.get("multiSelectValue")
        if raw in (None, ""):
            return {"type": "multi_select", "multi_select": []}
        options = raw if isinstance(raw, list) else [v.strip() for v in str(raw).split(",")]
        return {"type": "multi_select", "multi_select": [
            {"id": o} if isinstance(o, str) and _UUID_RE.match(o) else {"name": o} for o in options if o is not None]}
    if kind == "email":
        return {"type": "email", "email": value.get("emailValue")}
    if kind == "people":
        people = value.get("peopleValue")
        people = people if isinstance(people, list) else [people]
        return {"type": "people", "people": [{"id": p} for p in people]}
    if kind == "phone_number":
        return {"type": "phone_number", "phone_number": value.get("phoneValue")}
    if kind == "select":
        selected = value.get("selectValue")
        if selected in (None, ""):
            return {"type": "select", "select": None}
        return {"type": "select", "select": {"id": selected} if version == 1 else {"name": selected}}
    if kind == "status":
        return {"type": "status", "status": {"name": value.get("statusValue")}}
    if kind == "date":
        include_time = value.get("includeTime", True)
        zone = tz if value.get("timezone", "default") == "default" else value["timezone"]
        if value.get("date") == "" or (value.get("dateStart") == "" and value.get("dateEnd") == ""):
            return {"type": "date", "date": None}
        if value.get("range") is True:
            date = {"start": _moment_format(value.get("dateStart"), zone, include_time),
                    "end": _moment_format(value.get("dateEnd"), zone, include_time)}
        else:
            date = {"start": _moment_format(value.get("date"), zone, include_time), "end": None}
        return {"type": "date", "date": date}
    if kind == "files":
        files = ((value.get("fileUrls") or {}).get("fileUrl")) or []
        return {"type": "files", "files": [{"name": f.get("name"), "type": "external",
                                            "external": {"url": f.get("url")}} for f in files]}
    return {}


def map_properties(values: list[dict[str, Any]], tz: str, version: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values or []:
        key = value.get("key")
        if not isinstance(key, str):
            continue
        name, _, kind = key.partition("|")
        mapped = _property_value(value, kind, tz, version)
        if mapped:
            out[name] = mapped
    return out


def _camel(text: str) -> str:
    parts = snake_case(text).split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def map_filter(value: dict[str, Any], tz: str) -> dict[str, Any]:
    name, _, key = str(value.get("key") or "").partition("|")
    condition = value.get("condition")
    prop_value: Any = value.get(_camel(key)) if key == "last_edited_time" else value.get(f"{_camel(key)}Value")
    if condition in ("is_empty", "is_not_empty"):
        prop_value = True
    elif condition in ("past_week", "past_month", "past_year", "next_week", "next_month", "next_year"):
        prop_value = {}
    if key in ("rich_text", "text"):
        key = "text"
    elif key == "phone_number":
        key = "phone"
    elif key == "date" and condition not in ("is_empty", "is_not_empty"):
        date = value.get("date")
        prop_value = {} if date == "" else _utc(date, tz)
    elif key == "boolean":
        key = "checkbox"
    if value.get("type") == "formula":
        if condition in ("is_empty", "is_not_empty"):
            key = value.get("returnType")
        else:
            return {"property": name, key: {value.get("returnType"): {
                condition: value.get(f"{_camel(str(value.get('returnType')))}Value")}}}
    return {"property": name, key: {condition: prop_value}}


def _utc(date: Any, tz: str) -> str:
    moment = datetime.fromisoformat(str(date).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _page_id(ctx: NodeContext, i: int, version: float) -> str:
    page = ctx.param("pageId", i, {})
    if version < 2 and not isinstance(page, dict):
        return _extract_page_id(str(page or ""))
    if not isinstance(page, dict):
        page = {"mode": "id", "value": page}
    value = page.get("value")
    page_id = ""
    if value and isinstance(value, str):
        if page.get("mode") == "id":
            page_id = value
        elif "p=" in value:
            page_id = (parse_qs(value).get("p") or [""])[0]
        else:
            match = _PAGE_URL_RE.search(value)
            page_id = match.group(1) if match else ""
    if not page_id:
        raise NodeError(f"Could not extract page ID from URL: {value}", item_index=i)
    return page_id


def _extract_page_id(page: str) -> str:
    if "p=" in page:
        return page.split("p=")[1]
    if "-" in page and "https" in page:
        return page.split("-")[-1]
    return page


def _database_id(value: Any) -> str:
    text = str(resource_value(value) or "")
    if "?v=" in text:
        return text.split("?v=")[0].split("/")[-1]
    if "/" in text:
        return text.split("/")[-1]
    return text


def _block_id(ctx: NodeContext, i: int, version: float) -> str:
    raw = ctx.param("blockId", i, {})
    if version < 2.2:
        return _extract_page_id(str(resource_value(raw) or ""))
    data = raw if isinstance(raw, dict) else {"mode": "id", "value": raw}
    if data.get("mode") == "id":
        return str(data.get("value"))
    value = str(data.get("value") or "")
    match = re.search(r"https://www\.notion\.so/.+\?pvs=[0-9]+#([a-f0-9]{2,})", value)
    if match:
        return match.group(1)
    page = _BLOCK_URL_RE.search(value)
    if page is None:
        raise NodeError("Invalid URL, could not find block ID or page ID", item_index=i)
    return _extract_page_id(page.group(1))


def _block_values(ctx: NodeContext, i: int) -> list[dict[str, Any]]:
    blocks = [dict(b) for b in (ctx.param("blockUi", i, {}) or {}).get("blockValues") or []]
    for block in blocks:
        for text in ((block.get("text") or {}).get("text") or []):
            if text.get("mentionType") == "database" and isinstance(text.get("database"), dict):
                text["database"] = text["database"].get("value")
    return blocks


class _Notion:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.base = base_url(ctx, "notion", "https://api.notion.com/v1")
        fields = credential(ctx, "notionApi") or {}
        version = ctx.node.type_version or 1
        self.headers = {"Notion-Version": _API_VERSION.get(int(version) if version == 1 else 2, "2021-08-16")}
        self.token = str(fields.get("apiKey") or "")

    def call(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {"headers": dict(self.headers), "auth": {"bearer": self.token}}
        if body:
            kwargs["json"] = body
        if qs:
            kwargs["params"] = qs
        response = request(self.ctx, method, f"{self.base}{path}", item_index=i, **kwargs)
        return response.json() if response.content else {}

    def all_items(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
                  qs: dict[str, Any] | None = None, in_query: bool = False) -> list[Any]:
        body, qs = dict(body or {}), dict(qs or {})
        out: list[Any] = []
        while True:
            data = self.call(method, path, i, body, qs)
            cursor = data.get("next_cursor")
            if in_query:
                if cursor is None:
                    qs.pop("start_cursor", None)
                else:
                    qs["start_cursor"] = cursor
            elif cursor is None:
                body.pop("start_cursor", None)
            else:
                body["start_cursor"] = cursor
            out.extend(data.get("results") or [])
            if data.get("has_more") is False:
                return out


def _seg(value: Any) -> str:
    return quote(str(value), safe="")


def _icon(options: dict[str, Any], typed: bool) -> dict[str, Any] | None:
    if not options.get("icon"):
        return None
    if options.get("iconType") == "file":
        return {"type": "external", "external": {"url": options["icon"]}} if typed else {"external": {"url": options["icon"]}}
    return {"type": "emoji", "emoji": options["icon"]} if typed else {"emoji": options["icon"]}


@register("n8n-nodes-base.notion", versions=(1, 2, 2.1, 2.2), display_name=DISPLAY)
@register("n8n-nodes-base.notionTool", versions=(1, 2, 2.1, 2.2), display_name=DISPLAY)
def notion(ctx: NodeContext) -> NodeOutput:
    version = ctx.node.type_version or 1
    sv = 1 if version < 2 else 2
    resource = ctx.param("resource", 0, "page")
    operation = ctx.param("operation", 0, "get")
    api = _Notion(ctx)
    tz = ctx.timezone
    p = ctx.param
    title_key: list[str] = []

    def run(i: int, item: dict[str, Any]) -> Any:
        key = (resource, operation)
        if key == ("block", "append"):
            block_id = _block_id(ctx, i, version)
            body = {"children": format_blocks(_block_values(ctx, i))}
            return api.call("PATCH", f"/blocks/{_seg(block_id)}/children", i, body)
        if key == ("block", "getAll"):
            block_id = _block_id(ctx, i, version)
            path = f"/blocks/{_seg(block_id)}/children"
            if p("returnAll", i, False):
                blocks = api.all_items("GET", path, i, in_query=True)
            else:
                blocks = api.call("GET", path, i, None, {"page_size": p("limit", i, 50)}).get("results") or []
            if p("fetchNestedBlocks", i, False):
                blocks = _nested(api, blocks, i, None if p("returnAll", i, False) else p("limit", i, 50))
            blocks = [{"object": b.get("object"), "parent_id": block_id, **b} for b in blocks]
            if version > 2 and p("simplifyOutput", i, True):
                blocks = simplify_blocks(blocks, block_id)
            return blocks
        if key == ("database", "get"):
            data = api.call("GET", f"/databases/{_seg(_database_id(p('databaseId', i)))}", i)
            return simplify_objects(data, False, sv)[0] if p("simple", 0, True) else data
        if key in (("database", "getAll"), ("database", "search")):
            body: dict[str, Any] = {"filter": {"property": "object", "value": "database"}}
            if operation == "search":
                if p("text", i, ""):
                    body["query"] = p("text", i)
                options = p("options", i, {}) or {}
                if options.get("sort"):
                    body["sort"] = (options["sort"] or {}).get("sortValue") or {}
                rows = api.all_items("POST", "/search", i, body)
                if not p("returnAll", i, False):
                    rows = rows[: p("limit", i, 50)]
            elif p("returnAll", i, False):
                rows = api.all_items("POST", "/search", i, body)
            else:
                body["page_size"] = p("limit", i, 50)
                rows = api.call("POST", "/search", i, body).get("results") or []
            simple = p("simple", 0 if operation == "getAll" else i, True)
            return simplify_objects(rows, False, sv) if simple else rows
        if key == ("databasePage", "create"):
            database_id = resource_value(p("databaseId", i))
            if not title_key:
                props = api.call("GET", f"/databases/{_seg(resource_value(p('databaseId', 0)))}", i).get(
                    "properties") or {}
                title_key.append(next((k for k, v in reversed(props.items()) if v.get("type") == "title"), ""))
            body = {"parent": {"database_id": database_id}, "properties": {}}
            title = p("title", i, "")
            if title != "":
                body["properties"][title_key[0]] = {"title": [{"text": {"content": title}}]}
            body["parent"] = {"database_id": database_id}
            values = (p("propertiesUi", i, {}) or {}).get("propertyValues") or []
            body["properties"].update(map_properties(values, tz, sv))
            body["children"] = format_blocks(_block_values(ctx, i))
            icon = _icon(p("options", i, {}) or {}, False)
            if icon:
                body["icon"] = icon
            data = api.call("POST", "/pages", i, body)
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key == ("databasePage", "get"):
            data = api.call("GET", f"/pages/{_seg(_page_id(ctx, i, version))}", i)
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key == ("databasePage", "getAll"):
            return _database_query(ctx, api, i, sv)
        if key == ("databasePage", "update"):
            page_id = _page_id(ctx, i, version)
            values = (p("propertiesUi", i, {}) or {}).get("propertyValues") or []
            body = {"properties": map_properties(values, tz, sv) if values else {}}
            icon = _icon(p("options", i, {}) or {}, True)
            if icon:
                body["icon"] = icon
            data = api.call("PATCH", f"/pages/{_seg(page_id)}", i, body)
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key == ("page", "archive"):
            data = api.call("PATCH", f"/pages/{_seg(_page_id(ctx, i, version))}", i, {"archived": True})
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key == ("page", "create"):
            body = {"parent": {"page_id": _page_id(ctx, i, version)},
                    "properties": {"title": [{"text": {"content": p("title", i, "")}}]},
                    "children": format_blocks(_block_values(ctx, i))}
            icon = _icon(p("options", i, {}) or {}, False)
            if icon:
                body["icon"] = icon
            data = api.call("POST", "/pages", i, body)
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key in (("page", "get"),):
            data = api.call("GET", f"/pages/{_seg(_page_id(ctx, i, version))}", i)
            return simplify_objects(data, False, sv) if p("simple", i, True) else data
        if key == ("page", "search"):
            body = {}
            if p("text", i, ""):
                body["query"] = p("text", i)
            options = p("options", i, {}) or {}
            if options.get("filter"):
                body["filter"] = (options["filter"] or {}).get("filters") or []
            if options.get("sort"):
                body["sort"] = (options["sort"] or {}).get("sortValue") or {}
            rows = api.all_items("POST", "/search", i, body)
            if not p("returnAll", i, False):
                rows = rows[: p("limit", i, 50)]
            return simplify_objects(rows, False, sv) if p("simple", i, True) else rows
        if key == ("user", "get"):
            return api.call("GET", f"/users/{_seg(p('userId', i))}", i)
        if key == ("user", "getAll"):
            rows = api.all_items("GET", "/users", i, in_query=True)
            return rows if p("returnAll", i, False) else rows[: p("limit", i, 50)]
        raise unsupported(DISPLAY, resource, operation)

    return [per_item(ctx, run)]


def _nested(api: _Notion, blocks: list[dict[str, Any]], i: int, limit: int | None,
            out: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    out = [] if out is None else out
    for block in blocks:
        out.append(block)
        if block.get("type") == "child_page":
            continue
        if block.get("has_children"):
            children = api.all_items("GET", f"/blocks/{_seg(block.get('id'))}/children", i, in_query=True)
            children = [{"object": c.get("object"), "parent_id": block.get("id"), **c} for c in children]
            _nested(api, children, i, None, out)
        if limit and len(out) >= limit:
            return out[:limit]
    return out


def _database_query(ctx: NodeContext, api: _Notion, i: int, sv: int) -> Any:
    p = ctx.param
    options = p("options", 0, {}) or {}
    download = bool(options.get("downloadFiles"))
    database_id = resource_value(p("databaseId", i))
    body: dict[str, Any] = {"filter": {}}
    filter_type = p("filterType", 0, "none")
    conditions = (p("filters", i, {}) or {}).get("conditions") or []
    if filter_type == "manual":
        joiner = "or" if p("matchType", 0, "anyFilter") == "anyFilter" else "and"
        body["filter"] = {joiner: [map_filter(c, ctx.timezone) for c in conditions]}
    elif filter_type == "json":
        import json

        try:
            body["filter"] = json.loads(p("filterJson", i, ""))
        except ValueError:
            raise NodeError("Filters (JSON) must be a valid json", item_index=i) from None
    if not body["filter"]:
        del body["filter"]
    sort = ((p("options", i, {}) or {}).get("sort") or {}).get("sortValue")
    if sort:
        body["sorts"] = [{"direction": s.get("direction"),
                          ("timestamp" if s.get("timestamp") else "property"): str(s.get("key") or "").split("|")[0]}
                         for s in sort]
    path = f"/databases/{_seg(database_id)}/query"
    if p("returnAll", i, False):
        rows = api.all_items("POST", path, i, body)
    else:
        body["page_size"] = p("limit", i, 50)
        rows = api.call("POST", path, i, body).get("results") or []
    if download:
        raise unsupported(DISPLAY, "databasePage", "getAll with downloadFiles")
    return simplify_objects(rows, False, sv) if p("simple", 0, True) else rows


@register("n8n-nodes-base.notionTrigger", versions=(1,), trigger=True, inputs=0, display_name="Notion Trigger")
def notion_trigger(ctx: NodeContext) -> NodeOutput:
    """Polling trigger: outside manual mode the seed passes through (the daemon polls via :func:`poll`)."""
    if ctx.state.mode != "manual":
        return [list(ctx.input(0))]
    return [poll(ctx)]


@poller("n8n-nodes-base.notionTrigger")
def poll(ctx: NodeContext) -> list[dict[str, Any]]:
    """Pages added to / updated in the database since the last poll (``lastTimeChecked`` in static
    data ``node:<name>``); manual mode returns the newest one."""
    from datetime import UTC

    api = _Notion(ctx)
    database_id = _database_id(ctx.param("databaseId", 0))
    event = ctx.param("event", 0, "pageAddedToDatabase")
    simple = ctx.param("simple", 0, True)
    store = ctx.state.static_data.setdefault(f"node:{ctx.node.name}", {})
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:00Z")
    start = store.get("lastTimeChecked") or now
    store["lastTimeChecked"] = now
    sort_key = "created_time" if event == "pageAddedToDatabase" else "last_edited_time"
    body: dict[str, Any] = {"page_size": 100, "sorts": [{"timestamp": sort_key, "direction": "descending"}]}
    if ctx.state.mode == "manual":
        body["page_size"] = 1
        rows = api.call("POST", f"/databases/{_seg(database_id)}/query", 0, body).get("results") or []
    else:
        rows = []
        for row in api.all_items("POST", f"/databases/{_seg(database_id)}/query", 0, body):
            if str(row.get(sort_key) or "") < start:
                break
            rows.append(row)
    if simple:
        rows = simplify_objects(rows, False, 2)
    return [{"json": r} for r in rows]
