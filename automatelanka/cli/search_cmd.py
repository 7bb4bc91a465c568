"""``al search QUERY``: find workflows by keywords or a sentence."""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from automatelanka.cli.errors import FAILED, UNREACHABLE, USAGE, fail

LOCAL_NOTE = "searching the local database"


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(
    query: str = typer.Argument("", help="Keywords or a sentence, e.g. 'email me new rss items'."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=200, help="How many results."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as a JSON list."),
    server: str = typer.Option(None, "--server", help="Daemon URL (default: AL_SERVER, else settings host:port)."),
    workspace: str = typer.Option(None, "--workspace", "-w", envvar="AL_WORKSPACE",
                                  help="Workspace id or slug (default: your default workspace)."),
    include_public: bool = typer.Option(False, "--public", help="Also search public workflows of others."),
    local: bool = typer.Option(False, "--local", help="Search the local database without asking the daemon."),
    explain: bool = typer.Option(False, "--explain", help="Also show how the query was understood."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the local database's search index and exit."),
) -> None:
    """Search workflows by keywords or a whole sentence.

    Asks the daemon (AL_SERVER; token from AL_TOKEN or an API key in AL_API_KEY). When no daemon
    is reachable, searches the local database directly (the embedded default), in the only
    workspace there or the one given with --workspace.

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
    """The daemon's answer, or None when no daemon answers (or it wants a login we do not have)."""
    import httpx

    token, key = os.environ.get("AL_TOKEN"), os.environ.get("AL_API_KEY")
    headers = {"Authorization": f"Bearer {token}"} if token else ({"X-API-Key": key} if key else {})
    if workspace:
        headers["X-Workspace"] = workspace
    params = {"q": query, "limit": limit, "include_public": str(include_public).lower()}
    try:
        response = httpx.get(f"{_server_url(server)}/api/ai-search/semantic", params=params, headers=headers,
                             timeout=httpx.Timeout(30.0, connect=0.5))
    except httpx.HTTPError:
        return None
    if response.status_code == 401 and not (token or key):
        return None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {response.status_code}"
        raise fail(f"search failed: {message}", UNREACHABLE if response.status_code in (401, 403) else FAILED)
    return response.json()


def _server_url(server: str | None) -> str:
    if server or os.environ.get("AL_SERVER"):
        return (server or os.environ["AL_SERVER"]).rstrip("/")
    from automatelanka.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise fail(str(exc), USAGE) from None
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


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
