"""``al creds``: credentials of the current workspace (secrets are sent, never shown).

Talks to ``/api/credentials`` (list, create, ``POST /{id}/test``, delete); ``rotate-key`` works on the
local database and key store.
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
    name: str = typer.Argument(None, help="A name for it (default: asked, or the type's label)."),
    data: str = typer.Option(None, "--data", "-d", help="The fields as JSON, @file, or - for stdin."),
    field: list[str] = typer.Option(None, "--field", "-f", help="One field as NAME=VALUE (repeatable; for scripts)."),
    as_json: bool = json_option(),
) -> None:
    """Add a credential; its fields are encrypted by the daemon and never shown again.

    In a terminal, without --data or --field, it asks for each field of TYPE (secrets hidden).

    Example: al creds add slackApi "Slack bot" -f accessToken=xoxb-...
    """
    import json

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail
    from automatelanka.cli.output import print_json

    if data is None and (field or _interactive()):
        with cl.connect() as c:
            spec = c.get(f"/api/credentials/types/{cred_type}")
        name = name or (typer.prompt("Name", default=spec.get("label") or cred_type) if not field
                        else spec.get("label") or cred_type)
        data = json.dumps(_fields_from(spec, field or []))
    name = name or cred_type
    from automatelanka.cli.options import json_option

    fields = json_option("-" if data is None else data, "--data")
    if not isinstance(fields, dict):
        raise fail("--data: expected a JSON object", USAGE)
    with cl.connect() as c:
        cred = c.post("/api/credentials", json={"type": cred_type, "name": name, "data": fields})
    if as_json:
        print_json(cred)
    else:
        typer.echo(f"added credential {cred.get('name', name)!r} ({cred.get('id')})")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _fields_from(spec: dict, pairs: list[str]) -> dict:
    """Fields from ``NAME=VALUE`` pairs; in a terminal without pairs, asked one by one."""
    from automatelanka.cli.errors import USAGE, fail

    if pairs:
        out = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                raise fail(f"--field: expected NAME=VALUE, got {pair!r}", USAGE)
            out[key] = value
        return out
    if spec.get("oauth2"):
        typer.echo(f"{spec['type']} is connected through OAuth: POST /api/integrations/{spec['type']}/connect "
                   "gives the URL to open.")
    out = {}
    for f in spec.get("fields", []):
        if f.get("type") not in ("string", "number", "boolean", "options", "json"):
            continue
        label = f.get("label") or f["name"]
        if f.get("options"):
            label += f" ({'/'.join(str(o) for o in f['options'])})"
        default = f.get("default")
        value = typer.prompt(label, default="" if default is None else str(default), show_default=default is not None
                             and not f.get("password"), hide_input=bool(f.get("password")))
        if value != "" or f.get("required"):
            out[f["name"]] = value if f.get("type") != "number" else _number(value)
    return out


def _number(value: str) -> object:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


@app.command("rotate-key")
def rotate_key(as_json: bool = json_option()) -> None:
    """Rotate the master key and re-wrap every credential under it (no downtime).

    A new key becomes active, each credential's data key is re-wrapped (the data itself is not
    re-encrypted; the daemon keeps reading old and new), then the old key is retired. Runs on the daemon's host, against its database and key store (AL_HOME). With
    AL_ENCRYPTION_KEY set, set the new key there and the old one in AL_ENCRYPTION_KEYS_OLD first.

    Example: al creds rotate-key
    """
    from automatelanka.cli.errors import FAILED, USAGE, fail
    from automatelanka.cli.output import print_json
    from automatelanka.config import ConfigError, load_settings
    from automatelanka.services import credentials
    from automatelanka.store.db import create_engine_for

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    engine = create_engine_for(settings.database_url)
    try:
        result = credentials.rotate_master_key(engine, settings)
    except ValueError as exc:
        raise fail(str(exc), USAGE) from None
    finally:
        engine.dispose()
    if as_json:
        print_json(result)
    else:
        typer.echo(f"active master key {result['active_kid']} ({result['key_store']}); "
                   f"{result['rewrapped']} credential(s) re-wrapped; retired: {', '.join(result['retired']) or 'none'}")
        if result["failed"]:
            typer.echo(f"{result['failed']} credential(s) could not be re-wrapped (see the log)", err=True)
    if result["failed"]:
        raise typer.Exit(FAILED)


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
