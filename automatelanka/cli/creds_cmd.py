"""``al creds``: credentials of the current workspace (secrets are sent, never shown).

Talks to ``/api/credentials`` (list, create, ``POST /{id}/test``, delete).
"""

from __future__ import annotations

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Credentials of the current workspace.", no_args_is_help=True)
REF = typer.Argument(..., help="Credential id or name.")


def _resolve(c, ref: str) -> dict:
    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail

    items = c.get("/api/credentials").get("items", [])
    match = [i for i in items if ref in (str(i.get("id")), i.get("name"))] if not cl.is_uuid(ref) else [
        i for i in items if str(i.get("id")) == ref]
    if len(match) != 1:
        raise fail(f"{'no' if not match else 'more than one'} credential {ref!r}", USAGE)
    return match[0]


@app.command("list")
def list_creds(as_json: bool = json_option()) -> None:
    """Credentials: name, type and when they were last used.

    Example: al creds list --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get("/api/credentials").get("items", [])
    if as_json:
        print_json(items)
    else:
        table(items, ["name", "type", ("last_used_at", "last used"), "id"], empty="no credentials")


@app.command("add")
def add(
    cred_type: str = typer.Argument(..., metavar="TYPE", help="n8n credential type, e.g. slackApi, httpHeaderAuth."),
    name: str = typer.Argument(..., help="A name for it."),
    data: str = typer.Option(None, "--data", "-d", help="The fields as JSON, @file, or - for stdin (default: stdin)."),
    as_json: bool = json_option(),
) -> None:
    """Add a credential; its fields are encrypted by the daemon and never shown again.

    Example: echo '{"accessToken": "xoxb-..."}' | al creds add slackApi "Slack bot" --data -
    """
    import json
    import sys
    from pathlib import Path

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail
    from automatelanka.cli.output import print_json

    raw = data if data not in (None, "-") else sys.stdin.read()
    if raw.startswith("@"):
        try:
            raw = Path(raw[1:]).read_text()
        except OSError as exc:
            raise fail(f"--data: cannot read {raw[1:]} ({exc.strerror})", USAGE) from None
    try:
        fields = json.loads(raw)
    except ValueError as exc:
        raise fail(f"--data: not valid JSON ({exc})", USAGE) from None
    if not isinstance(fields, dict):
        raise fail("--data: expected a JSON object", USAGE)
    with cl.connect() as c:
        cred = c.post("/api/credentials", json={"type": cred_type, "name": name, "data": fields})
    if as_json:
        print_json(cred)
    else:
        typer.echo(f"added credential {cred.get('name', name)!r} ({cred.get('id')})")


@app.command("test")
def test(ref: str = REF, as_json: bool = json_option()) -> None:
    """Check that a credential works (the daemon tries it against its service).

    Example: al creds test "Slack bot"
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import FAILED, OK
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        cred = _resolve(c, ref)
        result = c.post(f"/api/credentials/{cred['id']}/test")
    ok = bool(result.get("ok", result.get("status") == "ok"))
    if as_json:
        print_json(result)
    else:
        typer.echo(f"{cred['name']}: {'ok' if ok else 'failed'}" + (f" ({result['message']})" if result.get("message") else ""))
    raise typer.Exit(OK if ok else FAILED)


@app.command("remove")
def remove(ref: str = REF, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")) -> None:
    """Delete a credential.

    Example: al creds remove "Slack bot" --yes
    """
    from automatelanka.cli import client as cl

    with cl.connect() as c:
        cred = _resolve(c, ref)
        if not yes:
            typer.confirm(f"Remove credential {cred['name']!r}?", abort=True)
        c.delete(f"/api/credentials/{cred['id']}")
    typer.echo(f"removed credential {cred['name']!r}")
