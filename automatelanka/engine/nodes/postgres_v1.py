"""Postgres v1 (n8n's PostgresV1): executeQuery, insert, update with the v1 parameters.

``additionalFields.mode`` picks how queries run: ``multiple`` (one multi-statement text, the
default), ``transaction`` or ``independently``. ``queryParams`` names item properties used as
``$1``, ``$2``... values; insert/update take ``columns`` (``name:cast`` list), ``updateKey`` and
``returnFields``. SQL is built as pg-promise's helpers build it; connections and row decoding
come from :mod:`postgres` (timestamps as ISO strings, as v1's Date objects serialise).
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._sql import pg_format, pg_literal, pg_name
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.postgres import connect, run_statements

_CAST = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_ ]*(\.[a-zA-Z_][a-zA-Z0-9_]*)?(\([a-zA-Z0-9_, ]+\)( [a-zA-Z_][a-zA-Z0-9_ ]*)?)?"
                   r"(\[\])*$")


def _clean(query: str) -> str:
    """pg-promise's ``concat`` cleaning: no leading/trailing blanks or semicolons."""
    return re.sub(r"^[\s;]*|[\s;]*$", "", query)


def _columns(spec: Any) -> list[tuple[str, str]]:
    """``"id:int,name"`` -> ``[("id", "int"), ("name", "")]`` (invalid casts rejected)."""
    out = []
    for part in str(spec or "").split(","):
        name, _, cast = part.strip().partition(":")
        if cast and not _CAST.match(cast):
            raise NodeError(f'Invalid column type: "{cast}"')
        out.append((name, cast))
    return out


def _table(schema: Any, table: Any) -> str:
    return f"{pg_name(schema)}.{pg_name(table)}" if schema else pg_name(table)


def _value(value: Any, cast: str) -> str:
    return pg_literal(value) + (f"::{cast}" if cast else "")


def _returning(fields: Any) -> str:
    return " RETURNING " + ", ".join(pg_name(f.strip()) for f in str(fields if fields is not None else "*").split(","))


def _sql_error(exc: Exception) -> NodeError:
    message = str(exc).split("\n")[0]
    return NodeError(message, description=getattr(getattr(exc, "diag", None), "message_detail", None))


def _code(exc: Exception) -> Any:
    return getattr(exc, "sqlstate", None)


@register("n8n-nodes-base.postgres", versions=(1,), display_name="Postgres")
@register("n8n-nodes-base.postgresTool", versions=(1,), display_name="Postgres Tool")
def postgres_v1(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "insert")
    fields = ctx.param("additionalFields", 0, {}) or {}
    if operation not in ("executeQuery", "insert", "update"):
        raise ctx.error(f'The operation "{operation}" is not supported!')
    mode = fields.get("mode") or "multiple"
    if mode not in ("multiple", "transaction", "independently"):
        raise ctx.error("multiple, independently or transaction are valid options")
    conn = connect(ctx, {"largeNumbersOutput": fields.get("largeNumbersOutput")}, iso=True)
    try:
        items = list(ctx.input(0))
        if operation == "executeQuery":
            return [_execute_query(ctx, conn, items, fields, mode)]
        if operation == "insert":
            return [_insert(ctx, conn, items, mode)]
        return [_update(ctx, conn, items, mode)]
    finally:
        conn.close()


def _run(ctx: NodeContext, conn: Any, mode: str, texts: list[str], on_error: Any) -> list[Item]:
    """Run ``texts`` one by one (``independently``/``transaction``); the last result set of each
    as pg-promise's ``any``; ``on_error(i, exc)`` gives the continue-on-fail item."""
    import psycopg

    out: list[Item] = []
    if mode == "transaction":
        conn.execute("BEGIN")
    try:
        for i, sql in enumerate(texts):
            try:
                results = run_statements(conn, sql)
            except psycopg.Error as exc:
                if not ctx.continue_on_fail:
                    raise _sql_error(exc) from None
                out.append(on_error(i, exc))
                if mode == "transaction":
                    break
                continue
            rows = results[-1] if results else []
            out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
    except BaseException:
        if mode == "transaction":
            conn.execute("ROLLBACK")
        raise
    if mode == "transaction":
        conn.execute("ROLLBACK" if conn.info.transaction_status == 3 else "COMMIT")
    return out


