"""Effective configuration: defaults < ``$AL_HOME/config.toml`` < environment.

Every setting the platform reads lives here, so one place tells an operator what can be changed.
The config file uses the same names as the environment, lower-cased and without the ``AL_``
prefix (``database_url = "postgresql://..."``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

SECRET_FIELDS = frozenset({"encryption_key", "secret_key", "smtp_password", "stripe_api_key",
                           "stripe_webhook_secret", "encryption_keys_old"})
#: Secrets the platform generates (and keeps in the keyring or a 0600 file) when left empty.
GENERATED_SECRETS = frozenset({"encryption_key", "secret_key"})
#: Settings whose environment variable has another name (AL_BILLING sets billing_enabled).
SETTING_SOURCES = {"billing_enabled": "billing"}


@dataclass(frozen=True)
class Settings:
    """The settings AutomateLanka runs with. Build it with :func:`load_settings`."""

    home: Path
    database_url: str
    queue_url: str
    host: str = "127.0.0.1"
    port: int = 5678
    timezone: str = "UTC"
    #: Master key for credential encryption (base64, 32 bytes). Empty: generated on first use
    #: and kept in the system keyring, else in ``$AL_HOME/keys/`` with mode 0600.
    encryption_key: str = ""
    #: Previous master keys still readable while ``al creds rotate-key`` re-wraps (comma-separated).
    encryption_keys_old: tuple[str, ...] = ()
    #: Key that signs access tokens. Empty: generated and kept like the encryption key.
    secret_key: str = ""
    #: Environment variables that ``$env`` may read in expressions (comma-separated names, or ``*``).
    env_allow: tuple[str, ...] = ()
    #: Limits for every JavaScript evaluation (expressions and Code nodes).
    js_time_limit_s: float = 10.0
    js_memory_limit_mb: int = 256
    #: Folder that the Read/Write Files node is confined to (default ``$AL_HOME/files``).
    files_root: Path = field(default_factory=lambda: Path("."))
    #: Outgoing mail (password resets, invitations). Empty host: links are logged for the operator.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "automatelanka@localhost"
    smtp_tls: bool = True
    #: Base URL put in e-mailed links (default ``http://{host}:{port}``).
    public_url: str = ""
    #: Origins allowed by CORS (comma-separated; empty: none).
    cors_origins: tuple[str, ...] = ()
    #: Requests per minute per client IP, per workspace, and per IP on login/register/reset; 0 = off.
    rate_limit_ip: int = 600
    rate_limit_workspace: int = 1200
    rate_limit_auth: int = 20
    #: Runs: worker threads per process, longest run (seconds), schedule catch-up after downtime,
    #: retention (finished runs older than N days / beyond the newest N per workflow; 0 = keep).
    #: Whether the Execute Command node may run shell commands (off by default: it runs them as
    #: the daemon's user).
    allow_execute_command: bool = False
    #: Workflow HTTP may not reach private, loopback or link-local addresses (AL_OUTBOUND_BLOCK_PRIVATE
    #: on/off/auto; auto: on for PostgreSQL, i.e. hosted). Cloud metadata is always blocked.
    outbound_block_private: bool = False
    #: Hosts or CIDR ranges workflow HTTP may reach despite the private-range block, and hosts it may
    #: never reach (comma lists; ``*.example.com`` globs).
    outbound_allow: tuple[str, ...] = ()
    outbound_deny: tuple[str, ...] = ()
    worker_concurrency: int = 4
    run_timeout_s: float = 3600.0
    schedule_catch_up: bool = False
    runs_max_age_days: float = 0.0
    runs_keep_per_workflow: int = 0
    #: Plans and limits (docs/billing.md). ``load_settings`` turns billing on for PostgreSQL (hosted)
    #: and off for SQLite (local: unlimited) unless ``AL_BILLING`` says otherwise.
    billing_enabled: bool = False
    stripe_api_key: str = ""
    stripe_api_base: str = ""  # empty: Stripe's own API
    stripe_webhook_secret: str = ""
    #: OAuth apps and API base URLs per provider (docs/credentials.md): ``[integrations.slack]``
    #: client_id/client_secret/authorize_url/token_url/api_url, or ``AL_INTEGRATION_SLACK_CLIENT_ID``...
    integrations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def masked(self) -> dict[str, Any]:
        """Settings as plain values, with secrets replaced by a mask."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "sources":
                continue
            if f.name == "integrations":  # client secrets masked
                out[f.name] = {p: {k: ("********" if "secret" in k and v else v) for k, v in c.items()}
                               for p, c in self.integrations.items()}
                continue
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                value = "********" if value else (
                    "(generated on first use)" if f.name in GENERATED_SECRETS else "(not set)")
            elif f.name.endswith("_url"):
                value = mask_url(str(value))
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = ",".join(value)
            out[f.name] = value
        return out


