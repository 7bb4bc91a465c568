"""Airtop (n8n-nodes-base.airtop and airtopTool, v1 and v1.1): cloud browser sessions over the REST API.

Base: configured ``airtop`` base URL, else https://api.airtop.ai/api/v1 (agent hooks: ``airtopHooks``,
else https://api.airtop.ai/api/hooks); airtopApi credential (``apiKey`` sent as ``Authorization:
Bearer`` and ``api-key``), with n8n's ``x-airtop-sdk-*`` headers. Parameters are filled from n8n's own
descriptions (:mod:`airtop_props`), so defaults (``sessionId = {{ $json["sessionId"] }}``...) and
hidden parameters behave as in n8n.

Supported:
- session: create (polls ``GET /sessions/{id}`` every second until ``running``, 5 min timeout,
  through the injectable ``services.sleep``), save, terminate;
- window: create (optionally with the Live View), close, getLiveView, list, load, takeScreenshot
  (base64 text or a binary ``data`` property);
- interaction: click, type, hover, scroll, fill (async automation polled until completed);
- extraction: query, getPaginated, scrape, with "Automatically Create Session" (a session and a
  window are created first and the session terminated after, or on error);
- agent: run (with or without waiting for the result);
- file: get (without binary download), getMany (paged with returnAll), deleteFile.

Not supported yet (fail with "not supported yet"): session waitForDownload (a server-sent event
stream), file upload and load, and file get with "Output Binary File".

As n8n's router does, under continue-on-fail a failing first item becomes ``{json: <input json>,
error}``; a failing later item fails the node (n8n reads ``getInputData(i)[0]`` there).
"""

from __future__ import annotations

import base64
import copy
import re
import time
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api, parse_json_param
from automatelanka.engine.nodes._svc import unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Airtop"
BASE_URL = "https://api.airtop.ai/api/v1"
HOOKS_URL = "https://api.airtop.ai/api/hooks"
#: n8n sends the n8n-nodes-base package version (``N8N_VERSION`` when the env sets it).
SDK_VERSION = "1.121.53"
#: Session creation and form filling give up after this long (n8n's ``OPERATION_TIMEOUT``).
OPERATION_TIMEOUT_MS = 5 * 60 * 1000
MIN_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES = 1, 10080
AGENT_MIN_TIMEOUT_SECONDS = 10

ERRORS = {
    "SESSION_ID_REQUIRED": "Please fill the 'Session ID' parameter",
    "WINDOW_ID_REQUIRED": "Please fill the 'Window ID' parameter",
    "PROFILE_NAME_INVALID": "'Profile Name' should only contain letters, numbers and dashes",
    "TIMEOUT_MINUTES_INVALID": f"Timeout must be between {MIN_TIMEOUT_MINUTES} and {MAX_TIMEOUT_MINUTES} minutes",
    "TIMEOUT_REACHED": "Timeout reached while waiting for the operation to complete",
    "AGENT_TIMEOUT_INVALID": f"Timeout must be at least {AGENT_MIN_TIMEOUT_SECONDS} seconds",
    "AGENT_INVALID_WEBHOOK_URL": "Invalid agent webhook URL. Expected format: "
                                 "https://api.airtop.ai/api/hooks/agents/<agentId>/webhooks/...",
    "URL_INVALID": "'URL' must start with 'http' or 'https'",
    "PROFILE_NAME_REQUIRED": "'Profile Name' is required when 'Save Profile' is enabled",
    "REQUIRED_PARAMETER": "Please fill the '{field}' parameter",
    "SCREEN_RESOLUTION_INVALID": "'Screen Resolution' must be in the format 'width x height' (e.g. '1280x720')",
    "SCROLL_BY_AMOUNT_INVALID": "'Scroll By' amount must be a number and either a percentage or pixels "
                                "(e.g. '100px' or '100%')",
    "SCROLL_MODE_INVALID": "Please fill any of the 'Scroll To Edge' or 'Scroll By' parameters",
}


# -- plumbing ----------------------------------------------------------------------------------------


