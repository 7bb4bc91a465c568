"""Local File Trigger (n8n-nodes-base.localFileTrigger v1): a trigger-method node.

n8n watches a path (chokidar) and starts the workflow with ``{event, path}`` for each change.
Inside the engine it passes its seed through, like every trigger-method node; watching files is
the platform's job (it would seed ``[{json: {event: "change"|"add"|..., path}}]``, with
``path`` confined to the files root), which it does not do yet.
"""

from __future__ import annotations

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register


@register("n8n-nodes-base.localFileTrigger", versions=(1,), trigger=True, inputs=0,
          display_name="Local File Trigger")
def local_file_trigger(ctx: NodeContext) -> NodeOutput:
    return [list(ctx.input(0))]
