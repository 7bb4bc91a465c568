"""``al runs``: list, show, tail (follow live), cancel, retry, delete.

``follow()`` is shared with ``al run ID|NAME``: it prints node-by-node progress from the run's event
stream and returns the final run.
"""

from __future__ import annotations

from typing import Any

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Runs (executions) of the current workspace.", no_args_is_help=True)
RUN = typer.Argument(..., help="Run id.")
FINISHED = ("success", "failed", "cancelled")


def outcome(run: dict[str, Any]) -> int:
    """The exit code for a run: 0 success, 1 failed or cancelled, 0 while unfinished."""
    from automatelanka.cli.errors import FAILED, OK

    return FAILED if run.get("status") in ("failed", "cancelled") else OK


def _items(outputs: Any) -> str:
    if isinstance(outputs, dict):
        outputs = outputs.get("main")
    if not isinstance(outputs, list):
        return "0"
    return " / ".join(str(len(o or [])) for o in outputs) or "0"


def _node_line(out: Any, node: dict[str, Any]) -> None:
    name = node.get("node_name") or node.get("node")
    label = name + (f" #{node['run_index']}" if node.get("run_index") else "")
    ms = node.get("duration_ms")
    timing = f"  [dim]{ms} ms[/dim]" if ms is not None else ""
    if node.get("status") == "error" or (node.get("error") and not node.get("outputs")):
        message = (node.get("error") or {}).get("message", "") if isinstance(node.get("error"), dict) else ""
        out.print(f"[red]✗[/red] {label}{timing}  [red]{message}[/red]")
    else:
        count = f"  [cyan]{_items(node.get('outputs'))} item(s)[/cyan]" if "outputs" in node else ""
        out.print(f"[green]✓[/green] {label}{count}{timing}")


def _final_line(out: Any, run: dict[str, Any]) -> None:
    status = run.get("status")
    colour = {"success": "green", "failed": "red", "cancelled": "yellow"}.get(status, "cyan")
    ms = run.get("duration_ms")
    out.print(f"[{colour}]{status}[/{colour}]" + (f" in {ms} ms" if ms is not None else "") + f"  run {run['id']}")
    error = run.get("error")
    if isinstance(error, dict) and error.get("message"):
        out.print(f"[red]error:[/red] {error['message']}")


def follow(c: Any, run_id: str, *, quiet: bool = False) -> dict[str, Any]:
    """Print each node as it finishes (unless ``quiet``) until the run ends; the run with its nodes."""
    from automatelanka.cli.output import console

    out = console()
    shown: set[tuple[str, int]] = set()
    for event in c.events(f"/api/runs/{run_id}/events"):
        kind = event.get("type")
        if kind == "node_finished" and not quiet:
            key = (event.get("node"), event.get("run_index") or 0)
            shown.add(key)
            _node_line(out, {**event, "node_name": event.get("node")})
        if kind == "run_finished":
            break
    run = c.get(f"/api/runs/{run_id}")
    if not quiet:  # nodes that ran before we were listening
        for node in run.get("nodes") or []:
            if (node["node_name"], node.get("run_index") or 0) not in shown:
                _node_line(out, node)
        _final_line(out, run)
    return run


@app.command("list")
def list_runs(
    workflow: str = typer.Option(None, "--workflow", "-W", help="Only runs of this workflow (id or name)."),
    status: str = typer.Option(None, "--status", help="queued, running, success, failed or cancelled."),
    trigger: str = typer.Option(None, "--trigger", help="manual, webhook, schedule, api or retry."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="At most this many."),
    as_json: bool = json_option(),
) -> None:
    """Runs, newest first.

    Example: al runs list --status failed --limit 5 --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        params: dict[str, Any] = {k: v for k, v in {"status": status, "trigger": trigger}.items() if v}
        if workflow:
            params["workflow_id"] = str(c.workflow(workflow)["id"])
        items = list(c.pages("/api/runs", params, limit=limit))
        names = {}
        if items and not as_json:
            names = {str(w["id"]): w["name"] for w in c.pages("/api/workflows", limit=2000)}
    if as_json:
        print_json(items)
        return
    rows = [{**r, "workflow": names.get(str(r["workflow_id"]), str(r["workflow_id"])[:8])} for r in items]
    table(rows, ["id", "workflow", "status", ("trigger_type", "trigger"), ("created_at", "created"),
                 ("duration_ms", "ms")], empty="no runs")


@app.command("show")
def show(run_id: str = RUN, as_json: bool = json_option()) -> None:
    """One run: its status, error and each node in execution order.

    Example: al runs show 0b6f... --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import console, details, print_json

    with cl.connect() as c:
        run = c.get(f"/api/runs/{run_id}")
    if as_json:
        print_json(run)
    else:
        details(run, ["id", "workflow_id", "status", "trigger_type", "created_at", "started_at", "finished_at",
                      "duration_ms", "retry_of"])
        out = console()
        for node in run.get("nodes") or []:
            _node_line(out, node)
        _final_line(out, run)
    raise typer.Exit(outcome(run))


