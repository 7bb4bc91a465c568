"""Where ``al login`` keeps its tokens: the system keyring, else ``$AL_HOME/session.json`` (0600).

``session.json`` always holds the non-secret part (e-mail, chosen workspace) per server URL; the
tokens go to the keyring when a real backend exists (service ``automatelanka``, one entry per
server), otherwise into the same file, readable by its owner only. ``AL_KEYRING=0`` forces the file.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

SERVICE = "automatelanka"


def home() -> Path:
    return Path(os.environ.get("AL_HOME") or Path.home() / ".automatelanka").expanduser()


def path() -> Path:
    return home() / "session.json"


def _read_all() -> dict[str, Any]:
    try:
        data = json.loads(path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_all(data: dict[str, Any]) -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)


def _keyring() -> Any:
    """The keyring module when a usable backend exists, else None."""
    if os.environ.get("AL_KEYRING", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        chained = getattr(backend, "backends", None)
        if not chained:
            return None
    return keyring


def load(server: str) -> dict[str, Any]:
    """The session for ``server``: ``email``, ``workspace``, ``access_token``, ``refresh_token`` (any may be absent)."""
    entry = dict(_read_all().get("servers", {}).get(server) or {})
    if entry.get("storage") == "keyring":
        kr = _keyring()
        secret = None
        if kr is not None:
            try:
                secret = kr.get_password(SERVICE, server)
            except Exception:
                secret = None
        if secret:
            with contextlib.suppress(ValueError):
                entry.update(json.loads(secret))
    return entry


def save(server: str, **values: Any) -> str:
    """Merge ``values`` into the session of ``server``; returns where the tokens went (keyring|file)."""
    data = _read_all()
    servers = data.setdefault("servers", {})
    current = load(server)
    current.update({k: v for k, v in values.items()})
    current = {k: v for k, v in current.items() if v is not None}
    tokens = {k: current.pop(k) for k in ("access_token", "refresh_token") if k in current}
    current.pop("storage", None)
    storage = "file"
    kr = _keyring() if tokens else None
    if kr is not None:
        try:
            kr.set_password(SERVICE, server, json.dumps(tokens))
            storage = "keyring"
        except Exception:
            storage = "file"
    entry = {**current, "storage": storage if tokens else "none"}
    if storage == "file":
        entry.update(tokens)
    servers[server] = entry
    _write_all(data)
    return storage


def current_server() -> str | None:
    """The server of the last ``al login`` (used when neither --server nor AL_SERVER is given)."""
    value = _read_all().get("current")
    return value if isinstance(value, str) and value else None


def set_current_server(server: str | None) -> None:
    data = _read_all()
    if server:
        data["current"] = server
    else:
        data.pop("current", None)
    _write_all(data)


def clear_tokens(server: str) -> None:
    """Forget the tokens of ``server`` (keeps the chosen workspace)."""
    data = _read_all()
    entry = data.get("servers", {}).get(server)
    if not entry:
        return
    if entry.get("storage") == "keyring":
        kr = _keyring()
        if kr is not None:
            with contextlib.suppress(Exception):
                kr.delete_password(SERVICE, server)
    for key in ("access_token", "refresh_token", "email"):
        entry.pop(key, None)
    entry["storage"] = "none"
    _write_all(data)
