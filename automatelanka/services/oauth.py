"""OAuth 2.0 for credentials: authorization code with PKCE (S256) and state, token refresh.

Providers (Slack, Google, GitHub, Microsoft) and the credential types they serve are listed in
:data:`PROVIDERS`; their URLs, client ids and secrets come from configuration
(``[integrations.<provider>]`` or ``AL_INTEGRATION_<PROVIDER>_<KEY>``: ``client_id``,
``client_secret``, ``authorize_url``, ``token_url``, ``api_url``, ``redirect_url``, ``scopes``).

The ``state`` parameter is sealed (AES-GCM under a key derived from the installation's signing key)
and carries the workspace, the user, the credential type and name, an expiry and the PKCE
verifier, so any worker can finish the flow and nothing is stored before the callback.

Refresh (:func:`refresh`) runs once at a time per credential across workers: the refresher claims
a lease in the credential's metadata with a compare-and-set on ``updated_at``; others wait for
it and use the token it stored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.services import credential_types as ctypes

STATE_TTL_S = 600
#: Refresh this many seconds before the token expires.
REFRESH_MARGIN_S = 60
#: How long a refresher holds the lease, and how long others wait for it.
LOCK_S = 30.0
CALLBACK_PATH = "/api/integrations/callback"


class OAuthError(ValueError):
    """The provider refused (bad code, revoked grant...) or the flow is misconfigured."""


@dataclass(frozen=True)
class Provider:
    """An OAuth provider and its default endpoints."""

    key: str
    label: str
    authorize_url: str
    token_url: str
    api_url: str
    default_type: str
    #: Credential types it serves (plus every type extending ``family``).
    types: tuple[str, ...] = ()
    family: str | None = None
    #: Scopes added to the type's own, so the identity test works (userinfo, /me).
    extra_scopes: tuple[str, ...] = ()
    scope_separator: str = " "
    extra_params: dict[str, str] = field(default_factory=dict)


PROVIDERS: dict[str, Provider] = {
    "slack": Provider("slack", "Slack", "https://slack.com/oauth/v2/authorize", "https://slack.com/api/oauth.v2.access",
                      "https://slack.com/api", "slackOAuth2Api", ("slackOAuth2Api",), scope_separator=","),
    "google": Provider("google", "Google (Gmail, Sheets, Drive, Calendar)", "https://accounts.google.com/o/oauth2/v2/auth",
                       "https://oauth2.googleapis.com/token", "https://www.googleapis.com", "gmailOAuth2",
                       ("gmailOAuth2", "googleSheetsOAuth2Api", "googleDriveOAuth2Api", "googleCalendarOAuth2Api"),
                       family="googleOAuth2Api", extra_scopes=("https://www.googleapis.com/auth/userinfo.email",),
                       extra_params={"access_type": "offline", "prompt": "consent"}),
    "github": Provider("github", "GitHub", "https://github.com/login/oauth/authorize",
                       "https://github.com/login/oauth/access_token", "https://api.github.com", "githubOAuth2Api",
                       ("githubOAuth2Api",)),
    "microsoft": Provider("microsoft", "Microsoft (Outlook, Excel, OneDrive, Teams)",
                          "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                          "https://login.microsoftonline.com/common/oauth2/v2.0/token",
                          "https://graph.microsoft.com/v1.0", "microsoftOutlookOAuth2Api",
                          ("microsoftOutlookOAuth2Api", "microsoftExcelOAuth2Api", "microsoftOneDriveOAuth2Api",
                           "microsoftTeamsOAuth2Api"), family="microsoftOAuth2Api",
                          extra_scopes=("offline_access", "User.Read")),
}


def provider_of(credential_type: str) -> Provider | None:
    """The provider serving ``credential_type`` (``None`` for generic OAuth2 types)."""
    for provider in PROVIDERS.values():
        if credential_type in provider.types or credential_type == provider.family or (
                provider.family and provider.family in ctypes.extends(credential_type)):
            return provider
    return None


def setting(settings: Settings, provider: Provider | str, name: str, default: str = "") -> str:
    """A configured value of the provider (``[integrations.<provider>] name``)."""
    key = provider if isinstance(provider, str) else provider.key
    return (getattr(settings, "integrations", {}) or {}).get(key, {}).get(name) or default


def endpoint(settings: Settings, provider: Provider, which: str) -> str:
    return setting(settings, provider, which, getattr(provider, which)).rstrip("/")


def redirect_uri(settings: Settings, provider: Provider) -> str:
    base = getattr(settings, "public_url", "") or f"http://{settings.host}:{settings.port}"
    return setting(settings, provider, "redirect_url", base.rstrip("/") + CALLBACK_PATH)


def access_token(fields: dict[str, Any]) -> str | None:
    """The access token as n8n stores it (``oauthTokenData.access_token``)."""
    data = fields.get("oauthTokenData")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = {}
    token = data.get("access_token") if isinstance(data, dict) else None
    return token or fields.get("accessToken")


def expires_soon(fields: dict[str, Any], margin_s: float = REFRESH_MARGIN_S) -> bool:
    data = fields.get("oauthTokenData")
    expires_at = data.get("expires_at") if isinstance(data, dict) else None
    return isinstance(expires_at, int | float) and expires_at - margin_s <= time.time()


# -- state and PKCE ---------------------------------------------------------------------------------


def _state_key(settings: Settings) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from automatelanka.services.keys import signing_key

    return HKDF(hashes.SHA256(), 32, salt=b"automatelanka", info=b"oauth-state").derive(signing_key(settings).encode())


def seal_state(settings: Settings, payload: dict[str, Any]) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_state_key(settings)).encrypt(nonce, json.dumps(payload).encode(), b"oauth-state")
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_state(settings: Settings, state: str) -> dict[str, Any]:
    """The payload of a state we issued; OAuthError if forged, altered or expired."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))
        payload = json.loads(AESGCM(_state_key(settings)).decrypt(raw[:12], raw[12:], b"oauth-state"))
    except (InvalidTag, ValueError, TypeError):
        raise OAuthError("invalid state: this authorization was not started here (or was altered)") from None
    if payload.get("exp", 0) < time.time():
        raise OAuthError("the authorization took too long (state expired); connect again")
    return payload


