"""Log in, log out, and the account pages of platform and brand admins (users and API keys)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from anxin.api.deps import SessionDep, SettingsDep, get_locale
from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.guard import SESSION_COOKIE, Allow, MaybePrincipal, revoke_api_key
from anxin.auth.permissions import (
    API_KEY_SCOPES,
    ROLE_LABELS,
    STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE,
    START_PAGES,
    Permission,
    Role,
)
from anxin.auth.schemas import UserCreate
from anxin.errors import AnxinError, Unauthenticated
from anxin.web.forms import FormData
from anxin.web.templating import render, safe_next

router = APIRouter(include_in_schema=False)

AccountManager = Annotated[auth.Principal, Depends(Allow(Permission.users_manage))]
KeyManager = Annotated[auth.Principal, Depends(Allow(Permission.api_keys_manage))]


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_form(request: Request, _caller: MaybePrincipal, next: str | None = None):
    return render(request, "login.html", {"next": safe_next(next, ""), "error": None, "username": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _caller: MaybePrincipal,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form()] = "",
):
    try:
        user = auth.authenticate(
            session,
            username=username,
            password=password,
            ip=_client_ip(request),
            max_failures=settings.login_max_failures,
            window_s=settings.login_window_s,
        )
    except Unauthenticated as exc:
        session.commit()  # keep the failure record: it is what the rate limit counts
        context = {"next": next, "error": exc.localized(get_locale(request)), "username": username}
        return render(request, "login.html", context, status=401)
    token, _row = auth.start_session(session, user=user, ttl=timedelta(hours=settings.session_ttl_hours))
    response = RedirectResponse(safe_next(next, START_PAGES[Role(user.role)]), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, _caller: MaybePrincipal):
    if token := request.cookies.get(SESSION_COOKIE):
        auth.end_session(session, token=token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _accounts_page(
    request: Request,
    session: Session,
    caller: auth.Principal,
    *,
    issued_key: str | None = None,
    error: str | None = None,
    status: int = 200,
):
    """Users and API keys the caller may manage; a brand admin sees and creates only its brand's staff."""
    roles = sorted(STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE) if caller.role is Role.brand_admin else [r.value for r in Role]
    context = {
        "users": auth.list_users(session, viewer=caller),
        "keys": auth.list_api_keys(session, viewer=caller),
        "brands": tenancy.list_brands(session),
        "roles": roles,
        "scopes": sorted(p.value for p in API_KEY_SCOPES),
        "issued_key": issued_key,
        "role_labels": ROLE_LABELS,
        "error": error,
    }
    return render(request, "accounts.html", context, status=status)


def _create_user_from_form(request: Request, session: Session, caller: auth.Principal, form: dict[str, str]):
    try:
        body = UserCreate.model_validate(
            {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
            | {"brand_id": form.get("brand_id") or None}
        )
        auth.create_user(session, **body.model_dump(), creator=caller)
    except ValidationError as exc:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors()}))
        message = f"请检查：{fields}" if get_locale(request) == "zh" else f"check: {fields}"
        return _accounts_page(request, session, caller, error=message, status=422)
    except AnxinError as exc:
        session.rollback()
        return _accounts_page(request, session, caller, error=exc.localized(get_locale(request)), status=exc.status)
    return RedirectResponse("/accounts", status_code=303)


@router.get("/accounts")
def accounts(request: Request, session: SessionDep, caller: AccountManager):
    return _accounts_page(request, session, caller)


@router.post("/accounts/users")
def accounts_create_user(request: Request, session: SessionDep, caller: AccountManager, form: FormData):
    return _create_user_from_form(request, session, caller, form)


@router.post("/accounts/users/{user_id}/deactivate")
def accounts_deactivate_user(request: Request, user_id: int, session: SessionDep, caller: AccountManager):
    auth.deactivate_user(session, user_id=user_id, actor=caller)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/api-keys")
def accounts_create_key(request: Request, session: SessionDep, caller: KeyManager, form: FormData):
    scopes = [s for s in API_KEY_SCOPES if form.get(f"scope:{s.value}")]
    try:
        key, _row = auth.create_api_key(
            session,
            name=form.get("name", "").strip() or "key",
            scopes=[s.value for s in scopes],
            creator=caller,
        )
    except AnxinError as exc:
        session.rollback()
        return _accounts_page(request, session, caller, error=exc.localized(get_locale(request)), status=exc.status)
    return _accounts_page(request, session, caller, issued_key=key, status=201)


@router.post("/accounts/api-keys/{key_id}/revoke")
def accounts_revoke_key(request: Request, key_id: int, session: SessionDep, caller: KeyManager):
    revoke_api_key(request, session, key_id=key_id, actor=caller)
    return RedirectResponse("/accounts", status_code=303)
