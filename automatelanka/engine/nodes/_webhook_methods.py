"""n8n's ``webhookMethods`` (checkExists / create / delete) of the webhook-based service triggers.

Each class follows ``packages/nodes-base/nodes/<Service>/<Service>Trigger.node.ts`` of n8n 1.123
(nodes-base 1.121): the same requests, the same static data keys, the same answers (a ``create``
that returns False without raising still lets n8n activate the workflow). Base URLs: the
configured ``base_urls[<service>]`` replaces the service's API base (tests point it at fakes).
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base
from automatelanka.engine.nodes.telegram import telegram_secret_token
from automatelanka.engine.nodes.webhook_registration import Hook, webhook_methods

NODE = "n8n-nodes-base."


def _js(value: Any) -> str:
    """A value as a JavaScript template literal shows it (``undefined`` for a missing key)."""
    return "undefined" if value is None else str(value)


def _forget(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        data.pop(key, None)


def _find(hook: Hook, listed: Any, match: Callable[[dict[str, Any]], bool], id_key: str = "id",
          key: str = "webhookId") -> bool:
    """n8n's usual ``checkExists``: the first listed hook ``match`` accepts; its ``id_key`` is stored."""
    for item in listed or []:
        if isinstance(item, dict) and match(item):
            hook.data[key] = item.get(id_key)
            return True
    return False


def _keep(hook: Hook, created: Any, id_key: str = "id", key: str = "webhookId") -> bool:
    """The end of n8n's usual ``create``: no ``id_key`` in the answer -> False, else store it."""
    if not isinstance(created, dict) or created.get(id_key) is None:
        return False
    hook.data[key] = created[id_key]
    return True


_SECRET_KEYS = ("webhookId", "webhookEvents", "webhookSecret")


def _still_there(hook: Hook, fetch: Callable[[Any], Any], gone: Callable[[NodeError], bool]) -> bool:
    """``checkExists`` of a stored hook id: ``fetch(id)``; an error ``gone`` accepts forgets it."""
    try:
        fetch(hook.data["webhookId"])
    except NodeError as exc:
        if gone(exc):
            _forget(hook.data, *_SECRET_KEYS)
            return False
        raise
    return True


def _delete(hook: Hook, send: Callable[[Any], Any], *forget: str, key: str = "webhookId",
            always: bool = False) -> bool:
    """n8n's usual ``delete``: with a stored ``key`` (or ``always``), ``send(stored)``; an error
    answers False and keeps the data, else ``forget`` (default ``key``) is removed."""
    stored = hook.data.get(key)
    if stored is None and not always:
        return True
    try:
        send(stored)
    except NodeError:
        return False
    _forget(hook.data, *(forget or (key,)))
    return True


def _configured(hook: Hook, service: str) -> str | None:
    value = hook.ctx.state.services.base_urls.get(service)
    return value.rstrip("/") if value else None


# --- Telegram ------------------------------------------------------------------------------------


def _telegram(hook: Hook, endpoint: str, body: dict[str, Any] | None = None) -> Any:
    """``apiRequest('POST', endpoint, body)``: ``<baseUrl>/bot<token>/<endpoint>`` (empty body: none)."""
    fields = credential(hook.ctx, "telegramApi") or {}
    base = api_base(hook.ctx, "telegram", "https://api.telegram.org", fields)
    kwargs = {"json": body} if body else {}
    return request(hook.ctx, "POST", f"{base}/bot{fields.get('accessToken') or ''}/{endpoint}", **kwargs).json()


@webhook_methods(NODE + "telegramTrigger")
class Telegram:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        info = _telegram(hook, "getWebhookInfo")
        return (info.get("result") or {}).get("url") == hook.url

    @staticmethod
    def create(hook: Hook) -> bool:
        updates = hook.param("updates", []) or []
        if "*" in updates:
            updates = []
        _telegram(hook, "setWebhook", {"url": hook.url, "allowed_updates": updates,
                                       "secret_token": telegram_secret_token(hook.workflow_id, hook.node.id)})
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        try:
            _telegram(hook, "deleteWebhook")
        except NodeError:
            return False
        return True


