"""HTTP for node handlers: one place for the client, credentials, outbound policy and API errors.

Service nodes call :func:`request`; it picks the injected client (``services.http``), applies the
node's credential of ``credential_type`` (API key header/query, basic, bearer, OAuth2 with one
refresh on 401), enforces ``services.outbound_policy``, and turns transport failures and non-2xx
answers into :class:`NodeApiError` with n8n-like messages. :func:`base_url` lets configuration
point a service at another server (tests use local fakes on 127.0.0.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automatelanka.engine.errors import NodeApiError, NodeError

if TYPE_CHECKING:
    import httpx

    from automatelanka.engine.nodes.base import NodeContext


def base_url(ctx: NodeContext, service: str, default: str) -> str:
    """The configured base URL of ``service`` (no trailing slash), else ``default``."""
    return (ctx.state.services.base_urls.get(service) or default).rstrip("/")


def credential(ctx: NodeContext, credential_type: str, *, required: bool = True) -> dict[str, Any] | None:
    """Decrypted fields of the node's credential of ``credential_type``.

    Raises a NodeError naming the credential when it is not connected (``required``).
    """
    ref = ctx.node.credentials.get(credential_type)
    if ref is None:
        if required:
            raise NodeError(f"Node {ctx.node.name!r} needs a {credential_type} credential",
                            description="Connect one with 'al creds add' and select it in the node.")
        return None
    resolver = ctx.state.services.credentials
    if resolver is None:
        name = ref.get("name") if isinstance(ref, dict) else ref
        raise NodeError(f"missing credential: {credential_type} {name!r} is not available in this run",
                        description="Credentials are resolved by the daemon; 'al run' offline has none.")
    return resolver(credential_type, ref if isinstance(ref, dict) else {"name": ref})


def client(ctx: NodeContext, **kwargs: Any) -> httpx.Client:
    """An httpx client from the injected factory (tests inject transports or local servers)."""
    factory = ctx.state.services.http
    if factory is None:
        import httpx

        return httpx.Client(**kwargs)
    return factory(**kwargs)


def check_outbound(ctx: NodeContext, url: str) -> None:
    policy = ctx.state.services.outbound_policy
    if policy is not None:
        try:
            policy(url)
        except ValueError as exc:
            raise NodeError(f"Request to {url} is not allowed: {exc}") from None


def request(
    ctx: NodeContext,
    method: str,
    url: str,
    *,
    auth: dict[str, Any] | None = None,
    item_index: int = 0,
    timeout: float | None = 300.0,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; raise NodeApiError for transport errors and non-2xx answers.

    ``auth`` describes how to authenticate: ``{"bearer": token}``, ``{"header": (name, value)}``,
    ``{"query": (name, value)}``, ``{"basic": (user, password)}`` (already resolved by the caller
    from its credential), or ``{"oauth2": credential_type}``: the node's OAuth2 credential's
    ``oauthTokenData.access_token`` as bearer, refreshed once through
    ``services.refresh_credentials`` after a 401.
    """
    import httpx

    if auth and "oauth2" in auth:
        return _oauth2_request(ctx, method, url, auth["oauth2"], item_index=item_index, timeout=timeout, **kwargs)
    check_outbound(ctx, url)
    headers = dict(kwargs.pop("headers", None) or {})
    params = kwargs.pop("params", None)
    basic = None
    if auth:
        if "bearer" in auth:
            headers["Authorization"] = f"Bearer {auth['bearer']}"
        if "header" in auth:
            headers[auth["header"][0]] = auth["header"][1]
        if "query" in auth:
            params = {**(params or {}), auth["query"][0]: auth["query"][1]}
        if "basic" in auth:
            basic = httpx.BasicAuth(*auth["basic"])
    try:
        with client(ctx, timeout=timeout) as http:
            response = http.request(method, url, headers=headers, params=params, auth=basic, **kwargs)
    except httpx.TimeoutException:
        raise NodeApiError(f"The request to {url} timed out", item_index=item_index, http_code="ETIMEDOUT") from None
    except httpx.HTTPError as exc:
        raise NodeApiError(f"The service was not able to process your request: network unreachable ({exc})",
                           item_index=item_index, http_code="ECONNREFUSED") from None
    if response.status_code >= 400:
        raise api_error(response, item_index)
    return response


def oauth2_token(fields: dict[str, Any] | None) -> str:
    """The access token of decrypted OAuth2 credential fields (as n8n stores them)."""
    token_data = (fields or {}).get("oauthTokenData") or {}
    return str(token_data.get("access_token") or "") if isinstance(token_data, dict) else ""


