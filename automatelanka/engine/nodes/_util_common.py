"""Small helpers shared by the utility node families (lodash get/set on dotted paths, JS strings)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

_PART = re.compile(r"[^.[\]]+|\[(\d+)\]")


def path_parts(path: str) -> list[str | int]:
    """lodash ``toPath``: ``"a.b[0].c"`` -> ``["a", "b", 0, "c"]``."""
    parts: list[str | int] = []
    for match in _PART.finditer(path):
        parts.append(int(match.group(1)) if match.group(1) is not None else match.group(0))
    return parts


def lodash_get(obj: Any, path: str, default: Any = None) -> Any:
    """lodash ``get`` on a dotted path (an exact key wins, as lodash does)."""
    if isinstance(obj, dict) and path in obj:
        return obj[path]
    value = obj
    for part in path_parts(path):
        if isinstance(value, dict) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return default
    return value


def lodash_set(obj: dict[str, Any], path: str, value: Any) -> None:
    """lodash ``set``: create missing objects (or arrays for numeric parts) along the path."""
    parts = path_parts(path)
    if not parts:
        return
    target: Any = obj
    for index, part in enumerate(parts[:-1]):
        nxt = parts[index + 1]
        if isinstance(target, list) and isinstance(part, int):
            while len(target) <= part:
                target.append(None)
            if not isinstance(target[part], (dict, list)):
                target[part] = [] if isinstance(nxt, int) else {}
            target = target[part]
            continue
        key = str(part)
        if not isinstance(target.get(key), (dict, list)):
            target[key] = [] if isinstance(nxt, int) else {}
        target = target[key]
    last = parts[-1]
    if isinstance(target, list) and isinstance(last, int):
        while len(target) <= last:
            target.append(None)
        target[last] = value
    else:
        target[str(last)] = value


def js_string(value: Any) -> str:
    """JavaScript ``String(value)`` for JSON-like values."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def js_json(value: Any, indent: int | None = None) -> str:
    """``JSON.stringify`` (compact unless ``indent``), keeping non-ASCII characters."""
    if indent:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
