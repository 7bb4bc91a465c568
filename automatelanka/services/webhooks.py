"""Webhook triggers: registration on activation, the request item, signatures and responses.

As n8n: the production URL is ``/webhook/<path>`` (``path`` of the Webhook node, its
``webhookId`` when empty), the method is ``httpMethod`` (a list with ``multipleMethods``), and
the node's ``responseMode`` decides the answer: ``onReceived`` (at once), ``lastNode`` (the last
node's data) or ``responseNode`` (what a Respond to Webhook node recorded).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets as pysecrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import Connection, String, bindparam, cast, select

from automatelanka.store.errors import Conflict, NotFound
from automatelanka.store.repositories import webhook_secrets as secrets_repo
from automatelanka.store.repositories import webhooks as repo
from automatelanka.store.schema import webhooks, workflows
from automatelanka.store.schema_runtime import webhook_secrets

WEBHOOK_TYPES = frozenset({"n8n-nodes-base.webhook"})
FORM_TYPE = "n8n-nodes-base.formTrigger"
#: ``*Trigger`` types that are not webhook-based service triggers.
NOT_SERVICE_TRIGGERS = frozenset(f"n8n-nodes-base.{name}" for name in (
    "formTrigger", "executeWorkflowTrigger", "errorTrigger", "manualTrigger", "scheduleTrigger"))
SIGNATURE_HEADER = "x-al-signature"
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT", "OPTIONS")
STARTED = {"message": "Workflow was started"}
NO_DATA = {"message": "Workflow executed successfully but the last node did not return any data"}


class SignatureError(PermissionError):
    """The request's X-AL-Signature is missing or wrong."""


@dataclass(frozen=True)
class Hook:
    """One Webhook node's trigger settings, with n8n's defaults filled in."""

    node_name: str
    methods: tuple[str, ...]
    path: str
    response_mode: str = "onReceived"
    response_code: int = 200
    response_data: str = "firstEntryJson"
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    webhook_id: str | None = None
    #: ``webhook`` (Webhook node), ``service`` (a service's trigger) or ``form`` (n8n Form Trigger).
    kind: str = "webhook"

    def url_path(self, *, test: bool = False) -> str:
        """Where n8n shows it: ``/form/<path>`` for a form (``/webhook/<path>`` serves it too),
        ``/webhook/<path>`` otherwise; ``-test`` for the test URL."""
        prefix = "form" if self.kind == "form" else "webhook"
        return f"/{prefix}{'-test' if test else ''}/{self.path}"


@functools.cache
def is_service_trigger(node_type: str) -> bool:
    """A webhook-based service trigger (Telegram, GitHub, Stripe...): a registered ``*Trigger`` type
    the engine does not run itself (no trigger/poll method, ``trigger=False``)."""
    if not node_type.endswith("Trigger") or node_type in NOT_SERVICE_TRIGGERS:
        return False
    from automatelanka.engine.nodes import base

    base._ensure_registered(node_type)  # imports only the modules implementing the type
    specs = base._REGISTRY.get(node_type) or {}
    return bool(specs) and not any(spec.trigger for spec in specs.values())


def _trigger_hook(node: dict[str, Any]) -> Hook | None:
    """n8n serves a service or form trigger at ``/webhook/<webhookId>/<path>`` (``webhook``, POST,
    unless the type's webhook method declares other methods or another path)."""
    from automatelanka.engine.nodes._webhook import webhook_spec

    webhook_id = str(node.get("webhookId") or "").strip().strip("/")
    spec = webhook_spec(node["type"])
    methods, path = (spec.http_methods, spec.path) if spec is not None else (("POST",), "webhook")
    full = spec.route(node).strip("/") if spec is not None and spec.route is not None else None
    if not (full or (webhook_id and full is None)):
        return None
    answer: dict[str, Any] = {}
    if node.get("type") == FORM_TYPE:  # a form answers per its responseMode (lastNode: responseData noData)
        mode = str(_params(node).get("responseMode") or "onReceived")
        answer = {"response_mode": mode, "response_data": "noData" if mode == "lastNode" else "firstEntryJson"}
    return Hook(node_name=node["name"], methods=methods, path=full or f"{webhook_id}/{path}",
                webhook_id=node.get("webhookId"), kind="form" if node.get("type") == FORM_TYPE else "service",
                **answer)


