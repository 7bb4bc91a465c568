"""HTTP for node handlers: one place for the client, credentials, outbound policy and API errors.

Service nodes call :func:`request`; it picks the injected client (``services.http``), applies the
node's credential of ``credential_type`` (API key header/query, basic, bearer, OAuth2 with one
refresh on 401: :func:`oauth2_request`), enforces ``services.outbound_policy`` on every redirect hop,
streams bodies up to a size limit, and turns transport failures and non-2xx answers into
:class:`NodeApiError` with n8n's messages (``error.context["reason"]`` holds the axios-like error
object n8n's HTTP Request node emits under continueOnFail). :func:`auth_for` maps a credential
type and its fields to an ``auth`` description. :func:`base_url` lets configuration
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


#: Largest response body read by default (``services.limits.http_max_response_bytes`` overrides).
DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024

#: n8n's NodeApiError messages per HTTP status (``STATUS_CODE_MESSAGES``).
STATUS_MESSAGES = {
    400: "Bad request - please check your parameters",
    401: "Authorization failed - please check your credentials",
    402: "Payment required - perhaps check your payment details?",
    403: "Forbidden - perhaps check your credentials?",
    404: "The resource you are requesting could not be found",
    405: "Method not allowed - please check you are using the right HTTP method",
    429: "The service is receiving too many requests from you",
    500: "The service was not able to process your request",
    502: "Bad gateway - the service failed to handle your request",
    503: "Service unavailable - try again later or consider setting this node to retry automatically "
         "(in the node settings)",
    504: "Gateway timed out - perhaps try again later?",
}

#: n8n's messages for transport error codes.
CONNECTION_MESSAGES = {
    "ECONNREFUSED": "The service refused the connection - perhaps it is offline",
    "ECONNRESET": "The connection to the server was closed unexpectedly, perhaps it is offline. "
                  "You can retry the request immediately or wait and retry later.",
    "ENOTFOUND": "The connection cannot be established, this usually occurs due to an incorrect host (domain) value",
    "ETIMEDOUT": "The connection timed out, consider setting the 'Retry on Fail' option in the node settings",
    "ECONNABORTED": "The connection was aborted, perhaps the server is offline",
    "EHOSTUNREACH": "The host is unreachable, perhaps the server is offline",
    "ENETUNREACH": "The network is unreachable, perhaps the server is offline",
}

_REDIRECT_CODES = (301, 302, 303, 307, 308)


def check_outbound(ctx: NodeContext, url: str) -> None:
    """Apply ``services.outbound_policy`` to ``url`` (a NodeError names the reason)."""
    policy = ctx.state.services.outbound_policy
    if policy is not None:
        try:
            policy(url)
        except ValueError as exc:
            raise NodeError(f"Request to {_safe_url(url)} is not allowed: {exc}") from None


def max_response_bytes(ctx: NodeContext) -> int:
    """The configured response size limit in bytes."""
    return int(getattr(ctx.state.services.limits, "http_max_response_bytes", 0) or DEFAULT_MAX_RESPONSE_BYTES)


def apply_auth(auth: dict[str, Any] | None, headers: dict[str, str], params: Any) -> tuple[Any, Any]:
    """Put ``auth`` into ``headers`` (in place) and ``params``; returns ``(params, httpx_auth)``.

    ``auth`` forms: ``{"bearer": token}``, ``{"header": (name, value)}``, ``{"headers": {...}}``,
    ``{"query": (name, value)}``, ``{"query_params": {...}}``, ``{"basic": (user, password)}``,
    ``{"digest": (user, password)}`` (several may be combined).
    """
    import httpx

    http_auth = None
    if not auth:
        return params, None
    if "bearer" in auth:
        headers["Authorization"] = f"Bearer {auth['bearer']}"
    if "header" in auth:
        headers[auth["header"][0]] = auth["header"][1]
    for name, value in (auth.get("headers") or {}).items():
        headers[name] = value
    if "query" in auth:
        name, value = auth["query"]
        if isinstance(params, list):
            params = [*params, (name, value)]
        else:
            params = {**(params or {}), name: value}
    for name, value in (auth.get("query_params") or {}).items():
        params = [*params, (name, value)] if isinstance(params, list) else {**(params or {}), name: value}
    if "basic" in auth:
        http_auth = httpx.BasicAuth(*(str(x or "") for x in auth["basic"]))
    if "digest" in auth:
        http_auth = httpx.DigestAuth(*(str(x or "") for x in auth["digest"]))
    return params, http_auth


def request(
    ctx: NodeContext,
    method: str,
    url: str,
    *,
    auth: dict[str, Any] | None = None,
    item_index: int = 0,
    timeout: float | None = 300.0,
    never_error: bool = False,
    follow_redirects: bool = True,
    max_redirects: int = 21,
    verify: bool = True,
    proxy: str | None = None,
    max_bytes: int | None = None,
    oauth2: tuple[str, dict[str, Any]] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request and read its body; raise NodeApiError for transport errors and non-2xx.

    ``auth`` is described in :func:`apply_auth`. ``oauth2=(credential_type, fields)`` sends the
    OAuth2 access token and, on a 401, refreshes the credential once through
    ``services.refresh_credentials`` and retries. ``never_error`` returns non-2xx responses
    instead of raising. Redirects are followed by hand so every hop passes the outbound policy.
    The body is streamed and the request fails past ``max_bytes`` (default
    :func:`max_response_bytes`). Remaining ``kwargs`` (``json``, ``params``, ``data``, ``files``,
    ``content``, ``headers``) go to httpx.
    """
    if oauth2 is not None:
        return _oauth2_request(ctx, method, url, oauth2, item_index=item_index, timeout=timeout,
                               never_error=never_error, follow_redirects=follow_redirects,
                               max_redirects=max_redirects, verify=verify, proxy=proxy, max_bytes=max_bytes,
                               auth=auth, **kwargs)
    headers = dict(kwargs.pop("headers", None) or {})
    params, http_auth = apply_auth(auth, headers, kwargs.pop("params", None))
    limit = max_bytes or max_response_bytes(ctx)
    client_kwargs: dict[str, Any] = {"timeout": timeout}
    if not verify:
        client_kwargs["verify"] = False
    if proxy:
        client_kwargs["proxy"] = proxy
    response = _send(ctx, method, url, headers=headers, params=params, http_auth=http_auth, limit=limit,
                     follow_redirects=follow_redirects, max_redirects=max_redirects, item_index=item_index,
                     client_kwargs=client_kwargs, **kwargs)
    if response.status_code >= 400 and not never_error:
        raise api_error(response, item_index)
    return response