class Airtop:
    """One node run: the API client, the sleep used while polling, and parameter access."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._api: Api | None = None
        self.hooks = base_url(ctx, "airtopHooks", HOOKS_URL)
        self.sleep = getattr(ctx.state.services, "sleep", None) or time.sleep

    @property
    def api(self) -> Api:
        """The client, made at the first request (n8n reads the credential only then)."""
        if self._api is None:
            headers = {"Content-Type": "application/json", "x-airtop-sdk-environment": "n8n",
                       "x-airtop-sdk-version": SDK_VERSION}
            fields = _credential(self.ctx)
            key = str(fields.get("apiKey") or "")
            self._api = Api(self.ctx, base_url(self.ctx, "airtop", BASE_URL), fields=fields,
                            auth={"headers": {"Authorization": f"Bearer {key}", "api-key": key}}, headers=headers)
        return self._api

    def param(self, name: str, i: int, default: Any = None) -> Any:
        return self.ctx.param(name, i, default)

    def request(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
                qs: dict[str, Any] | None = None) -> Any:
        """n8n's ``apiRequest``: an empty body is not sent; the answer is decoded JSON."""
        return self.api.call(method, endpoint, i, body=body or None, qs=qs or None)

    def wait_second(self, waited: list[float]) -> None:
        self.sleep(1)
        waited[0] += 1

    def elapsed_ms(self, started: float, waited: list[float]) -> float:
        """Time since ``started``: the wall clock, or the seconds slept when sleeping is faked."""
        return max((time.monotonic() - started) * 1000, waited[0] * 1000)


def _credential(ctx: NodeContext) -> dict[str, Any]:
    from automatelanka.engine.nodes._http import credential

    return credential(ctx, "airtopApi") or {}


def _spread(value: Any) -> dict[str, Any]:
    """JavaScript ``{...value}``."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str | list):
        return {str(k): v for k, v in enumerate(value)}
    return {}


def _text(value: Any) -> str:
    """``(value || '').trim()`` for the string parameters n8n trims."""
    if value is None or value is False or value == "":
        return ""
    return str(value).strip()


def _api_error(message: str, i: int, code: int | None = None) -> NodeApiError:
    """``new NodeApiError(node, {message, code})`` as n8n words it."""
    if code == 500:
        return NodeApiError("The service was not able to process your request", description=message,
                            http_code="500", item_index=i)
    return NodeApiError(message, item_index=i)


def _check_response(response: Any, i: int) -> None:
    """``validateAirtopApiResponse``: the API's ``errors`` array fails the item."""
    errors = response.get("errors") if isinstance(response, dict) else None
    if isinstance(errors, list) and errors:
        texts = [str(e.get("message")) if isinstance(e, dict) and e.get("message") is not None else ""
                 for e in errors]
        raise NodeApiError("\n".join(texts), item_index=i)


def _required(at: Airtop, i: int, name: str, label: str) -> str:
    value = _text(at.param(name, i, ""))
    if not value:
        raise NodeError(ERRORS["REQUIRED_PARAMETER"].format(field=label), item_index=i)
    return value


def _session_id(at: Airtop, i: int) -> str:
    value = _text(at.param("sessionId", i, ""))
    if not value:
        raise NodeError(ERRORS["SESSION_ID_REQUIRED"], item_index=i)
    return value


def _session_and_window(at: Airtop, i: int) -> tuple[str, str]:
    session_id = _text(at.param("sessionId", i, ""))
    window_id = _text(at.param("windowId", i, ""))
    if not session_id:
        raise NodeError(ERRORS["SESSION_ID_REQUIRED"], item_index=i)
    if not window_id:
        raise NodeError(ERRORS["WINDOW_ID_REQUIRED"], item_index=i)
    return session_id, window_id


def _profile_name(at: Airtop, i: int) -> str:
    value = _text(at.param("profileName", i))
    if value and not re.fullmatch(r"[a-zA-Z0-9-]+", value):
        raise NodeError(ERRORS["PROFILE_NAME_INVALID"], item_index=i)
    return value


def _url(at: Airtop, i: int) -> str:
    value = _text(at.param("url", i))
    if value and not value.startswith("http"):
        raise NodeError(ERRORS["URL_INVALID"], item_index=i)
    return value