@dataclass
class Response:
    """What to send back: status, headers, and a body (JSON value, str, bytes or None)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def _params(node: dict[str, Any]) -> dict[str, Any]:
    try:
        from automatelanka.engine.params import node_parameters
        from automatelanka.engine.workflow import Workflow

        wf = Workflow({"nodes": [node], "connections": {}})
        return dict(node_parameters(wf.nodes[node["name"]]))
    except Exception:
        return dict(node.get("parameters") or {})


def _response_code(params: dict[str, Any]) -> int:
    """v1: ``responseCode``; v2: ``options.responseCode.values.{responseCode, customCode}``."""
    raw: Any = params.get("responseCode")
    option = (params.get("options") or {}).get("responseCode")
    if isinstance(option, dict):
        values = option.get("values") or {}
        raw = values.get("customCode") or values.get("responseCode") or raw
    try:
        code = int(raw or 200)
    except (TypeError, ValueError):
        return 200
    return code if 100 <= code <= 599 else 200


def hooks_of(definition: dict[str, Any]) -> list[Hook]:
    """The enabled Webhook nodes, service triggers and form triggers of a workflow."""
    out = []
    for node in definition.get("nodes") or []:
        if not isinstance(node, dict) or node.get("disabled") or not isinstance(node.get("type"), str):
            continue
        if node["type"] == FORM_TYPE or is_service_trigger(node["type"]):
            trigger = _trigger_hook(node)
            if trigger is not None:
                out.append(trigger)
            continue
        if node["type"] not in WEBHOOK_TYPES:
            continue
        params = _params(node)
        raw_method = params.get("httpMethod") or "GET"
        if params.get("multipleMethods") is True and isinstance(raw_method, list):
            methods = tuple(str(m).upper() for m in raw_method) or ("GET", "POST")
        else:
            methods = (str(raw_method).upper(),)
        path = str(params.get("path") or node.get("webhookId") or "").strip().strip("/")
        if not path:
            continue
        code = _response_code(params)
        out.append(Hook(
            node_name=node["name"], methods=methods, path=path,
            response_mode=str(params.get("responseMode") or "onReceived"), response_code=code,
            response_data=str(params.get("responseData") or "firstEntryJson"),
            options=dict(params.get("options") or {}), webhook_id=node.get("webhookId"),
        ))
    return out


_HOOKS: dict[str, tuple[Hook, ...]] = {}


def hook_for(workflow: dict[str, Any], node_name: str) -> Hook | None:
    """The Hook for a node of a stored workflow (parsed once per content hash)."""
    key = workflow.get("content_hash") or json.dumps(workflow["definition"], sort_keys=True)
    hooks = _HOOKS.get(key)
    if hooks is None:
        if len(_HOOKS) >= 1024:
            _HOOKS.clear()
        hooks = _HOOKS[key] = tuple(hooks_of(workflow["definition"]))
    return next((h for h in hooks if h.node_name == node_name), None)


# --- registration --------------------------------------------------------------------------------

_generation = 0


def generation() -> int:
    """Bumped whenever this process changes a registration or a secret (see ``webhook_cache``)."""
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


def register(conn: Connection, workflow: dict[str, Any]) -> list[dict[str, Any]]:
    """Claim every (method, path) of the workflow; Conflict names the first one taken elsewhere."""
    workspace_id, workflow_id = workflow["workspace_id"], workflow["id"]
    _changed()
    repo.delete_workflow_webhooks(conn, workspace_id, workflow_id)
    done = []
    for hook in hooks_of(workflow["definition"]):
        for method in hook.methods:
            if method not in METHODS:
                raise ValueError(f"node {hook.node_name!r}: unsupported HTTP method {method!r}")
            try:
                done.append(repo.register_webhook(conn, workspace_id, workflow_id, node_name=hook.node_name,
                                                  method=method, path=hook.path))
            except Conflict:
                holder = repo.resolve_webhook(conn, method, hook.path)
                detail = {"method": method, "path": hook.path, "node": hook.node_name}
                if holder is not None and holder["workspace_id"] == workspace_id:
                    detail["workflow_id"] = str(holder["workflow_id"])
                raise Conflict(f"webhook {method} /webhook/{hook.path} (node {hook.node_name!r}) is already "
                               "registered by another active workflow", detail) from None
    return done


def unregister(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID) -> int:
    _changed()
    return repo.delete_workflow_webhooks(conn, workspace_id, workflow_id)


_RESOLVE = (
    select(webhooks.c.workspace_id, webhooks.c.workflow_id, webhooks.c.node_name, workflows.c.definition,
           workflows.c.content_hash, webhook_secrets.c.secret)
    .join(workflows, workflows.c.id == webhooks.c.workflow_id)
    .outerjoin(webhook_secrets, (webhook_secrets.c.workflow_id == webhooks.c.workflow_id)
               & (webhook_secrets.c.node_name == webhooks.c.node_name))
    .where(webhooks.c.method == bindparam("method"), webhooks.c.path == bindparam("path"))
)


def resolve(conn: Connection, method: str, path: str) -> dict[str, Any] | None:
    """The active registration serving ``method path`` with its workflow and secret (one query)."""
    row = conn.execute(_RESOLVE, {"method": method.upper(), "path": path.strip("/")}).mappings().first()
    return dict(row) if row else None


def resolve_for_workflow(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, key: str,
                         method: str, *, require_active: bool = True) -> dict[str, Any] | None:
    """``/api/webhooks/<ws>/<wf>/<key>``: ``key`` is the node's webhookId, path or name."""
    wf = conn.execute(select(workflows).where(workflows.c.workspace_id == workspace_id,
                                              workflows.c.id == workflow_id)).mappings().first()
    if wf is None or (require_active and not wf["active"]):
        return None
    for hook in hooks_of(wf["definition"]):
        if key in (hook.webhook_id, hook.path, hook.node_name) and method.upper() in hook.methods:
            secret = secrets_repo.get_secret(conn, workspace_id, workflow_id, hook.node_name)
            return {"workspace_id": workspace_id, "workflow_id": workflow_id, "node_name": hook.node_name,
                    "definition": wf["definition"], "content_hash": wf["content_hash"], "secret": secret}
    return None


