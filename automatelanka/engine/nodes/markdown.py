"""Markdown node v1: markdownToHtml (showdown-like output) and htmlToMarkdown (node-html-markdown-like).

markdownToHtml uses markdown-it (CommonMark) and then reshapes the HTML the way showdown writes it:
header ids, XHTML void tags, ``class="js language-js"`` on fenced code, indented blockquotes.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment
from markdown_it import MarkdownIt

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes._util_common import lodash_set
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string as js_string


def _header_id(text: str, options: dict[str, Any]) -> str:
    plain = re.sub(r"<[^>]+>", "", text)
    if options.get("ghCompatibleHeaderId"):
        return re.sub(r"[^\w-]", "", plain.replace(" ", "-").lower())
    return re.sub(r"[^\w]", "", plain).lower()


def markdown_to_html(markdown: str, options: dict[str, Any] | None = None) -> str:
    """showdown ``Converter.makeHtml`` with the node's options (the common ones)."""
    options = options or {}
    md = MarkdownIt("commonmark", {"xhtmlOut": True, "html": True, "linkify": bool(options.get("simplifiedAutoLink"))})
    if options.get("tables"):
        md.enable("table")
    if options.get("strikethrough"):
        md.enable("strikethrough")
    if options.get("simplifiedAutoLink"):
        md.enable("linkify")
    if options.get("simpleLineBreaks"):
        md.options["breaks"] = True
    html = md.render(markdown).rstrip("\n")
    html = "".join(part if part.startswith("<") else part.replace("&quot;", '"')
                   for part in re.split(r"(<[^>]+>)", html))
    html = re.sub(r'<code class="language-([^"]+)">', r'<code class="\1 language-\1">', html)
    html = re.sub(r"<blockquote>\n(.*?)\n</blockquote>",
                  lambda m: "<blockquote>\n" + "\n".join("  " + ln for ln in m.group(1).split("\n"))
                  + "\n</blockquote>", html, flags=re.DOTALL)
    if options.get("openLinksInNewWindow"):
        html = re.sub(r'<a href="([^"]*)"', r'<a href="\1" rel="noopener noreferrer" target="_blank"', html)
    if not options.get("noHeaderId"):
        seen: dict[str, int] = {}
        start = int(options.get("headerLevelStart") or 1)

        def add_id(match: re.Match[str]) -> str:
            level = min(int(match.group(1)) + start - 1, 6)
            base = (options.get("prefixHeaderId") or "") + _header_id(match.group(2), options)
            count = seen.get(base)
            seen[base] = 0 if count is None else count + 1
            ident = base if count is None else f"{base}-{count + 1}"
            return f'<h{level} id="{ident}">{match.group(2)}</h{level}>'

        html = re.sub(r"<h([1-6])>(.*?)</h\1>", add_id, html)
    if options.get("completeHTMLDocument"):
        html = ("<!DOCTYPE HTML>\n<html>\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body>\n"
                f"{html}\n</body>\n</html>")
    return html


# -- HTML to Markdown ---------------------------------------------------------------------------

def html_to_markdown(html: str, options: dict[str, Any] | None = None) -> str:
    """``NodeHtmlMarkdown.translate`` for the usual elements."""
    options = options or {}
    soup = BeautifulSoup(html, "html.parser")
    for name in options.get("ignore") or []:
        for tag in soup.find_all(name):
            tag.decompose()
    blocks = _md_blocks(soup, options)
    text = "\n\n".join(b for b in blocks if b.strip())
    limit = int(options.get("maxConsecutiveNewlines") or 3)
    text = re.sub(f"\n{{{limit + 1},}}", "\n" * limit, text)
    return text.strip()


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "hr", "table",
           "section", "article", "header", "footer", "main", "nav"}


