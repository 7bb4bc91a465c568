"""Who is calling, and what they may do: the one permission table every route enforces.

Routes declare ``principal: Principal = Depends(require("workflow:write"))``. The principal's
``workspace_id`` is the workspace every query of the request is scoped to (taken from the
``X-Workspace`` header or the token's default workspace; membership is checked).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

#: permission -> roles that hold it. API keys additionally need the matching scope.
PERMISSIONS: dict[str, frozenset[str]] = {
    "workspace:read": frozenset({"owner", "admin", "member"}),
    "workspace:update": frozenset({"owner", "admin"}),
    "workspace:delete": frozenset({"owner"}),
    "members:read": frozenset({"owner", "admin", "member"}),
    "members:invite": frozenset({"owner", "admin"}),
    "members:remove": frozenset({"owner", "admin"}),
    "members:role": frozenset({"owner"}),
    "workflow:read": frozenset({"owner", "admin", "member"}),
    "workflow:write": frozenset({"owner", "admin", "member"}),
    "workflow:execute": frozenset({"owner", "admin", "member"}),
    "runs:read": frozenset({"owner", "admin", "member"}),
    "runs:write": frozenset({"owner", "admin", "member"}),
    "credentials:read": frozenset({"owner", "admin", "member"}),
    "credentials:write": frozenset({"owner", "admin"}),
    "api_keys:manage": frozenset({"owner", "admin"}),
    "audit:read": frozenset({"owner"}),
    "billing:read": frozenset({"owner", "admin"}),
    "billing:manage": frozenset({"owner"}),
}

#: API key scopes, and the permissions each grants.
SCOPES: dict[str, frozenset[str]] = {
    "workflow:read": frozenset({"workflow:read", "workspace:read", "members:read"}),
    "workflow:write": frozenset({"workflow:write", "workflow:read"}),
    "workflow:execute": frozenset({"workflow:execute", "runs:write", "runs:read"}),
    "runs:read": frozenset({"runs:read"}),
    "admin": frozenset(PERMISSIONS),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller within one workspace."""

    user_id: uuid.UUID
    workspace_id: uuid.UUID
    role: str
    is_platform_admin: bool = False
    #: Set when the caller used an API key: the key's scopes limit what the role allows.
    api_key_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    #: Set on impersonation tokens: the admin acting as this user.
    impersonator_id: uuid.UUID | None = None

    def can(self, permission: str) -> bool:
        if self.role not in PERMISSIONS.get(permission, frozenset()):
            return False
        if self.api_key_id is None:
            return True
        return any(permission in SCOPES.get(scope, frozenset()) for scope in self.scopes)
