"""Envelope encryption and the local key provider: round trip, tampering, keys kept 0600, rotation."""

from __future__ import annotations

import base64
import json
import os
import stat
import uuid
from pathlib import Path

import pytest

from automatelanka.config import Settings
from automatelanka.services import crypto, kms


def settings_in(tmp_path: Path, **kw) -> Settings:
    return Settings(home=tmp_path / "home", database_url="sqlite://", queue_url="sqlite://", **kw)


def test_round_trip_and_record_shape(tmp_path: Path) -> None:
    prov = kms.LocalKeyProvider(settings_in(tmp_path))
    cid = uuid.uuid4()
    blob = crypto.encrypt(prov, cid, {"apiKey": "sk-known-secret-123", "n": 1})
    record = json.loads(blob)
    assert set(record) == {"v", "kid", "wrapped_dek", "nonce", "ciphertext"}
    assert b"sk-known-secret-123" not in blob
    assert crypto.decrypt(prov, cid, blob) == {"apiKey": "sk-known-secret-123", "n": 1}
    # a fresh data key and nonce per record
    again = json.loads(crypto.encrypt(prov, cid, {"apiKey": "sk-known-secret-123", "n": 1}))
    assert again["wrapped_dek"] != record["wrapped_dek"] and again["ciphertext"] != record["ciphertext"]


@pytest.mark.parametrize("part", ["ciphertext", "wrapped_dek", "nonce"])
def test_tampering_is_detected(tmp_path: Path, part: str) -> None:
    prov = kms.LocalKeyProvider(settings_in(tmp_path))
    cid = uuid.uuid4()
    record = json.loads(crypto.encrypt(prov, cid, {"token": "abcdef123"}))
    raw = bytearray(base64.b64decode(record[part]))
    raw[-1] ^= 1
    record[part] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(crypto.DecryptionError, match="integrity"):
        crypto.decrypt(prov, cid, json.dumps(record).encode())


def test_record_is_bound_to_its_credential(tmp_path: Path) -> None:
    prov = kms.LocalKeyProvider(settings_in(tmp_path))
    blob = crypto.encrypt(prov, uuid.uuid4(), {"token": "abcdef123"})
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(prov, uuid.uuid4(), blob)  # copied onto another credential
    with pytest.raises(crypto.DecryptionError, match="not an encrypted"):
        crypto.decrypt(prov, uuid.uuid4(), b"plain text")


def test_generated_master_key_is_kept_in_a_0600_file(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    cid = uuid.uuid4()
    blob = crypto.encrypt(kms.LocalKeyProvider(settings), cid, {"token": "abcdef123"})
    path = settings.home / "keys" / "master_keys.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # a new process (new provider) reads the same key
    assert crypto.decrypt(kms.LocalKeyProvider(settings), cid, blob) == {"token": "abcdef123"}


def test_env_key_wins_and_a_wrong_key_cannot_decrypt(tmp_path: Path) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    settings = settings_in(tmp_path, encryption_key=key)
    prov = kms.LocalKeyProvider(settings)
    cid = uuid.uuid4()
    blob = crypto.encrypt(prov, cid, {"token": "abcdef123"})
    assert crypto.kid_of(blob).startswith("env-")
    assert not (settings.home / "keys" / "master_keys.json").exists()
    other = kms.LocalKeyProvider(settings_in(tmp_path / "b", encryption_key=base64.b64encode(os.urandom(32)).decode()))
    with pytest.raises(crypto.DecryptionError, match="not available"):
        crypto.decrypt(other, cid, blob)
    # the old key listed in AL_ENCRYPTION_KEYS_OLD keeps records readable after the key changes
    moved = kms.LocalKeyProvider(settings_in(tmp_path / "c", encryption_key=base64.b64encode(os.urandom(32)).decode(),
                                             encryption_keys_old=(key,)))
    assert crypto.decrypt(moved, cid, blob) == {"token": "abcdef123"}
    assert crypto.kid_of(crypto.rewrap(moved, cid, blob)) == moved.active_kid() != crypto.kid_of(blob)


def test_rewrap_keeps_the_data_and_changes_only_the_wrapping(tmp_path: Path) -> None:
    prov = kms.LocalKeyProvider(settings_in(tmp_path))
    cid = uuid.uuid4()
    blob = crypto.encrypt(prov, cid, {"token": "abcdef123"})
    old_kid = prov.active_kid()
    new_kid = prov.rotate()
    assert new_kid != old_kid and prov.active_kid() == new_kid
    assert crypto.decrypt(prov, cid, blob) == {"token": "abcdef123"}  # old key still readable
    moved = crypto.rewrap(prov, cid, blob)
    before, after = json.loads(blob), json.loads(moved)
    assert after["kid"] == new_kid and after["ciphertext"] == before["ciphertext"]
    assert after["wrapped_dek"] != before["wrapped_dek"]
    assert prov.retire(old_kid) and old_kid not in prov.kids()
    assert crypto.decrypt(prov, cid, moved) == {"token": "abcdef123"}
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(prov, cid, blob)
    assert not prov.retire(new_kid)  # the active key is never retired


def test_parse_key_forms() -> None:
    raw = os.urandom(32)
    assert kms.parse_key(base64.b64encode(raw).decode()) == raw
    assert kms.parse_key(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw
    assert kms.parse_key(raw.hex()) == raw
    assert len(kms.parse_key("a passphrase")) == 32
