"""Small helpers shared by the utility node families (lodash get/set on dotted paths, compact JSON)."""

from __future__ import annotations

import json
import re
from typing import Any

_PART = re.compile(r"[^.[\]]+|\[(\d+)\]")


def path_parts(path: str) -> list[str | int]:
    """lodash ``toPath``: ``"a.b[0].c"`` -> ``["a", "b", 0, "c"]``."""
    parts: list[str | int] = []
    for match in _PART.finditer(path):
        parts.append(int(match.group(1)) if match.group(1) is not None else match.group(0))
    return parts


# Not _fields.get/set_: a plainer path syntax (no quoted keys, no ``.length``) these nodes rely on.
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


def js_json(value: Any, indent: int | None = None) -> str:
    """``JSON.stringify`` (compact unless ``indent``), keeping non-ASCII characters."""
    if indent:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
