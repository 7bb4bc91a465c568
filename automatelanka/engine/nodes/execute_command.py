"""Execute Command (n8n-nodes-base.executeCommand v1): run a shell command per item.

Disabled unless ``services.allow_execute_command`` (setting AL_ALLOW_EXECUTE_COMMAND) is on: a
workflow must not get a shell on the host by default. When allowed, each command runs through
``/bin/sh -c`` (as Node's ``child_process.exec``) in ``services.files_root`` (else the working
directory) with a timeout, and the item is ``{exitCode, stderr, stdout}`` (trimmed). A non-zero
exit fails like n8n: ``Command failed: <command>\\n<stderr>``.
"""

from __future__ import annotations

import subprocess
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

#: Longest a command may run, in seconds.
TIMEOUT_S = 300.0


def _run(ctx: NodeContext, command: str) -> dict[str, Any]:
    root = ctx.state.services.files_root
    if root is not None and not root.is_dir():
        root = None  # the files folder is created on first use; commands then run where we are
    try:
        done = subprocess.run(command, shell=True, capture_output=True, timeout=TIMEOUT_S,
                              cwd=str(root) if root else None, check=False)
    except subprocess.TimeoutExpired:
        raise NodeError(f"Command failed: {command}\nTimed out after {TIMEOUT_S:g} s") from None
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise NodeError(f"Command failed: {command}\n{stderr}")
    return {"exitCode": 0, "stderr": stderr.strip(), "stdout": stdout.strip()}


@register("n8n-nodes-base.executeCommand", versions=(1,), display_name="Execute Command")
@register("n8n-nodes-base.executeCommandTool", versions=(1,), display_name="Execute Command Tool")
def execute_command(ctx: NodeContext) -> NodeOutput:
    if not ctx.state.services.allow_execute_command:
        raise NodeError("Execute Command is disabled on this engine",
                        description="Running shell commands from workflows is off by default. Set "
                                    "AL_ALLOW_EXECUTE_COMMAND=true to allow it (only on a host you trust "
                                    "every workflow author with).")
    items = list(ctx.input(0))
    if ctx.param("executeOnce", 0, True):
        items = items[:1]
    return [per_item(ctx, lambda i, _item: {"json": _run(ctx, str(ctx.param("command", i, "") or "")),
                                            "pairedItem": {"item": i}}, items=items, error_index="always", ready=True)]
