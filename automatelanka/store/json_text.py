"""JSON serialised once: a ``str`` marker and a column type that binds it as is.

The hot write path (node data and outcome of every run) serialises its JSON itself and hands the
text over as :class:`JSONText`; :class:`PreJSON` binds such text unchanged (SQLite stores the text,
PostgreSQL receives it as ``jsonb`` without a second ``json.dumps``). Any other value is
serialised as the plain JSON column type does, so the same statement serves both callers.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from automatelanka.store.types import JSONType


class JSONText(str):
    """A JSON document already serialised (``JSONText(json.dumps(value))``)."""

    __slots__ = ()


def to_json_text(value: Any, default: Any = None) -> JSONText:
    """``value`` serialised with orjson (about 5x ``json.dumps``; NaN and infinities become null, as
    JavaScript's ``JSON.stringify`` does); what orjson cannot encode (integers beyond 64 bits)
    falls back to ``json.dumps``. ``default`` converts other objects. TypeError/ValueError if
    neither can."""
    try:
        return JSONText(orjson.dumps(value, default=default, option=orjson.OPT_NON_STR_KEYS).decode())
    except TypeError:
        return JSONText(json.dumps(value, default=default))


def _same(text: Any) -> Any:
    return text


class PreJSON(TypeDecorator[Any]):
    """The JSON/JSONB column type, binding :class:`JSONText` without serialising it again."""

    impl = JSONType
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            from psycopg.types.json import Jsonb

            def process_pg(value: Any) -> Any:
                return Jsonb(str(value), dumps=_same) if isinstance(value, JSONText) else Jsonb(value)

            return process_pg
        serializer = getattr(dialect, "_json_serializer", None) or json.dumps

        def process(value: Any) -> Any:
            return str(value) if isinstance(value, JSONText) else serializer(value)

        return process
