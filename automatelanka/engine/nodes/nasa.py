"""NASA (n8n-nodes-base.nasa v1, and its Tool variant): the api.nasa.gov endpoints n8n wraps.

Base: configured ``nasa`` base URL, else https://api.nasa.gov; nasaApi credential (``api_key`` in
the query). Supported (operation ``get`` unless noted): astronomyPictureOfTheDay (with ``download``,
default true: an image's ``hdurl`` is fetched into ``binaryPropertyName`` and the input item, its
JSON merged with the picture's, is output), asteroidNeoFeed, asteroidNeoLookup, asteroidNeoBrowse
getAll with a limit, the DONKI resources (CME, GST, IPS, FLR, SEP, MPC, RBE, HSS, WSA-Enlil,
notifications), earthImagery (the image as binary) and earthAssets (which n8n sends to
/insight_weather/earth/imagery with feedtype=json, ver=1.0; kept as is).

Dates are ``moment(...).format('YYYY-MM-DD')`` in the workflow's time zone ("today" by default,
DONKI start 30 days back). One query object is shared by all items of a run, as in n8n.
Not supported: asteroidNeoBrowse with returnAll (n8n does not await its paging and outputs an
empty object), other operations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "NASA"
_DONKI = {"donkiCoronalMassEjection": "/DONKI/CME", "donkiGeomagneticStorm": "/DONKI/GST",
          "donkiInterplanetaryShock": "/DONKI/IPS", "donkiSolarFlare": "/DONKI/FLR",
          "donkiSolarEnergeticParticle": "/DONKI/SEP", "donkiMagnetopauseCrossing": "/DONKI/MPC",
          "donkiRadiationBeltEnhancement": "/DONKI/RBE", "donkiHighSpeedStream": "/DONKI/HSS",
          "donkiWsaEnlilSimulation": "/DONKI/WSAEnlilSimulations", "donkiNotifications": "/DONKI/notifications"}
_GET = {"astronomyPictureOfTheDay", "asteroidNeoFeed", "asteroidNeoLookup", "earthImagery", "earthAssets",
        *_DONKI}
_MISSING = object()


def _today(ctx: NodeContext, days_back: int = 0) -> str:
    return (datetime.now(ZoneInfo(ctx.timezone)) - timedelta(days=days_back)).strftime("%Y-%m-%d")


def _day(ctx: NodeContext, value: Any) -> str:
    """``moment(value).format('YYYY-MM-DD')``: today for undefined, ``Invalid date`` when unparsable."""
    if value is _MISSING or value is None:
        return _today(ctx)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return "Invalid date"
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo(ctx.timezone))
    return parsed.strftime("%Y-%m-%d")


def _request(ctx: NodeContext, api: Api, i: int, path: str, qs: dict[str, Any], key: str, *,
             url: str | None = None, raw: bool = False) -> Any:
    """n8n's nasaApiRequest: ``api_key`` joins the (shared) query last."""
    qs.pop("api_key", None)
    qs["api_key"] = key
    if raw:
        return api.response("GET", path, i, qs=qs, url=url).content
    return api.call("GET", path, i, qs=qs, url=url)