def resolve_test(conn: Connection, method: str, path: str) -> dict[str, Any] | None:
    """``/webhook-test/<path>``: the registered workflow, else the one saved workflow with that path.

    Conflict when several inactive workflows of different owners declare the same test path.
    """
    found = resolve(conn, method, path)
    if found is not None:
        return found
    path = path.strip("/")
    needle = json.dumps(path.split("/")[0])[1:-1]  # a trigger's path is "<webhookId>/webhook"
    stmt = select(workflows.c.id, workflows.c.workspace_id, workflows.c.definition, workflows.c.content_hash).where(
        cast(workflows.c.definition, String).like(f"%{needle}%"))
    matches = []
    for wf in conn.execute(stmt.limit(50)).mappings():
        for hook in hooks_of(wf["definition"]):
            if hook.path == path and method.upper() in hook.methods:
                matches.append({"workspace_id": wf["workspace_id"], "workflow_id": wf["id"],
                                "node_name": hook.node_name, "definition": wf["definition"],
                                "content_hash": wf["content_hash"],
                                "secret": secrets_repo.get_secret(conn, wf["workspace_id"], wf["id"], hook.node_name)})
    if len(matches) > 1:
        raise Conflict(f"several workflows declare the test webhook {method.upper()} /{path}")
    return matches[0] if matches else None


# --- secrets ---------------------------------------------------------------------------------------


def create_secret(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, node_name: str) -> str:
    """A new signing secret for the node (returned once; requests must then be signed)."""
    wf = conn.execute(select(workflows.c.definition).where(workflows.c.workspace_id == workspace_id,
                                                           workflows.c.id == workflow_id)).scalar()
    if wf is None:
        raise NotFound("workflow not found")
    if not any(h.node_name == node_name for h in hooks_of(wf)):
        raise NotFound(f"webhook node {node_name!r} not found in this workflow")
    secret = pysecrets.token_hex(32)
    _changed()
    secrets_repo.set_secret(conn, workspace_id, workflow_id, node_name, secret)
    return secret


def delete_secret(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, node_name: str) -> None:
    _changed()
    if not secrets_repo.clear_secret(conn, workspace_id, workflow_id, node_name):
        raise NotFound("no signing secret for this node")


def sign(secret: str, body: bytes) -> str:
    """The X-AL-Signature value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str | None, body: bytes, header: str | None) -> None:
    """Raise SignatureError unless the header signs ``body`` (no secret: nothing to check)."""
    if not secret:
        return
    if not header:
        raise SignatureError(f"missing {SIGNATURE_HEADER.title()} header: this webhook requires a signature")
    if not hmac.compare_digest(sign(secret, body), header.strip()):
        raise SignatureError("invalid webhook signature")


# --- the request item and the response -------------------------------------------------------------


def parse_body(body: bytes, content_type: str) -> Any:
    """n8n's body parsing: JSON, urlencoded form, text; empty -> {}. ValueError on bad JSON."""
    if not body:
        return {}
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ValueError(f"the request body is not valid JSON: {exc}") from None
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in form.items()}
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return {}


