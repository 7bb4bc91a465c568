"""Execute Workflow node v1-1.3 (spec §6.2): run a sub-workflow with this node's items.

The sub-workflow starts at its Execute Workflow Trigger (else a manual trigger / start node) in mode
``integrated``; its result is every output of its last executed node's last run.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, Items, NodeOutput, deep_copy_json
from automatelanka.engine.nodes.base import NodeContext, register

MAX_DEPTH = 50
_STARTING = ("@n8n/n8n-nodes-langchain.manualChatTrigger", "n8n-nodes-base.start", "n8n-nodes-base.manualTrigger")


def _parse_json(text: Any, message: str | None = None) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise NodeError(message or f"{exc}") from exc
    if not isinstance(value, dict):
        raise NodeError(message or "The workflow JSON is not an object")
    return value


def _load(ctx: NodeContext, source: str, i: int) -> tuple[dict[str, Any], str | None]:
    """The sub-workflow JSON and its id (database source only)."""
    services = ctx.state.services
    if source == "database":
        ref = ctx.param("workflowId", i, "")
        workflow_id = ref.get("value") if isinstance(ref, dict) else ref
        workflow_id = "" if workflow_id is None else str(workflow_id)
        if services.load_workflow is None:
            raise NodeError(f"Cannot load workflow {workflow_id!r}: this engine has no workflow store configured "
                            "(use source 'parameter' or 'localFile', or run it through the platform)")
        try:
            data = services.load_workflow(workflow_id)
        except KeyError as exc:
            raise NodeError(f"Workflow does not exist. (id {workflow_id})") from exc
        if data is None:
            raise NodeError(f"Workflow does not exist. (id {workflow_id})")
        return data, workflow_id
    if source == "localFile":
        path_text = str(ctx.param("workflowPath", i, ""))
        path = Path(path_text)
        if services.files_root is not None:
            from automatelanka.engine.nodes.files import confined_path

            path = confined_path(ctx, path_text, i)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise NodeError(f'The file "{path_text}" could not be found, [item {i}]') from exc
        return _parse_json(text, "The file content is not valid JSON"), None
    if source == "parameter":
        return _parse_json(ctx.param("workflowJson", i, "")), None
    if source == "url":
        url = str(ctx.param("workflowUrl", i, ""))
        if services.http is None:
            raise NodeError("Cannot fetch the workflow: HTTP access is not configured for this engine")
        client = services.http()
        try:
            response = client.get(url, headers={"accept": "application/json,text/*;q=0.99"})
            response.raise_for_status()
            return _parse_json(response.text), None
        except NodeError:
            raise
        except Exception as exc:  # httpx raises many error types
            raise NodeError(f"The workflow could not be fetched from {url}: {exc}") from exc
        finally:
            close = getattr(client, "close", None)
            if close:
                close()
    raise NodeError(f"The source '{source}' is not known")


def _start_node(data: dict[str, Any]) -> str:
    nodes = data.get("nodes") or []
    for node in nodes:
        if isinstance(node, dict) and node.get("type") == "n8n-nodes-base.executeWorkflowTrigger":
            return str(node.get("name"))
    for node in nodes:
        if isinstance(node, dict) and node.get("type") in _STARTING:
            return str(node.get("name"))
    raise NodeError("Missing node to start execution",
                    description="Please make sure the workflow you're calling contains an Execute Workflow "
                                "Trigger node")


def _run(ctx: NodeContext, data: dict[str, Any], items: Items) -> tuple[list[Items], Any]:
    """Run the sub-workflow; its last node's outputs and the execution (raises its error)."""
    from automatelanka.engine.executor import execute

    if ctx.state.depth >= MAX_DEPTH:
        raise NodeError(f"Sub-workflows are nested more than {MAX_DEPTH} levels deep; stopping to avoid "
                        "endless recursion")
    execution = execute(data, trigger_items=items, mode="integrated", start_node=_start_node(data),
                        parent_state=ctx.state)
    if execution.error:
        error = execution.error
        raise NodeError(str(error.get("message") or "The sub-workflow failed"), description=error.get("description"))
    return [[dict(it) for it in out or []] for out in execution.last_node_output()], execution