# --- GitHub --------------------------------------------------------------------------------------

_GITHUB_REFUSED = "Github refused to create the webhook for this workflow"


def _github_refusal(error: NodeError) -> NodeError:
    advice = ("If a webhook for this URL already exists on the repository, delete it there and activate the "
              "workflow again.")
    reason = error.description
    return NodeError(_GITHUB_REFUSED, description=f"Github said: {reason}. {advice}" if reason else advice)


def _github(hook: Hook) -> tuple[Any, str]:
    from automatelanka.engine.nodes.github import _Api

    return _Api(hook.ctx), f"/repos/{hook.value('owner')}/{hook.value('repository')}/hooks"


@webhook_methods(NODE + "githubTrigger")
class GitHub:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        data = hook.data
        if data.get("webhookId") is None or not data.get("webhookSecret"):
            return False
        api, endpoint = _github(hook)
        return _still_there(hook, lambda webhook_id: api.call("GET", f"{endpoint}/{webhook_id}", 0),
                            lambda exc: exc.http_code == "404")

    @staticmethod
    def create(hook: Hook) -> bool:
        if "//localhost" in hook.url:
            raise NodeError('The Webhook can not work on "localhost". Please set up n8n on a custom domain or '
                            "use a tunneling service.")
        api, endpoint = _github(hook)
        events = hook.param("events", []) or []
        secret = secrets.token_hex(32)
        config = {"url": hook.url, "content_type": "json",
                  "insecure_ssl": "1" if (hook.param("options", {}) or {}).get("insecureSSL") else "0",
                  "secret": secret}
        data = hook.data
        try:
            created = api.call("POST", endpoint, 0, body={"name": "web", "config": config, "events": events,
                                                           "active": True}) or {}
        except NodeError as exc:
            if exc.http_code == "422":
                return GitHub._adopt(hook, api, endpoint, exc, config, events, secret)
            if exc.http_code == "404":
                raise NodeError("Check that the repository exists and that you have permission to create the "
                                "webhooks this node requires") from None
            raise
        if created.get("id") is None or created.get("active") is not True:
            raise NodeApiError("Github webhook creation response did not contain the expected data.")
        data["webhookId"] = created["id"]
        data["webhookEvents"] = created.get("events")
        data["webhookSecret"] = secret
        return True

    @staticmethod
    def _adopt(hook: Hook, api: Any, endpoint: str, refusal: NodeError, config: dict[str, Any],
               events: list[Any], secret: str) -> bool:
        """422 (the hook exists): take over our own stored hook when it points at this URL."""
        data = hook.data
        if data.get("webhookId") is None:
            raise _github_refusal(refusal) from None
        try:
            existing = api.call("GET", f"{endpoint}/{data['webhookId']}", 0) or {}
        except NodeError as exc:
            if exc.http_code == "404":
                raise _github_refusal(refusal) from None
            raise
        if (existing.get("config") or {}).get("url") != hook.url:
            raise _github_refusal(refusal) from None
        try:
            patched = api.call("PATCH", f"{endpoint}/{existing.get('id')}", 0,
                               body={"config": config, "events": events, "active": True}) or {}
        except NodeApiError as exc:
            exc.message = ("The Github webhook for this URL already exists but could not be updated with a "
                           "signing secret")
            exc.description = " ".join(filter(None, [
                exc.description, "Check that the credential is allowed to manage this repository's webhooks, or "
                                 "delete the webhook on Github and activate the workflow again."]))
            raise
        if patched.get("active") is not True:
            raise NodeApiError("Github did not apply the update to the existing webhook",
                               description="The webhook exists but could not be enabled with a signing secret. "
                                           "Delete it on Github and activate the workflow again.")
        data["webhookId"] = str(existing.get("id"))
        data["webhookEvents"] = existing.get("events")
        data["webhookSecret"] = secret
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        def send(webhook_id: Any) -> None:
            api, endpoint = _github(hook)
            api.call("DELETE", f"{endpoint}/{webhook_id}", 0)

        return _delete(hook, send, *_SECRET_KEYS)


