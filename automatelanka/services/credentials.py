"""Credentials: encrypted storage, metadata-only views, resolution for runs, secret scrubbing.

Every credential's fields are encrypted with :mod:`automatelanka.services.crypto` (a data key per
record, wrapped by the master key of :mod:`automatelanka.services.kms`). Nothing here returns the
fields to an API caller: :func:`public` is the only view. Runs get them through
:class:`RunCredentials`, which also remembers every secret value it handed out so
:meth:`RunCredentials.scrub` can remove them from run data and errors, and registers them with
the process' log scrubber (:func:`install_log_scrubber`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine

from automatelanka.config import Settings
from automatelanka.services import audit, crypto, kms
from automatelanka.services import credential_types as ctypes
from automatelanka.store.errors import Conflict, NotFound
from automatelanka.store.repositories import credential_store as store
from automatelanka.store.repositories import credentials as repo
from automatelanka.store.types import utcnow

log = logging.getLogger("automatelanka.credentials")

MAX_DATA_BYTES = 64 * 1024
#: Shorter values are not scrubbed (they would match ordinary text).
MIN_SECRET_LEN = 6
MASK = "***"
#: Metadata keys kept internal (never shown).
_INTERNAL_META = ("refresh_lease",)
_SECRET_NAME = re.compile(r"token|secret|password|passwd|key|private|signature|credential|auth", re.I)
_NOT_SECRET = frozenset({"authentication", "authUrl", "accessTokenUrl", "grantType", "scope", "authQueryParameters",
                         "token_type", "expires_in", "expires_at", "keyType", "privateKeyFormat"})


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (on SQLite, queued behind this process' other writers)."""
    from automatelanka.services.execution import writing as _writing

    with _writing(engine) as conn:
        yield conn


# -- views --------------------------------------------------------------------------------------


