"""``al search QUERY``: find workflows by keywords or a sentence."""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from automatelanka.cli.errors import UNREACHABLE, USAGE, fail

LOCAL_NOTE = "searching the local database"


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(
    query: str = typer.Argument("", help="Keywords or a sentence, e.g. 'email me new rss items'."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=200, help="How many results."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as a JSON list."),
    server: str = typer.Option(None, "--server",
                               help="Daemon URL (default: AL_SERVER, else the last 'al login', else settings host:port)."),
    workspace: str = typer.Option(None, "--workspace", "-w", envvar="AL_WORKSPACE",
                                  help="Workspace id or slug (default: your default workspace)."),
    include_public: bool = typer.Option(False, "--public", help="Also search public workflows of others."),
    local: bool = typer.Option(False, "--local", help="Search the local database without asking the daemon."),
    explain: bool = typer.Option(False, "--explain", help="Also show how the query was understood."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the local database's search index and exit."),
) -> None:
    """Search workflows by keywords or a whole sentence.

    Asks the daemon (--server, AL_SERVER or the last 'al login'; signed in with AL_API_KEY,
    AL_TOKEN or the 'al login' session). When no daemon is reachable, searches the local database
    directly (the embedded default), in the workspace given with --workspace, else the largest.

    Example: al search 'send a slack message when a google sheet is updated' --limit 5
    """
    if reindex:
        from automatelanka.services.search import rebuild

        counts = _with_local_engine(rebuild)
        typer.echo(f"search index rebuilt: {counts['indexed']} workflows")
        return
    found = None if local else _remote(server, query, limit, workspace, include_public)
    if found is None:
        found = _local(query, limit, workspace, include_public)
    results = found["results"]
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False))
        return
    if explain:
        for c in found.get("understood", {}).get("integrations", []):
            need = "required" if c["required"] else "preferred"
            typer.echo(f"  {c['text']!r} -> {', '.join(c['node_types'])} ({need})")
        if found.get("understood", {}).get("terms"):
            typer.echo(f"  words: {' '.join(found['understood']['terms'])}")
    if not results:
        typer.echo("no workflows found")
        return
    for r in results:
        integrations = ", ".join(r.get("integrations") or [])
        typer.echo(f"{r['score']:7.3f}  {r['name']}  [{integrations}]  {r.get('filename') or r['id']}")
    typer.echo(f"({len(results)} of {found.get('total', len(results))})")


def _remote(server: str | None, query: str, limit: int, workspace: str | None,
            include_public: bool) -> dict[str, Any] | None:
    """The daemon's answer through the CLI's client (server from --server, AL_SERVER or the last
    ``al login``; credentials from AL_API_KEY, AL_TOKEN or the login session, refreshed when
    needed), or None when no daemon answers, or it wants a login we do not have."""
    from automatelanka.cli.client import ApiFailure, Client, Unreachable

    params = {"q": query, "limit": limit, "include_public": str(include_public).lower()}
    with Client(server, workspace, raise_errors=True, timeout=30.0) as client:
        from_env = bool(os.environ.get("AL_API_KEY") or os.environ.get("AL_TOKEN"))
        signed_in = from_env or bool(client.session.get("access_token"))
        try:
            return client.get("/api/ai-search/semantic", params=params)
        except Unreachable:
            return None
        except ApiFailure as exc:
            if exc.status == 401 and not signed_in:
                return None
            if exc.status == 401:
                how = "check AL_API_KEY / AL_TOKEN" if from_env else "run 'al login'"
                raise fail(f"not logged in to {client.base_url} ({exc.message}); {how}", UNREACHABLE) from None
            raise fail(f"search failed: {exc.message}", exc.exit_code) from None


def _with_local_engine(work: Any) -> Any:
    """Run ``work(engine)`` on the local database (from settings), with clear errors."""
    from automatelanka.config import ConfigError, load_settings
    from automatelanka.store import migrate
    from automatelanka.store.db import DatabaseURLError, create_engine_for

    try:
        settings = load_settings()
        if migrate.current(settings.database_url) is None:
            raise fail("the local database is empty: run 'al db upgrade' and import workflows", USAGE)
        engine = create_engine_for(settings.database_url)
    except (ConfigError, DatabaseURLError, migrate.MigrationError) as exc:
        raise fail(str(exc), USAGE) from None
    try:
        return work(engine)
    finally:
        engine.dispose()


def _local(query: str, limit: int, workspace: str | None, include_public: bool) -> dict[str, Any]:
    from automatelanka.services import search as service

    def work(engine: Any) -> dict[str, Any]:
        with engine.begin() as conn:
            ws = _workspace(conn, workspace)
            service.sync(conn, ws)
            found = service.search_workflows(conn, ws, query, limit=limit, include_public=include_public)
        return {"results": found.results, "total": found.total, "understood": found.understood}

    return _with_local_engine(work)


def _workspace(conn: Any, wanted: str | None) -> Any:
    """The workspace to search locally: the one asked for, else the only one (or the largest)."""
    from sqlalchemy import func, select

    from automatelanka.services.workspaces import find_workspace
    from automatelanka.store.schema import workflows, workspaces

    if wanted:
        row = find_workspace(conn, wanted)
        if row is None:
            raise fail(f"no workspace {wanted!r} in the local database", USAGE)
        return row["id"]
    counts = conn.execute(
        select(workspaces.c.id, func.count(workflows.c.id).label("n"))
        .select_from(workspaces.outerjoin(workflows, workflows.c.workspace_id == workspaces.c.id))
        .group_by(workspaces.c.id).order_by(func.count(workflows.c.id).desc(), workspaces.c.id)
    ).all()
    if not counts:
        raise fail("the local database has no workspace yet: run 'al init' and import workflows", USAGE)
    return counts[0].id
