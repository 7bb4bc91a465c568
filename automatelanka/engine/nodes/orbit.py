"""Orbit (n8n-nodes-base.orbit v1): the deprecated Orbit node, failing as n8n 1.121.53 does.

Orbit (app.orbit.love) shut down on 11 July 2024. n8n-nodes-base 1.121.53 keeps the node's
parameters (activity, member, note and post resources) so old workflows still load, but its
``execute`` throws before it reads any parameter or credential: a NodeApiError with message
"Service is deprecated, From July 11th Orbit will no longer function." (level warning, no
description, no HTTP code). This handler does the same for every resource and operation; nothing
is sent anywhere. Under continue-on-fail the executor handles it like any node-level error.
"""

from __future__ import annotations

from automatelanka.engine.errors import NodeApiError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register

#: n8n's message (NodeApiError built from ``{message, level: 'warning'}``).
DEPRECATED_MESSAGE = "Service is deprecated, From July 11th Orbit will no longer function."


@register("n8n-nodes-base.orbit", versions=(1,), display_name="Orbit")
def orbit(ctx: NodeContext) -> NodeOutput:
    """Always fails: the Orbit service and n8n's node are deprecated."""
    raise NodeApiError(DEPRECATED_MESSAGE, level="warning")
