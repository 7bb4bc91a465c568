"""Activation tells each service where to send its trigger's events (n8n's ``webhookMethods``).

For every enabled service trigger whose node type has registration methods
(``engine.nodes.webhook_registration``), activating a workflow runs ``check_exists`` then, when
that answers false, ``create`` with the production URL ``<public URL>/webhook/<webhookId>/webhook``;
deactivating or deleting an active workflow runs ``delete``; saving a new definition of an active
workflow runs ``delete`` for the old triggers, then ``check_exists`` / ``create`` for the new ones
(n8n's ``update``: ``remove`` then ``add``). As in n8n:

* a failed ``create`` fails the activation: the triggers registered so far are deleted again,
  the workflow keeps its previous state, and :class:`ActivationError` names the node and the
  service's message ("Workflow could not be activated");
* a failed ``create`` on saving keeps the save (the new version stays) but deactivates the
  workflow, as n8n's ``_addToActiveWorkflowManager`` rolls back to inactive, and raises the same
  :class:`ActivationError`;
* a failed ``delete`` is logged, never fatal;
* what the methods keep (hook id, signing secret) is saved in the node's static data
  (``node:<name>``), written with the activation.

The service calls happen outside any database transaction. Base URLs per service come from
``[integrations.<service>] api_url`` (tests point them at local fakes).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import EngineError, NodeApiError, NodeError
from automatelanka.engine.nodes import webhook_registration as registration
from automatelanka.services import static_data as statics
from automatelanka.services import workflows as wf_service
from automatelanka.services.webhooks import Hook as Route
from automatelanka.services.webhooks import hooks_of
from automatelanka.store.db import read_only
from automatelanka.store.errors import Conflict
from automatelanka.store.repositories import static_data as static_repo
from automatelanka.store.repositories import webhooks as webhook_repo

log = logging.getLogger("automatelanka.trigger_registration")


class ActivationError(Exception):
    """A service refused to register a trigger: the workflow could not be activated."""

    def __init__(self, node: str, node_type: str, message: str, *, description: str | None = None,
                 http_code: str | None = None) -> None:
        reason = description or message  # n8n shows a NodeApiError's description, else its message
        super().__init__(f"Workflow could not be activated: node {node!r}: {reason}")
        self.node, self.node_type, self.message = node, node_type, message
        self.description, self.http_code = description, http_code

    def details(self) -> dict[str, Any]:
        return {"node": self.node, "node_type": self.node_type, "message": self.message,
                "description": self.description, "http_code": self.http_code}


def public_url(settings: Any) -> str:
    """The daemon's public base URL (``AL_PUBLIC_URL``, else ``http://{host}:{port}``)."""
    configured = str(getattr(settings, "public_url", "") or "")
    return (configured or f"http://{getattr(settings, 'host', '127.0.0.1')}:{getattr(settings, 'port', 5678)}"
            ).rstrip("/")


def service_base_urls(settings: Any) -> dict[str, str]:
    """``base_urls`` for the methods: each ``[integrations.<service>] api_url`` that is set."""
    integrations = getattr(settings, "integrations", None) or {}
    return {name: conf["api_url"] for name, conf in integrations.items()
            if isinstance(conf, dict) and conf.get("api_url")}


def registrable(definition: dict[str, Any]) -> list[tuple[Route, str]]:
    """The enabled service triggers of ``definition`` that register with their service: (route, type)."""
    types = {n.get("name"): n.get("type") for n in definition.get("nodes") or [] if isinstance(n, dict)}
    return [(route, types[route.node_name]) for route in hooks_of(definition)
            if route.kind == "service" and registration.methods_for(str(types.get(route.node_name)))]


