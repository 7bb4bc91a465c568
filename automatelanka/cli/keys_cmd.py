"""``al keys``: API keys for scripts and CI, scoped to the current workspace."""

from __future__ import annotations

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="API keys of the current workspace.", no_args_is_help=True)


@app.command("list")
def list_keys(as_json: bool = json_option()) -> None:
    """The workspace's API keys (never their secrets).

    Example: al keys list --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get("/api/api-keys")["items"]
    if as_json:
        print_json(items)
    else:
        table(items, ["name", "prefix", "scopes", ("last_used_at", "last used"), ("expires_at", "expires"),
                      ("revoked_at", "revoked"), "id"], empty="no API keys")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="A name to recognise the key by."),
    scopes: list[str] = typer.Option(["workflow:read"], "--scope", "-s",
                                     help="workflow:read, workflow:write, workflow:execute, runs:read or admin "
                                          "(repeat for several)."),
    expires: str = typer.Option(None, "--expires", help="Expiry as an ISO date-time, e.g. 2027-01-01T00:00:00Z."),
    as_json: bool = json_option(),
) -> None:
    """Create a key; its full text is printed once, keep it safe.

    Example: al keys create ci --scope workflow:execute --scope runs:read
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        key = c.post("/api/api-keys", json={"name": name, "scopes": scopes, "expires_at": expires})
    if as_json:
        print_json(key)
    else:
        typer.echo(key["key"])
        typer.echo(f"created key {key['name']!r} ({key['id']}); it is shown only now", err=True)


@app.command("revoke")
def revoke(key: str = typer.Argument(..., help="Key id, name or prefix.")) -> None:
    """Revoke a key; requests using it are refused from now on.

    Example: al keys revoke ci
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail

    with cl.connect() as c:
        if cl.is_uuid(key):
            key_id = key
        else:
            items = [k for k in c.get("/api/api-keys")["items"] if not k.get("revoked_at")]
            match = [k for k in items if key in (k.get("name"), k.get("prefix"))]
            if len(match) != 1:
                raise fail(f"{'no' if not match else 'more than one'} active key named {key!r}; use its id", USAGE)
            key_id = match[0]["id"]
        c.delete(f"/api/api-keys/{key_id}")
    typer.echo(f"revoked key {key}")
