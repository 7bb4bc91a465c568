"""``al workflows``: list, show, import, export, clone, activate, delete, versions, restore.

Every command takes a workflow by id or by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Workflows of the current workspace (addressed by id or name).", no_args_is_help=True)
REF = typer.Argument(..., help="Workflow id or name.")
BATCH = 200


@app.command("list")
def list_workflows(
    active: bool = typer.Option(None, "--active/--inactive", help="Only active (or inactive) workflows."),
    tag: str = typer.Option(None, "--tag", help="Only workflows with this tag."),
    search: str = typer.Option(None, "--search", "-q", help="Name or description contains this text."),
    trigger: str = typer.Option(None, "--trigger", help="manual, webhook, schedule or other."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many."),
    show_all: bool = typer.Option(False, "--all", help="Every matching workflow (ignores --limit)."),
    as_json: bool = json_option(),
) -> None:
    """List workflows, newest first.

    Example: al workflows list --active --search slack --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    params = {k: v for k, v in {"active": active, "tag": tag, "q": search, "trigger": trigger}.items()
              if v is not None}
    if "active" in params:
        params["active"] = str(active).lower()
    with cl.connect() as c:
        items = list(c.pages("/api/workflows", params, limit=None if show_all else limit))
    if as_json:
        print_json(items)
        return
    rows = [{**w, "integrations": ", ".join((w.get("integrations") or [])[:4])} for w in items]
    table(rows, ["name", "active", ("trigger_type", "trigger"), ("nodes_count", "nodes"), "integrations", "id"],
          empty="no workflows")


