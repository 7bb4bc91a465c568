"""Jira Software (n8n-nodes-base.jira v1) over the Jira REST API v2/v3.

Base: configured ``jira`` base URL, else the credential's ``domain``; requests go to
``<domain>/rest/api/...``. Credentials by ``jiraVersion``: ``cloud`` -> jiraSoftwareCloudApi
(basic email + apiToken), ``server`` -> jiraSoftwareServerApi (basic email + password),
``serverPat`` -> jiraSoftwareServerPatApi (bearer personalAccessToken).
Implemented: issue create/get/getAll/update/delete/changelog/transitions/notify, issueComment
add/get/getAll/update/remove, issueAttachment add/get/getAll/remove (optional download), user
create/get/delete. As in n8n, the query object is shared by the items of one run.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Jira Software"
_CREDENTIALS = {"server": "jiraSoftwareServerApi", "serverPat": "jiraSoftwareServerPatApi"}


class _Jira:
    """Requests to ``<domain>/rest`` with the credential picked by ``jiraVersion``."""

    def __init__(self, ctx: NodeContext) -> None:
        self.version = ctx.param("jiraVersion", 0, "cloud")
        kind = _CREDENTIALS.get(self.version, "jiraSoftwareCloudApi")
        fields = credential(ctx, kind) or {}
        if kind == "jiraSoftwareServerPatApi":
            auth: dict[str, Any] = {"bearer": str(fields.get("personalAccessToken") or "")}
        else:
            secret = fields.get("password") if kind == "jiraSoftwareServerApi" else fields.get("apiToken")
            auth = {"basic": (fields.get("email") or "", secret or "")}
        configured = ctx.state.services.base_urls.get("jira")
        domain = str(configured or fields.get("domain") or "").rstrip("/")
        self.api = Api(ctx, f"{domain}/rest", fields=fields, auth=auth,
                       headers={"Accept": "application/json", "X-Atlassian-Token": "no-check"})
        self.qs: dict[str, Any] = {}

    @property
    def server(self) -> bool:
        return self.version in ("server", "serverPat")

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.api.call(method, endpoint, i, body=body or None, qs=qs or None, **kwargs)

    def all_items(self, prop: str, endpoint: str, method: str, i: int, body: dict[str, Any] | None = None,
                  qs: dict[str, Any] | None = None, paging: str = "offset") -> list[Any]:
        """n8n's jiraSoftwareCloudApiRequestAllItems (offset or token pagination, 100 per page)."""
        body = dict(body or {})
        qs = dict(qs or {})
        target = qs if method == "GET" else body
        if paging == "offset":
            target["startAt"] = 0
        target["maxResults"] = 100
        out: list[Any] = []
        while True:
            page = self.call(method, endpoint, i, body, qs) or {}
            out.extend(page.get(prop) or [])
            if paging == "offset":
                next_start = (page.get("startAt") or 0) + (page.get("maxResults") or 0)
                target["startAt"] = next_start
                if not next_start < (page.get("total") or 0):
                    return out
            else:
                target["nextPageToken"] = page.get("nextPageToken")
                if not page.get("nextPageToken"):
                    return out


def _rl(value: Any) -> Any:
    return resource_value(value) if isinstance(value, dict) else value


def _issue_fields(jira: _Jira, extra: dict[str, Any], fields: dict[str, Any]) -> None:
    """The shared mapping of create/update's field collection into ``fields``."""
    for key in ("assignee", "reporter", "priority", "statusId"):
        if key in extra:
            extra[key] = _rl(extra[key])
    if extra.get("labels"):
        fields["labels"] = extra["labels"]
    if extra.get("serverLabels"):
        fields["labels"] = extra["serverLabels"]
    if extra.get("priority"):
        fields["priority"] = {"id": extra["priority"]}
    for role in ("assignee", "reporter"):
        if extra.get(role):
            fields[role] = {"name": extra[role]} if jira.server else {"id": extra[role]}
    if extra.get("description"):
        fields["description"] = extra["description"]
    custom = (extra.get("customFieldsUi") or {}).get("customFieldsValues")
    if custom:
        for cf in custom:
            field_id = cf.get("fieldId")
            field_id = str(_rl(field_id)).strip() if not isinstance(field_id, str) else field_id
            fields[field_id] = cf.get("fieldValue")


def _subtask_types(jira: _Jira, i: int, qs: dict[str, Any] | None = None) -> list[Any]:
    types = jira.call("GET", "/api/2/issuetype", i, qs=qs) or []
    return [t.get("id") for t in types if isinstance(t, dict) and t.get("subtask")]