def _screen_resolution(at: Airtop, i: int, value: Any) -> str:
    text = _text(value).lower()
    if text and not re.fullmatch(r"\d{3,4}x\d{3,4}", text):
        raise NodeError(ERRORS["SCREEN_RESOLUTION_INVALID"], item_index=i)
    return text


# -- sessions ----------------------------------------------------------------------------------------


def create_session(at: Airtop, i: int, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``POST /sessions``, then poll ``GET /sessions/{id}`` once a second until it is running."""
    response = at.request("POST", "/sessions", i, body)
    data = response.get("data") if isinstance(response, dict) else None
    session_id = data.get("id") if isinstance(data, dict) else None
    if not session_id:
        raise _api_error("Failed to create session", i, 500)
    status = data.get("status")
    started, waited = time.monotonic(), [0.0]
    while status != "running":
        if at.elapsed_ms(started, waited) > OPERATION_TIMEOUT_MS:
            raise _api_error(ERRORS["TIMEOUT_REACHED"], i, 500)
        at.wait_second(waited)
        polled = at.request("GET", f"/sessions/{session_id}", i)
        polled_data = polled.get("data") if isinstance(polled, dict) else None
        if not isinstance(polled_data, dict):
            raise NodeError("Cannot read properties of undefined (reading 'status')", item_index=i)
        status = polled_data.get("status")
    return str(session_id), _spread(response)


def _js_number(value: Any) -> float:
    """``Number(value)`` for the comparisons n8n makes (NaN when not numeric)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip() or 0)
    except ValueError:
        return float("nan")


def _proxy(at: Airtop, i: int) -> Any:
    kind = at.param("proxy", i, "")
    config = at.param("proxyConfig", i, "")
    if kind == "integrated":
        return dict(config) if isinstance(config, dict) and config else True
    if kind == "proxyUrl":
        return _required(at, i, "proxyUrl", "Proxy URL")
    return False


def session_create(at: Airtop, i: int) -> Any:
    profile = _profile_name(at, i)
    record = at.param("record", i, False)
    minutes = at.param("timeoutMinutes", i, 10)
    if not MIN_TIMEOUT_MINUTES <= _js_number(minutes) <= MAX_TIMEOUT_MINUTES:
        raise NodeError(ERRORS["TIMEOUT_MINUTES_INVALID"], item_index=i)
    save = at.param("saveProfileOnTermination", i, False)
    if save and not profile:
        raise NodeError(ERRORS["PROFILE_NAME_REQUIRED"], item_index=i)
    proxy = _proxy(at, i)
    solve_captcha = at.param("additionalFields.solveCaptcha", i, False)
    extensions = at.param("additionalFields.extensionIds", i, "")
    configuration: dict[str, Any] = {"profileName": profile, "timeoutMinutes": minutes, "proxy": proxy,
                                     "solveCaptcha": solve_captcha, "record": record}
    if extensions:
        configuration["extensionIds"] = [part.strip() for part in str(extensions).split(",")]
    session_id, data = create_session(at, i, {"configuration": configuration})
    if save:
        at.request("PUT", f"/sessions/{session_id}/save-profile-on-termination/{profile}", i)
    return {"sessionId": session_id, **data}


def session_save(at: Airtop, i: int) -> Any:
    session_id = _session_id(at, i)
    _required(at, i, "profileName", "Profile Name")
    profile = _profile_name(at, i)
    response = at.request("PUT", f"/sessions/{session_id}/save-profile-on-termination/{profile}", i)
    _check_response(response, i)
    return {"sessionId": session_id, "profileName": profile, **_spread(response)}


def session_terminate(at: Airtop, i: int) -> Any:
    session_id = _session_id(at, i)
    response = at.request("DELETE", f"/sessions/{session_id}", i)
    _check_response(response, i)
    return {"success": True}


# -- windows -----------------------------------------------------------------------------------------


