"""HTML node v1, 1.1, 1.2: generateHtmlTemplate, extractHtmlContent, convertToHtmlTable.

n8n selects with cheerio; we use BeautifulSoup + soupsieve CSS selectors. Version 1.2's "text"
return value goes through ``html-to-text``; :func:`html_to_text` reproduces its default layout
(block spacing, upper-case headings, list bullets, ``text [href]`` links, 80-column wrap).
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment
from bs4.formatter import HTMLFormatter

from automatelanka.engine.binary import assert_binary, binary_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._util_common import lodash_get
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string as js_string

_RESOLVABLE = re.compile(r"({{[\s\S]*?}})")


def _soup(html: Any) -> BeautifulSoup:
    return BeautifulSoup(html if isinstance(html, str) else js_string(html), "html.parser")


def _cheerio_entities(text: str) -> str:
    """What cheerio's ``.html()`` escapes (dom-serializer, utf8 mode): ``& < >`` and NBSP."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")


#: Serialise like cheerio: other characters as they are, void elements as ``<br>``.
CHEERIO_FORMATTER = HTMLFormatter(entity_substitution=_cheerio_entities, void_element_close_prefix="")


def _inner_html(tag: Tag) -> str:
    return tag.decode_contents(formatter=CHEERIO_FORMATTER)


def _value(tag: Tag) -> str | None:
    """cheerio ``.val()`` for the first matched element."""
    if tag.name == "select":
        chosen = tag.find("option", selected=True) or tag.find("option")
        return None if chosen is None else str(chosen.get("value", chosen.get_text()))
    if tag.name in ("textarea",):
        return tag.get_text()
    value = tag.get("value")
    return None if value is None else str(value)


def _extract(tags: list[Tag], spec: dict[str, Any], version: float) -> Any:
    kind = spec.get("returnValue", "text")
    if kind == "attribute":
        if not tags:
            return None
        attr = tags[0].get(str(spec.get("attribute", "")))
        return " ".join(attr) if isinstance(attr, list) else attr
    if kind == "html":
        return _inner_html(tags[0]) or None if tags else None
    if kind == "value":
        return _value(tags[0]) if tags else None
    if version <= 1.1:
        return "".join(t.get_text() for t in tags) or None
    inner = _inner_html(tags[0]) if tags else ""
    skip = [s.strip() for s in str(spec.get("skipSelectors") or "").split(",") if s.strip()]
    return html_to_text(inner, skip)


