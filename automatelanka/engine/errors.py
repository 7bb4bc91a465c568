"""The few error types the engine raises. Each names the node (and field) a user must look at."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class WorkflowValidationError(EngineError):
    """The workflow JSON cannot be run: names the field (and node) that is wrong."""

    def __init__(self, message: str, *, field: str | None = None, node: str | None = None) -> None:
        where = " ".join(p for p in (f"node {node!r}" if node else "", f"field {field!r}" if field else "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.field = field
        self.node = node


class NodeError(EngineError):
    """A node failed. Mirrors n8n's NodeOperationError / NodeApiError fields."""

    name = "NodeOperationError"

    def __init__(
        self,
        message: str,
        *,
        description: str | None = None,
        item_index: int | None = None,
        run_index: int | None = None,
        http_code: str | None = None,
        context: dict[str, Any] | None = None,
        level: str = "warning",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.description = description
        self.item_index = item_index
        self.run_index = run_index
        self.http_code = http_code
        self.context = dict(context or {})
        self.level = level


class NodeApiError(NodeError):
    """A remote service answered with an error."""

    name = "NodeApiError"


class ExpressionError(NodeError):
    """An expression could not be evaluated (n8n's ExpressionError)."""

    name = "ExpressionError"


class UnsupportedNodeError(EngineError):
    """The workflow uses a node type (or version) the engine does not implement."""

    def __init__(self, node: str, node_type: str, version: float | None = None) -> None:
        what = node_type if version is None else f"{node_type} v{version:g}"
        super().__init__(f"unsupported node type {what} (node {node!r})")
        self.node = node
        self.node_type = node_type
        self.version = version


class ExecutionCancelled(EngineError):
    """The run was cancelled from outside (between nodes)."""