def pkce_pair() -> tuple[str, str]:
    """``(verifier, S256 challenge)`` per RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorization_url(settings: Settings, *, workspace_id: uuid.UUID, user_id: uuid.UUID | None,
                      credential_type: str, name: str, credential_id: uuid.UUID | None = None,
                      scopes: list[str] | None = None) -> dict[str, Any]:
    """Start the flow: ``{authorization_url, state, redirect_uri, expires_in}``."""
    provider = provider_of(credential_type)
    if provider is None:
        raise OAuthError(f"{credential_type} is not connected through a known OAuth provider")
    client_id = setting(settings, provider, "client_id")
    if not client_id:
        raise OAuthError(f"{provider.label} is not configured: set AL_INTEGRATION_{provider.key.upper()}_CLIENT_ID "
                         f"and AL_INTEGRATION_{provider.key.upper()}_CLIENT_SECRET (or [integrations.{provider.key}])")
    defaults = ctypes.defaults(credential_type)
    wanted = scopes if scopes is not None else str(defaults.get("scope") or "").replace(",", " ").split()
    configured = setting(settings, provider, "scopes").replace(",", " ").split()
    scope_list = list(dict.fromkeys([*wanted, *configured, *provider.extra_scopes]))
    verifier, challenge = pkce_pair()
    redirect = redirect_uri(settings, provider)
    state = seal_state(settings, {
        "ws": str(workspace_id), "user": str(user_id) if user_id else None, "type": credential_type, "name": name,
        "cid": str(credential_id) if credential_id else None, "v": verifier, "redirect": redirect,
        "scope": " ".join(scope_list), "exp": int(time.time()) + STATE_TTL_S, "n": secrets.token_hex(8),
    })
    params: dict[str, str] = dict(parse_qsl(str(defaults.get("authQueryParameters") or ""), keep_blank_values=True))
    params.update(provider.extra_params)
    params.update({"response_type": "code", "client_id": client_id, "redirect_uri": redirect,
                   "scope": provider.scope_separator.join(scope_list), "state": state,
                   "code_challenge": challenge, "code_challenge_method": "S256"})
    url = endpoint(settings, provider, "authorize_url")
    return {"authorization_url": f"{url}{'&' if '?' in url else '?'}{urlencode(params)}", "state": state,
            "redirect_uri": redirect, "expires_in": STATE_TTL_S, "provider": provider.key}


# -- token endpoint -----------------------------------------------------------------------------


def _client(settings: Settings, provider: Provider | None, fields: dict[str, Any]) -> tuple[str, str]:
    if provider is not None and setting(settings, provider, "client_id"):
        return setting(settings, provider, "client_id"), setting(settings, provider, "client_secret")
    return str(fields.get("clientId") or ""), str(fields.get("clientSecret") or "")


def token_request(settings: Settings, credential_type: str, fields: dict[str, Any], form: dict[str, str], *,
                  http: Any = None, timeout: float = 20.0) -> dict[str, Any]:
    """POST ``form`` to the token endpoint; the token data with ``expires_at``; OAuthError if refused."""
    import httpx

    provider = provider_of(credential_type)
    defaults = ctypes.defaults(credential_type)
    url = (endpoint(settings, provider, "token_url") if provider
           else str(fields.get("accessTokenUrl") or defaults.get("accessTokenUrl") or ""))
    if not url:
        raise OAuthError("no token URL is known for this credential")
    client_id, client_secret = _client(settings, provider, fields)
    body = dict(form)
    headers = {"Accept": "application/json"}
    if (fields.get("authentication") or defaults.get("authentication") or "body") == "header":
        raw = f"{client_id}:{client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    else:
        body.update({"client_id": client_id, "client_secret": client_secret})
    try:
        with (http or httpx.Client)(timeout=timeout) as client:
            response = client.post(url, data=body, headers=headers)
    except httpx.HTTPError as exc:
        raise OAuthError(f"the token endpoint could not be reached ({type(exc).__name__})") from None
    try:
        data = response.json()
    except ValueError:
        data = dict(parse_qsl(response.text))
    if not isinstance(data, dict):
        data = {}
    if response.status_code >= 400 or data.get("error") or data.get("ok") is False or not data.get("access_token"):
        reason = data.get("error") or f"HTTP {response.status_code}"
        detail = data.get("error_description") or data.get("message")
        raise OAuthError(f"{reason}: {detail}" if detail else str(reason))
    if isinstance(data.get("expires_in"), int | float | str) and str(data["expires_in"]).isdigit():
        data["expires_at"] = int(time.time()) + int(data["expires_in"])
    return data


def exchange_code(settings: Settings, payload: dict[str, Any], code: str, *, http: Any = None) -> dict[str, Any]:
    """Trade the authorization code (and the PKCE verifier) for tokens."""
    return token_request(settings, payload["type"], {}, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": payload["redirect"],
        "code_verifier": payload["v"]}, http=http)


def _refreshed_fields(settings: Settings, credential_type: str, fields: dict[str, Any], *,
                      http: Any = None) -> dict[str, Any]:
    token_data = fields.get("oauthTokenData") if isinstance(fields.get("oauthTokenData"), dict) else {}
    refresh_token = token_data.get("refresh_token")
    if not refresh_token:
        raise OAuthError("the access token was rejected and there is no refresh token; reconnect the account")
    new = token_request(settings, credential_type, fields, {"grant_type": "refresh_token",
                                                            "refresh_token": refresh_token}, http=http)
    new.setdefault("refresh_token", refresh_token)  # providers may keep the old one valid
    return {**fields, "oauthTokenData": {**token_data, **new}}


# -- refresh, once at a time ----------------------------------------------------------------------


def refresh(engine: Engine, settings: Settings, workspace_id: uuid.UUID, credential_id: uuid.UUID,
            seen_token: str | None, *, http: Any = None, wait_s: float = LOCK_S) -> dict[str, Any]:
    """Refresh the credential unless someone already replaced ``seen_token``; the current fields.

    Only one caller refreshes at a time (a lease in the row's metadata taken by compare-and-set on
    ``updated_at``); the others wait for it and return what it stored. Raises OAuthError when the
    provider refuses (the grant was revoked): the credential is then marked ``needs_reconnect``.
    """
    from automatelanka.services import credentials as creds
    from automatelanka.store.repositories import credential_store as store
    from automatelanka.store.repositories import credentials as repo
    from automatelanka.store.types import utcnow

    deadline = time.monotonic() + wait_s
    me = secrets.token_hex(8)
    waited = False
    while True:
        with engine.connect() as conn:
            row = repo.get_credential(conn, workspace_id, credential_id)
        if row is None:
            raise OAuthError("the credential was deleted")
        fields = creds.decrypt_row(settings, row)
        if seen_token is not None and access_token(fields) != seen_token:
            return fields  # refreshed by someone else meanwhile
        meta = dict(row["metadata"] or {})
        if waited and meta.get("status") == "needs_reconnect":  # the refresh we waited for was refused
            raise OAuthError(meta.get("status_message") or "the grant was revoked; reconnect the account")
        lease = meta.get("refresh_lease") or {}
        if lease.get("until", 0) > time.time():
            waited = True
            if time.monotonic() > deadline:
                raise OAuthError("another refresh of this credential did not finish in time")
            time.sleep(0.05)
            continue
        claimed_at = utcnow()
        with creds.writing(engine) as conn:
            claimed = store.update_if_unchanged(conn, workspace_id, credential_id, row["updated_at"], {
                "metadata": {**meta, "refresh_lease": {"until": time.time() + LOCK_S, "by": me}},
                "updated_at": claimed_at})
        if claimed:
            break
    meta.pop("refresh_lease", None)
    try:
        new_fields = _refreshed_fields(settings, row["type"], fields, http=http)
    except OAuthError as exc:
        with creds.writing(engine) as conn:
            store.update_if_unchanged(conn, workspace_id, credential_id, claimed_at, {
                "metadata": {**meta, "status": "needs_reconnect", "status_message": str(exc)},
                "updated_at": utcnow()})
        raise
    with creds.writing(engine) as conn:
        creds.store_fields(conn, settings, row, new_fields, claimed_at=claimed_at, metadata={
            **meta, "status": "ok", "status_message": None,
            "expires_at": new_fields["oauthTokenData"].get("expires_at")})
    return new_fields
