"""MySQL (v2–2.5, n8n's MySqlV2) over PyMySQL: executeQuery (``?`` or ``$1`` replacements), insert,
update, upsert, select, deleteTable. Values are formatted into the SQL text as mysql2's
``connection.format`` does; results come back as mysql2 returns them with n8n's options
(DECIMAL as strings, dates as strings from v2.1, big integers beyond 2^53 as strings).
"""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._sql import replace_empty_strings
from automatelanka.engine.nodes.base import NodeContext, register

VERSIONS = (2, 2.1, 2.2, 2.3, 2.4, 2.5)
_SAFE = 2 ** 53


def ident(name: str) -> str:
    """``escapeSqlIdentifier``: back-quote each dotted part."""
    parts = re.findall(r"(`[^`]*`|[^.`]+)", str(name))
    return ".".join(p.strip() if p.strip().startswith("`") and p.strip().endswith("`") else f"`{p.strip()}`"
                    for p in parts)


def connect(ctx: NodeContext, options: dict[str, Any], *, flags: int = 0) -> Any:
    """A PyMySQL connection (autocommit, multi statements; ``flags``: more client flags)."""
    import pymysql
    from pymysql.constants import CLIENT, FIELD_TYPE
    from pymysql.converters import conversions

    fields = credential(ctx, "mySql") or {}
    conv = dict(conversions)
    if not options.get("decimalNumbers"):
        conv[FIELD_TYPE.NEWDECIMAL] = str
        conv[FIELD_TYPE.DECIMAL] = str
    if ctx.node.type_version >= 2.1:
        for kind in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP, FIELD_TYPE.DATE, FIELD_TYPE.TIME):
            conv[kind] = str
    conv[FIELD_TYPE.JSON] = json.loads
    ssl = {"ca": fields.get("caCertificate")} if fields.get("ssl") else None
    try:
        return pymysql.connect(host=fields.get("host") or "localhost", port=int(fields.get("port") or 3306),
                               user=fields.get("user") or "root", password=fields.get("password") or "",
                               database=fields.get("database") or None, conv=conv, autocommit=True,
                               client_flag=CLIENT.MULTI_STATEMENTS | flags, charset="utf8mb4",
                               connect_timeout=int(options.get("connectTimeout") or 10000) // 1000 or 10,
                               ssl=ssl if ssl and ssl.get("ca") else None)
    except pymysql.MySQLError as exc:
        raise NodeError(f"Connection to the database failed: {exc.args[-1] if exc.args else exc}") from None


def literal(conn: Any, value: Any) -> str:
    """mysql's SqlString.escape for one value."""
    if value is None:
        return "NULL"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return ", ".join(literal(conn, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{ident(k)} = {literal(conn, v)}" for k, v in value.items())
    if isinstance(value, (int, float)):
        from automatelanka.engine.schemas.jsvalue import to_js_string

        return to_js_string(value)
    return conn.escape(str(value))


def format_query(conn: Any, query: str, values: list[Any]) -> str:
    """``connection.format``: ``?`` values and ``??`` identifiers, in order."""
    remaining = list(values)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if len(token) > 2 or not remaining:
            return token
        value = remaining.pop(0)
        return ident(value) if token == "??" else literal(conn, value)

    return re.sub(r"\?+", replace, query)


def _prepare(query: str, values: list[Any]) -> tuple[str, list[Any]]:
    """``$1``-style placeholders become ``?`` in order of use (n8n's prepareQueryAndReplacements)."""
    if not re.search(r"\$\d+", query):
        return query, values
    ordered: list[Any] = []

    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        if match.group(2):
            ordered.append(values[index] if index < len(values) else None)
            return "??"
        ordered.append(values[index] if index < len(values) else None)
        return "?"

    return re.sub(r"\$(\d+)(:name)?", replace, query), ordered


def _fix_numbers(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= _SAFE else
                v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else v) for k, v in row.items()}


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.replace("\n", " ").split(";") if s.strip()]


def _is_select(statements: list[str]) -> bool:
    return all(re.sub(r"/\*.*?\*/", "", s).strip().lower().startswith("select")
               for s in statements if not s.startswith("--"))


def _run(conn: Any, sql: str) -> list[list[dict[str, Any]]]:
    """Rows of every result set that has rows (OK packets are skipped, as n8n does)."""
    out = []
    with conn.cursor() as cur:
        cur.execute(sql)
        while True:
            if cur.description is not None:
                names = [d[0] for d in cur.description]
                out.append([_fix_numbers(dict(zip(names, row, strict=False))) for row in cur.fetchall()])
            if not cur.nextset():
                break
    return out


