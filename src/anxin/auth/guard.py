"""The one dependency every route uses to say which permission it needs, with CSRF checks built in.

``Allow(Permission.users_read)`` resolves the caller (API key header, else
session cookie), checks CSRF on unsafe methods for cookie-authenticated
requests, then checks the permission table. ``Allow(PUBLIC)`` lets anyone in
but still checks CSRF on anonymous form posts (the login form), using a
double-submit cookie. A test walks every route and requires exactly one
``Allow`` in its dependencies.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from anxin.api.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from anxin.api.deps import SessionDep
from anxin.auth import service as auth
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "anxin_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


def api_key_from(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


async def _submitted_csrf(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _needs_csrf(request: Request, principal: auth.Principal | None) -> bool:
    """Cookie sessions always; anonymous callers only for bodies a cross-site form can send.

    A foreign page can post a form (urlencoded, multipart, text/plain) without a
    preflight, which is how login CSRF works; it cannot send application/json
    without CORS, which we do not allow, so anonymous JSON API calls need no token.
    """
    if principal is not None:
        return principal.via == "session"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in SIMPLE_CONTENT_TYPES or not content_type


def _csrf_failed() -> Forbidden:
    return Forbidden(
        "missing or wrong CSRF token; reload the page and try again",
        message_zh="页面已过期或缺少安全校验，请刷新页面后重试",
        detail={"reason": "csrf"},
    )


class Allow:
    """Dependency that admits callers holding ``permission`` (None = public) and returns the principal."""

    def __init__(self, permission: Permission | None):
        self.permission = permission

    async def __call__(self, request: Request, session: SessionDep) -> auth.Principal | None:
        principal = None
        key = api_key_from(request)
        if key:
            principal = await run_in_threadpool(auth.principal_from_api_key, session, key=key)
            if principal is None:
                raise Unauthenticated("invalid or revoked API key", message_zh="API 密钥无效或已被吊销")
        elif token := request.cookies.get(SESSION_COOKIE):
            principal = await run_in_threadpool(auth.principal_from_session, session, token=token)
        if request.method in UNSAFE_METHODS and _needs_csrf(request, principal):
            expected = principal.csrf_token if principal is not None else request.cookies.get(CSRF_COOKIE)
            submitted = await _submitted_csrf(request)
            if not expected or not submitted or not hmac.compare_digest(expected, submitted):
                raise _csrf_failed()
        request.state.principal = principal
        if self.permission is None:
            return principal
        if principal is None:
            raise Unauthenticated("log in first", message_zh="请先登录")
        if not principal.may(self.permission):
            raise Forbidden(
                f"your role may not use this ({self.permission.value})",
                message_zh="您的角色无权执行此操作",
                detail={"permission": self.permission.value},
            )
        return principal


def allow(permission: Permission) -> type:
    """``Annotated`` alias for a route parameter that must hold ``permission``."""
    return Annotated[auth.Principal, Depends(Allow(permission))]


MaybePrincipal = Annotated[auth.Principal | None, Depends(Allow(None))]
