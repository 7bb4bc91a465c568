"""QuickChart (n8n-nodes-base.quickChart v1): a chart image from the items, as binary data.

One ``GET https://quickchart.io/chart`` (configured ``quickChart`` base URL, else
``https://quickchart.io``) per execution, no credential, with query ``chart`` (the Chart.js config
as compact JSON) followed by the set chart options (backgroundColor, devicePixelRatio, format,
height, horizontal, width). Labels come from the fixed collection or from a JSON array / an
expression giving an array (item 0); every input item adds one dataset (``label`` defaulting to
``Chart``, ``data``, colours, ``type``, ``fill``, ``pointStyle``/``itemStyle``); the chart type is
that of the last item and ``horizontal`` turns bar/boxplot/violin into their horizontal variants.
The output is a single item ``{json: {chart}, binary: {<output>: image}}`` whose MIME type is the
answer's Content-Type. Parameters get n8n's defaults and display rules (getNodeParameters) from the
property list below. A failed request fails the node with the HTTP client's message, as n8n's
``httpRequest`` does (the node has no continueOnFail handling of its own).
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_stringify
from automatelanka.engine.nodes._http import base_url, request
from automatelanka.engine.nodes._rest import query_pairs
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string, truthy

DEFAULT_BASE = "https://quickchart.io"
HORIZONTAL_CHARTS = ("bar", "boxplot", "violin")
ITEM_STYLE_CHARTS = ("boxplot", "horizontalBoxplot", "violin", "horizontalViolin")
LABELS_ERROR = "Labels Array is not a valid array, use valid JSON format, or specify it by expressions"

_LINE_ONLY = {"show": {"/chartType": ["line"]}}
#: QuickChart.node.js properties, reduced to what parameter resolution needs.
PROPERTIES: list[dict[str, Any]] = [
    {"name": "chartType", "type": "options", "default": "bar"},
    {"name": "labelsMode", "type": "options", "default": "manually"},
    {"name": "labelsUi", "type": "fixedCollection", "default": {}, "typeOptions": {"multipleValues": True},
     "displayOptions": {"show": {"labelsMode": ["manually"]}},
     "options": [{"name": "labelsValues", "values": [{"name": "label", "type": "string", "default": ""}]}]},
    {"name": "labelsArray", "type": "string", "default": "", "displayOptions": {"show": {"labelsMode": ["array"]}}},
    {"name": "data", "type": "json", "default": ""},
    {"name": "output", "type": "string", "default": "data"},
    {"name": "chartOptions", "type": "collection", "default": {}, "options": [
        {"name": "backgroundColor", "type": "color", "default": ""},
        {"name": "devicePixelRatio", "type": "number", "default": 2},
        {"name": "format", "type": "options", "default": "png"},
        {"name": "height", "type": "number", "default": 300},
        {"name": "horizontal", "type": "boolean", "default": False,
         "displayOptions": {"show": {"/chartType": list(HORIZONTAL_CHARTS)}}},
        {"name": "width", "type": "number", "default": 500},
    ]},
    {"name": "datasetOptions", "type": "collection", "default": {}, "options": [
        {"name": "backgroundColor", "type": "color", "default": ""},
        {"name": "borderColor", "type": "color", "default": ""},
        {"name": "fill", "type": "boolean", "default": True, "displayOptions": _LINE_ONLY},
        {"name": "label", "type": "string", "default": ""},
        {"name": "pointStyle", "type": "options", "default": "circle", "displayOptions": _LINE_ONLY},
    ]},
]


def _fill_parameters(ctx: NodeContext) -> None:
    """n8n's getNodeParameters for this node: defaults filled, hidden parameters dropped."""
    from automatelanka.engine.params import resolve_parameters
    from automatelanka.engine.schemas import PropList

    cache = _fill_parameters.__dict__.setdefault("props", [])
    if not cache:
        cache.append(PropList(PROPERTIES, top=True))
    ctx.parameters = resolve_parameters(cache[0], ctx.node.parameters, ctx.node.type_version or 1)


