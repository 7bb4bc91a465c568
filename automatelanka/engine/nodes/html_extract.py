"""HTML Extract (legacy n8n-nodes-base.htmlExtract v1): CSS-selector extraction.

Shares the HTML node's parsing; differences from HTML v1: text of an empty selection is ``""``,
values are trimmed unless ``trimValues`` is false, the source property is a lodash path.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._util_common import lodash_get
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.html import CHEERIO_FORMATTER, _extract, _soup

_ABSENT: Any = object()


def _value(tags: list[Any], spec: dict[str, Any], options: dict[str, Any]) -> Any:
    kind = spec.get("returnValue", "text")
    if kind == "text":
        value: Any = "".join(t.get_text() for t in tags)
    elif kind == "html":  # cheerio escapes &, < and > in text
        value = (tags[0].decode_contents(formatter=CHEERIO_FORMATTER) or None) if tags else None
    else:
        value = _extract(tags, spec, 1)
    if options.get("trimValues") is False or not isinstance(value, str):
        return value
    return value.strip()


def _extract_item(ctx: NodeContext, i: int, item: Item) -> list[Item]:
    prop = str(ctx.param("dataPropertyName", i, "data"))
    values = (ctx.param("extractionValues", i, {}) or {}).get("values") or []
    options = ctx.param("options", i, {}) or {}
    if ctx.param("sourceData", i, "json") == "json":
        data = lodash_get(item["json"], prop, _ABSENT)
        if data is _ABSENT:
            raise NodeError(f'No property named "{prop}" exists!', item_index=i)
    else:
        data = binary_bytes(assert_binary(item, prop, i)).decode("utf-8", errors="replace")
    out: list[Item] = []
    for html in data if isinstance(data, list) else [data]:
        soup = _soup(html)
        body: dict[str, Any] = {}
        for spec in values:
            key = str(spec.get("key", ""))
            selector = str(spec.get("cssSelector", ""))
            tags = soup.select(selector) if selector else []
            if spec.get("returnArray"):
                body[key] = [_value([t], spec, options) for t in tags]
            else:
                value = _value(tags, spec, options)
                if value is None:
                    body.pop(key, None)
                else:
                    body[key] = value
        out.append({"json": body, "pairedItem": {"item": i}})
    return out


@register("n8n-nodes-base.htmlExtract", versions=(1,), display_name="HTML Extract")
def html_extract(ctx: NodeContext) -> NodeOutput:
    return [per_item(ctx, lambda i, item: _extract_item(ctx, i, item), error_index="always", ready=True)]
