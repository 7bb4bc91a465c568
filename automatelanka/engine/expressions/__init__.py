"""n8n expressions (``=`` prefix, ``{{ }}`` templates) evaluated in a quickjs-ng sandbox.

Public surface: :func:`evaluator_for` returns the execution's :class:`Evaluator`, whose
``resolve(value, scope)`` walks a parameter value (strings, lists, dicts at any depth) and
evaluates every expression in it for the scope's item.

Results are JSON-like Python values; JS ``undefined`` becomes ``None``. Luxon DateTimes nested in
objects or arrays become ``dt.toString()`` (ISO with offset). A top-level DateTime comes back as a
:class:`JsDateTime`: a ``str`` holding ``dt.toString()`` whose ``millis`` attribute is the epoch in
milliseconds (``None`` when the DateTime is invalid), so nodes can apply JS ``String()`` (the string
itself) or ``Number()`` (``millis``).

How data reaches JS: nothing in JS calls back into Python (quickjs forbids it under a time limit).
Before the first JS evaluation of a node run, the evaluator pulls what is new in
``state.run_data`` (each task is pushed once, tracked per node) and pushes the node run's input
items, source and parameters once; per item only the item index crosses over. Expression strings
are compiled once per runtime (JS cache by string) and once per process on the Python fast path.
"""

from __future__ import annotations

import itertools
import json
import re
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from automatelanka.engine.errors import ExpressionError, NodeError
from automatelanka.engine.expressions.js.lib.zones import canonical_zone_name
from automatelanka.engine.expressions.runtime import (
    JsOutOfMemory,
    JsRuntime,
    JsTimeout,
    discard_runtime,
    library_needs,
    runtime,
)
from automatelanka.engine.expressions.template import FALLBACK, compile_fast, dumps
from automatelanka.engine.items import deep_copy_json

if TYPE_CHECKING:
    from automatelanka.engine.expressions.scope import Scope
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow

SCRIPTING_TYPES = frozenset({
    "n8n-nodes-base.code", "n8n-nodes-base.function", "n8n-nodes-base.functionItem",
})
_MISSING: Any = object()
_FAST_CACHE: dict[str, Any] = {}
_FAST_CACHE_MAX = 20000
_tokens = itertools.count(1)
# Code that can read other nodes' run data (or evaluate code that might): run data is pushed into
# JS only for these. Everything else reads the current node's input, source and parameters only.
_READS_RUN_DATA = re.compile(
    r"\$(?![A-Za-z0-9_])|\$(?:node|items?|evaluateExpression|getPairedItem|parameter|rawParameter)\b"
    r"|getNodeParameter|\bthis\b|globalThis|\beval\b|\bFunction\b|\bReflect\b|\[\s*[\'\"`]\$"
)
_reads_cache: dict[str, bool] = {}
_workflow_info: weakref.WeakKeyDictionary[Workflow, dict[str, Any]] = weakref.WeakKeyDictionary()


class _Undefined:
    """JS ``undefined``, for the callers that must tell it from ``null`` (n8n's filter conditions:
    ``undefined < 5`` is false where ``null < 5`` is true). Others get ``None``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


class JsDateTime(str):
    """A top-level Luxon DateTime result: ``str(self)`` is ``dt.toString()``; ``millis`` the epoch ms."""

    millis: float | None

    def __new__(cls, iso: str, millis: float | None) -> JsDateTime:
        obj = super().__new__(cls, iso)
        obj.millis = millis
        return obj


def _fast(expr: str) -> Any:
    fast = _FAST_CACHE.get(expr, _MISSING)
    if fast is _MISSING:
        if len(_FAST_CACHE) > _FAST_CACHE_MAX:
            _FAST_CACHE.clear()
        fast = _FAST_CACHE[expr] = compile_fast(expr)
    return fast


def reads_run_data(code: str) -> bool:
    """Whether ``code`` may read other nodes' run data (conservative: when unsure, True)."""
    found = _reads_cache.get(code)
    if found is None:
        if len(_reads_cache) > _FAST_CACHE_MAX:
            _reads_cache.clear()
        found = _reads_cache[code] = _READS_RUN_DATA.search(code) is not None
    return found