def _execute_query(ctx: NodeContext, conn: Any, items: list[Item], fields: dict[str, Any], mode: str) -> list[Item]:
    import psycopg

    props = [p.strip() for p in str(fields["queryParams"]).split(",")] if fields.get("queryParams") else None
    texts = []
    for i, item in enumerate(items):
        query = str(ctx.param("query", i, "") or "")
        texts.append(query if props is None else pg_format(query, [item["json"].get(p) for p in props]))
    if mode == "multiple":
        sql = ";".join(t for t in (_clean(t) for t in texts) if t)
        try:
            results = run_statements(conn, sql)
        except psycopg.Error as exc:
            raise _sql_error(exc) from None
        return [{"json": row, "pairedItem": {"item": index}} for index, rows in enumerate(results) for row in rows]
    return _run(ctx, conn, mode, texts, lambda i, exc: {
        "json": dict(items[i]["json"]), "code": _code(exc), "message": str(exc).split("\n")[0],
        "pairedItem": {"item": i}})


def _insert(ctx: NodeContext, conn: Any, items: list[Item], mode: str) -> list[Item]:
    import psycopg

    table = _table(ctx.param("schema", 0, "public"), ctx.param("table", 0, ""))
    columns = _columns(ctx.param("columns", 0, ""))
    returning = _returning(ctx.param("returnFields", 0, "*"))
    head = f"insert into {table}({','.join(pg_name(n) for n, _ in columns)}) values"
    rows = [[item["json"].get(name) for name, _ in columns] for item in items]

    def values(row: list[Any]) -> str:
        return "(" + ",".join(_value(v, cast) for v, (_, cast) in zip(row, columns, strict=False)) + ")"

    if mode == "multiple":
        try:
            results = run_statements(conn, head + ",".join(values(r) for r in rows) + returning)
        except psycopg.Error as exc:
            raise _sql_error(exc) from None
        return [{"json": row, "pairedItem": {"item": i}} for i, row in enumerate(results[-1] if results else [])]
    texts = [head + values(r) + returning for r in rows]
    return _run(ctx, conn, mode, texts, lambda i, exc: {
        "json": {f"column{k}": v for k, v in enumerate(rows[i])}, "code": _code(exc),
        "message": str(exc).split("\n")[0], "pairedItem": {"item": i}})


def _update(ctx: NodeContext, conn: Any, items: list[Item], mode: str) -> list[Item]:
    """``pgUpdate``: rows as returned (no pairing; errors as ``{...copy, code, message}``)."""
    import psycopg

    table = _table(ctx.param("schema", 0, "public"), ctx.param("table", 0, ""))
    # (name, cast, prop): the update keys missing from ``columns`` go first, as n8n unshifts them.
    columns = [[name, cast, f"column{i}"] for i, (name, cast) in enumerate(_columns(ctx.param("columns", 0, "")))]
    keys = []
    for i, key in enumerate(str(ctx.param("updateKey", 0, "id") or "").split(",")):
        name, _, cast = key.strip().partition(":")
        if cast and not _CAST.match(cast):
            raise ctx.error(f'Invalid column type: "{cast}"')
        target = next((c for c in columns if c[0] == name), None)
        if target is None:
            target = [name, cast, f"updateColumn{i}"]
            columns.insert(0, target)
        elif not target[1]:
            target[1] = cast
        keys.append(target)
    returning = _returning(ctx.param("returnFields", 0, "*"))
    columns_order = {c[2]: int(re.sub(r"\D", "", c[2]) or 0) for c in columns}
    copies = [{c[2]: item["json"].get(c[0]) for c in columns} for item in items]
    if mode == "multiple":
        sets = ",".join(f"{pg_name(c[0])}=v.{pg_name(c[0])}" for c in columns)
        values = ",".join("(" + ",".join(_value(copy[c[2]], c[1]) for c in columns) + ")" for copy in copies)
        where = " AND ".join(f"v.{pg_name(k[0])} = t.{pg_name(k[0])}" for k in keys)
        sql = (f"update {table} as t set {sets} from (values{values}) as v"
               f"({','.join(pg_name(c[0]) for c in columns)}) WHERE {where}{returning}")
        try:
            results = run_statements(conn, sql)
        except psycopg.Error as exc:
            raise _sql_error(exc) from None
        return [{"json": row} for row in (results[-1] if results else [])]
    texts = []
    for copy in copies:
        sets = ",".join(f"{pg_name(c[0])}={_value(copy[c[2]], c[1])}" for c in columns)
        where = " AND ".join(f"{pg_name(k[0])} = {pg_literal(copy[k[2]])}" for k in keys)
        texts.append(f"update {table} set {sets} WHERE {where}{returning}")

    guarded = sorted((c[2] for c in columns), key=lambda prop: (prop.startswith("update"), columns_order[prop]))

    def on_error(i: int, exc: Exception) -> Item:
        copy = {prop: copies[i][prop] for prop in guarded}
        return {"json": {**copy, "code": _code(exc), "message": str(exc).split("\n")[0]}}

    out = _run(ctx, conn, mode, texts, on_error)
    for item in out:
        item.pop("pairedItem", None)
    return out
