"""``al db``: apply and inspect database migrations.

Imports of SQLAlchemy and Alembic happen inside the commands so ``al --help`` stays fast.
"""

from __future__ import annotations

import typer

from automatelanka.cli.errors import FAILED, USAGE, fail

app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)


def _database_url() -> str:
    from automatelanka.config import ConfigError, load_settings

    try:
        return load_settings().database_url
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None


def _migrate(action: str, rev: str) -> None:
    from automatelanka.config import mask_url
    from automatelanka.store import migrate
    from automatelanka.store.db import DatabaseURLError

    url = _database_url()
    try:
        before = migrate.current(url)
        after = getattr(migrate, action)(url, rev)
    except DatabaseURLError as exc:
        raise fail(f"AL_DATABASE_URL: {exc}", USAGE) from None
    except migrate.MigrationError as exc:
        code = USAGE if _is_bad_revision(str(exc)) else FAILED
        raise fail(f"{action} to {rev} failed: {exc}", code) from None
    if before == after:
        typer.echo(f"{mask_url(url)}: already at {after or 'base'}")
    else:
        typer.echo(f"{mask_url(url)}: {before or 'base'} -> {after or 'base'}")


def _is_bad_revision(message: str) -> bool:
    lowered = message.lower()
    return any(s in lowered for s in ("can't locate revision", "no such revision", "not a valid", "relative"))


@app.command("upgrade")
def upgrade(rev: str = typer.Argument("head", help="Revision to migrate to.")) -> None:
    """Create or migrate the schema of the configured database (AL_DATABASE_URL).

    Example: al db upgrade
    """
    _migrate("upgrade", rev)


@app.command("downgrade")
def downgrade(rev: str = typer.Argument(..., help="Revision to migrate down to; 'base' removes every table.")) -> None:
    """Migrate the configured database down to REV. Data in removed tables is lost.

    Example: al db downgrade base
    """
    _migrate("downgrade", rev)


@app.command("current")
def current() -> None:
    """Show the revision the configured database is at, and whether it is up to date.

    Example: AL_DATABASE_URL=postgresql://al@localhost/al al db current
    """
    from automatelanka.config import mask_url
    from automatelanka.store import migrate
    from automatelanka.store.db import DatabaseURLError

    url = _database_url()
    try:
        rev = migrate.current(url)
    except DatabaseURLError as exc:
        raise fail(f"AL_DATABASE_URL: {exc}", USAGE) from None
    except migrate.MigrationError as exc:
        raise fail(f"cannot read the schema revision: {exc}", FAILED) from None
    heads = migrate.heads()
    state = "up to date" if rev in heads else f"behind; run 'al db upgrade' to reach {', '.join(heads)}"
    typer.echo(f"{mask_url(url)}: {rev or 'base (empty)'} ({state})")
