"""``al db``: apply and inspect database migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)