def run_queries(ctx: NodeContext, conn: Any, queries: list[tuple[str, list[Any]]], options: dict[str, Any]) -> list[Item]:
    import pymysql

    version = ctx.node.type_version
    texts = [format_query(conn, q, v) for q, v in queries]
    if not texts:
        return []
    mode = options.get("queryBatching") or "single"
    out: list[Item] = []

    def shape(results: list[list[dict[str, Any]]], statements: list[str], paired: Any) -> list[Item]:
        items: list[Item] = []
        for index, rows in enumerate(results):
            pair = paired[index] if isinstance(paired, list) and index < len(paired) else paired
            if options.get("detailedOutput"):
                items.append({"json": {"sql": statements[index] if index < len(statements) else "", "data": rows},
                              "pairedItem": pair})
            else:
                items.extend({"json": row, "pairedItem": pair} for row in rows)
        if not items and (version < 2.2 or not _is_select(statements)):
            items.append({"json": {"success": True}, "pairedItem": paired})
        return items

    if mode == "single":
        sql = ";".join(t.strip().rstrip(";") for t in texts) if len(texts) > 1 else texts[0]
        try:
            results = _run(conn, sql)
        except pymysql.MySQLError as exc:
            message = str(exc.args[-1]) if exc.args else str(exc)
            if not ctx.continue_on_fail:
                raise NodeError(message, context={"query": sql}) from None
            return [{"json": {"message": message, "error": {"message": message}}}]
        return shape(results, _statements(sql), [{"item": i} for i in range(len(queries))])
    if mode == "transaction":
        conn.begin()
    for index, sql in enumerate(texts):
        try:
            results = _run(conn, sql)
        except pymysql.MySQLError as exc:
            message = str(exc.args[-1]) if exc.args else str(exc)
            if mode == "transaction":
                conn.rollback()
            if not ctx.continue_on_fail:
                raise NodeError(message, item_index=index, context={"query": sql}) from None
            out.append({"json": {"message": message, "error": {"message": message}}, "pairedItem": {"item": index}})
            if mode == "transaction":
                return out
            continue
        out.extend(shape(results, _statements(sql), {"item": index}))
    if mode == "transaction":
        conn.commit()
    return out


def rl(value: Any) -> str:
    return str(value.get("value") or "") if isinstance(value, dict) else str(value or "")


@register("n8n-nodes-base.mySql", versions=VERSIONS, display_name="MySQL")
@register("n8n-nodes-base.mySqlTool", versions=VERSIONS, display_name="MySQL Tool")
def mysql(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "insert")
    options = dict(ctx.param("options", 0, {}) or {})
    items = replace_empty_strings(list(ctx.input(0)), bool(options.get("replaceEmptyStrings")))
    conn = connect(ctx, options)
    try:
        builders = {"executeQuery": _execute_query, "insert": _insert, "select": _select,
                    "deleteTable": _delete_table, "update": _update, "upsert": _upsert}
        if operation not in builders:
            raise ctx.error(f"MySQL: operation 'database/{operation}' is not supported yet")
        return [run_queries(ctx, conn, builders[operation](ctx, items, options), options)]
    finally:
        conn.close()


