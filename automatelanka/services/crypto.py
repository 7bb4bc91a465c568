"""Envelope encryption of credential data: AES-256-GCM with a data key per record.

A record (what the ``credentials.data`` column holds) is JSON::

    {"v": 1, "kid": "<master key id>", "wrapped_dek": b64(nonce + AESGCM(master, dek)),
     "nonce": b64(nonce), "ciphertext": b64(AESGCM(dek, fields-as-JSON))}

Both the data and the wrapped data key are bound to the credential id (associated data), so a
record copied onto another credential, or altered in any byte, fails to decrypt. Rotating the
master key re-wraps the data key only (:func:`rewrap`); the ciphertext stays as it is.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from typing import Any

from automatelanka.services.kms import NONCE_BYTES, KeyProvider

VERSION = 1


class DecryptionError(ValueError):
    """The record cannot be decrypted: tampered with, another credential's, or its key is gone."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _aad(credential_id: uuid.UUID | str) -> bytes:
    return f"automatelanka:credential:{credential_id}".encode()


def encrypt(provider: KeyProvider, credential_id: uuid.UUID | str, fields: dict[str, Any]) -> bytes:
    """The encrypted record of ``fields`` for credential ``credential_id``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    dek = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = _aad(credential_id)
    ciphertext = AESGCM(dek).encrypt(nonce, json.dumps(fields, separators=(",", ":")).encode(), aad)
    kid, wrapped = provider.wrap(dek, aad)
    record = {"v": VERSION, "kid": kid, "wrapped_dek": _b64(wrapped), "nonce": _b64(nonce),
              "ciphertext": _b64(ciphertext)}
    return json.dumps(record, separators=(",", ":")).encode()


def parse(blob: bytes) -> dict[str, Any]:
    """The record's parts (no secret in them is readable without the master key)."""
    try:
        record = json.loads(bytes(blob))
        if not isinstance(record, dict) or record.get("v") != VERSION:
            raise ValueError("unknown record version")
        for part in ("kid", "wrapped_dek", "nonce", "ciphertext"):
            if not isinstance(record.get(part), str):
                raise ValueError(f"missing {part}")
        return record
    except ValueError as exc:
        raise DecryptionError(f"not an encrypted credential record ({exc})") from None


def decrypt(provider: KeyProvider, credential_id: uuid.UUID | str, blob: bytes) -> dict[str, Any]:
    """The fields of a record; :class:`DecryptionError` if it was altered or is another's."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from automatelanka.services.kms import UnknownKey

    record = parse(blob)
    aad = _aad(credential_id)
    try:
        dek = provider.unwrap(record["kid"], base64.b64decode(record["wrapped_dek"]), aad)
        plain = AESGCM(dek).decrypt(base64.b64decode(record["nonce"]), base64.b64decode(record["ciphertext"]), aad)
    except UnknownKey as exc:
        raise DecryptionError(str(exc)) from None
    except (InvalidTag, ValueError):
        raise DecryptionError("the credential data failed its integrity check (tampered with or corrupted)") from None
    return json.loads(plain)


def kid_of(blob: bytes) -> str:
    """The id of the master key that wraps this record's data key."""
    return parse(blob)["kid"]


def rewrap(provider: KeyProvider, credential_id: uuid.UUID | str, blob: bytes) -> bytes:
    """The same record with its data key wrapped by the active master key (data untouched)."""
    from cryptography.exceptions import InvalidTag

    from automatelanka.services.kms import UnknownKey

    record = parse(blob)
    aad = _aad(credential_id)
    try:
        dek = provider.unwrap(record["kid"], base64.b64decode(record["wrapped_dek"]), aad)
    except UnknownKey as exc:
        raise DecryptionError(str(exc)) from None
    except (InvalidTag, ValueError):
        raise DecryptionError("the wrapped data key failed its integrity check") from None
    kid, wrapped = provider.wrap(dek, aad)
    return json.dumps({**record, "kid": kid, "wrapped_dek": _b64(wrapped)}, separators=(",", ":")).encode()
