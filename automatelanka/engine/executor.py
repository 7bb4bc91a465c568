"""The executor: runs a workflow from its start node, as n8n-core's WorkflowExecute does.

It keeps n8n's node execution stack, waiting area and run data, schedules children in v1
(position-driven, depth-first) or legacy v0 (connection order, breadth-first) order, and applies
the engine-level rules every node shares: paired-item stamping, executeOnce, disabled nodes,
pinned data, retries, continueOnFail / onError, alwaysOutputData (spec §2, §3, §5).
"""

from __future__ import annotations

import functools
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from automatelanka.engine.errors import (
    EngineError,
    ExpressionError,
    NodeError,
    UnsupportedNodeError,
    WorkflowValidationError,
)
from automatelanka.engine.items import Items
from automatelanka.engine.nodes.base import NodeContext, NodeSpec, lookup
from automatelanka.engine.params import node_parameters
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Edge, Node, Workflow

#: Node types n8n falls back to as start nodes, in priority order (STARTING_NODE_TYPES).
STARTING_NODE_TYPES = (
    "n8n-nodes-base.manualTrigger",
    "n8n-nodes-base.executeWorkflowTrigger",
    "n8n-nodes-base.errorTrigger",
    "n8n-nodes-base.start",
    "n8n-nodes-base.evaluationTrigger",
    "n8n-nodes-base.formTrigger",
)
_MANUAL_CHAT_TRIGGER = "@n8n/n8n-nodes-langchain.manualChatTrigger"

EventHandler = Callable[[str, dict[str, Any]], None]


@dataclass
class StackEntry:
    """One pending node run: its input item lists (``None`` = not delivered) and their sources."""

    node: str
    data: list[Items | None]
    source: list[dict[str, Any] | None] | None
    run_index: int | None = None


@dataclass
class Execution:
    """The outcome of one execution, convertible to n8n's IRun shape with :meth:`to_n8n`."""

    state: ExecutionState
    status: str = "running"
    error: dict[str, Any] | None = None
    last_node_executed: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    stopped_at: datetime | None = None
    stack: list[StackEntry] = field(default_factory=list)
    waiting: dict[str, dict[int, dict[str, list]]] = field(default_factory=dict)

    @property
    def run_data(self) -> dict[str, list[dict[str, Any]]]:
        return self.state.run_data

    @property
    def finished(self) -> bool:
        return self.status == "success"

    @property
    def error_workflow(self) -> str | None:
        """Id of the workflow to start when this (non-manual) execution failed (§5.6), if any."""
        if self.status != "error" or self.state.mode in ("manual", "error"):
            return None
        target = self.state.workflow.settings.get("errorWorkflow")
        if isinstance(target, str) and target and target != self.state.workflow.id:
            return target
        return None

    def error_trigger_item(self) -> dict[str, Any]:
        """The item an Error Trigger receives for this failed execution (§5.6)."""
        wf = self.state.workflow
        error = self.error or {}
        return {"json": {
            "execution": {"id": self.state.execution_id, "url": f"/workflow/{wf.id}/executions/{self.state.execution_id}",
                          "error": {"message": error.get("message"), "stack": error.get("stack")},
                          "lastNodeExecuted": self.last_node_executed, "mode": self.state.mode, "retryOf": None},
            "workflow": {"id": wf.id, "name": wf.name},
        }}

    def last_node_output(self) -> list[Items]:
        """All outputs of the last executed node's last run (what a sub-workflow returns)."""
        if not self.last_node_executed:
            return []
        runs = self.state.run_data.get(self.last_node_executed) or []
        if not runs:
            return []
        return (runs[-1].get("data") or {}).get("main") or []

    def to_n8n(self) -> dict[str, Any]:
        """The execution as ``n8n execute --rawOutput`` prints it (spec §5.7)."""
        result: dict[str, Any] = {"runData": self.state.run_data}
        if self.state.pin_data:
            result["pinData"] = self.state.pin_data
        if self.last_node_executed is not None:
            result["lastNodeExecuted"] = self.last_node_executed
        if self.error is not None:
            result["error"] = self.error
        out: dict[str, Any] = {
            "data": {
                "version": 1,
                "startData": {},
                "resultData": result,
                "executionData": {
                    "contextData": {},
                    "nodeExecutionStack": [
                        {"node": self.state.workflow.nodes[e.node].raw, "data": {"main": e.data},
                         "source": {"main": e.source} if e.source is not None else None}
                        for e in self.stack
                    ],
                    "metadata": {},
                    "waitingExecution": {
                        name: {str(k): {"main": slot["data"]} for k, slot in slots.items()}
                        for name, slots in self.waiting.items()
                    },
                    "waitingExecutionSource": {
                        name: {str(k): {"main": slot["source"]} for k, slot in slots.items()}
                        for name, slots in self.waiting.items()
                    },
                },
            },
            "mode": self.state.mode,
            "startedAt": _iso(self.started_at),
            "stoppedAt": _iso(self.stopped_at or datetime.now(UTC)),
            "status": self.status,
        }
        if self.finished:
            out["finished"] = True
        return out


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _source(node: str, output: int, run_index: int) -> dict[str, Any]:
    """n8n's ISourceData: zero output / run indices are left out."""
    src: dict[str, Any] = {"previousNode": node}
    if output:
        src["previousNodeOutput"] = output
    if run_index:
        src["previousNodeRun"] = run_index
    return src


