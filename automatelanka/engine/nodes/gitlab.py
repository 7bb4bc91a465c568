"""GitLab (n8n-nodes-base.gitlab v1) over the REST API v4.

Base: configured ``gitlab`` base URL, else the credential's ``server`` (default https://gitlab.com),
plus ``/api/v4``. Auth: gitlabApi (``Private-Token: <accessToken>``, ``authentication: accessToken``)
or gitlabOAuth2Api (bearer). Projects are addressed as ``/projects/<owner>%2F<repository>`` (slashes
of the owner become ``%2F`` for subgroups), as n8n does.

Supported: file create/edit/delete/get (``asBinaryProperty``, n8n's default ``ref=master``)/list;
issue create/createComment/edit/get/lock; release create/delete/get/getAll/update; repository
get/getIssues; user getRepositories. ``returnAll`` pages with ``per_page=100`` while the ``Link``
header names a ``next`` page. Operations that return data produce one item per object (arrays
split); issue lock passes its input items through, as n8n does (under continue-on-fail its failing
item's json becomes ``{error}``). file:get as binary returns the input items with the first one
replaced, exactly as n8n's node (which returns from inside its item loop); like n8n it names the
binary after the answer's ``path`` (GitLab sends ``file_path``, so there is usually no file name).
Other operations (and other resources) are not supported yet.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from automatelanka.engine.binary import assert_binary, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes._svc import api_base, json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "GitLab"
_DATA_OPS = {
    "file:get", "file:create", "file:edit", "file:delete", "issue:create", "issue:createComment", "issue:edit",
    "issue:get", "release:create", "release:delete", "release:get", "release:update", "repository:get",
    "file:list", "release:getAll", "repository:getIssues", "user:getRepositories",
}
_SUPPORTED = _DATA_OPS | {"issue:lock"}


class _Api:
    """Requests to ``<server>/api/v4`` with the node's GitLab credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.oauth = ctx.param("authentication", 0, "accessToken") != "accessToken"
        self.kind = "gitlabOAuth2Api" if self.oauth else "gitlabApi"
        self.fields = credential(ctx, self.kind) or {}
        self.base = api_base(ctx, "gitlab", "https://gitlab.com", self.fields, key="server") + "/api/v4"

    def send(self, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any]) -> Any:
        kwargs: dict[str, Any] = {"item_index": i}
        if body and method not in ("GET", "HEAD"):
            kwargs["json"] = body
        if qs:
            kwargs["params"] = {k: _qs(v) for k, v in qs.items() if v is not None}
        if self.oauth:
            kwargs["oauth2"] = (self.kind, self.fields)
        else:
            kwargs["auth"] = {"header": ("Private-Token", str(self.fields.get("accessToken") or ""))}
        return request(self.ctx, method, f"{self.base}{endpoint}", **kwargs)

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any]) -> Any:
        """Decoded JSON; an empty answer (204 of a file delete) as ``{}``."""
        data = decode(self.send(method, endpoint, i, body, qs))
        return {} if data is None else data

    def all_items(self, method: str, endpoint: str, i: int, body: dict[str, Any], qs: dict[str, Any]) -> list[Any]:
        """``gitlabApiRequestAllItems``: pages of 100 while the Link header has a ``next``."""
        query = {**qs, "per_page": 100, "page": 1}
        out: list[Any] = []
        while True:
            response = self.send(method, endpoint, i, body, query)
            query["page"] += 1
            data = decode(response)
            if isinstance(data, list):
                out.extend(data)
            elif data is not None:
                out.append(data)
            if "next" not in (response.headers.get("link") or ""):
                return out


