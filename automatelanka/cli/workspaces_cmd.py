"""``al workspaces``: list, create and choose workspaces; members and invitations."""

from __future__ import annotations

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Workspaces, their members and invitations.", no_args_is_help=True)

WS_OPTION = typer.Option(None, "--workspace", "-w", help="Workspace id or slug (default: the current one).")


def _current(c, workspace: str | None) -> str:
    """The workspace to act on: the option, the current one, else the caller's default."""
    chosen = workspace or c.workspace
    if chosen:
        return str(chosen)
    me = c.get("/api/auth/me", workspace=False)
    if not me["workspaces"]:
        from automatelanka.cli.errors import USAGE, fail

        raise fail("you belong to no workspace; create one with 'al workspaces create NAME'", USAGE)
    return str(me["workspaces"][0]["slug"])


@app.command("list")
def list_workspaces(as_json: bool = json_option()) -> None:
    """The workspaces you belong to (the current one marked with *).

    Example: al workspaces list --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get("/api/workspaces", workspace=False)["items"]
        current = c.workspace or (str(items[0]["slug"]) if items else None)
    if as_json:
        print_json(items)
        return
    rows = [{**w, "current": "*" if current in (str(w["id"]), w["slug"]) else ""} for w in items]
    table(rows, [("current", ""), "slug", "name", "role", "id"], empty="no workspaces")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Display name."),
    slug: str = typer.Option(None, "--slug", help="URL-friendly short name (default: from the name)."),
    use: bool = typer.Option(False, "--use", help="Also make it the current workspace."),
    as_json: bool = json_option(),
) -> None:
    """Create a workspace; you become its owner.

    Example: al workspaces create "Acme Ops" --slug acme --use
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli import session
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        body = {"name": name, **({"slug": slug} if slug else {})}
        ws = c.post("/api/workspaces", json=body, workspace=False)
        if use:
            session.save(c.base_url, workspace=ws["slug"])
    if as_json:
        print_json(ws)
    else:
        typer.echo(f"created workspace {ws['name']!r} ({ws['slug']}, {ws['id']})" + (", now current" if use else ""))


@app.command("use")
def use(workspace: str = typer.Argument(..., help="Workspace id or slug.")) -> None:
    """Make a workspace the current one for later commands (stored with your session).

    Example: al workspaces use acme
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli import session

    with cl.connect() as c:
        ws = c.get(f"/api/workspaces/{workspace}", workspace=False)
        session.save(c.base_url, workspace=ws["slug"])
    typer.echo(f"current workspace: {ws['name']!r} ({ws['slug']}, role {ws.get('role')})")


@app.command("members")
def members(workspace: str = WS_OPTION, as_json: bool = json_option()) -> None:
    """Members of the workspace and their roles.

    Example: al workspaces members --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        ws = _current(c, workspace)
        items = c.get(f"/api/workspaces/{ws}/members", workspace=False)["items"]
    if as_json:
        print_json(items)
    else:
        table(items, ["email", "name", "role", ("joined_at", "joined"), "user_id"], empty="no members")


@app.command("invite")
def invite(
    email: str = typer.Argument(..., help="E-mail address to invite."),
    role: str = typer.Option("member", "--role", help="owner, admin or member."),
    workspace: str = WS_OPTION,
    as_json: bool = json_option(),
) -> None:
    """Invite someone by e-mail; they accept with the mailed link.

    Example: al workspaces invite bob@example.com --role admin
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        ws = _current(c, workspace)
        inv = c.post(f"/api/workspaces/{ws}/invitations", json={"email": email, "role": role}, workspace=False)
    if as_json:
        print_json(inv)
    else:
        sent = "mailed" if inv.get("mail_sent") else "not mailed (no SMTP: the link is in the daemon's log)"
        typer.echo(f"invited {inv['email']} as {inv['role']} to {ws}; invitation {sent}")


@app.command("remove")
def remove(
    member: str = typer.Argument(..., help="The member's e-mail address or user id."),
    workspace: str = WS_OPTION,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove a member from the workspace (or leave it, naming yourself).

    Example: al workspaces remove bob@example.com --yes
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail

    with cl.connect() as c:
        ws = _current(c, workspace)
        items = c.get(f"/api/workspaces/{ws}/members", workspace=False)["items"]
        match = [m for m in items if member.lower() in (str(m["user_id"]).lower(), str(m["email"]).lower())]
        if not match:
            raise fail(f"{member} is not a member of {ws}", USAGE)
        target = match[0]
        if not yes:
            typer.confirm(f"Remove {target['email']} from {ws}?", abort=True)
        c.delete(f"/api/workspaces/{ws}/members/{target['user_id']}", workspace=False)
    typer.echo(f"removed {target['email']} from {ws}")