@app.command("tail")
def tail(run_id: str = RUN, follow_: bool = typer.Option(False, "--follow", "-f", help="Follow until it finishes."),
         as_json: bool = json_option()) -> None:
    """Node-by-node progress of a run; with -f, follow the live event stream until it ends.

    Exit code: 0 success (or still running without -f), 1 failed or cancelled.

    Example: al runs tail 0b6f... -f
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import console, print_json

    with cl.connect(timeout=3600.0) as c:
        run = c.get(f"/api/runs/{run_id}")
        if follow_ and run["status"] not in FINISHED:
            run = follow(c, str(run["id"]), quiet=as_json)
            if as_json:
                print_json(run)
            raise typer.Exit(outcome(run))
    if as_json:
        print_json(run)
    else:
        out = console()
        for node in run.get("nodes") or []:
            _node_line(out, node)
        _final_line(out, run)
    raise typer.Exit(outcome(run))


@app.command("cancel")
def cancel(run_id: str = RUN, as_json: bool = json_option()) -> None:
    """Cancel a queued or running run.

    Example: al runs cancel 0b6f...
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        answer = c.post(f"/api/runs/{run_id}/cancel")
    if as_json:
        print_json(answer)
    else:
        typer.echo(f"run {answer['run_id']}: {answer['status']} (was {answer['previous_status']})")


@app.command("retry")
def retry(run_id: str = RUN, wait: bool = typer.Option(False, "--wait/--no-wait", help="Follow the new run."),
          as_json: bool = json_option()) -> None:
    """Run again with the same input.

    Example: al runs retry 0b6f... --wait
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect(timeout=3600.0) as c:
        answer = c.post(f"/api/runs/{run_id}/retry")
        if wait:
            run = follow(c, answer["run_id"], quiet=as_json)
            if as_json:
                print_json(run)
            raise typer.Exit(outcome(run))
    if as_json:
        print_json(answer)
    else:
        typer.echo(f"queued run {answer['run_id']} (retry of {answer['retry_of']})")


@app.command("delete")
def delete(run_id: str = RUN) -> None:
    """Delete a finished run and its node data.

    Example: al runs delete 0b6f...
    """
    from automatelanka.cli import client as cl

    with cl.connect() as c:
        c.delete(f"/api/runs/{run_id}")
    typer.echo(f"deleted run {run_id}")


def run_remote(target: str, items: list[dict[str, Any]] | None, *, wait: bool, as_json: bool) -> None:
    """``al run ID|NAME`` (or a FILE with --remote, imported first) on the daemon; exits with its outcome."""
    import json
    from pathlib import Path

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail
    from automatelanka.cli.output import print_json

    with cl.connect(timeout=3600.0) as c:
        path = Path(target)
        if path.is_file():
            try:
                definition = json.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                raise fail(f"{path}: cannot read a workflow ({exc})", USAGE) from None
            answer = c.post("/api/workflows/import", json=definition)
            result = answer["results"][0]
            if result["status"] == "failed":
                raise fail(f"{path}: {result['error']}", USAGE)
            wf_id = result["id"]
        else:
            wf_id = str(c.workflow(target)["id"])
        queued = c.post(f"/api/workflows/{wf_id}/run", json={"items": items} if items is not None else None)
        if not wait:
            if as_json:
                print_json(queued)
            else:
                typer.echo(f"queued run {queued['run_id']}")
            return
        run = follow(c, queued["run_id"], quiet=as_json)
    if as_json:
        print_json(run)
    raise typer.Exit(outcome(run))