# --- Typeform ------------------------------------------------------------------------------------


def _typeform(hook: Hook) -> Api:
    base = _configured(hook, "typeform") or "https://api.typeform.com"
    if hook.param("authentication", "accessToken") == "accessToken":
        fields = credential(hook.ctx, "typeformApi") or {}
        return Api(hook.ctx, base, "typeformApi", fields=fields,
                   auth={"header": ("Authorization", f"bearer {fields.get('accessToken') or ''}")})
    return Api(hook.ctx, base, "typeformOAuth2Api")


def _random_tag() -> str:
    return "n8n-" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10)).lower()


@webhook_methods(NODE + "typeformTrigger")
class Typeform:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        form_id = hook.param("formId", "")
        listed = (_typeform(hook).call("GET", f"forms/{form_id}/webhooks") or {}).get("items")
        return _find(hook, listed, lambda item: item.get("form_id") == form_id and item.get("url") == hook.url, "tag")

    @staticmethod
    def create(hook: Hook) -> bool:
        tag = _random_tag()
        _typeform(hook).call("PUT", f"forms/{hook.param('formId', '')}/webhooks/{tag}",
                             body={"url": hook.url, "enabled": True, "verify_ssl": True})
        hook.data["webhookId"] = tag
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda tag: _typeform(hook).call(
            "DELETE", f"forms/{hook.param('formId', '')}/webhooks/{tag}"))


# --- Stripe --------------------------------------------------------------------------------------


def form_pairs(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``qs.stringify`` of n8n's ``form`` bodies: ``a[0]=x``, ``a[b]=y``; ``None`` left out."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in form_pairs(v, f"{prefix}[{k}]" if prefix else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in form_pairs(v, f"{prefix}[{i}]")]
    if value is None:
        return []
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]


def _stripe(hook: Hook, method: str, endpoint: str, body: dict[str, Any] | None = None) -> Any:
    """``stripeApiRequest``: form-encoded body, ``Authorization: Bearer <secretKey>``."""
    fields = credential(hook.ctx, "stripeApi") or {}
    kwargs: dict[str, Any] = {}
    if body:
        kwargs = {"content": urlencode(form_pairs(body)),
                  "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    response = request(hook.ctx, method, base_url(hook.ctx, "stripe", "https://api.stripe.com/v1") + endpoint,
                       auth={"bearer": str(fields.get("secretKey") or "")}, **kwargs)
    return response.json() if response.content else {}


@webhook_methods(NODE + "stripeTrigger")
class Stripe:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        if hook.data.get("webhookId") is None:
            return False
        return _still_there(hook, lambda webhook_id: _stripe(hook, "GET", f"/webhook_endpoints/{webhook_id}"),
                            lambda exc: exc.http_code == "404" or "resource_missing" in exc.message)

    @staticmethod
    def create(hook: Hook) -> bool:
        body: dict[str, Any] = {"url": hook.url, "description": f"Created by n8n for workflow ID: {hook.workflow_id}",
                                "enabled_events": hook.param("events", []) or []}
        api_version = hook.param("apiVersion", "")
        if api_version:
            body["api_version"] = api_version
        created = _stripe(hook, "POST", "/webhook_endpoints", body)
        if created.get("id") is None or created.get("secret") is None or created.get("status") != "enabled":
            raise NodeApiError("Stripe webhook creation response did not contain the expected data.")
        hook.data.update(webhookId=created["id"], webhookEvents=created.get("enabled_events"),
                         webhookSecret=created["secret"])
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda webhook_id: _stripe(hook, "DELETE", f"/webhook_endpoints/{webhook_id}"),
                       *_SECRET_KEYS)


# --- Shopify -------------------------------------------------------------------------------------


