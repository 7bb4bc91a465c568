"""MySQL v1 (n8n's MySqlV1): executeQuery, insert, update with the v1 parameters.

Statements other than SELECT answer mysql2's ``ResultSetHeader`` (``fieldCount``,
``affectedRows``, ``insertId``, ``info``, ``serverStatus``, ``warningStatus``, ``changedRows``);
insert runs one multi-row statement and outputs that header; update one statement per item.
Rows come as mysql2's defaults give them (DECIMAL as strings, dates as ISO strings as their
Date objects serialise). On failure with continue-on-fail the output is one ``{error}`` item.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.mysql import connect, format_query, ident, rl


def _js_value(value: Any) -> Any:
    """A value as mysql2's default type casting gives it, after JSON serialisation."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        seconds = abs(seconds)
        return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return value


def _header(cursor: Any) -> dict[str, Any]:
    """mysql2's ResultSetHeader for the OK packet of the last statement."""
    result = cursor.connection._result
    raw = result.message if isinstance(result.message, bytes) else str(result.message or "").encode()
    if raw and raw[0] < 0xFB and raw[0] <= len(raw) - 1:
        raw = raw[1:1 + raw[0]]  # a length-coded string (mysql2 asks for SESSION_TRACK)
    info = raw.decode("utf-8", "replace")
    changed = re.search(r"\schanged:\s*(\d+)", info, re.I)
    return {"fieldCount": 0, "affectedRows": result.affected_rows, "insertId": result.insert_id, "info": info,
            "serverStatus": result.server_status, "warningStatus": result.warning_count,
            "changedRows": int(changed.group(1)) if changed else 0}


def _query(conn: Any, sql: str) -> Any:
    """``connection.query``: rows of a SELECT, else the ResultSetHeader."""
    with conn.cursor() as cur:
        cur.execute(sql)
        if cur.description is None:
            return _header(cur)
        names = [d[0] for d in cur.description]
        return [{k: _js_value(v) for k, v in zip(names, row, strict=False)} for row in cur.fetchall()]


def _safe_query(query: str, replacements: list[Any]) -> tuple[str, list[Any]]:
    """``prepareSafeQuery``: ``$N`` outside quotes -> ``?`` (``$N:name`` -> identifier); values
    in parameter-number order."""
    matches = []
    for match in re.finditer(r"\$(\d+)(?::name)?", query):
        before = query[:match.start()]
        if before.count("'") % 2 or before.count('"') % 2:
            continue
        matches.append(match)
    for match in matches:
        index = int(match.group(1)) - 1
        if index < 0 or index >= len(replacements):
            raise NodeError(f"Parameter ${match.group(1)} referenced in query but no replacement value provided at "
                            f"index {index + 1}")
    out = query
    for match in reversed(matches):
        index = int(match.group(1)) - 1
        text = ident(str(replacements[index])) if ":name" in match.group(0) else "?"
        out = out[:match.start()] + text + out[match.end():]
    plain = sorted((m for m in matches if ":name" not in m.group(0)), key=lambda m: int(m.group(1)))
    return out, [replacements[int(m.group(1)) - 1] for m in plain]


@register("n8n-nodes-base.mySql", versions=(1,), display_name="MySQL")
@register("n8n-nodes-base.mySqlTool", versions=(1,), display_name="MySQL Tool")
def mysql_v1(ctx: NodeContext) -> NodeOutput:
    import pymysql

    operation = ctx.param("operation", 0, "insert")
    from pymysql.constants import CLIENT

    conn = connect(ctx, {}, flags=CLIENT.FOUND_ROWS)  # mysql2's default: affectedRows counts matched rows
    try:
        if operation == "executeQuery":
            out = _execute_query(ctx, conn)
        elif operation == "insert":
            out = _insert(ctx, conn)
        elif operation == "update":
            out = _update(ctx, conn)
        else:
            raise ctx.error(f'The operation "{operation}" is not supported!')
    except pymysql.MySQLError as exc:
        message = str(exc.args[-1]) if exc.args else str(exc)
        if not ctx.continue_on_fail:
            raise NodeError(message) from None
        return [[{"json": {"error": message}}]]
    except NodeError as exc:
        if not ctx.continue_on_fail:
            raise
        return [[{"json": {"error": exc.message}}]]
    finally:
        conn.close()
    return [out]


def _execute_query(ctx: NodeContext, conn: Any) -> list[Item]:
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        query = str(ctx.param("query", i, "") or "").strip()
        if "{{" in query:
            query = str(ctx.resolve("=" + query, i))
        replacement = (ctx.param("options", i, {}) or {}).get("queryReplacement")
        if replacement is None:
            replacement = []
        if isinstance(replacement, str):
            replacement = [entry.strip() for entry in replacement.split(",")]
        if not isinstance(replacement, list):
            raise ctx.error("Query Parameters must be a string of comma-separated values, or an array of values", i)
        query, values = _safe_query(query, replacement)
        result = _query(conn, format_query(conn, query, values) if values else query)
        rows = result if isinstance(result, list) else [result]
        out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
    return out


def _copies(ctx: NodeContext, columns: list[str]) -> list[dict[str, Any]]:
    """``copyInputItems``: the named properties of every item (missing ones as null)."""
    return [{c: item["json"].get(c) for c in columns} for item in ctx.input(0)]


def _insert(ctx: NodeContext, conn: Any) -> list[Item]:
    table = rl(ctx.param("table", 0, ""))
    columns = [c.strip() for c in str(ctx.param("columns", 0, "") or "").split(",")]
    options = ctx.param("options", 0, {}) or {}
    placeholder = "(" + ",".join("?" for _ in columns) + ")"
    rows = _copies(ctx, columns)
    sql = (f"INSERT {options.get('priority') or ''} {'IGNORE' if options.get('ignore') else ''} INTO {ident(table)}"
           f"({','.join(ident(c) for c in columns)}) VALUES {','.join(placeholder for _ in rows)};")
    values = [v for row in rows for v in row.values()]
    result = _query(conn, format_query(conn, sql, values))
    return [{"json": row} for row in (result if isinstance(result, list) else [result])]


def _update(ctx: NodeContext, conn: Any) -> list[Item]:
    table = rl(ctx.param("table", 0, ""))
    key = str(ctx.param("updateKey", 0, "id") or "")
    columns = [c.strip() for c in str(ctx.param("columns", 0, "") or "").split(",")]
    if key not in columns:
        columns.insert(0, key)
    sql = (f"UPDATE {ident(table)} SET {','.join(f'{ident(c)} = ?' for c in columns)} "
           f"WHERE {ident(key)} = ?;")
    out: list[Item] = []
    for row in _copies(ctx, columns):
        result = _query(conn, format_query(conn, sql, [*row.values(), row[key]]))
        out.extend({"json": r} for r in (result if isinstance(result, list) else [result]))
    return out
