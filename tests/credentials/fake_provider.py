"""A fake OAuth 2.0 provider and service APIs on 127.0.0.1, for the credential tests.

``/authorize`` redirects back with a code bound to the client, redirect URI and PKCE challenge;
``/token`` checks all of them (S256) and issues tokens, or refreshes them (``invalid_grant`` once
revoked); identity endpoints (Slack ``/auth.test``, Google ``/oauth2/v3/userinfo``, GitHub
``/user``, Microsoft ``/me``, Telegram ``/bot<token>/getMe``) and ``/data`` accept only live tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret-9b1f0c7e"
TELEGRAM_TOKEN = "123456:telegram-known-token-abcdef"


class FakeProvider:
    def __init__(self) -> None:
        self.url = ""
        self.lock = threading.Lock()
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: dict[str, float] = {}  # token -> expiry (epoch)
        self.refresh_tokens: set[str] = set()
        self.revoked: set[str] = set()
        self.token_calls: list[dict[str, str]] = []
        self.refresh_calls = 0
        self.rejected = 0  # 401s answered by /data
        self.token_delay_s = 0.0
        self.expires_in = 3600

    # -- helpers for tests -------------------------------------------------------------------

    def issue(self, *, expires_in: int | None = None, expired: bool = False) -> dict[str, Any]:
        """Tokens as if a connection happened earlier (``expired``: the access token is dead)."""
        access, refresh = "at-" + secrets.token_hex(12), "rt-" + secrets.token_hex(12)
        lifetime = self.expires_in if expires_in is None else expires_in
        with self.lock:
            self.access[access] = time.time() + (-10 if expired else lifetime)
            self.refresh_tokens.add(refresh)
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
                "expires_in": lifetime, "expires_at": int(time.time()) + (-10 if expired else lifetime)}

    def kill_access(self, token: str) -> None:
        with self.lock:
            self.access[token] = 0

    def revoke(self, refresh_token: str) -> None:
        with self.lock:
            self.revoked.add(refresh_token)

    def _live(self, headers: dict[str, str], path_token: str | None = None) -> bool:
        token = path_token
        if token is None:
            auth = headers.get("authorization", "")
            token = auth.split(" ", 1)[1] if " " in auth else ""
        if token == TELEGRAM_TOKEN:
            return True
        with self.lock:
            return self.access.get(token, 0) > time.time()

    # -- endpoints -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], form: dict[str, str],
               headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if path == "/authorize":
            return self._authorize(query)
        if path == "/token" and method == "POST":
            return self._token(form, headers)
        if path.startswith("/bot") and path.endswith("/getMe"):
            token = path[len("/bot"):-len("/getMe")]
            if self._live(headers, token):
                return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "known_bot"}}, {}
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, {}
        live = self._live(headers)
        if path == "/auth.test":
            return 200, ({"ok": True, "user": "ann", "team": "Acme"} if live
                         else {"ok": False, "error": "invalid_auth"}), {}
        if path == "/oauth2/v3/userinfo":
            return (200, {"email": "ann@example.com", "sub": "1"}, {}) if live else (
                401, {"error": "invalid_request", "error_description": "Invalid Credentials"}, {})
        if path == "/user":
            return (200, {"login": "ann"}, {}) if live else (401, {"message": "Bad credentials"}, {})
        if path == "/me":
            return (200, {"userPrincipalName": "ann@contoso.com"}, {}) if live else (
                401, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired"}}, {})
        if path == "/echo":  # answers with what it was sent (a careless service echoing a secret)
            return 200, {"authorization": headers.get("authorization"), "api_key": headers.get("x-api-key")}, {}
        if path == "/reject":  # an error message quoting the key it was sent
            return 403, {"message": f"key {headers.get('authorization')} is not allowed here"}, {}
        if path == "/data":
            if not live:
                with self.lock:
                    self.rejected += 1
            return (200, {"hello": "world"}, {}) if live else (401, {"error": "token expired"}, {})
        return 404, {"error": "not found"}, {}

    def _authorize(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256" \
                or not query.get("code_challenge") or not query.get("state"):
            return 400, {"error": "invalid_request"}, {}
        code = "code-" + secrets.token_hex(8)
        with self.lock:
            self.codes[code] = {"challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"],
                                "scope": query.get("scope", "")}
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {}, {"Location": location}

    def _token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if self.token_delay_s:
            time.sleep(self.token_delay_s)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if headers.get("authorization", "").startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(headers["authorization"][6:]).decode().partition(":")
        with self.lock:
            self.token_calls.append(dict(form))
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}, {}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self.lock:
                pending = self.codes.pop(form.get("code", ""), None)
            if pending is None or pending["redirect_uri"] != form.get("redirect_uri"):
                return 400, {"error": "invalid_grant", "error_description": "bad code or redirect_uri"}, {}
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if digest != pending["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}, {}
            tokens = self.issue()
            tokens.pop("expires_at")
            return 200, {**tokens, "scope": pending["scope"]}, {}
        if grant == "refresh_token":
            with self.lock:
                self.refresh_calls += 1
            token = form.get("refresh_token", "")
            if token in self.revoked or token not in self.refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, {}
            tokens = self.issue()
            tokens.pop("expires_at")
            tokens.pop("refresh_token")  # like Google: the refresh token stays the same
            return 200, tokens, {}
        return 400, {"error": "unsupported_grant_type"}, {}


def serve() -> tuple[FakeProvider, ThreadingHTTPServer]:
    """Start the fake on a free port of 127.0.0.1; ``server.shutdown()`` stops it."""
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(body, keep_blank_values=True))
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, extra = fake.handle(self.command, split.path, query, form, headers)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
