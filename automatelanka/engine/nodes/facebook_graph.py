"""Facebook Graph API (n8n-nodes-base.facebookGraphApi v1): a generic Graph API request per item.

URL ``https://<hostUrl>/<version>/<node>[/<edge>]`` (a configured ``facebookGraphApi`` base URL
replaces ``https://<hostUrl>``); ``access_token`` from the facebookGraphApi credential, fields and
query parameters from the options; a binary property can be sent as multipart (``name:prop``).
Under continue-on-fail an API error becomes ``{statusCode, ...error, headers}`` as in n8n.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import binary_bytes
from automatelanka.engine.nodes.base import NodeContext, register


def _request(ctx: NodeContext, fields: dict[str, Any], item: dict[str, Any], i: int) -> Any:
    p = ctx.param
    version = str(p("graphApiVersion", i, "") or "")
    host = ctx.state.services.base_urls.get("facebookGraphApi") or f"https://{p('hostUrl', i, 'graph.facebook.com')}"
    url = f"{host.rstrip('/')}/{version + '/' if version else ''}{p('node', i, '')}"
    edge = p("edge", i, "")
    if edge:
        url = f"{url}/{edge}"
    qs: dict[str, Any] = {"access_token": fields.get("accessToken")}
    options = p("options", i, {}) or {}
    field_list = (options.get("fields") or {}).get("field")
    if field_list is not None:
        qs["fields"] = ",".join(str(f.get("name")) for f in field_list)
    for param in ((options.get("queryParameters") or {}).get("parameter") or []):
        qs[param.get("name")] = param.get("value")
    if options.get("queryParametersJson"):
        with contextlib.suppress(ValueError, TypeError):
            qs.update(json.loads(options["queryParametersJson"]))
    kwargs: dict[str, Any] = {"headers": {"accept": "application/json,text/*;q=0.99"},
                              "params": {k: v for k, v in qs.items() if v is not None},
                              "verify": not p("allowUnauthorizedCerts", i, False)}
    if p("sendBinaryData", i, False):
        full = str(p("binaryPropertyName", i, ""))
        field_name, prop = full.split(":", 1) if ":" in full else ("file", full)
        data, entry = binary_bytes(item, prop, i)
        kwargs["files"] = {field_name: (entry.get("fileName") or "file", data,
                                        entry.get("mimeType") or "application/octet-stream")}
    return request(ctx, p("httpRequestMethod", i, "GET"), url, item_index=i, never_error=True, **kwargs)


@register("n8n-nodes-base.facebookGraphApi", versions=(1,), display_name="Facebook Graph API")
@register("n8n-nodes-base.facebookGraphApiTool", versions=(1,), display_name="Facebook Graph API Tool")
def facebook_graph_api(ctx: NodeContext) -> NodeOutput:
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        fields = credential(ctx, "facebookGraphApi") or {}
        try:
            response = _request(ctx, fields, item, i)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            out.append({"json": {"message": exc.message}})
            continue
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            if not ctx.continue_on_fail:
                from automatelanka.engine.nodes._http import api_error

                raise api_error(response, i)
            graph_error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
            out.append({"json": {"statusCode": response.status_code, **graph_error,
                                 "headers": dict(response.headers)}})
            continue
        if isinstance(body, str):
            if not ctx.continue_on_fail:
                raise NodeError("Response body is not valid JSON.", item_index=i)
            out.append({"json": {"message": body}})
            continue
        out.append({"json": body})
    return [out]
