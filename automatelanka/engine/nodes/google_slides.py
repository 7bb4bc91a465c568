"""Google Slides (n8n-nodes-base.googleSlides v1, v2) against the Slides API v1.

Every operation n8n has:

- presentation ``create`` (POST /presentations ``{title}``), ``get``, ``getSlides`` (GET
  /presentations/<id>?fields=slides, one item per slide; ``returnAll`` / ``limit`` slice the one
  answer, the API does not page), ``replaceText`` (POST /presentations/<id>:batchUpdate with one
  ``replaceAllText`` request per text; as in n8n the ``revisionId`` option is built but not sent);
- page ``get`` (GET /presentations/<id>/pages/<page>), ``getThumbnail`` (GET .../thumbnail; with
  ``download`` the ``contentUrl`` is fetched without auth into binary ``<binaryProperty>`` named
  ``<page>.png``).

Authentication as n8n: ``serviceAccount`` (the v1 default; googleApi credential, slides scopes) or
anything else: the googleSlidesOAuth2Api credential (the v2 default). Base URL: configured
``slides``, else ``google``, else https://slides.googleapis.com/v1. Any other resource/operation
fails with the "not supported yet" error (n8n would silently output nothing for it).

Workaround (shared file): ``_google.SCOPES`` has no ``slides`` entry, so this module adds n8n's
slides scopes to it with ``setdefault`` at import time.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _http
from automatelanka.engine.nodes._google import SCOPES, GoogleApi
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleSlides"
DEFAULT_URL = "https://slides.googleapis.com/v1"
SCOPES.setdefault("slides", ["https://www.googleapis.com/auth/drive.file",
                             "https://www.googleapis.com/auth/presentations"])


def slides_base(ctx: NodeContext) -> str:
    """Configured ``slides`` URL, else the ``google`` fallback, else the real Slides API."""
    urls = ctx.state.services.base_urls
    return (urls.get("slides") or urls.get("google") or DEFAULT_URL).rstrip("/")


@register(NODE_TYPE, versions=(1, 2), display_name="Google Slides")
def google_slides(ctx: NodeContext) -> NodeOutput:
    default_auth = "serviceAccount" if ctx.node.type_version < 2 else "oAuth2"
    api = GoogleApi(ctx, "googleSlidesOAuth2Api", "slides", default_auth=default_auth)
    api.base = slides_base(ctx)
    resource = ctx.param("resource", 0, "presentation")
    operation = ctx.param("operation", 0, "create" if resource == "presentation" else "get")

    def one(i: int, _item: Item) -> list[Item]:
        return _run(ctx, api, resource, operation, i)

    return [per_item(ctx, one, error_index="never", ready=True)]


def _items(data: Any, i: int) -> list[Item]:
    """``constructExecutionMetaData(returnJsonArray(data), {itemData: {item: i}})``."""
    rows = data if isinstance(data, list) else [data]
    return [{"json": row, "pairedItem": {"item": i}} for row in rows]


def _run(ctx: NodeContext, api: GoogleApi, resource: str, operation: str, i: int) -> list[Item]:
    if resource == "page" and operation in ("get", "getThumbnail"):
        return _page(ctx, api, operation, i)
    if resource == "presentation":
        if operation == "create":
            body = {"title": ctx.param("title", i, "")}
            return _items(api.json("POST", "/presentations", body=body, item_index=i), i)
        if operation == "get":
            presentation = ctx.param("presentationId", i, "")
            return _items(api.json("GET", f"/presentations/{presentation}", item_index=i), i)
        if operation == "getSlides":
            return _items(_slides(ctx, api, i), i)
        if operation == "replaceText":
            return _items(_replace_text(ctx, api, i), i)
    raise unsupported("Google Slides", resource, operation)


def _page(ctx: NodeContext, api: GoogleApi, operation: str, i: int) -> list[Item]:
    presentation = ctx.param("presentationId", i, "")
    page = ctx.param("pageObjectId", i, "")
    path = f"/presentations/{presentation}/pages/{page}"
    if operation == "get":
        return _items(api.json("GET", path, item_index=i), i)
    data = api.json("GET", f"{path}/thumbnail", item_index=i)
    if not ctx.param("download", 0, False):
        return _items(data, i)
    prop = ctx.param("binaryProperty", i, "data")
    content = _http.request(ctx, "GET", str(data.get("contentUrl") or ""), item_index=i).content
    return [{"json": data, "binary": {prop: prepare_binary(content, f"{page}.png")}, "pairedItem": {"item": i}}]


def _slides(ctx: NodeContext, api: GoogleApi, i: int) -> list[Any]:
    """The presentation's slides (one answer; ``limit`` keeps the first ones)."""
    return_all = ctx.param("returnAll", 0, False)
    presentation = ctx.param("presentationId", i, "")
    data = api.json("GET", f"/presentations/{presentation}", params={"fields": "slides"}, item_index=i)
    slides = list(data.get("slides") or [])
    if not return_all:
        slides = slides[:int(ctx.param("limit", i, 100))]
    return slides


def _replace_text(ctx: NodeContext, api: GoogleApi, i: int) -> Any:
    """One ``replaceAllText`` request per text (fixedCollection defaults filled as n8n does)."""
    presentation = ctx.param("presentationId", i, "")
    texts = (ctx.param("textUi", i, {}) or {}).get("textValues") or []
    requests = [{"replaceAllText": {
        "replaceText": text.get("replaceText", ""),
        "pageObjectIds": text.get("pageObjectIds") or [],
        "containsText": {"text": text.get("text", ""), "matchCase": text.get("matchCase", False)},
    }} for text in texts]
    return api.json("POST", f"/presentations/{presentation}:batchUpdate", body={"requests": requests},
                    item_index=i)
