"""Google Analytics (n8n-nodes-base.googleAnalytics v1, v2): reports and user activity.

Auth: the ``googleAnalyticsOAuth2`` credential (bearer access token, one refresh on 401), the only
credential n8n's node accepts (no service account).

- v2 ``report/get`` with ``propertyType`` ``ga4`` (default): POST
  ``<analyticsdata>/v1beta/properties/{id}:runReport`` with ``dateRanges`` from ``dateRange``
  (presets computed in the workflow's timezone, or ``custom`` start/end), ``metricsGA4``,
  ``dimensionsGA4`` and the additional fields (currency, dimension/metric filters, aggregations,
  keepEmptyRows, orderBys, returnPropertyQuota). ``returnAll`` pages with ``limit=100000&offset``
  until ``rowCount`` rows are read; else ``body.limit``. ``simple`` flattens rows to
  ``{dimension: value, metric: value}`` items.
- v2 ``report/get`` with ``propertyType`` ``universal`` and v1 ``report/get``: POST
  ``<analyticsreporting>/v4/reports:batchGet`` (``pageToken`` paging under returnAll), simplified
  or raw (merged across pages) reports.
- v1/v2 ``userActivity/search``: POST ``<analyticsreporting>/v4/userActivity:search``, one item per
  session.

Base URLs: configured ``analyticsdata`` / ``analyticsreporting`` keys, else the ``google`` key, else
https://analyticsdata.googleapis.com and https://analyticsreporting.googleapis.com. API errors carry
Google's ``error.message`` (first line; the rest is the description) and ``error.code`` as n8n's
transport does. Anything else fails with "not supported yet".
"""

from __future__ import annotations

import calendar
import copy
import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.luxon_format import UTC_ZONE, LDateTime, normalize_zone
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Google Analytics"
CREDENTIAL = "googleAnalyticsOAuth2"
_DEFAULTS = {"analyticsdata": "https://analyticsdata.googleapis.com",
             "analyticsreporting": "https://analyticsreporting.googleapis.com"}
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


# -- transport ----------------------------------------------------------------------------------

def _base(ctx: NodeContext, api: str) -> str:
    urls = ctx.state.services.base_urls
    return str(urls.get(api) or urls.get("google") or _DEFAULTS[api]).rstrip("/")


class _Client:
    """``googleApiRequest`` of the node: OAuth2 JSON requests and n8n's error rewriting."""

    def __init__(self, ctx: NodeContext, api: str, version: float) -> None:
        self.api = Api(ctx, _base(ctx, api), CREDENTIAL, headers=_HEADERS)
        self.version = version

    def call(self, path: str, i: int, body: dict[str, Any], qs: dict[str, Any] | None = None) -> Any:
        try:
            return self.api.call("POST", path, i, body=body or None, qs=qs or None)
        except NodeApiError as exc:
            raise _google_error(exc, self.version) from None


def _google_error(exc: NodeApiError, version: float) -> NodeApiError:
    """n8n's rewrite: Google's ``error.message`` (first line) / rest as description / ``error.code``."""
    body = exc.context.get("errorResponse")
    reason = exc.context.get("reason") or {}
    if "status" not in reason:  # no HTTP answer (connection errors): kept as they are
        return exc
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str) and message:
        first, *rest = message.split("\n")
        code = error.get("code")
        return NodeApiError(first, description="\n".join(rest) or None, item_index=exc.item_index,
                            http_code=str(code) if code is not None else exc.http_code, context=exc.context)
    if version >= 2:
        text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        return NodeApiError(f"{reason['status']} - {text}", item_index=exc.item_index, http_code=exc.http_code,
                            context=exc.context)
    return exc


# -- dates --------------------------------------------------------------------------------------

