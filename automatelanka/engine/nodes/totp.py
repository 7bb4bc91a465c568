"""TOTP (n8n-nodes-base.totp v1, and its Tool variant): generate a time-based one-time password.

Operation ``generateSecret`` (the only one n8n has): the code of the totpApi credential's base32
``secret`` at the current time (RFC 6238 over RFC 4226 HOTP, like the ``otpauth`` library n8n uses),
with options ``algorithm`` (SHA1, SHA224, SHA256, SHA384, SHA512, SHA3-224/256/384/512; default
SHA1), ``digits`` (6) and ``period`` (30 s). Every input item gets ``{token, secondsRemaining}``
(one code per run, computed once as n8n does). The credential ``label`` must read ``issuer:username``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import struct
import time
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "TOTP"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_HASHES = {"SHA1": hashlib.sha1, "SHA224": hashlib.sha224, "SHA256": hashlib.sha256, "SHA384": hashlib.sha384,
           "SHA512": hashlib.sha512, "SHA3-224": hashlib.sha3_224, "SHA3-256": hashlib.sha3_256,
           "SHA3-384": hashlib.sha3_384, "SHA3-512": hashlib.sha3_512}


def now_ms() -> float:
    """The current time in milliseconds (``Date.now()``; tests replace it)."""
    return time.time() * 1000


def base32_decode(text: str) -> bytes:
    """otpauth's base32 decoding: spaces and ``=`` padding dropped, case-insensitive, partial bits ignored."""
    text = text.replace(" ", "").rstrip("=").upper()
    out = bytearray()
    bits = value = 0
    for char in text:
        index = _ALPHABET.find(char)
        if index < 0:
            raise NodeError(f"Invalid character found: {char}")
        value = ((value << 5) | index) & 0xFFFFFFFF
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((value >> bits) & 0xFF)
    return bytes(out)


def hotp(key: bytes, counter: int, digits: int = 6, algorithm: str = "SHA1") -> str:
    """RFC 4226 HOTP value of ``counter`` (dynamic truncation, zero-padded to ``digits``)."""
    digestmod = _HASHES.get(str(algorithm).upper())
    if digestmod is None:
        raise NodeError("Unknown hash function")
    digest = hmac.new(key, struct.pack(">Q", counter), digestmod).digest()
    offset = digest[-1] & 15
    code = ((digest[offset] & 127) << 24 | digest[offset + 1] << 16 | digest[offset + 2] << 8
            | digest[offset + 3]) % 10 ** digits
    return str(code).zfill(digits)


def totp(key: bytes, timestamp_ms: float, *, period: int = 30, digits: int = 6, algorithm: str = "SHA1") -> str:
    """RFC 6238 TOTP at ``timestamp_ms`` (counter ``floor(t / 1000 / period)``)."""
    return hotp(key, math.floor(timestamp_ms / 1000 / period), digits, algorithm)


def _int_option(value: Any, default: int) -> int:
    """``options.x || default`` with n8n's number parameter (strings from expressions accepted)."""
    if not value:
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise NodeError(f"Invalid number: {value}") from None


@register("n8n-nodes-base.totp", versions=(1,), display_name="TOTP")
@register("n8n-nodes-base.totpTool", versions=(1,), display_name="TOTP Tool")
def totp_node(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "generateSecret")
    fields = credential(ctx, "totpApi") or {}
    label = str(fields.get("label") or "")
    if ":" not in label:
        raise ctx.error("Malformed label - expected `issuer:username`")
    if operation != "generateSecret":
        raise unsupported(DISPLAY, "", operation)
    options = ctx.param("options", 0, {}) or {}
    algorithm = options.get("algorithm") or "SHA1"
    digits = _int_option(options.get("digits"), 6)
    period = _int_option(options.get("period"), 30)
    now = now_ms()
    token = totp(base32_decode(str(fields.get("secret") or "")), now, period=period, digits=digits,
                 algorithm=algorithm)
    seconds_remaining = int(period * (1 - ((now / 1000 / period) % 1)))
    return [[{"json": {"token": token, "secondsRemaining": seconds_remaining}, "pairedItem": {"item": i}}
             for i in range(len(ctx.input(0)))]]
