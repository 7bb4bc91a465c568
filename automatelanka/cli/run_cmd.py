"""``al run FILE``: execute a workflow offline; ``al nodes``: list the supported node types."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from automatelanka.cli.errors import FAILED, OK, USAGE, fail


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("nodes")(nodes)


def _parse_input(raw: str | None) -> list[dict[str, Any]] | None:
    """``--input`` as trigger items: a JSON object (one item) or a list of objects."""
    if raw is None:
        return None
    from automatelanka.cli.options import json_option

    value = json_option(raw, "--input")
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, dict) for v in values):
        raise fail("--input: expected a JSON object or a list of objects", USAGE)
    return [v if isinstance(v.get("json"), dict) else {"json": v} for v in values]


def _dump(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, (bytes, bytearray)):
            import base64

            return base64.b64encode(value).decode()
        return str(value)

    return json.dumps(data, default=default, ensure_ascii=False)


def run(
    target: str = typer.Argument(..., metavar="FILE|ID|NAME",
                                 help="An n8n workflow JSON file (runs offline), or a workflow id or name "
                                      "on the daemon."),
    input_json: str | None = typer.Option(None, "--input", "-i",
                                          help="Trigger items: a JSON object, a list of objects, or @file."),
    as_json: bool = typer.Option(False, "--json", help="Print the execution as n8n's JSON (execute --rawOutput)."),
    mode: str = typer.Option("cli", "--mode", help="n8n execution mode: cli, manual (honours pinned data)..."),
    remote: bool = typer.Option(False, "--remote", help="Run on the daemon (a FILE is imported first)."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Daemon runs: follow until finished, or just queue."),
) -> None:
    """Run a workflow: a file offline without a daemon, or a workflow id or name on the daemon.

    Exit code 0 when the workflow succeeds, 1 when it fails, 2 when the file cannot be used,
    3 when the daemon is unreachable or you are not logged in.

    Example: al run examples/hello.json --input '{"name": "Ada"}' --json
    """
    file = Path(target)
    if remote or not (file.exists() or target.endswith(".json") or "/" in target):
        from automatelanka.cli.runs_cmd import run_remote

        run_remote(target, _parse_input(input_json), wait=wait, as_json=as_json)
        return
    from automatelanka.config import ConfigError, load_settings
    from automatelanka.engine.errors import WorkflowValidationError
    from automatelanka.engine.executor import execute
    from automatelanka.engine.state import Limits, Services
    from automatelanka.engine.workflow import Workflow

    items = _parse_input(input_json)
    if not file.exists():
        raise fail(f"{file}: no such file", USAGE)
    try:
        settings = load_settings()
        workflow = Workflow.from_file(file)
    except (WorkflowValidationError, ConfigError) as exc:
        raise fail(str(exc), USAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{file}: cannot read ({exc})", USAGE) from None

    import os

    allowed = settings.env_allow
    env = dict(os.environ) if "*" in allowed else {k: os.environ[k] for k in allowed if k in os.environ}
    from automatelanka.engine.outbound import make_policy

    services = Services(
        http=_http_factory(),
        outbound_policy=make_policy(hosted=settings.outbound_block_private, allow_hosts=settings.outbound_allow,
                                    deny_hosts=settings.outbound_deny, daemon_base_url=settings.public_url or None),
        files_root=settings.files_root,
        allow_execute_command=settings.allow_execute_command,
        env=env,
        limits=Limits(js_time_limit_s=settings.js_time_limit_s, js_memory_limit_mb=settings.js_memory_limit_mb,
                      python_time_limit_s=settings.js_time_limit_s),
    )
    view = None if as_json else _LiveView(workflow)
    execution = execute(workflow, trigger_items=items, mode=mode, services=services, timezone=settings.timezone,
                        on_event=view.on_event if view else None)
    if as_json:
        sys.stdout.write(_dump(execution.to_n8n()) + "\n")
    else:
        assert view is not None
        view.summary(execution)
    raise typer.Exit(OK if execution.status == "success" else FAILED)


def _http_factory():
    def factory(**kwargs: Any):
        import httpx

        return httpx.Client(**kwargs)

    return factory


class _LiveView:
    """Readable progress: one line per node run with items, time and errors."""

    def __init__(self, workflow: Any) -> None:
        from rich.console import Console

        self.console = Console(stderr=False, highlight=False)
        self.workflow = workflow

    def on_event(self, kind: str, payload: dict[str, Any]) -> None:
        if kind != "node_finished":
            return
        task = payload["task"]
        name = payload["node"]
        run = payload["run_index"]
        label = f"{name}" + (f" #{run}" if run else "")
        ms = task.get("executionTime", 0)
        if task.get("error") and task.get("executionStatus") == "error" and "data" not in task:
            self.console.print(f"[red]✗[/red] {label}  [dim]{ms} ms[/dim]  [red]{task['error'].get('message')}[/red]")
            return
        outputs = (task.get("data") or {}).get("main") or []
        counts = " / ".join(str(len(o or [])) for o in outputs) or "0"
        note = f"  [yellow](continued after: {task['error'].get('message')})[/yellow]" if task.get("error") else ""
        self.console.print(f"[green]✓[/green] {label}  [cyan]{counts} item(s)[/cyan]  [dim]{ms} ms[/dim]{note}")

    def summary(self, execution: Any) -> None:
        status = execution.status
        colour = "green" if status == "success" else "red"
        elapsed = ""
        if execution.stopped_at:
            elapsed = f" in {(execution.stopped_at - execution.started_at).total_seconds() * 1000:.0f} ms"
        self.console.print(f"[{colour}]{status}[/{colour}]{elapsed}")
        if execution.error:
            self.console.print(f"[red]error:[/red] {execution.error.get('message')}")
        for name, text in execution.state.logs:
            self.console.print(f"[dim]{name}: {text}[/dim]")


def nodes(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the node types and versions this engine runs.

    Example: al nodes --json
    """
    from automatelanka.engine.nodes.base import registry

    rows = sorted(
        ({"type": t, "versions": sorted(by_version)} for t, by_version in registry().items()),
        key=lambda r: r["type"],
    )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("type", "versions", box=None)
    for row in rows:
        table.add_row(row["type"], ", ".join(f"{v:g}" for v in row["versions"]))
    Console().print(table)
    typer.echo(f"{len(rows)} node types")
