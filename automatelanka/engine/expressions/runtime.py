"""The quickjs context that evaluates expressions and Code nodes: one per thread, created lazily.

Creating a context and loading the JS library (Luxon, n8n's extension methods) costs milliseconds,
so a context is reused by every execution of its thread; :meth:`JsRuntime.claim` resets the
per-execution globals when another evaluator starts using it. No Python callable is ever exposed
to JS (quickjs forbids calls into Python under a time limit, and user code must not reach Python).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import quickjs

_JS_DIR = Path(__file__).parent / "js"
_LIB_DIR = _JS_DIR / "lib"
_local = threading.local()


class JsTimeout(Exception):
    """A JS evaluation ran longer than the time limit."""


class JsOutOfMemory(Exception):
    """A JS evaluation exceeded the memory limit."""


def _library_sources() -> list[tuple[str, str]]:
    """The colleague's JS library files (manifest order), then our runtime."""
    sources: list[tuple[str, str]] = []
    manifest = _LIB_DIR / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text())
        files = data.get("files", data) if isinstance(data, dict) else data
        for name in files:
            sources.append((name, (_LIB_DIR / name).read_text()))
    sources.append(("runtime.js", (_JS_DIR / "runtime.js").read_text()))
    return sources


def classify(exc: Exception) -> Exception:
    """Turn a quickjs limit exception into :class:`JsTimeout` / :class:`JsOutOfMemory` (else itself)."""
    text = str(exc)
    if "InternalError: interrupted" in text:
        return JsTimeout(text)
    if "out of memory" in text or "InternalError: string too long" in text or "invalid array length" in text:
        return JsOutOfMemory(text)
    return exc


class JsRuntime:
    """A quickjs context with the library and the proxy runtime loaded."""

    def __init__(self) -> None:
        self.ctx = quickjs.Context()
        self.ctx.set_max_stack_size(4 * 1024 * 1024)
        for name, source in _library_sources():
            try:
                self.ctx.eval(source)
            except quickjs.JSException as exc:  # pragma: no cover - a broken library file
                raise RuntimeError(f"loading {name}: {exc}") from None
        get = self.ctx.get
        self.reset_fn = get("__al_reset")
        self.task_fn = get("__al_task")
        self.node_fn = get("__al_node")
        self.extra_fn = get("__al_extra")
        self.eval_fn = get("__al_eval")
        self.code_start_fn = get("__al_code_start")
        self.code_result_fn = get("__al_code_result")
        self.owner: object | None = None
        self.time_limit = -1.0
        self.memory_limit = -1

    def claim(self, owner: object, config: dict[str, Any], time_limit: float, memory_mb: int) -> bool:
        """Make ``owner`` the current user; True when the per-execution state was reset."""
        if self.owner == owner:
            return False
        self.set_limits(time_limit, memory_mb)
        self.call(self.reset_fn, json.dumps(config, default=str))
        self.owner = owner
        return True

    def set_limits(self, time_limit: float, memory_mb: int) -> None:
        if time_limit != self.time_limit:
            self.ctx.set_time_limit(time_limit if time_limit and time_limit > 0 else -1)
            self.time_limit = time_limit
        if memory_mb != self.memory_limit:
            self.ctx.set_memory_limit(memory_mb * 1024 * 1024 if memory_mb and memory_mb > 0 else -1)
            self.memory_limit = memory_mb

    def call(self, fn: Any, *args: Any) -> Any:
        """Call a JS function, mapping limit failures to JsTimeout / JsOutOfMemory."""
        try:
            return fn(*args)
        except quickjs.JSException as exc:
            raise classify(exc) from None

    def pump(self) -> None:
        """Run pending promise jobs (``await`` in Code nodes)."""
        try:
            while self.ctx.execute_pending_job():
                pass
        except quickjs.JSException as exc:
            raise classify(exc) from None

    def recover(self) -> None:
        """After a limit failure: drop pending jobs and free memory so the context stays usable."""
        try:
            while self.ctx.execute_pending_job():
                pass
        except quickjs.JSException:
            pass
        self.ctx.gc()


def runtime() -> JsRuntime:
    """This thread's runtime (created on first use)."""
    rt = getattr(_local, "runtime", None)
    if rt is None:
        rt = _local.runtime = JsRuntime()
    return rt


def discard_runtime() -> None:
    """Forget this thread's runtime (after an unrecoverable failure); the next use makes a new one."""
    _local.runtime = None