def _shopify(hook: Hook) -> Api:
    """``shopifyApiRequest``: API key (basic), access token (X-Shopify-Access-Token) or OAuth2."""
    how = hook.param("authentication", "apiKey")
    kind = {"apiKey": "shopifyApi", "accessToken": "shopifyAccessTokenApi"}.get(how, "shopifyOAuth2Api")
    fields = credential(hook.ctx, kind) or {}
    base = _configured(hook, "shopify") or f"https://{fields.get('shopSubdomain')}.myshopify.com/admin/api/2024-07"
    if kind == "shopifyApi":
        return Api(hook.ctx, base, kind, fields=fields, auth={"basic": (fields.get("apiKey"), fields.get("password"))})
    if kind == "shopifyAccessTokenApi":
        return Api(hook.ctx, base, kind, fields=fields,
                   auth={"header": ("X-Shopify-Access-Token", str(fields.get("accessToken") or ""))})
    return Api(hook.ctx, base, kind, fields=fields)


@webhook_methods(NODE + "shopifyTrigger")
class Shopify:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        listed = _shopify(hook).call("GET", "/webhooks", qs={"topic": hook.param("topic", "")}) or {}
        return _find(hook, listed.get("webhooks"), lambda webhook: webhook.get("address") == hook.url)

    @staticmethod
    def create(hook: Hook) -> bool:
        body = {"webhook": {"topic": hook.param("topic", ""), "address": hook.url, "format": "json"}}
        return _keep(hook, (_shopify(hook).call("POST", "/webhooks.json", body=body) or {}).get("webhook"))

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda webhook_id: _shopify(hook).call("DELETE", f"/webhooks/{webhook_id}.json"))


# --- Calendly ------------------------------------------------------------------------------------


def _calendly(hook: Hook) -> tuple[Api, str]:
    """``calendlyApiRequest`` and the authentication type (``apiKey``: the v1 API, else ``accessToken``)."""
    headers = {"Content-Type": "application/json"}
    if hook.param("authentication", "apiKey") != "apiKey":
        return Api(hook.ctx, _configured(hook, "calendly") or "https://api.calendly.com", "calendlyOAuth2Api",
                   headers=headers), "accessToken"
    fields = credential(hook.ctx, "calendlyApi") or {}
    key = str(fields.get("apiKey") or "")
    kind = "accessToken" if "." in key else "apiKey"  # a personal access token is a JWT
    auth = {"bearer": key} if kind == "accessToken" else {"header": ("X-TOKEN", key)}
    default = "https://api.calendly.com" if kind == "accessToken" else "https://calendly.com/api/v1"
    return Api(hook.ctx, _configured(hook, "calendly") or default, "calendlyApi", fields=fields, auth=auth,
               headers=headers), kind


def _calendly_owner(hook: Hook, api: Api) -> dict[str, Any]:
    return (api.call("GET", "/users/me") or {}).get("resource") or {}