def _today(ctx: NodeContext) -> date:
    """Today in the workflow's timezone (luxon's default zone during an n8n execution)."""
    try:
        zone = ZoneInfo(ctx.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def _minus_months(day: date, months: int) -> date:
    """Luxon's ``minus({months})``: the same day of month, clamped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _from_iso(ctx: NodeContext, value: Any) -> LDateTime | None:
    """Luxon ``DateTime.fromISO(value)`` in the workflow zone (``None`` when invalid)."""
    text = value.to_iso() if hasattr(value, "to_iso") else str(value or "")
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    zone = normalize_zone(ctx.timezone or "UTC") or UTC_ZONE
    if parsed.tzinfo is not None:
        return LDateTime(parsed.timestamp() * 1000, zone)
    return LDateTime.from_wall(zone, parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute,
                               parsed.second, parsed.microsecond // 1000)


def _iso_day(value: LDateTime | None) -> str | None:
    return None if value is None else f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _date_range(ctx: NodeContext, period: str, i: int) -> list[dict[str, Any]]:
    """``prepareDateRange`` of the v2 node."""
    today = _today(ctx)
    if period == "today":
        start, end = today, today
    elif period == "yesterday":
        start = end = today - timedelta(days=1)
    elif period == "lastCalendarWeek":
        monday = today - timedelta(days=today.weekday())
        start, end = monday - timedelta(weeks=1), monday - timedelta(days=1)
    elif period == "lastCalendarMonth":
        last_day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        start, end = _minus_months(today.replace(day=1), 1), _minus_months(last_day, 1)
    elif period == "last7days":
        start, end = today - timedelta(days=7), today
    elif period == "last30days":
        start, end = today - timedelta(days=30), today
    elif period == "custom":
        first, last = _from_iso(ctx, ctx.param("startDate", i, "")), _from_iso(ctx, ctx.param("endDate", i, ""))
        if first is not None and last is not None and first.ts > last.ts:
            raise NodeError(f"Parameter Start: {first.to_iso()} cannot be after End: {last.to_iso()}", item_index=i)
        return [{"startDate": _iso_day(first), "endDate": _iso_day(last)}]
    else:
        raise NodeError(f"The period '{period}' is not supported, to specify own period use 'custom' option",
                        item_index=i)
    return [{"startDate": start.isoformat(), "endDate": end.isoformat()}]


# -- GA4 ----------------------------------------------------------------------------------------

def _check_duplicates(rows: list[dict[str, Any]], key: str, kind: str, i: int) -> None:
    names = [row.get(key) for row in rows]
    duplicates = list(dict.fromkeys(n for k, n in enumerate(names) if names.index(n) != k))
    if duplicates:
        raise NodeError(f"A {kind} is specified more than once ({', '.join(str(d) for d in duplicates)})",
                        item_index=i)


def _ga4_metric(entry: dict[str, Any]) -> dict[str, Any]:
    kind = entry.get("listName", "totalUsers")
    if kind == "other":
        return {"name": entry.get("name", "totalUsers")}
    if kind == "custom":
        metric = {"name": entry.get("name", "custom_metric"), "expression": entry.get("expression", ""),
                  "invisible": entry.get("invisible", False)}
        if metric["invisible"] is False:
            del metric["invisible"]
        if metric["expression"] == "":
            del metric["expression"]
        return metric
    return {"name": kind}


def _dimension(entry: dict[str, Any], default: str) -> dict[str, Any]:
    kind = entry.get("listName", default)
    return {"name": entry.get("name", default)} if kind == "other" else {"name": kind}


def _process_filters(expression: dict[str, Any], default: str) -> list[dict[str, Any]]:
    """``processFilters``: the UI's filter rows as GA4 ``FilterExpression`` list entries."""
    out: list[dict[str, Any]] = []
    for filter_type, filters in expression.items():
        for raw in filters or []:
            flt = dict(raw)
            kind = flt.pop("listName", default)
            field = flt.pop("name", default) if kind in ("other", "custom") else kind
            if kind not in ("other", "custom"):
                flt.pop("name", None)
            if filter_type == "inListFilter":
                flt["values"] = str(flt.get("values", "")).split(",")
            if filter_type == "numericFilter":
                flt["value"] = {flt.pop("valueType", "doubleValue"): flt.get("value")}
            if filter_type == "betweenFilter":
                value_type = flt.pop("valueType", "doubleValue")
                flt["fromValue"] = {value_type: flt.get("fromValue")}
                flt["toValue"] = {value_type: flt.get("toValue")}
            out.append({"filter": {"fieldName": field, filter_type: flt}})
    return out


def _filter_field(ui: Any, default: str) -> dict[str, Any] | None:
    expressions = (ui or {}).get("filterExpressions") if isinstance(ui, dict) else None
    if not isinstance(expressions, dict):
        return None
    expression = expressions.get("expression")
    if not expression:
        return None
    kind = expressions.get("filterExpressionType", "andGroup")
    return {kind: {"expressions": _process_filters(copy.deepcopy(expression), default)}}


def _order_bys(ui: dict[str, Any]) -> list[dict[str, Any]]:
    orders = [{"desc": o.get("desc", False), "metric": {"metricName": o.get("metricName", "")}}
              for o in ui.get("metricOrderBy") or []]
    orders += [{"desc": o.get("desc", False),
                "dimension": {"dimensionName": o.get("dimensionName", ""),
                              "orderType": o.get("orderType", "ORDER_TYPE_UNSPECIFIED")}}
               for o in ui.get("dimmensionOrderBy") or []]
    return orders


def _ga4_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    body: dict[str, Any] = {"dateRanges": _date_range(ctx, ctx.param("dateRange", i, "last7days"), i)}
    metrics_ui = ctx.param("metricsGA4", i, {"metricValues": [{"listName": "totalUsers"}]}) or {}
    if metrics_ui.get("metricValues"):
        metrics = [_ga4_metric(m or {}) for m in metrics_ui["metricValues"]]
        _check_duplicates(metrics, "name", "metrics", i)
        body["metrics"] = metrics
    dimensions_ui = ctx.param("dimensionsGA4", i, {"dimensionValues": [{"listName": "date"}]}) or {}
    if dimensions_ui.get("dimensionValues"):
        dimensions = [_dimension(d or {}, "date") for d in dimensions_ui["dimensionValues"]]
        _check_duplicates(dimensions, "name", "dimensions", i)
        body["dimensions"] = dimensions
    fields = ctx.param("additionalFields", i, {}) or {}
    if fields.get("currencyCode"):
        body["currencyCode"] = fields["currencyCode"]
    if fields.get("dimensionFiltersUI"):
        found = _filter_field(fields["dimensionFiltersUI"], "date")
        if found:
            body["dimensionFilter"] = found
    if fields.get("metricsFiltersUI"):
        found = _filter_field(fields["metricsFiltersUI"], "totalUsers")
        if found:
            body["metricFilter"] = found
    if fields.get("metricAggregations"):
        body["metricAggregations"] = fields["metricAggregations"]
    if fields.get("keepEmptyRows"):
        body["keepEmptyRows"] = fields["keepEmptyRows"]
    if fields.get("orderByUI"):
        body["orderBys"] = _order_bys(fields["orderByUI"])
    if fields.get("returnPropertyQuota"):
        body["returnPropertyQuota"] = fields["returnPropertyQuota"]
    return body


def _simplify_ga4(response: dict[str, Any]) -> list[dict[str, Any]]:
    rows = response.get("rows")
    if not rows:
        return []
    dimensions = [h.get("name") for h in response.get("dimensionHeaders") or []]
    metrics = [h.get("name") for h in response.get("metricHeaders") or []]
    out: list[dict[str, Any]] = []
    for row in rows:
        if not row:
            continue
        flat = {name: row["dimensionValues"][k].get("value") for k, name in enumerate(dimensions)}
        for k, name in enumerate(metrics):
            flat[name] = row["metricValues"][k].get("value")
        out.append(flat)
    return out


def _concat(rows: list[Any], more: Any) -> list[Any]:
    """JS ``rows.concat(more)`` (a missing page adds one ``undefined``)."""
    return rows + more if isinstance(more, list) else [*rows, more]


def _get_ga4(ctx: NodeContext, i: int) -> Any:
    property_id = resource_value(ctx.param("propertyId", i, ""))
    return_all = ctx.param("returnAll", 0, False)
    simple = ctx.param("simple", i, True)
    body = _ga4_body(ctx, i)
    client = _Client(ctx, "analyticsdata", 2)
    path = f"/v1beta/properties/{property_id}:runReport"
    if return_all:
        qs: dict[str, Any] = {"limit": 100000, "offset": 0}
        page = client.call(path, i, body, qs) or {}
        rows = _concat([], page.get("rows"))
        while isinstance(page.get("rowCount"), int | float) and page["rowCount"] > len(rows):
            qs["offset"] = len(rows)
            page = client.call(path, i, body, qs) or {}
            rows = _concat(rows, page.get("rows"))
        page["rows"] = rows
        responses = [page]
    else:
        body["limit"] = ctx.param("limit", 0, 50)
        responses = [client.call(path, i, body)]
    if responses and simple:
        return _simplify_ga4(responses[0] or {})
    return responses


# -- Universal Analytics (reporting v4) ---------------------------------------------------------

def _all_reports(client: _Client, path: str, i: int, body: dict[str, Any], qs: dict[str, Any], prop: str) -> list:
    """``googleApiRequestAllItems`` for the reporting v4 API (``nextPageToken`` paging)."""
    out: list[Any] = []
    while True:
        page = client.call(path, i, body, qs) or {}
        batch = page.get(prop) or []
        first_token = batch[0].get("nextPageToken") if batch and isinstance(batch[0], dict) else None
        if isinstance(body.get("reportRequests"), list):
            body["reportRequests"][0]["pageToken"] = first_token
        else:
            body["pageToken"] = page.get("nextPageToken")
        out.extend(batch)
        if page.get("nextPageToken") not in (None, "") or first_token is not None:
            continue
        return out


def _simplify(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``simplify``: report rows as ``{dimension: value, metric alias: value}``."""
    out: list[dict[str, Any]] = []
    for report in reports:
        header = report.get("columnHeader") or {}
        rows = (report.get("data") or {}).get("rows")
        if rows is None:
            continue
        dimensions = header.get("dimensions")
        metrics = [e.get("name") for e in (header.get("metricHeader") or {}).get("metricHeaderEntries") or []]
        for row in rows:
            flat: dict[str, Any] = {}
            for k, name in enumerate(dimensions or []):
                flat[name] = row["dimensions"][k]
            for k, name in enumerate(metrics):
                flat[name] = row["metrics"][0]["values"][k]
            out.append(flat)
    return out


def _merge(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    data = reports[0].get("data") or {}
    rows: list[Any] = []
    for report in reports:
        rows.extend((report.get("data") or {}).get("rows") or [])
    data["rows"] = rows
    return [{"columnHeader": reports[0].get("columnHeader"), "data": data}]


def _run_reports(ctx: NodeContext, i: int, body: dict[str, Any], qs: dict[str, Any], version: float,
                 page_size: bool) -> Any:
    client = _Client(ctx, "analyticsreporting", version)
    return_all = ctx.param("returnAll", 0, False)
    path = "/v4/reports:batchGet"
    if return_all:
        reports = _all_reports(client, path, i, {"reportRequests": [body]}, qs, "reports")
    else:
        if page_size:
            body["pageSize"] = ctx.param("limit", 0, 50)
        reports = (client.call(path, i, {"reportRequests": [body]}, qs) or {}).get("reports")
    if ctx.param("simple", i, True):
        return _simplify(reports or [])
    if return_all and len(reports) > 1:
        return _merge(reports)
    return reports


def _dimension_filters(fields: dict[str, Any], named: bool) -> dict[str, Any] | None:
    filters = (fields.get("dimensionFiltersUi") or {}).get("filterValues")
    if not filters:
        return None
    out = []
    for raw in filters:
        flt = dict(raw)
        flt["expressions"] = [flt.get("expressions", "")]
        if named:
            kind = flt.pop("listName", "ga:date")
            flt["dimensionName"] = flt.pop("name", "ga:date") if kind == "other" else kind
        out.append(flt)
    return {"filters": out}


def _flags(body: dict[str, Any], fields: dict[str, Any]) -> None:
    if fields.get("includeEmptyRows"):
        body["includeEmptyRows"] = fields["includeEmptyRows"]
    if fields.get("hideTotals"):
        body["hideTotals"] = fields["hideTotals"]
    if fields.get("hideValueRanges"):  # n8n copies hideTotals here
        body["hideTotals"] = fields.get("hideTotals")


def _ua_metric(entry: dict[str, Any]) -> dict[str, Any]:
    kind = entry.get("listName", "ga:users")
    if kind == "other":
        return {"alias": entry.get("name", "ga:users"), "expression": entry.get("name", "ga:users")}
    if kind == "custom":
        return {"alias": entry.get("name", "custom_metric"), "expression": entry.get("expression", ""),
                "formattingType": entry.get("formattingType", "INTEGER")}
    return {"alias": kind, "expression": kind}


def _get_universal(ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"viewId": resource_value(ctx.param("viewId", i, "")),
                            "dateRanges": _date_range(ctx, ctx.param("dateRange", i, "last7days"), i)}
    metrics_ui = ctx.param("metricsUA", i, {"metricValues": [{"listName": "ga:users"}]}) or {}
    if metrics_ui.get("metricValues"):
        metrics = [_ua_metric(m or {}) for m in metrics_ui["metricValues"]]
        _check_duplicates(metrics, "alias", "metrics", i)
        body["metrics"] = metrics
    dimensions_ui = ctx.param("dimensionsUA", i, {"dimensionValues": [{"listName": "ga:date"}]}) or {}
    if dimensions_ui.get("dimensionValues"):
        dimensions = [_dimension(d or {}, "ga:date") for d in dimensions_ui["dimensionValues"]]
        _check_duplicates(dimensions, "name", "dimensions", i)
        body["dimensions"] = dimensions
    fields = ctx.param("additionalFields", i, {}) or {}
    qs = {"useResourceQuotas": fields["useResourceQuotas"]} if fields.get("useResourceQuotas") else {}
    filters = _dimension_filters(fields, named=True)
    if filters:
        body["dimensionFilterClauses"] = filters
    _flags(body, fields)
    return _run_reports(ctx, i, body, qs, 2, page_size=True)


def _get_v1(ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"viewId": ctx.param("viewId", i, "")}
    fields = ctx.param("additionalFields", i, {}) or {}
    qs = {"useResourceQuotas": fields["useResourceQuotas"]} if fields.get("useResourceQuotas") else {}
    ranges = (fields.get("dateRangesUi") or {}).get("dateRanges")
    if ranges:
        body["dateRanges"] = [{"startDate": _utc_date(ranges.get("startDate", "")),
                               "endDate": _utc_date(ranges.get("endDate", ""))}]
    if fields.get("metricsUi"):
        body["metrics"] = fields["metricsUi"].get("metricValues")
    dimensions = (fields.get("dimensionUi") or {}).get("dimensionValues")
    if dimensions:
        body["dimensions"] = dimensions
    filters = _dimension_filters(fields, named=False)
    if filters:
        body["dimensionFilterClauses"] = filters
    _flags(body, fields)
    return _run_reports(ctx, i, body, qs, 1, page_size=False)


def _utc_date(value: Any) -> str:
    """``moment(value).utc().format('YYYY-MM-DD')`` (moment's "Invalid date" otherwise)."""
    text = value.to_iso() if hasattr(value, "to_iso") else str(value or "")
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return "Invalid date"
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo("UTC"))
    return parsed.date().isoformat()


def _search_user_activity(version: float):
    def run(ctx: NodeContext, i: int) -> Any:
        body: dict[str, Any] = {"viewId": resource_value(ctx.param("viewId", i, "")),
                                "user": {"userId": ctx.param("userId", i, "")}}
        fields = ctx.param("additionalFields", i, {}) or {}
        if fields.get("activityTypes"):
            body["activityTypes"] = fields["activityTypes"]
        client = _Client(ctx, "analyticsreporting", version)
        path = "/v4/userActivity:search"
        if ctx.param("returnAll", 0, False):
            return _all_reports(client, path, i, body, {}, "sessions")
        body["pageSize"] = ctx.param("limit", 0, 100)
        return (client.call(path, i, body) or {}).get("sessions")
    return run


@register("n8n-nodes-base.googleAnalytics", versions=(1, 2), display_name=DISPLAY)
@register("n8n-nodes-base.googleAnalyticsTool", versions=(1, 2), display_name=DISPLAY)
def google_analytics(ctx: NodeContext) -> NodeOutput:
    version = float(ctx.node.type_version or 2)
    resource = ctx.param("resource", 0, "report")
    operation = ctx.param("operation", 0, "get" if resource == "report" else "search")
    handler = None
    if resource == "report" and operation == "get":
        if version >= 2:
            handler = _get_ga4 if ctx.param("propertyType", 0, "ga4") == "ga4" else _get_universal
        else:
            handler = _get_v1
    elif resource == "userActivity" and operation == "search":
        handler = _search_user_activity(version)
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    return [per_item(ctx, lambda i, _item: handler(ctx, i))]