def _input_items(ctx: NodeContext) -> Items:
    """n8n's ``getCurrentWorkflowInputData``: input json merged with the mapped workflow inputs."""
    items: Items = []
    for i, item in enumerate(ctx.input(0)):
        mapped = ctx.param("workflowInputs.value", i, {}) if ctx.node.type_version >= 1.2 else {}
        body = {**item["json"], **(mapped if isinstance(mapped, dict) else {})}
        new: Item = {"json": body, "index": i, "pairedItem": {"item": i}}
        if item.get("binary") is not None:
            new["binary"] = item["binary"]
        items.append(new)
    schema = ctx.param("workflowInputs.schema", 0, []) if ctx.node.type_version >= 1.2 else []
    removed = {s.get("displayName") for s in schema or [] if isinstance(s, dict) and s.get("removed")}
    if removed:
        for item in items:
            item["json"] = {k: v for k, v in item["json"].items() if k not in removed}
    return items


def _backtrack(execution: Any, item: Item, index: int) -> Any:
    """n8n's ``findPairedItemThroughWorkflowData``: follow pairedItem back to the trigger's input."""
    run_data = execution.state.run_data
    last = execution.last_node_executed
    runs = run_data.get(last) if last else None
    if not runs:
        return None
    task = runs[-1]
    paired = item.get("pairedItem")

    def previous(task_data: dict[str, Any]) -> dict[str, Any] | None:
        source = (task_data.get("source") or [None])[0] if task_data.get("source") else None
        if not source or not source.get("previousNode"):
            return None
        node_runs = run_data.get(source["previousNode"]) or []
        run = source.get("previousNodeRun") or 0
        return node_runs[run] if run < len(node_runs) else None

    current = previous(task)
    while current is not None:
        input_index, node_index = 0, index
        if isinstance(paired, dict):
            input_index = paired.get("input") or 0
            node_index = paired.get("item", index)
        elif isinstance(paired, int):
            node_index = paired
        outputs = (current.get("data") or {}).get("main") or []
        try:
            paired = outputs[input_index][node_index].get("pairedItem")
        except (IndexError, TypeError, AttributeError):
            paired = None
        current = previous(current)
    return paired


def _once(ctx: NodeContext, source: str, items: Items) -> NodeOutput:
    fallback = [{"item": i} for i in range(len(items))]
    try:
        wait = (ctx.param("options", 0, {}) or {}).get("waitForSubWorkflow", True)
        data, _ = _load(ctx, source, 0)
        if not wait:
            # n8n does not wait, so the caller never sees the sub-workflow's outcome
            with contextlib.suppress(NodeError):
                _run(ctx, data, deep_copy_json(items))
            return [items]
        outputs, execution = _run(ctx, data, items)
        for output in outputs:
            same_length = len(output) == len(items)
            for index, item in enumerate(output):
                if item.get("pairedItem") is not None:
                    found = _backtrack(execution, item, index)
                    if found is not None:
                        item["pairedItem"] = found
                    continue
                item["pairedItem"] = {"item": index} if same_length else fallback
        return outputs
    except NodeError as exc:
        if ctx.continue_on_fail:
            return [[{"json": {"error": exc.message}, "pairedItem": fallback}]]
        raise


def _each(ctx: NodeContext, source: str, items: Items) -> NodeOutput:
    result: list[Items] = []
    for i, item in enumerate(items):
        try:
            wait = (ctx.param("options", i, {}) or {}).get("waitForSubWorkflow", True)
            data, workflow_id = _load(ctx, source, i)
            meta_id = workflow_id or ctx.state.workflow.id
            if not wait:
                try:
                    _, execution = _run(ctx, data, [item])
                    exec_id = execution.state.execution_id
                except NodeError:
                    exec_id = None
                if not result:
                    result.append([])
                result[0].append({**item, "metadata": {"subExecution": {"workflowId": meta_id,
                                                                        "executionId": exec_id}}})
                continue
            outputs, execution = _run(ctx, data, [item])
            for index, output in enumerate(outputs):
                for out in output:
                    out["pairedItem"] = {"item": i}
                    out["metadata"] = {"subExecution": {"executionId": execution.state.execution_id,
                                                        "workflowId": meta_id}}
                while len(result) <= index:
                    result.append([])
                result[index].extend(output)
        except NodeError as exc:
            if ctx.continue_on_fail:
                index = 0 if ctx.node.type_version >= 1.3 else i
                while len(result) <= index:
                    result.append([])
                result[index].append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
                continue
            raise NodeError(f"Error executing workflow with item at index {i}", description=exc.message,
                            item_index=i) from exc
    return result


@register("n8n-nodes-base.executeWorkflow", versions=(1, 1.1, 1.2, 1.3), display_name="Execute Workflow")
def execute_workflow(ctx: NodeContext) -> NodeOutput:
    source = ctx.param("source", 0, "database")
    mode = ctx.param("mode", 0, "once")
    items = _input_items(ctx)
    if mode == "each":
        return _each(ctx, source, items)
    return _once(ctx, source, items)