def _send(ctx: NodeContext, method: str, url: str, *, headers: dict[str, str], params: Any, http_auth: Any,
          limit: int, follow_redirects: bool, max_redirects: int, item_index: int,
          client_kwargs: dict[str, Any], **kwargs: Any) -> httpx.Response:
    import httpx

    check_outbound(ctx, url)
    if params and "?" in url:
        # httpx replaces a URL's own query with ``params``; n8n's clients merge the two
        # (a "next page" URL plus the node's query parameters).
        url, params = str(httpx.URL(url).copy_merge_params(params)), None
    try:
        with client(ctx, **client_kwargs) as http:
            req = http.build_request(method, url, headers=headers, params=params, **kwargs)
            hops = 0
            while True:
                response = http.send(req, auth=http_auth, stream=True, follow_redirects=False)
                try:
                    if follow_redirects and response.status_code in _REDIRECT_CODES and "location" in response.headers:
                        next_request = response.next_request
                        if next_request is None:
                            _read_limited(response, limit, item_index)
                            return response
                        hops += 1
                        if hops > max_redirects:
                            raise NodeApiError("Maximum number of redirects exceeded", item_index=item_index,
                                               http_code=str(response.status_code),
                                               context={"reason": {"message": "Maximum number of redirects exceeded",
                                                                   "name": "AxiosError",
                                                                   "code": "ERR_FR_TOO_MANY_REDIRECTS"}})
                        check_outbound(ctx, str(next_request.url))
                        req = next_request
                        continue
                    _read_limited(response, limit, item_index)
                    return response
                finally:
                    response.close()
    except httpx.TimeoutException:
        raise transport_error(url, "ETIMEDOUT", f"timeout of {int((client_kwargs.get('timeout') or 0) * 1000)}ms "
                                                "exceeded", item_index) from None
    except httpx.InvalidURL as exc:
        raise NodeError(f"Invalid URL: {url}", description=str(exc), item_index=item_index) from None
    except httpx.HTTPError as exc:
        code, detail = _error_code(exc, url)
        raise transport_error(url, code, detail, item_index) from None