Plan = Callable[["Evaluator", "Scope"], Any]
# Parameter values (dicts/lists, kept alive by the parsed workflows) -> how to resolve them.
_PLANS: dict[int, tuple[Any, Plan]] = {}
_PLANS_MAX = 50000


def _has_expression(value: Any) -> bool:
    if isinstance(value, str):
        return value[:1] == "="
    if isinstance(value, dict):
        return any(_has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_expression(v) for v in value)
    return False


def _copier(value: Any) -> Callable[[], Any]:
    """A fast way to copy a constant parameter value (shallow when it holds no container)."""
    if isinstance(value, dict):
        if not any(isinstance(v, (dict, list)) for v in value.values()):
            return value.copy
    elif isinstance(value, list):
        if not any(isinstance(v, (dict, list)) for v in value):
            return value.copy
    else:
        return lambda: value
    return lambda: deep_copy_json(value)


def _plan(value: Any) -> Plan:
    """How to resolve a parameter dict/list: a fresh copy with every expression evaluated.

    As n8n's ``cleanupParameterData``, a DateTime inside a dict or list becomes its string.
    """
    if not _has_expression(value):
        copy = _copier(value)
        return lambda ev, scope: copy()
    # (key, kind, payload): 0 scalar constant, 1 expression, 2 nested plan, 3 container constant
    steps: list[tuple[Any, int, Any]] = []
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in pairs:
        if isinstance(child, str) and child[:1] == "=":
            steps.append((key, 1, str(child[1:])))
        elif isinstance(child, (dict, list)):
            steps.append((key, 2, _plan(child)) if _has_expression(child) else (key, 3, _copier(child)))
        else:
            steps.append((key, 0, child))
    is_dict = isinstance(value, dict)

    def run(ev: Evaluator, scope: Scope) -> Any:
        out: dict[Any, Any] = {}
        for key, kind, payload in steps:
            if kind == 0:
                out[key] = payload
            elif kind == 1:
                result = ev.evaluate(payload, scope)
                out[key] = str.__str__(result) if type(result) is JsDateTime else result
            elif kind == 2:
                out[key] = payload(ev, scope)
            else:
                out[key] = payload()
        return out if is_dict else list(out.values())

    return run


def _info(workflow: Workflow) -> dict[str, Any]:
    """Static per-workflow data for JS (node table), cached while the workflow object lives."""
    info = _workflow_info.get(workflow)
    if info is None:
        from automatelanka.engine.params import node_parameters

        nodes = {
            n.name: {
                "type": n.type, "typeVersion": n.type_version, "id": n.id, "webhookId": n.webhook_id,
                "executeOnce": n.execute_once, "parameters": node_parameters(n),
            }
            for n in workflow.nodes.values()
        }
        info = {"nodes": nodes, "anc": {}, "needs": library_needs.__wrapped__(dumps(nodes))}
        _workflow_info[workflow] = info
    return info


