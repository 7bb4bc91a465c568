"""Sticky Note v1: canvas annotation, never executed."""

from __future__ import annotations

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.stickyNote", versions=(1,), inputs=0, outputs=0, display_name="Sticky Note")
def sticky_note(ctx: NodeContext) -> NodeOutput:
    """Registered so workflows holding sticky notes validate; n8n never runs them."""
    return []
