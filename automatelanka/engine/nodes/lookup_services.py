"""Small look-up services: OpenWeatherMap (v1) and Clearbit (v1).

OpenWeatherMap: GET ``<base>/data/2.5/weather|forecast`` with ``APPID`` (openWeatherMapApi
``accessToken``), units, location and language (base: configured ``openWeatherMap``, else
https://api.openweathermap.org). Clearbit: person/company enrich and company autocomplete with a
bearer API key against ``https://<api>.clearbit.com`` (a configured ``clearbit`` base URL replaces
every sub-domain). Outputs are the APIs' answers.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.openWeatherMap", versions=(1,), display_name="OpenWeatherMap")
@register("n8n-nodes-base.openWeatherMapTool", versions=(1,), display_name="OpenWeatherMap Tool")
def open_weather_map(ctx: NodeContext) -> NodeOutput:
    fields = credential(ctx, "openWeatherMapApi") or {}
    base = ctx.state.services.base_urls.get("openWeatherMap") or "https://api.openweathermap.org"
    api = Api(ctx, f"{base.rstrip('/')}/data/2.5", fields=fields)
    operation = ctx.param("operation", 0, "currentWeather")

    def run(i: int, _item: dict[str, Any]) -> Any:
        qs: dict[str, Any] = {"APPID": fields.get("accessToken"), "units": ctx.param("format", i, "metric")}
        selection = ctx.param("locationSelection", i, "cityName")
        if selection == "cityName":
            qs["q"] = ctx.param("cityName", i, "")
        elif selection == "cityId":
            qs["id"] = ctx.param("cityId", i, 0)
        elif selection == "coordinates":
            qs["lat"] = ctx.param("latitude", i, "")
            qs["lon"] = ctx.param("longitude", i, "")
        elif selection == "zipCode":
            qs["zip"] = ctx.param("zipCode", i, "")
        else:
            raise NodeError(f'The locationSelection "{selection}" is not known!', item_index=i)
        language = ctx.param("language", i, "")
        if language:
            qs["lang"] = language
        endpoint = {"currentWeather": "weather", "5DayForecast": "forecast"}.get(operation)
        if endpoint is None:
            raise NodeError(f'The operation "{operation}" is not known!', item_index=i)
        return api.call("GET", endpoint, i, qs=qs)

    return [per_item(ctx, run, pair_errors=False)]


_PERSON_FIELDS = (("givenName", "given_name"), ("familyName", "family_name"), ("ipAddress", "ip_address"),
                  ("location", "location"), ("company", "company"), ("companyDomain", "company_domain"),
                  ("linkedIn", "linkedin"), ("twitter", "twitter"), ("facebook", "facebook"))
_COMPANY_FIELDS = (("companyName", "company_name"), ("linkedin", "linkedin"), ("twitter", "twitter"),
                   ("facebook", "facebook"))


@register("n8n-nodes-base.clearbit", versions=(1,), display_name="Clearbit")
@register("n8n-nodes-base.clearbitTool", versions=(1,), display_name="Clearbit Tool")
def clearbit(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "company")
    operation = ctx.param("operation", 0, "enrich")
    if (resource, operation) not in (("person", "enrich"), ("company", "enrich"), ("company", "autocomplete")):
        raise unsupported("Clearbit", resource, operation)
    fields = credential(ctx, "clearbitApi") or {}
    configured = ctx.state.services.base_urls.get("clearbit")
    auth = {"bearer": str(fields.get("apiKey") or "")}
    qs: dict[str, Any] = {}  # n8n keeps one query object across the items

    def api_for(sub: str) -> Api:
        return Api(ctx, configured or f"https://{sub}.clearbit.com", fields=fields, auth=auth)

    out: list[dict[str, Any]] = []
    for i in range(len(ctx.input(0))):
        try:
            extra = ctx.param("additionalFields", i, {}) or {}
            if resource == "person":
                qs["email"] = ctx.param("email", i)
                qs.update({key: extra[name] for name, key in _PERSON_FIELDS if extra.get(name)})
                data = api_for("person-stream").call("GET", "/v2/people/find", i, qs=qs)
            elif operation == "enrich":
                qs["domain"] = ctx.param("domain", i)
                qs.update({key: extra[name] for name, key in _COMPANY_FIELDS if extra.get(name)})
                data = api_for("company-stream").call("GET", "/v2/companies/find", i, qs=qs)
            else:
                qs["query"] = ctx.param("name", i)
                data = api_for("autocomplete").call("GET", "/v1/companies/suggest", i, qs=qs)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {}, "error": {"message": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        rows = data if isinstance(data, list) else [data if data is not None else {}]
        out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
    return [out]
