"""Integrations: the OAuth providers a workspace can connect, finishing a connection, and testing a
credential against its service's identity endpoint (Slack ``auth.test``, Google userinfo, GitHub
``/user``, Microsoft Graph ``/me``, Telegram ``getMe``...).

Base URLs come from configuration (``[integrations.<service>] api_url``), so tests and private
deployments can point them at another server.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.services import credential_types as ctypes
from automatelanka.services import credentials as creds
from automatelanka.services import oauth
from automatelanka.store.repositories import credential_store as store
from automatelanka.store.repositories import credentials as repo


@dataclass(frozen=True)
class IdentityTest:
    """How to ask a service who a credential belongs to."""

    service: str
    default_base: str
    method: str
    path: str
    #: Header name and value template (``{token}``); ``None`` when the token is in the path.
    header: tuple[str, str] | None
    token_field: str | None  # None: the OAuth2 access token
    #: The account name in a successful answer, or ``None`` (then the answer is a failure).
    account: Callable[[Any], str | None]


def _slack(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("ok"):
        return " @ ".join(str(x) for x in (body.get("user"), body.get("team")) if x) or "ok"
    return None


def _telegram(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("ok"):
        result = body.get("result") or {}
        return f"@{result['username']}" if result.get("username") else "ok"
    return None


def _key(*names: str) -> Callable[[Any], str | None]:
    def pick(body: Any) -> str | None:
        if isinstance(body, dict):
            for name in names:
                if body.get(name):
                    return str(body[name])
        return None
    return pick


_SLACK = ("slack", "https://slack.com/api", "POST", "/auth.test")
_GOOGLE = ("google", "https://www.googleapis.com", "GET", "/oauth2/v3/userinfo")
_GITHUB = ("github", "https://api.github.com", "GET", "/user")
_MS = ("microsoft", "https://graph.microsoft.com/v1.0", "GET", "/me")
_BEARER = ("Authorization", "Bearer {token}")

IDENTITY_TESTS: dict[str, IdentityTest] = {
    "slackApi": IdentityTest(*_SLACK, _BEARER, "accessToken", _slack),
    "slackOAuth2Api": IdentityTest(*_SLACK, _BEARER, None, _slack),
    "githubApi": IdentityTest(*_GITHUB, ("Authorization", "token {token}"), "accessToken", _key("login")),
    "githubOAuth2Api": IdentityTest(*_GITHUB, _BEARER, None, _key("login")),
    "telegramApi": IdentityTest("telegram", "https://api.telegram.org", "GET", "/bot{token}/getMe", None,
                                "accessToken", _telegram),
    "notionApi": IdentityTest("notion", "https://api.notion.com", "GET", "/v1/users/me",
                              _BEARER, "apiKey", _key("name", "id")),
    "discordBotApi": IdentityTest("discord", "https://discord.com/api/v10", "GET", "/users/@me",
                                  ("Authorization", "Bot {token}"), "botToken", _key("username")),
    "openAiApi": IdentityTest("openai", "https://api.openai.com/v1", "GET", "/models", _BEARER, "apiKey",
                              lambda body: "ok" if isinstance(body, dict) and "data" in body else None),
}


def identity_test(credential_type: str) -> IdentityTest | None:
    """The identity test of a type (Google and Microsoft types by family)."""
    if credential_type in IDENTITY_TESTS:
        return IDENTITY_TESTS[credential_type]
    provider = oauth.provider_of(credential_type)
    if provider is not None and provider.key == "google":
        return IdentityTest(*_GOOGLE, _BEARER, None, _key("email", "sub"))
    if provider is not None and provider.key == "microsoft":
        return IdentityTest(*_MS, _BEARER, None, _key("userPrincipalName", "mail", "displayName"))
    return None


def api_base(settings: Settings, service: str, default: str, fields: dict[str, Any] | None = None) -> str:
    if service == "telegram" and fields and fields.get("baseUrl") and not oauth.setting(settings, service, "api_url"):
        return str(fields["baseUrl"]).rstrip("/")
    return oauth.setting(settings, service, "api_url", default).rstrip("/")


# -- listing ------------------------------------------------------------------------------------


def catalogue(settings: Settings) -> list[dict[str, Any]]:
    """The OAuth providers with their credential types and whether this installation configured them."""
    out = []
    for provider in oauth.PROVIDERS.values():
        types = list(provider.types)
        if provider.family:
            types += sorted(t for t in ctypes.catalogue() if provider.family in ctypes.extends(t) and t not in types)
        out.append({"provider": provider.key, "label": provider.label, "oauth2": True,
                    "configured": bool(oauth.setting(settings, provider, "client_id")),
                    "default_type": provider.default_type, "credential_types": types,
                    "redirect_uri": oauth.redirect_uri(settings, provider)})
    return out


def list_integrations(engine: Engine, settings: Settings, workspace_id: uuid.UUID) -> dict[str, Any]:
    """Providers (with this workspace's connections) and the types that can be tested."""
    with engine.connect() as conn:
        rows = creds.list_public(conn, workspace_id)
    providers = catalogue(settings)
    for entry in providers:
        kinds = set(entry["credential_types"])
        entry["connections"] = [row for row in rows if row["type"] in kinds]
    testable = sorted({*IDENTITY_TESTS, *(t for p in providers for t in p["credential_types"])})
    return {"providers": providers, "testable_types": testable,
            "connections": [{**row, "testable": identity_test(row["type"]) is not None} for row in rows]}


def provider_type(name: str) -> str:
    """A provider key (``slack``) or a credential type (``slackOAuth2Api``) as a credential type."""
    if name in oauth.PROVIDERS:
        return oauth.PROVIDERS[name].default_type
    return name


# -- connecting ---------------------------------------------------------------------------------


def complete(engine: Engine, settings: Settings, *, code: str, state: str, http: Any = None) -> dict[str, Any]:
    """Finish the authorization: exchange the code, store the tokens encrypted; the credential's view.

    Connecting again under the same name (or reconnecting a credential by id) replaces its tokens.
    """
    payload = oauth.open_state(settings, state)
    token_data = oauth.exchange_code(settings, payload, code, http=http)
    workspace_id = uuid.UUID(payload["ws"])
    user_id = uuid.UUID(payload["user"]) if payload.get("user") else None
    ctype = payload["type"]
    provider = oauth.provider_of(ctype)
    meta = {"provider": provider.key if provider else None, "scope": token_data.get("scope") or payload.get("scope"),
            "expires_at": token_data.get("expires_at"), "status": "ok", "status_message": None}
    fields = {"oauthTokenData": token_data}
    creds.remember_for_logs(creds.secret_values(ctype, fields))
    with creds.writing(engine) as conn:
        existing = None
        if payload.get("cid"):
            existing = repo.get_credential(conn, workspace_id, uuid.UUID(payload["cid"]))
        if existing is None:
            existing = store.find_by_name(conn, workspace_id, ctype, payload["name"])
        if existing is None:
            return creds.create(conn, settings, workspace_id, type=ctype, name=payload["name"], data=fields,
                                connected_by=user_id, metadata=meta)
        from automatelanka.services import audit, crypto

        old = creds.decrypt_row(settings, existing)
        merged = {**old, "oauthTokenData": token_data}
        repo.update_credential(conn, workspace_id, existing["id"],
                               data=crypto.encrypt(creds.provider(settings), existing["id"], merged),
                               metadata={**(existing["metadata"] or {}), **meta})
        audit.record(conn, workspace_id, "credential.reconnected", actor_id=user_id, target_type="credential",
                     target_id=existing["id"], details={"type": ctype, "name": existing["name"]})
        return creds.get_public(conn, workspace_id, existing["id"])


# -- testing --------------------------------------------------------------------------------------


def _service_message(body: Any, status: int) -> str:
    from automatelanka.engine.nodes._http import find_error_message

    if isinstance(body, dict):
        if isinstance(body.get("error"), str) and body.get("error_description"):
            return f"{body['error']}: {body['error_description']}"
        found = find_error_message(body)
        if found:
            return found
    if isinstance(body, str) and body.strip():
        return body.strip()[:300]
    return f"HTTP {status}"


def _call(settings: Settings, test: IdentityTest, token: str, fields: dict[str, Any], http: Any) -> tuple[int, Any]:
    import httpx

    base = api_base(settings, test.service, test.default_base, fields)
    url = base + test.path.replace("{token}", token)
    headers = {"Accept": "application/json", "User-Agent": "automatelanka"}
    if test.header:
        headers[test.header[0]] = test.header[1].replace("{token}", token)
    with (http or httpx.Client)(timeout=15.0) as client:
        response = client.request(test.method, url, headers=headers)
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return response.status_code, body


def test_credential(engine: Engine, settings: Settings, workspace_id: uuid.UUID, credential_id: uuid.UUID, *,
                    http: Any = None) -> dict[str, Any]:
    """Ask the service who the credential is: ``{ok, message, account, credential}``.

    An OAuth2 token rejected with 401 is refreshed once (as runs do). The outcome is kept in the
    credential's metadata (status, account). ValueError when no test is known for the type.
    """
    import httpx

    with engine.connect() as conn:
        row = creds.get_row(conn, workspace_id, credential_id)
    test = identity_test(row["type"])
    if test is None:
        raise ValueError(f"no identity test is known for {row['type']} credentials")
    fields = creds.decrypt_row(settings, row)
    secrets = creds.secret_values(row["type"], fields)
    creds.remember_for_logs(secrets)
    token = str(fields.get(test.token_field) or "") if test.token_field else (oauth.access_token(fields) or "")
    account = None
    if not token:
        ok, message = False, "the credential has no token; connect it again"
    else:
        try:
            status, body = _call(settings, test, token, fields, http)
            if status == 401 and test.token_field is None and \
                    (fields.get("oauthTokenData") or {}).get("refresh_token"):
                fields = oauth.refresh(engine, settings, workspace_id, row["id"], token, http=http)
                secrets |= creds.secret_values(row["type"], fields)
                creds.remember_for_logs(secrets)
                status, body = _call(settings, test, oauth.access_token(fields) or "", fields, http)
            account = test.account(body) if status < 400 else None
            ok = account is not None
            message = f"connected as {account}" if ok else _service_message(body, status)
        except oauth.OAuthError as exc:
            ok, message = False, f"the token could not be refreshed: {exc}"
        except httpx.HTTPError as exc:
            ok, message = False, f"the service could not be reached ({type(exc).__name__})"
    message = creds.scrub(message, secrets)
    with creds.writing(engine) as conn:
        current = repo.get_credential(conn, workspace_id, row["id"])
        if current is not None:
            meta = {**(current["metadata"] or {}), "status": "ok" if ok else "error",
                    "status_message": None if ok else message, "tested_at": int(time.time())}
            if account:
                meta["account"] = account
            repo.update_credential(conn, workspace_id, row["id"], metadata=meta)
        view = creds.get_public(conn, workspace_id, row["id"]) if current is not None else None
    return {"ok": ok, "message": message, "account": account, "credential": view}