@webhook_methods(NODE + "calendlyTrigger")
class Calendly:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        api, kind = _calendly(hook)
        events = hook.param("events", []) or []
        if kind == "apiKey":
            for webhook in (api.call("GET", "/hooks") or {}).get("data") or []:
                attributes = webhook.get("attributes") or {}
                if attributes.get("url") == hook.url and any(e not in (attributes.get("events") or [])
                                                             for e in events):
                    return False
                # n8n returns here for the first hook listed, whatever its URL
                hook.data["webhookId"] = webhook.get("id")
                return True
            return False
        scope = hook.param("scope", "user")
        owner = _calendly_owner(hook, api)
        qs: dict[str, Any] = {}
        if scope == "user":
            qs = {"scope": "user", "organization": owner.get("current_organization"), "user": owner.get("uri")}
        elif scope == "organization":
            qs = {"scope": "organization", "organization": owner.get("current_organization")}
        def same(webhook: dict[str, Any]) -> bool:
            listed = webhook.get("events") or []
            return webhook.get("callback_url") == hook.url and len(events) == len(listed) \
                and all(e in listed for e in events)

        collection = (api.call("GET", "/webhook_subscriptions", qs=qs) or {}).get("collection")
        return _find(hook, collection, same, "uri", "webhookURI")

    @staticmethod
    def create(hook: Hook) -> bool:
        api, kind = _calendly(hook)
        events = hook.param("events", []) or []
        if kind == "apiKey":
            return _keep(hook, api.call("POST", "/hooks", body={"url": hook.url, "events": events}))
        scope = hook.param("scope", "user")
        owner = _calendly_owner(hook, api)
        body = {"url": hook.url, "events": events, "organization": owner.get("current_organization"), "scope": scope}
        if scope == "user":
            body["user"] = owner.get("uri")
        resource = (api.call("POST", "/webhook_subscriptions", body=body) or {}).get("resource")
        return _keep(hook, resource, "uri", "webhookURI")

    @staticmethod
    def delete(hook: Hook) -> bool:
        api, kind = _calendly(hook)
        if kind == "apiKey":
            return _delete(hook, lambda webhook_id: api.call("DELETE", f"/hooks/{webhook_id}"))
        return _delete(hook, lambda uri: api.call("DELETE", str(uri)), key="webhookURI")


# --- Pipedrive -----------------------------------------------------------------------------------


def _pipedrive(hook: Hook) -> Any:
    from automatelanka.engine.nodes.pipedrive import _Client

    return _Client(hook.ctx)


def _pipedrive_event(hook: Hook) -> tuple[Any, Any]:
    """``(action, object)``: v1 names the object ``object``, later versions ``entity``."""
    return hook.param("action", "*"), hook.param("object" if hook.node.type_version == 1 else "entity", "*")


def _basic_auth(hook: Hook) -> dict[str, Any] | None:
    try:
        return credential(hook.ctx, "httpBasicAuth", required=False)
    except Exception:  # n8n: "Do nothing"
        return None


@webhook_methods(NODE + "pipedriveTrigger")
class Pipedrive:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        action, entity = _pipedrive_event(hook)
        listed = _pipedrive(hook).call("GET", "/webhooks", 0, {}, {})["data"]
        return _find(hook, listed, lambda w: (w.get("subscription_url"), w.get("event_action"), w.get("event_object"))
                     == (hook.url, action, entity))

    @staticmethod
    def create(hook: Hook) -> bool:
        action, entity = _pipedrive_event(hook)
        body: dict[str, Any] = {"event_action": action, "event_object": entity, "subscription_url": hook.url}
        if hook.param("incomingAuthentication", "none") == "basicAuth":
            basic = _basic_auth(hook)
            if not basic or not basic.get("user") or not basic.get("password"):
                return False
            body.update(http_auth_user=basic["user"], http_auth_password=basic["password"])
        return _keep(hook, _pipedrive(hook).call("POST", "/webhooks", 0, body, {})["data"])

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda webhook_id: _pipedrive(hook).call("DELETE", f"/webhooks/{webhook_id}", 0, {}, {}),
                       "webhookId", "webhookEvents")


# --- WooCommerce ---------------------------------------------------------------------------------


def _woocommerce(hook: Hook) -> tuple[Api, dict[str, Any]]:
    """``woocommerceApiRequest``: ``<url>/wp-json/wc/v3``, consumer key and secret (basic, or query)."""
    fields = credential(hook.ctx, "wooCommerceApi") or {}
    base = _configured(hook, "woocommerce") or f"{str(fields.get('url') or '').rstrip('/')}/wp-json/wc/v3"
    key, secret = str(fields.get("consumerKey") or ""), str(fields.get("consumerSecret") or "")
    auth = {"query_params": {"consumer_key": key, "consumer_secret": secret}} \
        if fields.get("includeCredentialsInQuery") is True else {"basic": (key, secret)}
    return Api(hook.ctx, base, "wooCommerceApi", fields=fields, auth=auth), fields


