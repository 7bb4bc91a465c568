"""SigV4 as an AWS service checks it, for the fakes of the AWS node tests (S3, SES, Rekognition...).

The fake recomputes the signature from what arrived on the wire (method, path, query, the signed
headers, the payload hash) with the secret it knows, so a request that the node signed wrongly, or
changed after signing, is refused as AWS would refuse it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

PREFIX = "AWS4-HMAC-SHA256 "


@dataclass(frozen=True)
class Authorization:
    """The parts of an ``Authorization: AWS4-HMAC-SHA256 ...`` header."""

    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str


def authorization(req: Any) -> Authorization | None:
    """The request's SigV4 authorization, or None when it has none."""
    header = req.headers.get("authorization", "")
    if not header.startswith(PREFIX):
        return None
    fields = dict(part.strip().split("=", 1) for part in header[len(PREFIX):].split(","))
    _key, date, region, service, _term = fields["Credential"].split("/")
    return Authorization(date, region, service, fields["SignedHeaders"].split(";"), fields["Signature"])


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def signature_matches(req: Any, secret: str, auth: Authorization, *, uri: str | None = None,
                      payload_hash: str | None = None) -> bool:
    """Whether ``auth.signature`` is the SigV4 signature of ``req`` under ``secret``.

    ``uri``: the canonical path (default: the path as received); ``payload_hash``: the hash the
    request was signed with (default: SHA-256 of the body received).
    """
    query = "&".join(f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in
                                                   parse_qsl(req.raw_query, keep_blank_values=True)))
    headers = "".join(f"{name}:{' '.join(req.headers.get(name, '').split())}\n" for name in auth.signed_headers)
    canonical = "\n".join([req.method, uri if uri is not None else (req.path or "/"), query, headers,
                           ";".join(auth.signed_headers),
                           payload_hash if payload_hash is not None else hashlib.sha256(req.body).hexdigest()])
    scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", req.headers["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (auth.date, auth.region, auth.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), auth.signature)
