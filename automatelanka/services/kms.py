"""Master keys that wrap the per-credential data keys (envelope encryption).

A :class:`KeyProvider` wraps and unwraps data keys; it never hands out master keys, so a cloud
KMS (AWS KMS ``Encrypt``/``Decrypt``, GCP ``encrypt``/``decrypt``, Vault transit) fits the same
interface: implement :class:`KeyProvider` with ``wrap`` calling the KMS and ``kid`` naming the KMS key
version, and return it from :func:`provider_for`.

:class:`LocalKeyProvider` keeps AES-256 master keys in a key ring: ``AL_ENCRYPTION_KEY`` (the active
key when set) and ``AL_ENCRYPTION_KEYS_OLD`` (still readable), plus generated keys kept in the system
keyring when a backend exists, else in ``$AL_HOME/keys/master_keys.json`` (mode 0600). Rotation adds
a key and makes it active; the old ones stay readable until no record uses them (see
:func:`automatelanka.services.credentials.rotate_master_key`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from typing import Any, Protocol

from automatelanka.config import Settings

KEY_BYTES = 32
NONCE_BYTES = 12
STORE_NAME = "master_keys"


class UnknownKey(LookupError):
    """A record names a master key this installation does not have."""


class KeyProvider(Protocol):
    """What envelope encryption needs from a key service."""

    def active_kid(self) -> str:
        """The id of the key new data keys are wrapped with."""

    def wrap(self, dek: bytes, aad: bytes) -> tuple[str, bytes]:
        """``(kid, wrapped)``: ``dek`` encrypted under the active key, bound to ``aad``."""

    def unwrap(self, kid: str, wrapped: bytes, aad: bytes) -> bytes:
        """The data key; raises :class:`UnknownKey` for an unknown kid, ``InvalidTag`` if tampered."""

    def kids(self) -> list[str]:
        """Every key id this provider can unwrap with."""

    def rotate(self) -> str:
        """Create a new key, make it active, return its id (old keys stay readable)."""

    def retire(self, kid: str) -> bool:
        """Forget key ``kid`` (no record may use it any more); False if it cannot be forgotten."""


def parse_key(text: str) -> bytes:
    """A configured master key: base64 (standard or URL-safe) of 32 bytes, or 64 hex digits.

    Any other string is stretched to 32 bytes with HKDF-SHA256; prefer a random key
    (``python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"``).
    """
    text = text.strip()
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(text + "=" * (-len(text) % 4))
        except ValueError:
            continue
        if len(raw) == KEY_BYTES:
            return raw
    if len(text) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), KEY_BYTES, salt=b"automatelanka", info=b"master-key").derive(text.encode())


def key_id(key: bytes, prefix: str) -> str:
    """A stable, non-secret id for a key (a hash prefix; never the key)."""
    return f"{prefix}-{hashlib.sha256(b'al-kid' + key).hexdigest()[:12]}"


class _Store:
    """Generated keys: the system keyring when usable, else a 0600 JSON file."""

    def __init__(self, settings: Settings) -> None:
        from automatelanka.services.keys import _keyring_usable

        self.service = f"automatelanka:{settings.home}"
        self.path = settings.home / "keys" / f"{STORE_NAME}.json"
        self.use_keyring = _keyring_usable() and not self.path.exists()

    def load(self) -> dict[str, Any]:
        if self.use_keyring:
            import keyring

            raw = keyring.get_password(self.service, STORE_NAME)
        else:
            raw = self.path.read_text() if self.path.exists() else None
        if not raw:
            return {"active": None, "keys": {}}
        data = json.loads(raw)
        data.setdefault("keys", {})
        return data

    def save(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, sort_keys=True)
        if self.use_keyring:
            import keyring

            keyring.set_password(self.service, STORE_NAME, text)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)  # readers see the old or the new ring, never half of one

    @property
    def where(self) -> str:
        return "system keyring" if self.use_keyring else str(self.path)


class LocalKeyProvider:
    """Master keys from the environment and the local key store (see the module docstring)."""

    #: Seconds a loaded key ring is trusted before it is re-read (another process may rotate).
    RELOAD_S = 5.0

    def __init__(self, settings: Settings, *, store: Any = None) -> None:
        self.settings = settings
        self.store = store or _Store(settings)
        self._lock = threading.Lock()
        self._keys: dict[str, bytes] = {}
        self._active = ""
        self._loaded_at = -1e9
        self.env_kids: set[str] = set()

    # -- ring ---------------------------------------------------------------------------------

    def _load(self) -> None:
        keys: dict[str, bytes] = {}
        active = ""
        stored = self.store.load()
        for kid, entry in stored["keys"].items():
            keys[kid] = base64.b64decode(entry["key"])
        self.env_kids = set()
        for text in getattr(self.settings, "encryption_keys_old", ()) or ():
            key = parse_key(text)
            keys[key_id(key, "env")] = key
            self.env_kids.add(key_id(key, "env"))
        if self.settings.encryption_key:
            key = parse_key(self.settings.encryption_key)
            active = key_id(key, "env")
            keys[active] = key
            self.env_kids.add(active)
        elif stored.get("active") in keys:
            active = stored["active"]
        else:  # first start: generate the master key and keep it
            active = self._generate(stored)
            keys[active] = base64.b64decode(stored["keys"][active]["key"])
        self._keys, self._active, self._loaded_at = keys, active, time.monotonic()

    def _generate(self, stored: dict[str, Any]) -> str:
        key = secrets.token_bytes(KEY_BYTES)
        kid = key_id(key, "local")
        stored["keys"][kid] = {"key": base64.b64encode(key).decode(), "created": time.time()}
        stored["active"] = kid
        self.store.save(stored)
        return kid

    def _ring(self, *, fresh: bool = False) -> tuple[dict[str, bytes], str]:
        with self._lock:
            if fresh or time.monotonic() - self._loaded_at > self.RELOAD_S:
                self._load()
            return self._keys, self._active

    # -- KeyProvider ----------------------------------------------------------------------------

    def active_kid(self) -> str:
        return self._ring()[1]

    def kids(self) -> list[str]:
        return sorted(self._ring(fresh=True)[0])

    def wrap(self, dek: bytes, aad: bytes) -> tuple[str, bytes]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        keys, active = self._ring(fresh=True)  # rare (create/update/refresh): never wrap with a retired key
        nonce = secrets.token_bytes(NONCE_BYTES)
        return active, nonce + AESGCM(keys[active]).encrypt(nonce, dek, aad)

    def unwrap(self, kid: str, wrapped: bytes, aad: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        keys, _ = self._ring()
        if kid not in keys:
            keys, _ = self._ring(fresh=True)  # rotated by another process meanwhile
        if kid not in keys:
            raise UnknownKey(f"master key {kid} is not available (was AL_ENCRYPTION_KEY changed?)")
        return AESGCM(keys[kid]).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)

    def rotate(self) -> str:
        if self.settings.encryption_key:
            raise ValueError("the active master key comes from AL_ENCRYPTION_KEY: set the new key there, "
                             "list the old one in AL_ENCRYPTION_KEYS_OLD, restart, then run rotate-key again")
        with self._lock:
            stored = self.store.load()
            kid = self._generate(stored)
        self._ring(fresh=True)
        return kid

    def retire(self, kid: str) -> bool:
        with self._lock:
            stored = self.store.load()
            if kid not in stored["keys"] or kid == stored.get("active"):
                return False
            del stored["keys"][kid]
            self.store.save(stored)
        self._ring(fresh=True)
        return True

    @property
    def where(self) -> str:
        return self.store.where


_providers: dict[tuple[Any, ...], KeyProvider] = {}
_providers_lock = threading.Lock()


def provider_for(settings: Settings) -> KeyProvider:
    """The installation's key provider (one per home and configured keys, cached)."""
    cache_key = (str(settings.home), settings.encryption_key, tuple(getattr(settings, "encryption_keys_old", ()) or ()))
    with _providers_lock:
        if cache_key not in _providers:
            _providers[cache_key] = LocalKeyProvider(settings)
        return _providers[cache_key]


def reset_cache() -> None:
    """Forget cached providers (tests; after changing keys on disk by hand)."""
    with _providers_lock:
        _providers.clear()
