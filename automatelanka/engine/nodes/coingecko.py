"""CoinGecko (n8n-nodes-base.coinGecko v1, and its Tool variant): the public API v3, no credential.

Base: configured ``coinGecko`` base URL, else https://api.coingecko.com/api/v3. Supported: coin
get (by coin id or contract address), getAll, market, price (coin id or contract addresses), ticker,
history, marketChart and candlestick; event getAll. Paged lists (market, ticker, event with
returnAll) ask for 250 per page from page 1 until a page comes back empty, as n8n does.

As in n8n, one query object is shared by all items of a run (options of an earlier item stay in
later requests), and under continue-on-fail a failed item is ``{json: {}, error}`` without pairing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "CoinGecko"
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def _iso_ms(ms: Any) -> str:
    """``moment(ms).toISOString()``."""
    return datetime.fromtimestamp(float(ms) / 1000, ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _join(values: Any) -> str:
    """``array.join(',')`` (a plain string is kept)."""
    if isinstance(values, list):
        return ",".join("" if v is None else str(v) for v in values)
    return "" if values is None else str(values)


def _all_items(api: Api, i: int, prop: str, path: str, qs: dict[str, Any]) -> list[Any]:
    """n8n's coinGeckoRequestAllItems: 250 per page from page 1 until an empty page."""
    rows: list[Any] = []
    qs["per_page"] = 250
    qs["page"] = 1
    while True:
        data = api.call("GET", path, i, qs=qs)
        qs["page"] += 1
        page = data.get(prop) if prop and isinstance(data, dict) else data
        page = page or []
        rows.extend(page)
        if len(page) == 0:
            return rows


