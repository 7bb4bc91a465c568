"""Exit codes and one-line error reporting shared by every command."""

from __future__ import annotations

import typer

OK = 0
FAILED = 1  # the thing asked for failed (e.g. the run failed)
USAGE = 2  # bad usage or input
UNREACHABLE = 3  # daemon unreachable or not logged in


def fail(message: str, code: int = FAILED) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)
