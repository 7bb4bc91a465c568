"""``al login`` / ``al logout`` / ``al whoami``: the signed-in session of the command line."""

from __future__ import annotations

import sys

import typer

from automatelanka.cli.errors import USAGE, fail
from automatelanka.cli.output import json_option


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)


def login(
    email: str = typer.Option(None, "--email", "-e", help="Your e-mail address (prompted when missing)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    server: str = typer.Option(None, "--server", help="Daemon URL (default: AL_SERVER, else the configuration)."),
    as_json: bool = json_option(),
) -> None:
    """Sign in to the daemon; the tokens go to the system keyring (else a 0600 file in AL_HOME).

    Example: echo "$PASSWORD" | al login --email me@example.com --password-stdin
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli import session

    if server:
        cl.OPTIONS["server"] = server
    if not email:
        if not sys.stdin.isatty() and password_stdin:
            raise fail("--email is required with --password-stdin", USAGE)
        email = typer.prompt("E-mail")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True)
    if not password:
        raise fail("empty password", USAGE)
    with cl.connect() as c:
        data = c.post("/api/auth/login", json={"email": email, "password": password}, auth=False, workspace=False)
        where = session.save(c.base_url, email=data["user"]["email"], access_token=data["access_token"],
                             refresh_token=data["refresh_token"])
        session.set_current_server(c.base_url)
    if as_json:
        from automatelanka.cli.output import print_json

        print_json({"user": data["user"], "server": c.base_url, "storage": where})
        return
    typer.echo(f"logged in to {c.base_url} as {data['user']['email']} (tokens in the {where})")


def logout(server: str = typer.Option(None, "--server", help="Daemon URL.")) -> None:
    """Revoke the session's refresh token and forget the tokens.

    Example: al logout
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli import session

    if server:
        cl.OPTIONS["server"] = server
    with cl.connect(raise_errors=True) as c:
        refresh = c.session.get("refresh_token")
        if refresh:
            import contextlib

            with contextlib.suppress(cl.ApiFailure, cl.Unreachable):  # forget the tokens locally anyway
                c.post("/api/auth/logout", json={"refresh_token": refresh}, workspace=False)
        session.clear_tokens(c.base_url)
    typer.echo(f"logged out of {c.base_url}" if refresh else f"not logged in to {c.base_url}")


def whoami(as_json: bool = json_option()) -> None:
    """Show who you are signed in as, and your workspaces (the current one marked).

    Example: al whoami --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        me = c.get("/api/auth/me", workspace=False)
        current = c.workspace
    me["server"] = c.base_url
    me["current_workspace"] = current
    if as_json:
        print_json(me)
        return
    user = me["user"]
    admin = " (platform admin)" if user.get("is_platform_admin") else ""
    typer.echo(f"{user['email']}{admin} on {c.base_url}")
    if me.get("impersonated_by"):
        typer.echo(f"impersonated by {me['impersonated_by']}")
    rows = [{**w, "current": "*" if current in (str(w["id"]), w.get("slug")) else ""} for w in me["workspaces"]]
    table(rows, [("current", ""), "slug", "name", "role", "id"], empty="no workspaces")
