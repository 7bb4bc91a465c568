"""The one HTTP client ``al`` uses to talk to the daemon.

* Base URL: ``--server``, else ``AL_SERVER``, else the server of the last ``al login``, else
  ``http://{host}:{port}`` from the configuration.
* Credentials: ``AL_API_KEY`` (an ``al_...`` key), else ``AL_TOKEN``, else the ``al login`` session,
  whose access token is refreshed transparently when the daemon answers 401.
* Workspace: ``--workspace``, else ``AL_WORKSPACE``, else the one chosen with ``al workspaces use``.
* Errors become one line on stderr and an exit code (see ``cli/errors.py``): 3 when the daemon is
  unreachable or we are not signed in, 2 for bad input (400/404/422), 1 for anything else refused.

httpx is imported inside the functions so that importing this module costs nothing for ``--help``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import typer

from automatelanka.cli.errors import FAILED, UNREACHABLE, USAGE, fail

#: Options given before the command (``al --server URL --workspace W --debug ...``).
OPTIONS: dict[str, Any] = {"server": None, "workspace": None, "debug": False}
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def is_uuid(text: str) -> bool:
    return bool(UUID_RE.match(text.strip()))


def server_url(server: str | None = None) -> str:
    """The daemon's base URL, without a trailing slash."""
    chosen = server or OPTIONS.get("server") or os.environ.get("AL_SERVER")
    if chosen:
        chosen = chosen.strip().rstrip("/")
        return chosen if "://" in chosen else f"http://{chosen}"
    from automatelanka.cli import session

    remembered = session.current_server()
    if remembered:
        return remembered
    from automatelanka.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


def debug_traceback() -> None:
    if OPTIONS.get("debug"):
        import traceback

        traceback.print_exc(file=sys.stderr)


