"""AWS Signature Version 4 (header signing), as n8n's ``aws4`` package signs S3 requests.

:func:`sign_headers` adds ``X-Amz-Date``, ``Host``, ``X-Amz-Content-Sha256`` (S3),
``X-Amz-Security-Token`` (temporary credentials), a default ``Content-Type``/``Content-Length`` for
bodies and the ``Authorization`` header to a request's headers, the way ``aws4.sign`` does.
The building blocks (:func:`canonical_request`, :func:`string_to_sign`, :func:`signing_key`,
:func:`signature`) follow AWS's published algorithm and are tested against its documented
examples. Only the standard library (hashlib, hmac) is used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
#: Headers aws4 never signs.
UNSIGNED_HEADERS = frozenset({"authorization", "connection", "x-amzn-trace-id", "user-agent", "expect",
                              "presigned-expires", "range"})
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def sha256_hex(data: bytes | str) -> str:
    """Lower-case hex SHA-256 of ``data`` (text as UTF-8)."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def uri_encode(text: str) -> str:
    """RFC 3986 encoding of one URI component (only ``A-Za-z0-9-._~`` kept)."""
    return quote(text, safe="-_.~")


def canonical_uri(path: str, *, s3: bool = True) -> str:
    """The canonical URI of a request path as sent on the wire (already percent-encoded).

    Each segment is decoded and encoded once more, so the result is the RFC 3986 form; S3 keeps
    the path as it is (no ``.``/``..``/``//`` normalisation), other services normalise it.
    """
    if not path or path == "/":
        return "/"
    pieces: list[str] = []
    source = path if s3 else re.sub(r"/{2,}", "/", path)
    for piece in source.split("/"):
        if not s3 and piece == "..":
            if pieces:
                pieces.pop()
            continue
        if not s3 and piece == ".":
            continue
        pieces.append(uri_encode(unquote(piece)))
    out = "/".join(pieces)
    return out if out.startswith("/") else "/" + out


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """``key=value`` pairs, each side RFC 3986-encoded, sorted by key then value, joined with ``&``."""
    encoded = sorted((uri_encode(k), uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _trim(value: str) -> str:
    return re.sub(r"\s+", " ", str(value).strip())


def canonical_headers(headers: dict[str, str]) -> tuple[str, str]:
    """``(canonical header block, signed header list)`` of ``headers`` (names lower-cased)."""
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        lowered[name.lower()] = _trim(value)
    names = sorted(lowered)
    block = "".join(f"{name}:{lowered[name]}\n" for name in names)
    return block, ";".join(names)


def canonical_request(method: str, path: str, query: Iterable[tuple[str, str]], headers: dict[str, str],
                      payload_hash: str, *, s3: bool = True) -> tuple[str, str]:
    """``(canonical request, signed headers)``; ``headers`` are exactly the headers to sign."""
    block, signed = canonical_headers(headers)
    text = "\n".join([method.upper(), canonical_uri(path, s3=s3), canonical_query(query), block, signed,
                      payload_hash])
    return text, signed


def credential_scope(date: str, region: str, service: str) -> str:
    """``YYYYMMDD/region/service/aws4_request``."""
    return f"{date[:8]}/{region}/{service}/aws4_request"


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope, sha256_hex(canonical)])


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The derived key: HMAC chain over date, region, service and ``aws4_request``."""
    key = _hmac(("AWS4" + secret).encode(), date[:8])
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def signature(secret: str, amz_date: str, region: str, service: str, to_sign: str) -> str:
    return hmac.new(signing_key(secret, amz_date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()


def authorization(access_key: str, secret: str, amz_date: str, region: str, service: str, method: str,
                  path: str, query: Iterable[tuple[str, str]], headers: dict[str, str], payload_hash: str,
                  *, s3: bool = True) -> str:
    """The ``Authorization`` header value for a request whose ``headers`` are all signed."""
    canonical, signed = canonical_request(method, path, query, headers, payload_hash, s3=s3)
    scope = credential_scope(amz_date, region, service)
    sig = signature(secret, amz_date, region, service, string_to_sign(amz_date, scope, canonical))
    return f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={sig}"


def amz_date(now: datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSSZ`` of ``now`` (UTC)."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def sign_headers(method: str, host: str, path: str, query: Iterable[tuple[str, str]], headers: dict[str, str],
                 body: bytes, *, access_key: str, secret_key: str, region: str, service: str,
                 session_token: str | None = None, now: datetime | None = None) -> dict[str, str]:
    """``headers`` completed and signed as ``aws4.sign`` does for a header-signed request.

    ``path`` is the wire path (percent-encoded), ``query`` the decoded query pairs. Adds a default
    ``Content-Type`` and ``Content-Length`` when there is a body, ``X-Amz-Security-Token``,
    ``X-Amz-Content-Sha256`` (S3), ``X-Amz-Date`` and ``Host`` when missing; every header except
    aws4's ignored ones is signed.
    """
    out = dict(headers)
    names = {k.lower() for k in out}
    if body and "content-type" not in names:
        out["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    if body and "content-length" not in names:
        out["Content-Length"] = str(len(body))
    if session_token and "x-amz-security-token" not in names:
        out["X-Amz-Security-Token"] = session_token
    s3 = service == "s3"
    if s3 and "x-amz-content-sha256" not in names:
        out["X-Amz-Content-Sha256"] = sha256_hex(body)
    date = next((v for k, v in out.items() if k.lower() == "x-amz-date"), None)
    if date is None:
        date = amz_date(now)
        out["X-Amz-Date"] = date
    if "host" not in names:
        out["Host"] = host
    out = {k: str(v) for k, v in out.items() if k.lower() != "authorization"}
    payload = next((v for k, v in out.items() if k.lower() == "x-amz-content-sha256"), None) or sha256_hex(body)
    signed = {k: v for k, v in out.items() if k.lower() not in UNSIGNED_HEADERS}
    out["Authorization"] = authorization(access_key, secret_key, date, region, service, method, path, query,
                                         signed, payload, s3=s3)
    return out
