"""OAuth 1.0a request signing (RFC 5849), as n8n's ``requestOAuth1`` does with ``oauth-1.0a``.

The signed parameters are the OAuth ones plus the query and form parameters; the signature is
HMAC-SHA1 (or SHA256/SHA512 per the credential's ``signatureMethod``) over the base string, keyed
by ``consumerSecret&tokenSecret``. :func:`authorization_header` returns the ``Authorization`` value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

_HASHES = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA512": hashlib.sha512}


def _enc(value: Any) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return quote(str(value), safe="-._~")


def authorization_header(method: str, url: str, fields: dict[str, Any], params: dict[str, Any] | None = None, *,
                         nonce: str | None = None, timestamp: int | None = None) -> str:
    """The ``OAuth ...`` header for one request with the credential ``fields`` of an OAuth1 type."""
    token_data = fields.get("oauthTokenData") or {}
    signature_method = fields.get("signatureMethod") or "HMAC-SHA1"
    oauth = {
        "oauth_consumer_key": str(fields.get("consumerKey") or ""),
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": signature_method,
        "oauth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "oauth_version": "1.0",
    }
    if token_data.get("oauth_token"):
        oauth["oauth_token"] = str(token_data["oauth_token"])
    parts = urlsplit(url)
    pairs: list[tuple[str, str]] = [(_enc(k), _enc(v)) for k, v in oauth.items()]
    for key, value in (params or {}).items():
        for single in value if isinstance(value, list) else [value]:
            if single is not None:
                pairs.append((_enc(key), _enc(single)))
    if parts.query:
        from urllib.parse import parse_qsl

        pairs.extend((_enc(k), _enc(v)) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    pairs.sort()
    param_string = "&".join(f"{k}={v}" for k, v in pairs)
    base_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    base = "&".join((method.upper(), _enc(base_url), _enc(param_string)))
    key = f"{_enc(fields.get('consumerSecret') or '')}&{_enc(token_data.get('oauth_token_secret') or '')}"
    digest = hmac.new(key.encode(), base.encode(), _HASHES.get(signature_method, hashlib.sha1)).digest()
    oauth["oauth_signature"] = base64.b64encode(digest).decode()
    return "OAuth " + ", ".join(f'{_enc(k)}="{_enc(v)}"' for k, v in sorted(oauth.items()))
