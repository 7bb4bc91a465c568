"""The catalogue of credential types and their fields, as n8n defines them.

``credential_types.json`` is generated from n8n's credential classes by
``tools/gen_credential_types.js`` (committed, not needed at runtime). Each type lists its own
fields and the types it ``extends``; :func:`fields` resolves the inheritance as n8n does (a field
of the child replaces the parent's field of the same name).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PATH = Path(__file__).with_name("credential_types.json")
#: Fields filled by the OAuth2 connect flow or from configuration, never asked of the user.
OAUTH_MANAGED = frozenset({"oauthTokenData", "clientId", "clientSecret", "grantType", "authUrl", "accessTokenUrl",
                           "scope", "authQueryParameters", "authentication", "serverUrl",
                           "useDynamicClientRegistration", "sendAdditionalBodyProperties",
                           "additionalBodyProperties"})


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, Any]]:
    """Every known type: ``{type: {"label", "fields", "extends"?}}`` (own fields only)."""
    return json.loads(_PATH.read_text())


def exists(credential_type: str) -> bool:
    return credential_type in catalogue()


def extends(credential_type: str) -> list[str]:
    """The types ``credential_type`` extends, nearest first, transitively."""
    seen: list[str] = []
    queue = list(catalogue().get(credential_type, {}).get("extends") or [])
    while queue:
        parent = queue.pop(0)
        if parent not in seen:
            seen.append(parent)
            queue.extend(catalogue().get(parent, {}).get("extends") or [])
    return seen


def is_oauth2(credential_type: str) -> bool:
    """True for types that extend ``oAuth2Api`` (connected through the authorization flow)."""
    return credential_type == "oAuth2Api" or "oAuth2Api" in extends(credential_type)


def fields(credential_type: str) -> list[dict[str, Any]]:
    """The type's fields with the inherited ones, in n8n's order (parents first)."""
    merged: dict[str, dict[str, Any]] = {}
    for name in [*reversed(extends(credential_type)), credential_type]:
        for field in catalogue().get(name, {}).get("fields", []):
            merged[field["name"]] = field
    return list(merged.values())


def user_fields(credential_type: str) -> list[dict[str, Any]]:
    """Fields a user fills in (hidden ones and, for OAuth2 types, the flow's own ones left out)."""
    oauth = is_oauth2(credential_type)
    return [f for f in fields(credential_type)
            if f.get("type") != "hidden" and not (oauth and f["name"] in OAUTH_MANAGED)]


def defaults(credential_type: str) -> dict[str, Any]:
    """Field defaults (hidden ones included: OAuth2 URLs and scopes come from here)."""
    return {f["name"]: f["default"] for f in fields(credential_type) if "default" in f}


def describe(credential_type: str) -> dict[str, Any]:
    """The API's view of a type: label, whether it is OAuth2, and its user fields."""
    entry = catalogue()[credential_type]
    return {"type": credential_type, "label": entry.get("label", credential_type), "oauth2": is_oauth2(credential_type),
            "extends": extends(credential_type), "fields": user_fields(credential_type)}


def missing_required(credential_type: str, data: dict[str, Any]) -> list[str]:
    """Required fields (shown in every mode, without a default) that ``data`` leaves empty."""
    if is_oauth2(credential_type):
        return []
    return [f["name"] for f in user_fields(credential_type)
            if f.get("required") and not f.get("conditional") and "default" not in f
            and data.get(f["name"]) in (None, "")]


def secret_fields(credential_type: str) -> set[str]:
    """Names of the type's password fields."""
    return {f["name"] for f in fields(credential_type) if f.get("password")}
