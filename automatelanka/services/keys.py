"""Generated secrets kept outside the configuration: the token-signing key.

When ``secret_key`` is not configured, one is generated on first use and kept in the system
keyring when a real backend exists, else in ``$AL_HOME/keys/secret_key`` with mode 0600.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from automatelanka.config import Settings

_cache: dict[str, str] = {}


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        return False
    return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 0) > 0


def _from_keyring(service: str, name: str) -> str:
    import keyring

    value = keyring.get_password(service, name)
    if not value:
        value = secrets.token_urlsafe(48)
        keyring.set_password(service, name, value)
    return value


def _from_file(path: Path) -> str:
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    os.chmod(path, 0o600)
    return value


def generated_secret(settings: Settings, name: str) -> str:
    """The stored secret ``name`` of this installation, created on first use."""
    cache_key = f"{settings.home}:{name}"
    if cache_key not in _cache:
        if _keyring_usable():
            _cache[cache_key] = _from_keyring(f"automatelanka:{settings.home}", name)
        else:
            _cache[cache_key] = _from_file(settings.home / "keys" / name)
    return _cache[cache_key]


def signing_key(settings: Settings) -> str:
    """The key that signs access tokens: ``settings.secret_key`` or a generated one."""
    return settings.secret_key or generated_secret(settings, "secret_key")