@app.command("show")
def show(ref: str = REF, definition: bool = typer.Option(False, "--definition", help="Include the n8n JSON."),
         as_json: bool = json_option()) -> None:
    """Show a workflow: its summary, nodes and run statistics.

    Example: al workflows show "Daily report" --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import details, print_json, table

    with cl.connect() as c:
        wf = c.get(f"/api/workflows/{c.workflow(ref)['id']}")
        stats = c.get(f"/api/workflows/{wf['id']}/stats")
    if as_json:
        out = {**wf, "stats": stats}
        if not definition:
            out.pop("definition", None)
        print_json(out)
        return
    details(wf, ["id", "name", "active", "trigger_type", "nodes_count", "integrations", "tags", "description",
                 "version", "created_at", "updated_at"])
    nodes = (wf.get("definition") or {}).get("nodes") or []
    table([{"name": n.get("name"), "type": n.get("type"), "disabled": n.get("disabled", False)} for n in nodes],
          ["name", "type", "disabled"], empty="no nodes", title="nodes")
    details(stats)
    if definition:
        from automatelanka.cli.output import print_json as pj

        pj(wf.get("definition"))


def _collect(paths: list[Path]) -> list[Path]:
    from automatelanka.cli.errors import USAGE, fail

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.json") if f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise fail(f"{p}: no such file or folder", USAGE)
    return files


def _load(files: list[Path]) -> tuple[list[tuple[str, str, Any]], list[dict[str, Any]]]:
    """Workflows to send as ``(source, file name, definition)``, and the files that could not be read."""
    import json

    items: list[tuple[str, str, Any]] = []
    bad: list[dict[str, Any]] = []
    for f in files:
        try:
            data = json.loads(f.read_bytes())
        except (OSError, ValueError) as exc:
            bad.append({"file": str(f), "status": "failed", "id": None, "error": f"not a JSON file ({exc})"})
            continue
        if isinstance(data, dict) and isinstance(data.get("workflows"), list):
            data = data["workflows"]
        entries = data if isinstance(data, list) else [data]
        for i, entry in enumerate(entries):
            items.append((str(f) if len(entries) == 1 else f"{f}[{i}]", f.name, entry))
    return items, bad


def _prepared(files: list[Path], batch: int) -> Any:
    """Batches ``(files, items, unreadable, request body)`` read and encoded in a background thread,
    so reading the next batch overlaps the daemon importing the current one."""
    import json
    import queue
    import threading

    ready: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for start in range(0, len(files), batch):
                if stop.is_set():
                    return
                chunk = files[start:start + batch]
                items, bad = _load(chunk)
                body = json.dumps([{"filename": name, "definition": d} if isinstance(d, dict) else d
                                   for _, name, d in items], ensure_ascii=False).encode()
                ready.put((chunk, items, bad, body))
        finally:
            ready.put(None)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (entry := ready.get()) is not None:
            yield entry
    finally:
        stop.set()


@app.command("import")
def import_workflows(
    paths: list[Path] = typer.Argument(..., help="n8n workflow JSON files, or folders (searched recursively)."),
    batch: int = typer.Option(BATCH, "--batch", min=1, max=1000, help="Workflows per request."),
    as_json: bool = json_option(),
) -> None:
    """Import n8n workflows from files and folders. Identical content already there is 'unchanged'.

    Ends with a summary: imported, unchanged, failed (with reasons). Exit code 1 if any failed.

    Example: al workflows import ./exports ./more/one.json
    """
    import time

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import FAILED, OK, USAGE, fail
    from automatelanka.cli.output import console, print_json

    files = _collect(paths)
    if not files:
        raise fail("no .json files found", USAGE)
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    quiet = as_json
    with cl.connect(timeout=300.0) as c:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console(stderr=True), disable=quiet, transient=False)
        with progress:
            task = progress.add_task("import", total=len(files))
            for chunk_files, items, bad, body in _prepared(files, batch):
                results.extend(bad)
                if items:
                    answer = c.post("/api/workflows/import", content=body,
                                    headers={"Content-Type": "application/json"})
                    for (source, _, _), r in zip(items, answer["results"], strict=True):
                        results.append({"file": source, "status": r["status"], "id": r.get("id"),
                                        "error": r.get("error")})
                progress.advance(task, len(chunk_files))
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("imported", "unchanged", "failed")}
    elapsed = time.monotonic() - started
    if quiet:
        print_json({**counts, "seconds": round(elapsed, 2), "results": results})
    else:
        _summary(counts, results, elapsed)
    raise typer.Exit(FAILED if counts["failed"] else OK)


def _summary(counts: dict[str, int], results: list[dict[str, Any]], elapsed: float) -> None:
    from rich.table import Table

    from automatelanka.cli.output import console

    t = Table("result", "workflows", box=None, header_style="bold")
    t.add_row("[green]imported[/green]", str(counts["imported"]))
    t.add_row("unchanged", str(counts["unchanged"]))
    t.add_row("[red]failed[/red]" if counts["failed"] else "failed", str(counts["failed"]))
    out = console()
    out.print(t)
    failed = [r for r in results if r["status"] == "failed"]
    if failed:
        f = Table("file", "reason", box=None, header_style="bold", title="failed")
        for r in failed[:50]:
            f.add_row(r["file"], r["error"] or "")
        out.print(f)
        if len(failed) > 50:
            out.print(f"... and {len(failed) - 50} more (use --json for all)")
    out.print(f"{len(results)} workflow(s) in {elapsed:.1f} s")


@app.command("export")
def export(
    refs: list[str] = typer.Argument(None, help="Workflow ids or names (none with --all)."),
    output: Path = typer.Option(None, "--output", "-o", help="File (one workflow) or folder (several)."),
    export_all: bool = typer.Option(False, "--all", help="Export every workflow of the workspace."),
) -> None:
    """Write workflows as n8n JSON: to stdout, a file, or one file per workflow in a folder.

    Example: al workflows export --all -o ./backup
    """
    import json

    from automatelanka.cli import client as cl
    from automatelanka.cli.errors import USAGE, fail

    if not refs and not export_all:
        raise fail("name a workflow or use --all", USAGE)
    with cl.connect() as c:
        ids = [str(w["id"]) for w in c.pages("/api/workflows")] if export_all else [
            str(c.workflow(r)["id"]) for r in refs]
        several = export_all or len(ids) > 1
        if several and output is None:
            raise fail("exporting several workflows needs --output FOLDER", USAGE)
        if several:
            output.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        for wf_id in ids:
            data = c.get(f"/api/workflows/{wf_id}/download")
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            if output is None:
                typer.echo(text, nl=False)
                continue
            target = output
            if several:
                safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in data.get("name", "")).strip()
                stem = safe or wf_id
                if stem in used:
                    stem = f"{stem}-{wf_id[:8]}"
                used.add(stem)
                target = output / f"{stem}.json"
            target.write_text(text)
    if output is not None:
        typer.echo(f"exported {len(ids)} workflow(s) to {output}", err=True)


@app.command("clone")
def clone(ref: str = REF, name: str = typer.Option(None, "--name", help="Name of the copy."),
          as_json: bool = json_option()) -> None:
    """Copy a workflow (the copy is inactive).

    Example: al workflows clone "Daily report" --name "Daily report (test)"
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        copy = c.post(f"/api/workflows/{c.workflow(ref)['id']}/clone", params={"name": name} if name else None)
    if as_json:
        print_json(copy)
    else:
        typer.echo(f"cloned as {copy['name']!r} ({copy['id']})")