def public(row: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of a credential: never its fields."""
    meta = {k: v for k, v in (row.get("metadata") or {}).items() if k not in _INTERNAL_META}
    return {
        "id": str(row["id"]), "type": row["type"], "name": row["name"],
        "oauth2": ctypes.is_oauth2(row["type"]), "status": meta.pop("status", "ok") or "ok",
        "status_message": meta.pop("status_message", None), "metadata": meta,
        "connected_by": str(row["connected_by"]) if row.get("connected_by") else None,
        "last_used_at": row.get("last_used_at"), "created_at": row.get("created_at"), "updated_at": row.get("updated_at"),
    }


def provider(settings: Settings) -> kms.KeyProvider:
    return kms.provider_for(settings)


def decrypt_row(settings: Settings, row: dict[str, Any]) -> dict[str, Any]:
    """The decrypted fields of a credential row (its ``data`` column)."""
    return crypto.decrypt(provider(settings), row["id"], row["data"])


# -- CRUD ---------------------------------------------------------------------------------------


def _check(credential_type: str, name: str, data: Any) -> dict[str, Any]:
    if not ctypes.exists(credential_type):
        raise ValueError(f"type: unknown credential type {credential_type!r} (see GET /api/credentials/types)")
    if not name.strip():
        raise ValueError("name: must not be empty")
    if not isinstance(data, dict):
        raise ValueError("data: expected an object of fields")
    if len(json.dumps(data)) > MAX_DATA_BYTES:
        raise ValueError(f"data: larger than {MAX_DATA_BYTES // 1024} KB")
    missing = ctypes.missing_required(credential_type, data)
    if missing:
        raise ValueError(f"data.{missing[0]}: required for {credential_type}"
                         + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""))
    return data


def _unique(conn: Connection, workspace_id: uuid.UUID, credential_type: str, name: str,
            except_id: uuid.UUID | None = None) -> None:
    found = store.find_by_name(conn, workspace_id, credential_type, name)
    if found is not None and found["id"] != except_id:
        raise Conflict(f"a {credential_type} credential named {name!r} already exists", {"id": str(found["id"])})


def create(conn: Connection, settings: Settings, workspace_id: uuid.UUID, *, type: str, name: str,
           data: dict[str, Any], connected_by: uuid.UUID | None = None, metadata: dict[str, Any] | None = None,
           ip: str | None = None) -> dict[str, Any]:
    """Encrypt and store a credential; its metadata view."""
    name = name.strip()
    _check(type, name, data)
    _unique(conn, workspace_id, type, name)
    credential_id = uuid.uuid4()
    blob = crypto.encrypt(provider(settings), credential_id, data)
    row = repo.create_credential(conn, workspace_id, type=type, name=name, data=blob, metadata=metadata or {},
                                 connected_by=connected_by, credential_id=credential_id)
    audit.record(conn, workspace_id, "credential.created", actor_id=connected_by, target_type="credential",
                 target_id=row["id"], details={"type": type, "name": name}, ip=ip)
    return public(row)


def list_public(conn: Connection, workspace_id: uuid.UUID, *, type: str | None = None) -> list[dict[str, Any]]:
    return [public(row) for row in repo.list_credentials(conn, workspace_id, type=type)]


def get_row(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID) -> dict[str, Any]:
    row = repo.get_credential(conn, workspace_id, credential_id)
    if row is None:
        raise NotFound("credential not found")
    return row


def get_public(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID) -> dict[str, Any]:
    return public(get_row(conn, workspace_id, credential_id))


def update(conn: Connection, settings: Settings, workspace_id: uuid.UUID, credential_id: uuid.UUID, *,
           name: str | None = None, data: dict[str, Any] | None = None, actor_id: uuid.UUID | None = None,
           ip: str | None = None) -> dict[str, Any]:
    """Rename and/or change fields (given fields replace stored ones; ``null`` removes one)."""
    row = get_row(conn, workspace_id, credential_id)
    values: dict[str, Any] = {}
    if name is not None and name.strip() != row["name"]:
        _unique(conn, workspace_id, row["type"], name.strip(), except_id=row["id"])
        values["name"] = name.strip()
    changed = []
    if data is not None:
        fields = decrypt_row(settings, row)
        for key, value in data.items():
            changed.append(key)
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        _check(row["type"], values.get("name", row["name"]), fields)
        values["data"] = crypto.encrypt(provider(settings), row["id"], fields)
        meta = dict(row["metadata"] or {})
        if meta.get("status") not in (None, "ok"):
            meta.update(status="ok", status_message=None)
            values["metadata"] = meta
    if values:
        repo.update_credential(conn, workspace_id, credential_id, **values)
        audit.record(conn, workspace_id, "credential.updated", actor_id=actor_id, target_type="credential",
                     target_id=credential_id, details={"fields": sorted(changed), "renamed": "name" in values}, ip=ip)
    return get_public(conn, workspace_id, credential_id)


def delete(conn: Connection, workspace_id: uuid.UUID, credential_id: uuid.UUID, *,
           actor_id: uuid.UUID | None = None, ip: str | None = None) -> None:
    row = get_row(conn, workspace_id, credential_id)
    repo.delete_credential(conn, workspace_id, credential_id)
    audit.record(conn, workspace_id, "credential.deleted", actor_id=actor_id, target_type="credential",
                 target_id=credential_id, details={"type": row["type"], "name": row["name"]}, ip=ip)


def store_fields(conn: Connection, settings: Settings, row: dict[str, Any], fields: dict[str, Any], *,
                 claimed_at: Any, metadata: dict[str, Any]) -> bool:
    """Write new fields if the row is still as claimed at ``claimed_at`` (OAuth refresh)."""
    blob = crypto.encrypt(provider(settings), row["id"], fields)
    return store.update_if_unchanged(conn, row["workspace_id"], row["id"], claimed_at,
                                     {"data": blob, "metadata": metadata, "updated_at": utcnow()})


# -- references in workflows ------------------------------------------------------------------


def references(definition: Any) -> list[dict[str, Any]]:
    """``{type, id, name, node}`` for each credential the workflow's nodes name (n8n's shape)."""
    refs = []
    for node in (definition or {}).get("nodes") or [] if isinstance(definition, dict) else []:
        creds = node.get("credentials") if isinstance(node, dict) else None
        if not isinstance(creds, dict):
            continue
        for ctype, ref in creds.items():
            ref = ref if isinstance(ref, dict) else {"name": ref}
            refs.append({"type": ctype, "id": None if ref.get("id") is None else str(ref.get("id")),
                         "name": ref.get("name"), "node": node.get("name")})
    return refs


def _matches(ref: dict[str, Any], have: list[dict[str, Any]]) -> bool:
    for row in have:
        if row["type"] != ref["type"]:
            continue
        if ref["id"] is not None and str(row["id"]) == ref["id"]:
            return True
        if ref["name"] is not None and row["name"] == ref["name"]:
            return True
    return False


def missing_for(conn: Connection, workspace_id: uuid.UUID, definitions: list[Any]) -> list[list[dict[str, Any]]]:
    """Per definition: the credentials its nodes reference that the workspace lacks
    (``{type, name, id, nodes}``, one entry per distinct reference)."""
    have = store.names_by_type(conn, workspace_id)
    out = []
    for definition in definitions:
        missing: dict[tuple[str, Any, Any], dict[str, Any]] = {}
        for ref in references(definition):
            if _matches(ref, have):
                continue
            entry = missing.setdefault((ref["type"], ref["id"], ref["name"]),
                                       {"type": ref["type"], "name": ref["name"], "id": ref["id"], "nodes": []})
            entry["nodes"].append(ref["node"])
        out.append(list(missing.values()))
    return out


def find(conn: Connection, workspace_id: uuid.UUID, credential_type: str, ref: dict[str, Any]) -> dict[str, Any] | None:
    """The credential a node reference means: by id (same type), else by (type, name)."""
    raw_id = ref.get("id")
    if raw_id:
        try:
            row = repo.get_credential(conn, workspace_id, uuid.UUID(str(raw_id)))
        except ValueError:
            row = None
        if row is not None and row["type"] == credential_type:
            return row
    name = ref.get("name")
    return store.find_by_name(conn, workspace_id, credential_type, str(name)) if name else None


# -- secrets in run data and logs ---------------------------------------------------------------


def secret_values(credential_type: str, fields: dict[str, Any]) -> set[str]:
    """The values of ``fields`` that are secrets: password fields, token/secret/key-like names."""
    password = ctypes.secret_fields(credential_type)
    found: set[str] = set()

    def walk(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(str(k), v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)
        elif isinstance(value, str) and len(value) >= MIN_SECRET_LEN and key not in _NOT_SECRET and (
                key in password or _SECRET_NAME.search(key)):
            found.add(value)
            scheme, _, rest = value.partition(" ")  # "Bearer <token>": the token alone is secret too
            if scheme.lower() in ("bearer", "basic", "token", "bot") and len(rest.strip()) >= MIN_SECRET_LEN:
                found.add(rest.strip())

    for key, value in fields.items():
        walk(key, value)
    return found


def scrub(value: Any, secrets: set[str] | frozenset[str]) -> Any:
    """``value`` with every occurrence of a secret in its strings (and keys) replaced by ``***``."""
    if not secrets:
        return value
    ordered = sorted(secrets, key=len, reverse=True)  # a longer secret may contain a shorter one

    def text(s: str) -> str:
        for secret in ordered:
            if secret in s:
                s = s.replace(secret, MASK)
        return s

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, dict):
            return {text(k) if isinstance(k, str) else k: walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [walk(x) for x in v]
        return v

    return walk(value)


_LOG_SECRETS: OrderedDict[str, None] = OrderedDict()
_LOG_LOCK = threading.Lock()
_LOG_MAX = 10_000
_installed = False


def remember_for_logs(values: set[str]) -> None:
    """Have every later log record of this process mask these values (most recent 10,000 kept)."""
    if not values:
        return
    install_log_scrubber()
    with _LOG_LOCK:
        for value in values:
            _LOG_SECRETS[value] = None
            _LOG_SECRETS.move_to_end(value)
        while len(_LOG_SECRETS) > _LOG_MAX:
            _LOG_SECRETS.popitem(last=False)


def install_log_scrubber() -> None:
    """Wrap the log record factory so messages and tracebacks never carry a remembered secret."""
    global _installed
    with _LOG_LOCK:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _LOG_SECRETS:
            return record
        with _LOG_LOCK:
            known = set(_LOG_SECRETS)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler
            return record
        clean = scrub(message, known)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[0] is not None:
            import traceback

            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"), known)
        return record

    logging.setLogRecordFactory(factory)


# -- runs -----------------------------------------------------------------------------------------


class RunCredentials:
    """One run's access to the workspace's credentials (``Services.credentials`` and
    ``Services.refresh_credentials``), and the secrets it must scrub afterwards."""

    def __init__(self, engine: Engine, settings: Settings, workspace_id: uuid.UUID, *, http: Any = None) -> None:
        self.engine = engine
        self.settings = settings
        self.workspace_id = workspace_id
        self.http = http
        self.secrets: set[str] = set()
        self._cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # key -> (row, fields)
        self._lock = threading.Lock()

    def _remember(self, credential_type: str, fields: dict[str, Any]) -> None:
        values = secret_values(credential_type, fields)
        with self._lock:
            self.secrets |= values
        remember_for_logs(values)

    def _load(self, credential_type: str, ref: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        from automatelanka.engine.errors import NodeError

        key = f"{credential_type}\0{ref.get('id')}\0{ref.get('name')}"
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        label = ref.get("name") or ref.get("id")
        with self.engine.connect() as conn:
            row = find(conn, self.workspace_id, credential_type, ref)
        if row is None:
            raise NodeError(f"Credential {label!r} ({credential_type}) does not exist in this workspace",
                            description="Connect it with 'al creds add' (or /api/integrations) and run again.")
        try:
            fields = decrypt_row(self.settings, row)
        except crypto.DecryptionError as exc:
            raise NodeError(f"Credential {row['name']!r} ({credential_type}) cannot be decrypted: {exc}") from None
        with writing(self.engine) as conn:
            repo.touch_credential(conn, self.workspace_id, row["id"])
            audit.record(conn, self.workspace_id, "credential.used", target_type="credential", target_id=row["id"],
                         details={"type": credential_type, "name": row["name"]})
        self._remember(credential_type, fields)
        with self._lock:
            self._cache[key] = (row, fields)
        return row, fields

    def resolve(self, credential_type: str, ref: dict[str, Any]) -> dict[str, Any]:
        """The decrypted fields (an OAuth2 token about to expire is refreshed first)."""
        row, fields = self._load(credential_type, ref)
        if ctypes.is_oauth2(credential_type) or "oauthTokenData" in fields:
            from automatelanka.services import oauth

            if oauth.expires_soon(fields) and isinstance(fields.get("oauthTokenData"), dict) \
                    and fields["oauthTokenData"].get("refresh_token"):
                fields = self._refresh(credential_type, ref, row, oauth.access_token(fields))
        return fields

    def refresh(self, credential_type: str, ref: dict[str, Any]) -> dict[str, Any]:
        """After a 401: refresh the token once (or take the one another worker just stored)."""
        from automatelanka.services import oauth

        row, fields = self._load(credential_type, ref)
        return self._refresh(credential_type, ref, row, oauth.access_token(fields))

    def _refresh(self, credential_type: str, ref: dict[str, Any], row: dict[str, Any],
                 seen: str | None) -> dict[str, Any]:
        from automatelanka.engine.errors import NodeError
        from automatelanka.services import oauth

        try:
            fields = oauth.refresh(self.engine, self.settings, self.workspace_id, row["id"], seen, http=self.http)
        except (oauth.OAuthError, crypto.DecryptionError) as exc:
            raise NodeError(f"Could not refresh the {credential_type} credential {row['name']!r}: {exc}",
                            description="Reconnect the account (al creds / /api/integrations) and retry.") from None
        self._remember(credential_type, fields)
        key = f"{credential_type}\0{ref.get('id')}\0{ref.get('name')}"
        with self._lock:
            self._cache[key] = (row, fields)
        return fields

    def scrub(self, value: Any) -> Any:
        """``value`` without any secret this run used."""
        with self._lock:
            known = set(self.secrets)
        return scrub(value, known)


# -- master key rotation ----------------------------------------------------------------------------


def rotate_master_key(engine: Engine, settings: Settings, *, batch: int = 200) -> dict[str, Any]:
    """Make a new master key active, re-wrap every record's data key under it, retire the old keys.

    Runs while the daemon serves: old keys stay readable until no record uses them, records are
    swapped one by one with a compare-and-set, and a second pass catches records written meanwhile.
    With ``AL_ENCRYPTION_KEY`` set, the configured key is the new one (old ones in
    ``AL_ENCRYPTION_KEYS_OLD``) and this re-wraps onto it.
    """
    prov = provider(settings)
    kid = prov.active_kid() if settings.encryption_key else prov.rotate()
    rewrapped = failed = 0
    for _ in range(2):  # the second pass catches records written with the old key meanwhile
        after = None
        while True:
            with engine.connect() as conn:
                rows = store.records_after(conn, after, batch)
            if not rows:
                break
            for row in rows:
                after = row["id"]
                for _attempt in range(3):
                    try:
                        if crypto.kid_of(row["data"]) == kid:
                            break
                        new = crypto.rewrap(prov, row["id"], row["data"])
                    except crypto.DecryptionError as exc:
                        log.warning("credential %s could not be re-wrapped: %s", row["id"], exc)
                        failed += 1
                        break
                    with writing(engine) as conn:
                        if store.replace_data_if(conn, row["workspace_id"], row["id"], row["data"], new):
                            rewrapped += 1
                            break
                        fresh = repo.get_credential(conn, row["workspace_id"], row["id"])
                    if fresh is None:
                        break
                    row = {**row, "data": fresh["data"]}
    in_use: set[str] = set()
    after = None
    while True:
        with engine.connect() as conn:
            rows = store.records_after(conn, after, batch)
        if not rows:
            break
        after = rows[-1]["id"]
        for row in rows:
            try:
                in_use.add(crypto.kid_of(row["data"]))
            except crypto.DecryptionError:
                continue
    retired = [old for old in prov.kids() if old != kid and old not in in_use and prov.retire(old)]
    return {"active_kid": kid, "rewrapped": rewrapped, "failed": failed, "retired": retired,
            "still_used": sorted(k for k in in_use if k != kid), "key_store": getattr(prov, "where", "")}