class Evaluator:
    """Evaluates the expressions of one execution (fast path in Python, the rest in quickjs)."""

    def __init__(self, state: ExecutionState) -> None:
        self.state = state
        self._token = next(_tokens)
        self._pushed: dict[str, int] = {}
        self._node_key: tuple[Any, ...] | None = None
        self._tasks_key: tuple[Any, ...] | None = None
        self._node_full = False
        self._zones: set[str] = set()
        self._extra_set = False
        self._state_stale = False
        self._code: tuple[tuple[Any, ...], JsRuntime, dict[str, Any]] | None = None
        self._keep_undefined = False

    # -- public -------------------------------------------------------------------------------

    def resolve(self, value: Any, scope: Scope, keep_undefined: bool = False) -> Any:
        """Resolve every expression inside ``value`` (any depth) for the scope's item.

        As n8n's ``cleanupParameterData``: a DateTime inside a dict or list becomes its string;
        only a DateTime that is the whole value stays a :class:`JsDateTime`. An expression giving
        JS ``undefined`` resolves to ``None``, or to :data:`UNDEFINED` with ``keep_undefined``.
        """
        if keep_undefined:
            self._keep_undefined = True
            try:
                return self.resolve(value, scope)
            finally:
                self._keep_undefined = False
        if type(value) is str:
            if value[:1] == "=":
                return self.evaluate(value[1:], scope)
            return value
        if isinstance(value, (dict, list)):
            entry = _PLANS.get(id(value))
            if entry is None or entry[0] is not value:
                if len(_PLANS) > _PLANS_MAX:
                    _PLANS.clear()
                entry = _PLANS[id(value)] = (value, _plan(value))
            return entry[1](self, scope)
        if isinstance(value, str):
            return self.resolve(str(value), scope)
        return value

    def evaluate(self, expr: str, scope: Scope) -> Any:
        """Evaluate one expression string (without its ``=``)."""
        fast = _fast(expr)
        if fast is not None:
            result = fast(scope.input_items, scope.item_index)
            if result is not FALLBACK:
                return result
        return self.evaluate_js(expr, scope)

    def evaluate_js(self, expr: str, scope: Scope) -> Any:
        """Evaluate in quickjs (always; the fast path is skipped)."""
        rt = self._expression_runtime(scope, reads_run_data(expr))
        raw = self._eval_raw(rt, expr, scope)
        if type(raw) is str and raw[:1] == "\x06":
            # A zone named only by the data (e.g. setZone($json.tz)): register it, evaluate again.
            zones, inner, undefined = json.loads(raw[1:])
            if self._add_zones(rt, zones):
                raw = self._eval_raw(rt, expr, scope)
                if type(raw) is str and raw[:1] == "\x06":
                    _, inner, undefined = json.loads(raw[1:])
                    raw = None if undefined else inner
            else:
                raw = None if undefined else inner
        return self._decode(raw, scope)

    def _eval_raw(self, rt: JsRuntime, expr: str, scope: Scope) -> Any:
        try:
            return rt.call(rt.eval_fn, expr, scope.item_index)
        except JsTimeout:
            discard_runtime(self.state.services.isolation)
            raise ExpressionError(f"Expression timed out after {self._limits()[0]:g} s",
                                  item_index=scope.item_index, run_index=scope.run_index) from None
        except JsOutOfMemory:
            discard_runtime(self.state.services.isolation)
            raise ExpressionError("Expression exceeded memory limit",
                                  item_index=scope.item_index, run_index=scope.run_index) from None

    def _add_zones(self, rt: JsRuntime, names: list[str]) -> bool:
        """Register the known IANA zones among ``names`` (for later contexts too); True if any."""
        known = {c for c in (canonical_zone_name(str(n)) for n in names) if c}
        if not known:
            return False
        self._zones.update(known)
        rt.ensure((frozenset(known), ()))
        return True

    def run_code(self, scope: Scope, code: str, flavor: str, item_index: int,
                 retry: bool = False) -> dict[str, Any]:
        """Run a Code/Function node body in quickjs; returns ``{value|error, logs}``.

        ``flavor`` is ``code_all``, ``code_each``, ``function`` or ``functionItem``; ``item_index``
        is -1 for once-for-all runs. Every node run gets a context of its own (shared by its
        items), which nothing else reuses. Raises NodeError when the time or memory limit is hit.
        """
        rt = self._code_runtime(scope, code)
        time_limit = self._limits()[0]
        try:
            rt.call(rt.code_start_fn, code, flavor, item_index)
            deadline = time.monotonic() + time_limit if time_limit > 0 else None
            while rt.ctx.execute_pending_job():
                if deadline is not None and time.monotonic() > deadline:
                    raise JsTimeout("deadline")
            raw = rt.call(rt.code_result_fn, flavor, item_index)
        except JsTimeout:
            self._code = None
            raise NodeError(f"Code execution timed out after {time_limit:g} s",
                            description="The code ran longer than the sandbox time limit. Check for endless loops.",
                            item_index=None if item_index < 0 else item_index, run_index=scope.run_index) from None
        except JsOutOfMemory:
            self._code = None
            raise NodeError(f"Code execution ran out of memory (limit {self._limits()[1]} MB)",
                            description="The code allocated more memory than the sandbox allows.",
                            item_index=None if item_index < 0 else item_index, run_index=scope.run_index) from None
        except Exception as exc:  # quickjs errors outside the user code's own handling
            self._code = None
            if "out of memory" in str(exc):
                raise NodeError(f"Code execution ran out of memory (limit {self._limits()[1]} MB)") from None
            raise
        out = json.loads(raw[1:])
        zones = out.get("missingZones")
        if zones and not retry and {canonical_zone_name(str(n)) for n in zones} - {None} - self._zones:
            # Run again in a fresh context that has the zones the data named.
            self._add_zones(rt, zones)
            self._code = None
            return self.run_code(scope, code, flavor, item_index, retry=True)
        error = out.get("error") or {}
        if error.get("internal"):
            self._code = None
            text = str(error.get("message"))
            if "out of memory" in text or "too long" in text:
                raise NodeError(f"Code execution ran out of memory (limit {self._limits()[1]} MB)",
                                description="The code allocated more memory than the sandbox allows.",
                                item_index=None if item_index < 0 else item_index, run_index=scope.run_index)
            raise NodeError(f"Code execution failed: {text}", run_index=scope.run_index)
        static = out.get("staticData")
        if isinstance(static, dict) and static != self.state.static_data:
            self.state.static_data.clear()
            self.state.static_data.update(static)
            self._state_stale = True
        if out.get("customData") is not None:
            self.state.custom_data.clear()
            self.state.custom_data.update(out["customData"])
            self._state_stale = True
        return out

    # -- internals ----------------------------------------------------------------------------

    def _limits(self) -> tuple[float, int]:
        limits = self.state.services.limits
        return float(limits.js_time_limit_s), int(limits.js_memory_limit_mb)

    def _config(self) -> dict[str, Any]:
        state = self.state
        wf = state.workflow
        return {
            "wf": {"id": wf.id, "name": wf.name, "active": wf.active},
            "nodes": _info(wf)["nodes"],
            "mode": state.mode,
            "executionId": state.execution_id,
            "webhookBase": state.services.webhook_base_url.rstrip("/"),
            "tz": state.timezone,
            "env": dict(state.services.env),
            "vars": dict(state.services.variables),
            "pin": state.pin_data if state.mode == "manual" else {},
            "staticData": state.static_data,
            "customData": state.custom_data,
        }

    def _ancestors(self, name: str) -> dict[str, int]:
        """``{ancestor: output through which it connects to name}`` (cached per workflow)."""
        wf = self.state.workflow
        cache = _info(wf)["anc"]
        anc = cache.get(name)
        if anc is None:
            anc = {}
            for a in wf.ancestors(name):
                out = wf.connecting_output(a, name)
                anc[a] = 0 if out is None else out
            cache[name] = anc
        return anc

    def _claim(self, rt: JsRuntime) -> bool:
        """Make ``rt`` serve this execution; True when its per-execution state was reset."""
        if rt.owner == self._token:
            return False
        # Zone tables first: resetting sets Luxon's default zone to the execution's.
        rt.ensure(_info(self.state.workflow)["needs"])
        rt.ensure(library_needs(self.state.timezone or "UTC"))
        if self._zones:
            rt.ensure((frozenset(self._zones), ()))
        time_limit, memory_mb = self._limits()
        return rt.claim(self._token, self._config, time_limit, memory_mb)

    def _node_config(self, scope: Scope, static_data: bool, full: bool = True) -> str:
        """The node run for JS; ancestors and parameters only when ``full`` (code reading them)."""
        node = scope.node
        config: dict[str, Any] = {
            "node": node.name, "runIndex": scope.run_index, "items": scope.input_items, "source": scope.source,
        }
        if full:
            info = _info(self.state.workflow)
            nodes = info["nodes"]
            config["anc"] = self._ancestors(node.name)
            config["params"] = nodes[node.name]["parameters"] if node.name in nodes else node.parameters
            if info.setdefault("reads_context", "context" in dumps(nodes)):
                # $node["X"].context / $("X").context: the per-node context (SplitInBatches' state)
                config["contexts"] = self.state.node_contexts
        if static_data:
            config["staticData"] = self.state.static_data
        return dumps(config)

    def _expression_runtime(self, scope: Scope, run_data: bool) -> JsRuntime:
        rt = runtime(self.state.services.isolation)
        if self._claim(rt):
            self._pushed = {}
            self._node_key = self._tasks_key = None
            self._extra_set = False
            self._state_stale = False
        elif self._state_stale:
            rt.call(rt.state_fn, dumps({"staticData": self.state.static_data,
                                        "customData": self.state.custom_data}))
            self._state_stale = False
        key = (scope.node.name, scope.run_index, id(scope.input_items), len(scope.input_items))
        if key != self._node_key or (run_data and not self._node_full):
            rt.call(rt.node_fn, self._node_config(scope, False, run_data))
            self._node_key = key
            self._node_full = run_data
        if run_data and key != self._tasks_key:
            self._sync_tasks(rt, self._pushed)
            self._tasks_key = key
        if scope.extra:
            rt.call(rt.extra_fn, dumps(scope.extra))
            self._extra_set = True
        elif self._extra_set:
            rt.call(rt.extra_fn, None)
            self._extra_set = False
        return rt

    def _code_runtime(self, scope: Scope, code: str) -> JsRuntime:
        """The context of this Code node run (created fresh for the run's first item)."""
        key = (scope.node.name, scope.run_index, id(scope.input_items), len(scope.input_items))
        current = self._code
        if current is None or current[0] != key:
            rt = JsRuntime()
            self._claim(rt)
            rt.call(rt.node_fn, self._node_config(scope, True))
            current = self._code = (key, rt, {})
        _, rt, pushed = current
        rt.ensure(library_needs(code))
        if reads_run_data(code):
            self._sync_tasks(rt, pushed)
        return rt

    def _sync_tasks(self, rt: JsRuntime, pushed: dict[str, int]) -> None:
        for name, runs in self.state.run_data.items():
            done = pushed.get(name, 0)
            if done >= len(runs):
                continue
            for run in range(done, len(runs)):
                task = runs[run] or {}
                payload = {"main": (task.get("data") or {}).get("main"), "source": task.get("source") or []}
                rt.call(rt.task_fn, name, run, dumps(payload))
            pushed[name] = len(runs)

    def _decode(self, raw: Any, scope: Scope) -> Any:
        if isinstance(raw, str):
            if raw and raw[0] < "\x08":
                tag = raw[0]
                if tag == "\x00":
                    return raw[1:]
                if tag == "\x01":
                    return json.loads(raw[1:])
                if tag == "\x03":
                    millis, _, iso = raw[1:].partition("|")
                    return JsDateTime(iso, float(millis) if millis else None)
                if tag == "\x02":
                    err = json.loads(raw[1:])
                    raise ExpressionError(err["message"], description=err.get("description"),
                                          item_index=scope.item_index, run_index=scope.run_index,
                                          context=err.get("context"))
                if tag == "\x04":
                    raise ExpressionError(raw[1:], item_index=scope.item_index, run_index=scope.run_index)
                if tag == "\x07":
                    return UNDEFINED if self._keep_undefined else None
                if tag == "\x05":
                    custom, inner, undefined = json.loads(raw[1:])
                    self.state.custom_data.clear()
                    self.state.custom_data.update(custom)
                    return None if undefined else self._decode(inner, scope)
            return raw
        if type(raw) is float and raw.is_integer() and abs(raw) < 2**53:
            return int(raw)
        return raw


def evaluator_for(state: ExecutionState) -> Evaluator:
    """The evaluator of one execution (created once, cached on the state)."""
    evaluator = state.cache.get("evaluator")
    if evaluator is None:
        evaluator = state.cache["evaluator"] = Evaluator(state)
    return evaluator
