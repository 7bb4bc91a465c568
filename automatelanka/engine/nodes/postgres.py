"""Postgres (v2–2.6, n8n's PostgresV2) over psycopg 3: executeQuery, insert, update, upsert, select,
deleteTable. Values are formatted into the SQL text as pg-promise does (:mod:`_sql`); results
come back as node-postgres returns them (int8/numeric as strings unless ``largeNumbersOutput``
is ``numbers``; timestamps as ISO strings from v2.1).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._sql import (
    is_select,
    pg_format,
    replace_empty_strings,
    sort_rules,
    string_to_list,
    where_clauses,
)
from automatelanka.engine.nodes.base import NodeContext, register

VERSIONS = (2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6)
_SSL = {"disable": "disable", "allow": "allow", "require": "require", "verify": "verify-ca",
        "verify-full": "verify-full"}
_RESOLVABLE = re.compile(r"\{\{.*?\}\}", re.S)


def connect(ctx: NodeContext, options: dict[str, Any], *, iso: bool | None = None) -> Any:
    """A psycopg connection (autocommit) with node-postgres style loaders (``iso``: timestamps as
    ISO strings; default: from v2.1)."""
    import psycopg
    from psycopg.adapt import Loader

    fields = credential(ctx, "postgres") or {}
    sslmode = _SSL.get(str(fields.get("ssl") or "disable"), "prefer")
    if fields.get("allowUnauthorizedCerts") and sslmode != "disable":
        sslmode = "require"
    try:
        conn = psycopg.connect(host=fields.get("host") or "localhost", port=int(fields.get("port") or 5432),
                               dbname=fields.get("database") or "postgres", user=fields.get("user") or "postgres",
                               password=fields.get("password") or None, sslmode=sslmode, autocommit=True,
                               connect_timeout=int(options.get("connectionTimeout") or 30))
    except psycopg.Error as exc:
        raise NodeError(f"Connection to the database failed: {exc}".strip()) from None
    numbers = options.get("largeNumbersOutput") == "numbers"
    if iso is None:
        iso = ctx.node.type_version >= 2.1

    class Text(Loader):
        def load(self, data: Any) -> Any:
            return bytes(data).decode()

    class Int8(Loader):
        def load(self, data: Any) -> Any:
            text = bytes(data).decode()
            return int(text) if numbers else text

    class Numeric(Loader):
        def load(self, data: Any) -> Any:
            text = bytes(data).decode()
            if not numbers:
                return text
            value = float(text)
            return int(value) if value.is_integer() and "." not in text else value

    class Stamp(Loader):
        def load(self, data: Any) -> Any:
            text = bytes(data).decode()
            if not iso:
                return text
            return _iso(text)

    class Day(Loader):
        def load(self, data: Any) -> Any:
            text = bytes(data).decode()
            try:
                day = date.fromisoformat(text)
            except ValueError:
                return text
            return f"{day.isoformat()}T00:00:00.000Z"

    adapters = conn.adapters
    adapters.register_loader("int8", Int8)
    adapters.register_loader("numeric", Numeric)
    adapters.register_loader("timestamp", Stamp)
    adapters.register_loader("timestamptz", Stamp)
    adapters.register_loader("date", Day)
    for name in ("time", "timetz", "interval", "money"):
        adapters.register_loader(name, Text)
    return conn


def _iso(text: str) -> str:
    """A timestamp text as JavaScript's ``new Date(text).toISOString()`` (no zone = UTC here)."""
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def rows_of(cursor: Any) -> list[dict[str, Any]]:
    if cursor.description is None:
        return []
    names = [col.name for col in cursor.description]
    return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def run_statements(conn: Any, sql: str) -> list[list[dict[str, Any]]]:
    """Every statement's rows (one list per result set)."""
    with conn.cursor() as cur:
        cur.execute(sql.encode(), prepare=False)
        results = [rows_of(cur)]
        while cur.nextset():
            results.append(rows_of(cur))
    return results