def _issue_create(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    extra = dict(ctx.param("additionalFields", i, {}) or {})
    issue_type = _rl(ctx.param("issueType", i, ""))
    fields: dict[str, Any] = {"summary": ctx.param("summary", i, ""),
                              "project": {"id": _rl(ctx.param("project", i, ""))},
                              "issuetype": {"id": issue_type}}
    _issue_fields(jira, extra, fields)
    if extra.get("updateHistory"):
        jira.qs["updateHistory"] = extra["updateHistory"]
    if extra.get("componentIds"):
        fields["components"] = [{"id": c} for c in extra["componentIds"]]
    subtasks = _subtask_types(jira, i, jira.qs)
    if issue_type in subtasks:
        if not extra.get("parentIssueKey"):
            raise NodeError("You must define a Parent Issue Key when Issue type is sub-task", item_index=i)
        fields["parent"] = {"key": str(extra["parentIssueKey"]).upper()}
    return jira.call("POST", "/api/2/issue", i, {"fields": fields})


def _issue_update(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    key = ctx.param("issueKey", i, "")
    extra = dict(ctx.param("updateFields", i, {}) or {})
    fields: dict[str, Any] = {}
    if extra.get("summary"):
        fields["summary"] = extra["summary"]
    if extra.get("issueType"):
        fields["issuetype"] = {"id": extra["issueType"]}
    _issue_fields(jira, extra, fields)
    subtasks = _subtask_types(jira, i)
    if extra.get("issueType") in subtasks:
        if not extra.get("parentIssueKey"):
            raise NodeError("You must define a Parent Issue Key when Issue type is sub-task", item_index=i)
        fields["parent"] = {"key": str(extra["parentIssueKey"]).upper()}
    if extra.get("statusId"):
        jira.call("POST", f"/api/2/issue/{key}/transitions", i, {"transition": {"id": extra["statusId"]}})
    jira.call("PUT", f"/api/2/issue/{key}", i, {"fields": fields})
    return {"success": True}


def simplify_issue(data: dict[str, Any]) -> dict[str, Any]:
    """n8n's simplifyIssueOutput: fields keyed by their display names (custom fields last)."""
    import functools
    import re

    custom = re.compile(r"^customfield_\d+$")

    def order(a: str, b: str) -> int:
        ca, cb = bool(custom.match(a)), bool(custom.match(b))
        if ca != cb:
            return 1 if ca else -1
        return 1 if a > b else -1

    mapped: dict[str, Any] = {"id": data.get("id"), "key": data.get("key"), "self": data.get("self")}
    names = data.get("names") or {}
    fields = data.get("fields") or {}
    for field in sorted(fields, key=functools.cmp_to_key(order)):
        name = names.get(field)
        if name is not None and str(name) in mapped:
            counter, new = 0, str(name)
            while new in mapped:
                counter += 1
                new = f"{name}_{counter}"
            mapped[new] = fields[field]
        else:
            mapped[str(name) if name else field] = fields[field]
    return mapped


def _issue_get(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    qs = jira.qs
    simplify = ctx.param("simplifyOutput", i, False)
    extra = ctx.param("additionalFields", i, {}) or {}
    for name in ("fields", "fieldsByKey", "expand"):
        if extra.get(name):
            qs[name] = extra[name]
    if simplify:
        qs["expand"] = f"{qs.get('expand') or ''},names"
    for name in ("properties", "updateHistory"):
        if extra.get(name):
            qs[name] = extra[name]
    data = jira.call("GET", f"/api/2/issue/{ctx.param('issueKey', i, '')}", i, qs=qs)
    if not simplify:
        return data
    expand = str(qs.get("expand") or "")
    rendered = data.get("renderedFields") if isinstance(data, dict) else None
    if "renderedfields" in expand.lower() and rendered:
        merged = dict(data.get("fields") or {})
        for key, value in rendered.items():
            if value is not None or key not in merged:
                merged[key] = value
        data["fields"] = merged
    return simplify_issue(data)


def _issue_get_all(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    options = dict(ctx.param("options", i, {}) or {})
    body: dict[str, Any] = {"fields": str(options.get("fields") or "*navigable").split(","),
                            "jql": options.get("jql") or 'created >= "1970-01-01"'}
    if options.get("expand"):
        expand = options["expand"]
        body["expand"] = expand.split(",") if isinstance(expand, str) else expand
    endpoint = "/api/2/search" if jira.server else "/api/2/search/jql"
    if ctx.param("returnAll", i, False):
        return jira.all_items("issues", endpoint, "POST", i, body, paging="offset" if jira.server else "token")
    body["maxResults"] = ctx.param("limit", i, 50)
    return (jira.call("POST", endpoint, i, body) or {}).get("issues")


def _issue_changelog(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    endpoint = f"/api/2/issue/{ctx.param('issueKey', i, '')}/changelog"
    if ctx.param("returnAll", i, False):
        return jira.all_items("values", endpoint, "GET", i)
    jira.qs["maxResults"] = ctx.param("limit", i, 50)
    return (jira.call("GET", endpoint, i, qs=jira.qs) or {}).get("values")


def _issue_transitions(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    for name in ("transitionId", "expand", "skipRemoteOnlyCondition"):
        if extra.get(name):
            jira.qs[name] = extra[name]
    data = jira.call("GET", f"/api/2/issue/{ctx.param('issueKey', i, '')}/transitions", i, qs=jira.qs)
    return (data or {}).get("transitions")


def _issue_delete(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.qs["deleteSubtasks"] = ctx.param("deleteSubtasks", i, False)
    jira.call("DELETE", f"/api/2/issue/{ctx.param('issueKey', i, '')}", i, qs=jira.qs)
    return {"success": True}


def _issue_notify(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    extra = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {}
    for name in ("textBody", "htmlBody"):
        if extra.get(name):
            body[name] = extra[name]
    if not ctx.param("jsonParameters", 0, False):
        values = (ctx.param("notificationRecipientsUi", i, {}) or {}).get("notificationRecipientsValues")
        to: dict[str, Any] = {}
        if values:
            if values.get("reporter"):
                to["reporter"] = values["reporter"]
            if values.get("assignee"):
                to["assignee"] = values["assignee"]
                to["watchers"] = values.get("watchers")
            if values.get("voters"):
                to["watchers"] = values["voters"]
            if values.get("users"):
                to["users"] = [{"accountId": u} for u in values["users"]]
            if values.get("groups"):
                to["groups"] = [{"name": g} for g in values["groups"]]
        body["to"] = to
        restrict_values = (ctx.param("notificationRecipientsRestrictionsUi", i, {}) or {}).get(
            "notificationRecipientsRestrictionsValues")
        restrict: dict[str, Any] = {}
        if restrict_values and restrict_values.get("groups"):
            restrict["groups"] = [{"name": g} for g in restrict_values["groups"]]
        body["restrict"] = restrict
    else:
        to_json = _validate_json(ctx.param("notificationRecipientsJson", i, ""))
        if to_json:
            body["to"] = to_json
        restrict_json = _validate_json(ctx.param("notificationRecipientsRestrictionsJson", i, ""))
        if restrict_json:
            body["restrict"] = restrict_json
    jira.call("POST", f"/api/2/issue/{ctx.param('issueKey', i, '')}/notify", i, body, jira.qs)
    return {"success": True}


def _validate_json(text: Any) -> Any:
    import json

    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return ""


def _comment_version(jira: _Jira) -> str:
    return "2" if jira.server else "3"


def _comment_body(ctx: NodeContext, jira: _Jira, i: int, options: dict[str, Any]) -> Any:
    if ctx.param("jsonParameters", 0, False):
        parsed = _validate_json(ctx.param("commentJson", i, ""))
        if parsed == "":
            raise NodeError("Document Format must be a valid JSON", item_index=i)
        return parsed
    comment = ctx.param("comment", i, "")
    if jira.server or options.get("wikiMarkup"):
        return comment
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": comment}]}]}


def _comment_add(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    options = dict(ctx.param("options", i, {}) or {})
    version = "2" if options.get("wikiMarkup") else _comment_version(jira)
    if options.get("expand"):
        jira.qs["expand"] = options.pop("expand")
    body = dict(options)
    body["body"] = _comment_body(ctx, jira, i, options)
    return jira.call("POST", f"/api/{version}/issue/{ctx.param('issueKey', i, '')}/comment", i, body, jira.qs)


def _comment_update(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    options = dict(ctx.param("options", i, {}) or {})
    if options.get("expand"):
        jira.qs["expand"] = options.pop("expand")
    version = "2" if options.get("wikiMarkup") else _comment_version(jira)
    jira.qs.update(options)
    body = {"body": _comment_body(ctx, jira, i, options)}
    path = f"/api/{version}/issue/{ctx.param('issueKey', i, '')}/comment/{ctx.param('commentId', i, '')}"
    return jira.call("PUT", path, i, body, jira.qs)


def _comment_get(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.qs.update(ctx.param("options", i, {}) or {})
    path = f"/api/{_comment_version(jira)}/issue/{ctx.param('issueKey', i, '')}/comment/{ctx.param('commentId', i, '')}"
    return jira.call("GET", path, i, qs=jira.qs)


def _comment_get_all(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.qs.update(ctx.param("options", i, {}) or {})
    path = f"/api/{_comment_version(jira)}/issue/{ctx.param('issueKey', i, '')}/comment"
    if ctx.param("returnAll", i, False):
        return jira.all_items("comments", path, "GET", i, qs=jira.qs)
    jira.qs["maxResults"] = ctx.param("limit", i, 50)
    return (jira.call("GET", path, i, qs=jira.qs) or {}).get("comments")


def _comment_remove(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    path = f"/api/{_comment_version(jira)}/issue/{ctx.param('issueKey', i, '')}/comment/{ctx.param('commentId', i, '')}"
    jira.call("DELETE", path, i, qs=jira.qs)
    return {"success": True}


def _attachment_add(jira: _Jira, ctx: NodeContext, i: int, item: dict[str, Any]) -> Any:
    data, meta = binary_bytes(item, ctx.param("binaryPropertyName", i, "data"), i)
    path = f"/api/{_comment_version(jira)}/issue/{ctx.param('issueKey', i, '')}/attachments"
    return jira.call("POST", path, i, files={"file": (meta.get("fileName") or "file", data)})


def _attachment_remove(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.call("DELETE", f"/api/{_comment_version(jira)}/attachment/{ctx.param('attachmentId', i, '')}", i,
              qs=jira.qs)
    return {"success": True}


def _attachment_get(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    return jira.call("GET", f"/api/{_comment_version(jira)}/attachment/{ctx.param('attachmentId', i, '')}", i,
                     qs=jira.qs)


def _attachment_get_all(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    data = jira.call("GET", f"/api/2/issue/{ctx.param('issueKey', i, '')}", i, qs=jira.qs) or {}
    rows = list((data.get("fields") or {}).get("attachment") or [])
    if not ctx.param("returnAll", i, False):
        rows = rows[: int(ctx.param("limit", i, 50) or 0)]
    return rows


def _user_create(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    body = {"name": ctx.param("username", i, ""), "emailAddress": ctx.param("emailAddress", i, ""),
            "displayName": ctx.param("displayName", i, "")}
    body.update(ctx.param("additionalFields", i, {}) or {})
    return jira.call("POST", f"/api/{_comment_version(jira)}/user", i, body)


def _user_get(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.qs["accountId"] = ctx.param("accountId", i, "")
    expand = (ctx.param("additionalFields", i, {}) or {}).get("expand")
    if expand:
        jira.qs["expand"] = ",".join(expand) if isinstance(expand, list) else expand
    return jira.call("GET", f"/api/{_comment_version(jira)}/user", i, qs=jira.qs)


def _user_delete(jira: _Jira, ctx: NodeContext, i: int, _item: dict[str, Any]) -> Any:
    jira.qs["accountId"] = ctx.param("accountId", i, "")
    jira.call("DELETE", f"/api/{_comment_version(jira)}/user", i, qs=jira.qs)
    return {"success": True}


OPERATIONS = {
    ("issue", "create"): _issue_create, ("issue", "update"): _issue_update, ("issue", "get"): _issue_get,
    ("issue", "getAll"): _issue_get_all, ("issue", "changelog"): _issue_changelog,
    ("issue", "transitions"): _issue_transitions, ("issue", "delete"): _issue_delete,
    ("issue", "notify"): _issue_notify,
    ("issueComment", "add"): _comment_add, ("issueComment", "update"): _comment_update,
    ("issueComment", "get"): _comment_get, ("issueComment", "getAll"): _comment_get_all,
    ("issueComment", "remove"): _comment_remove,
    ("issueAttachment", "add"): _attachment_add, ("issueAttachment", "remove"): _attachment_remove,
    ("issueAttachment", "get"): _attachment_get, ("issueAttachment", "getAll"): _attachment_get_all,
    ("user", "create"): _user_create, ("user", "get"): _user_get, ("user", "delete"): _user_delete,
}
_DEFAULT_OPERATION = {"issue": "create", "issueComment": "add", "issueAttachment": "add", "user": "create"}


def _download(jira: _Jira, ctx: NodeContext, out: list[dict[str, Any]]) -> None:
    """Attach each attachment's content as binary ``binaryProperty`` (download option)."""
    prop = ctx.param("binaryProperty", 0, "data")
    for row in out:
        meta = row["json"]
        if not isinstance(meta, dict) or ("error" in meta and len(meta) == 1):
            continue
        response = jira.api.response("GET", "", 0, url=str(meta.get("content") or ""))
        row["binary"] = {prop: binary.prepare_binary(response.content, meta.get("filename"), meta.get("mimeType"))}


@register("n8n-nodes-base.jira", versions=(1,), display_name="Jira Software")
@register("n8n-nodes-base.jiraTool", versions=(1,), display_name="Jira Software Tool")
def jira(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "issue")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Jira(ctx)
    out = per_item(ctx, lambda i, item: handler(client, ctx, i, item))
    if resource == "issueAttachment" and operation in ("get", "getAll") and ctx.param("download", 0, False):
        _download(client, ctx, out)
    return [out]

