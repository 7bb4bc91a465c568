"""Salesforce (n8n-nodes-base.salesforce v1): sObjects and SOQL over the REST API v59.0.

Base: ``<instance URL>/services/data/v59.0``. OAuth2 (``authentication: oAuth2``, salesforceOAuth2Api):
the instance URL is the credential's ``oauthTokenData.instance_url`` and the token is sent as a bearer
(one refresh on 401). JWT (``authentication: jwt``, salesforceJwtApi): every request first signs an
RS256 assertion (iss=clientId, sub=username, aud=login/test.salesforce.com, exp=now+180) and posts it
to ``<login>/services/oauth2/token``; the answer's ``instance_url`` and ``access_token`` are used, as
n8n does. A configured ``salesforce`` base URL replaces the instance URL, ``salesforceLogin`` the
login server (tests).

Supported (all as n8n 1.121 sends them; an empty answer becomes ``{errors: [], success: true}``):
- lead, contact: create, upsert, update, get, getAll, delete, getSummary, addToCampaign, addNote;
- account, opportunity: create, upsert, update, get, getAll, delete, getSummary, addNote;
- case: create, update, get, getAll, delete, getSummary, addComment;
- task: create, update, get, getAll, delete, getSummary;
- attachment: create, update (base64 body from the item's binary), get, getAll, delete, getSummary;
- customObject: create, upsert, update, get, getAll, delete;
- user: get, getAll; flow: invoke, getAll; search: query; document: upload (multipart ContentVersion).
getAll builds n8n's SOQL (``getQuery``: fields or the default ones, conditions, ``LIMIT``) and follows
``nextRecordsUrl``. A condition value is quoted unless moment.js would take it as a date; the date check
is an approximation of moment's (ISO 8601, RFC 2822 and the common ``Date`` fallback forms).
Everything is one typeVersion (1); there is nothing else to support.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.expressions.template import js_string
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import api_error, base_url, credential, find_error_message, request
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Salesforce"
API_PATH = "/services/data/v59.0"
OAUTH2 = "salesforceOAuth2Api"
JWT = "salesforceJwtApi"

#: body fields per (resource, operation group): ``src`` -> ``Src``, ``src=Dst`` named, ``?`` checked for
#: truthiness (else ``!== undefined``), ``*`` the custom fields (``customFieldsUi.customFieldsValues``).
_FIELDS: dict[tuple[str, str], str] = {
    ("lead", "create"): (
        "hasOptedOutOfEmail hasOptedOutOfFax email city phone state title jigsaw rating status street "
        "country owner=OwnerId website industry fax firstname=FirstName leadSource postalCode salutation "
        "description annualRevenue isUnreadByOwner numberOfEmployees mobilePhone recordTypeId *"),
    ("lead", "update"): (
        "hasOptedOutOfEmail hasOptedOutOfFax=hasOptedOutOfFax lastname=LastName company email city phone "
        "state title jigsaw rating status street country owner=OwnerId website industry "
        "firstname=FirstName fax leadSource postalCode salutation description annualRevenue "
        "isUnreadByOwner numberOfEmployees mobilePhone recordTypeId *"),
    ("lead", "addToCampaign"): "status?",
    ("lead", "addNote"): "body? owner=OwnerId? isPrivate?",
    ("contact", "create"): (
        "fax email phone title jigsaw recordTypeId owner=OwnerId acconuntId=AccountId birthdate firstName "
        "homePhone otherCity department leadSource otherPhone otherState salutation description "
        "mailingCity mobilePhone otherStreet mailingState otherCountry assistantName mailingStreet "
        "assistantPhone mailingCountry otherPostalCode emailBouncedDate mailingPostalCode "
        "emailBouncedReason *"),
    ("contact", "update"): (
        "lastName fax email recordTypeId phone title jigsaw owner=OwnerId acconuntId=AccountId birthdate "
        "firstName homePhone otherCity department leadSource otherPhone otherState salutation description "
        "mailingCity mobilePhone otherStreet mailingState otherCountry assistantName mailingStreet "
        "assistantPhone mailingCountry otherPostalCode emailBouncedDate mailingPostalCode "
        "emailBouncedReason *"),
    ("contact", "addToCampaign"): "status?",
    ("contact", "addNote"): "body owner=OwnerId isPrivate",
    ("opportunity", "create"): (
        "type amount owner=OwnerId nextStep accountId campaignId leadSource description probability "
        "pricebook2Id forecastCategoryName *"),
    ("opportunity", "update"): (
        "name closeDate stageName type amount owner=OwnerId nextStep accountId campaignId leadSource "
        "description probability pricebook2Id forecastCategoryName *"),
    ("opportunity", "addNote"): "body owner=OwnerId isPrivate",
    ("account", "create"): (
        "fax type jigsaw phone owner=OwnerId sicDesc website industry parentId billingCity description "
        "billingState shippingCity accountNumber accountSource annualRevenue billingStreet shippingState "
        "billingCountry shippingStreet shippingCountry billingPostalCode numberOfEmployees "
        "shippingPostalCode recordTypeId *"),
    ("account", "update"): (
        "name fax type jigsaw phone ownerId sicDesc recordTypeId website industry parentId billingCity "
        "description billingState shippingCity accountNumber accountSource annualRevenue billingStreet "
        "shippingState billingCountry shippingStreet shippingCountry billingPostalCode numberOfEmployees "
        "shippingPostalCode *"),
    ("account", "addNote"): "body owner=OwnerId isPrivate",
    ("case", "create"): (
        "origin reason status owner=OwnerId subject parentId priority accountId contactId description "
        "isEscalated suppliedName suppliedEmail suppliedPhone suppliedCompany recordTypeId *"),
    ("case", "update"): (
        "type origin reason status owner=OwnerId subject parentId priority accountId recordTypeId "
        "contactId description isEscalated suppliedName suppliedEmail suppliedPhone suppliedCompany *"),
    ("case", "addComment"): "commentBody isPublished",
    ("task", "create"): (
        "type=TaskSubtype whoId whatId owner=OwnerId subject callType priority callObject description "
        "activityDate isReminderSet recurrenceType callDisposition reminderDateTime recurrenceInstance "
        "recurrenceInterval recurrenceDayOfMonth callDurationInSeconds recurrenceEndDateOnly "
        "recurrenceMonthOfYear recurrenceDayOfWeekMask recurrenceStartDateOnly recurrenceTimeZoneSidKey "
        "recurrenceRegeneratedType *"),
    ("task", "update"): (
        "type=TaskSubtype whoId status whatId owner=OwnerId subject callType priority callObject "
        "description activityDate isReminderSet recurrenceType callDisposition reminderDateTime "
        "recurrenceInstance recurrenceInterval recurrenceDayOfMonth callDurationInSeconds "
        "recurrenceEndDateOnly recurrenceMonthOfYear recurrenceDayOfWeekMask recurrenceStartDateOnly "
        "recurrenceTimeZoneSidKey recurrenceRegeneratedType *"),
    ("attachment", "create"): "description owner=OwnerId isPrivate",
    ("attachment", "update"): "name description owner=OwnerId isPrivate",
}

#: resource -> (sObject path name, SOQL name, id parameter)
_OBJECTS = {
    "lead": ("lead", "Lead", "leadId"), "contact": ("contact", "Contact", "contactId"),
    "opportunity": ("opportunity", "Opportunity", "opportunityId"), "account": ("account", "Account", "accountId"),
    "case": ("case", "Case", "caseId"), "task": ("task", "Task", "taskId"),
    "attachment": ("attachment", "Attachment", "attachmentId"), "user": ("user", "User", "userId"),
}

#: required body fields of create/upsert: (parameter, body key)
_REQUIRED = {
    "lead": (("company", "Company"), ("lastname", "LastName")), "contact": (("lastname", "LastName"),),
    "opportunity": (("name", "Name"), ("closeDate", "CloseDate"), ("stageName", "StageName")),
    "account": (("name", "Name"),), "case": (("type", "Type"),), "task": (("status", "Status"),),
}

_DEFAULT_FIELDS = {
    "Account": "id,name,type", "Lead": "id,company,firstname,lastname,street,postalCode,city,email,status",
    "Contact": "id,firstname,lastname,email", "Opportunity": "id,accountId,amount,probability,type",
    "Case": "id,accountId,contactId,priority,status,subject,type", "Task": "id,subject,status,priority",
    "Attachment": "id,name", "User": "id,name,email",
}

_DEFAULT_OPERATION = {"document": "upload", "flow": "invoke", "search": "query", "user": "get"}


def _truthy(value: Any) -> bool:
    """JS truthiness of a JSON value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == value and value != 0
    return value is not None and value != ""


