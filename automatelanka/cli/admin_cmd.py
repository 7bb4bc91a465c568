"""``al admin``: platform-wide views for platform administrators, and the workspace audit log."""

from __future__ import annotations

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Platform administration (platform admins) and the audit log (owners).",
                  no_args_is_help=True)


@app.command("stats")
def stats(as_json: bool = json_option()) -> None:
    """Counts of users, workspaces, workflows and runs by status.

    Example: al admin stats --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import details, print_json

    with cl.connect() as c:
        data = c.get("/api/admin/stats", workspace=False)
    if as_json:
        print_json(data)
    else:
        details(data)


@app.command("users")
def users(limit: int = typer.Option(100, "--limit", "-n", min=1, max=1000), as_json: bool = json_option()) -> None:
    """Every user of the platform.

    Example: al admin users --limit 20
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get("/api/admin/users", params={"limit": limit}, workspace=False)["items"]
    if as_json:
        print_json(items)
    else:
        table(items, ["email", "name", "is_platform_admin", "is_active", ("created_at", "created"), "id"],
              empty="no users")


@app.command("workspaces")
def workspaces(limit: int = typer.Option(100, "--limit", "-n", min=1, max=1000),
               as_json: bool = json_option()) -> None:
    """Every workspace of the platform.

    Example: al admin workspaces --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get("/api/admin/workspaces", params={"limit": limit}, workspace=False)["items"]
    if as_json:
        print_json(items)
    else:
        table(items, ["slug", "name", "members", ("created_at", "created"), "id"], empty="no workspaces")


@app.command("impersonate")
def impersonate(user: str = typer.Argument(..., help="User id or e-mail address."),
                as_json: bool = json_option()) -> None:
    """Print a 5-minute access token acting as the user (audited). Use it as AL_TOKEN.

    Example: export AL_TOKEN=$(al admin impersonate bob@example.com)
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        user_id = user
        if not cl.is_uuid(user):
            found = [u for u in c.get("/api/admin/users", params={"limit": 1000}, workspace=False)["items"]
                     if str(u.get("email", "")).lower() == user.lower()]
            if not found:
                raise fail(f"no user {user!r}", USAGE)
            user_id = found[0]["id"]
        data = c.post(f"/api/admin/users/{user_id}/impersonate", workspace=False)
    if as_json:
        print_json(data)
    else:
        typer.echo(data["access_token"])


@app.command("audit")
def audit(action: str = typer.Option(None, "--action", help="Only this action, e.g. member.removed."),
          limit: int = typer.Option(50, "--limit", "-n", min=1, max=500), as_json: bool = json_option()) -> None:
    """The current workspace's audit log, newest first (workspace owners).

    Example: al admin audit --action api_key.created --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        params = {"limit": limit, **({"action": action} if action else {})}
        items = c.get("/api/audit", params=params)["items"]
    if as_json:
        print_json(items)
    else:
        table(items, [("created_at", "at"), "action", "actor_id", "target_type", "target_id", "ip"],
              empty="no audit entries")
