"""JWT node v1: sign, decode, verify with a ``jwtAuth`` credential (PyJWT behind jsonwebtoken's API)."""

from __future__ import annotations

import json
import re
import time
import warnings
from typing import Any

import jwt as pyjwt

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register


def credentials_for(ctx: NodeContext, cred_type: str) -> dict[str, Any]:
    """The decrypted credential the node references, or a clear NodeError."""
    ref = (ctx.node.credentials or {}).get(cred_type)
    lookup = ctx.state.services.credentials
    if ref is None or lookup is None:
        raise NodeError(f"Node \"{ctx.node.name}\" is missing credential of type \"{cred_type}\"",
                        description="Select (or create) a credential for this node; the engine was given none")
    try:
        return lookup(cred_type, ref)
    except KeyError as exc:
        raise NodeError(f"Credential of type \"{cred_type}\" with id {ref.get('id')!r} was not found") from exc


def format_private_key(key: str | None, public: bool = False) -> str | None:
    """n8n ``formatPrivateKey``: rebuild PEM line breaks from a one-line key."""
    if not key or "\n" in key:
        return key
    marker = re.compile(r"(PUBLIC KEY)" if public else r"(PRIVATE KEY|CERTIFICATE)")
    out = ""
    for part in (p for p in key.split("-----") if p != ""):
        if marker.search(part):
            out += f"-----{part}-----"
        else:
            if re.search(r"Proc-Type|DEK-Info", part):
                part = re.sub(r":\s+", ":", part)
            out += re.sub(r"\s+", "\n", part.replace("\\n", "\n"))
    return out


def sign_token(payload: Any, credentials: dict[str, Any], algorithm: str | None = None,
               kid: str | None = None) -> str:
    """jsonwebtoken ``sign``: adds ``iat`` (seconds) unless the payload has one."""
    if credentials.get("keyType") == "passphrase":
        key: Any = credentials.get("secret") or ""
    else:
        key = format_private_key(credentials.get("privateKey"))
    alg = algorithm or credentials.get("algorithm") or "HS256"
    if isinstance(payload, dict) and "iat" not in payload:
        payload = {**payload, "iat": int(time.time())}
    headers = {"kid": kid} if kid else None
    try:
        with warnings.catch_warnings():  # jsonwebtoken accepts short HMAC secrets silently
            warnings.simplefilter("ignore")
            return pyjwt.encode(payload, key, algorithm=alg, headers=headers)
    except (pyjwt.PyJWTError, ValueError, TypeError) as exc:
        raise NodeError(str(exc)) from exc


def _token(ctx: NodeContext, i: int) -> str:
    token = ctx.param("token", i, "")
    if not token:
        raise NodeError("The 'Token' parameter is empty", item_index=i)
    return str(token)


def _decode(token: str, complete: bool) -> Any:
    try:
        if complete:
            header = pyjwt.get_unverified_header(token)
            payload = pyjwt.decode(token, options={"verify_signature": False, "verify_exp": False})
            signature = token.split(".")[2]
            return {"header": header, "payload": payload, "signature": signature}
        return pyjwt.decode(token, options={"verify_signature": False, "verify_exp": False})
    except pyjwt.PyJWTError:
        return None


def _verify(ctx: NodeContext, i: int, credentials: dict[str, Any], options: dict[str, Any]) -> Any:
    token = _token(ctx, i)
    if credentials.get("keyType") == "passphrase":
        key: Any = credentials.get("secret") or ""
    else:
        key = format_private_key(credentials.get("publicKey"), public=True)
    alg = options.get("algorithm") or credentials.get("algorithm") or "HS256"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            payload = pyjwt.decode(token, key, algorithms=[alg], leeway=options.get("clockTolerance") or 0,
                                   options={"verify_exp": not options.get("ignoreExpiration"),
                                            "verify_nbf": not options.get("ignoreNotBefore"), "verify_aud": False})
    except pyjwt.InvalidSignatureError as exc:
        raise NodeError("The JWT token can't be verified", item_index=i,
                        description="Be sure that the provided JWT token is correctly encoded and matches the "
                                    "selected credentials") from exc
    except pyjwt.ExpiredSignatureError as exc:
        raise NodeError("jwt expired", item_index=i) from exc
    except pyjwt.PyJWTError as exc:
        raise NodeError(str(exc), item_index=i) from exc
    if options.get("complete"):
        return {"header": pyjwt.get_unverified_header(token), "payload": payload,
                "signature": token.split(".")[2]}
    return payload


@register("n8n-nodes-base.jwt", versions=(1,), display_name="JWT")
def jwt_node(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "sign")
    credentials = credentials_for(ctx, "jwtAuth")
    out: list[Item] = []
    for i, item in enumerate(items):
        options = ctx.param("options", i, {}) or {}
        try:
            if operation == "sign":
                if ctx.param("useJson", i, False):
                    raw = ctx.param("claimsJson", i, "{}")
                    try:
                        payload = json.loads(raw) if isinstance(raw, str) else raw
                    except ValueError as exc:
                        raise NodeError("The 'Payload Claims (JSON)' parameter is not valid JSON",
                                        item_index=i) from exc
                else:
                    payload = ctx.param("claims", i, {}) or {}
                token = sign_token(payload, credentials, options.get("algorithm"), options.get("kid"))
                out.append({"json": {"token": token}, "pairedItem": {"item": i}})
            elif operation == "verify":
                data = _verify(ctx, i, credentials, options)
                out.append({"json": data if options.get("complete") else {"payload": data},
                            "pairedItem": {"item": i}})
            elif operation == "decode":
                data = _decode(_token(ctx, i), bool(options.get("complete")))
                out.append({"json": data if options.get("complete") and data else {"payload": data},
                            "pairedItem": {"item": i}})
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": item["json"], "error": {"message": exc.message}, "pairedItem": {"item": i}})
                continue
            exc.item_index = i
            raise
    return [out]
