"""n8n expressions (``=`` prefix, ``{{ }}`` templates) evaluated in a quickjs-ng sandbox.

Public surface: :func:`evaluator_for` returns the execution's :class:`Evaluator`, whose
``resolve(value, scope)`` walks a parameter value (strings, lists, dicts at any depth) and
evaluates every expression in it for the scope's item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automatelanka.engine.expressions.scope import Scope
    from automatelanka.engine.state import ExecutionState


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


class Evaluator:
    """Placeholder until the quickjs evaluator lands: constants only."""

    def __init__(self, state: ExecutionState) -> None:
        self.state = state

    def resolve(self, value: Any, scope: Scope) -> Any:
        if isinstance(value, str):
            if value.startswith("="):
                raise NotImplementedError("expressions are not implemented yet")
            return value
        if isinstance(value, dict):
            return {k: self.resolve(v, scope) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, scope) for v in value]
        return value


def evaluator_for(state: ExecutionState) -> Evaluator:
    """The evaluator of one execution (created once, cached on the state)."""
    evaluator = state.cache.get("evaluator")
    if evaluator is None:
        evaluator = state.cache["evaluator"] = Evaluator(state)
    return evaluator