def _read_limited(response: httpx.Response, limit: int, item_index: int) -> None:
    """Read a streamed body into ``response`` (as ``response.read()`` would), up to ``limit`` bytes."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, item_index)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, item_index)
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what httpx.Response.read() stores


def _too_large(limit: int, item_index: int) -> NodeError:
    return NodeError(f"The response is larger than the allowed {limit // (1024 * 1024) or limit} "
                     f"{'MB' if limit >= 1024 * 1024 else 'bytes'}",
                     description="Raise the response size limit in the platform settings, or ask the "
                                 "service for less data (pagination, filters).", item_index=item_index)


def _error_code(exc: Exception, url: str) -> tuple[str, str]:
    """An errno-like code and a Node-like message for a transport exception."""
    from urllib.parse import urlsplit

    text = str(exc) or exc.__class__.__name__
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    lowered = text.lower()
    if "refused" in lowered:
        return "ECONNREFUSED", f"connect ECONNREFUSED {where}"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered \
            or "no address associated" in lowered or "temporary failure in name resolution" in lowered:
        return "ENOTFOUND", f"getaddrinfo ENOTFOUND {parts.hostname}"
    if "network is unreachable" in lowered:
        return "ENETUNREACH", f"connect ENETUNREACH {where}"
    if "no route to host" in lowered or "host is unreachable" in lowered:
        return "EHOSTUNREACH", f"connect EHOSTUNREACH {where}"
    if "reset" in lowered or "remoteprotocolerror" in lowered or "disconnected" in lowered:
        return "ECONNRESET", "socket hang up"
    if "certificate" in lowered or "ssl" in lowered:
        return "CERT_ERROR", text
    return "ECONNABORTED", text


def transport_error(url: str, code: str, detail: str, item_index: int = 0) -> NodeApiError:
    """A clean NodeApiError for a request that got no answer (never a traceback)."""
    message = CONNECTION_MESSAGES.get(code, f"The service was not able to process your request: {detail}")
    return NodeApiError(message, description=f"{detail} ({_safe_url(url)})", item_index=item_index,
                        http_code=code, context={"reason": {"message": detail, "name": "Error", "code": code}})


def _safe_url(url: str) -> str:
    """``url`` without user:password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def api_error(response: httpx.Response, item_index: int = 0) -> NodeApiError:
    """n8n's NodeApiError for a non-2xx response (``context["reason"]`` is axios' error shape)."""
    status = response.status_code
    if status in STATUS_MESSAGES:
        message = STATUS_MESSAGES[status]
    elif 400 <= status < 500:
        message = "Your request is invalid or could not be processed by the service"
    elif status >= 500:
        message = "The service failed to process your request"
    else:
        message = f"Request failed with status code {status}"
    try:
        detail: Any = response.json()
    except ValueError:
        detail = response.text[:1000]
    if isinstance(detail, dict):
        description = detail.get("message") or detail.get("error") or detail.get("error_description")
        if isinstance(description, dict):
            description = description.get("message") or description
        if not description:
            description = find_error_message(detail)
    else:
        description = detail
    reason = {"message": f"{status} - {_json_text(response.text)}", "name": "AxiosError",
              "code": "ERR_BAD_REQUEST" if status < 500 else "ERR_BAD_RESPONSE", "status": status}
    if status == 429:
        reason["message"] = "Try spacing your requests out using the batching settings under 'Options'"
    return NodeApiError(message, description=str(description) if description else None, item_index=item_index,
                        http_code=str(status), context={"errorResponse": detail, "reason": reason})


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
            found = [p for p in parts if p is not None]
            return " | ".join(found) if found else None
        if isinstance(value, dict):
            inner = find_error_message(value, False)
            if inner:
                return inner
    if nested:
        for key in _NESTED_KEYS:
            inner = find_error_message(body.get(key), True) if isinstance(body.get(key), dict) else None
            if inner:
                return inner
    return None