def _qs(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _encode_component(value: Any) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return quote(str(value), safe="-_.!~*'()")


def _author(params: dict[str, Any], body: dict[str, Any]) -> None:
    author = params.get("author")
    if isinstance(author, dict) and author:
        if author.get("name"):
            body["author_name"] = author["name"]
        if author.get("email"):
            body["author_email"] = author["email"]


def _file(ctx: NodeContext, operation: str, base: str, i: int, item: Item) -> tuple[str, str, dict, dict, bool]:
    """Method, endpoint, body, query and returnAll of a file operation."""
    p = ctx.param
    body: dict[str, Any] = {}
    qs: dict[str, Any] = {}
    file_path = p("filePath", i, "")
    endpoint = f"{base}/repository/files/{_encode_component(file_path)}"
    if operation in ("create", "edit"):
        extra = p("additionalParameters", i, {}) or {}
        body["branch"] = p("branch", i, "")
        body["commit_message"] = p("commitMessage", i, "")
        _author(extra, body)
        start = extra.get("branchStart")
        if isinstance(start, dict) and start.get("branchStart"):
            body["start_branch"] = start["branchStart"]
        if p("binaryData", i, False):
            body["content"] = assert_binary(item, p("binaryPropertyName", i, "data"), i).get("data")
            body["encoding"] = "base64"
        elif extra.get("encoding") == "base64":
            # n8n compares the fixedCollection value itself, so this branch only fires for a plain value.
            body["content"] = base64.b64encode(str(p("fileContent", i, "")).encode()).decode()
        else:
            body["content"] = p("fileContent", i, "")
        return ("POST" if operation == "create" else "PUT"), endpoint, body, qs, False
    if operation == "delete":
        _author(p("additionalParameters", i, {}) or {}, body)
        body["branch"] = p("branch", i, "")
        body["commit_message"] = p("commitMessage", i, "")
        return "DELETE", endpoint, body, qs, False
    if operation == "get":
        reference = (p("additionalParameters", i, {}) or {}).get("reference")
        qs["ref"] = reference if reference else "master"
        return "GET", endpoint, body, qs, False
    qs = dict(p("additionalParameters", i, {}) or {})
    return_all = bool(p("returnAll", i, False))
    if not return_all:
        qs["per_page"] = p("limit", i, 20)
        qs["page"] = p("page", i, 1)
    if file_path:
        qs["path"] = file_path
    return "GET", f"{base}/repository/tree", body, qs, return_all


def _labels(rows: Any) -> str:
    """``labels.map((d) => d.label).join(',')`` (``undefined``/``null`` join as empty text)."""
    values = (r.get("label") if isinstance(r, dict) else None for r in (rows or []))
    return ",".join("" if v is None else str(v) for v in values)


def _issue(ctx: NodeContext, operation: str, base: str, i: int) -> tuple[str, str, dict, dict, bool]:
    p = ctx.param
    number = p("issueNumber", i, 0)
    if operation == "create":
        body = {"title": p("title", i, ""), "description": p("body", i, ""), "due_date": p("due_date", i, ""),
                "labels": _labels(p("labels", i, [])),
                "assignee_ids": [r.get("assignee") for r in (p("assignee_ids", i, []) or [])]}
        return "POST", f"{base}/issues", body, {}, False
    if operation == "createComment":
        return "POST", f"{base}/issues/{number}/notes", {"body": p("body", i, "")}, {}, False
    if operation == "edit":
        body = dict(p("editFields", i, {}) or {})
        if "labels" in body:
            body["labels"] = _labels(body["labels"])
        if "assignee_ids" in body:
            body["assignee_ids"] = [r.get("assignee") for r in (body["assignee_ids"] or [])]
        return "PUT", f"{base}/issues/{number}", body, {}, False
    if operation == "get":
        return "GET", f"{base}/issues/{number}", {}, {}, False
    return "PUT", f"{base}/issues/{number}", {"discussion_locked": True}, {}, False  # lock


def _release(ctx: NodeContext, operation: str, base: str, i: int) -> tuple[str, str, dict, dict, bool]:
    p = ctx.param
    if operation == "create":
        body = {**(p("additionalFields", i, {}) or {}), "tag_name": p("releaseTag", i, "")}
        return "POST", f"{base}/releases", body, {}, False
    project = p("projectId", i, "")
    if operation == "getAll":
        qs = dict(p("additionalFields", i, {}) or {})
        return_all = bool(p("returnAll", 0, False))
        if not return_all:
            qs["per_page"] = p("limit", 0, 20)
        return "GET", f"/projects/{project}/releases", {}, qs, return_all
    endpoint = f"/projects/{project}/releases/{p('tag_name', i, '')}"
    if operation == "update":
        body = dict(p("additionalFields", i, {}) or {})
        if body.get("milestones"):
            body["milestones"] = str(body["milestones"]).split(",")
        return "PUT", endpoint, body, {}, False
    return ("DELETE" if operation == "delete" else "GET"), endpoint, {}, {}, False


def _request_parts(ctx: NodeContext, resource: str, operation: str, i: int,
                   item: Item) -> tuple[str, str, dict, dict, bool]:
    p = ctx.param
    full = f"{resource}:{operation}"
    owner = str(p("owner", i, "")).replace("/", "%2F")
    repository = "" if full == "user:getRepositories" else str(p("repository", i, ""))
    base = f"/projects/{owner}%2F{repository}"
    if resource == "file":
        return _file(ctx, operation, base, i, item)
    if resource == "issue":
        return _issue(ctx, operation, base, i)
    if resource == "release":
        return _release(ctx, operation, base, i)
    if full == "repository:get":
        return "GET", base, {}, {}, False
    if full == "repository:getIssues":
        qs = dict(p("getRepositoryIssuesFilters", i, {}) or {})
        return_all = bool(p("returnAll", 0, False))
        if not return_all:
            qs["per_page"] = p("limit", 0, 20)
        return "GET", f"{base}/issues", {}, qs, return_all
    return "GET", f"/users/{owner}/projects", {}, {}, False  # user:getRepositories


def _binary_item(ctx: NodeContext, data: Any, i: int, item: Item) -> Item:
    if isinstance(data, list) and len(data) > 1:
        raise NodeError("File Path is a folder, not a file.", item_index=i)
    if not isinstance(data, dict):
        raise NodeError("Cannot destructure the GitLab answer: it is not a file", item_index=i)
    new: Item = {"json": item["json"], "binary": dict(item.get("binary") or {})}
    if item.get("pairedItem") is not None:
        new["pairedItem"] = item["pairedItem"]
    content = base64.b64decode(str(data.get("content") or ""))
    new["binary"][ctx.param("binaryPropertyName", i, "data")] = prepare_binary(content, data.get("path"))
    return new


@register("n8n-nodes-base.gitlab", versions=(1,), display_name="GitLab")
@register("n8n-nodes-base.gitlabTool", versions=(1,), display_name="GitLab Tool")
def gitlab(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "issue")
    default_op = {"repository": "getIssues", "user": "getRepositories"}.get(resource, "create")
    operation = ctx.param("operation", 0, default_op)
    full = f"{resource}:{operation}"
    if full not in _SUPPORTED:
        raise unsupported(DISPLAY, resource, operation)
    api = _Api(ctx)
    items = list(ctx.input(0))
    out: list[Item] = []
    for i, item in enumerate(items):
        try:
            method, endpoint, body, qs, return_all = _request_parts(ctx, resource, operation, i, item)
            if return_all:
                data: Any = api.all_items(method, endpoint, i, body, qs)
            else:
                data = api.call(method, endpoint, i, body, qs)
            if full == "file:get" and ctx.param("asBinaryProperty", i, True):
                items[i] = _binary_item(ctx, data, i, item)
                return [items]
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            if full in _DATA_OPS:
                out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
            else:
                items[i] = {**item, "json": {"error": exc.message}}
            continue
        if full in _DATA_OPS:
            for row in json_array(data):
                row.setdefault("pairedItem", {"item": i})
                out.append(row)
    return [out if full in _DATA_OPS else items]
