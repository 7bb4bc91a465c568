"""GitHub (n8n-nodes-base.github v1, v1.1) over the REST API.

Base URL: configured ``github`` base URL, else the credential's ``server`` (GitHub Enterprise),
else https://api.github.com. Auth: githubApi (``Authorization: token <accessToken>``) or
githubOAuth2Api. Operations that return data produce one item per object (lists split); the
others (issue lock, ...) pass their input items through, as n8n does. ``file:get`` can return
the file as binary (``asBinaryProperty``).
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

from automatelanka.engine.binary import assert_binary, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import auth_for, credential, oauth2_request, request
from automatelanka.engine.nodes._svc import api_base, json_array, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "GitHub"
_BASE64 = re.compile(r"^([0-9a-zA-Z+/]{4})*(([0-9a-zA-Z+/]{2}==)|([0-9a-zA-Z+/]{3}=))?$")
_DATA_OPS = {
    "file:create", "file:delete", "file:edit", "file:get", "issue:create", "issue:createComment", "issue:edit",
    "issue:get", "release:create", "release:delete", "release:get", "release:update", "repository:get",
    "repository:getLicense", "repository:getProfile", "review:create", "review:get", "review:update",
    "user:invite", "workflow:disable", "workflow:dispatch", "workflow:enable", "workflow:get",
    "workflow:getUsage", "workflow:list",
    "file:list", "repository:getIssues", "repository:getPullRequests", "repository:listPopularPaths",
    "repository:listReferrers", "user:getRepositories", "user:getUserIssues", "release:getAll", "review:getAll",
    "organization:getRepositories",
}


class _Api:
    """Requests with the node's GitHub credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.oauth = ctx.param("authentication", 0, "accessToken") != "accessToken"
        self.kind = "githubOAuth2Api" if self.oauth else "githubApi"
        self.fields = credential(ctx, self.kind) or {}
        self.base = api_base(ctx, "github", "https://api.github.com", self.fields, key="server")

    def call(self, method: str, endpoint: str, i: int, *, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        return _json_or_empty(self.send(method, endpoint, i, body=body, qs=qs))

    def send(self, method: str, endpoint: str, i: int, *, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {"headers": {"User-Agent": "n8n", "Accept": "application/json"},
                                  "params": qs or None, "item_index": i}
        if body and method not in ("GET", "HEAD"):
            kwargs["json"] = body
        url = f"{self.base}{endpoint}"
        if self.oauth:
            return oauth2_request(self.ctx, self.kind, method, url, **kwargs)
        return request(self.ctx, method, url, auth=auth_for(self.kind, self.fields), **kwargs)

    def all_items(self, method: str, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        query = {**qs, "per_page": 100, "page": 1}
        out: list[Any] = []
        while True:
            response = self.send(method, endpoint, i, qs=query)
            out.extend(response.json())
            query["page"] += 1
            if "next" not in (response.headers.get("link") or ""):
                return out


def _json_or_empty(response: Any) -> Any:
    return response.json() if response.content else {}


def _path(ctx: NodeContext, i: int) -> str:
    return str(ctx.param("filePath", i, "") or "").rstrip("/")


def _author_fields(params: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("author", "committer"):
        if params.get(key):
            body[key] = params[key]
    if (params.get("branch") or {}).get("branch"):
        body["branch"] = params["branch"]["branch"]


def _file_sha(api: _Api, owner: str, repo: str, path: str, branch: str | None, i: int) -> str:
    qs = {"ref": branch} if branch is not None else None
    data = api.call("GET", f"/repos/{owner}/{repo}/contents/{quote(path, safe='/')}", i, qs=qs)
    if not isinstance(data, dict) or data.get("sha") is None:
        raise NodeError("Could not get the SHA of the file.", item_index=i)
    return data["sha"]


def _limit(ctx: NodeContext, qs: dict[str, Any]) -> bool:
    return_all = bool(ctx.param("returnAll", 0, False))
    if not return_all:
        qs["per_page"] = ctx.param("limit", 0, 50)
    return return_all


def _one(ctx: NodeContext, api: _Api, resource: str, operation: str, i: int, item: Item) -> Any:
    p = ctx.param
    full = f"{resource}:{operation}"
    owner = str(resource_value(p("owner", i, ""))) if full not in ("user:invite", "user:getUserIssues") else ""
    repo = "" if full in ("user:getRepositories", "user:getUserIssues", "user:invite",
                          "organization:getRepositories") else str(resource_value(p("repository", i, "")))
    base = f"/repos/{owner}/{repo}"
    body: dict[str, Any] = {}
    qs: dict[str, Any] = {}
    method = "GET"
    return_all = False
    if resource == "file":
        path = _path(ctx, i)
        endpoint = f"{base}/contents/{quote(path, safe='')}"
        if operation in ("create", "edit"):
            method = "PUT"
            _author_fields(p("additionalParameters", i, {}) or {}, body)
            if operation == "edit":
                body["sha"] = _file_sha(api, owner, repo, path, body.get("branch"), i)
            body["message"] = p("commitMessage", i, "")
            if p("binaryData", i, False):
                body["content"] = assert_binary(item, p("binaryPropertyName", i, "data"), i).get("data")
            else:
                content = str(p("fileContent", i, "") or "")
                body["content"] = content if _BASE64.match(content) else base64.b64encode(content.encode()).decode()
        elif operation == "delete":
            method = "DELETE"
            _author_fields(p("additionalParameters", i, {}) or {}, body)
            body["message"] = p("commitMessage", i, "")
            body["sha"] = _file_sha(api, owner, repo, path, body.get("branch"), i)
        elif operation == "get":
            reference = (p("additionalParameters", i, {}) or {}).get("reference")
            if reference:
                qs["ref"] = reference
        elif operation != "list":
            raise unsupported(DISPLAY, resource, operation)
    elif resource == "issue":
        number = p("issueNumber", i, 0)
        if operation == "create":
            method, endpoint = "POST", f"{base}/issues"
            body = {"title": p("title", i, ""), "body": p("body", i, ""),
                    "labels": [d.get("label") for d in p("labels", i, []) or []],
                    "assignees": [d.get("assignee") for d in p("assignees", i, []) or []]}
        elif operation == "createComment":
            method, endpoint = "POST", f"{base}/issues/{number}/comments"
            body = {"body": p("body", i, "")}
        elif operation == "edit":
            method, endpoint = "PATCH", f"{base}/issues/{number}"
            body = dict(p("editFields", i, {}) or {})
            if body.get("labels") is not None:
                body["labels"] = [d.get("label") for d in body["labels"]]
            if body.get("assignees") is not None:
                body["assignees"] = [d.get("assignee") for d in body["assignees"]]
        elif operation == "get":
            endpoint = f"{base}/issues/{number}"
        elif operation == "lock":
            method, endpoint = "PUT", f"{base}/issues/{number}/lock"
            qs["lock_reason"] = p("lockReason", i, "resolved")
        else:
            raise unsupported(DISPLAY, resource, operation)
    elif resource == "release":
        release_id = p("release_id", i, "")
        endpoint = f"{base}/releases/{release_id}"
        if operation == "create":
            method, endpoint = "POST", f"{base}/releases"
            body = {**(p("additionalFields", i, {}) or {}), "tag_name": p("releaseTag", i, "")}
        elif operation == "delete":
            method = "DELETE"
        elif operation == "getAll":
            endpoint = f"{base}/releases"
            return_all = _limit(ctx, qs)
        elif operation == "update":
            method = "PATCH"
            body = dict(p("additionalFields", i, {}) or {})
        elif operation != "get":
            raise unsupported(DISPLAY, resource, operation)
    elif resource == "repository":
        paths = {"listPopularPaths": "/traffic/popular/paths", "listReferrers": "/traffic/popular/referrers",
                 "get": "", "getLicense": "/license"}
        if operation in paths:
            endpoint = f"{base}{paths[operation]}"
        elif operation == "getProfile":
            endpoint = ""  # n8n sets no endpoint for it: the API root answers
        elif operation in ("getIssues", "getPullRequests"):
            key = "getRepositoryIssuesFilters" if operation == "getIssues" else "getRepositoryPullRequestsFilters"
            qs = dict(p(key, i, {}) or {})
            endpoint = f"{base}/{'issues' if operation == 'getIssues' else 'pulls'}"
            return_all = _limit(ctx, qs)
        else:
            raise unsupported(DISPLAY, resource, operation)
    elif resource == "review":
        number = p("pullRequestNumber", i, 0)
        endpoint = f"{base}/pulls/{number}/reviews"
        if operation == "get":
            endpoint += f"/{p('reviewId', i, '')}"
        elif operation == "getAll":
            return_all = _limit(ctx, qs)
        elif operation == "create":
            method = "POST"
            body = dict(p("additionalFields", i, {}) or {})
            event = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(p("event", i, "approve"))).upper()
            body["event"] = event
            if event in ("REQUEST_CHANGES", "COMMENT"):
                body["body"] = p("body", i, "")
        elif operation == "update":
            method = "PUT"
            endpoint += f"/{p('reviewId', i, '')}"
            body = {"body": p("body", i, "")}
        else:
            raise unsupported(DISPLAY, resource, operation)
    elif resource == "user" and operation == "getRepositories":
        endpoint = f"/users/{owner}/repos"
        return_all = _limit(ctx, qs)
    elif resource == "user" and operation == "getUserIssues":
        endpoint = "/issues"
        qs = dict(p("getUserIssuesFilters", i, {}) or {})
        return_all = _limit(ctx, qs)
    elif resource == "user" and operation == "invite":
        method, endpoint = "POST", f"/orgs/{p('organization', i, '')}/invitations"
        body = {"email": p("email", i, "")}
    elif resource == "organization" and operation == "getRepositories":
        endpoint = f"/orgs/{owner}/repos"
        return_all = _limit(ctx, qs)
    else:
        raise unsupported(DISPLAY, resource, operation)
    if return_all:
        data: Any = api.all_items(method, endpoint, i, qs)
    else:
        data = api.call(method, endpoint, i, body=body, qs=qs)
    if full == "file:get" and p("asBinaryProperty", i, True):
        if isinstance(data, list) and len(data) > 1:
            raise NodeError("File Path is a folder, not a file.", item_index=i)
        new: Item = {"json": item["json"], "binary": dict(item.get("binary") or {})}
        if item.get("pairedItem") is not None:
            new["pairedItem"] = item["pairedItem"]
        new["binary"][p("binaryPropertyName", i, "data")] = prepare_binary(
            base64.b64decode(str(data.get("content") or "")), data.get("path"))
        return [new]
    if full == "release:delete":
        data = {"success": True}
    return data


@register("n8n-nodes-base.github", versions=(1, 1.1), display_name="GitHub")
def github(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "issue")
    operation = ctx.param("operation", 0, "create")
    full = f"{resource}:{operation}"
    items = list(ctx.input(0))
    if operation == "dispatchAndWait":
        raise unsupported(DISPLAY, resource, operation)
    api = _Api(ctx)
    out: list[Item] = []
    for i, item in enumerate(items):
        try:
            data = _one(ctx, api, resource, operation, i, item)
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
