"""``al worker``: run queued workflows (and fire schedules) without serving the API."""

from __future__ import annotations

import typer

from automatelanka.cli.errors import FAILED, USAGE, fail


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    concurrency: int = typer.Option(None, "--concurrency", "-c", min=1, max=256,
                                    help="Runs executed at once (default: setting 'worker_concurrency')."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Do not fire schedule triggers here."),
) -> None:
    """Execute queued runs from the queue at 'queue_url', in the foreground (Ctrl-C stops).

    Several workers, on several machines with a redis:// queue, share the work; each run executes once.

    Example: al worker --concurrency 8
    """
    import signal
    import threading

    from automatelanka.config import ConfigError, load_settings
    from automatelanka.daemon.worker import Worker, build
    from automatelanka.store.db import create_engine_for
    from automatelanka.store.migrate import MigrationError, upgrade

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    try:
        upgrade(settings.database_url)
    except MigrationError as exc:
        raise fail(f"database: {exc}", FAILED) from None
    engine = create_engine_for(settings.database_url)
    runtime, queue = build(settings, engine)
    count = concurrency or settings.worker_concurrency
    running = Worker(runtime, queue, concurrency=count, scheduler=not no_scheduler).start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"worker {runtime.worker}: {count} thread(s) on {queue.url.split('@')[-1]}", err=True)
    try:
        stop.wait()
    finally:
        typer.echo("stopping: finishing the runs in progress", err=True)
        running.stop()
        runtime.bus.close()
        engine.dispose()
