"""``al config``: show the effective configuration."""

from __future__ import annotations

import json

import typer

from automatelanka.cli.errors import USAGE, fail

app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)


@app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print the effective settings, secrets masked, and where each came from.

    Example: AL_PORT=8080 al config show
    """
    from automatelanka.config import SETTING_SOURCES, ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    values = settings.masked()
    if as_json:
        typer.echo(json.dumps(values, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("setting", "value", "from", box=None)
    for name, value in values.items():
        source = settings.sources.get(SETTING_SOURCES.get(name, name), "default")
        table.add_row(name, str(value), source)
    Console().print(table)
