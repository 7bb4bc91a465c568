"""Strava (n8n-nodes-base.strava v1, 1.1): activities over the Strava API v3.

Base: configured ``strava`` base URL, else https://www.strava.com/api/v3; stravaOAuth2Api (bearer
access token, one refresh on 401). Bodies are sent form-encoded as n8n's ``form`` option does.
Activity create (v1 ``type``, v1.1 ``sport_type``; ``start_date_local`` is
``moment(startDate).toISOString()`` with the server's local time UTC; ``trainer``/``commute`` true
-> 1), get, getAll (returnAll pages ``per_page=30&page=N`` until an empty page; else one request
with ``per_page=limit``), update (PUT with the update fields), getComments/getKudos/getLaps/getZones
(one request, cut to ``limit`` unless returnAll), getStreams (``keys`` joined by commas,
``key_by_type=true``). Arrays become one item per element. Other resources do not exist in the node
and fail with "not supported yet"; the Strava Trigger is not part of this module.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api, dispatch
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.zoom import moment_parse

DISPLAY = "Strava"
DEFAULT_BASE = "https://www.strava.com/api/v3"
_SUB_PATHS = {"getComments": "comments", "getZones": "zones", "getKudos": "kudos", "getLaps": "laps"}


def _form_value(value: Any) -> Any:
    """A form field as JavaScript's ``String(value)`` writes it (``None`` -> empty)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _form(body: dict[str, Any]) -> dict[str, Any]:
    return {key: _form_value(value) for key, value in body.items()}


def _iso(value: Any) -> str | None:
    """``moment(value).toISOString()`` (``None`` for an invalid date, as moment gives ``null``)."""
    parsed = moment_parse(value, None) if value not in (None, "") else None
    if parsed is None:
        return None
    stamp = parsed.astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


class _Strava:
    """The node's requests for one execution."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.api = Api(ctx, base_url(ctx, "strava", DEFAULT_BASE), "stravaOAuth2Api")

    def request(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
                qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {}
        if body:
            kwargs["data"] = _form(body)
        return self.api.call(method, path, i, qs=qs, **kwargs)

    def create(self, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
        fields = dict(ctx.param("additionalFields", i, {}) or {})
        for flag in ("trainer", "commute"):
            if fields.get(flag) is True:
                fields[flag] = 1
        body: dict[str, Any] = {"name": ctx.param("name", i, ""), "start_date_local": _iso(ctx.param("startDate", i, "")),
                                "elapsed_time": ctx.param("elapsedTime", i, 0)}
        if ctx.node.type_version == 1:
            body["type"] = ctx.param("type", i, "")
        else:
            body["sport_type"] = ctx.param("sport_type", i, "Run")
        body.update(fields)
        return self.request("POST", "/activities", i, body)

    def get(self, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
        return self.request("GET", f"/activities/{ctx.param('activityId', i, '')}", i)

    def sub_list(self, operation: str):
        def run(ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
            activity = ctx.param("activityId", i, "")
            rows = self.request("GET", f"/activities/{activity}/{_SUB_PATHS[operation]}", i)
            if not ctx.param("returnAll", i, False) and isinstance(rows, list):
                rows = rows[: int(ctx.param("limit", i, 50))]
            return rows
        return run

    def streams(self, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
        keys = ctx.param("keys", i, []) or []
        joined = ",".join(str(k) for k in keys) if isinstance(keys, list) else str(keys)
        qs = {"keys": joined, "key_by_type": True}
        return self.request("GET", f"/activities/{ctx.param('activityId', i, '')}/streams", i, qs=qs)

    def get_all(self, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
        if not ctx.param("returnAll", i, False):
            return self.request("GET", "/activities", i, qs={"per_page": ctx.param("limit", i, 50)})
        rows: list[Any] = []
        page = 1
        while True:
            data = self.request("GET", "/activities", i, qs={"per_page": 30, "page": page})
            page += 1
            data = data if isinstance(data, list) else []
            rows.extend(data)
            if not data:
                return rows

    def update(self, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
        fields = dict(ctx.param("updateFields", i, {}) or {})
        return self.request("PUT", f"/activities/{ctx.param('activityId', i, '')}", i, fields)


@register("n8n-nodes-base.strava", versions=(1, 1.1), display_name="Strava")
def strava(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "activity")
    operation = ctx.param("operation", 0, "create")
    node = _Strava(ctx) if resource == "activity" else None
    operations: dict[tuple[str, str], Any] = {}
    if node is not None:
        operations = {("activity", "create"): node.create, ("activity", "get"): node.get,
                      ("activity", "getAll"): node.get_all, ("activity", "update"): node.update,
                      ("activity", "getStreams"): node.streams}
        operations.update({("activity", op): node.sub_list(op) for op in _SUB_PATHS})
    return [dispatch(ctx, DISPLAY, operations, resource, operation)]
