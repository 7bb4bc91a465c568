"""Telling a service where to send a trigger's events, as n8n's ``webhookMethods`` do.

When n8n activates a workflow it calls, for each webhook-based service trigger, ``checkExists``
and, when that answers false, ``create`` (n8n's ``createWebhookIfNotExists``); deactivating or
deleting the workflow calls ``delete``. Those methods call the service's API with the node's
credential (Telegram ``setWebhook``, GitHub repository hooks, Stripe ``webhook_endpoints``...)
and keep what they need later (the hook's id, its signing secret) in the node's static data
(``getWorkflowStaticData('node')``, kept under ``node:<name>`` of the workflow's static data).

Pure engine code: requests go through :mod:`_http` with the injected ``Services`` (HTTP client
factory, credential resolver, ``base_urls`` per service, outbound policy). The platform hands in
the production webhook URL and the workflow's static data, and stores the static data after.
The per-service methods live in :mod:`_webhook_methods`; :func:`methods_for` finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from automatelanka.engine.nodes._svc import resource_value
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Node, Workflow


@dataclass
class Hook:
    """One trigger node being registered (n8n's IHookFunctions, the parts the methods use)."""

    ctx: NodeContext
    #: ``getNodeWebhookUrl('default')``: the production URL the service must call.
    url: str
    workflow_id: str
    #: ``getWorkflowStaticData('node')``: changed in place, stored by the platform afterwards.
    data: dict[str, Any]

    @property
    def node(self) -> Node:
        return self.ctx.node

    def param(self, name: str, default: Any = None) -> Any:
        """``getNodeParameter(name)`` (expressions resolved, ``default`` when absent)."""
        return self.ctx.param(name, 0, default)

    def value(self, name: str, default: Any = "") -> Any:
        """``getNodeParameter(name, '', {extractValue: true})``: a resource locator's value."""
        return resource_value(self.param(name, default))


Method = Callable[[Hook], bool]


@dataclass(frozen=True)
class WebhookMethods:
    """n8n's ``webhookMethods.default`` of one node type."""

    check_exists: Method
    create: Method
    delete: Method


_METHODS: dict[str, WebhookMethods] = {}


def webhook_methods(*node_types: str) -> Callable[[type], type]:
    """Class decorator: the class's static ``check_exists``, ``create`` and ``delete`` serve ``node_types``."""

    def decorate(cls: type) -> type:
        methods = WebhookMethods(cls.check_exists, cls.create, cls.delete)  # type: ignore[attr-defined]
        for node_type in node_types:
            _METHODS[node_type] = methods
        return cls

    return decorate


def methods_for(node_type: str) -> WebhookMethods | None:
    """The registration methods of ``node_type`` (None: the URL must be set in the service by hand)."""
    from automatelanka.engine.nodes import _webhook_methods  # noqa: F401  (fills the table)

    return _METHODS.get(node_type)


def supported_types() -> list[str]:
    """Node types whose webhook activation registers with the service."""
    methods_for("")
    return sorted(_METHODS)


def hook(definition: dict[str, Any], node_name: str, *, workflow_id: str, webhook_url: str,
         static_data: dict[str, Any], services: Services) -> Hook:
    """A :class:`Hook` for node ``node_name`` of ``definition``.

    ``static_data`` is the workflow's static data; the node's part (``node:<name>``) is created
    in it when missing, so the caller sees every change the methods make.
    """
    from automatelanka.engine.params import node_parameters

    workflow = Workflow(definition)
    workflow.id = workflow_id
    state = ExecutionState(workflow, mode="internal", services=services, static_data=static_data)
    node = workflow.nodes[node_name]
    ctx = NodeContext(state, node, node_parameters(node), [], [], 0, [])
    data = static_data.setdefault(f"node:{node_name}", {})
    return Hook(ctx, webhook_url, workflow_id, data)


def ensure(hook: Hook) -> bool:
    """n8n's ``createWebhookIfNotExists``: ``check_exists``, then ``create`` when it answers false.

    Returns whether ``create`` ran. Errors (NodeError, NodeApiError) propagate: activation fails.
    """
    methods = methods_for(hook.node.type)
    if methods is None:
        return False
    if methods.check_exists(hook):
        return False
    methods.create(hook)  # n8n ignores the answer: a create that returns false still activates
    return True


def remove(hook: Hook) -> bool:
    """n8n's ``deleteWebhook``: the node type's ``delete`` (False: the service did not confirm)."""
    methods = methods_for(hook.node.type)
    return methods.delete(hook) if methods is not None else True
