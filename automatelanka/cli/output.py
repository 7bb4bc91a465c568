"""Shared output for commands: ``--json`` prints machine-readable JSON, otherwise a rich table.

``JSON_OPTION`` is the one ``--json`` flag every read command declares.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer

JSON_HELP = "Print JSON instead of a table."


def json_option() -> Any:
    return typer.Option(False, "--json", help=JSON_HELP)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def print_json(data: Any) -> None:
    sys.stdout.write(dumps(data) + "\n")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":  # ISO timestamps: drop sub-seconds
        return text[:19].replace("T", " ")
    return text


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str | tuple[str, str]],
          empty: str = "nothing to show", title: str | None = None) -> None:
    """Print ``rows`` as a table of ``columns`` (a key, or ``(key, header)``)."""
    from rich.table import Table

    rows = list(rows)
    if not rows:
        typer.echo(empty)
        return
    specs = [(c, c) if isinstance(c, str) else c for c in columns]
    t = Table(box=None, title=title, header_style="bold")
    for key, header in specs:  # ids stay whole (they are copied into other commands)
        whole = key == "id" or key.endswith("_id")
        t.add_column(header, no_wrap=whole, min_width=36 if whole else None)
    for row in rows:
        t.add_row(*[cell(_get(row, key)) for key, _ in specs])
    console().print(t)


def _get(row: dict[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def details(data: dict[str, Any], keys: Sequence[str] | None = None) -> None:
    """Print one object as ``key: value`` lines."""
    from rich.table import Table

    t = Table(box=None, show_header=False)
    t.add_column(style="bold")
    t.add_column()
    for key in keys or list(data):
        if key in data:
            t.add_row(key, cell(data[key]))
    console().print(t)


def emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    """JSON when asked, else the human rendering."""
    if as_json:
        print_json(data)
    else:
        human()


def done(message: str) -> None:
    """A short confirmation on stdout."""
    typer.echo(message)
