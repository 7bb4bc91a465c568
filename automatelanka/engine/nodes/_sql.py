"""SQL text building shared by the Postgres and MySQL nodes.

n8n's Postgres node formats values into the SQL text on the client (pg-promise): ``$1`` is a
literal, ``$1:name`` an identifier (or a list of them, or an object's keys), ``$1:csv`` the
values of a list/object. :func:`pg_format` does the same; :func:`where_clauses` and
:func:`sort_rules` build the Select/Delete clauses as the node does.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.schemas.jsvalue import to_js_string

_PLACEHOLDER = re.compile(r"\$(\d+)(?::(name|csv|raw|json|alias|value))?")


def pg_literal(value: Any) -> str:
    """A value as pg-promise formats it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return f"'{'NaN' if math.isnan(value) else ('+Infinity' if value > 0 else '-Infinity')}'"
        return to_js_string(value)
    if isinstance(value, list):
        return "array[" + ",".join(pg_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return pg_literal(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    return "'" + str(value).replace("'", "''") + "'"


def pg_name(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(pg_name(k) for k in value)
    if isinstance(value, list):
        return ",".join(pg_name(v) for v in value)
    text = str(value)
    if text == "*":
        return "*"
    return '"' + text.replace('"', '""') + '"'


def pg_format(query: str, values: list[Any]) -> str:
    """Replace ``$N`` / ``$N:name`` / ``$N:csv`` / ``$N:raw`` / ``$N:json`` with formatted values."""

    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        if index >= len(values):
            raise NodeError(f"Index {index} is out of range")
        value = values[index]
        kind = match.group(2)
        if kind in ("name", "alias"):
            return pg_name(value)
        if kind == "csv":
            items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else [value]
            return ",".join(pg_literal(v) for v in items)
        if kind == "raw":
            return "" if value is None else str(value)
        if kind == "json":
            return pg_literal(json.dumps(value, separators=(",", ":")))
        return pg_literal(value)

    return _PLACEHOLDER.sub(replace, query)


def where_clauses(ctx: Any, index: int, query: str, clauses: list[dict[str, Any]], values: list[Any],
                  combine: str) -> tuple[str, list[Any]]:
    """``addWhereClauses`` with ``$N:name`` placeholders."""
    if not clauses:
        return query, values
    joiner = "OR" if combine == "OR" else "AND"
    n = len(values) + 1
    out = " WHERE"
    extra: list[Any] = []
    for pos, clause in enumerate(clauses):
        condition = clause.get("condition", "equal")
        value = clause.get("value")
        if condition == "equal":
            condition = "="
        if condition in (">", "<", ">=", "<="):
            try:
                value = float(value)
                value = int(value) if value.is_integer() else value
            except (TypeError, ValueError):
                raise ctx.error(f"Operator in entry {pos + 1} of 'Select Rows' works with numbers, but value "
                                f"{value} is not a number", index) from None
        extra.append(clause.get("column"))
        part = f" ${n}:name {condition}"
        n += 1
        if condition not in ("IS NULL", "IS NOT NULL"):
            part += f" ${n}"
            extra.append(value)
            n += 1
        out += part + ("" if pos == len(clauses) - 1 else f" {joiner}")
    return query + out, values + extra


def sort_rules(query: str, rules: list[dict[str, Any]], values: list[Any]) -> tuple[str, list[Any]]:
    if not rules:
        return query, values
    n = len(values) + 1
    parts = []
    extra = []
    for rule in rules:
        extra.append(rule.get("column"))
        parts.append(f" ${n}:name {'DESC' if rule.get('direction') == 'DESC' else 'ASC'}")
        n += 1
    return query + " ORDER BY" + ",".join(parts), values + extra


def string_to_list(text: Any) -> list[str]:
    if text is None:
        return []
    return [part.strip() for part in str(text).split(",") if part]


def replace_empty_strings(items: list[dict[str, Any]], enabled: bool) -> list[dict[str, Any]]:
    """``replaceEmptyStringsByNulls``: copies of the items with "" values as null."""
    if not enabled:
        return items
    return [{**item, "json": {k: (None if v == "" else v) for k, v in item["json"].items()}} for item in items]


def is_select(query: str) -> bool:
    return query.strip().lower().startswith("select")