def _error(exc: Exception, sql: str) -> NodeError:
    message = str(exc).split("\n")[0]
    return NodeError(message, description=getattr(getattr(exc, "diag", None), "message_detail", None),
                     context={"query": sql})


def run_queries(ctx: NodeContext, conn: Any, queries: list[tuple[str, list[Any]]], options: dict[str, Any],
                operation: str) -> list[Item]:
    """n8n's configureQueryRunner: single (one multi-statement), transaction or independently."""
    import psycopg

    version = ctx.node.type_version
    batching = options.get("queryBatching") or "single"
    texts = [pg_format(q, v) for q, v in queries]
    out: list[Item] = []
    if batching == "single":
        sql = ";".join(texts)
        try:
            results = run_statements(conn, sql)
        except psycopg.Error as exc:
            error = _error(exc, sql)
            if not ctx.continue_on_fail:
                raise error from None
            return [{"json": {"message": error.message, "error": {"message": error.message}}}]
        for index, rows in enumerate(results):
            out.extend({"json": row, "pairedItem": {"item": index}} for row in rows)
        if not out:
            paired = [{"item": i} for i in range(len(queries))]
            if version < 2.3:
                return [] if operation == "select" else [{"json": {"success": True}, "pairedItem": paired}]
            return [] if all(is_select(t) for t in texts) else [{"json": {"success": True}, "pairedItem": paired}]
        return out
    in_tx = batching == "transaction"
    if in_tx:
        conn.execute("BEGIN")
    try:
        for index, sql in enumerate(texts):
            try:
                rows = [r for rs in run_statements(conn, sql) for r in rs]
            except psycopg.Error as exc:
                error = _error(exc, sql)
                if not ctx.continue_on_fail:
                    raise error from None
                item = ctx.input(0)[index] if index < len(ctx.input(0)) else {"json": {}}
                out.append({"json": {**item["json"], "error": error.message}, "pairedItem": {"item": index}})
                if in_tx:
                    conn.execute("ROLLBACK")
                    in_tx = False
                    return out
                continue
            if not rows:
                if version < 2.3:
                    rows = [] if operation == "select" else [{"success": True}]
                else:
                    rows = [] if is_select(sql) else [{"success": True}]
            out.extend({"json": row, "pairedItem": {"item": index}} for row in rows)
        if in_tx:
            conn.execute("COMMIT")
    except BaseException:
        if in_tx:
            conn.execute("ROLLBACK")
        raise
    return out


def rl(value: Any) -> str:
    return str(value.get("value") or "") if isinstance(value, dict) else str(value or "")


def _replacements(ctx: NodeContext, index: int) -> list[Any]:
    """``options.queryReplacement``: comma separated values, expressions evaluated."""
    raw = ((ctx.node.parameters.get("options") or {}).get("queryReplacement"))
    resolved = ctx.param("options", index, {}).get("queryReplacement", "")
    if isinstance(resolved, list):
        return resolved
    if not raw:
        return []
    if not isinstance(raw, str):
        return [raw]
    text = re.sub(r"^=+", "", raw)
    values: list[Any] = []
    if ctx.node.type_version >= 2.5:
        found = _RESOLVABLE.findall(text)
        if not found:
            return string_to_list(text)
        for expr in found:
            value = ctx.resolve("=" + expr, index)
            if isinstance(value, str):
                values.extend(string_to_list(value))
            else:
                values.append(value)
        return values
    for entry in string_to_list(text):
        found = _RESOLVABLE.findall(entry)
        values.extend(ctx.resolve("=" + e, index) for e in found) if found else values.append(entry)
    return values


