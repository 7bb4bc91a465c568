"""Hunter (n8n-nodes-base.hunter v1, hunterTool) over the Hunter API v2.

Base: configured ``hunter`` base URL, else ``https://api.hunter.io/v2``; auth: the ``hunterApi``
credential's ``apiKey`` as the ``api_key`` query parameter. Operations: domainSearch (limit or
all pages by offset; ``onlyEmails`` outputs one item per email, else the company data with every
email under it), emailFinder, emailVerifier. As in n8n the query object is shared by all items.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.hunter", versions=(1,), display_name="Hunter")
@register("n8n-nodes-base.hunterTool", versions=(1,), display_name="Hunter Tool")
def hunter(ctx: NodeContext) -> NodeOutput:
    fields = credential(ctx, "hunterApi") or {}
    api = Api(ctx, api_base(ctx, "hunter", "https://api.hunter.io/v2"), fields=fields)
    operation = ctx.param("operation", 0, "domainSearch")
    if operation not in ("domainSearch", "emailFinder", "emailVerifier"):
        raise unsupported("Hunter", "", operation)
    qs: dict[str, Any] = {}

    def get(path: str, i: int) -> Any:
        return api.call("GET", path, i, qs={"api_key": fields.get("apiKey"), **qs}) or {}

    def run(i: int, item: dict[str, Any]) -> Any:
        if operation == "emailFinder":
            qs.update({"first_name": ctx.param("firstname", i, ""), "last_name": ctx.param("lastname", i, ""),
                       "domain": ctx.param("domain", i, "")})
            return get("/email-finder", i).get("data")
        if operation == "emailVerifier":
            qs["email"] = ctx.param("email", i, "")
            return get("/email-verifier", i).get("data")
        return _domain_search(ctx, i, qs, get)

    return [per_item(ctx, run)]


def _domain_search(ctx: NodeContext, i: int, qs: dict[str, Any], get: Any) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    only_emails = ctx.param("onlyEmails", i, True)
    qs["domain"] = ctx.param("domain", i, "")
    if filters.get("type"):
        qs["type"] = filters["type"]
    if filters.get("seniority"):
        qs["seniority"] = ",".join(filters["seniority"])
    if filters.get("department"):
        qs["department"] = ",".join(filters["department"])
    if ctx.param("returnAll", i, False):
        pages = []
        qs.update({"offset": 0, "limit": 100})
        while True:
            page = get("/domain-search", i)
            pages.append(page.get("data"))
            qs["offset"] += qs["limit"]
            meta = page.get("meta") or {}
            if meta.get("results") is None or (meta.get("offset") or 0) > meta["results"]:
                break
        if only_emails:
            return [email for data in pages for email in ((data or {}).get("emails") or [])]
        merged = pages[0] if pages else {}
        for data in pages[1:]:
            merged.setdefault("emails", []).extend((data or {}).get("emails") or [])
        return merged
    qs["limit"] = ctx.param("limit", i, 100)
    data = get("/domain-search", i).get("data") or {}
    return (data.get("emails") or []) if only_emails else data