class ApiFailure(Exception):
    """An error answer from the daemon (kept for callers that want to handle it, e.g. the TUI)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    @property
    def exit_code(self) -> int:
        if self.status == 401:
            return UNREACHABLE
        if self.status in (400, 404, 422):
            return USAGE
        return FAILED


class Unreachable(Exception):
    """The daemon did not answer."""


class Client:
    """A signed-in (or anonymous) connection to the daemon. Methods raise ``typer.Exit`` on errors
    unless built with ``raise_errors=True`` (then ``ApiFailure`` / ``Unreachable``)."""

    def __init__(self, server: str | None = None, workspace: str | None = None, *, raise_errors: bool = False,
                 timeout: float = 60.0) -> None:
        import httpx

        from automatelanka.cli import session

        self.base_url = server_url(server)
        self.session = session.load(self.base_url)
        self.workspace = (workspace or OPTIONS.get("workspace") or os.environ.get("AL_WORKSPACE")
                          or self.session.get("workspace"))
        self.raise_errors = raise_errors
        self.http = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(timeout, connect=3.0),
                                 headers={"User-Agent": "al"})

    # --- credentials ----------------------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        key, token = os.environ.get("AL_API_KEY"), os.environ.get("AL_TOKEN")
        if key:
            return {"X-API-Key": key}
        if token:
            return {"Authorization": f"Bearer {token}"}
        access = self.session.get("access_token")
        return {"Authorization": f"Bearer {access}"} if access else {}

    @property
    def uses_session(self) -> bool:
        return not (os.environ.get("AL_API_KEY") or os.environ.get("AL_TOKEN")) and bool(
            self.session.get("refresh_token"))

    def _refresh(self) -> bool:
        """Rotate the session's refresh token; True when new tokens were saved."""
        from automatelanka.cli import session

        try:
            r = self.http.post("/api/auth/refresh", json={"refresh_token": self.session["refresh_token"]})
        except Exception:
            return False
        if r.status_code != 200:
            session.clear_tokens(self.base_url)
            self.session.pop("access_token", None)
            self.session.pop("refresh_token", None)
            return False
        tokens = r.json()
        self.session.update(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])
        session.save(self.base_url, access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])
        return True

    # --- requests -------------------------------------------------------------------------

    def _error(self, exc: Exception) -> typer.Exit:
        if self.raise_errors:
            raise exc
        if isinstance(exc, Unreachable):
            return fail(str(exc), UNREACHABLE)
        assert isinstance(exc, ApiFailure)
        message = exc.message
        if exc.status == 401:
            how = "check AL_API_KEY / AL_TOKEN" if not self.uses_session and (
                os.environ.get("AL_API_KEY") or os.environ.get("AL_TOKEN")) else "run 'al login'"
            message = f"not logged in to {self.base_url} ({exc.message}); {how}"
        return fail(message, exc.exit_code)

    def request(self, method: str, path: str, *, workspace: bool = True, auth: bool = True,
                **kwargs: Any) -> Any:
        """Send a request; the ``httpx.Response`` of a 2xx answer (errors as described above)."""
        import httpx

        headers = dict(kwargs.pop("headers", None) or {})
        if workspace and self.workspace:
            headers.setdefault("X-Workspace", str(self.workspace))
        for attempt in (0, 1):
            sent = {**headers, **(self._auth_headers() if auth else {})}
            try:
                response = self.http.request(method, path, headers=sent, **kwargs)
            except httpx.HTTPError as exc:
                debug_traceback()
                raise self._error(Unreachable(
                    f"cannot reach the daemon at {self.base_url} ({type(exc).__name__}); start it with 'al up'"
                )) from None
            if response.status_code == 401 and auth and attempt == 0 and self.uses_session and self._refresh():
                continue
            break
        if response.status_code >= 400:
            raise self._error(failure_of(response)) from None
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.json("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.json("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.json("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.json("DELETE", path, **kwargs)

    def pages(self, path: str, params: dict[str, Any] | None = None, *, limit: int | None = None,
              page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Items of a keyset-paginated list (``items`` / ``next_cursor``), at most ``limit``."""
        params = dict(params or {})
        seen = 0
        cursor = None
        while True:
            size = page_size if limit is None else min(page_size, limit - seen)
            if size <= 0:
                return
            page = self.get(path, params={**params, "limit": size, **({"cursor": cursor} if cursor else {})})
            for item in page.get("items", []):
                yield item
                seen += 1
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def events(self, path: str, *, timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """Server-Sent Events of ``path`` as dicts (``type`` plus the event's data)."""
        import httpx

        headers = {"Accept": "text/event-stream", **self._auth_headers()}
        if self.workspace:
            headers["X-Workspace"] = str(self.workspace)
        for attempt in (0, 1):
            try:
                with self.http.stream("GET", path, headers=headers,
                                      timeout=httpx.Timeout(timeout, connect=3.0)) as response:
                    if response.status_code == 401 and attempt == 0 and self.uses_session and self._refresh():
                        headers.update(self._auth_headers())
                        continue
                    if response.status_code >= 400:
                        response.read()
                        raise self._error(failure_of(response))
                    kind, data = "message", []
                    for line in response.iter_lines():
                        if not line:
                            if data:
                                try:
                                    event = json.loads("\n".join(data))
                                except ValueError:
                                    event = {"data": "\n".join(data)}
                                if isinstance(event, dict):
                                    event.setdefault("type", kind)
                                    yield event
                            kind, data = "message", []
                        elif line.startswith("event:"):
                            kind = line[6:].strip()
                        elif line.startswith("data:"):
                            data.append(line[5:].lstrip())
                    return
            except httpx.HTTPError as exc:
                debug_traceback()
                raise self._error(Unreachable(
                    f"lost the event stream from {self.base_url} ({type(exc).__name__})")) from None

    # --- lookups --------------------------------------------------------------------------

    def workflow(self, ref: str) -> dict[str, Any]:
        """A workflow summary by id or by (exact, else case-insensitive) name."""
        ref = ref.strip()
        if is_uuid(ref):
            return self.get(f"/api/workflows/{ref}")
        def named(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [w for w in found if w["name"] == ref] or [w for w in found if w["name"].lower() == ref.lower()]

        exact = named(list(self.pages("/api/workflows", {"q": ref}, limit=2000)))
        if not exact:  # the list's q is a full-text search: a name of only stop words or symbols may miss
            exact = named(list(self.pages("/api/workflows")))
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise self._error(ApiFailure(404, "not_found", f"no workflow with the id or name {ref!r}"))
        ids = ", ".join(str(w["id"]) for w in exact[:5])
        raise self._error(ApiFailure(422, "ambiguous", f"{len(exact)} workflows are named {ref!r}; use an id ({ids})"))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def failure_of(response: Any) -> ApiFailure:
    """The daemon's JSON error (``{"error": {...}}``) as an ApiFailure."""
    try:
        err = response.json()["error"]
        return ApiFailure(response.status_code, err.get("code", "error"), err.get("message") or "error",
                          err.get("details"))
    except (ValueError, KeyError, TypeError):
        text = (response.text or "").strip().splitlines()
        return ApiFailure(response.status_code, "http_error",
                          f"HTTP {response.status_code}" + (f": {text[0][:200]}" if text else ""))


def connect(**kwargs: Any) -> Client:
    """A client for the current command line's options."""
    return Client(**kwargs)
