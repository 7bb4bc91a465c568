"""``/api/workspaces``: workspaces, members, roles and invitations."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from automatelanka.config import Settings
from automatelanka.daemon import deps
from automatelanka.daemon.deps import Principal, require
from automatelanka.daemon.errors import not_found
from automatelanka.services import mail
from automatelanka.services import workspaces as service
from automatelanka.store.repositories import workspaces as ws_repo

router = APIRouter(tags=["workspaces"])
audit_log = logging.getLogger("automatelanka.audit")
WS = "/api/workspaces/{workspace}"
Role = Literal["owner", "admin", "member"]


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=64)


class WorkspaceUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=64)
    settings: dict[str, Any] | None = None


class InvitationCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: Role = "member"


class RoleChange(BaseModel):
    role: Role


@router.get("/api/workspaces", summary="Workspaces you belong to")
def list_workspaces(identity: deps.Identity = Depends(deps.current_identity),
                    engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        items = service.list_for_user(conn, identity.user_id)
    if identity.api_key is not None:
        items = [w for w in items if w["id"] == identity.api_key["workspace_id"]]
    return {"items": items}


@router.post("/api/workspaces", status_code=201, summary="Create a workspace (you become its owner)")
def create_workspace(body: WorkspaceCreate, identity: deps.Identity = Depends(deps.session_user),
                     engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.begin() as conn:
        return service.create(conn, identity.user_id, name=body.name, slug=body.slug)


@router.get(WS, summary="One workspace")
def get_workspace(p: Principal = Depends(require("workspace:read", path_param="workspace")),
                  engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        row = ws_repo.get_workspace(conn, p.workspace_id)
    if row is None:
        raise not_found("workspace")
    return service.public(row, p.role)


@router.patch(WS, summary="Rename a workspace, change its slug or settings")
def update_workspace(body: WorkspaceUpdate, p: Principal = Depends(require("workspace:update", path_param="workspace")),
                     engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.begin() as conn:
        return {**service.update(conn, p.workspace_id, **body.model_dump(exclude_unset=True)), "role": p.role}


@router.delete(WS, status_code=204, summary="Delete a workspace and all of its data")
def delete_workspace(request: Request, p: Principal = Depends(require("workspace:delete", path_param="workspace")),
                     engine: Engine = Depends(deps.db)) -> Response:
    with engine.begin() as conn:
        service.delete(conn, p.workspace_id)
    # The workspace's own audit log went with it; the operator's log keeps the record.
    audit_log.warning("workspace deleted", extra={"action": "workspace.deleted", "workspace": str(p.workspace_id),
                                                  "actor": str(p.user_id), "ip": deps.client_ip(request)})
    return Response(status_code=204)


# --- members ------------------------------------------------------------------------------------


@router.get(WS + "/members", summary="Members and their roles")
def list_members(p: Principal = Depends(require("members:read", path_param="workspace")),
                 engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        return {"items": service.members(conn, p.workspace_id)}


@router.delete(WS + "/members/{user_id}", status_code=204, summary="Remove a member (or leave)")
def remove_member(workspace: str, user_id: uuid.UUID, request: Request,
                  identity: deps.Identity = Depends(deps.current_identity),
                  engine: Engine = Depends(deps.db)) -> Response:
    p = deps.resolve_principal(request, identity, workspace)
    if user_id != p.user_id:  # leaving needs no permission; removing someone else does
        deps._check(p, "members:remove")
    with engine.begin() as conn:
        service.remove_member(conn, p.workspace_id, user_id, actor_id=p.user_id, actor_role=p.role,
                              ip=deps.client_ip(request))
    return Response(status_code=204)


@router.patch(WS + "/members/{user_id}", summary="Change a member's role (owners only)")
def change_role(user_id: uuid.UUID, body: RoleChange, request: Request,
                p: Principal = Depends(require("members:role", path_param="workspace")),
                engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.begin() as conn:
        row = service.change_role(conn, p.workspace_id, user_id, body.role, actor_id=p.user_id,
                                  ip=deps.client_ip(request))
    return {"user_id": row["user_id"], "role": row["role"]}


# --- invitations ------------------------------------------------------------------------------


@router.post(WS + "/invitations", status_code=201, summary="Invite someone by e-mail")
def invite(body: InvitationCreate, request: Request,
           p: Principal = Depends(require("members:invite", path_param="workspace")),
           engine: Engine = Depends(deps.db), settings: Settings = Depends(deps.settings)) -> dict[str, Any]:
    with engine.begin() as conn:
        invitation, token = service.invite(conn, p.workspace_id, email=body.email, role=body.role,
                                           actor_id=p.user_id, actor_role=p.role, ip=deps.client_ip(request))
        workspace = ws_repo.get_workspace(conn, p.workspace_id)
    link = f"{mail.base_url(settings)}/invitations/{token}"
    text = (f"You are invited to join the workspace {workspace['name'] if workspace else ''!r} on AutomateLanka "
            f"as {body.role}.\n\nSign in (or register with this address), then open:\n\n{link}\n\n"
            f"or POST /api/invitations/{token}/accept. The invitation is valid for 7 days.\n")
    try:
        sent = mail.send(settings, invitation["email"], "You are invited to an AutomateLanka workspace", text,
                         link=link)
    except mail.MailError:
        sent = False
    return {**invitation, "mail_sent": sent}


@router.get(WS + "/invitations", summary="Pending invitations")
def list_invitations(p: Principal = Depends(require("members:invite", path_param="workspace")),
                     engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = ws_repo.list_invitations(conn, p.workspace_id)
    return {"items": [{k: r[k] for k in ("id", "email", "role", "expires_at", "created_at", "invited_by")}
                      for r in rows]}


@router.delete(WS + "/invitations/{invitation_id}", status_code=204, summary="Withdraw an invitation")
def delete_invitation(invitation_id: uuid.UUID,
                      p: Principal = Depends(require("members:invite", path_param="workspace")),
                      engine: Engine = Depends(deps.db)) -> Response:
    with engine.begin() as conn:
        if not ws_repo.delete_invitation(conn, p.workspace_id, invitation_id):
            raise not_found("invitation")
    return Response(status_code=204)


@router.post("/api/invitations/{token}/accept", summary="Join a workspace you were invited to")
def accept_invitation(token: str, request: Request, identity: deps.Identity = Depends(deps.session_user),
                      engine: Engine = Depends(deps.db)) -> dict[str, Any]:
    with engine.begin() as conn:
        return service.accept(conn, token, user_id=identity.user_id, ip=deps.client_ip(request))