def _endpoint(ctx: NodeContext, resource: str, operation: str, i: int, fields: dict[str, Any],
              qs: dict[str, Any]) -> tuple[str, str]:
    """The path and the response property to read, with ``qs`` filled as n8n does."""
    if resource == "astronomyPictureOfTheDay":
        qs["date"] = _day(ctx, fields.get("date", _MISSING))
        return "/planetary/apod", ""
    if resource == "asteroidNeoFeed":
        qs["start_date"] = _day(ctx, fields.get("startDate", _MISSING))
        qs["end_date"] = _day(ctx, fields.get("endDate", _MISSING))
        return "/neo/rest/v1/feed", "near_earth_objects"
    if resource == "asteroidNeoLookup":
        return f"/neo/rest/v1/neo/{ctx.param('asteroidId', i, '')}", ""
    if resource == "asteroidNeoBrowse":
        if ctx.param("returnAll", 0, False):
            raise unsupported(DISPLAY, resource, "getAll with returnAll")
        qs["size"] = ctx.param("limit", 0, 20)
        return "/neo/rest/v1/neo/browse", "near_earth_objects"
    if resource in _DONKI:
        qs["startDate"] = _day(ctx, fields["startDate"]) if fields.get("startDate") else _today(ctx, 30)
        qs["endDate"] = _day(ctx, fields["endDate"]) if fields.get("endDate") else _today(ctx)
        if resource == "donkiInterplanetaryShock":
            qs["location"] = fields.get("location") or "ALL"
            qs["catalog"] = fields.get("catalog") or "ALL"
        if resource == "donkiNotifications":
            qs["type"] = fields.get("type") or "all"
        return _DONKI[resource], ""
    qs["lat"] = ctx.param("lat", i)
    qs["lon"] = ctx.param("lon", i)
    qs["dim"] = fields.get("dim") or 0.025
    if fields.get("date"):
        qs["date"] = _day(ctx, fields["date"])
    elif resource == "earthImagery":
        qs["date"] = _today(ctx)
    if resource == "earthAssets":
        qs["feedtype"] = "json"
        qs["ver"] = "1.0"
        return "/insight_weather/earth/imagery", ""
    return "/planetary/earth/imagery", ""


def _with_binary(item: dict[str, Any], json: dict[str, Any], prop: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"json": json, "binary": {**(item.get("binary") or {}), prop: entry}}


@register("n8n-nodes-base.nasa", versions=(1,), display_name="NASA")
@register("n8n-nodes-base.nasaTool", versions=(1,), display_name="NASA Tool")
def nasa(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "astronomyPictureOfTheDay")
    operation = ctx.param("operation", 0, "getAll" if resource == "asteroidNeoBrowse" else "get")
    known = (resource in _GET and operation == "get") or (resource == "asteroidNeoBrowse" and operation == "getAll")
    if not known:
        raise unsupported(DISPLAY, resource, operation)
    key = str((credential(ctx, "nasaApi") or {}).get("api_key") or "")
    api = Api(ctx, base_url(ctx, "nasa", "https://api.nasa.gov"))
    items = [dict(item) for item in ctx.input(0)]
    returned: list[dict[str, Any]] = []
    qs: dict[str, Any] = {}
    download = False
    data: Any = None
    for i, item in enumerate(items):
        try:
            fields = ctx.param("additionalFields", i, {}) or {}
            path, prop = _endpoint(ctx, resource, operation, i, fields, qs)
            data = _request(ctx, api, i, path, qs, key)
            if prop:
                data = data[prop] if isinstance(data, dict) else None
            if resource == "asteroidNeoLookup" and not fields.get("includeCloseApproachData") \
                    and isinstance(data, dict):
                data.pop("close_approach_data", None)
            if resource == "asteroidNeoFeed":
                data = next(iter(data.values())) if isinstance(data, dict) and data else None
            if resource == "earthImagery":
                content = _request(ctx, api, i, path, qs, key, raw=True)
                items[i] = _with_binary(item, item.get("json") or {}, ctx.param("binaryPropertyName", i, "data"),
                                        prepare_binary(content))
            if resource == "astronomyPictureOfTheDay":
                download = bool(ctx.param("download", 0, True))
                if download and isinstance(data, dict) and data.get("media_type") == "image":
                    hdurl = str(data.get("hdurl"))
                    content = _request(ctx, api, i, "", qs, key, url=hdurl, raw=True)
                    items[i] = _with_binary(item, {**(item.get("json") or {}), **data},
                                            ctx.param("binaryPropertyName", i, "data"),
                                            prepare_binary(content, hdurl.split("/")[-1]))
            for row in json_array(data):
                row.setdefault("pairedItem", {"item": i})
                returned.append(row)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            if resource == "earthImagery" or (resource == "astronomyPictureOfTheDay" and download):
                items[i] = {**item, "json": {"error": exc.message}}
            else:
                returned.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
    if resource == "earthImagery" or (resource == "astronomyPictureOfTheDay" and download
                                      and isinstance(data, dict) and data.get("media_type") == "image"):
        return [items]
    return [returned]
