"""Node registry and the context a node handler runs with.

A node family is one module in ``engine/nodes/``. Each handler is registered by n8n type name and
the typeVersions it implements::

    @register("n8n-nodes-base.noOp", versions=(1,))
    def no_op(ctx: NodeContext) -> NodeOutput:
        return [ctx.input(0)]

A handler returns one item list per output (``[[...], [...]]``), ``[]`` for "no outputs", or
``None`` for "nothing" (no run data, nothing scheduled, as SplitInBatches v1 when it is done).
It raises :class:`~automatelanka.engine.errors.NodeError` to fail; the executor applies
continueOnFail / onError / retries around it.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automatelanka.engine.errors import NodeError, UnsupportedNodeError
from automatelanka.engine.items import Items, NodeOutput

if TYPE_CHECKING:
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Node

Handler = Callable[["NodeContext"], NodeOutput | None]
_MISSING: Any = object()


@dataclass(frozen=True)
class NodeSpec:
    """A registered node implementation.

    ``trigger`` marks n8n "trigger-method" nodes (start candidates, pass the seed through in cli
    mode). ``outputs(node)`` and ``inputs(node)`` give the declared counts (they may depend on
    parameters); ``required_inputs(node)`` is n8n's ``requiredInputs`` (an int minimum or a list
    of indices; ``None`` means no requirement).
    """

    type: str
    versions: tuple[float, ...]
    handler: Handler
    trigger: bool = False
    inputs: Callable[[Node], int] = field(default=lambda node: 1)
    outputs: Callable[[Node], int] = field(default=lambda node: 1)
    required_inputs: Callable[[Node], int | list[int] | None] = field(default=lambda node: None)
    #: Display name for ``al nodes`` and readable output.
    display_name: str = ""


_REGISTRY: dict[str, dict[float, NodeSpec]] = {}
_loaded = False
_load_lock = threading.Lock()


def register(
    node_type: str,
    versions: Iterable[float],
    *,
    trigger: bool = False,
    inputs: int | Callable[[Node], int] = 1,
    outputs: int | Callable[[Node], int] = 1,
    required_inputs: int | list[int] | Callable[[Node], int | list[int] | None] | None = None,
    display_name: str = "",
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``node_type`` at each of ``versions``."""

    def const(value: Any) -> Callable[[Node], Any]:
        return value if callable(value) else (lambda node: value)

    def decorate(handler: Handler) -> Handler:
        spec = NodeSpec(
            type=node_type,
            versions=tuple(versions),
            handler=handler,
            trigger=trigger,
            inputs=const(inputs),
            outputs=const(outputs),
            required_inputs=const(required_inputs),
            display_name=display_name or node_type.rsplit(".", 1)[-1],
        )
        by_version = _REGISTRY.setdefault(node_type, {})
        for version in spec.versions:
            by_version[float(version)] = spec
        return handler

    return decorate


def load_all() -> None:
    """Import every node family module so their handlers register themselves (once, thread-safe)."""
    global _loaded
    with _load_lock:
        if _loaded:
            return
        import importlib
        import pkgutil

        import automatelanka.engine.nodes as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ("base",) and not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
        _loaded = True


def lookup(node: Node) -> NodeSpec:
    """The implementation for a node's type and version, or :class:`UnsupportedNodeError`."""
    if not _loaded:
        load_all()
    by_version = _REGISTRY.get(node.type)
    if not by_version:
        raise UnsupportedNodeError(node.name, node.type)
    spec = by_version.get(float(node.type_version))
    if spec is None:
        if _is_versioned(node.type):
            raise UnsupportedNodeError(node.name, node.type, node.type_version)
        # n8n ignores typeVersion when it looks up a type that is not a VersionedNodeType:
        # one class serves every version, so use the nearest implemented version.
        versions = sorted(by_version)
        below = [v for v in versions if v <= node.type_version]
        spec = by_version[below[-1] if below else versions[0]]
    return spec


@functools.cache
def _versioned_types() -> frozenset[str]:
    data = json.loads((Path(__file__).with_name("versioned_types.json")).read_text())
    return frozenset(f"n8n-nodes-base.{name}" for name in data["versioned"])


def _is_versioned(node_type: str) -> bool:
    """True when n8n rejects unknown typeVersions of this type (a VersionedNodeType)."""
    return not node_type.startswith("n8n-nodes-base.") or node_type in _versioned_types()


def registry() -> dict[str, dict[float, NodeSpec]]:
    """Every registered node type and version."""
    if not _loaded:
        load_all()
    return _REGISTRY


class NodeContext:
    """What a node handler sees while it runs (n8n's IExecuteFunctions, the parts we need).

    - ``ctx.input(k)``: the items on input ``k`` (already cut to one when executeOnce is set);
    - ``ctx.param(path, i, default)``: a parameter for item ``i``, defaults filled and expressions
      resolved (``path`` may be dotted: ``"options.reset"``);
    - ``ctx.continue_on_fail``: the node should turn per-item errors into ``{json: {error}}`` items;
    - ``ctx.node_context``: a dict that survives the whole execution (per node);
    - ``ctx.state.services``: injected I/O (HTTP client factory, files root, workflow loader...).
    """

    def __init__(
        self,
        state: ExecutionState,
        node: Node,
        parameters: dict[str, Any],
        inputs: list[Items],
        connection_input: Items,
        run_index: int,
        source: list[dict[str, Any] | None],
    ) -> None:
        self.state = state
        self.node = node
        self.parameters = parameters
        self.inputs = inputs
        self.connection_input = connection_input
        self.run_index = run_index
        self.source = source
        self.hints: list[str] = []

    # -- data ---------------------------------------------------------------------------------

    def input(self, index: int = 0) -> Items:
        """Items on input ``index`` (``[]`` if that input has none)."""
        if index < len(self.inputs):
            return self.inputs[index] or []
        return []

    @property
    def continue_on_fail(self) -> bool:
        return self.node.continue_on_fail

    @property
    def node_context(self) -> dict[str, Any]:
        return self.state.node_contexts.setdefault(self.node.name, {})

    @property
    def timezone(self) -> str:
        return self.state.timezone

    # -- parameters ---------------------------------------------------------------------------

    def raw_param(self, path: str, default: Any = None) -> Any:
        """A parameter as saved (defaults filled), expressions left unresolved."""
        value: Any = self.parameters
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def param(self, path: str, item_index: int = 0, default: Any = None) -> Any:
        """A parameter resolved for item ``item_index``; ``default`` if it is absent."""
        value = self.raw_param(path, _MISSING)
        if value is _MISSING:
            return default
        return self.resolve(value, item_index)

    def resolve(self, value: Any, item_index: int = 0, extra: dict[str, Any] | None = None) -> Any:
        """Resolve expressions anywhere inside ``value`` for item ``item_index``."""
        from automatelanka.engine.expressions import evaluator_for

        return evaluator_for(self.state).resolve(value, self.scope(item_index, extra))

    def scope(self, item_index: int = 0, extra: dict[str, Any] | None = None):
        """The expression scope for one item of this run."""
        from automatelanka.engine.expressions.scope import Scope

        return Scope(self.state, self.node, self.run_index, item_index, self.connection_input,
                     self.source, extra)

    # -- reporting ----------------------------------------------------------------------------

    def hint(self, message: str) -> None:
        self.hints.append(message)

    def log(self, text: str) -> None:
        self.state.logs.append((self.node.name, text))

    def error(self, message: str, item_index: int | None = None, **kwargs: Any) -> NodeError:
        """A NodeError for this node (raise it)."""
        return NodeError(message, item_index=item_index, run_index=self.run_index, **kwargs)