def _json_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


# -- credentials --------------------------------------------------------------------------------

#: How predefined (service) credential types authenticate, for the types handled generically.
#: Values: ``(kind, field, extra_headers)`` with kind bearer / header:<name> / query:<name> / basic.
PREDEFINED_AUTH: dict[str, tuple[str, str, dict[str, str]]] = {
    "slackApi": ("bearer", "accessToken", {}),
    "openAiApi": ("bearer", "apiKey", {}),
    "githubApi": ("header:Authorization", "accessToken", {}),
    "notionApi": ("bearer", "apiKey", {"Notion-Version": "2022-02-22"}),
    "airtableTokenApi": ("bearer", "accessToken", {}),
    "airtableApi": ("bearer", "apiKey", {}),
    "httpBearerAuth": ("bearer", "token", {}),
    "anthropicApi": ("header:x-api-key", "apiKey", {"anthropic-version": "2023-06-01"}),
    "mistralCloudApi": ("bearer", "apiKey", {}),
    "groqApi": ("bearer", "apiKey", {}),
    "openRouterApi": ("bearer", "apiKey", {}),
    "deepSeekApi": ("bearer", "apiKey", {}),
    "perplexityApi": ("bearer", "apiKey", {}),
    "hubspotAppToken": ("bearer", "appToken", {}),
    "todoistApi": ("bearer", "apiKey", {}),
    "discordBotApi": ("header:Authorization", "botToken", {}),
    "supabaseApi": ("header:apikey", "serviceRole", {}),
    "clickUpApi": ("header:Authorization", "accessToken", {}),
    "pipedriveApi": ("query:api_token", "apiToken", {}),
    "googlePalmApi": ("query:key", "apiKey", {}),
    "googleGeminiApi": ("query:key", "apiKey", {}),
    "serpApi": ("query:api_key", "apiKey", {}),
    "mailgunApi": ("basic:api", "apiKey", {}),
    "sendGridApi": ("bearer", "apiKey", {}),
    "stripeApi": ("bearer", "secretKey", {}),
    "zoomApi": ("bearer", "accessToken", {}),
    "jiraSoftwareCloudApi": ("basic:email", "apiToken", {}),
}