def _apply_fields(body: dict[str, Any], spec: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Copy ``fields`` into ``body`` as n8n's if-chains of the operation do (see :data:`_FIELDS`)."""
    for token in spec.split():
        if token == "*":
            _custom_fields(body, fields.get("customFieldsUi"))
            continue
        truthy = token.endswith("?")
        token = token.rstrip("?")
        src, _, dst = token.partition("=")
        dst = dst or src[0].upper() + src[1:]
        if src in fields and (not truthy or _truthy(fields[src])):
            body[dst] = fields[src]
    return body


def _custom_fields(body: dict[str, Any], ui: Any) -> None:
    if not _truthy(ui) or not isinstance(ui, dict):
        return
    for field in ui.get("customFieldsValues") or []:
        body[field.get("fieldId")] = field.get("value")


# -- SOQL (GenericFunctions.getQuery) -----------------------------------------------------------

_ISO = re.compile(
    r"^\s*(?:[+-]\d{6}|\d{4})(?:-(?:\d\d-\d\d|W\d\d-\d|W\d\d|\d\d\d|\d\d)|(?:\d\d\d\d|W\d\d\d|W\d\d|\d\d\d))"
    r"(?:[T ](?:\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?)?|\d\d\d\d(?:\d\d(?:[.,]\d+)?)?|\d\d)"
    r"(?:\s*Z|[+-]\d\d(?::?\d\d)?)?)?\s*$")
_RFC2822 = re.compile(r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s)?\d{1,2}\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                      r"Oct|Nov|Dec)\s\d{2,4}\s\d\d:\d\d(?::\d\d)?\s(?:[A-Z]{1,3}|[+-]\d{4})$")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_FALLBACK = (re.compile(r"^\s*\d{1,6}\s*$"), re.compile(r"^\s*\d{1,4}[/-]\d{1,2}[/-]\d{1,4}(?:[ T].*)?$"),
             re.compile(rf"^\s*(?:\w+,?\s+)?(?:{_MONTHS})\w*\.?\s+\d{{1,2}},?\s+\d{{2,6}}.*$", re.I),
             re.compile(rf"^\s*(?:\w+,?\s+)?\d{{1,2}}\s+(?:{_MONTHS})\w*\.?,?\s+\d{{2,6}}.*$", re.I))