class _Session:
    """The registration of one workflow's triggers: services, static data, hooks made."""

    def __init__(self, runtime: Any, row: dict[str, Any]) -> None:
        from automatelanka.services.execution import services_for

        self.runtime, self.row = runtime, row
        self.routes = registrable(row["definition"])
        self.loaded: statics.Loaded | None = None
        if not self.routes:
            return
        with read_only(runtime.engine.connect()) as conn:
            stored = static_repo.get_static_data(conn, row["workspace_id"], row["id"])
        self.loaded = statics.Loaded.of(stored if stored is not None else row["definition"].get("staticData"))
        services = services_for(runtime, row["workspace_id"])
        self.services = dataclasses.replace(services, base_urls=service_base_urls(runtime.settings))
        self.base = public_url(runtime.settings)

    def hook(self, route: Route) -> registration.Hook:
        assert self.loaded is not None
        return registration.hook(self.row["definition"], route.node_name, workflow_id=str(self.row["id"]),
                                 webhook_url=f"{self.base}/webhook/{route.path}", static_data=self.loaded.data,
                                 services=self.services)

    def check_paths(self) -> None:
        """Conflict when another active workflow serves a trigger's path (before any service is told)."""
        with read_only(self.runtime.engine.connect()) as conn:
            for route, _ in self.routes:
                for method in route.methods:
                    holder = webhook_repo.resolve_webhook(conn, method, route.path)
                    if holder is not None and holder["workflow_id"] != self.row["id"]:
                        raise Conflict(f"webhook {method} /webhook/{route.path} (node {route.node_name!r}) is "
                                       "already registered by another active workflow",
                                       {"method": method, "path": route.path, "node": route.node_name})

    def create_all(self) -> None:
        """check_exists / create for each trigger; on a failure delete those done and raise."""
        done: list[registration.Hook] = []
        for route, node_type in self.routes:
            try:
                hook = self.hook(route)
                done.append(hook)
                registration.ensure(hook)
            except (EngineError, ValueError, LookupError) as exc:
                self.delete_all(done)
                raise _activation_error(route.node_name, node_type, exc) from None

    def delete_all(self, hooks: list[registration.Hook] | None = None) -> None:
        """delete for each trigger (or ``hooks``); failures are logged."""
        if hooks is None:
            hooks = []
            for route, _ in self.routes:
                try:
                    hooks.append(self.hook(route))
                except Exception:
                    log.warning("workflow %s: node %r: cannot build its registration", self.row["id"],
                                route.node_name, exc_info=True)
        for hook in hooks:
            try:
                if not registration.remove(hook):
                    log.warning("workflow %s: node %r: the service did not confirm the webhook's removal",
                                self.row["id"], hook.node.name)
            except Exception as exc:
                log.warning("workflow %s: node %r: could not remove the webhook: %s", self.row["id"],
                            hook.node.name, exc)

    def save(self, conn: Any) -> None:
        if self.loaded is not None:
            statics.save(conn, self.row["workspace_id"], self.row["id"], self.loaded)

    def save_alone(self) -> None:
        try:
            with self.runtime.engine.begin() as conn:
                self.save(conn)
        except Exception:
            log.warning("workflow %s: could not save the triggers' static data", self.row["id"], exc_info=True)


def _activation_error(node: str, node_type: str, exc: Exception) -> ActivationError:
    if isinstance(exc, NodeError):
        description = exc.description if isinstance(exc, NodeApiError) else None
        return ActivationError(node, node_type, exc.message, description=description, http_code=exc.http_code)
    return ActivationError(node, node_type, str(exc))


def _get(runtime: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    with read_only(runtime.engine.connect()) as conn:
        return wf_service.get(conn, workspace_id, workflow_id)


def activate(runtime: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *,
             default_timezone: str = "UTC") -> dict[str, Any]:
    """Register the triggers with their services, then activate (paths, schedules, static data).

    ActivationError when a service refuses (nothing stays registered, the workflow is unchanged);
    NotFound / Conflict as :func:`services.workflows.activate` (the services are told to delete).
    """
    session = _Session(runtime, _get(runtime, workspace_id, workflow_id))
    session.check_paths()
    try:
        session.create_all()
    except ActivationError:
        session.save_alone()
        raise
    try:
        with runtime.engine.begin() as conn:
            row = wf_service.activate(conn, workspace_id, workflow_id, default_timezone=default_timezone)
            session.save(conn)
    except Exception:
        session.delete_all()
        session.save_alone()
        raise
    return row


def deactivate(runtime: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> dict[str, Any]:
    """Deactivate, then ask the services to delete the triggers' webhooks (errors logged)."""
    with runtime.engine.begin() as conn:
        before = wf_service.get(conn, workspace_id, workflow_id)
        row = wf_service.deactivate(conn, workspace_id, workflow_id)
    if before["active"]:
        session = _Session(runtime, before)
        session.delete_all()
        session.save_alone()
    return row


def delete(runtime: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> None:
    """Delete a workflow; when it was active its services are first told to delete their webhooks."""
    row = _get(runtime, workspace_id, workflow_id)
    if row["active"]:
        _Session(runtime, row).delete_all()
    with runtime.engine.begin() as conn:
        wf_service.delete(conn, workspace_id, workflow_id)


def update(runtime: Any, workspace_id: uuid.UUID, workflow_id: uuid.UUID, save: Callable[[Any], dict[str, Any]],
           *, new_definition: bool) -> dict[str, Any]:
    """Save a change (``save(conn)`` in one transaction); when the workflow is active and gets a
    ``new_definition``, its old triggers are deleted at their services and the new ones registered.

    Paths are checked by ``save`` (Conflict: nothing saved, no service told). ActivationError when
    a service refuses: the save is kept, the workflow is deactivated (as n8n does on save).
    """
    before = _get(runtime, workspace_id, workflow_id)
    with runtime.engine.begin() as conn:
        row = save(conn)
    if not (before["active"] and new_definition):
        return row
    old = _Session(runtime, before)
    old.delete_all()
    old.save_alone()
    session = _Session(runtime, row)
    try:
        session.create_all()
    except ActivationError:
        with runtime.engine.begin() as conn:
            wf_service.deactivate(conn, workspace_id, workflow_id)
            session.save(conn)
        raise
    session.save_alone()
    return row