def window_create(at: Airtop, i: int) -> Any:
    session_id = _session_id(at, i)
    url = _url(at, i)
    additional = at.param("additionalFields", i) or {}
    live_view = at.param("getLiveView", i, False)
    navigation_bar = at.param("includeNavigationBar", i, False)
    resolution = _screen_resolution(at, i, at.param("screenResolution", i, ""))
    disable_resize = at.param("disableResize", i, False)
    response = at.request("POST", f"/sessions/{session_id}/windows", i, {"url": url, **_spread(additional)})
    data = response.get("data") if isinstance(response, dict) else None
    if not isinstance(data, dict) or not data.get("windowId"):
        raise _api_error("Failed to create window", i, 500)
    window_id = _js_string(data["windowId"])
    if live_view:
        qs: dict[str, Any] = {}
        if navigation_bar:
            qs["includeNavigationBar"] = True
        if resolution:
            qs["screenResolution"] = resolution
        if disable_resize:
            qs["disableResize"] = True
        response = at.request("GET", f"/sessions/{session_id}/windows/{window_id}", i, qs=qs)
    _check_response(response, i)
    return {"sessionId": session_id, "windowId": window_id, **_spread(response)}


def _js_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def window_close(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    response = at.request("DELETE", f"/sessions/{session_id}/windows/{window_id}", i)
    _check_response(response, i)
    return {"sessionId": session_id, "windowId": window_id, **_spread(response)}


def window_live_view(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    additional = at.param("additionalFields", i) or {}
    qs: dict[str, Any] = {}
    if additional.get("includeNavigationBar"):
        qs["includeNavigationBar"] = True
    if additional.get("screenResolution"):
        text = _text(additional["screenResolution"]).lower()
        if not re.fullmatch(r"\d{3,4}x\d{3,4}", text):
            raise NodeError(ERRORS["SCREEN_RESOLUTION_INVALID"], item_index=i)
        qs["screenResolution"] = text
    if additional.get("disableResize"):
        qs["disableResize"] = True
    response = at.request("GET", f"/sessions/{session_id}/windows/{window_id}", i, qs=qs)
    _check_response(response, i)
    return {"sessionId": session_id, "windowId": window_id, **_spread(response)}


def window_list(at: Airtop, i: int) -> Any:
    session_id = _session_id(at, i)
    response = at.request("GET", f"/sessions/{session_id}/windows", i)
    _check_response(response, i)
    return {"sessionId": session_id, **_spread(response)}


def window_load(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    _required(at, i, "url", "URL")
    url = _url(at, i)
    additional = at.param("additionalFields", i) or {}
    body = {"url": url}
    if additional.get("waitUntil") is not None:
        body["waitUntil"] = additional["waitUntil"]
    response = at.request("POST", f"/sessions/{session_id}/windows/{window_id}", i, body)
    _check_response(response, i)
    return {"sessionId": session_id, "windowId": window_id, **_spread(response)}


def window_screenshot(at: Airtop, i: int) -> Any:
    from automatelanka.engine import binary

    session_id, window_id = _session_and_window(at, i)
    as_binary = at.param("outputImageAsBinary", i, False)
    response = at.request("POST", f"/sessions/{session_id}/windows/{window_id}/screenshot", i)
    _check_response(response, i)
    meta = response.get("meta") if isinstance(response, dict) else None
    shots = meta.get("screenshots") if isinstance(meta, dict) else None
    image: Any = ""
    data = None
    if isinstance(shots, list) and shots:
        shot = shots[0] if isinstance(shots[0], dict) else {}
        if as_binary:
            encoded = str(shot.get("dataUrl") or "").replace("data:image/jpeg;base64,", "", 1)
            data = binary.prepare_binary(_node_base64(encoded), "screenshot.jpg", "image/jpeg")
        else:
            image = shot.get("dataUrl")
    item: dict[str, Any] = {"json": {"sessionId": session_id, "windowId": window_id}}
    if image is not None:  # an undefined dataUrl leaves the key out
        item["json"]["image"] = image
    if data is not None:
        item["binary"] = {"data": data}
    return item


def _node_base64(text: str) -> bytes:
    """``Buffer.from(text, 'base64')``: lenient (stops at the first invalid character)."""
    cleaned = re.sub(r"[^A-Za-z0-9+/=_-]", "", text).split("=")[0].replace("-", "+").replace("_", "/")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))


# -- interactions ------------------------------------------------------------------------------------


def _interaction(at: Airtop, i: int, parameters: dict[str, Any]) -> dict[str, Any]:
    """``constructInteractionRequest``: visual scope and navigation wait from additionalFields."""
    additional = at.param("additionalFields", i) or {}
    request = {**parameters, "configuration": dict(parameters.get("configuration") or {})}
    if additional.get("visualScope"):
        request["configuration"]["visualAnalysis"] = {"scope": additional["visualScope"]}
    if additional.get("waitForNavigation"):
        request["waitForNavigation"] = True
        request["configuration"]["waitForNavigationConfig"] = {"waitUntil": additional["waitForNavigation"]}
    return request


def _interact(at: Airtop, i: int, action: str, session_id: str, window_id: str, request: dict[str, Any]) -> Any:
    response = at.request("POST", f"/sessions/{session_id}/windows/{window_id}/{action}", i, request)
    _check_response(response, i)
    return {"sessionId": session_id, "windowId": window_id, **_spread(response)}


def interaction_click(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    element = _required(at, i, "elementDescription", "Element Description")
    click_type = _required(at, i, "clickType", "Click Type")
    request = _interaction(at, i, {"elementDescription": element, "configuration": {"clickType": click_type}})
    return _interact(at, i, "click", session_id, window_id, request)


def interaction_hover(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    element = _required(at, i, "elementDescription", "Element Description")
    return _interact(at, i, "hover", session_id, window_id, _interaction(at, i, {"elementDescription": element}))


def interaction_type(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    text = _required(at, i, "text", "Text")
    parameters = {"text": text, "pressEnterKey": at.param("pressEnterKey", i),
                  "elementDescription": at.param("elementDescription", i)}
    request = _interaction(at, i, {k: v for k, v in parameters.items() if v is not None})
    return _interact(at, i, "type", session_id, window_id, request)


_SCROLL_BY = re.compile(r"-?\d{1,3}(?:%|px)")


def interaction_scroll(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    mode = at.param("scrollingMode", i, "automatic")
    to_edge = at.param("scrollToEdge.edgeValues", i, {}) or {}
    scroll_by = at.param("scrollBy.scrollValues", i, {}) or {}
    if mode == "manual" and not (scroll_by.get("xAxis") or scroll_by.get("yAxis")) \
            and not (to_edge.get("xAxis") or to_edge.get("yAxis")):
        raise NodeError(ERRORS["SCROLL_MODE_INVALID"], item_index=i)
    automatic = mode == "automatic"
    element = _required(at, i, "scrollToElement", "Element Description") if automatic else ""
    if not (scroll_by.get("xAxis") or scroll_by.get("yAxis")):
        scroll_by = {}
    elif not all(_SCROLL_BY.fullmatch(str(v)) for v in (scroll_by.get("xAxis"), scroll_by.get("yAxis")) if v):
        raise NodeError(ERRORS["SCROLL_BY_AMOUNT_INVALID"], item_index=i)
    within = at.param("scrollWithin", i, "")
    request: dict[str, Any] = {}
    if not automatic:
        request["scrollToEdge"] = to_edge
        request["scrollBy"] = scroll_by
    else:
        request["scrollToElement"] = element
    if within:
        request["scrollWithin"] = within
    return _interact(at, i, "scroll", session_id, window_id, _interaction(at, i, request))


def interaction_fill(at: Airtop, i: int) -> Any:
    session_id, window_id = _session_and_window(at, i)
    form_data = _required(at, i, "formData", "Form Data")
    started = at.request("POST", f"/async/sessions/{session_id}/windows/{window_id}/execute-automation", i,
                         {"automationId": "auto", "parameters": {"customData": form_data}})
    request_id = started.get("requestId") if isinstance(started, dict) else None
    begun, waited = time.monotonic(), [0.0]
    while True:
        status_response = at.request("GET", f"/requests/{_js_text(request_id)}/status", i)
        status = (status_response.get("status") if isinstance(status_response, dict) else None) or ""
        _check_response(status_response, i)
        if status in ("completed", "error"):
            break
        if at.elapsed_ms(begun, waited) >= OPERATION_TIMEOUT_MS:
            raise _api_error(ERRORS["TIMEOUT_REACHED"], i, 500)
        at.wait_second(waited)
    return {"sessionId": session_id, "windowId": window_id, **_spread(status_response)}


def _js_text(value: Any) -> str:
    """A value in a JavaScript template string."""
    if value is None:
        return "undefined"
    return _js_string(value)


# -- extraction --------------------------------------------------------------------------------------


def _with_session(at: Airtop, i: int, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """``executeRequestWithSessionManagement``: make (and later end) a session when asked to."""
    created = ""
    try:
        if at.param("sessionMode", i) == "new":
            session_id, window_id = _session_and_window_new(at, i)
        else:
            session_id, window_id = _session_and_window(at, i)
        created = session_id
        terminate = at.param("autoTerminateSession", i, False)
        endpoint = path.replace("{sessionId}", session_id, 1).replace("{windowId}", window_id, 1)
        response = at.request(method, endpoint, i, body)
        _check_response(response, i)
        if terminate:
            at.request("DELETE", f"/sessions/{session_id}", i)
            return _spread(response)
        return {"sessionId": session_id, "windowId": window_id, **_spread(response)}
    except NodeError:
        if created:
            at.request("DELETE", f"/sessions/{created}", i)
        raise


def _session_and_window_new(at: Airtop, i: int) -> tuple[str, str]:
    """``createSessionAndWindow``: a session with the profile, then a window on ``url``."""
    profile = _profile_name(at, i)
    url = _required(at, i, "url", "URL")
    session_id, _data = create_session(at, i, {"configuration": {"profileName": profile}})
    response = at.request("POST", f"/sessions/{session_id}/windows", i, {"url": url})
    data = response.get("data") if isinstance(response, dict) else None
    window_id = data.get("windowId") if isinstance(data, dict) else None
    if not window_id:
        # n8n throws before the caller knows the session id, so that session is left running.
        raise _api_error("Failed to create window", i, 500)
    return session_id, _js_string(window_id)


def _parse_json_output(at: Airtop, i: int, result: dict[str, Any]) -> dict[str, Any]:
    """``parseJsonIfPresent``: the model response parsed when asked and a schema is set."""
    import json

    parse = at.param("additionalFields.parseJsonOutput", i, False)
    schema = at.param("additionalFields.outputSchema", i, "")
    if not parse or not str(schema).startswith("{"):
        return result
    data = result.get("data") if isinstance(result.get("data"), dict) else {}
    text = data.get("modelResponse")
    try:
        if isinstance(text, dict | list):
            raise ValueError("JSON.parse of an object")  # String(object) is not JSON
        output = json.loads("" if text is None else text if isinstance(text, str) else json.dumps(text))
    except (ValueError, TypeError):
        raise NodeError("Output is not a valid JSON") from None
    parsed: dict[str, Any] = {}
    for key in ("sessionId", "windowId"):
        if result.get(key) is not None:
            parsed[key] = result[key]
    parsed["output"] = output
    return parsed


def extraction_query(at: Airtop, i: int) -> Any:
    prompt = at.param("prompt", i, "")
    additional = at.param("additionalFields", i, {}) or {}
    schema = additional.get("outputSchema")
    configuration: dict[str, Any] = {"experimental": {
        "includeVisualAnalysis": "enabled" if additional.get("includeVisualAnalysis") else "disabled"}}
    if schema:
        configuration["outputSchema"] = schema
    result = _with_session(at, i, "POST", "/sessions/{sessionId}/windows/{windowId}/page-query",
                           {"prompt": prompt, "configuration": configuration})
    return _parse_json_output(at, i, result)


def extraction_paginated(at: Airtop, i: int) -> Any:
    prompt = at.param("prompt", i, "")
    additional = at.param("additionalFields", i) or {}
    configuration = {key: additional[key] for key in ("paginationMode", "interactionMode", "outputSchema")
                     if additional.get(key)}
    result = _with_session(at, i, "POST", "/sessions/{sessionId}/windows/{windowId}/paginated-extraction",
                           {"prompt": prompt, "configuration": configuration})
    return _parse_json_output(at, i, result)


def extraction_scrape(at: Airtop, i: int) -> Any:
    return _with_session(at, i, "POST", "/sessions/{sessionId}/windows/{windowId}/scrape-content", {})


# -- agents and files ---------------------------------------------------------------------------------


def agent_run(at: Airtop, i: int) -> Any:
    webhook = _required(at, i, "webhookUrl", "Webhook URL")
    parameters = _required(at, i, "agentParameters", "Parameters")
    match = re.search(r"/agents/([^/]+)/", webhook)
    if not match:
        raise NodeError(ERRORS["AGENT_INVALID_WEBHOOK_URL"])
    agent_id = match.group(1)
    await_execution = at.param("awaitExecution", i, True)
    timeout = at.param("timeout", i, 600)
    if _js_number(timeout) < AGENT_MIN_TIMEOUT_SECONDS:
        raise NodeError(ERRORS["AGENT_TIMEOUT_INVALID"])
    body = parse_json_param(parameters, "Parameters", i)
    invocation = at.request("POST", webhook, i, body if isinstance(body, dict) else None)
    invocation_id = invocation.get("invocationId") if isinstance(invocation, dict) else None
    if not invocation_id:
        raise NodeError("No 'invocationId' received from agent webhook response")
    if not await_execution:
        return {"invocationId": invocation_id}
    result = _poll_agent(at, i, agent_id, invocation_id, _js_number(timeout))
    if result.get("error"):
        raise NodeError(f"{result['error']}. Agent Invocation ID: {invocation_id}")
    return {"invocationId": invocation_id, "status": result.get("status") or "Unknown",
            "output": result.get("output") if result.get("output") is not None else {}}


def _poll_agent(at: Airtop, i: int, agent_id: str, invocation_id: Any, timeout_s: float) -> dict[str, Any]:
    url = f"{at.hooks}/agents/{agent_id}/invocations/{invocation_id}/result"
    started, waited = time.monotonic(), [0.0]
    while True:
        if at.elapsed_ms(started, waited) >= timeout_s * 1000:
            raise NodeError(ERRORS["TIMEOUT_REACHED"])
        response = at.request("GET", url, i)
        response = response if isinstance(response, dict) else {}
        if response.get("output") or response.get("error"):
            return response
        at.wait_second(waited)


def _file_id(at: Airtop, i: int) -> str:
    file_id = at.param("fileId", i, "")
    if not file_id:
        raise NodeError(ERRORS["REQUIRED_PARAMETER"].format(field="File ID"))
    return str(file_id)


def file_get(at: Airtop, i: int) -> Any:
    file_id = _file_id(at, i)
    if at.param("outputBinaryFile", i, False):
        raise unsupported(DISPLAY, "file", "get (Output Binary File)")
    return _spread(at.request("GET", f"/files/{file_id}", i))


def file_delete(at: Airtop, i: int) -> Any:
    at.request("DELETE", f"/files/{_file_id(at, i)}", i)
    return {"data": {"message": "File deleted successfully"}}


def file_get_many(at: Airtop, i: int) -> Any:
    session_ids = at.param("sessionIds", i, "")
    if at.param("returnAll", i, False):
        response = _all_files(at, i, session_ids)
    else:
        response = at.request("GET", "/files", i, qs={"sessionIds": session_ids, "limit": at.param("limit", i, 10)})
    data = response.get("data") if isinstance(response, dict) else None
    files = data.get("files") if isinstance(data, dict) and isinstance(data.get("files"), list) else []
    if at.param("outputSingleItem", i, True):
        return _spread(response)
    return [row if isinstance(row, dict) else {} for row in files]


def _all_files(at: Airtop, i: int, session_ids: Any) -> dict[str, Any]:
    files: list[Any] = []
    offset, limit, more = 0, 100, True
    while more:
        response = at.request("GET", "/files", i, qs={"offset": offset, "limit": limit, "sessionIds": session_ids})
        data = response.get("data") if isinstance(response, dict) else None
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            files.extend(data["files"])
        more = bool(isinstance(data, dict) and isinstance(data.get("pagination"), dict)
                    and data["pagination"].get("hasMore"))
        offset += limit
    return {"data": {"files": files, "pagination": {"hasMore": more}}}


OPERATIONS = {
    ("session", "create"): session_create, ("session", "save"): session_save,
    ("session", "terminate"): session_terminate,
    ("window", "create"): window_create, ("window", "close"): window_close,
    ("window", "getLiveView"): window_live_view, ("window", "list"): window_list,
    ("window", "load"): window_load, ("window", "takeScreenshot"): window_screenshot,
    ("interaction", "click"): interaction_click, ("interaction", "hover"): interaction_hover,
    ("interaction", "type"): interaction_type, ("interaction", "scroll"): interaction_scroll,
    ("interaction", "fill"): interaction_fill,
    ("extraction", "query"): extraction_query, ("extraction", "getPaginated"): extraction_paginated,
    ("extraction", "scrape"): extraction_scrape,
    ("agent", "run"): agent_run,
    ("file", "get"): file_get, ("file", "deleteFile"): file_delete, ("file", "getMany"): file_get_many,
}


# -- the node ----------------------------------------------------------------------------------------


def _fill_parameters(ctx: NodeContext) -> None:
    """Fill the node's parameters with n8n's defaults and drop hidden ones (getNodeParameters)."""
    from automatelanka.engine.nodes.airtop_props import PROPERTIES
    from automatelanka.engine.params import resolve_parameters
    from automatelanka.engine.schemas import PropList

    cache = _fill_parameters.__dict__.setdefault("props", [])
    if not cache:
        cache.append(PropList(PROPERTIES, top=True))
    ctx.parameters = resolve_parameters(cache[0], ctx.node.parameters, ctx.node.type_version or 1)


def _js_truthy(value: Any) -> bool:
    if value is None or value is False or value == "" or (isinstance(value, int | float) and value == 0):
        return False
    return not (isinstance(value, float) and value != value)


def clean_for_tool(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cleanOutputForToolUse``: what an AI agent gets from the Airtop tool."""
    out = []
    for row in rows:
        js = row.get("json") or {}
        errors = js.get("errors")
        data = js.get("data")
        if isinstance(errors, list) and errors:
            first = errors[0] if isinstance(errors[0], dict) else {}
            cleaned: dict[str, Any] = {"output": f"Error: {_js_text(first.get('message'))}"}
        elif _js_truthy(js.get("output")):
            cleaned = _spread(js["output"])
        elif isinstance(data, dict) and _js_truthy(data.get("modelResponse")):
            cleaned = {"output": data["modelResponse"]}
        else:
            cleaned = {"output": _spread(data)}
        out.append({**row, "json": cleaned})
    return out


def _items(result: Any) -> list[dict[str, Any]]:
    rows = result if isinstance(result, list) else [result]
    return [row if isinstance(row, dict) and isinstance(row.get("json"), dict) else {"json": row} for row in rows]


def _error_item(ctx: NodeContext, exc: NodeError, i: int) -> dict[str, Any]:
    """The router's ``{json: getInputData(i)[0].json, error}`` (only item 0 has an input there)."""
    from automatelanka.engine.executor import error_data

    items = ctx.input(0)
    if i == 1:
        raise NodeError("Cannot read properties of undefined (reading '0')", item_index=i) from exc
    if i > 1:
        raise NodeError("Could not get input with given index", item_index=i) from exc
    return {"json": copy.deepcopy(items[0].get("json", {})), "error": error_data(exc, ctx.node, ctx.run_index)}


@register("n8n-nodes-base.airtop", versions=(1, 1.1), display_name=DISPLAY)
@register("n8n-nodes-base.airtopTool", versions=(1, 1.1), display_name="Airtop Tool")
def airtop(ctx: NodeContext) -> NodeOutput:
    _fill_parameters(ctx)
    resource = ctx.param("resource", 0, "session")
    operation = ctx.param("operation", 0, "")
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    at = Airtop(ctx)
    as_tool = "airtopTool" in ctx.node.type
    out: list[dict[str, Any]] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            rows = _items(handler(at, i))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            out.append(_error_item(ctx, exc, i))
            continue
        if as_tool:
            rows = clean_for_tool(rows)
        out.extend({**row, "pairedItem": {"item": i}} for row in rows)
    return [out]