def _execute_query(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        query = str(ctx.param("query", i, "") or "")
        if "{{" in query:
            query = str(ctx.resolve("=" + query, i))
        values = _replacements(ctx, i)
        if not values or options.get("treatQueryParametersInSingleQuotesAsText"):
            for literal in re.findall(r"'\$[0-9]+'", query):
                query = query.replace(literal, f"${len(values) + 1}", 1)
                values.append(literal.replace("'", ""))
        queries.append((query, values))
    return queries


def _item_values(ctx: NodeContext, items: list[Item], i: int) -> dict[str, Any]:
    columns = ctx.param("columns", i, {}) or {}
    if columns.get("mappingMode") == "autoMapInputData":
        return dict(items[i]["json"])
    return dict(columns.get("value") or {})


def _returning(query: str, columns: list[str], values: list[Any]) -> tuple[str, list[Any]]:
    if "*" in columns:
        return f"{query} RETURNING *", values
    return f"{query} RETURNING ${len(values) + 1}:name", [*values, columns]


def _table_columns(conn: Any, schema: str, table: str) -> dict[str, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
                    "AND table_name = %s", (schema, table))
        return {name: kind for name, kind in cur.fetchall()}


def _check_columns(ctx: NodeContext, item: dict[str, Any], columns: dict[str, str], i: int) -> dict[str, Any]:
    for key in item:
        if columns and key not in columns:
            raise ctx.error(f"Column '{key}' does not exist in selected table", i)
    return {k: (v if not isinstance(v, (dict, list)) or columns.get(k) not in ("json", "jsonb")
                else _json_text(v)) for k, v in item.items()}


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@register("n8n-nodes-base.postgres", versions=VERSIONS, display_name="Postgres")
@register("n8n-nodes-base.postgresTool", versions=VERSIONS, display_name="Postgres Tool")
def postgres(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "insert")
    options = dict(ctx.param("options", 0, {}) or {})
    items = replace_empty_strings(list(ctx.input(0)), bool(options.get("replaceEmptyStrings")))
    conn = connect(ctx, options)
    try:
        if operation == "executeQuery":
            queries = _execute_query(ctx, items, options)
        elif operation in ("insert", "update", "upsert", "select", "deleteTable"):
            queries = _table_queries(ctx, conn, items, operation)
        else:
            raise ctx.error(f"Postgres: operation 'database/{operation}' is not supported yet")
        return [run_queries(ctx, conn, queries, options, operation)]
    finally:
        conn.close()


def _table_queries(ctx: NodeContext, conn: Any, items: list[Item], operation: str) -> list[tuple[str, list[Any]]]:
    version = ctx.node.type_version
    queries = []
    columns_cache: dict[tuple[str, str], dict[str, str]] = {}
    for i in range(len(items)):
        schema = rl(ctx.param("schema", i, {"value": "public"})) or "public"
        table = rl(ctx.param("table", i, {}))
        options = ctx.param("options", i, {}) or {}
        output_columns = options.get("outputColumns") or ["*"]
        values: list[Any] = [schema, table]
        if operation == "select":
            query = "SELECT * FROM $1:name.$2:name" if "*" in output_columns else \
                "SELECT $3:name FROM $1:name.$2:name"
            if "*" not in output_columns:
                values.append(output_columns)
            where = (ctx.param("where", i, {}) or {}).get("values") or []
            query, values = where_clauses(ctx, i, query, where, values, ctx.param("combineConditions", i, "AND"))
            query, values = sort_rules(query, (ctx.param("sort", i, {}) or {}).get("values") or [], values)
            if not ctx.param("returnAll", i, False):
                query += f" LIMIT {ctx.param('limit', i, 50)}"
            queries.append((query, values))
            continue
        if operation == "deleteTable":
            command = ctx.param("deleteCommand", i, "truncate")
            cascade = " CASCADE" if options.get("cascade") else ""
            if command == "drop":
                query = f"DROP TABLE IF EXISTS $1:name.$2:name{cascade}"
            elif command == "truncate":
                identity = " RESTART IDENTITY" if ctx.param("restartSequences", i, False) else ""
                query = f"TRUNCATE TABLE $1:name.$2:name{identity}{cascade}"
            elif command == "delete":
                where = (ctx.param("where", i, {}) or {}).get("values") or []
                query, values = where_clauses(ctx, i, "DELETE FROM $1:name.$2:name", where, values,
                                              ctx.param("combineConditions", i, "AND"))
            else:
                raise ctx.error("Invalid delete command, only drop, delete and truncate are supported ", i)
            queries.append((query, values))
            continue
        if version < 2.2:
            raise ctx.error(f"Postgres: operation 'database/{operation}' is not supported yet for version {version}")
        key = (schema, table)
        if key not in columns_cache:
            columns_cache[key] = _table_columns(conn, schema, table)
        item = _check_columns(ctx, _item_values(ctx, items, i), columns_cache[key], i)
        match_on = list((ctx.param("columns", i, {}) or {}).get("matchingColumns") or [])
        if operation == "insert":
            conflict = " ON CONFLICT DO NOTHING" if options.get("skipOnConflict") else ""
            query = f"INSERT INTO $1:name.$2:name($3:name) VALUES($3:csv){conflict}"
            values.append(item)
            if version >= 2.6 and not item:
                query = "INSERT INTO $1:name.$2:name DEFAULT VALUES"
        elif operation == "update":
            query, values = _update_query(ctx, conn, schema, table, item, match_on, i)
        else:
            query, values = _upsert_query(ctx, item, match_on, values)
        queries.append(_returning(query, output_columns, values))
    return queries


def _update_query(ctx: NodeContext, conn: Any, schema: str, table: str, item: dict[str, Any], match_on: list[str],
                  i: int) -> tuple[str, list[Any]]:
    pairs = [(c, item.get(c)) for c in match_on]
    probe = " AND ".join(f"${3 + 2 * k}:name = ${4 + 2 * k}" for k in range(len(pairs)))
    probe_values: list[Any] = [schema, table] + [v for pair in pairs for v in pair]
    exists = run_statements(conn, pg_format(f"SELECT 1 FROM $1:name.$2:name WHERE {probe} LIMIT 1", probe_values))
    if not exists or not exists[0]:
        described = ", ".join(f"{c}={v}" for c, v in pairs)
        raise ctx.error("The row you are trying to update doesn't exist", i,
                        description=f'No rows matching the provided values ({described}) were found in the table '
                                    f'"{table}".')
    values: list[Any] = [schema, table]
    n = 3
    conditions = []
    for column in match_on:
        conditions.append(f"${n}:name = ${n + 1}")
        values += [column, item.get(column)]
        n += 2
    updates = []
    for column in [c for c in item if c not in match_on]:
        updates.append(f"${n}:name = ${n + 1}")
        values += [column, item[column]]
        n += 2
    if not updates:
        raise ctx.error("Add values to update to the input item or set the 'Data Mode' to 'Define Below' to define "
                        "the values to update.")
    return f"UPDATE $1:name.$2:name SET {', '.join(updates)} WHERE {' AND '.join(conditions)}", values


def _upsert_query(ctx: NodeContext, item: dict[str, Any], match_on: list[str],
                  values: list[Any]) -> tuple[str, list[Any]]:
    if not match_on or not item.get(match_on[0]):
        raise ctx.error("Column to match on not found in input item. Add a column to match on or set the 'Data Mode' "
                        "to 'Define Below' to define the value to match on.")
    if len(item) == 1:
        raise ctx.error("Add values to update or insert to the input item or set the 'Data Mode' to 'Define Below' "
                        "to define the values to insert or update.")
    n = len(values) + 1
    conflict = []
    for column in match_on:
        conflict.append(f"${n}:name")
        values = [*values, column]
        n += 1
    insert = f"INSERT INTO $1:name.$2:name(${n}:name) VALUES(${n}:csv) ON CONFLICT ({','.join(conflict)})"
    values = [*values, item]
    n += 1
    updates = []
    for column in [c for c in item if c not in match_on]:
        updates.append(f"${n}:name = ${n + 1}")
        values += [column, item[column]]
        n += 2
    tail = f" DO UPDATE  SET {', '.join(updates)}" if updates else " DO NOTHING "
    return insert + tail, values
