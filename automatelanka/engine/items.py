"""Helpers for n8n items: plain dicts ``{"json": {...}, "binary": {...}, "pairedItem": ...}``.

Items stay plain dicts on purpose: they are what n8n stores, what ``--json`` prints, and the
cheapest thing to pass around.
"""

from __future__ import annotations

import copy
from typing import Any

Item = dict[str, Any]
Items = list[Item]
NodeOutput = list[Items]  # one list of items per output


def item(json: dict[str, Any] | None = None, *, paired: Any = None, binary: dict | None = None) -> Item:
    """Build an item; ``paired`` is an index, a pairedItem dict, or a list of them."""
    out: Item = {"json": {} if json is None else json}
    if binary:
        out["binary"] = binary
    if paired is not None:
        out["pairedItem"] = {"item": paired} if isinstance(paired, int) else paired
    return out


def paired_list(value: Any) -> list[dict[str, Any]]:
    """Normalise a pairedItem value (int, dict, list) into a list of dicts."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [{"item": v} if isinstance(v, int) else v for v in values]


def deep_copy_json(value: Any) -> Any:
    """A deep copy of JSON-like data (faster than copy.deepcopy for plain structures)."""
    if isinstance(value, dict):
        return {k: deep_copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy_json(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return copy.deepcopy(value)
