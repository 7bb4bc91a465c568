"""``al up [--detach]`` / ``al down`` / ``al status``: start, stop and check the local daemon.

``al up`` in the foreground and ``al init`` are ``cli/up_cmd.py``'s; this module wraps ``up`` with
``--detach`` (a background process whose pid is kept in ``$AL_HOME/daemon.pid`` and whose log goes
to ``$AL_HOME/logs/daemon.log``).
"""

from __future__ import annotations

import typer

from automatelanka.cli.output import json_option


def register(app: typer.Typer) -> None:
    from automatelanka.cli import up_cmd

    app.command("up")(up)
    app.command("init")(up_cmd.init)
    app.command("down")(down)
    app.command("status")(status)


def _paths():  # -> tuple[Path, Path]
    from automatelanka.cli.session import home

    return home() / "daemon.pid", home() / "logs" / "daemon.log"


def _running_pid() -> int | None:
    """The detached daemon's pid when that process is alive."""
    import os

    pid_file, _ = _paths()
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def up(
    host: str = typer.Option(None, "--host", help="Address to listen on (default: setting 'host')."),
    port: int = typer.Option(None, "--port", help="Port to listen on (default: setting 'port')."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
    detach: bool = typer.Option(False, "--detach", "-d", help="Run in the background; 'al down' stops it."),
    wait: float = typer.Option(30.0, "--wait", help="With --detach: seconds to wait until it is ready."),
    workers: int = typer.Option(None, "--workers", min=1,
                                help="Server processes, each with its own run workers (default: see al up --help)."),
) -> None:
    """Serve the HTTP API and run queued workflows (foreground; --detach for the background).

    Example: al up --detach --port 5678
    """
    if not detach:
        from automatelanka.cli import up_cmd

        up_cmd.up(host=host, port=port, log_level=log_level, workers=workers)
        return
    import os
    import subprocess
    import sys
    import time

    import httpx

    from automatelanka.cli.errors import FAILED, USAGE, fail
    from automatelanka.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    pid = _running_pid()
    if pid is not None:
        raise fail(f"already running (pid {pid}); 'al down' stops it", USAGE)
    host = host or settings.host
    port = port or settings.port
    url_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{url_host}:{port}"
    try:
        httpx.get(f"{base}/healthz", timeout=1.0)
        raise fail(f"something already answers at {base}; stop it first or choose --port", USAGE)
    except httpx.HTTPError:
        pass
    pid_file, log_file = _paths()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-c", "from automatelanka.cli.app import main; main()", "up",
               "--host", host, "--port", str(port), "--log-level", log_level]
    if workers:
        command += ["--workers", str(workers)]
    with open(log_file, "ab") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   start_new_session=True, env=os.environ.copy())
    pid_file.write_text(f"{process.pid}\n")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid_file.unlink(missing_ok=True)
            raise fail(f"the daemon exited at start (code {process.returncode}); see {log_file}", FAILED)
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                typer.echo(f"daemon running at {base} (pid {process.pid}; log {log_file})")
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise fail(f"the daemon (pid {process.pid}) is not ready after {wait:g} s; see {log_file}", FAILED)


def down(timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for it to stop.")) -> None:
    """Stop the daemon started with 'al up --detach' (it finishes the runs in progress).

    Example: al down
    """
    import os
    import signal
    import time

    from automatelanka.cli.errors import FAILED, fail

    pid_file, _ = _paths()
    pid = _running_pid()
    if pid is None:
        pid_file.unlink(missing_ok=True)
        typer.echo("no detached daemon is running")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise fail(f"the daemon (pid {pid}) did not stop within {timeout:g} s", FAILED)
    pid_file.unlink(missing_ok=True)
    typer.echo(f"stopped the daemon (pid {pid})")


def status(as_json: bool = json_option()) -> None:
    """Is the daemon up and ready? Shows its URL, version, database and queue.

    Exit code 0 when ready, 1 when up but not ready, 3 when unreachable.

    Example: al status --json
    """
    import httpx

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import FAILED, OK, UNREACHABLE
    from automatelanka.cli.output import details, print_json

    base = cl.server_url()
    info: dict = {"server": base, "pid": _running_pid()}
    try:
        health = httpx.get(f"{base}/healthz", timeout=3.0).json()
        ready = httpx.get(f"{base}/readyz", timeout=10.0)
        info.update(status=ready.json().get("status"), version=health.get("version"),
                    database=ready.json().get("database"), queue=ready.json().get("queue"))
        code = OK if ready.status_code == 200 else FAILED
    except (httpx.HTTPError, ValueError) as exc:
        info.update(status="unreachable", problem=type(exc).__name__)
        code = UNREACHABLE
    if as_json:
        print_json(info)
    else:
        details(info)
    raise typer.Exit(code)