@webhook_methods(NODE + "wooCommerceTrigger")
class WooCommerce:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        api, _ = _woocommerce(hook)
        event = hook.param("event", "")
        listed = api.call("GET", "/webhooks", qs={"status": "active", "per_page": 100})
        return _find(hook, listed, lambda w: (w.get("status"), w.get("delivery_url"), w.get("topic"))
                     == ("active", hook.url, event))

    @staticmethod
    def create(hook: Hook) -> bool:
        api, fields = _woocommerce(hook)
        secret = hashlib.md5(f"{fields.get('consumerKey')},{fields.get('consumerSecret')}".encode()).hexdigest()
        created = api.call("POST", "/webhooks", body={"delivery_url": hook.url, "topic": hook.param("event", ""),
                                                      "secret": secret}) or {}
        hook.data.update(webhookId=created.get("id"), secret=secret)
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        api, _ = _woocommerce(hook)
        return _delete(hook, lambda webhook_id: api.call("DELETE", f"/webhooks/{_js(webhook_id)}", qs={"force": True}),
                       "webhookId", "secret", always=True)


# --- Webflow -------------------------------------------------------------------------------------


def _webflow(hook: Hook) -> tuple[Api, bool]:
    """``webflowApiRequest``: v1 (``accept-version: 1.0.0``, access token or OAuth2), v2 (``/v2``, OAuth2)."""
    base = _configured(hook, "webflow") or "https://api.webflow.com"
    if hook.node.type_version != 1:
        return Api(hook.ctx, f"{base}/v2", "webflowOAuth2Api"), True
    headers = {"accept-version": "1.0.0"}
    if hook.param("authentication", "accessToken") == "accessToken":
        fields = credential(hook.ctx, "webflowApi") or {}
        return Api(hook.ctx, base, "webflowApi", fields=fields, headers=headers,
                   auth={"bearer": str(fields.get("accessToken") or "")}), False
    return Api(hook.ctx, base, "webflowOAuth2Api", headers=headers), False


@webhook_methods(NODE + "webflowTrigger")
class Webflow:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        api, v2 = _webflow(hook)
        listed = api.call("GET", f"/sites/{hook.param('site', '')}/webhooks")
        webhooks = (listed or {}).get("webhooks") if v2 else listed
        event = hook.param("event", "")
        return _find(hook, webhooks, lambda w: (w.get("url"), w.get("triggerType")) == (hook.url, event), "_id")

    @staticmethod
    def create(hook: Hook) -> bool:
        api, _ = _webflow(hook)
        site = hook.param("site", "")
        created = api.call("POST", f"/sites/{site}/webhooks",
                           body={"site_id": site, "triggerType": hook.param("event", ""), "url": hook.url}) or {}
        hook.data["webhookId"] = created.get("_id")
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        api, v2 = _webflow(hook)
        webhook_id = hook.data.get("webhookId")
        if v2 and not webhook_id:
            return True
        try:
            answer = api.call("DELETE", f"/sites/{hook.param('site', '')}/webhooks/{_js(webhook_id)}")
        except NodeError:
            return False
        if not (answer or {}).get("deleted"):
            return False
        _forget(hook.data, "webhookId")
        return True


# --- Linear --------------------------------------------------------------------------------------

_LINEAR_WEBHOOKS = "query { webhooks { nodes { id url enabled team { id name } } } }"
_LINEAR_CREATE = ("mutation webhookCreate($url: String!, $teamId: String!, $resources: [String!]!) { "
                  "webhookCreate(input: {url: $url teamId: $teamId resourceTypes: $resources}) "
                  "{ success webhook { id enabled } } }")
_LINEAR_DELETE = "mutation webhookDelete($id: String!){ webhookDelete(id: $id) { success } }"