def _coin_get(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    options = ctx.param("options", i, {}) or {}
    qs.update({"community_data": False, "developer_data": False, "localization": False, "market_data": False,
               "sparkline": False, "tickers": False})
    qs.update(options)
    search_by = ctx.param("searchBy", i, "coinId")
    if search_by == "coinId":
        return api.call("GET", f"/coins/{ctx.param('coinId', i, '')}", i, qs=qs)
    if search_by == "contractAddress":
        return api.call("GET", f"/coins/{ctx.param('platformId', i, 'ethereum')}/contract/"
                               f"{ctx.param('contractAddress', i, '')}", i, qs=qs)
    return None


def _coin_get_all(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    rows = api.call("GET", "/coins/list", i, qs=qs)
    if not ctx.param("returnAll", i, False):
        rows = rows[: int(ctx.param("limit", i, 100))]
    return rows


def _coin_market(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    return_all = ctx.param("returnAll", i, False)
    options = ctx.param("options", i, {}) or {}
    qs["vs_currency"] = ctx.param("baseCurrency", i, "")
    qs.update(options)
    if options.get("price_change_percentage") or isinstance(options.get("price_change_percentage"), list):
        qs["price_change_percentage"] = _join(options["price_change_percentage"])
    if return_all:
        return _all_items(api, i, "", "/coins/markets", qs)
    qs["per_page"] = ctx.param("limit", i, 100)
    return api.call("GET", "/coins/markets", i, qs=qs)


def _coin_price(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    search_by = ctx.param("searchBy", i, "coinId")
    qs["vs_currencies"] = _join(ctx.param("quoteCurrencies", i, []))
    qs.update(ctx.param("options", i, {}) or {})
    if search_by == "coinId":
        qs["ids"] = _join(ctx.param("baseCurrencies", i, []))
        return api.call("GET", "/simple/price", i, qs=qs)
    if search_by == "contractAddress":
        qs["contract_addresses"] = ctx.param("contractAddresses", i, "")
        return api.call("GET", f"/simple/token_price/{ctx.param('platformId', i, 'ethereum')}", i, qs=qs)
    return None


def _coin_ticker(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    return_all = ctx.param("returnAll", i, False)
    coin_id = ctx.param("coinId", i, "")
    options = ctx.param("options", i, {}) or {}
    qs.update(options)
    if options.get("exchange_ids") or isinstance(options.get("exchange_ids"), list):
        qs["exchange_ids"] = _join(options["exchange_ids"])
    if return_all:
        return _all_items(api, i, "tickers", f"/coins/{coin_id}/tickers", qs)
    limit = int(ctx.param("limit", i, 100))
    data = api.call("GET", f"/coins/{coin_id}/tickers", i, qs=qs)
    return (data.get("tickers") or [])[:limit]


def _moment_date(ctx: NodeContext, value: Any, i: int) -> str:
    """``moment(date).format('DD-MM-YYYY')`` (an offset is converted to the workflow's zone)."""
    text = str(value or "").strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(f"Invalid date: {text!r}", item_index=i) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo(ctx.timezone))
    return parsed.strftime("%d-%m-%Y")


def _coin_history(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    coin_id = ctx.param("coinId", i, "")
    date = ctx.param("date", i, "")
    qs.update(ctx.param("options", i, {}) or {})
    qs["date"] = _moment_date(ctx, date, i)
    return api.call("GET", f"/coins/{coin_id}/history", i, qs=qs)


def _coin_market_chart(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    search_by = ctx.param("searchBy", i, "coinId")
    qs["vs_currency"] = ctx.param("quoteCurrency", i, "")
    qs["days"] = ctx.param("days", i, "")
    data: Any = None
    if search_by == "coinId":
        data = api.call("GET", f"/coins/{ctx.param('baseCurrency', i, '')}/market_chart", i, qs=qs)
    elif search_by == "contractAddress":
        data = api.call("GET", f"/coins/{ctx.param('platformId', i, 'ethereum')}/contract/"
                               f"{ctx.param('contractAddress', i, '')}/market_chart", i, qs=qs)
    if not isinstance(data, dict):
        raise NodeError("Cannot read properties of undefined (reading 'prices')", item_index=i)
    return [{"time": _iso_ms(stamp), "price": price, "marketCaps": data["market_caps"][idx][1],
             "totalVolume": data["total_volumes"][idx][1]}
            for idx, (stamp, price, *_rest) in enumerate(data.get("prices") or [])]


def _coin_candlestick(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    base = ctx.param("baseCurrency", i, "")
    qs["vs_currency"] = ctx.param("quoteCurrency", i, "")
    qs["days"] = ctx.param("days", i, "")
    rows = api.call("GET", f"/coins/{base}/ohlc", i, qs=qs) or []
    return [{"time": _iso_ms(row[0]), "open": row[1], "high": row[2], "low": row[3], "close": row[4]}
            for row in rows]


def _event_get_all(ctx: NodeContext, api: Api, i: int, qs: dict[str, Any]) -> Any:
    return_all = ctx.param("returnAll", i, False)
    qs.update(ctx.param("options", i, {}) or {})
    if return_all:
        return _all_items(api, i, "data", "/events", qs)
    qs["per_page"] = ctx.param("limit", i, 100)
    return (api.call("GET", "/events", i, qs=qs) or {}).get("data")


_OPERATIONS = {
    ("coin", "get"): _coin_get, ("coin", "getAll"): _coin_get_all, ("coin", "market"): _coin_market,
    ("coin", "price"): _coin_price, ("coin", "ticker"): _coin_ticker, ("coin", "history"): _coin_history,
    ("coin", "marketChart"): _coin_market_chart, ("coin", "candlestick"): _coin_candlestick,
    ("event", "getAll"): _event_get_all,
}


@register("n8n-nodes-base.coinGecko", versions=(1,), display_name="CoinGecko")
@register("n8n-nodes-base.coinGeckoTool", versions=(1,), display_name="CoinGecko Tool")
def coin_gecko(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "coin")
    operation = ctx.param("operation", 0, "getAll")
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, base_url(ctx, "coinGecko", "https://api.coingecko.com/api/v3"), headers=_HEADERS)
    qs: dict[str, Any] = {}
    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            result = handler(ctx, api, i, qs)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": exc.message, "json": {}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
