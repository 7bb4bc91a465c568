"""Crypto node v1: hash, hmac, sign, generate (n8n-nodes-base.crypto)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._util_common import lodash_get, lodash_set
from automatelanka.engine.nodes.base import NodeContext, register

_HASHES = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512",
           "sha3-256": "sha3_256", "sha3-384": "sha3_384", "sha3-512": "sha3_512", "sha224": "sha224"}


def _hash_name(name: Any) -> str:
    key = str(name).lower()
    if key.startswith("rsa-"):
        key = key[4:]
    if key not in _HASHES:
        raise NodeError("Digest method not supported")
    return _HASHES[key]


_UNDEFINED: Any = object()


def _as_bytes(value: Any) -> bytes:
    """Node's ``hash.update(value)``: only strings (utf-8) are accepted."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if value is _UNDEFINED:
        kind = "undefined"
    else:
        kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else (
            "boolean" if isinstance(value, bool) else "an instance of Object" if value is not None else "null")
    shown = f" ({value})" if kind in ("number", "boolean") else ""
    received = f"type {kind}{shown}" if kind in ("number", "boolean") else kind
    raise NodeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, '
                    f"or DataView. Received {received}")


def _encode(digest: bytes, encoding: str) -> str:
    return base64.b64encode(digest).decode("ascii") if encoding == "base64" else digest.hex()


def _generate(ctx: NodeContext, i: int) -> str:
    encoding = ctx.param("encodingType", i, "uuid")
    if encoding == "uuid":
        return str(uuid.uuid4())
    length = int(ctx.param("stringLength", i, 32))
    raw = secrets.token_bytes(length)
    if encoding == "base64":
        text = base64.b64encode(raw).decode("ascii")
        return "".join(c for c in text if c.isalnum() or c == "_")[:length]
    if encoding == "hex":
        return raw.hex()[:length]
    return raw.decode("latin-1")[:length]


def _sign(ctx: NodeContext, i: int, value: Any) -> str:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    algorithm = _hash_name(ctx.param("algorithm", i, ""))
    key_text = ctx.param("privateKey", i, "")
    try:
        key = serialization.load_pem_private_key(str(key_text).encode(), password=None)
    except ValueError as exc:
        raise ctx.error(f"Invalid private key: {exc}", i) from exc
    digest = {"md5": hashes.MD5(), "sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(),
              "sha384": hashes.SHA384(), "sha512": hashes.SHA512(), "sha3_256": hashes.SHA3_256(),
              "sha3_384": hashes.SHA3_384(), "sha3_512": hashes.SHA3_512()}[algorithm]
    data = _as_bytes(value)
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, padding.PKCS1v15(), digest)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(digest))
    else:
        raise ctx.error("Unsupported private key type", i)
    return _encode(signature, ctx.param("encoding", i, "hex"))


def _hash_or_hmac(ctx: NodeContext, i: int, action: str, item: Item, value: Any) -> tuple[str, bool]:
    name = _hash_name(ctx.param("type", i, "MD5"))
    encoding = ctx.param("encoding", i, "hex")
    from_binary = bool(ctx.param("binaryData", i, False))
    if from_binary:
        data = binary_bytes(assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i))
    else:
        data = _as_bytes(value)
    if action == "hash":
        digest = hashlib.new(name, data).digest()
    else:
        secret = ctx.param("secret", i, "")
        digest = hmac.new(_as_bytes(secret), data, name).digest()
    return _encode(digest, encoding), from_binary


def _is_missing_field(raw: Any, item: Item) -> bool:
    """Whether ``={{ $json.a.b }}`` points at a field the item lacks (JS undefined, not null)."""
    match = re.fullmatch(r"=\{\{\s*\$json\.([\w$.]+)\s*\}\}", raw) if isinstance(raw, str) else None
    if match is None:
        return isinstance(raw, str) and raw.startswith("=")
    return lodash_get(item["json"], match.group(1), _UNDEFINED) is _UNDEFINED


@register("n8n-nodes-base.crypto", versions=(1,), display_name="Crypto")
def crypto(ctx: NodeContext) -> NodeOutput:
    action = ctx.param("action", 0, "hash")

    def one(i: int, item: Item) -> Item:
        prop = str(ctx.param("dataPropertyName", i, "data"))
        value = ctx.param("value", i, "")
        if value is None and _is_missing_field(ctx.raw_param("value"), item):
            value = _UNDEFINED
        binary_done = False
        new_value: Any = None
        if action == "generate":
            new_value = _generate(ctx, i)
        elif action in ("hash", "hmac"):
            new_value, binary_done = _hash_or_hmac(ctx, i, action, item, value)
        elif action == "sign":
            new_value = _sign(ctx, i, value)
        body = deep_copy_json(item["json"]) if "." in prop else dict(item["json"])
        new: Item = {"json": body, "pairedItem": {"item": i}}
        if item.get("binary") is not None and not binary_done:
            new["binary"] = item["binary"]
        lodash_set(body, prop, new_value)
        return new

    return [per_item(ctx, one, ready=True)]
