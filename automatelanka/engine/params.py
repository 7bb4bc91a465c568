"""Parameter defaults as n8n fills them (spec §1.3). Placeholder: parameters as saved."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.workflow import Node


def node_parameters(node: Node) -> dict[str, Any]:
    """The node's parameters with n8n's defaults for its type and version filled in."""
    return node.parameters