def error_data(exc: BaseException, node: Node | None, run_index: int = 0) -> dict[str, Any]:
    """n8n-shaped error object for run data and ``resultData.error``."""
    if isinstance(exc, NodeError):
        name = exc.name
        context = dict(exc.context)
        if exc.item_index is not None:
            context.setdefault("itemIndex", exc.item_index)
        context.setdefault("runIndex", exc.run_index if exc.run_index is not None else run_index)
        data: dict[str, Any] = {"message": exc.message, "name": name, "level": exc.level,
                                "context": context, "description": exc.description}
        if exc.http_code is not None:
            data["httpCode"] = exc.http_code
        if getattr(exc, "type", None) is not None:
            data["type"] = exc.type  # Stop and Error's error object type
    elif isinstance(exc, UnsupportedNodeError):
        data = {"message": str(exc), "name": "WorkflowHasIssuesError", "level": "error"}
    elif isinstance(exc, EngineError):
        data = {"message": str(exc), "name": type(exc).__name__, "level": "error"}
    else:
        # A bug in a node handler: name it, keep the trace for operators, never crash the run.
        data = {"message": f"{type(exc).__name__}: {exc}", "name": "NodeOperationError", "level": "error",
                "description": "Internal error in AutomateLanka's implementation of this node",
                "stack": "".join(traceback.format_exception(exc))[-4000:]}
    if node is not None:
        data["node"] = node.raw
    data["timestamp"] = int(time.time() * 1000)
    data.setdefault("stack", f"{data['name']}: {data['message']}")
    return {k: v for k, v in data.items() if v is not None}


