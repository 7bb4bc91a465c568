"""What one execution knows while it runs: run data, per-node context, injected services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automatelanka.engine.workflow import Workflow


@dataclass
class Limits:
    """Sandbox limits for every JavaScript evaluation of one execution."""

    js_time_limit_s: float = 10.0
    js_memory_limit_mb: int = 256
    python_time_limit_s: float = 10.0
    #: Largest HTTP response body a node may read (HTTP Request, service nodes).
    http_max_response_bytes: int = 100 * 1024 * 1024


@dataclass
class Services:
    """I/O the node handlers use, injected so the engine stays testable and platform-free.

    ``http`` builds an ``httpx.Client`` (tests inject one with a MockTransport or point it at a local
    server); ``load_workflow`` returns workflow JSON for an Execute Workflow node's database id;
    ``credentials`` returns the decrypted fields of a credential reference ``(type, {id, name})``.
    """

    http: Callable[..., Any] | None = None
    files_root: Path | None = None
    load_workflow: Callable[[str], dict[str, Any]] | None = None
    credentials: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
    #: Refresh an OAuth2 credential after a 401 (one refresh at a time across workers); returns
    #: the new decrypted fields, or raises when the grant was revoked.
    refresh_credentials: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
    #: Base URL per service key ("slack", "telegram", "google", "openai"...), so tests and
    #: private deployments can point nodes at another server.
    base_urls: Mapping[str, str] = field(default_factory=dict)
    #: Decides whether workflow HTTP may reach a URL: ``policy(url) -> None`` or raises ValueError
    #: naming the reason (cloud metadata, the daemon's own admin API, private ranges when hosted).
    outbound_policy: Callable[[str], None] | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    webhook_base_url: str = "http://localhost:5678"
    #: How Wait nodes sleep (tests inject a fake clock); ``None`` means ``time.sleep``.
    sleep: Callable[[float], None] | None = None
    #: Execute Command nodes may run shell commands (setting AL_ALLOW_EXECUTE_COMMAND; off by default).
    allow_execute_command: bool = False
    #: Executions with different keys never share a JS context for expressions (the platform
    #: passes the workspace id), so what one tenant's expressions change in JS (a prototype,
    #: a global) cannot reach another's.
    isolation: str | None = None


@dataclass
class ExecutionState:
    """Mutable state of one execution, shared by the executor, node contexts and expressions."""

    workflow: Workflow
    mode: str = "cli"
    execution_id: str = ""
    timezone: str = "UTC"
    services: Services = field(default_factory=Services)
    #: ``run_data[node]`` lists the n8n task data dicts of each run of ``node``.
    run_data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Pinned data honoured in this execution (manual mode only).
    pin_data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Per-node context that survives the whole execution (SplitInBatches keeps its queue here).
    node_contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    static_data: dict[str, Any] = field(default_factory=dict)
    custom_data: dict[str, str] = field(default_factory=dict)
    #: Lines printed by Code nodes' console.log, as ``(node, text)``.
    logs: list[tuple[str, str]] = field(default_factory=list)
    #: Shared between the nodes of one execution (the expression runtime, for one).
    cache: dict[str, Any] = field(default_factory=dict)
    #: Depth of sub-workflow nesting (Execute Workflow), to stop runaway recursion.
    depth: int = 0
    #: What started the run, as the platform saw it (e.g. ``{"method": "POST"}`` for a webhook).
    trigger: dict[str, Any] = field(default_factory=dict)

    def last_output(self, node: str, run_index: int = -1) -> list[list[dict[str, Any]]] | None:
        """``data.main`` of a node's run (last by default), or ``None`` if it has not run."""
        runs = self.run_data.get(node)
        if not runs:
            pin = self.pin_data.get(node)
            return [pin] if pin is not None else None
        try:
            task = runs[run_index]
        except IndexError:
            return None
        return (task.get("data") or {}).get("main")