def _apply_options(value: Any, options: dict[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    if options.get("trimValues"):
        value = value.strip()
    if options.get("cleanUpText"):
        value = re.sub(r"\s+", " ", re.sub(r"(\r\n|\n|\r)", "", value.strip()))
    return value


def _extract_item(ctx: NodeContext, i: int, item: Item) -> list[Item]:
    version = ctx.node.type_version
    prop = str(ctx.param("dataPropertyName", i, "data"))
    values = (ctx.param("extractionValues", i, {}) or {}).get("values") or []
    options = ctx.param("options", i, {}) or {}
    source = ctx.param("sourceData", i, "json")
    if source == "json":
        data = item["json"].get(prop) if version == 1 else lodash_get(item["json"], prop)
        present = prop in item["json"] if version == 1 else lodash_get(item["json"], prop, _ABSENT) is not _ABSENT
        if not present:
            raise NodeError(f'No property named "{prop}" exists!', item_index=i)
        html_list = data
    else:
        html_list = binary_bytes(assert_binary(item, prop, i)).decode("utf-8", errors="replace")
    if not isinstance(html_list, list):
        html_list = [html_list]
    out: list[Item] = []
    for html in html_list:
        soup = _soup(html)
        body: dict[str, Any] = {}
        for spec in values:
            key = str(spec.get("key", ""))
            tags = soup.select(str(spec.get("cssSelector", ""))) if spec.get("cssSelector") else []
            if spec.get("returnArray"):
                body[key] = [_apply_options(_extract([t], spec, version), options) for t in tags]
            else:
                value = _apply_options(_extract(tags, spec, version), options)
                if value is not None:
                    body[key] = value
                else:
                    body.pop(key, None)
        out.append({"json": body, "pairedItem": {"item": i}})
    return out


_ABSENT = object()


def _capitalize(header: str, capitalize: bool) -> str:
    if not capitalize:
        return header
    return " ".join(w[0].upper() + w[1:] for w in header.split("_") if w)


def _table(ctx: NodeContext, items: list[Item]) -> NodeOutput:
    options = ctx.param("options", 0, {}) or {}
    styled = not options.get("customStyling")
    table_style = "style='border-spacing:0; font-family:helvetica,arial,sans-serif'" if styled else ""
    header_style = ("style='margin:0; padding:7px 20px 7px 0px; border-bottom:1px solid #eee; text-align:left; "
                    "color:#888; font-weight:normal'") if styled else ""
    cell_style = "style='margin:0; padding:7px 20px 7px 0px; border-bottom:1px solid #eee'" if styled else ""
    headers: list[str] = []
    for entry in items:
        headers.extend(k for k in entry["json"] if k not in headers)
    parts = [f"<table {table_style} {options.get('tableAttributes') or ''}>"]
    if options.get("caption"):
        parts.append(f"<caption>{options['caption']}</caption>")
    parts.append(f"<thead {header_style} {options.get('headerAttributes') or ''}>")
    parts.append("<tr>" + "".join(f"<th>{_capitalize(h, bool(options.get('capitalize')))}</th>" for h in headers)
                 + "</tr></thead><tbody>")
    for index, entry in enumerate(items):
        row_attrs = (ctx.param("options", index, {}) or {}).get("rowAttributes", "")
        cell_attrs = (ctx.param("options", index, {}) or {}).get("cellAttributes", "")
        parts.append(f"<tr  {row_attrs}>")
        for header in headers:
            cell = entry["json"].get(header, _ABSENT)
            if isinstance(cell, bool):
                checked = 'checked="checked"' if cell else ""
                content = f'<input type="checkbox" {checked}/>'
            else:
                content = "undefined" if cell is _ABSENT else js_string(cell)
            parts.append(f"<td {cell_style} {cell_attrs}>{content}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return [[{"json": {"table": "".join(parts)}, "pairedItem": [{"item": i} for i in range(len(items))]}]]


@register("n8n-nodes-base.html", versions=(1, 1.1, 1.2), display_name="HTML")
def html_node(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "generateHtmlTemplate")
    if operation == "convertToHtmlTable" and items:
        return _table(ctx, items)

    def one(i: int, item: Item) -> list[Item] | None:
        if operation == "generateHtmlTemplate":
            html = ctx.param("html", i, "")
            html = html if isinstance(html, str) else js_string(html)
            for resolvable in _RESOLVABLE.findall(html):
                html = html.replace(resolvable, js_string(ctx.resolve("=" + resolvable, i)), 1)
            return [{"json": {"html": html}, "pairedItem": {"item": i}}]
        if operation == "extractHtmlContent":
            return _extract_item(ctx, i, item)
        return None

    return [per_item(ctx, one, items=items, error_index="never", ready=True)]


# -- html-to-text (default options) -------------------------------------------------------------

_BLOCK_2 = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre"}
_BLOCK_1 = {"div", "tr", "section", "article", "header", "footer", "main", "nav", "aside", "form", "li",
            "dl", "dt", "dd", "figure", "hr", "address", "fieldset"}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


def html_to_text(html: str, skip_selectors: list[str] | None = None) -> str:
    """``html-to-text`` ``convert(html)`` with its default options (approximation)."""
    soup = _soup(html)
    for selector in skip_selectors or []:
        for tag in soup.select(selector):
            tag.decompose()
    chunks: list[Any] = []
    _walk(soup, chunks, upper=False)
    lines: list[str] = []
    current = ""
    pending = 0
    for chunk in chunks:
        if isinstance(chunk, int):
            if current.strip() or lines:
                pending = max(pending, chunk)
            continue
        if pending and (current.strip() or lines):
            lines.append(current.rstrip())
            lines.extend([""] * (pending - 1))
            current = ""
        pending = 0
        if chunk == "\n":
            lines.append(current.rstrip())
            current = ""
            continue
        if not current and chunk.startswith(" ") and not chunk.startswith(" * "):
            chunk = chunk.lstrip()
        current = current + chunk if not (current.endswith(" ") and chunk.startswith(" ")) else current + chunk[1:]
    lines.append(current.rstrip())
    text = "\n".join(_wrap(line) for line in lines)
    return text.strip("\n")


def _wrap(line: str, width: int = 80) -> str:
    if len(line) <= width:
        return line
    out, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)


def _walk(node: Any, chunks: list[Any], upper: bool, list_prefix: str | None = None) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            text = re.sub(r"[ \t\r\n\f\u200b]+", " ", str(child))  # html-to-text keeps NBSP
            if text:
                chunks.append(text.upper() if upper else text)
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        name = child.name
        if name == "br":
            chunks.append("\n")
        elif name in ("ul", "ol"):
            chunks.append(2)
            for index, li in enumerate(child.find_all("li", recursive=False), start=1):
                chunks.append(1)
                chunks.append(" * " if name == "ul" else f" {index}. ")
                _walk(li, chunks, upper)
            chunks.append(2)
        elif name == "a":
            before = len(chunks)
            _walk(child, chunks, upper)
            href = child.get("href")
            text = "".join(c for c in chunks[before:] if isinstance(c, str)).strip()
            if href and href != text:
                chunks.append(f" [{href}]" if text else f"[{href}]")
        elif name in _BLOCK_2 or name in _BLOCK_1:
            gap = 2 if name in _BLOCK_2 else 1
            chunks.append(gap)
            _walk(child, chunks, upper or name in {"h1", "h2", "h3", "h4", "h5", "h6"})
            chunks.append(gap)
        else:
            _walk(child, chunks, upper)
