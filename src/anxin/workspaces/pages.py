"""One start page per role, registered from the role → path table so no role is forgotten.

No ``from __future__ import annotations`` here: the route factory builds its
Annotated dependency at run time, and FastAPI must see the real object.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from anxin.api.deps import SessionDep
from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.guard import Allow
from anxin.auth.models import ApiKey, User
from anxin.auth.permissions import GRANTS, PERMISSION_LABELS, ROLE_LABELS, START_PAGES, Permission, Role
from anxin.text import N_
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_PERMISSION: dict[Role, Permission] = {
    Role.consumer: Permission.page_consumer,
    Role.agent: Permission.page_agent,
    Role.dispatcher: Permission.page_dispatch,
    Role.technician: Permission.page_technician,
    Role.brand_admin: Permission.page_brand_admin,
    Role.risk_analyst: Permission.page_risk,
    Role.auditor: Permission.page_audit,
    Role.platform_admin: Permission.page_platform_admin,
}


def _figures(session: SessionDep, caller: auth.Principal) -> dict[str, int]:
    """Head counts an admin wants on the start page, within the caller's tenancy."""
    users = select(func.count()).select_from(User).where(User.active.is_(True))
    keys = select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))
    if caller.brand_id is not None:
        users = users.where(User.brand_id == caller.brand_id)
        keys = keys.where(ApiKey.brand_id == caller.brand_id)
    figures = {
        N_("Active accounts"): session.scalar(users) or 0,
        N_("Active API keys"): session.scalar(keys) or 0,
    }
    if caller.brand_id is None:
        figures[N_("Brands")] = len(tenancy.list_brands(session))
    return figures


def _workspace_route(role: Role):
    caller_type = Annotated[auth.Principal, Depends(Allow(PAGE_PERMISSION[role]))]

    def workspace(request: Request, session: SessionDep, caller: caller_type):
        brand = tenancy.get_brand(session, brand_id=caller.brand_id) if caller.brand_id is not None else None
        may = [p for p, roles in GRANTS.items() if caller.role in roles and not p.value.startswith("page:")]
        admin = caller.role in (Role.brand_admin, Role.platform_admin)
        context = {
            "workspace_role": role,
            "brand": brand,
            "may": may,
            "figures": _figures(session, caller) if admin else {},
            "role_labels": ROLE_LABELS,
            "permission_labels": PERMISSION_LABELS,
        }
        return render(request, "workspace.html", context)

    workspace.__name__ = f"workspace_{role.value}"
    return workspace


# The dispatch board, the technician's job page and the risk console are their roles' start pages.
OWN_START_PAGES = frozenset({Role.dispatcher, Role.technician, Role.risk_analyst})

for _role, _path in START_PAGES.items():
    if _role not in OWN_START_PAGES:
        router.add_api_route(_path, _workspace_route(_role), methods=["GET"])
