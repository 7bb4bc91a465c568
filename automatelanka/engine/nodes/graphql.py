"""GraphQL node (n8n-nodes-base.graphql v1, v1.1): one query per input item.

POST sends ``{query, variables, operationName}`` as JSON (``requestFormat: json``, the v1.1
default) or the raw query as ``application/graphql`` (v1's default); GET sends the query in the
query string. Non-2xx answers are not errors (n8n uses ``simple: false``); a body with
``errors[]`` is, with the joined messages.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _http
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.http_request import _decode, resolve_auth

_AUTH = {"basicAuth": "httpBasicAuth", "customAuth": "httpCustomAuth", "digestAuth": "httpDigestAuth",
         "headerAuth": "httpHeaderAuth", "queryAuth": "httpQueryAuth", "oAuth1": "oAuth1Api", "oAuth2": "oAuth2Api"}


def _variables(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value or "{}")
        except ValueError as exc:
            raise NodeError(f"Using variables failed:\n{value}\n\nWith error message:\n{exc}") from None
    if isinstance(value, dict):
        return value
    raise NodeError(f"Using variables failed:\n{value}\n\nGraphQL variables should be either an object or a "
                    "string.")


def _query_once(ctx: NodeContext, i: int, auth_kind: str | None) -> Any:
    method = str(ctx.param("requestMethod", i, "POST")).upper()
    endpoint = ctx.param("endpoint", i, "")
    request_format = ctx.param("requestFormat", i, "json")
    headers = {"content-type": f"application/{request_format}"}
    for p in (ctx.param("headerParametersUi", i, {}) or {}).get("parameter") or []:
        headers[p.get("name", "")] = p.get("value", "")
    auth, oauth2 = resolve_auth(ctx, auth_kind, i)
    query = ctx.param("query", i, "")
    params: dict[str, Any] = {}
    if method == "GET":
        params["query"] = query
    body: Any = dict((auth or {}).get("body") or {})
    if request_format == "json":
        operation = ctx.param("operationName", i, "")
        body = {**body, "query": query, "variables": _variables(ctx.param("variables", i, {})),
                "operationName": operation if operation != "" else None}
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        content = str(query).encode()
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise NodeError(f"Invalid URL: {endpoint}", item_index=i)
    response = _http.request(ctx, method, endpoint, auth=auth, oauth2=oauth2, item_index=i, never_error=True,
                             verify=not ctx.param("allowUnauthorizedCerts", i, False), headers=headers,
                             params=params or None, content=content)
    text = _decode(response.content, response.headers.get("content-type", ""))
    if request_format == "json":
        try:
            return json.loads(text) if text else text
        except ValueError:
            return text
    return text


@register("n8n-nodes-base.graphql", versions=(1, 1.1), display_name="GraphQL")
def graphql(ctx: NodeContext) -> NodeOutput:
    """GraphQL v1/v1.1."""
    authentication = ctx.param("authentication", 0, "none")
    auth_kind = _AUTH.get(authentication)
    response_format = ctx.param("responseFormat", 0, "json")
    output: list[dict[str, Any]] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            response = _query_once(ctx, i, auth_kind)
            if response_format == "string":
                output.append({"json": {ctx.param("dataPropertyName", 0, "data"): response}})
            else:
                if isinstance(response, str):
                    try:
                        response = json.loads(response)
                    except ValueError:
                        raise NodeError('Response body is not valid JSON. Change "Response Format" to "String"',
                                        item_index=i) from None
                values = response if isinstance(response, list) else [response]
                output.extend({"json": v if isinstance(v, dict) else {}, "pairedItem": {"item": i}} for v in values)
            if isinstance(response, str) and response.startswith('{"errors":'):
                try:
                    parsed = json.loads(response)
                    if isinstance(parsed.get("errors"), list):
                        response = parsed
                except ValueError:
                    pass
            if isinstance(response, dict) and response.get("errors"):
                errors = response["errors"]
                message = ", ".join(str(e.get("message")) for e in errors if isinstance(e, dict)) \
                    if isinstance(errors, list) else ""
                raise NodeApiError(message or "Unexpected error", item_index=i, context={"errorResponse": errors})
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            output.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
    return [output]
