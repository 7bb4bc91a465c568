"""Shared helpers of the Google nodes (Sheets, Drive, Gmail, Calendar, Docs): auth, URLs, paging.

Authentication follows the node's ``authentication`` parameter as n8n does:

- ``serviceAccount``: the ``googleApi`` credential (``email``, ``privateKey``, ``delegatedEmail``)
  signs an RS256 JWT (PyJWT) that is exchanged at the token endpoint for an access token
  (``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``); tokens are cached per execution.
- anything else (``oAuth2``, ``triggerOAuth2``): the node's OAuth2 credential
  (``oauthTokenData.access_token``) through :func:`_http.oauth2_request` (one refresh on 401).

Base URLs (``services.base_urls``): each API has its own key with n8n's default URL, and the one
``"google"`` key, when configured, serves every API that has no key of its own (so a single local
fake can stand in for all of Google):

==============  ================================  =============================================
key             default                           used by
==============  ================================  =============================================
``google``      https://www.googleapis.com        Gmail, Drive, Calendar (and the fallback)
``sheets``      https://sheets.googleapis.com     Sheets
``docs``        https://docs.googleapis.com/v1    Docs
``google_oauth`` https://oauth2.googleapis.com/token  service-account token exchange
==============  ================================  =============================================

When only ``google`` is configured, the token endpoint is ``<google>/token``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.nodes import _http

if TYPE_CHECKING:
    import httpx

    from automatelanka.engine.nodes.base import NodeContext

_DEFAULTS = {
    "google": "https://www.googleapis.com",
    "sheets": "https://sheets.googleapis.com",
    "docs": "https://docs.googleapis.com/v1",
}
TOKEN_URL = "https://oauth2.googleapis.com/token"

#: Service-account scopes per API, as n8n requests them.
SCOPES = {
    "docs": ["https://www.googleapis.com/auth/documents", "https://www.googleapis.com/auth/drive",
             "https://www.googleapis.com/auth/drive.file"],
    "drive": ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.appdata",
              "https://www.googleapis.com/auth/drive.photos.readonly"],
    "gmail": ["https://www.googleapis.com/auth/gmail.labels",
              "https://www.googleapis.com/auth/gmail.addons.current.action.compose",
              "https://www.googleapis.com/auth/gmail.addons.current.message.action",
              "https://mail.google.com/", "https://www.googleapis.com/auth/gmail.modify",
              "https://www.googleapis.com/auth/gmail.compose"],
    "sheetV1": ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file",
                "https://www.googleapis.com/auth/spreadsheets"],
    "sheetV2": ["https://www.googleapis.com/auth/drive.file", "https://www.googleapis.com/auth/spreadsheets",
                "https://www.googleapis.com/auth/drive.metadata"],
    "calendar": ["https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events"],
}


def api_base(ctx: NodeContext, api: str) -> str:
    """Base URL of ``api`` ("google", "sheets", "docs"): its own key, else "google", else n8n's."""
    urls = ctx.state.services.base_urls
    if urls.get(api):
        return urls[api].rstrip("/")
    if urls.get("google"):
        return urls["google"].rstrip("/")
    return _DEFAULTS[api]


def token_url(ctx: NodeContext) -> str:
    urls = ctx.state.services.base_urls
    if urls.get("google_oauth"):
        return urls["google_oauth"]
    if urls.get("google"):
        return urls["google"].rstrip("/") + "/token"
    return TOKEN_URL


def format_private_key(key: str) -> str:
    """A PEM key whose newlines may have been saved as literal ``\\n`` (n8n's formatPrivateKey)."""
    key = (key or "").strip().replace("\\n", "\n")
    return key if key.endswith("\n") else key + "\n"