class Executor:
    """Runs one workflow once. Use :func:`execute` rather than this class directly."""

    def __init__(self, state: ExecutionState, on_event: EventHandler | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> None:
        self.state = state
        self.workflow = state.workflow
        self.v1 = self.workflow.execution_order == "v1"
        self.on_event = on_event
        self.should_cancel = should_cancel
        self.execution = Execution(state)
        self.stack: list[StackEntry] = self.execution.stack
        self.waiting = self.execution.waiting
        self.execution_index = 0
        self._specs: dict[str, NodeSpec] = {}
        timeout = self.workflow.settings.get("executionTimeout")
        self.deadline = (time.monotonic() + timeout
                         if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0
                         else None)

    # -- helpers ------------------------------------------------------------------------------

    def spec(self, name: str) -> NodeSpec:
        spec = self._specs.get(name)
        if spec is None:
            spec = self._specs[name] = lookup(self.workflow.nodes[name])
        return spec

    @staticmethod
    def params(node: Node) -> dict[str, Any]:
        """Resolved parameters, cached on the node so repeated executions reuse them."""
        params = node.resolved_parameters
        if params is None:
            params = node.resolved_parameters = node_parameters(node)
        return params

    def emit(self, kind: str, **payload: Any) -> None:
        if self.on_event is not None:
            self.on_event(kind, payload)

    # -- start ----------------------------------------------------------------------------------

    def start_node(self) -> Node:
        """The first enabled trigger-method node in ``nodes`` order, else n8n's fallbacks (§3.2)."""
        nodes = list(self.workflow.nodes.values())
        if len(nodes) == 1 and not nodes[0].disabled:
            return nodes[0]
        for node in nodes:
            if node.type == _MANUAL_CHAT_TRIGGER or node.disabled:
                continue
            try:
                if self.spec(node.name).trigger:
                    return node
            except UnsupportedNodeError:
                continue
        ranked = sorted((n for n in nodes if n.type in STARTING_NODE_TYPES),
                        key=lambda n: STARTING_NODE_TYPES.index(n.type))
        for node in ranked:
            if not node.disabled:
                return node
        # n8n's CLI would stop here; like a user pressing "execute" on the trigger, start from the
        # first webhook-style trigger with empty input (naming it when it is not implemented).
        triggers = [n for n in nodes if not n.disabled
                    and (n.short_type.lower().endswith("trigger") or n.short_type == "webhook")]
        if triggers:
            self.spec(triggers[0].name)
            return triggers[0]
        raise WorkflowValidationError("No node to start the workflow from could be found")

    def preflight(self, start: str) -> None:
        """Refuse to start when the start node or anything downstream is unknown (n8n's issues check)."""
        for name in [start, *self.workflow.descendants(start)]:
            node = self.workflow.nodes[name]
            if node.disabled or name in self.state.pin_data:
                continue
            self.spec(name)

    # -- main loop --------------------------------------------------------------------------------

    def run(self, start: str | None = None, trigger_items: Items | None = None) -> Execution:
        execution = self.execution
        try:
            start_node = self.workflow.nodes[start] if start else self.start_node()
            self.preflight(start_node.name)
        except (UnsupportedNodeError, WorkflowValidationError) as exc:
            execution.status = "error"
            execution.error = error_data(exc, None)
            execution.stopped_at = datetime.now(UTC)
            self.emit("run_finished", status="error", error=execution.error)
            return execution
        seed = trigger_items if trigger_items is not None else [{"json": {}}]
        self.stack.append(StackEntry(start_node.name, [seed], None))
        execution.status = "running"
        error: dict[str, Any] | None = None
        last_try = ""
        try:
            while self.stack:
                if self.deadline is not None and time.monotonic() >= self.deadline:
                    execution.status = "canceled"
                    error = {"message": "The execution was cancelled because it timed out",
                             "name": "TimeoutExecutionCancelledError"}
                    break
                if self.should_cancel is not None and self.should_cancel():
                    execution.status = "canceled"
                    error = {"message": "The execution was cancelled", "name": "ManualExecutionCancelledError"}
                    break
                entry = self.stack.pop(0)
                outcome = self.step(entry, last_try)
                if outcome == "requeued":
                    last_try = f"{entry.node}:{self._run_index(entry)}"
                    continue
                if isinstance(outcome, dict):
                    error = outcome
                    break
        except EngineError as exc:  # endless loop guard and similar engine-level failures
            error = error_data(exc, None)
        execution.error = error
        if execution.status != "canceled":
            execution.status = "error" if error else "success"
        execution.stopped_at = datetime.now(UTC)
        self.emit("run_finished", status=execution.status, error=error)
        return execution

    def _run_index(self, entry: StackEntry) -> int:
        if entry.run_index is not None:
            return entry.run_index
        return len(self.state.run_data.get(entry.node, ()))

    def _has_input_data(self, entry: StackEntry) -> bool:
        """n8n's ensureInputData: v0 re-queues a node whose connected input is still missing."""
        for index, edges in enumerate(self.workflow.parents.get(entry.node, [])):
            if not edges:
                return True  # an input with no connection: n8n stops checking here
            if not self.v1 and (len(entry.data) < index or (index < len(entry.data) and entry.data[index] is None)):
                self.stack.append(entry)
                return False
        return True

    def step(self, entry: StackEntry, last_try: str) -> str | dict[str, Any] | None:
        """Run one stack entry. Returns "requeued", an error dict (execution stops), or None."""
        node = self.workflow.nodes[entry.node]
        started = time.time()
        execution_index = self.execution_index
        self.execution_index += 1
        # Stamp input items with their position (§2.2).
        entry.data = [
            None if items is None else [
                {**it, "pairedItem": {"item": i, "input": k} if k else {"item": i}}
                for i, it in enumerate(items)
            ]
            for k, items in enumerate(entry.data)
        ]
        run_index = self._run_index(entry)
        current_try = f"{node.name}:{run_index}"
        if current_try == last_try:
            raise EngineError("Stopped execution because it seems to be in an endless loop")
        if not self._has_input_data(entry):
            return "requeued"

        task: dict[str, Any] = {
            "startTime": int(started * 1000),
            "executionIndex": execution_index,
            "source": [] if entry.source is None else entry.source,
            "hints": [],
        }
        self.emit("node_started", node=node.name, run_index=run_index)
        output: list[Items] | None = None
        failure: BaseException | None = None
        tries = node.max_tries if node.retry_on_fail else 1
        wait_s = (node.wait_between_tries / 1000) if node.retry_on_fail else 0
        for attempt in range(tries):
            failure = None
            if attempt:
                time.sleep(wait_s)
            try:
                output = self.run_node(node, entry, run_index, task)
            except Exception as exc:  # any failure of a node is reported, never raised
                failure = exc
                output = None
                continue
            first = output[0][0] if output and output[0] else None
            if not (first and isinstance(first.get("json"), dict) and first["json"].get("error") is not None):
                break
        if failure is None:
            if output is not None and node.on_error == "continueErrorOutput":
                self.route_error_items(node, entry, output)
            output = self.assign_paired_items(output, entry)
            if output is not None:
                self.execution.last_node_executed = node.name
            if not (output and output[0]) and node.always_output_data:
                paired = [{"item": i, "input": k}
                          for k, items in enumerate(entry.data) if items for i in range(len(items))]
                output = output or []
                if output:
                    output[0] = [{"json": {}, "pairedItem": paired}]
                else:
                    output.append([{"json": {}, "pairedItem": paired}])
            if output is None:
                return None  # not executed (no input items) or returned nothing
        else:
            self.execution.last_node_executed = node.name
            task["error"] = error_data(failure, node, run_index)
            task["executionStatus"] = "error"
            if not node.continue_on_fail:
                task["executionTime"] = int(time.time() * 1000) - task["startTime"]
                self._store(node.name, run_index, task)
                self.stack.insert(0, entry)
                self.emit("node_finished", node=node.name, run_index=run_index, task=task)
                return task["error"]
            output = [entry.data[0]] if entry.data and entry.data[0] is not None else []
        for items in output:
            for it in items or ():
                js = it.get("json")
                if isinstance(js, dict) and "$error" in js and "$json" in js:
                    err = js["$error"]
                    it["error"] = err
                    it["json"] = {"error": err.get("message") if isinstance(err, dict) else str(err)}
                elif it.get("error") is not None:
                    err = it["error"]
                    it["json"] = {"error": err.get("message") if isinstance(err, dict) else str(err)}
        task["executionTime"] = int(time.time() * 1000) - task["startTime"]
        task.setdefault("executionStatus", "success")
        task["data"] = {"main": output}
        self._store(node.name, run_index, task)
        self.emit("node_finished", node=node.name, run_index=run_index, task=task)
        self.schedule_children(node.name, output, run_index)
        if not self.stack and self.waiting:
            self.flush_waiting()
        return None

    def _store(self, name: str, run_index: int, task: dict[str, Any]) -> None:
        runs = self.state.run_data.setdefault(name, [])
        if run_index < len(runs):
            runs[run_index].update(task)
        else:
            runs.append(task)

    # -- running one node -------------------------------------------------------------------------

    def run_node(self, node: Node, entry: StackEntry, run_index: int, task: dict[str, Any]) -> list[Items] | None:
        """n8n's runNode: disabled pass-through, pinned data, triggers, then the handler."""
        if node.disabled:
            if entry.data and entry.data[0] is not None:
                return [entry.data[0]]
            return None
        pinned = self.state.pin_data.get(node.name)
        if pinned is not None:
            return [[{k: v for k, v in it.items()} for it in pinned]]
        spec = self.spec(node.name)
        if spec.trigger and self.state.mode != "manual":
            return [items or [] for items in entry.data]
        connection_input = self._connection_input(entry, spec)
        if connection_input is None:
            return None
        inputs = entry.data
        if node.execute_once:
            inputs = [items[:1] if items is not None else None for items in inputs]
        ctx = NodeContext(self.state, node, self.params(node),
                          [items if items is not None else [] for items in inputs],
                          connection_input, run_index, task["source"])
        result = spec.handler(ctx)
        if ctx.hints:
            task["hints"].extend({"message": h, "location": "outputPane"} for h in ctx.hints)
        return result

    def _connection_input(self, entry: StackEntry, spec: NodeSpec) -> Items | None:
        """n8n's connectionInputData: the items expressions read; ``None`` means skip the node."""
        if spec.trigger:
            return []
        if not entry.data:
            return None
        chosen = entry.data[0]
        if self.v1:
            for items in entry.data:
                if items:
                    chosen = items
                    break
        return chosen if chosen else None

    def assign_paired_items(self, output: list[Items] | None, entry: StackEntry) -> list[Items] | None:
        """Give output items without pairedItem the obvious one, where it is unambiguous (§2.2)."""
        if not output:
            return output
        single = len(entry.data) == 1 and entry.data[0] is not None and len(entry.data[0]) == 1
        same = (len(output) == 1 and len(entry.data) == 1 and entry.data[0] is not None
                and len(entry.data[0]) == len(output[0]))
        for items in output:
            if items is None:
                continue
            for index, it in enumerate(items):
                if it.get("pairedItem") is None:
                    if single:
                        it["pairedItem"] = {"item": 0}
                    elif same:
                        it["pairedItem"] = {"item": index}
                    else:
                        return output
        return output

    def route_error_items(self, node: Node, entry: StackEntry, output: list[Items]) -> None:
        """continueErrorOutput: move error items of the regular outputs to the last output (§5.3)."""
        declared = self.spec(node.name).outputs(node) + 1
        while len(output) < declared:
            output.append([])
        errors: Items = []
        for index in range(declared - 1):
            kept: Items = []
            for it in output[index] or []:
                js = it.get("json") or {}
                error = it.get("error")
                if error is None and js.get("error") and (len(js) == 1 or (len(js) == 2 and js.get("message"))):
                    error = js["error"]
                if error is None:
                    kept.append(it)
                    continue
                origin = self._paired_input_item(entry, it.get("pairedItem"))
                errors.append(it if origin is None else {**it, "json": {**origin.get("json", {}), **js}})
            output[index] = kept
        output[declared - 1] = errors

    def _paired_input_item(self, entry: StackEntry, paired: Any) -> dict[str, Any] | None:
        if isinstance(paired, list):
            paired = paired[0] if paired else None
        if not isinstance(paired, dict) or entry.source is None:
            return None
        index = paired.get("input") or 0
        if index >= len(entry.source) or entry.source[index] is None:
            return None
        src = entry.source[index]
        main = self.state.last_output(src["previousNode"], src.get("previousNodeRun", 0)) or []
        out = src.get("previousNodeOutput", 0)
        items = main[out] if out < len(main) else None
        item_index = paired.get("item", 0)
        return items[item_index] if items and item_index < len(items) else None

    # -- scheduling --------------------------------------------------------------------------------

    def schedule_children(self, name: str, output: list[Items], run_index: int) -> None:
        outputs = self.workflow.children.get(name, [])
        candidates: list[tuple[Edge, int]] = []
        for output_index, edges in enumerate(outputs):
            for edge in edges:
                data = output[output_index] if output_index < len(output) else None
                if data is None:
                    continue
                if data or (edge.input > 0 and not self.v1):
                    if self.v1:
                        candidates.append((edge, output_index))
                    else:
                        self.add_node(edge, output_index, name, output, run_index)
        if self.v1:
            # n8n sorts by y descending then x descending and prepends each: top-left ends first.
            for edge, output_index in _sort_like_n8n(candidates, self.workflow):
                self.add_node(edge, output_index, name, output, run_index)

    def add_node(self, edge: Edge, output_index: int, parent: str, output: list[Items] | None,
                 run_index: int) -> None:
        """n8n's addNodeToBeExecuted."""
        target = edge.target
        enqueue = (lambda e: self.stack.insert(0, e)) if self.v1 else self.stack.append
        input_count = self.workflow.input_count(target)
        data = output[output_index] if output is not None else None
        src = _source(parent, output_index, run_index)
        if input_count <= 1:
            slot_data: list[Items | None] = [None] * edge.input + [data]
            enqueue(StackEntry(target, slot_data, [src]))
            return
        was_waiting = target in self.waiting
        slots = self.waiting.setdefault(target, {})
        slot_index = next((k for k, slot in slots.items() if slot["data"][edge.input] is None), None)
        if slot_index is None:
            slot_index = len(slots)
            while slot_index in slots:
                slot_index += 1
            slots[slot_index] = {"data": [None] * input_count, "source": [None] * input_count}
        slot = slots[slot_index]
        slot["data"][edge.input] = data
        slot["source"][edge.input] = None if data is None else src
        if all(d is not None for d in slot["data"]):
            enqueue(StackEntry(target, slot["data"], slot["source"]))
            del slots[slot_index]
            if not slots:
                del self.waiting[target]
            return
        if not was_waiting and not self.v1:
            self._force_other_inputs_v0(edge, output_index, parent, output, run_index)

    def _force_other_inputs_v0(self, edge: Edge, output_index: int, parent: str,
                               output: list[Items] | None, run_index: int) -> None:
        """v0: run the highest unexecuted ancestor of each other input on an empty item (§3.5)."""
        wf = self.workflow
        check_output_nodes = [e.target for edges in wf.children.get(parent, []) for e in edges]
        stack_nodes = [e.node for e in self.stack]
        for input_edges in wf.parents.get(edge.target, []):
            for in_edge in input_edges:
                other = in_edge.source
                if other == parent:
                    continue
                if other in check_output_nodes and not self._incoming_empty(other, run_index):
                    continue
                if other in stack_nodes or other in self.state.run_data:
                    continue
                parents = wf.n8n_parent_nodes(other)
                parents.append(other)
                parents.reverse()
                node_to_add: str | None = other
                for candidate in parents:
                    if candidate != other and candidate in check_output_nodes:
                        node_to_add = None
                        break
                    if candidate in stack_nodes:
                        node_to_add = None
                        break
                    if candidate in self.state.run_data:
                        break
                    node_to_add = candidate
                if node_to_add is None:
                    continue
                if parent in wf.n8n_parent_nodes(node_to_add) and output is not None \
                        and not output[output_index]:
                    continue
                if node_to_add not in wf.parents or self._incoming_empty(node_to_add, run_index):
                    self.stack.append(StackEntry(node_to_add, [[{"json": {}}]],
                                                 [_source(parent, output_index, run_index)]))
                    stack_nodes.append(node_to_add)

    def _incoming_empty(self, name: str, run_index: int) -> bool:
        """n8n's incomingConnectionIsEmpty over input 0 of ``name``."""
        inputs = self.workflow.parents.get(name, [])
        for in_edge in inputs[0] if inputs else []:
            runs = self.state.run_data.get(in_edge.source) or []
            if run_index < len(runs):
                main = (runs[run_index].get("data") or {}).get("main") or []
                if in_edge.output < len(main) and main[in_edge.output]:
                    return False
        return True

    def flush_waiting(self) -> None:
        """When the stack drains, release one waiting multi-input node (v1 rules, §3.4 step 6)."""
        names = list(self.waiting)
        i = 0
        while i < len(names):
            name = names[i]
            i += 1
            node = self.workflow.nodes[name]
            spec = self.spec(name)
            declared = spec.inputs(node)
            required = spec.required_inputs(node) if self.v1 else None
            if required is not None and (
                    (isinstance(required, list) and len(required) == declared) or required == declared):
                continue
            parents = self.workflow.n8n_parent_nodes(name)
            if any(p in self.waiting for p in parents):
                continue
            slots = self.waiting[name]
            first = min(slots)
            slot = slots[first]
            with_data = [k for k, d in enumerate(slot["data"]) if d is not None]
            if isinstance(required, list) and any(r not in with_data for r in required):
                continue
            if isinstance(required, int) and len(with_data) < required:
                continue
            main = [d if d is not None else [] for d in slot["data"]]
            has_items = any(main)
            if has_items:
                while len(main) < declared:
                    main.append([])
                self.stack.append(StackEntry(name, main, slot["source"]))
            del slots[first]
            if not slots:
                del self.waiting[name]
            if has_items:
                return
            names = list(self.waiting)
            i = 0


def _sort_like_n8n(candidates: list[tuple[Edge, int]], workflow: Workflow) -> list[tuple[Edge, int]]:
    """Reproduce n8n's comparator exactly: it returns 0 when x is not greater, so equal or
    smaller x keep their connection order (a stable sort on that comparator)."""

    def compare(a: tuple[Edge, int], b: tuple[Edge, int]) -> int:
        ax, ay = workflow.nodes[a[0].target].position
        bx, by = workflow.nodes[b[0].target].position
        if ay < by:
            return 1
        if ay > by:
            return -1
        if ax > bx:
            return -1
        return 0

    return sorted(candidates, key=functools.cmp_to_key(compare))


def execute(
    workflow: Workflow | dict[str, Any],
    *,
    trigger_items: Items | None = None,
    mode: str = "cli",
    services: Services | None = None,
    timezone: str | None = None,
    start_node: str | None = None,
    parent_state: ExecutionState | None = None,
    execution_id: str | None = None,
    on_event: EventHandler | None = None,
    should_cancel: Callable[[], bool] | None = None,
    trigger_context: dict[str, Any] | None = None,
    static_data: dict[str, Any] | None = None,
) -> Execution:
    """Execute ``workflow`` once and return the :class:`Execution`.

    ``mode`` is n8n's execution mode (``cli`` as ``n8n execute``; ``manual`` honours pinned data;
    ``integrated`` for sub-workflows; ``webhook``/``trigger`` from the platform). ``timezone`` is the
    configured default, used when the workflow's settings name none. ``on_event(kind, payload)``
    receives ``node_started``, ``node_finished`` and ``run_finished``. ``trigger_context`` tells
    trigger nodes what started the run (a webhook's ``{"method": "POST"}`` picks its output).
    ``static_data``: the workflow's persisted static data (default: the definition's ``staticData``);
    the run changes it in place.
    """
    wf = workflow if isinstance(workflow, Workflow) else Workflow(workflow)
    if parent_state is not None:
        services = services or parent_state.services
        timezone = timezone or parent_state.timezone
    state = ExecutionState(
        workflow=wf,
        mode=mode,
        execution_id=execution_id or uuid.uuid4().hex[:16],
        timezone=wf.timezone or timezone or "UTC",
        services=services or Services(),
        pin_data=dict(wf.pin_data) if mode == "manual" else {},
        static_data=wf.static_data if static_data is None else static_data,
        depth=parent_state.depth + 1 if parent_state is not None else 0,
        trigger=dict(trigger_context or {}),
    )
    if parent_state is not None:
        state.logs = parent_state.logs
    try:
        return Executor(state, on_event, should_cancel).run(start_node, trigger_items)
    finally:
        # The expression evaluator points back at the state: dropping it breaks the only cycle, so
        # an execution is freed as soon as it is no longer used, not by a full garbage collection.
        state.cache.pop("evaluator", None)


__all__ = ["Execution", "ExpressionError", "error_data", "execute"]
