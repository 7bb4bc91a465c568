"""What an expression sees: the execution, the current node, run and item (n8n's data proxy inputs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Node


@dataclass(slots=True)
class Scope:
    """Inputs of one expression evaluation, for ``(run_index, item_index)`` of ``node``.

    ``input_items`` is n8n's ``connectionInputData`` (the items ``$json``/``$input`` read);
    ``source`` is ``executeData.source.main``: per input, ``{previousNode, previousNodeOutput,
    previousNodeRun}`` or ``None``; it drives ``$prevNode`` and paired-item resolution.
    ``extra`` adds variables such as ``$response`` / ``$pageCount`` (HTTP pagination).
    """

    state: ExecutionState
    node: Node
    run_index: int
    item_index: int
    input_items: list[dict[str, Any]]
    source: list[dict[str, Any] | None] = field(default_factory=list)
    extra: dict[str, Any] | None = None