def request_item(*, headers: dict[str, str], query: dict[str, Any], body: Any, webhook_url: str,
                 test: bool = False, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Webhook node's output item, as n8n builds it."""
    return {"json": {"headers": headers, "params": params or {}, "query": query, "body": body,
                     "webhookUrl": webhook_url, "executionMode": "test" if test else "production"}}


def _custom_headers(hook: Hook) -> dict[str, str]:
    entries = ((hook.options.get("responseHeaders") or {}).get("entries") or [])
    return {str(e.get("name")): str(e.get("value", "")) for e in entries if isinstance(e, dict) and e.get("name")}


def received_response(hook: Hook) -> Response:
    """``onReceived``: answer at once."""
    if hook.options.get("noResponseBody"):
        return Response(hook.response_code, None, _custom_headers(hook))
    custom = hook.options.get("responseData")
    return Response(hook.response_code, custom if custom else dict(STARTED), _custom_headers(hook))


def finished_response(hook: Hook, status: str, output: dict[str, Any] | None,
                      webhook_response: dict[str, Any] | None) -> Response:
    """``lastNode`` / ``responseNode``: the answer once the run is over."""
    headers = _custom_headers(hook)
    if hook.response_mode == "responseNode":
        if webhook_response:
            code = webhook_response.get("statusCode", webhook_response.get("status", 200))
            extra = {str(k): str(v) for k, v in (webhook_response.get("headers") or {}).items() if v is not None}
            return Response(int(code or 200), webhook_response.get("body"), {**headers, **extra})
        if status != "success":
            return Response(500, {"message": "Error in workflow"}, headers)
        return Response(200, {"message": "Workflow executed successfully but no Respond to Webhook node ran"},
                        headers)
    if status != "success":
        return Response(500, {"message": "Error in workflow"}, headers)
    data = (output or {}).get("data") or []
    first_output = data[0] if data else []
    if hook.response_data == "noData" or hook.options.get("noResponseBody"):
        return Response(hook.response_code, None, headers)
    if not first_output:
        return Response(hook.response_code, dict(NO_DATA), headers)
    if hook.response_data == "allEntries":
        return Response(hook.response_code, list(first_output), headers)
    return Response(hook.response_code, first_output[0], headers)


# --- trigger webhook methods (n8n's webhook() of service and form triggers) ------------------------

#: n8n's answer when a trigger's webhook() throws (``_privateGetWebhookErrorMessage``).
TRIGGER_ERROR = "Workflow {kind} Error: Workflow could not be started!"
RECEIVED = {"message": "Webhook call received"}


def call_trigger(runtime: Any, target: dict[str, Any], hook: Hook, request: Any) -> Any:
    """Run the trigger node's declared webhook method on ``request`` (an engine ``WebhookRequest``):
    its ``WebhookResult``, or None when the type declares none. Reads the workflow's static data
    (``getWorkflowStaticData``) and saves what the method changed, outside test mode."""
    import logging

    from automatelanka.engine.nodes._webhook import HttpResponse, WebhookResult, webhook_spec
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.params import node_parameters
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow
    from automatelanka.services import static_data
    from automatelanka.services.execution import services_for, writing
    from automatelanka.store.repositories import static_data as static_repo

    definition = target.get("definition") or {}
    node = next((n for n in definition.get("nodes") or [] if isinstance(n, dict) and n.get("name") == hook.node_name),
                None)
    spec = webhook_spec(node["type"]) if node is not None else None
    if spec is None:
        return None
    workspace_id, workflow_id = target["workspace_id"], target["workflow_id"]
    with runtime.engine.connect() as conn:
        stored = static_repo.get_static_data(conn, workspace_id, workflow_id)
    loaded = static_data.Loaded.of(stored if stored is not None else definition.get("staticData"))
    workflow = Workflow({**definition, "id": str(workflow_id), "staticData": loaded.data})
    engine_node = workflow.nodes[hook.node_name]
    state = ExecutionState(workflow=workflow, mode="manual" if request.mode == "manual" else "webhook",
                           timezone=workflow.timezone or getattr(runtime.settings, "timezone", "UTC") or "UTC",
                           services=services_for(runtime, workspace_id), static_data=loaded.data)
    ctx = NodeContext(state, engine_node, dict(node_parameters(engine_node)), [[]], [], 0, [None])
    request.webhook_name = spec.name_for(request.method)
    try:
        result = spec.method(ctx, request)
    except Exception as exc:  # n8n answers 500 and starts nothing we could run
        logging.getLogger("automatelanka.webhooks").warning(
            "workflow %s: webhook method of node %r failed: %s", workflow_id, hook.node_name, exc)
        message = TRIGGER_ERROR.format(kind="Form" if hook.kind == "form" else "Webhook")
        return WebhookResult(response=HttpResponse(500, {"code": 0, "message": message}))
    if request.mode != "manual" and loaded.changes():
        with writing(runtime.engine) as conn:
            static_data.save(conn, workspace_id, workflow_id, loaded)
    return result


def trigger_answer(result: Any) -> Response | None:
    """What to answer at once for a webhook method's result (None: answer as the hook says)."""
    from automatelanka.engine.nodes._webhook import UNSET

    if result.response is not None:
        answer = result.response
        return Response(answer.status, answer.body, dict(answer.headers))
    if result.webhook_response is not UNSET:  # Express sends a string as text/html
        body = result.webhook_response
        return Response(200, body, {"content-type": "text/html; charset=utf-8"} if isinstance(body, str) else {})
    if result.items is None:
        return Response(200, dict(RECEIVED))
    return None