def mask_url(url: str) -> str:
    """Hide the password part of a URL such as ``postgresql://user:pw@host/db``."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        creds = creds.split(":", 1)[0] + ":****"
    return f"{scheme}://{creds}@{host}"


def _read_file(home: Path) -> dict[str, Any]:
    path = home / "config.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


class ConfigError(ValueError):
    """The configuration cannot be used (bad file, bad value)."""


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read defaults, then ``config.toml``, then ``AL_*`` environment variables."""
    env = os.environ if environ is None else environ
    home = Path(env.get("AL_HOME") or Path.home() / ".automatelanka").expanduser()
    from_file = _read_file(home)
    sources: dict[str, str] = {}

    def pick(name: str, default: Any) -> Any:
        key = "AL_" + name.upper()
        if env.get(key) not in (None, ""):
            sources[name] = "env"
            return env[key]
        if name in from_file:
            sources[name] = "config.toml"
            return from_file[name]
        sources[name] = "default"
        return default

    def number(name: str, default: float, kind: type = float) -> Any:
        raw = pick(name, default)
        try:
            return kind(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{name}: expected a number, got {raw!r}") from exc

    def flag(name: str, default: bool) -> bool:
        raw = pick(name, default)
        if isinstance(raw, bool):
            return raw
        value = str(raw).strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name}: expected true or false, got {raw!r}")

    def auto(name: str) -> bool:
        """on/off, or auto (the default): on in hosted mode, i.e. with PostgreSQL."""
        if str(pick(name, "auto")).strip().lower() == "auto":
            return str(pick("database_url", "")).startswith("postgres")
        return flag(name, False)

    def names(name: str) -> list[str]:
        raw = pick(name, "")
        return [v.strip() for v in raw.split(",") if v.strip()] if isinstance(raw, str) else list(raw)

    env_allow = names("env_allow")
    return Settings(
        home=home,
        database_url=pick("database_url", f"sqlite:///{home / 'automatelanka.db'}"),
        queue_url=pick("queue_url", f"sqlite:///{home / 'queue.db'}"),
        host=pick("host", "127.0.0.1"),
        port=number("port", 5678, int),
        timezone=pick("timezone", "UTC"),
        encryption_key=pick("encryption_key", ""),
        encryption_keys_old=tuple(names("encryption_keys_old")),
        integrations=_integrations(from_file, env),
        secret_key=pick("secret_key", ""),
        env_allow=tuple(env_allow),
        js_time_limit_s=number("js_time_limit_s", 10.0),
        js_memory_limit_mb=number("js_memory_limit_mb", 256, int),
        files_root=Path(pick("files_root", str(home / "files"))).expanduser(),
        smtp_host=pick("smtp_host", ""),
        smtp_port=number("smtp_port", 587, int),
        smtp_user=pick("smtp_user", ""),
        smtp_password=pick("smtp_password", ""),
        smtp_from=pick("smtp_from", "automatelanka@localhost"),
        smtp_tls=flag("smtp_tls", True),
        public_url=pick("public_url", ""),
        cors_origins=tuple(names("cors_origins")),
        rate_limit_ip=number("rate_limit_ip", 600, int),
        rate_limit_workspace=number("rate_limit_workspace", 1200, int),
        rate_limit_auth=number("rate_limit_auth", 20, int),
        worker_concurrency=number("worker_concurrency", 4, int),
        run_timeout_s=number("run_timeout_s", 3600.0),
        schedule_catch_up=flag("schedule_catch_up", False),
        runs_max_age_days=number("runs_max_age_days", 0.0),
        runs_keep_per_workflow=number("runs_keep_per_workflow", 0, int),
        billing_enabled=auto("billing"),  # AL_BILLING: on/off/auto
        stripe_api_key=pick("stripe_api_key", ""),
        stripe_api_base=pick("stripe_api_base", ""),
        stripe_webhook_secret=pick("stripe_webhook_secret", ""),
        allow_execute_command=flag("allow_execute_command", False),
        outbound_block_private=auto("outbound_block_private"),
        outbound_allow=tuple(names("outbound_allow")),
        outbound_deny=tuple(names("outbound_deny")),
        sources=sources,
    )


def _integrations(from_file: dict[str, Any], env: Any) -> dict[str, dict[str, str]]:
    """``[integrations.<provider>]`` tables, then ``AL_INTEGRATION_<PROVIDER>_<KEY>`` variables."""
    out: dict[str, dict[str, str]] = {}
    for provider, conf in (from_file.get("integrations") or {}).items():
        if isinstance(conf, dict):
            out[str(provider).lower()] = {str(k).lower(): str(v) for k, v in conf.items()}
    for key, value in env.items():
        if key.startswith("AL_INTEGRATION_") and value not in (None, ""):
            provider, _, name = key[len("AL_INTEGRATION_"):].lower().partition("_")
            if provider and name:
                out.setdefault(provider, {})[name] = value
    return out


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