def _execute_query(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        query = str(ctx.param("query", i, "") or "")
        if "{{" in query:
            query = str(ctx.resolve("=" + query, i))
        replacement = (ctx.param("options", i, {}) or {}).get("queryReplacement") or []
        values = [v.strip() for v in replacement.split(",")] if isinstance(replacement, str) else replacement
        if not isinstance(values, list):
            raise ctx.error("Query Replacement must be a string of comma-separated values, or an array of values", i)
        query, values = _prepare(query, values)
        if ctx.node.type_version >= 2.3:
            values = [_number(v) for v in values]
        queries.append((query, values))
    return queries


def _number(value: Any) -> Any:
    """``Number(value) ? Number(value) : value``."""
    if isinstance(value, bool) or value is None:
        return value
    try:
        number = float(str(value).strip()) if str(value).strip() else 0.0
    except ValueError:
        return value
    if number == 0 or number != number:
        return value
    return int(number) if number.is_integer() else number


def _mapped(ctx: NodeContext, items: list[Item], i: int) -> dict[str, Any]:
    if ctx.param("dataMode", i, "autoMapInputData") == "autoMapInputData":
        return dict(items[i]["json"])
    if ctx.node.type_version >= 2.5 and isinstance(ctx.param("columns", i, None), dict):
        return dict((ctx.param("columns", i, {}) or {}).get("value") or {})
    return {v.get("column"): v.get("value") for v in (ctx.param("valuesToSend", i, {}) or {}).get("values") or []}


def _insert(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    table = ident(rl(ctx.param("table", 0, {})))
    priority = options.get("priority") or ""
    ignore = "IGNORE" if options.get("skipOnConflict") else ""
    rows = [_mapped(ctx, items, i) for i in range(len(items))]
    if (options.get("queryBatching") or "single") == "single":
        columns = list(dict.fromkeys(k for row in rows for k in row))
        placeholder = "(" + ",".join("?" for _ in columns) + ")"
        query = (f"INSERT {priority} {ignore} INTO {table} ({', '.join(ident(c) for c in columns)}) VALUES "
                 + ",".join(placeholder for _ in rows))
        values = [row.get(c) for row in rows for c in columns]
        return [(query, values)]
    return [(f"INSERT {priority} {ignore} INTO {table} ({', '.join(ident(c) for c in row)}) VALUES "
             f"({','.join('?' for _ in row)})", list(row.values())) for row in rows]


def _where(ctx: NodeContext, i: int, query: str, values: list[Any]) -> tuple[str, list[Any]]:
    clauses = (ctx.param("where", i, {}) or {}).get("values") or []
    if not clauses:
        return query, values
    joiner = "OR" if ctx.param("combineConditions", i, "AND") == "OR" else "AND"
    out = " WHERE"
    for pos, clause in enumerate(clauses):
        condition = "=" if clause.get("condition", "equal") == "equal" else clause.get("condition")
        value = clause.get("value")
        if condition in (">", "<", ">=", "<="):
            try:
                value = _number(float(value)) if str(value).strip() else 0
            except (TypeError, ValueError):
                raise ctx.error(f"Operator in entry {pos + 1} of 'Select Rows' works with numbers, but value "
                                f"{value} is not a number", i) from None
        tail = " "
        if condition not in ("IS NULL", "IS NOT NULL"):
            tail = " ?"
            values = [*values, value]
        out += f" {ident(clause.get('column'))} {condition}{tail}{'' if pos == len(clauses) - 1 else ' ' + joiner}"
    return query + out, values


def _select(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        table = ident(rl(ctx.param("table", i, {})))
        opts = ctx.param("options", i, {}) or {}
        columns = opts.get("outputColumns") or ["*"]
        select = "SELECT DISTINCT" if opts.get("selectDistinct") else "SELECT"
        cols = "*" if "*" in columns else ", ".join(ident(c) for c in columns)
        query, values = _where(ctx, i, f"{select} {cols} FROM {table}", [])
        rules = (ctx.param("sort", i, {}) or {}).get("values") or []
        if rules:
            query += " ORDER BY " + ", ".join(f"{ident(r.get('column'))} {'DESC' if r.get('direction') == 'DESC' else 'ASC'}"
                                              for r in rules)
        if not ctx.param("returnAll", i, False):
            query += " LIMIT ?"
            values = [*values, ctx.param("limit", i, 50)]
        queries.append((query, values))
    return queries


def _delete_table(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        table = ident(rl(ctx.param("table", i, {})))
        command = ctx.param("deleteCommand", i, "truncate")
        if command == "drop":
            queries.append((f"DROP TABLE IF EXISTS {table}", []))
        elif command == "truncate":
            queries.append((f"TRUNCATE TABLE {table}", []))
        elif command == "delete":
            queries.append(_where(ctx, i, f"DELETE FROM {table}", []))
        else:
            raise ctx.error("Invalid delete command, only drop, delete and truncate are supported ", i)
    return queries


def _match_column(ctx: NodeContext, i: int) -> str:
    columns = ctx.param("columns", i, None)
    if isinstance(columns, dict) and columns.get("matchingColumns"):
        return columns["matchingColumns"][0]
    return str(ctx.param("columnToMatchOn", i, ""))


def _update(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        table = ident(rl(ctx.param("table", i, {})))
        item = _mapped(ctx, items, i)
        column = _match_column(ctx, i)
        match_value = item.get(column) if column in item else ctx.param("valueToMatchOn", i, None)
        item.pop(column, None)
        if not item:
            raise ctx.error("Add values to update to the input item or set the 'Data Mode' to 'Define Below' to "
                            "define the values to update.", i)
        sets = ", ".join(f"{ident(k)} = ?" for k in item)
        queries.append((f"UPDATE {table} SET {sets} WHERE {ident(column)} = ?", [*item.values(), match_value]))
    return queries


def _upsert(ctx: NodeContext, items: list[Item], options: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    queries = []
    for i in range(len(items)):
        table = ident(rl(ctx.param("table", i, {})))
        item = _mapped(ctx, items, i)
        column = _match_column(ctx, i)
        if column not in item:
            item[column] = ctx.param("valueToMatchOn", i, None)
        updates = {k: v for k, v in item.items() if k != column}
        cols = ", ".join(ident(k) for k in item)
        query = (f"INSERT INTO {table}({cols}) VALUES({','.join('?' for _ in item)}) ON DUPLICATE KEY UPDATE "
                 + ", ".join(f"{ident(k)} = ?" for k in updates))
        queries.append((query, [*item.values(), *updates.values()]))
    return queries