def _linear(hook: Hook, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    from automatelanka.engine.nodes.linear import _Linear

    return _Linear(hook.ctx).graphql(query, variables, 0).get("data") or {}


@webhook_methods(NODE + "linearTrigger")
class Linear:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        team = hook.param("teamId", "")
        nodes = (_linear(hook, _LINEAR_WEBHOOKS, {}).get("webhooks") or {}).get("nodes")
        return _find(hook, nodes, lambda n: n.get("url") == hook.url and (n.get("team") or {}).get("id") == team
                     and n.get("enabled") is True)

    @staticmethod
    def create(hook: Hook) -> bool:
        resources = [str(r)[:1].upper() + str(r)[1:] for r in hook.param("resources", []) or []]
        answer = _linear(hook, _LINEAR_CREATE, {"url": hook.url, "teamId": hook.param("teamId", ""),
                                                "resources": resources}).get("webhookCreate") or {}
        if not answer.get("success"):
            return False
        hook.data["webhookId"] = (answer.get("webhook") or {}).get("id")
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda webhook_id: _linear(hook, _LINEAR_DELETE, {"id": webhook_id}))


# --- Gumroad -------------------------------------------------------------------------------------


def _gumroad(hook: Hook, method: str, endpoint: str, body: dict[str, Any] | None = None) -> Any:
    """``gumroadApiRequest``: the access token travels in the JSON body of every request."""
    fields = credential(hook.ctx, "gumroadApi") or {}
    api = Api(hook.ctx, _configured(hook, "gumroad") or "https://api.gumroad.com/v2")
    return api.call(method, endpoint, body={"access_token": fields.get("accessToken"), **(body or {})}) or {}


@webhook_methods(NODE + "gumroadTrigger")
class Gumroad:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        webhook_id = hook.data.get("webhookId")
        if webhook_id is None:
            return False
        listed = _gumroad(hook, "GET", "/resource_subscriptions").get("resource_subscriptions")
        return isinstance(listed, list) and any(r.get("id") == webhook_id for r in listed)

    @staticmethod
    def create(hook: Hook) -> bool:
        created = _gumroad(hook, "PUT", "/resource_subscriptions",
                           {"post_url": hook.url, "resource_name": hook.param("resource", "")})
        hook.data["webhookId"] = (created.get("resource_subscription") or {}).get("id")
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        try:
            answer = _gumroad(hook, "DELETE", f"/resource_subscriptions/{_js(hook.data.get('webhookId'))}")
        except NodeError:
            return False
        if not answer.get("success"):
            return False
        _forget(hook.data, "webhookId")
        return True


# --- Lemlist -------------------------------------------------------------------------------------


def _lemlist(hook: Hook) -> Api:
    """``lemlistApiRequest``: basic auth with an empty user and the API key, ``user-agent: n8n``."""
    fields = credential(hook.ctx, "lemlistApi") or {}
    return Api(hook.ctx, _configured(hook, "lemlist") or "https://api.lemlist.com/api", "lemlistApi", fields=fields,
               auth={"basic": ("", fields.get("apiKey"))}, headers={"user-agent": "n8n"})


@webhook_methods(NODE + "lemlistTrigger")
class Lemlist:
    @staticmethod
    def check_exists(hook: Hook) -> bool:
        api = _lemlist(hook)
        for webhook in api.call("GET", "/hooks") or []:
            if webhook.get("targetUrl") == hook.url:
                # n8n deletes the hook it stored (not the one found) and creates a new one
                api.call("DELETE", f"/hooks/{_js(hook.data.get('webhookId'))}")
                return False
        return False

    @staticmethod
    def create(hook: Hook) -> bool:
        event = hook.param("event", "")
        body: dict[str, Any] = {"targetUrl": hook.url, "type": event}
        if "*" in str(event):
            del body["type"]
        body.update(hook.param("options", {}) or {})
        created = _lemlist(hook).call("POST", "/hooks", body=body) or {}
        hook.data["webhookId"] = created.get("_id")
        return True

    @staticmethod
    def delete(hook: Hook) -> bool:
        return _delete(hook, lambda webhook_id: _lemlist(hook).call("DELETE", f"/hooks/{_js(webhook_id)}"),
                       always=True)