def auth_for(credential_type: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The ``auth`` description for a credential of ``credential_type`` (``None`` if unknown).

    Generic types (httpHeaderAuth, httpQueryAuth, httpBasicAuth, httpDigestAuth, httpBearerAuth,
    httpCustomAuth) and the service types in :data:`PREDEFINED_AUTH`; OAuth2 types are handled by
    ``request(..., oauth2=...)`` instead.
    """
    import json

    if credential_type == "httpHeaderAuth":
        return {"header": (str(fields.get("name") or ""), str(fields.get("value") or ""))}
    if credential_type == "httpQueryAuth":
        return {"query": (str(fields.get("name") or ""), str(fields.get("value") or ""))}
    if credential_type == "httpBasicAuth":
        return {"basic": (fields.get("user") or "", fields.get("password") or "")}
    if credential_type == "httpDigestAuth":
        return {"digest": (fields.get("user") or "", fields.get("password") or "")}
    if credential_type == "httpCustomAuth":
        try:
            custom = json.loads(fields.get("json") or "{}")
        except ValueError:
            raise NodeError("Invalid Custom Auth JSON") from None
        auth: dict[str, Any] = {"headers": custom.get("headers") or {}}
        if custom.get("qs"):
            auth["query_params"] = custom["qs"]
        if custom.get("body"):
            auth["body"] = custom["body"]
        return auth
    spec = PREDEFINED_AUTH.get(credential_type)
    if spec is None:
        return None
    kind, field, extra = spec
    value = str(fields.get(field) or "")
    if kind == "bearer":
        auth = {"bearer": value}
    elif kind == "header:Authorization" and credential_type == "githubApi":
        auth = {"header": ("Authorization", f"token {value}")}
    elif kind == "header:Authorization" and credential_type == "discordBotApi":
        auth = {"header": ("Authorization", f"Bot {value}")}
    elif kind.startswith("header:"):
        auth = {"header": (kind.split(":", 1)[1], value)}
    elif kind.startswith("query:"):
        auth = {"query": (kind.split(":", 1)[1], value)}
    else:  # basic:<user field or literal>
        user_key = kind.split(":", 1)[1]
        auth = {"basic": (fields.get(user_key, user_key), value)}
    if extra:
        auth["headers"] = dict(extra)
    return auth


def is_oauth2(credential_type: str) -> bool:
    return "oauth2" in credential_type.lower() or credential_type in ("googleApi",)


def oauth2_token(fields: dict[str, Any]) -> str | None:
    """The access token of an OAuth2 credential as n8n stores it (``oauthTokenData``)."""
    token_data = fields.get("oauthTokenData") or {}
    if isinstance(token_data, str):
        import json

        try:
            token_data = json.loads(token_data)
        except ValueError:
            token_data = {}
    return (token_data.get("access_token") if isinstance(token_data, dict) else None) or fields.get("accessToken")


def _oauth2_header(credential_type: str, token: str) -> dict[str, Any]:
    if credential_type == "shopifyOAuth2Api":
        return {"header": ("X-Shopify-Access-Token", token)}
    return {"bearer": token}


def _oauth2_request(ctx: NodeContext, method: str, url: str, oauth2: tuple[str, dict[str, Any]], *,
                    item_index: int, never_error: bool, auth: dict[str, Any] | None, **kwargs: Any) -> httpx.Response:
    credential_type, fields = oauth2
    token = oauth2_token(fields)
    if not token:
        raise NodeError(f"The {credential_type} credential has no access token",
                        description="Connect the account again (OAuth2 authorisation) and retry.",
                        item_index=item_index)
    base_headers = dict(kwargs.pop("headers", None) or {})

    def attempt(access_token: str, tolerate: bool) -> httpx.Response:
        merged = {**(auth or {}), **_oauth2_header(credential_type, access_token)}
        return request(ctx, method, url, auth=merged, headers=base_headers, item_index=item_index,
                       never_error=tolerate, **kwargs)

    response = attempt(token, True)
    if response.status_code != 401:
        if response.status_code >= 400 and not never_error:
            raise api_error(response, item_index)
        return response
    refresh = ctx.state.services.refresh_credentials
    if refresh is None:
        if never_error:
            return response
        raise api_error(response, item_index)
    ref = ctx.node.credentials.get(credential_type)
    ref = ref if isinstance(ref, dict) else {"name": ref}
    try:
        refreshed = refresh(credential_type, ref)
    except Exception as exc:  # the grant was revoked, the token endpoint failed...
        raise NodeError(f"Could not refresh the {credential_type} credential {ref.get('name')!r}: {exc}",
                        description="Reconnect the account (OAuth2 authorisation) and retry.",
                        item_index=item_index) from None
    new_token = oauth2_token(refreshed or {})
    if not new_token:
        raise NodeError(f"Could not refresh the {credential_type} credential {ref.get('name')!r}: no access token",
                        item_index=item_index)
    return attempt(new_token, never_error)


def oauth2_request(ctx: NodeContext, credential_type: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """``request`` with the node's OAuth2 credential of ``credential_type`` (refresh once on 401)."""
    fields = credential(ctx, credential_type) or {}
    return request(ctx, method, url, oauth2=(credential_type, fields), **kwargs)
