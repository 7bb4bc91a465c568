"""LinkedIn (n8n-nodes-base.linkedIn v1, linkedInTool): post create over the LinkedIn Posts API.

Base: configured ``linkedin`` base URL, else https://api.linkedin.com (``/rest`` prefix, headers
``X-Restli-Protocol-Version: 2.0.0`` and ``LinkedIn-Version: 202504``); linkedInOAuth2Api
(``standard``) or linkedInCommunityManagementOAuth2Api bearer token, refreshed once on 401.
Posts as a person or an organization, with text only, an article (optional thumbnail) or an
image (initializeUpload, then the binary is POSTed to the returned upload URL). A 201 answer
becomes ``{urn: <x-restli-id header>}`` as in n8n.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes._svc import binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "LinkedIn"
_HEADERS = {"Accept": "application/json", "X-Restli-Protocol-Version": "2.0.0", "LinkedIn-Version": "202504"}


class _LinkedIn:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        standard = ctx.param("authentication", 0, "standard") == "standard"
        self.kind = "linkedInOAuth2Api" if standard else "linkedInCommunityManagementOAuth2Api"
        self.fields = credential(ctx, self.kind) or {}
        self.base = base_url(ctx, "linkedin", "https://api.linkedin.com")

    def call(self, method: str, endpoint: str, i: int, body: Any = None, *, raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> Any:
        if raw is not None:
            url = endpoint
            kwargs: dict[str, Any] = {"content": raw}
        else:
            url = f"{self.base}{'' if 'v2' in endpoint else '/rest'}{endpoint}"
            kwargs = {"json": body} if body else {}
        response = request(self.ctx, method, url, item_index=i, oauth2=(self.kind, self.fields),
                           headers={**_HEADERS, **(headers or {})}, **kwargs)
        if response.status_code == 201:
            return {"urn": response.headers.get("x-restli-id")}
        return decode(response)


def _little_text(text: str) -> str:
    """Escape LinkedIn "little text" reserved characters."""
    return re.sub(r"[()*\[\]{}<>@|~_]", lambda m: "\\" + m.group(0), text)


def _upload_image(li: _LinkedIn, item: dict[str, Any], prop: str, author: str, i: int) -> Any:
    registered = li.call("POST", "/images?action=initializeUpload", i,
                         {"initializeUploadRequest": {"owner": author}}) or {}
    value = registered.get("value") or {}
    data, meta = binary_bytes(item, prop, i)
    li.call("POST", value.get("uploadUrl"), i, raw=data, headers={"Content-Type": meta.get("mimeType") or ""})
    return value.get("image")


def _post_create(li: _LinkedIn, ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    text = _little_text(str(ctx.param("text", i, "")))
    category = ctx.param("shareMediaCategory", i, "NONE")
    extra = ctx.param("additionalFields", i, {}) or {}
    visibility = "PUBLIC"
    if ctx.param("postAs", i, "person") == "person":
        visibility = extra.get("visibility") or "PUBLIC"
        author = f"urn:li:person:{ctx.param('person', i, '')}"
    else:
        author = f"urn:li:organization:{ctx.param('organization', i, '')}"
    body: dict[str, Any] = {"author": author, "lifecycleState": "PUBLISHED",
                            "distribution": {"feedDistribution": "MAIN_FEED", "thirdPartyDistributionChannels": []},
                            "visibility": visibility}
    if category == "IMAGE":
        title = extra.get("title") or ""
        image = _upload_image(li, item, ctx.param("binaryPropertyName", i, "data"), author, i)
        body.update({"content": {"media": {"title": title, "id": image}}, "commentary": text})
    elif category == "ARTICLE":
        article: dict[str, Any] = {"title": extra.get("title") or "", "description": extra.get("description") or "",
                                   "source": extra.get("originalUrl") or ""}
        if extra.get("thumbnailBinaryPropertyName"):
            article["thumbnail"] = _upload_image(li, item, extra["thumbnailBinaryPropertyName"], author, i)
        body.update({"content": {"article": article}, "commentary": text})
    else:
        body["commentary"] = text
    return li.call("POST", "/posts", i, body)


@register("n8n-nodes-base.linkedIn", versions=(1,), display_name="LinkedIn")
@register("n8n-nodes-base.linkedInTool", versions=(1,), display_name="LinkedIn Tool")
def linkedin(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "post")
    operation = ctx.param("operation", 0, "create")
    if (resource, operation) != ("post", "create"):
        raise unsupported(DISPLAY, resource, operation)
    client = _LinkedIn(ctx)
    return [per_item(ctx, lambda i, item: _post_create(client, ctx, i, item))]