def _moment_valid(value: Any) -> bool:
    """Whether ``moment(value).isValid()`` (numbers yes; strings per ISO / RFC 2822 / Date fallback)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return value == value
    if not isinstance(value, str):
        return False
    if _ISO.match(value):
        return _iso_parts_valid(value)
    if _RFC2822.match(value.strip()):
        return True
    text = value.strip()
    if _FALLBACK[0].match(text):
        return int(text) <= 275760
    return any(pattern.match(text) for pattern in _FALLBACK[1:])


def _iso_parts_valid(value: str) -> bool:
    """Month/day/hour ranges of a calendar ISO date (moment flags 2024-13-01 invalid)."""
    m = re.match(r"\s*[+-]?\d{4,6}-(\d\d)-(\d\d)(?:[T ](\d\d)(?::(\d\d))?)?", value)
    if not m:
        return True
    month, day = int(m.group(1)), int(m.group(2))
    hour = int(m.group(3)) if m.group(3) else 0
    minute = int(m.group(4)) if m.group(4) else 0
    return 1 <= month <= 12 and 1 <= day <= 31 and hour <= 24 and minute <= 59


def _soql_value(value: Any) -> str:
    """``getValue``: dates and non-strings as they are, other strings in single quotes."""
    if _moment_valid(value):
        return js_string(value)
    if isinstance(value, str):
        return f"'{value}'"
    return js_string(value)


def _conditions(options: dict[str, Any]) -> str | None:
    ui = options.get("conditionsUi")
    conditions = ui.get("conditionValues") if isinstance(ui, dict) else None
    if not isinstance(conditions, list) or not conditions:
        return None
    parts = []
    for cond in conditions:
        operation = cond.get("operation", "equal")
        parts.append(f"{js_string(cond.get('field', ''))} {'=' if operation == 'equal' else js_string(operation)} "
                     f"{_soql_value(cond.get('value', ''))}")
    return "WHERE " + " AND ".join(parts)


def get_query(options: dict[str, Any], sobject: str, return_all: bool, limit: Any = 0) -> str:
    """n8n's ``getQuery`` (a trailing space when there are no conditions is kept)."""
    fields = options.get("fields")
    if _truthy(fields):
        names = fields.split(",") if isinstance(fields, str) else [js_string(f) for f in fields]
    else:
        names = (_DEFAULT_FIELDS.get(sobject) or "id").split(",")
    conditions = _conditions(options)
    query = f"SELECT {','.join(names)} FROM {sobject} {conditions or ''}"
    if not return_all:
        query += f" LIMIT {js_string(limit)}"
    return query


