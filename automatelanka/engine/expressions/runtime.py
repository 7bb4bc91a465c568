"""quickjs contexts for expressions (reused, one per thread and isolation key) and Code nodes
(one per node run).

A context holds the JS library and the proxy runtime (``js/runtime.js``). Creating one is kept
cheap: the large library files (Luxon with the extension methods, jmespath, jsSHA) are evaluated
on first use of one of their globals (``js/lib/deferred.js``). An expression context is reused by
every execution of its thread with the same isolation key (``Services.isolation``: the workspace
on the platform); :meth:`JsRuntime.claim` resets the per-execution globals when another evaluator
starts using it. Expressions can still change the context itself (``this.x = 1``, a built-in's
prototype reached through a computed name), so executions of different keys never share one.
User code (Code, Function, Function Item nodes) never runs in it: each Code node run gets a
context of its own that nothing else reuses, so globals and prototype changes made by one
workflow's code cannot reach another execution. No Python callable is ever exposed to JS
(quickjs forbids calls into Python under a time limit, and user code must not reach Python).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import quickjs

from automatelanka.engine.expressions.js.lib import loader
from automatelanka.engine.expressions.js.lib.zones import zone_names_in

_JS_DIR = Path(__file__).parent / "js"
_local = threading.local()


class JsTimeout(Exception):
    """A JS evaluation ran longer than the time limit."""


class JsOutOfMemory(Exception):
    """A JS evaluation exceeded the memory limit."""


@lru_cache(maxsize=1)
def _runtime_source() -> str:
    return (_JS_DIR / "runtime.js").read_text(encoding="utf-8")


@lru_cache(maxsize=4096)
def library_needs(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """``(IANA zones, optional library files)`` that code mentioning ``text`` needs."""
    return frozenset(zone_names_in(text)), loader.lazy_files(text)


def classify(exc: Exception) -> Exception:
    """Turn a quickjs limit exception into :class:`JsTimeout` / :class:`JsOutOfMemory` (else itself)."""
    text = str(exc)
    if "InternalError: interrupted" in text:
        return JsTimeout(text)
    if "out of memory" in text or "InternalError: string too long" in text or "invalid array length" in text:
        return JsOutOfMemory(text)
    return exc


class JsRuntime:
    """A quickjs context with the library (large parts deferred) and the proxy runtime loaded."""

    def __init__(self) -> None:
        self.ctx = quickjs.Context()
        self.ctx.set_max_stack_size(4 * 1024 * 1024)
        for name, source in loader.eager_sources():
            self._eval(name, source)
        values, boot = loader.deferred_setup()
        for name, source in values:
            self.ctx.set(name, source)
        self._eval("deferred", boot)
        self._eval("runtime.js", _runtime_source())
        get = self.ctx.get
        self.reset_fn = get("__al_reset")
        self.task_fn = get("__al_task")
        self.node_fn = get("__al_node")
        self.extra_fn = get("__al_extra")
        self.state_fn = get("__al_state")
        self.eval_fn = get("__al_eval")
        self.code_start_fn = get("__al_code_start")
        self.code_result_fn = get("__al_code_result")
        self.owner: object | None = None
        self.time_limit = -1.0
        self.memory_limit = -1
        self.zones: set[str] = set()
        self.files: set[str] = set()

    def _eval(self, name: str, source: str) -> None:
        try:
            self.ctx.eval(source)
        except quickjs.JSException as exc:  # pragma: no cover - a broken library file
            raise RuntimeError(f"loading {name}: {exc}") from None

    def claim(self, owner: object, config: Any, time_limit: float, memory_mb: int) -> bool:
        """Make ``owner`` the current user; True when the per-execution state was reset.

        ``config`` is the per-execution configuration, or a callable building it (only called
        when the owner changes).
        """
        if self.owner == owner:
            return False
        self.set_limits(time_limit, memory_mb)
        data = config() if callable(config) else config
        self.call(self.reset_fn, json.dumps(data, default=str, separators=(",", ":")))
        self.owner = owner
        return True

    def ensure(self, needs: tuple[frozenset[str], tuple[str, ...]]) -> None:
        """Register the zone tables and evaluate the optional files that ``needs`` lists."""
        zones, files = needs
        if not zones <= self.zones:
            parts = []
            for zone in sorted(zones - self.zones):
                self.zones.add(zone)
                parts.append(loader.zone_registration_js(zone))
            self.call(self.ctx.eval, "\n".join(p for p in parts if p) or "0")
        for name in files:
            if name not in self.files:
                self.files.add(name)
                self.call(self.ctx.eval, loader.read_source(name))

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


#: Expression contexts a thread keeps (least recently used first out); each holds a few MB.
MAX_RUNTIMES_PER_THREAD = 4


def _runtimes() -> OrderedDict[str | None, JsRuntime]:
    found = getattr(_local, "runtimes", None)
    if found is None:
        found = _local.runtimes = OrderedDict()
    return found


def runtime(isolation: str | None = None) -> JsRuntime:
    """This thread's expression runtime for ``isolation`` (created on first use). User code never
    runs in it."""
    runtimes = _runtimes()
    rt = runtimes.get(isolation)
    if rt is None:
        if len(runtimes) >= MAX_RUNTIMES_PER_THREAD:
            runtimes.popitem(last=False)
        rt = runtimes[isolation] = JsRuntime()
    elif len(runtimes) > 1:
        runtimes.move_to_end(isolation)
    return rt


def discard_runtime(isolation: str | None = None) -> None:
    """Forget this thread's runtime for ``isolation`` (after an unrecoverable failure); the next
    use makes a new one."""
    _runtimes().pop(isolation, None)