@app.command("activate")
def activate(ref: str = REF, as_json: bool = json_option()) -> None:
    """Activate a workflow: its webhooks answer and its schedules fire.

    Example: al workflows activate "Inbound leads"
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        wf = c.post(f"/api/workflows/{c.workflow(ref)['id']}/activate")
        base = c.base_url
    if as_json:
        print_json(wf)
        return
    typer.echo(f"activated {wf['name']!r}")
    for h in wf.get("webhooks", []):
        typer.echo(f"  webhook {'|'.join(h['methods'])} {base}{h['url']}  ({h['node']})")
    for s in wf.get("schedules", []):
        typer.echo(f"  schedule {s['cron']}  ({s['node']})")


@app.command("deactivate")
def deactivate(ref: str = REF, as_json: bool = json_option()) -> None:
    """Deactivate a workflow: its webhooks and schedules stop.

    Example: al workflows deactivate "Inbound leads"
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        wf = c.post(f"/api/workflows/{c.workflow(ref)['id']}/deactivate")
    if as_json:
        print_json(wf)
    else:
        typer.echo(f"deactivated {wf['name']!r}")


@app.command("delete")
def delete(ref: str = REF, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")) -> None:
    """Delete a workflow with its versions and runs.

    Example: al workflows delete "Old import" --yes
    """
    from automatelanka.cli import client as cl

    with cl.connect() as c:
        wf = c.workflow(ref)
        if not yes:
            typer.confirm(f"Delete {wf['name']!r} ({wf['id']}) with its runs?", abort=True)
        c.delete(f"/api/workflows/{wf['id']}")
    typer.echo(f"deleted {wf['name']!r}")


@app.command("versions")
def versions(ref: str = REF, as_json: bool = json_option()) -> None:
    """Saved versions of a workflow, newest first.

    Example: al workflows versions "Daily report"
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        items = c.get(f"/api/workflows/{c.workflow(ref)['id']}/versions")["items"]
    if as_json:
        print_json([{k: v for k, v in i.items() if k != "definition"} for i in items])
    else:
        table(items, ["version", "created_at", "message", "changed_by"], empty="no versions")


@app.command("restore")
def restore(ref: str = REF, version: int = typer.Argument(..., help="The version number to restore."),
            as_json: bool = json_option()) -> None:
    """Make an old version current again (saved as a new version).

    Example: al workflows restore "Daily report" 3
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        wf = c.post(f"/api/workflows/{c.workflow(ref)['id']}/versions/{version}/restore")
    if as_json:
        print_json(wf)
    else:
        typer.echo(f"restored version {version} of {wf['name']!r}" +
                   (f" as version {wf['version']}" if wf.get("version") else ""))
