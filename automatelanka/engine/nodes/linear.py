"""Linear (n8n-nodes-base.linear v1/1.1, linearTool) over Linear's GraphQL API.

Endpoint: configured ``linear`` base URL, else ``https://api.linear.app/graphql``. Auth: linearApi
(the API key as the ``Authorization`` header) or linearOAuth2Api. issue: create, get, getAll
(cursor pages of 50), update, delete, addLink; comment: addComment. Issues carry the fields n8n's
queries select; GraphQL ``errors`` fail the item with the first error's message.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

ISSUE_FIELDS = ("id identifier title priority archivedAt assignee { id displayName } state { id name } "
                "createdAt creator { id displayName } description dueDate cycle { id name }")
_INPUT_VARS = "$title: String, $teamId: String, $description: String, $assigneeId: String, $priorityId: Int, " \
              "$stateId: String"
_INPUT = ("title: $title description: $description teamId: $teamId assigneeId: $assigneeId priority: $priorityId "
          "stateId: $stateId")
QUERIES = {
    "update": f"mutation IssueUpdate($issueId: String!, {_INPUT_VARS}) {{ issueUpdate(id: $issueId, input: "
              f"{{ {_INPUT} }}) {{ success issue {{ {ISSUE_FIELDS} }} }} }}",
    "get": f"query Issue($issueId: String!) {{ issue(id: $issueId) {{ {ISSUE_FIELDS} }} }}",
    "getAll": f"query Issues($first: Int, $after: String) {{ issues(first: $first, after: $after) "
              f"{{ nodes {{ {ISSUE_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}",
    "delete": "mutation IssueDelete($issueId: String!) { issueDelete(id: $issueId) { success } }",
    "addLink": "mutation AttachmentLinkURL($url: String!, $issueId: String!) { attachmentLinkURL(url: $url, "
               "issueId: $issueId) { success } }",
    "addComment": "mutation CommentCreate($issueId: String!, $body: String!, $parentId: String) { commentCreate("
                  "input: {issueId: $issueId, body: $body, parentId: $parentId}) { success comment { id } } }",
}
QUERIES["create"] = (f"mutation IssueCreate($title: String!, $teamId: String!, $description: String, "
                     f"$assigneeId: String, $priorityId: Int, $stateId: String) {{ issueCreate(input: {{ {_INPUT} }}) "
                     f"{{ success issue {{ {ISSUE_FIELDS} }} }} }}")


class _Linear:
    def __init__(self, ctx: NodeContext) -> None:
        oauth = ctx.param("authentication", 0, "apiToken") != "apiToken"
        url = ctx.state.services.base_urls.get("linear") or "https://api.linear.app/graphql"
        if oauth:
            self.api = Api(ctx, url, "linearOAuth2Api")
        else:
            fields = credential(ctx, "linearApi") or {}
            self.api = Api(ctx, url, fields=fields, headers={"Authorization": str(fields.get("apiKey") or "")})

    def graphql(self, query: str, variables: dict[str, Any], i: int) -> dict[str, Any]:
        try:
            data = self.api.call("POST", "", i, body={"query": query, "variables": variables}) or {}
        except NodeApiError as exc:
            raise NodeApiError(exc.message or "Unknown API error", item_index=i) from None
        errors = data.get("errors") if isinstance(data, dict) else None
        if errors:
            first = errors[0] if isinstance(errors[0], dict) else {}
            raise NodeApiError(first.get("message") or "Unknown API error", item_index=i,
                               description=(first.get("extensions") or {}).get("userPresentableMessage"))
        return data


@register("n8n-nodes-base.linear", versions=(1, 1.1), display_name="Linear")
@register("n8n-nodes-base.linearTool", versions=(1, 1.1), display_name="Linear Tool")
def linear(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "issue")
    operation = ctx.param("operation", 0, "create" if resource == "issue" else "addComment")
    known = {"issue": ("create", "get", "getAll", "update", "delete", "addLink"), "comment": ("addComment",)}
    if operation not in known.get(resource, ()):
        raise unsupported("Linear", resource, operation)
    client = _Linear(ctx)

    def run(i: int, item: dict[str, Any]) -> Any:
        query = QUERIES[operation]
        if operation == "create":
            variables = {"teamId": ctx.param("teamId", i, ""), "title": ctx.param("title", i, ""),
                         **(ctx.param("additionalFields", i, {}) or {})}
            return ((client.graphql(query, variables, i).get("data") or {}).get("issueCreate") or {}).get("issue")
        if operation == "update":
            variables = {"issueId": ctx.param("issueId", i, ""), **(ctx.param("updateFields", i, {}) or {})}
            return ((client.graphql(query, variables, i).get("data") or {}).get("issueUpdate") or {}).get("issue")
        if operation == "get":
            return (client.graphql(query, {"issueId": ctx.param("issueId", i, "")}, i).get("data") or {}).get("issue")
        if operation == "delete":
            data = client.graphql(query, {"issueId": ctx.param("issueId", i, "")}, i)
            return (data.get("data") or {}).get("issueDelete")
        if operation == "addLink":
            variables = {"issueId": ctx.param("issueId", i, ""), "url": ctx.param("link", i, "")}
            return (client.graphql(query, variables, i).get("data") or {}).get("attachmentLinkURL")
        if operation == "addComment":
            variables = {"issueId": ctx.param("issueId", i, ""), "body": ctx.param("comment", i, "")}
            parent = (ctx.param("additionalFields", i, {}) or {}).get("parentId")
            if parent and str(parent).strip():
                variables["parentId"] = parent
            return (client.graphql(query, variables, i).get("data") or {}).get("commentCreate")
        limit = None if ctx.param("returnAll", i, False) else int(ctx.param("limit", 0, 50) or 0)
        return _all_issues(client, query, limit, i)

    return [per_item(ctx, run)]


def _all_issues(client: _Linear, query: str, limit: int | None, i: int) -> list[Any]:
    variables: dict[str, Any] = {"first": limit if limit and limit < 50 else 50, "after": None}
    out: list[Any] = []
    while True:
        issues = ((client.graphql(query, variables, i).get("data") or {}).get("issues")) or {}
        out.extend(issues.get("nodes") or [])
        page = issues.get("pageInfo") or {}
        variables["after"] = page.get("endCursor")
        if limit and len(out) >= limit:
            return out
        if not page.get("hasNextPage"):
            return out


