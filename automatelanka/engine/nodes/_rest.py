"""A small JSON REST client for the long tail of service nodes (HubSpot, Pipedrive, Jira, ...).

:class:`Api` binds a base URL and the node's credential (API key, basic, bearer or OAuth2 with one
refresh on 401, all through :mod:`_http`) and returns decoded JSON (``None`` for an empty body, as
n8n's ``request`` with ``json: true`` yields ``undefined``). :func:`dispatch` runs the handler of
the node's ``(resource, operation)`` per item, and fails with "not supported yet" for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes._http import auth_for, credential, is_oauth2, request
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext


class Api:
    """JSON requests to ``base`` with the node's credential of ``credential_type``.

    ``auth`` overrides the auth description derived from the credential (see ``_http.apply_auth``).
    """

    def __init__(self, ctx: NodeContext, base: str, credential_type: str | None = None, *,
                 fields: dict[str, Any] | None = None, auth: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.ctx = ctx
        self.base = base.rstrip("/")
        self.headers = dict(headers or {})
        self.kwargs: dict[str, Any] = {}
        if credential_type and is_oauth2(credential_type):
            self.fields = fields if fields is not None else (credential(ctx, credential_type) or {})
            self.kwargs["oauth2"] = (credential_type, self.fields)
        elif credential_type:
            self.fields = fields if fields is not None else (credential(ctx, credential_type) or {})
            derived = auth if auth is not None else auth_for(credential_type, self.fields)
            if derived:
                self.kwargs["auth"] = derived
        else:
            self.fields = fields or {}
            if auth:
                self.kwargs["auth"] = auth
        if auth is not None and "oauth2" in self.kwargs:
            self.kwargs["auth"] = auth

    def url(self, path: str) -> str:
        """``path`` joined to the base URL (absolute URLs are kept)."""
        if path.startswith(("http://", "https://")):
            return path
        if not path:
            return self.base
        return f"{self.base}{path}" if path.startswith("/") else f"{self.base}/{path}"

    def response(self, method: str, path: str, i: int = 0, *, body: Any = None, qs: Any = None,
                 url: str | None = None, **kwargs: Any) -> Any:
        """The raw httpx response of one request (``path`` is joined to the base unless ``url``)."""
        target = url or self.url(path)
        extra = dict(self.kwargs)
        extra.update(kwargs)
        headers = {**self.headers, **(kwargs.get("headers") or {})}
        if headers:
            extra["headers"] = headers
        if body is not None:
            extra["json"] = body
        if qs:
            extra["params"] = query_pairs(qs)
        return request(self.ctx, method, target, item_index=i, **extra)

    def call(self, method: str, path: str, i: int = 0, *, body: Any = None, qs: Any = None,
             url: str | None = None, **kwargs: Any) -> Any:
        """Decoded JSON of one request; ``None`` for an empty body; text when it is not JSON."""
        return decode(self.response(method, path, i, body=body, qs=qs, url=url, **kwargs))


def decode(response: Any) -> Any:
    """A response body as n8n's ``json: true`` request gives it (``None`` when empty)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def query_pairs(qs: Any) -> Any:
    """httpx params: booleans as ``true``/``false``, lists as repeated keys, ``None`` dropped."""
    if isinstance(qs, list):
        return [(k, _qs_value(v)) for k, v in qs if v is not None]
    out: list[tuple[str, str]] = []
    for key, value in qs.items():
        if value is None:
            continue
        if isinstance(value, list):
            out.extend((key, _qs_value(v)) for v in value)
        else:
            out.append((key, _qs_value(value)))
    return out


def _qs_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


Operation = Callable[[NodeContext, int, dict[str, Any]], Any]


def dispatch(ctx: NodeContext, display: str, operations: dict[tuple[str, str], Operation], resource: str,
             operation: str, **per_item_kwargs: Any) -> list[dict[str, Any]]:
    """Run ``operations[(resource, operation)]`` for each item (unsupported -> NodeError)."""
    handler = operations.get((resource, operation))
    if handler is None:
        raise unsupported(display, resource, operation)
    return per_item(ctx, lambda i, item: handler(ctx, i, item), **per_item_kwargs)


def limit_or_all(ctx: NodeContext, i: int, rows: list[Any], *, limit_default: int = 50) -> list[Any]:
    """``rows`` cut to ``limit`` unless ``returnAll``."""
    if ctx.param("returnAll", i, False):
        return rows
    return rows[: int(ctx.param("limit", i, limit_default) or 0)]


def parse_json_param(value: Any, what: str, i: int) -> Any:
    """A JSON parameter that may be saved as text (NodeError naming ``what`` when invalid)."""
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            return json.loads(value)
        except ValueError:
            raise NodeError(f"{what} must be a valid JSON", item_index=i) from None
    return value


def js_date_ms(value: Any) -> int | None:
    """``new Date(value).getTime()`` for ISO strings and numbers (``None`` when invalid)."""
    from datetime import UTC, datetime

    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # n8n runs in the instance's zone; date-only strings are UTC in JS, date-times local.
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)
