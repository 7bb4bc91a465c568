"""Lemlist (n8n-nodes-base.lemlist v1, v2): leads, campaigns, activities, team, unsubscribes, enrichment.

Auth: ``lemlistApi`` (``Authorization: Basic base64(":" + apiKey)`` and ``user-agent: n8n``, as the
credential's ``authenticate``). Base: configured ``lemlist`` base URL, else https://api.lemlist.com/api.
Requests send no body / query when they are empty, as n8n's ``lemlistApiRequest``.

- ``lead``: create (POST ``/campaigns/{campaignId}/leads/{email}``, additional fields as the body,
  ``deduplicate`` as a query parameter), delete (DELETE the same path with ``action=remove``), get
  (GET ``/leads/{email}``), unsubscribe (DELETE ``/campaigns/{campaignId}/leads/{email}``);
- ``activity/getAll`` (filters as the query), ``campaign/getAll`` (v2: filters as the query),
  ``unsubscribe/getAll``: ``limit`` sent to the API, or under ``returnAll`` every page
  (``limit=100&offset=0,100,...`` until an empty page; with a ``version=v2`` filter one
  ``page=1`` request, as n8n's ``lemlistApiRequestAllItems``);
- ``team/get``, ``unsubscribe/add``, ``unsubscribe/delete``;
- v2 only: ``campaign/getStats``, ``team/getCredits``, ``enrich/get``, ``enrich/enrichLead``,
  ``enrich/enrichPerson``.

Arrays become one item per element, paired with their input item; under continue-on-fail a failing
item becomes ``{error: message}``. Anything else fails with "not supported yet".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Lemlist"
DEFAULT_BASE = "https://api.lemlist.com/api"
#: operation default per resource (the descriptions' ``default``)
_DEFAULT_OPERATION = {"activity": "getAll", "campaign": "getAll", "lead": "create", "team": "get",
                      "unsubscribe": "add", "enrich": "get"}
_ENRICH_FLAGS = ("findEmail", "verifyEmail", "linkedinEnrichment", "findPhone")


class _Lemlist:
    """``lemlistApiRequest`` / ``lemlistApiRequestAllItems`` bound to the node's credential."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = _credential_fields(ctx)
        self.api = Api(ctx, base_url(ctx, "lemlist", DEFAULT_BASE), auth={"basic": ("", fields.get("apiKey") or "")},
                       headers={"user-agent": "n8n"})

    def request(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
                qs: dict[str, Any] | None = None) -> Any:
        """Decoded JSON; an empty answer is kept as an (empty) item, as n8n's ``{json: undefined}``."""
        result = self.api.call(method, path, i, body=body or None, qs=qs or None)
        return {} if result is None else result

    def all_items(self, method: str, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        qs = {**qs, "limit": 100, "offset": 0}
        out: list[Any] = []
        if qs.get("version") == "v2":
            qs["page"] = 1
            while True:
                page = self.request(method, path, i, qs=qs)
                out.extend(_iterable(page, i))
                qs["page"] += 1
                total = page.get("totalPage") if isinstance(page, dict) else None
                if not (total and qs["page"] < total):
                    return out
        while True:
            page = self.request(method, path, i, qs=qs)
            out.extend(_iterable(page, i))
            qs["offset"] += qs["limit"]
            if isinstance(page, list | str) and len(page) == 0:
                return out


def _credential_fields(ctx: NodeContext) -> dict[str, Any]:
    from automatelanka.engine.nodes._http import credential

    return credential(ctx, "lemlistApi") or {}


def _iterable(page: Any, i: int) -> list[Any]:
    """``returnData.push(...page)``: a JS spread needs an iterable."""
    if isinstance(page, list):
        return page
    if isinstance(page, str):
        return list(page)
    raise NodeError("responseData is not iterable", item_index=i)


def _listing(path: str, *, filters: bool) -> Callable[[NodeContext, _Lemlist, int], Any]:
    """A getAll: ``filters`` as the query, ``limit`` or every page."""
    def run(ctx: NodeContext, api: _Lemlist, i: int) -> Any:
        qs: dict[str, Any] = dict(ctx.param("filters", i, {}) or {}) if filters else {}
        if ctx.param("returnAll", i, False):
            return api.all_items("GET", path, i, qs)
        qs["limit"] = ctx.param("limit", i, 5)
        return api.request("GET", path, i, qs=qs)
    return run


def _lead_path(ctx: NodeContext, i: int) -> str:
    return f"/campaigns/{js_string(ctx.param('campaignId', i, []))}/leads/{js_string(ctx.param('email', i, ''))}"


def _lead_create(ctx: NodeContext, api: _Lemlist, i: int) -> Any:
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    qs = {"deduplicate": fields.pop("deduplicate")} if "deduplicate" in fields else {}
    return api.request("POST", _lead_path(ctx, i), i, body=fields, qs=qs)


def _enrich_flags(ctx: NodeContext, i: int) -> dict[str, Any]:
    return {name: ctx.param(name, i, False) for name in _ENRICH_FLAGS}


def _enrich_person(ctx: NodeContext, api: _Lemlist, i: int) -> Any:
    qs = dict(ctx.param("additionalFields", i, {}) or {})
    qs.update(_enrich_flags(ctx, i))
    return api.request("POST", "/enrich/", i, qs=qs)


def _campaign_stats(ctx: NodeContext, api: _Lemlist, i: int) -> Any:
    qs = {name: ctx.param(name, i, "") for name in ("startDate", "endDate", "timezone")}
    return api.request("GET", f"/campaigns/{js_string(ctx.param('campaignId', i, []))}/stats", i, qs=qs)


def _by_email(method: str, prefix: str) -> Callable[[NodeContext, _Lemlist, int], Any]:
    def run(ctx: NodeContext, api: _Lemlist, i: int) -> Any:
        return api.request(method, f"{prefix}/{js_string(ctx.param('email', i, ''))}", i)
    return run


Operation = Callable[[NodeContext, _Lemlist, int], Any]

_COMMON: dict[tuple[str, str], Operation] = {
    ("activity", "getAll"): _listing("/activities", filters=True),
    ("campaign", "getAll"): _listing("/campaigns", filters=False),
    ("lead", "create"): _lead_create,
    ("lead", "delete"): lambda ctx, api, i: api.request("DELETE", _lead_path(ctx, i), i, qs={"action": "remove"}),
    ("lead", "get"): _by_email("GET", "/leads"),
    ("lead", "unsubscribe"): lambda ctx, api, i: api.request("DELETE", _lead_path(ctx, i), i),
    ("team", "get"): lambda ctx, api, i: api.request("GET", "/team", i),
    ("unsubscribe", "add"): _by_email("POST", "/unsubscribes"),
    ("unsubscribe", "delete"): _by_email("DELETE", "/unsubscribes"),
    ("unsubscribe", "getAll"): _listing("/unsubscribes", filters=False),
}
_V2: dict[tuple[str, str], Operation] = {
    **_COMMON,
    ("campaign", "getAll"): _listing("/campaigns", filters=True),
    ("campaign", "getStats"): _campaign_stats,
    ("team", "getCredits"): lambda ctx, api, i: api.request("GET", "/team/credits", i),
    ("enrich", "get"): lambda ctx, api, i: api.request("GET", f"/enrich/{js_string(ctx.param('enrichId', i, ''))}", i),
    ("enrich", "enrichLead"): lambda ctx, api, i: api.request(
        "POST", f"/leads/{js_string(ctx.param('leadId', i, ''))}/enrich/", i, qs=_enrich_flags(ctx, i)),
    ("enrich", "enrichPerson"): _enrich_person,
}


@register("n8n-nodes-base.lemlist", versions=(1, 2), display_name=DISPLAY)
def lemlist(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "activity")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    operations = _V2 if float(ctx.node.type_version) >= 2 else _COMMON
    handler = operations.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = _Lemlist(ctx)
    return [per_item(ctx, lambda i, _item: handler(ctx, api, i))]
