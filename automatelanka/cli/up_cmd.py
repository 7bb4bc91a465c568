"""``al up`` (serve the API with its worker in the foreground) and ``al init`` (first owner)."""

from __future__ import annotations

import sys

import typer

from automatelanka.cli.errors import FAILED, USAGE, fail


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("init")(init)


def _settings():  # -> Settings
    from automatelanka.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None


def up(
    host: str = typer.Option(None, "--host", help="Address to listen on (default: setting 'host')."),
    port: int = typer.Option(None, "--port", help="Port to listen on (default: setting 'port')."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
    workers: int = typer.Option(None, "--workers", min=1,
                                help="Server processes, each with its own run workers (default: one per CPU; "
                                     "live run events reach every process, through Redis or, embedded, "
                                     "through sockets under the home's run/events)."),
) -> None:
    """Serve the HTTP API and run queued workflows, in the foreground (Ctrl-C stops).

    Example: al up --port 5678 --workers 2
    """
    import dataclasses

    import uvicorn

    from automatelanka.daemon.logs import configure

    settings = _settings()
    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    configure(log_level.upper())
    workers = workers or default_workers(settings)
    options = {"host": settings.host, "port": settings.port, "access_log": False, "log_config": None,
               "log_level": log_level.lower(), "proxy_headers": True, "server_header": False}
    if workers == 1:
        from automatelanka.daemon.app import create_app

        try:
            app = create_app(settings, run_worker=True)
            app.state.freeze_gc = True
        except Exception as exc:
            raise fail(f"cannot start: {exc}", FAILED) from None
        uvicorn.run(app, **options)
        return
    _serve_processes(settings, workers, log_level, options)


def default_workers(settings=None) -> int:
    """One server process per CPU this process may use. Live run events cross processes through
    Redis in hosted mode and through the home's event sockets (``services.events.SocketBus``) on
    the embedded SQLite default. ``settings`` is accepted for callers; it no longer matters."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _serve_processes(settings, workers: int, log_level: str, options: dict) -> None:
    """``workers`` uvicorn processes, each on its own SO_REUSEPORT socket (``daemon.processes``);
    the database is migrated once, here, first."""
    import os

    import uvicorn

    from automatelanka.daemon import processes
    from automatelanka.daemon.app import LOG_LEVEL_ENV
    from automatelanka.store.migrate import MigrationError, upgrade

    try:
        upgrade(settings.database_url)
    except MigrationError as exc:
        raise fail(f"cannot start: database: {exc}", FAILED) from None
    os.environ.update({"AL_HOST": settings.host, "AL_PORT": str(settings.port), LOG_LEVEL_ENV: log_level})
    if not processes.supported():  # one shared socket (connections may spread unevenly)
        uvicorn.run(processes.APP, factory=True, workers=workers, **options)
        return
    try:
        code = processes.Supervisor(workers, options).run()
    except OSError as exc:
        raise fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", FAILED) from None
    if code:
        raise fail("the server processes failed to start; see the log above", FAILED)


def init(
    email: str = typer.Option(..., "--email", help="E-mail address of the first owner."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    name: str = typer.Option("", "--name", help="The owner's display name."),
    workspace: str = typer.Option(None, "--workspace", help="Name of the first workspace."),
) -> None:
    """Create the first owner (a platform administrator) and their workspace, non-interactively.

    Example: echo "$AL_PASSWORD" | al init --email me@example.com --password-stdin --workspace Acme
    """
    from sqlalchemy.exc import IntegrityError

    from automatelanka.services import auth
    from automatelanka.store.db import create_engine_for
    from automatelanka.store.errors import Conflict
    from automatelanka.store.migrate import MigrationError, upgrade

    if not password_stdin:
        raise fail("give the password on standard input with --password-stdin", USAGE)
    password = sys.stdin.readline().rstrip("\r\n")
    settings = _settings()
    try:
        upgrade(settings.database_url)
    except MigrationError as exc:
        raise fail(f"database: {exc}", FAILED) from None
    engine = create_engine_for(settings.database_url)
    try:
        with engine.begin() as conn:
            user, ws = auth.create_account(conn, email=email, password=password, name=name,
                                           workspace_name=workspace, is_platform_admin=True)
    except auth.InvalidInput as exc:
        raise fail(f"--{exc.field}: {exc}", USAGE) from None
    except (Conflict, IntegrityError):
        raise fail(f"an account with the e-mail {email.strip().lower()} already exists; nothing changed",
                   USAGE) from None
    finally:
        engine.dispose()
    typer.echo(f"created owner {user['email']} (platform admin) and workspace {ws['name']!r} ({ws['slug']})")