def service_account_token(ctx: NodeContext, fields: dict[str, Any], scope_key: str) -> str:
    """An access token for a service account (JWT bearer grant), cached for this execution."""
    import jwt

    email = str(fields.get("email") or "").strip()
    subject = fields.get("delegatedEmail") or email
    cache = ctx.state.cache.setdefault("google_sa_tokens", {})
    key = (email, subject, scope_key)
    now = int(time.time())
    cached = cache.get(key)
    if cached and cached[1] > now + 60:
        return cached[0]
    claims = {"iss": email, "sub": subject, "scope": " ".join(SCOPES[scope_key]),
              "aud": "https://oauth2.googleapis.com/token", "iat": now, "exp": now + 3600}
    try:
        assertion = jwt.encode(claims, format_private_key(str(fields.get("privateKey") or "")),
                               algorithm="RS256", headers={"typ": "JWT", "alg": "RS256"})
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise NodeApiError("Authorization failed - please check your credentials",
                           description=f"The service account private key is not valid: {exc}",
                           http_code="401") from None
    response = _http.request(ctx, "POST", token_url(ctx), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
    body = response.json()
    token = body.get("access_token")
    if not token:
        raise NodeError("The Google token endpoint returned no access token")
    cache[key] = (token, now + int(body.get("expires_in") or 3600))
    return token


class GoogleApi:
    """Authenticated requests for one Google node run."""

    def __init__(self, ctx: NodeContext, oauth_type: str, scope_key: str, *,
                 default_auth: str = "oAuth2", api: str = "google") -> None:
        self.ctx = ctx
        self.oauth_type = oauth_type
        self.scope_key = scope_key
        self.auth = ctx.param("authentication", 0, default_auth) or default_auth
        self.base = api_base(ctx, api)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base + path

    def send(self, method: str, path: str, *, item_index: int = 0, **kwargs: Any) -> httpx.Response:
        """One request; ``path`` is appended to the API base unless it is a full URL."""
        url = self.url(path)
        if self.auth == "serviceAccount":
            fields = _http.credential(self.ctx, "googleApi") or {}
            token = service_account_token(self.ctx, fields, self.scope_key)
            return _http.request(self.ctx, method, url, auth={"bearer": token}, item_index=item_index, **kwargs)
        oauth_type = self.oauth_type
        if self.auth == "triggerOAuth2" and oauth_type == "googleSheetsOAuth2Api":
            oauth_type = "googleSheetsTriggerOAuth2Api"
        return _http.oauth2_request(self.ctx, oauth_type, method, url, item_index=item_index, **kwargs)

    def json(self, method: str, path: str, *, body: Any = None, params: Any = None,
             item_index: int = 0, **kwargs: Any) -> Any:
        """A JSON request (n8n drops an empty body); the parsed answer (``{}`` when empty)."""
        if body is not None and body != {}:
            kwargs["json"] = body
        response = self.send(method, path, params=_clean(params), item_index=item_index, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    def pages(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None,
              item_index: int = 0, page_size: tuple[str, int] | None = ("maxResults", 100)) -> Iterator[Any]:
        """Every page of a ``pageToken``/``nextPageToken`` listing."""
        query = dict(params or {})
        if page_size:
            query[page_size[0]] = page_size[1]
        while True:
            page = self.json(method, path, params=query, body=body, item_index=item_index)
            yield page
            token = page.get("nextPageToken") if isinstance(page, dict) else None
            if not token:
                return
            query["pageToken"] = token

    def all_items(self, prop: str, method: str, path: str, **kwargs: Any) -> list[Any]:
        """``apiRequestAllItems``: concatenate ``page[prop]`` over every page."""
        out: list[Any] = []
        for page in self.pages(method, path, **kwargs):
            out.extend(page.get(prop) or [])
        return out


def _clean(params: Any) -> Any:
    """Query parameters as httpx wants them (booleans as JS prints them, no None); lists of pairs
    pass unchanged."""
    if not params:
        return None
    if isinstance(params, list):
        return params
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        out[key] = value
    return out


def locator_value(value: Any) -> str:
    """The value of a resource locator ``{__rl, mode, value}`` (or a plain string)."""
    if isinstance(value, dict):
        return str(value.get("value") or "")
    return "" if value is None else str(value)


def not_supported(ctx: NodeContext, display: str, resource: str, operation: str) -> NodeError:
    return ctx.error(f"{display}: operation '{resource}/{operation}' is not supported yet")
