"""``al run FILE``: execute a workflow offline and ``al nodes``: list supported node types."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(file: str = typer.Argument(..., help="Workflow JSON file.")) -> None:
    """Run a workflow file offline."""
    raise typer.Exit(2)