def _json_parse(text: str) -> Any:
    """``JSON.parse`` (no NaN/Infinity), raising the node's labels error when invalid."""
    def reject(_name: str) -> Any:
        raise ValueError

    try:
        return json.loads(text, parse_constant=reject)
    except ValueError:
        raise NodeError(LABELS_ERROR) from None


def _labels(ctx: NodeContext) -> list[Any]:
    if ctx.param("labelsMode", 0) == "manually":
        labels: list[Any] = []
        for row in ctx.param("labelsUi.labelsValues", 0, []) or []:
            label = row.get("label") if isinstance(row, dict) else None
            if isinstance(label, list):
                labels.extend(label)
            else:
                labels.append(label)
        return labels
    value = ctx.param("labelsArray", 0, "")
    if isinstance(value, list):
        return list(value)
    parsed = _json_parse(value if isinstance(value, str) else to_js_string(value))
    if not isinstance(parsed, list):
        raise NodeError(LABELS_ERROR)
    return parsed


def _dataset(ctx: NodeContext, i: int) -> tuple[str, dict[str, Any]]:
    """(chart type, dataset) for item ``i``; absent options stay absent (JSON drops undefined)."""
    data = ctx.param("data", i)
    options = ctx.param("datasetOptions", i, {}) or {}
    chart_type = ctx.param("chartType", i)
    if chart_type in HORIZONTAL_CHARTS and truthy(ctx.param("chartOptions.horizontal", i, False)):
        chart_type = "horizontal" + chart_type[0].upper() + chart_type[1:]
    label = options.get("label")
    dataset: dict[str, Any] = {"label": label if truthy(label) else "Chart", "data": data}
    for key in ("backgroundColor", "borderColor"):
        if key in options:
            dataset[key] = options[key]
    dataset["type"] = chart_type
    if "fill" in options:
        dataset["fill"] = options["fill"]
    if "pointStyle" in options:
        dataset["itemStyle" if chart_type in ITEM_STYLE_CHARTS else "pointStyle"] = options["pointStyle"]
    return chart_type, dataset


def _fetch(ctx: NodeContext, qs: dict[str, Any]) -> Any:
    """The chart request; failures carry axios' message, as n8n's plain ``httpRequest`` throws them."""
    url = base_url(ctx, "quickChart", DEFAULT_BASE) + "/chart"
    try:
        return request(ctx, "GET", url, params=query_pairs(qs))
    except NodeApiError as exc:
        code = exc.http_code or ""
        reason = exc.context.get("reason") or {}
        message = f"Request failed with status code {code}" if code.isdigit() else reason.get("message")
        error = NodeError(message or exc.message)
        error.name = "AxiosError"  # what the run data shows for an error n8n does not wrap
        raise error from None


@register("n8n-nodes-base.quickChart", versions=(1,), display_name="QuickChart")
@register("n8n-nodes-base.quickChartTool", versions=(1,), display_name="QuickChart Tool")
def quick_chart(ctx: NodeContext) -> NodeOutput:
    _fill_parameters(ctx)
    labels = _labels(ctx)
    chart_type: Any = ""
    datasets: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        chart_type, dataset = _dataset(ctx, i)
        datasets.append(dataset)
    output = ctx.param("output", 0)
    chart_options = ctx.param("chartOptions", 0, {}) or {}
    chart = {"type": chart_type, "data": {"labels": labels, "datasets": datasets}}
    qs = {"chart": js_stringify(chart), **chart_options}
    response = _fetch(ctx, qs)
    content_type = response.headers.get("content-type")
    mime = next((part for part in content_type.split(";") if "/" in part), None) if content_type else None
    entry = binary.prepare_binary(response.content, None, mime)
    return [[{"binary": {to_js_string(output): entry}, "json": {"chart": chart}}]]
