"""The ``al`` command line. Commands live in small modules and import their work lazily,
so ``al --help`` stays fast."""

from __future__ import annotations

import os
import sys

# Plain click help (as sqlite-utils): rendering it through rich costs ~0.2 s of imports on every
# --help. Rich still draws tables and progress. TYPER_USE_RICH=1 brings the boxed help back.
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer  # reads TYPER_USE_RICH when imported

from automatelanka import __version__
from automatelanka.cli import (
    admin_cmd,
    auth_cmd,
    billing_cmd,
    config_cmd,
    creds_cmd,
    daemon_cmd,
    dash_cmd,
    db_cmd,
    keys_cmd,
    run_cmd,
    runs_cmd,
    search_cmd,
    worker_cmd,
    workflows_cmd,
    workspaces_cmd,
)

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
    server: str = typer.Option(None, "--server", help="Daemon URL (default: AL_SERVER, the last login, "
                                                      "else the configuration's host:port)."),
    workspace: str = typer.Option(None, "--workspace", "-w", help="Workspace id or slug (default: "
                                                                  "AL_WORKSPACE, else 'al workspaces use')."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
) -> None:
    """AutomateLanka: run n8n workflows from the command line, faster and lighter.

    Example: al run workflow.json --json
    """
    from automatelanka.cli.client import OPTIONS

    OPTIONS.update(server=server, workspace=workspace, debug=debug)


app.add_typer(config_cmd.app, name="config")
app.add_typer(db_cmd.app, name="db")
run_cmd.register(app)
daemon_cmd.register(app)  # al up [--detach] (wrapping up_cmd.up), al init, al down, al status
worker_cmd.register(app)
search_cmd.register(app)
auth_cmd.register(app)
dash_cmd.register(app)
app.add_typer(workspaces_cmd.app, name="workspaces")
app.add_typer(workflows_cmd.app, name="workflows")
app.add_typer(runs_cmd.app, name="runs")
app.add_typer(creds_cmd.app, name="creds")
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(billing_cmd.app, name="billing")
app.add_typer(admin_cmd.app, name="admin")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: one line, the traceback only with --debug
        from automatelanka.cli.client import OPTIONS

        if OPTIONS.get("debug") or "--debug" in sys.argv:
            raise
        typer.secho(f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True,
                    fg=typer.colors.RED)
        sys.exit(1)