def _md_blocks(node: Any, options: dict[str, Any]) -> list[str]:
    blocks: list[str] = []
    inline = ""
    for child in node.children:
        if isinstance(child, Tag) and child.name in _BLOCKS:
            if inline.strip():
                blocks.append(inline.strip())
            inline = ""
            blocks.extend(_md_block(child, options))
        else:
            inline += _md_inline(child, options)
    if inline.strip():
        blocks.append(inline.strip())
    return blocks


def _md_block(tag: Tag, options: dict[str, Any]) -> list[str]:
    name = tag.name
    if name and re.fullmatch(r"h[1-6]", name):
        return ["#" * int(name[1]) + " " + _md_inline_children(tag, options).strip()]
    if name == "hr":
        return ["---"]
    if name == "pre":
        fence = options.get("codeFence") or "```"
        return [f"{fence}\n{tag.get_text()}\n{fence}"]
    if name == "blockquote":
        inner = "\n\n".join(_md_blocks(tag, options))
        return ["\n".join("> " + ln if ln else ">" for ln in inner.split("\n"))]
    if name in ("ul", "ol"):
        bullet = options.get("bulletMarker") or "*"
        lines = []
        for index, li in enumerate(tag.find_all("li", recursive=False), start=1):
            marker = f"{index}." if name == "ol" else bullet
            lines.append(f"{marker} " + " ".join(_md_blocks(li, options)).strip())
        return ["\n".join(lines)]
    if name == "table":
        rows = [[_md_inline_children(c, options).strip() for c in tr.find_all(["td", "th"])]
                for tr in tag.find_all("tr")]
        if not rows:
            return []
        out = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join("-" for _ in rows[0]) + " |"]
        out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return ["\n".join(out)]
    if name == "p":
        return [_md_inline_children(tag, options).strip()]
    return _md_blocks(tag, options)


def _escape(text: str) -> str:
    return re.sub(r"([*_`\\])", r"\\\1", text)


def _md_inline_children(tag: Tag, options: dict[str, Any]) -> str:
    return "".join(_md_inline(c, options) for c in tag.children)


def _md_inline(node: Any, options: dict[str, Any]) -> str:
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return _escape(re.sub(r"\s+", " ", str(node)))
    if not isinstance(node, Tag):
        return ""
    name = node.name
    inner = _md_inline_children(node, options)
    if name in ("b", "strong"):
        mark = options.get("strongDelimiter") or "**"
        return f"{mark}{inner}{mark}" if inner.strip() else inner
    if name in ("i", "em"):
        mark = options.get("emDelimiter") or "_"
        return f"{mark}{inner}{mark}" if inner.strip() else inner
    if name == "a":
        href = node.get("href")
        return f"[{inner}]({href})" if href else inner
    if name == "img":
        return f"![{node.get('alt', '')}]({node.get('src', '')})"
    if name == "code":
        return f"`{node.get_text()}`"
    if name == "br":
        return "  \n"
    if name in ("del", "s", "strike"):
        return f"~~{inner}~~"
    if name in ("script", "style"):
        return ""
    return inner


@register("n8n-nodes-base.markdown", versions=(1,), display_name="Markdown")
def markdown(ctx: NodeContext) -> NodeOutput:
    mode = ctx.param("mode", 0, "htmlToMarkdown")
    out: list[Item] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            key = str(ctx.param("destinationKey", i, "data"))
            options = dict(ctx.param("options", i, {}) or {})
            if mode == "htmlToMarkdown":
                for name in ("ignore", "blockElements"):
                    if options.get(name):
                        options[name] = [s.strip() for s in str(options[name]).split(",")]
                value = ctx.param("html", i, "")
                result = html_to_markdown(value if isinstance(value, str) else js_string(value), options)
            else:
                value = ctx.param("markdown", i, "")
                result = markdown_to_html(value if isinstance(value, str) else js_string(value), options)
            body = deep_copy_json(item["json"])
            lodash_set(body, key, result)
            out.append({"json": body})
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            raise
    return [out]
