"""The workflow model: n8n workflow JSON parsed, validated and indexed for execution."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automatelanka.engine.errors import WorkflowValidationError


@dataclass(frozen=True, slots=True)
class Edge:
    """One connection: ``source`` output ``output`` feeds ``target`` input ``input``."""

    source: str
    output: int
    target: str
    input: int


@dataclass(slots=True)
class Node:
    """One node of a workflow, as exported by n8n (parameters as saved, defaults not yet filled)."""

    name: str
    type: str
    type_version: float
    parameters: dict[str, Any]
    position: tuple[float, float] = (0.0, 0.0)
    id: str | None = None
    disabled: bool = False
    on_error: str = "stopWorkflow"
    retry_on_fail: bool = False
    max_tries: int = 3
    wait_between_tries: int = 1000
    always_output_data: bool = False
    execute_once: bool = False
    credentials: dict[str, Any] = field(default_factory=dict)
    webhook_id: str | None = None
    notes: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    #: Parameters with n8n's defaults filled, computed once per parsed workflow (never mutate).
    resolved_parameters: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def short_type(self) -> str:
        """``n8n-nodes-base.set`` -> ``set``."""
        return self.type.rsplit(".", 1)[-1]

    @property
    def continue_on_fail(self) -> bool:
        return self.on_error in ("continueRegularOutput", "continueErrorOutput")


def _number(value: Any, *, field_name: str, node: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WorkflowValidationError(f"expected a number, got {value!r}", field=field_name, node=node)
    return value


def _parse_node(raw: Any, index: int) -> Node:
    if not isinstance(raw, dict):
        raise WorkflowValidationError(f"expected an object, got {type(raw).__name__}", field=f"nodes[{index}]")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise WorkflowValidationError("every node needs a non-empty string name", field=f"nodes[{index}].name")
    node_type = raw.get("type")
    if not isinstance(node_type, str) or not node_type:
        raise WorkflowValidationError("missing node type", field="type", node=name)
    params = raw.get("parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise WorkflowValidationError("expected an object", field="parameters", node=name)
    position = raw.get("position") or (0, 0)
    if (not isinstance(position, (list, tuple)) or len(position) < 2
            or not all(isinstance(p, (int, float)) for p in position[:2])):
        raise WorkflowValidationError(f"expected [x, y], got {position!r}", field="position", node=name)
    on_error = raw.get("onError")
    if on_error is None:
        on_error = "continueRegularOutput" if raw.get("continueOnFail") else "stopWorkflow"
    if on_error not in ("stopWorkflow", "continueRegularOutput", "continueErrorOutput"):
        raise WorkflowValidationError(f"unknown value {on_error!r}", field="onError", node=name)
    max_tries = int(_number(raw.get("maxTries"), field_name="maxTries", node=name, default=3))
    wait = int(_number(raw.get("waitBetweenTries"), field_name="waitBetweenTries", node=name, default=1000))
    creds = raw.get("credentials") or {}
    if not isinstance(creds, dict):
        raise WorkflowValidationError("expected an object", field="credentials", node=name)
    return Node(
        name=name,
        type=node_type,
        type_version=_number(raw.get("typeVersion"), field_name="typeVersion", node=name, default=1),
        parameters=params,
        position=(float(position[0]), float(position[1])),
        id=raw.get("id"),
        disabled=bool(raw.get("disabled", False)),
        on_error=on_error,
        retry_on_fail=bool(raw.get("retryOnFail", False)),
        max_tries=min(max(max_tries, 2), 5),
        wait_between_tries=min(max(wait, 0), 5000),
        always_output_data=bool(raw.get("alwaysOutputData", False)),
        execute_once=bool(raw.get("executeOnce", False)),
        credentials=creds,
        webhook_id=raw.get("webhookId"),
        notes=raw.get("notes"),
        raw=raw,
    )


class Workflow:
    """A parsed workflow with its graph indexed both ways.

    ``children[name][output]`` lists the edges leaving an output, in connection order;
    ``parents[name][input]`` lists the edges arriving at an input.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise WorkflowValidationError(f"a workflow must be a JSON object, got {type(data).__name__}")
        nodes = data.get("nodes")
        if not isinstance(nodes, list):
            raise WorkflowValidationError("expected a list of nodes", field="nodes")
        self.data = data
        self.id: str | None = data.get("id") if isinstance(data.get("id"), str) else None
        self.name: str = data.get("name") if isinstance(data.get("name"), str) else "workflow"
        self.active: bool = bool(data.get("active", False))
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            raise WorkflowValidationError("expected an object", field="settings")
        self.settings: dict[str, Any] = settings
        pin = data.get("pinData") or {}
        self.pin_data: dict[str, list[dict[str, Any]]] = pin if isinstance(pin, dict) else {}
        static = data.get("staticData")
        self.static_data: dict[str, Any] = static if isinstance(static, dict) else {}
        self.nodes: dict[str, Node] = {}
        for index, raw in enumerate(nodes):
            node = _parse_node(raw, index)
            if node.name in self.nodes:
                raise WorkflowValidationError("duplicate node name", field="name", node=node.name)
            self.nodes[node.name] = node
        self.edges: list[Edge] = self._parse_connections(data.get("connections") or {})
        self.children: dict[str, list[list[Edge]]] = {}
        self.parents: dict[str, list[list[Edge]]] = {}
        for edge in self.edges:
            outs = self.children.setdefault(edge.source, [])
            while len(outs) <= edge.output:
                outs.append([])
            outs[edge.output].append(edge)
            ins = self.parents.setdefault(edge.target, [])
            while len(ins) <= edge.input:
                ins.append([])
            ins[edge.input].append(edge)

    @classmethod
    def from_file(cls, path: str | Path) -> Workflow:
        """Read a workflow export. A file holding a list uses its first workflow."""
        try:
            data = json.loads(Path(path).read_text())
        except json.JSONDecodeError as exc:
            raise WorkflowValidationError(f"{path}: not valid JSON ({exc})") from None
        if isinstance(data, list) and data:
            data = data[0]
        return cls(data)

    def _parse_connections(self, connections: Any) -> list[Edge]:
        if not isinstance(connections, dict):
            raise WorkflowValidationError("expected an object", field="connections")
        edges: list[Edge] = []
        for source, by_type in connections.items():
            if not isinstance(by_type, dict):
                raise WorkflowValidationError("expected an object", field=f"connections[{source!r}]")
            if source not in self.nodes:
                continue  # n8n ignores connections from nodes that no longer exist
            outputs = by_type.get("main") or []
            if not isinstance(outputs, list):
                raise WorkflowValidationError("expected a list", field=f"connections[{source!r}].main")
            for output, targets in enumerate(outputs):
                for target in targets or []:
                    if not isinstance(target, dict) or not isinstance(target.get("node"), str):
                        raise WorkflowValidationError(
                            f"bad connection {target!r}", field=f"connections[{source!r}].main[{output}]")
                    if target["node"] not in self.nodes:
                        continue
                    index = target.get("index", 0)
                    if not isinstance(index, int) or index < 0:
                        raise WorkflowValidationError(
                            f"bad input index {index!r}", field=f"connections[{source!r}].main[{output}]")
                    edges.append(Edge(source, output, target["node"], index))
        return edges

    # -- graph queries ------------------------------------------------------------------------

    def input_count(self, name: str) -> int:
        """Connected input slots of a node: highest connected input index + 1 (n8n's rule)."""
        return len(self.parents.get(name, []))

    def parent_names(self, name: str) -> list[str]:
        """Direct parents, in input order then connection order, without repeats."""
        seen: dict[str, None] = {}
        for edges in self.parents.get(name, []):
            for edge in edges:
                seen.setdefault(edge.source, None)
        return list(seen)

    def ancestors(self, name: str) -> list[str]:
        """Every node upstream of ``name``, nearest first (breadth-first)."""
        seen: dict[str, None] = {}
        queue = deque(self.parent_names(name))
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen[current] = None
            queue.extend(self.parent_names(current))
        seen.pop(name, None)
        return list(seen)

    def is_ancestor(self, ancestor: str, name: str) -> bool:
        return ancestor in self.ancestors(name)

    def connecting_output(self, ancestor: str, name: str) -> int | None:
        """The output of ``ancestor`` through which it reaches ``name`` (breadth-first search
        backwards from ``name``), or ``None`` when there is no path."""
        seen = set()
        queue = deque([name])
        while queue:
            current = queue.popleft()
            for edges in self.parents.get(current, []):
                for edge in edges:
                    if edge.source == ancestor:
                        return edge.output
                    if edge.source not in seen:
                        seen.add(edge.source)
                        queue.append(edge.source)
        return None

    def n8n_parent_nodes(self, name: str) -> list[str]:
        """All ancestors in n8n's ``getParentNodes`` order (farthest first, as its
        ``getConnectedNodes`` builds the list); the v0 scheduler depends on this order."""
        return self._connected_parents(name, [])

    def _connected_parents(self, name: str, checked_incoming: list[str]) -> list[str]:
        inputs = self.parents.get(name)
        if not inputs:
            return []
        checked = [*checked_incoming]
        if name in checked:
            return []
        checked.append(name)
        result: list[str] = []
        for edges in inputs:
            for edge in edges:
                if edge.source in checked:
                    continue
                result.insert(0, edge.source)
                added = self._connected_parents(edge.source, checked)
                for parent in reversed(added):
                    if parent in result:
                        result.remove(parent)
                    result.insert(0, parent)
        return result

    def descendants(self, name: str) -> list[str]:
        """Every node downstream of ``name`` (breadth-first), without ``name`` itself."""
        seen: dict[str, None] = {}
        queue = deque([name])
        while queue:
            current = queue.popleft()
            for edges in self.children.get(current, []):
                for edge in edges:
                    if edge.target not in seen and edge.target != name:
                        seen[edge.target] = None
                        queue.append(edge.target)
        return list(seen)

    @property
    def execution_order(self) -> str:
        """``v1`` or the legacy ``v0`` (any other value, or none, is v0 as in n8n)."""
        return "v1" if self.settings.get("executionOrder") == "v1" else "v0"

    @property
    def timezone(self) -> str | None:
        """``settings.timezone`` unless absent or ``DEFAULT``."""
        zone = self.settings.get("timezone")
        return zone if isinstance(zone, str) and zone and zone != "DEFAULT" else None