# -- requests -----------------------------------------------------------------------------------

class Client:
    """``salesforceApiRequest``: OAuth2 or JWT, errors as n8n's NodeApiError."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.jwt = ctx.param("authentication", 0, "oAuth2") == "jwt"
        self._api: Api | None = None

    def _oauth2_api(self, i: int) -> Api:
        if self._api is None:
            fields = credential(self.ctx, OAUTH2) or {}
            token = fields.get("oauthTokenData") or {}
            if isinstance(token, str):
                try:
                    token = json.loads(token)
                except ValueError:
                    token = {}
            instance = token.get("instance_url") if isinstance(token, dict) else None
            configured = self.ctx.state.services.base_urls.get("salesforce")
            if not configured and not instance:
                raise NodeError("The Salesforce OAuth2 credential has no instance URL",
                                description="Connect the account again so the token data holds instance_url.",
                                item_index=i)
            self._api = Api(self.ctx, base_url(self.ctx, "salesforce", str(instance or "")) + API_PATH, OAUTH2,
                            fields=fields)
        return self._api

    def _jwt_api(self, i: int) -> Api:
        fields = credential(self.ctx, JWT) or {}
        token = _jwt_token(self.ctx, fields, i)
        instance = base_url(self.ctx, "salesforce", str(token.get("instance_url") or ""))
        return Api(self.ctx, instance + API_PATH, auth={"bearer": js_string(token.get("access_token"))})

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """One request to ``/services/data/v59.0<endpoint>`` (an empty body is not sent; JSON content type
        unless ``files`` makes it multipart)."""
        if "files" not in kwargs:
            kwargs["headers"] = {"Content-Type": "application/json"}
        try:
            api = self._jwt_api(i) if self.jwt else self._oauth2_api(i)
            return api.call(method, endpoint, i, body=body or None, qs=qs, **kwargs)
        except NodeApiError as exc:
            raise _described(exc) from None

    def all_items(self, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """``salesforceApiRequestAllItems('records', 'GET', endpoint)`` following ``nextRecordsUrl``."""
        rows: list[Any] = []
        uri = endpoint
        while True:
            data = self.call("GET", uri, i, qs=qs)
            data = data if isinstance(data, dict) else {}
            following = data.get("nextRecordsUrl")
            uri = f"{endpoint}/{js_string(following).split('/')[-1] if following is not None else 'undefined'}"
            records = data.get("records")
            if isinstance(records, list):
                rows.extend(records)
            if following is None:
                return rows


def _described(exc: NodeApiError) -> NodeApiError:
    """Salesforce errors are arrays of ``{message, errorCode}``: n8n's description joins their messages."""
    body = (exc.context or {}).get("errorResponse")
    if isinstance(body, list):
        exc.description = find_error_message({"error": body}) or exc.description
    return exc


