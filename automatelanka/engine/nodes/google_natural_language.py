"""Google Cloud Natural Language (n8n-nodes-base.googleCloudNaturalLanguage v1): document sentiment.

Auth: the ``googleCloudNaturalLanguageOAuth2Api`` credential (bearer access token, one refresh on
401), the only credential n8n's node accepts (no service account).

- ``document/analyzeSentiment``: POST ``<base>/v1/documents:analyzeSentiment`` with
  ``{document: {type, content | gcsContentUri, language?}, encodingType}`` (``documentType``
  defaults to ``PLAIN_TEXT``, ``encodingType`` to ``UTF16``, as n8n). Each answer becomes one item;
  n8n's node sets no ``pairedItem`` itself (the executor adds the obvious one) and has no
  continue-on-fail branch: an API error fails the node (under continue-on-fail the executor passes
  the input items through, as n8n's WorkflowExecute does).

Base URL: configured ``googleCloudNaturalLanguage`` key, else the ``google`` key, else
https://language.googleapis.com. n8n's node has no other resource or operation; anything else fails
with "not supported yet".
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Google Cloud Natural Language"
CREDENTIAL = "googleCloudNaturalLanguageOAuth2Api"
DEFAULT_BASE = "https://language.googleapis.com"
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def _base(ctx: NodeContext) -> str:
    urls = ctx.state.services.base_urls
    return str(urls.get("googleCloudNaturalLanguage") or urls.get("google") or DEFAULT_BASE).rstrip("/")


def _sentiment_body(ctx: NodeContext, i: int) -> dict[str, Any]:
    """The ``documents:analyzeSentiment`` request body for item ``i`` (n8n's key order)."""
    options = ctx.param("options", i, {}) or {}
    document: dict[str, Any] = {"type": options.get("documentType") or "PLAIN_TEXT"}
    body: dict[str, Any] = {"document": document, "encodingType": options.get("encodingType") or "UTF16"}
    if ctx.param("source", i, "content") == "content":
        key, value = "content", ctx.param("content", i, "")
    else:
        key, value = "gcsContentUri", ctx.param("gcsContentUri", i, "")
    if value is not None:  # JSON.stringify drops an undefined value
        document[key] = value
    if options.get("language"):
        document["language"] = options["language"]
    return body


@register("n8n-nodes-base.googleCloudNaturalLanguage", versions=(1,), display_name=DISPLAY)
def google_cloud_natural_language(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "document")
    operation = ctx.param("operation", 0, "analyzeSentiment")
    if (resource, operation) != ("document", "analyzeSentiment"):
        raise unsupported(DISPLAY, resource, operation)
    api = Api(ctx, _base(ctx), CREDENTIAL, headers=_HEADERS)
    responses = [api.call("POST", "/v1/documents:analyzeSentiment", i, body=_sentiment_body(ctx, i))
                 for i in range(len(ctx.input(0)))]
    return [json_array(responses)]
