"""``al dash``: the terminal dashboard (Textual), imported only when it starts."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("dash")(dash)


def dash() -> None:
    """Open the terminal dashboard: workflows, live runs and run details (press ? for keys).

    Example: al --workspace acme dash
    """
    from automatelanka.cli import client as cl

    with cl.connect() as c:
        c.get("/api/auth/me", workspace=False)  # fail early, with the usual message and exit code
    from automatelanka.tui.app import Dashboard

    Dashboard(cl.connect(raise_errors=True)).run()
