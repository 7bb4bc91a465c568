"""Google Docs (v1, v2): document create, get (simple text or the full document), update with
text insert / replaceAll actions. Other update actions (tables, bullets, objects...) are not
supported yet.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register


def document_id(url: Any) -> str:
    match = re.search(r"https://docs.google.com/document/d/([a-zA-Z0-9-_]+)/", str(url))
    return match.group(1) if match else str(url)


@register("n8n-nodes-base.googleDocs", versions=(1, 2), display_name="Google Docs")
@register("n8n-nodes-base.googleDocsTool", versions=(2,), display_name="Google Docs Tool")
def google_docs(ctx: NodeContext) -> NodeOutput:
    default_auth = "serviceAccount" if ctx.node.type_version < 2 else "oAuth2"
    api = GoogleApi(ctx, "googleDocsOAuth2Api", "docs", default_auth=default_auth, api="docs")
    drive = GoogleApi(ctx, "googleDocsOAuth2Api", "docs", default_auth=default_auth, api="google")
    operation = ctx.param("operation", 0, "create")
    return [per_item(ctx, lambda i, _item: {"json": _run(ctx, api, drive, operation, i), "pairedItem": {"item": i}},
                     error_index="never", ready=True)]


def _run(ctx: NodeContext, api: GoogleApi, drive: GoogleApi, operation: str, i: int) -> dict[str, Any]:
    if operation == "create":
        folder = ctx.param("folderId", i, "default")
        body: dict[str, Any] = {"name": ctx.param("title", i, ""), "mimeType": "application/vnd.google-apps.document"}
        if folder and folder != "default":
            body["parents"] = [folder]
        return drive.json("POST", "/drive/v3/files", body=body, item_index=i)
    doc = document_id(ctx.param("documentURL", i, ""))
    simple = ctx.param("simple", i, True)
    if operation == "get":
        data = api.json("GET", f"/documents/{doc}", item_index=i)
        if not simple:
            return data
        texts = [el.get("textRun", {}).get("content") for part in (data.get("body") or {}).get("content") or []
                 if part.get("paragraph") for el in part["paragraph"].get("elements") or []]
        return {"documentId": doc, "content": "".join(t for t in texts if t is not None)}
    if operation == "update":
        body = {"requests": []}
        control = ((ctx.param("updateFields", i, {}) or {}).get("writeControlObject") or {})
        if control:
            body["writeControl"] = {control.get("control"): control.get("value")}
        for field in (ctx.param("actionsUi", i, {}) or {}).get("actionFields") or []:
            action, obj = field.get("action"), field.get("object")
            if obj == "text" and action == "insert":
                choice = field.get("locationChoice", "endOfSegmentLocation")
                segment = field.get("segmentId", "") if field.get("insertSegment", "body") != "body" else ""
                location: dict[str, Any] = {"segmentId": segment}
                if choice == "location":
                    location["index"] = field.get("index")
                request = {"text": field.get("text", ""), choice: location}
            elif obj == "text" and action == "replaceAll":
                request = {"replaceText": field.get("replaceText", ""),
                           "containsText": {"text": field.get("text", ""), "matchCase": field.get("matchCase", False)}}
            else:
                raise not_supported(ctx, "Google Docs", f"document/update {obj}", str(action))
            body["requests"].append({f"{action}{str(obj)[:1].upper()}{str(obj)[1:]}": request})
        data = api.json("POST", f"/documents/{doc}:batchUpdate", body=body, item_index=i)
        if simple:
            first = (data.get("replies") or [{}])[0]
            data = first[next(iter(first))] if first else {}
        data["documentId"] = doc
        return data
    raise not_supported(ctx, "Google Docs", "document", operation)
