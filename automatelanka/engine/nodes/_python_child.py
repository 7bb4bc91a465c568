"""Child process for the Code node's Python: reads a JSON job on stdin, prints a JSON result.

Run as ``python -I _python_child.py``; it imports nothing from AutomateLanka. The result is
``{"returned": bool, "value": ..., "logs": [...]}`` or ``{"error": {"type", "message"}, "logs"}``.
"""

import asyncio
import contextlib
import datetime
import io
import json
import sys
import textwrap


def _limit(memory_mb, cpu_s):
    try:
        import resource
    except ImportError:  # not POSIX
        return
    for name, value in (("RLIMIT_AS", memory_mb * 1024 * 1024), ("RLIMIT_CORE", 0), ("RLIMIT_CPU", cpu_s)):
        limit = getattr(resource, name, None)
        if limit is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


class JsObject(dict):
    """A dict that also allows attribute access, as Pyodide's JS object proxies do."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_py(self):
        return _plain(self)


def _wrap(value):
    if isinstance(value, dict):
        return JsObject({k: _wrap(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _plain(value):
    """Python -> JSON as Pyodide's ``toJs`` + JSON: None inside objects disappears."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class _NodeData:
    def __init__(self, outputs, item_index):
        self._items = outputs[0] if outputs else []
        self._index = item_index

    def all(self, branch=0, run_index=None):
        return list(self._items)

    def first(self, *_):
        return self._items[0] if self._items else None

    def last(self, *_):
        return self._items[-1] if self._items else None

    @property
    def item(self):
        if 0 <= self._index < len(self._items):
            return self._items[self._index]
        return self._items[0] if self._items else None

    def itemMatching(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    @property
    def params(self):
        return JsObject()


def _context(job):
    items = _wrap(job["items"])
    index = max(job["item_index"], 0)
    current = items[index] if items and index < len(items) else JsObject(json=JsObject())
    nodes = {name: _wrap(outputs) for name, outputs in job["nodes"].items()}
    input_data = _NodeData([items], index)

    def select(name):
        if name not in nodes:
            raise ValueError(f"Referenced node doesn't exist or hasn't run: {name}")
        return _NodeData(nodes[name], index)

    now = datetime.datetime.now(datetime.UTC)
    try:
        from zoneinfo import ZoneInfo

        now = now.astimezone(ZoneInfo(job["timezone"]))
    except Exception:
        pass
    ctx = {
        "_input": input_data,
        "_json": current.get("json"),
        "_binary": current.get("binary") or JsObject(),
        "_items": lambda name=None, output=0, run=-1: select(name).all() if name else list(items),
        "_": select,
        "_workflow": _wrap(job["workflow"]),
        "_execution": _wrap(job["execution"]),
        "_runIndex": job["run_index"],
        "_prevNode": _wrap(job["prev_node"]) if job["prev_node"] else None,
        "_env": _wrap(job["env"]),
        "_vars": _wrap(job["vars"]),
        "_now": now,
        "_today": now.replace(hour=0, minute=0, second=0, microsecond=0),
    }
    try:
        import jmespath

        ctx["_jmespath"] = lambda data, expr: jmespath.search(expr, data)
    except ImportError:
        pass
    if job["mode"] == "each":
        ctx["item"] = current
    else:
        ctx["items"] = list(items)
    return ctx


_MISSING = object()


def main():
    job = json.loads(sys.stdin.read())
    _limit(job["memory_mb"], job["cpu_s"])
    logs = io.StringIO()
    body = textwrap.indent(job["code"], "  ") if job["code"].strip() else "  pass"
    source = f"async def __main():\n{body}\n"
    result = {}
    try:
        scope = _context(job)
        exec(compile(source, "<code>", "exec"), scope)
        with contextlib.redirect_stdout(logs):
            value = asyncio.run(scope["__main"]())
        result = {"returned": value is not None, "value": _plain(value)}
    except BaseException as exc:
        result = {"error": {"type": type(exc).__name__, "message": f"{type(exc).__name__}: {exc}"}}
    result["logs"] = [line for line in logs.getvalue().splitlines()]
    sys.__stdout__.write(json.dumps(result))


if __name__ == "__main__":
    main()
