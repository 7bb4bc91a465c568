"""RSS Read (v1, 1.1, 1.2) and RSS Feed Trigger (polling): feed items shaped as rss-parser gives
them (``creator``, ``title``, ``link``, ``pubDate``, ``content:encoded``, ``enclosure``, ``content``,
``contentSnippet``, ``guid``, ``categories``, ``isoDate``...; Atom entries too).
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _http
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

ITEM_FIELDS: list[tuple[str, str, bool]] = [
    ("author", "creator", False), ("dc:creator", "creator", False), ("dc:date", "date", False),
    ("dc:language", "language", False), ("dc:rights", "rights", False), ("dc:source", "source", False),
    ("dc:title", "title", False), ("title", "title", False), ("link", "link", False), ("pubDate", "pubDate", False),
    ("author", "author", False), ("summary", "summary", False), ("content:encoded", "content:encoded", True),
    ("enclosure", "enclosure", False), ("dc:creator", "dc:creator", False), ("dc:date", "dc:date", False),
    ("comments", "comments", False),
]
ACCEPT = ("application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, "
          "text/xml;q=0.4")


class Node:
    """An element the way xml2js gives it: text, attributes ``$`` and children by (prefixed) name."""

    def __init__(self, tag: str, attrs: dict[str, str], text: str) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = text
        self.children: dict[str, list[Node]] = {}

    def value(self) -> Any:
        """xml2js value: a string, or ``{_: text, $: attrs, child: [...]}``."""
        if not self.attrs and not self.children:
            return self.text
        out: dict[str, Any] = {}
        if self.text.strip():
            out["_"] = self.text
        if self.attrs:
            out["$"] = dict(self.attrs)
        for name, nodes in self.children.items():
            out[name] = [n.value() for n in nodes]
        return out


def parse_xml(data: bytes) -> Node:
    prefixes: dict[str, str] = {}
    stack: list[Node] = []
    root: Node | None = None

    def name_of(qname: str) -> str:
        if qname.startswith("{"):
            uri, local = qname[1:].split("}", 1)
            prefix = prefixes.get(uri)
            return f"{prefix}:{local}" if prefix else local
        return qname

    for event, elem in ET.iterparse(io.BytesIO(data), events=("start-ns", "start", "end")):
        if event == "start-ns":
            prefix, uri = elem  # type: ignore[misc]
            prefixes.setdefault(uri, prefix)
        elif event == "start":
            attrs = {name_of(k): v for k, v in elem.attrib.items()}  # type: ignore[union-attr]
            node = Node(name_of(elem.tag), attrs, "")  # type: ignore[union-attr]
            if stack:
                stack[-1].children.setdefault(node.tag, []).append(node)
            stack.append(node)
            root = root or node
        else:
            node = stack.pop()
            node.text = "".join(elem.itertext()) if not node.children else (elem.text or "")  # type: ignore[union-attr]
            elem.clear()  # type: ignore[union-attr]
    if root is None:
        raise NodeError("Unable to parse XML.")
    return root


def strip_html(text: str) -> str:
    text = re.sub(r"([^\n])</?(h|br|p|ul|ol|li|blockquote|section|table|tr|div)(?:.|\n)*?>([^\n])", r"\1\n\3",
                  text)
    return re.sub(r"<(?:.|\n)*?>", "", text)


def snippet(text: Any) -> str:
    return html.unescape(strip_html(str(text))).strip()


def iso(date_text: Any) -> str | None:
    text = str(date_text).strip()
    moment: datetime | None = None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _content(node: Node) -> Any:
    value = node.value()
    if isinstance(value, dict) and isinstance(value.get("_"), str):
        return value["_"]
    if isinstance(value, dict):  # markup inside: rss-parser rebuilds it under a <div>
        return f"<div>{html.escape(node.text)}</div>"
    return value


def _copy(node: Node, item: dict[str, Any], fields: list[tuple[str, str, bool]]) -> None:
    for source, target, with_snippet in fields:
        if source in node.children:
            item[target] = node.children[source][0].value()
        if isinstance(item.get(target), dict) and isinstance(item[target].get("_"), str):
            item[target] = item[target]["_"]
        if with_snippet and item.get(target):
            item[target + "Snippet"] = snippet(item[target])


def _set_iso(item: dict[str, Any]) -> None:
    date = item.get("pubDate") or item.get("date")
    if date and isinstance(date, str):
        value = iso(date)
        if value:
            item["isoDate"] = value


def parse_feed(data: bytes, custom: list[str]) -> list[dict[str, Any]]:
    """Feed items (RSS 0.9x/1.0/2.0 and Atom) as rss-parser builds them."""
    root = parse_xml(data)
    fields = ITEM_FIELDS + [(c, c, False) for c in custom]
    if root.tag == "feed":
        return [_atom_item(entry, custom) for entry in root.children.get("entry", [])]
    if root.tag == "rss":
        channel = (root.children.get("channel") or [Node("channel", {}, "")])[0]
        entries = channel.children.get("item", [])
    elif root.tag == "rdf:RDF":
        entries = root.children.get("item", [])
    else:
        raise NodeError("Feed not recognized as RSS 1 or 2.")
    out = []
    for entry in entries:
        item: dict[str, Any] = {}
        _copy(entry, item, fields)
        if "enclosure" in entry.children:
            item["enclosure"] = entry.children["enclosure"][0].attrs
        if "description" in entry.children:
            item["content"] = _content(entry.children["description"][0])
            item["contentSnippet"] = snippet(item["content"])
        if "guid" in entry.children:
            guid = entry.children["guid"][0].value()
            item["guid"] = guid["_"] if isinstance(guid, dict) and "_" in guid else guid
        if entry.attrs.get("rdf:about"):
            item["rdf:about"] = entry.attrs["rdf:about"]
        if "category" in entry.children:
            item["categories"] = [c.value() for c in entry.children["category"]]
        _set_iso(item)
        out.append(item)
    return out


def _atom_item(entry: Node, custom: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    _copy(entry, item, [(c, c, False) for c in custom])
    if "title" in entry.children:
        title = entry.children["title"][0].value()
        title = title.get("_", "") if isinstance(title, dict) else title
        if title:
            item["title"] = title
    links = entry.children.get("link") or []
    if links:
        alternate = next((ln.attrs.get("href") for ln in links if ln.attrs.get("rel") == "alternate"), None)
        item["link"] = alternate or links[0].attrs.get("href")
    for key in ("published", "updated"):
        if "pubDate" not in item and entry.children.get(key) and entry.children[key][0].text:
            item["pubDate"] = iso(entry.children[key][0].text)
    author = entry.children.get("author")
    if author and author[0].children.get("name"):
        item["author"] = author[0].children["name"][0].text
    if entry.children.get("content"):
        item["content"] = _content(entry.children["content"][0])
        item["contentSnippet"] = snippet(item["content"])
    if entry.children.get("summary"):
        item["summary"] = _content(entry.children["summary"][0])
    if entry.children.get("id"):
        item["id"] = entry.children["id"][0].value()
    _set_iso(item)
    return item


def fetch_feed(ctx: NodeContext, url: str, i: int, accept: bool, custom: list[str]) -> list[dict[str, Any]]:
    headers = {"User-Agent": "rss-parser", "Accept": ACCEPT if accept else "application/rss+xml"}
    try:
        response = _http.request(ctx, "GET", url, item_index=i, headers=headers, follow_redirects=True)
    except NodeApiError as exc:
        if exc.http_code == "ECONNREFUSED":
            raise ctx.error(f'It was not possible to connect to the URL. Please make sure the URL "{url}" it is '
                            "valid!", i) from None
        raise ctx.error(f"Status code {exc.http_code}", i) from None
    try:
        return parse_feed(response.content, custom)
    except ET.ParseError as exc:
        raise ctx.error(str(exc), i) from None


def _valid_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s/$.?#].[^\s]*$", url, re.I))


@register("n8n-nodes-base.rssFeedRead", versions=(1, 1.1, 1.2), display_name="RSS Read")
@register("n8n-nodes-base.rssFeedReadTool", versions=(1.2,), display_name="RSS Read Tool")
def rss_feed_read(ctx: NodeContext) -> NodeOutput:
    version = ctx.node.type_version
    items = ctx.input(0)
    count = len(items) if version >= 1.1 else (1 if items else 0)

    def read(i: int, _item: Item) -> list[Item]:
        url = str(ctx.param("url", i, "") or "")
        options = ctx.param("options", i, {}) or {}
        if not url:
            raise ctx.error('The parameter "URL" has to be set!', i)
        if not _valid_url(url):
            raise ctx.error('The provided "URL" is not valid!', i)
        custom = [f.strip() for f in str(options.get("customFields") or "").split(",") if f.strip()]
        feed = fetch_feed(ctx, url, i, version >= 1.2, custom)
        paired: Any = {"item": i} if version >= 1.1 else [{"item": k} for k in range(len(items))]
        return [{"json": entry, "pairedItem": paired} for entry in feed]

    return [per_item(ctx, read, items=items[:count], error_index="never", ready=True)]


@register("n8n-nodes-base.rssFeedReadTrigger", versions=(1,), trigger=True, inputs=0,
          display_name="RSS Feed Trigger")
def rss_feed_read_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


@poller("n8n-nodes-base.rssFeedReadTrigger")
def poll_rss(ctx: NodeContext) -> list[Item] | None:
    """Items newer than the newest seen (manual mode: the first item)."""
    static = node_static(ctx)
    url = str(ctx.param("feedUrl", 0, "") or "")
    if not url:
        raise ctx.error('The parameter "URL" has to be set!')
    since = static.get("lastItemDate") or static.get("lastTimeChecked") or iso(datetime.now(UTC).isoformat())
    feed = fetch_feed(ctx, url, 0, False, [])
    if ctx.state.mode == "manual":
        return [{"json": feed[0]}] if feed else []
    threshold = iso(since) or since
    fresh = [entry for entry in feed if entry.get("isoDate") and entry["isoDate"] > threshold]
    if feed:
        static["lastItemDate"] = max((e.get("isoDate") or "" for e in feed), default=None) or static.get("lastItemDate")
    return [{"json": entry} for entry in fresh] or None
