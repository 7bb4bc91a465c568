"""The ``al`` command line. Commands live in small modules and import their work lazily,
so ``al --help`` stays fast."""

from __future__ import annotations

import sys

import typer

from automatelanka import __version__
from automatelanka.cli import config_cmd, db_cmd, run_cmd, search_cmd, up_cmd, worker_cmd

app = typer.Typer(
    name="al",
    help="AutomateLanka: run n8n workflows from the command line, faster and lighter.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"al {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """AutomateLanka: run n8n workflows from the command line, faster and lighter.

    Example: al run workflow.json --json
    """


app.add_typer(config_cmd.app, name="config")
app.add_typer(db_cmd.app, name="db")
run_cmd.register(app)
up_cmd.register(app)
worker_cmd.register(app)
search_cmd.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
