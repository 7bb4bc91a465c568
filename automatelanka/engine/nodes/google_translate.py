"""Google Translate (n8n-nodes-base.googleTranslate v1, v2) against the Cloud Translation API v2.

Every operation n8n has: language ``translate``, POST /language/translate/v2 ``{q: text, target:
translateTo}`` per item; the output is the first entry of ``data.translations`` (``{translatedText,
detectedSourceLanguage}``), one item per input item paired with it.

Authentication as n8n: ``serviceAccount`` (the v1 default; googleApi credential with n8n's
translate scopes) or anything else: the googleTranslateOAuth2Api credential (the v2 default).
Base URL: configured ``translate``, else ``google``, else https://translation.googleapis.com.

As in n8n the node has no per-item error handling: an API error fails the node (under
continue-on-fail the executor passes the input through, as n8n does). Any other
resource/operation fails with the "not supported yet" error (n8n would output nothing for it).

Workaround (shared file): ``_google.SCOPES`` has no ``translate`` entry, so this module adds n8n's
translate scopes to it with ``setdefault`` at import time.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import SCOPES, GoogleApi
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleTranslate"
DISPLAY = "Google Translate"
DEFAULT_URL = "https://translation.googleapis.com"
SCOPES.setdefault("translate", ["https://www.googleapis.com/auth/cloud-translation",
                                "https://www.googleapis.com/auth/cloud-platform"])


def translate_base(ctx: NodeContext) -> str:
    """Configured ``translate`` URL, else the ``google`` fallback, else the real Translation API."""
    urls = ctx.state.services.base_urls
    return (urls.get("translate") or urls.get("google") or DEFAULT_URL).rstrip("/")


@register(NODE_TYPE, versions=(1, 2), display_name=DISPLAY)
def google_translate(ctx: NodeContext) -> NodeOutput:
    default_auth = "serviceAccount" if ctx.node.type_version < 2 else "oAuth2"
    api = GoogleApi(ctx, "googleTranslateOAuth2Api", "translate", default_auth=default_auth)
    api.base = translate_base(ctx)
    resource = ctx.param("resource", 0, "language")
    operation = ctx.param("operation", 0, "translate")
    if resource != "language" or operation != "translate":
        raise unsupported(DISPLAY, resource, operation)
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        out.append({"json": _translate(ctx, api, i), "pairedItem": {"item": i}})
    return [out]


def _translate(ctx: NodeContext, api: GoogleApi, i: int) -> Any:
    """The first translation of the item's text (``{}`` when the API sends none)."""
    body = {"q": ctx.param("text", i, ""), "target": ctx.param("translateTo", i, "")}
    response = api.json("POST", "/language/translate/v2", body=body, item_index=i,
                        headers={"Content-Type": "application/json"})
    data = response.get("data") if isinstance(response, dict) else None
    if not isinstance(data, dict):
        raise NodeError("Cannot read properties of undefined (reading 'translations')")
    translations = data.get("translations")
    if not isinstance(translations, list):  # `const [translation] = response.data.translations`
        raise NodeError("undefined is not iterable (cannot read property Symbol(Symbol.iterator))")
    first = translations[0] if translations else None
    return first if first is not None else {}