def _jwt_token(ctx: NodeContext, fields: dict[str, Any], i: int) -> dict[str, Any]:
    """``getAccessToken``: an RS256 JWT bearer assertion exchanged at the login server."""
    import jwt as pyjwt

    sandbox = fields.get("environment") == "sandbox"
    audience = "https://test.salesforce.com" if sandbox else "https://login.salesforce.com"
    now = int(time.time())
    payload = {"iss": fields.get("clientId"), "sub": fields.get("username"), "aud": audience,
               "exp": now + 180, "iat": now}
    try:
        assertion = pyjwt.encode(payload, str(fields.get("privateKey") or "").replace("\\n", "\n"),
                                 algorithm="RS256", headers={"alg": "RS256"})
    except (ValueError, TypeError, pyjwt.PyJWTError) as exc:
        raise NodeError(f"secretOrPrivateKey must be an asymmetric key when using RS256: {exc}",
                        item_index=i) from None
    login = base_url(ctx, "salesforceLogin", audience)
    response = request(ctx, "POST", f"{login}/services/oauth2/token", item_index=i, never_error=True,
                       data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    if response.status_code >= 400:
        raise api_error(response, i)
    data = decode(response)
    return data if isinstance(data, dict) else {}


# -- operations ---------------------------------------------------------------------------------

def _create_or_upsert(ctx: NodeContext, sf: Client, resource: str, operation: str, i: int) -> Any:
    path, _, _ = _OBJECTS[resource]
    body: dict[str, Any] = {key: ctx.param(name, i, "") for name, key in _REQUIRED[resource]}
    _apply_fields(body, _FIELDS[(resource, "create")], ctx.param("additionalFields", i, {}) or {})
    return _send_upsert(ctx, sf, f"/sobjects/{path}", operation, body, i)


def _send_upsert(ctx: NodeContext, sf: Client, endpoint: str, operation: str, body: dict[str, Any], i: int) -> Any:
    method = "POST"
    if operation == "upsert":
        method = "PATCH"
        external_id = js_string(ctx.param("externalId", 0, ""))
        endpoint = f"{endpoint}/{external_id}/{js_string(ctx.param('externalIdValue', i, ''))}"
        body.pop(external_id, None)
    return sf.call(method, endpoint, i, body)


def _update(ctx: NodeContext, sf: Client, resource: str, i: int) -> Any:
    path, _, id_param = _OBJECTS[resource]
    record_id = ctx.param(id_param, i, "")
    fields = ctx.param("updateFields", i, {}) or {}
    if resource in ("lead", "contact") and not fields:
        raise NodeError("You must add at least one update field", item_index=i)
    body: dict[str, Any] = {}
    if resource == "attachment" and "binaryPropertyName" in fields:
        _attachment_body(ctx, body, js_string(fields["binaryPropertyName"]), i)
    _apply_fields(body, _FIELDS[(resource, "update")], fields)
    return sf.call("PATCH", f"/sobjects/{path}/{js_string(record_id)}", i, body)


def _get_all(ctx: NodeContext, sf: Client, sobject: str, i: int) -> Any:
    return_all = ctx.param("returnAll", i, False)
    options = ctx.param("options", i, {}) or {}
    limit = 0 if return_all else ctx.param("limit", i, 50)
    return sf.all_items("/query", i, {"q": get_query(options, sobject, bool(return_all), limit)})


def _note(ctx: NodeContext, sf: Client, resource: str, i: int) -> Any:
    _, _, id_param = _OBJECTS[resource]
    body = {"Title": ctx.param("title", i, ""), "ParentId": ctx.param(id_param, i, "")}
    _apply_fields(body, _FIELDS[(resource, "addNote")], ctx.param("options", i, {}) or {})
    return sf.call("POST", "/sobjects/note", i, body)


def _add_to_campaign(ctx: NodeContext, sf: Client, resource: str, i: int) -> Any:
    _, sobject, id_param = _OBJECTS[resource]
    body = {f"{sobject}Id": ctx.param(id_param, i, ""), "CampaignId": ctx.param("campaignId", i, "")}
    _apply_fields(body, _FIELDS[(resource, "addToCampaign")], ctx.param("options", i, {}) or {})
    return sf.call("POST", "/sobjects/CampaignMember", i, body)


def _add_comment(ctx: NodeContext, sf: Client, i: int) -> Any:
    body = {"ParentId": ctx.param("caseId", i, "")}
    _apply_fields(body, _FIELDS[("case", "addComment")], ctx.param("options", i, {}) or {})
    return sf.call("POST", "/sobjects/casecomment", i, body)


def _attachment_body(ctx: NodeContext, body: dict[str, Any], prop: str, i: int) -> None:
    entry = (ctx.input(0)[i].get("binary") or {}).get(prop)
    if not entry:
        raise NodeError(f"The property {prop} does not exist", item_index=i)
    data, _ = binary_bytes(ctx.input(0)[i], prop, i)
    body["Body"] = base64.b64encode(data).decode("ascii")
    body["ContentType"] = entry.get("mimeType")


def _attachment_create(ctx: NodeContext, sf: Client, i: int) -> Any:
    body = {"Name": ctx.param("name", i, ""), "ParentId": ctx.param("parentId", i, "")}
    fields = ctx.param("additionalFields", i, {}) or {}
    _attachment_body(ctx, body, js_string(ctx.param("binaryPropertyName", i, "data")), i)
    _apply_fields(body, _FIELDS[("attachment", "create")], fields)
    return sf.call("POST", "/sobjects/attachment", i, body)


def _custom_object(ctx: NodeContext, sf: Client, operation: str, i: int) -> Any:
    sobject = js_string(ctx.param("customObject", i, ""))
    if operation in ("create", "upsert"):
        body: dict[str, Any] = {}
        _custom_fields(body, ctx.param("customFieldsUi", i, {}))
        _apply_fields(body, "recordTypeId?", ctx.param("additionalFields", i, {}) or {})
        return _send_upsert(ctx, sf, f"/sobjects/{sobject}", operation, body, i)
    if operation == "update":
        record_id = js_string(ctx.param("recordId", i, ""))
        body = _apply_fields({}, "recordTypeId?", ctx.param("updateFields", i, {}) or {})
        _custom_fields(body, ctx.param("customFieldsUi", i, {}))
        return sf.call("PATCH", f"/sobjects/{sobject}/{record_id}", i, body)
    if operation == "getAll":
        return _get_all(ctx, sf, sobject, i)
    record_id = js_string(ctx.param("recordId", i, ""))
    return sf.call("GET" if operation == "get" else "DELETE", f"/sobjects/{sobject}/{record_id}", i)


def _flow(ctx: NodeContext, sf: Client, operation: str, i: int) -> Any:
    if operation == "getAll":
        return_all = ctx.param("returnAll", i, False)
        actions = (sf.call("GET", "/actions/custom/flow", i) or {}).get("actions")
        if not return_all and isinstance(actions, list):
            actions = actions[: int(ctx.param("limit", i, 50))]
        return actions
    api_name = js_string(ctx.param("apiName", i, ""))
    if ctx.param("jsonParameters", i, False):
        variables = ctx.param("variablesJson", i, "")
    else:
        variables = {}
        ui = ctx.param("variablesUi", i, {}) or {}
        for entry in ui.get("variablesValues") or []:
            variables[js_string(entry.get("name"))] = entry.get("value")
    return sf.call("POST", f"/actions/custom/flow/{api_name}", i, {"inputs": [variables]})


def _document_upload(ctx: NodeContext, sf: Client, i: int) -> Any:
    title = ctx.param("title", i, "")
    fields = ctx.param("additionalFields", i, {}) or {}
    prop = js_string(ctx.param("binaryPropertyName", i, "data"))
    content: dict[str, Any] = {"Title": title, "ContentLocation": "S"}
    if _truthy(fields.get("ownerId")):
        content["ownerId"] = fields["ownerId"]
    if _truthy(fields.get("linkToObjectId")):
        content["FirstPublishLocationId"] = fields["linkToObjectId"]
    data, entry = binary_bytes(ctx.input(0)[i], prop, i)
    extension = fields.get("fileExtension") if _truthy(fields.get("fileExtension")) else entry.get("fileExtension")
    content["PathOnClient"] = f"{js_string(title)}.{js_string(extension) if extension is not None else 'undefined'}"
    files = {"entity_content": (None, json.dumps(content, separators=(",", ":")), "application/json"),
             "VersionData": (content["PathOnClient"], data, "application/octet-stream")}
    return sf.call("POST", "/sobjects/ContentVersion", i, files=files)


def _standard(ctx: NodeContext, sf: Client, resource: str, operation: str, i: int) -> Any:
    path, sobject, id_param = _OBJECTS[resource]
    if operation == "get":
        return sf.call("GET", f"/sobjects/{path}/{js_string(ctx.param(id_param, i, ''))}", i)
    if operation == "delete":
        return sf.call("DELETE", f"/sobjects/{path}/{js_string(ctx.param(id_param, i, ''))}", i)
    if operation == "getAll":
        return _get_all(ctx, sf, sobject, i)
    if operation == "getSummary":
        return sf.call("GET", f"/sobjects/{path}", i)
    if operation == "update":
        return _update(ctx, sf, resource, i)
    if operation in ("create", "upsert"):
        if resource == "attachment":
            return _attachment_create(ctx, sf, i)
        return _create_or_upsert(ctx, sf, resource, operation, i)
    if operation == "addNote":
        return _note(ctx, sf, resource, i)
    if operation == "addToCampaign":
        return _add_to_campaign(ctx, sf, resource, i)
    return _add_comment(ctx, sf, i)


_OPERATIONS: dict[str, tuple[str, ...]] = {
    "lead": ("create", "upsert", "update", "get", "getAll", "delete", "getSummary", "addToCampaign", "addNote"),
    "contact": ("create", "upsert", "update", "get", "getAll", "delete", "getSummary", "addToCampaign", "addNote"),
    "opportunity": ("create", "upsert", "update", "get", "getAll", "delete", "getSummary", "addNote"),
    "account": ("create", "upsert", "update", "get", "getAll", "delete", "getSummary", "addNote"),
    "case": ("create", "update", "get", "getAll", "delete", "getSummary", "addComment"),
    "task": ("create", "update", "get", "getAll", "delete", "getSummary"),
    "attachment": ("create", "update", "get", "getAll", "delete", "getSummary"),
    "user": ("get", "getAll"),
    "customObject": ("create", "upsert", "update", "get", "getAll", "delete"),
    "flow": ("invoke", "getAll"), "search": ("query",), "document": ("upload",),
}


def _run(ctx: NodeContext, sf: Client, resource: str, operation: str, i: int) -> Any:
    if resource == "customObject":
        data = _custom_object(ctx, sf, operation, i)
    elif resource == "flow":
        data = _flow(ctx, sf, operation, i)
    elif resource == "search":
        data = sf.all_items("/query", i, {"q": ctx.param("query", i, "")})
    elif resource == "document":
        data = _document_upload(ctx, sf, i)
    else:
        data = _standard(ctx, sf, resource, operation, i)
    return {"errors": [], "success": True} if data is None else data


@register("n8n-nodes-base.salesforce", versions=(1,), display_name="Salesforce")
@register("n8n-nodes-base.salesforceTool", versions=(1,), display_name="Salesforce Tool")
def salesforce(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "lead")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    if operation not in _OPERATIONS.get(resource, ()):
        raise unsupported(DISPLAY, resource, operation)
    sf = Client(ctx)
    return [per_item(ctx, lambda i, _item: _run(ctx, sf, resource, operation, i))]