def _oauth2_request(ctx: NodeContext, method: str, url: str, credential_type: str, *, item_index: int,
                    timeout: float | None, **kwargs: Any) -> httpx.Response:
    fields = credential(ctx, credential_type)
    try:
        return request(ctx, method, url, auth={"bearer": oauth2_token(fields)}, item_index=item_index,
                       timeout=timeout, **kwargs)
    except NodeApiError as exc:
        refresh = ctx.state.services.refresh_credentials
        if exc.http_code != "401" or refresh is None:
            raise
    ref = ctx.node.credentials.get(credential_type)
    try:
        fields = refresh(credential_type, ref if isinstance(ref, dict) else {"name": ref})
    except Exception as err:  # the grant was revoked or the token endpoint failed
        raise NodeError(f"Could not refresh the {credential_type} credential: {err}",
                        description="Reconnect the credential.", item_index=item_index) from None
    return request(ctx, method, url, auth={"bearer": oauth2_token(fields)}, item_index=item_index,
                   timeout=timeout, **kwargs)


_MESSAGE_KEYS = ("cause", "error", "message", "Message", "msg", "messages", "description", "reason", "detail",
                 "details", "errors", "errorMessage", "errorMessages", "ErrorMessage", "error_message",
                 "_error_message", "errorDescription", "error_description", "error_summary", "error_info",
                 "title", "text", "field", "err", "type")
_NESTED_KEYS = ("Error", "error", "err", "response", "body", "data")


def find_error_message(body: Any, nested: bool = True) -> str | None:
    """The error text n8n's NodeApiError finds in an API error body (its key precedence)."""
    if not isinstance(body, dict):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if not value:
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list):
            parts = [str(v) if isinstance(v, str | int | float) else find_error_message(v, False) for v in value]
            parts = [p for p in parts if p is not None]
            return " | ".join(parts) if parts else None
        if isinstance(value, dict):
            found = find_error_message(value, False)
            if found:
                return found
    if nested:
        for key in _NESTED_KEYS:
            found = find_error_message(body.get(key), True) if isinstance(body.get(key), dict) else None
            if found:
                return found
    return None


def api_error(response: httpx.Response, item_index: int = 0) -> NodeApiError:
    """n8n's NodeApiError for a non-2xx response."""
    status = response.status_code
    messages = {400: "Bad request - please check your parameters",
                401: "Authorization failed - please check your credentials",
                403: "Forbidden - perhaps check your credentials?",
                404: "The resource you are requesting could not be found",
                429: "The service is receiving too many requests from you",
                500: "The service was not able to process your request"}
    message = messages.get(status, f"Request failed with status code {status}")
    try:
        detail: Any = response.json()
    except ValueError:
        detail = response.text[:1000]
    description = find_error_message(detail) if isinstance(detail, dict) else detail
    return NodeApiError(message, description=str(description) if description else None, item_index=item_index,
                        http_code=str(status), context={"errorResponse": detail})


def oauth2_request(
    ctx: NodeContext,
    credential_type: str,
    method: str,
    url: str,
    *,
    item_index: int = 0,
    **kwargs: Any,
) -> httpx.Response:
    """:func:`request` with an OAuth2 credential's ``oauthTokenData.access_token`` as bearer.

    On a 401 the credential is refreshed once through ``services.refresh_credentials`` (when the
    platform provides it) and the request retried once; a failed refresh is a NodeError naming
    the credential.
    """
    fields = credential(ctx, credential_type) or {}
    token = (fields.get("oauthTokenData") or {}).get("access_token")
    if not token:
        raise NodeError(f"The {credential_type} credential has no access token",
                        description="Connect the credential again to grant access.")
    try:
        return request(ctx, method, url, auth={"bearer": token}, item_index=item_index, **kwargs)
    except NodeApiError as exc:
        refresh = ctx.state.services.refresh_credentials
        if exc.http_code != "401" or refresh is None:
            raise
    ref = ctx.node.credentials.get(credential_type)
    try:
        fields = refresh(credential_type, ref if isinstance(ref, dict) else {"name": ref}) or {}
    except Exception as exc:  # the platform reports why (revoked grant, network)
        raise NodeError(f"Could not refresh the {credential_type} credential: {exc}",
                        description="Connect the credential again to grant access.") from None
    token = (fields.get("oauthTokenData") or {}).get("access_token")
    return request(ctx, method, url, auth={"bearer": token}, item_index=item_index, **kwargs)
